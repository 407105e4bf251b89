/// `*` matches any run of characters, everything else itself (SNS filter policies' wildcards).
public enum AsteriskWildcard {
    /// Whether `text` matches `pattern`, in which `*` stands for any run of characters.
    public static func matches(_ text: String, pattern: String) -> Bool {
        WildcardTokens.matches(Array(text.unicodeScalars), pattern.unicodeScalars.map { $0 == "*" ? nil : $0 })
    }
}

/// EventBridge's wildcards: `*` matches any run of characters, `\*` a star and `\\` a backslash.
public enum EscapedWildcard {
    public static func matches(_ text: String, pattern: String) -> Bool {
        var tokens: [Unicode.Scalar?] = []
        var iterator = pattern.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\\", let escaped = iterator.next() {
                tokens.append(escaped)
            } else {
                tokens.append(scalar == "*" ? nil : scalar)
            }
        }
        return WildcardTokens.matches(Array(text.unicodeScalars), tokens)
    }
}

/// Matching of a pattern given as tokens, each a literal or a star (nil), with backtracking to the
/// last star: linear in practice, never exponential.
enum WildcardTokens {
    static func matches(_ text: [Unicode.Scalar], _ tokens: [Unicode.Scalar?]) -> Bool {
        var t = 0
        var p = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < tokens.count, let literal = tokens[p], literal == text[t] {
                t += 1
                p += 1
            } else if p < tokens.count, tokens[p] == nil {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == nil { p += 1 }
        return p == tokens.count
    }
}
