import Foundation

/// Why SES rejects an address. `message` is the text SES puts in its InvalidParameterValue error.
enum AddressError: Error, Equatable, Sendable {
    /// No `@` separates a local part from a domain, e.g. `nobody`.
    case missingDomain
    /// Whitespace, a control character or a non-ASCII character in the local part. SES does not support
    /// SMTPUTF8, so even letters such as `å` are reported this way.
    case localPartControlOrWhitespace
    /// Anything else that is not a valid mailbox.
    case illegalAddress

    var message: String {
        switch self {
        case .missingDomain: "Missing final '@domain'"
        case .localPartControlOrWhitespace: "Local address contains control or whitespace"
        case .illegalAddress: "Illegal address"
        }
    }
}

/// An RFC 5322 mailbox: an optional display name and an addr-spec.
///
/// Validation follows what SES enforces: the local part must be printable 7-bit ASCII, while the domain may hold
/// non-ASCII (IDN) characters, which SES expects punycoded but which are accepted here as they are.
struct EmailAddress: Sendable, Hashable {
    /// The display name with quoting removed and encoded words decoded; nil when there is none.
    var displayName: String?
    /// The addr-spec as written, e.g. `jane@example.com` or `"jane doe"@example.com`.
    var address: String

    init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// Everything after the last `@`, lowercased; empty when there is no `@`.
    var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return address[address.index(after: at)...].lowercased()
    }

    /// Everything before the last `@` (the whole address when there is none).
    var localPart: String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return String(address[..<at])
    }

    /// The mailbox as written in a header: the display name is left bare when it is a plain phrase, quoted when it
    /// holds specials, and B-encoded (RFC 2047, UTF-8) when it is not ASCII.
    var headerValue: String {
        // Control characters (CR/LF above all) would let a name break out of its header line.
        let scalars = (displayName ?? "").unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }
        let name = String(String.UnicodeScalarView(scalars)).trimmedWhitespace
        guard !name.isEmpty else { return address }
        guard name.unicodeScalars.allSatisfy(\.isASCII) else {
            return EncodedWord.encode(name).joined(separator: " ") + " <\(address)>"
        }
        if Self.isPlainPhrase(name) { return "\(name) <\(address)>" }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address)>"
    }

    /// Atoms separated by single spaces, and nothing a decoder could mistake for an encoded word.
    private static func isPlainPhrase(_ name: String) -> Bool {
        let atomSymbols = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)
        let atext = name.unicodeScalars.allSatisfy { scalar in
            scalar == " " || atomSymbols.contains(scalar)
                || (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
        }
        return atext && !name.contains("=?") && !name.contains("  ")
    }
}

// MARK: - Parsing

extension EmailAddress {
    /// Parses an RFC 5322 address list (To/Cc/From headers, SES API parameters): plain addresses,
    /// `Name <addr>`, quoted names with commas, groups (`team: a@b.c, d@e.f;`, `undisclosed-recipients:;`).
    /// Comments are dropped and empty entries skipped; every mailbox is validated as SES does.
    static func parseList(_ text: String) throws(AddressError) -> [EmailAddress] {
        var result: [EmailAddress] = []
        for entry in try splitMailboxes(text, strict: true) {
            result.append(try parseMailbox(entry))
        }
        return result
    }

    /// Parses exactly one mailbox.
    static func parse(_ text: String) throws(AddressError) -> EmailAddress {
        let list = try parseList(text)
        guard list.count == 1, let only = list.first else { throw .illegalAddress }
        return only
    }

    /// Like `parseList`, but skips invalid entries: used for headers of received mail, where one bad address
    /// should not hide the others.
    static func parseListLeniently(_ text: String) -> [EmailAddress] {
        let entries = (try? splitMailboxes(text, strict: false)) ?? []
        return entries.compactMap { try? parseMailbox($0) }
    }

    /// Splits a list into mailbox texts at top-level commas and semicolons. Comments are removed, quotes and
    /// angle brackets kept for `parseMailbox`, and a group's name (text before a top-level colon) is dropped.
    private static func splitMailboxes(_ text: String, strict: Bool) throws(AddressError) -> [[Unicode.Scalar]] {
        var entries: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var inQuote = false
        var inAngle = false
        var escaped = false
        var commentDepth = 0

        func flush() {
            let trimmed = trimWhitespace(current[...])
            if !trimmed.isEmpty { entries.append(Array(trimmed)) }
            current.removeAll()
        }

        for scalar in text.unicodeScalars {
            if escaped {
                if commentDepth == 0 { current.append(scalar) }
                escaped = false
            } else if commentDepth > 0 {
                switch scalar {
                case "\\": escaped = true
                case "(": commentDepth += 1
                case ")":
                    commentDepth -= 1
                    if commentDepth == 0 { current.append(" ") }  // a comment separates like whitespace
                default: break
                }
            } else if inQuote {
                current.append(scalar)
                if scalar == "\\" { escaped = true } else if scalar == "\"" { inQuote = false }
            } else {
                switch scalar {
                case "\"":
                    inQuote = true
                    current.append(scalar)
                case "\\":
                    escaped = true
                    current.append(scalar)
                case "(": commentDepth = 1
                case "<":
                    inAngle = true
                    current.append(scalar)
                case ">":
                    inAngle = false
                    current.append(scalar)
                // Commas inside angle brackets belong to an obsolete source route; `;` ends a group and is also
                // what people type between addresses, so both separate entries.
                case ",", ";":
                    if inAngle { current.append(scalar) } else { flush() }
                case ":":
                    if inAngle { current.append(scalar) } else { current.removeAll() }
                default: current.append(scalar)
                }
            }
        }
        if strict, inQuote || inAngle || commentDepth > 0 { throw .illegalAddress }
        flush()
        return entries
    }

    /// Parses `addr-spec` or `[display name] <addr-spec>`.
    private static func parseMailbox(_ text: [Unicode.Scalar]) throws(AddressError) -> EmailAddress {
        guard let open = topLevelIndex(of: "<", in: text[...]) else {
            let address = String(String.UnicodeScalarView(trimWhitespace(text[...])))
            try validate(address)
            return EmailAddress(address: address)
        }
        let afterOpen = text[(open + 1)...]
        guard let close = topLevelIndex(of: ">", in: afterOpen),
            trimWhitespace(text[(close + 1)...]).isEmpty
        else { throw .illegalAddress }
        var inner = trimWhitespace(text[(open + 1)..<close])
        // Obsolete source route `<@relay1,@relay2:user@host>`: only the final address matters.
        if inner.first == "@", let colon = inner.firstIndex(of: ":") {
            inner = trimWhitespace(inner[(colon + 1)...])
        }
        let address = String(String.UnicodeScalarView(inner))
        try validate(address)
        return EmailAddress(displayName: decodePhrase(text[..<open]), address: address)
    }

    /// Position of `target` outside quoted strings.
    private static func topLevelIndex(of target: Unicode.Scalar, in text: ArraySlice<Unicode.Scalar>) -> Int? {
        var inQuote = false
        var escaped = false
        for index in text.indices {
            let scalar = text[index]
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                inQuote.toggle()
            } else if !inQuote, scalar == target {
                return index
            }
        }
        return nil
    }

    /// Turns a display-name phrase into text: quotes and escapes removed, whitespace runs collapsed, encoded
    /// words decoded (also inside quotes, which is wrong but what many mailers send).
    private static func decodePhrase(_ text: ArraySlice<Unicode.Scalar>) -> String? {
        var output = String.UnicodeScalarView()
        var inQuote = false
        var escaped = false
        var pendingSpace = false
        for scalar in text {
            if inQuote {
                if escaped {
                    output.append(scalar)
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inQuote = false
                } else if scalar != "\r", scalar != "\n" {  // folding inside the quotes
                    output.append(scalar)
                }
                continue
            }
            if isWhitespace(scalar) {
                pendingSpace = true
                continue
            }
            if pendingSpace, !output.isEmpty { output.append(" ") }
            pendingSpace = false
            if scalar == "\"" { inQuote = true } else { output.append(scalar) }
        }
        let name = EncodedWord.decode(String(output)).trimmedWhitespace
        return name.isEmpty ? nil : name
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n"
    }

    private static func trimWhitespace(_ text: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var slice = text
        while let first = slice.first, isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }
}

// MARK: - Validation

extension EmailAddress {
    /// Checks an addr-spec the way SES does: a dot-atom or quoted local part of printable ASCII, an `@`, and a
    /// domain of letter/digit/hyphen labels (non-ASCII letters allowed) or a domain literal.
    static func validate(_ address: String) throws(AddressError) {
        let scalars = Array(address.unicodeScalars)
        guard !scalars.isEmpty else { throw .illegalAddress }
        let at = try scalars[0] == "\"" ? validateQuotedLocalPart(scalars) : validateDotAtomLocalPart(scalars)
        try validateDomain(scalars[(at + 1)...])
    }

    /// Validates `"..."@`, returning the index of the `@`.
    private static func validateQuotedLocalPart(_ scalars: [Unicode.Scalar]) throws(AddressError) -> Int {
        var index = 1
        var escaped = false
        while index < scalars.count {
            let scalar = scalars[index]
            // Spaces are fine inside quotes; control and non-ASCII characters are not.
            if scalar.value > 0x7E || (scalar.value < 0x20 && scalar != "\t") {
                throw .localPartControlOrWhitespace
            }
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                break
            }
            index += 1
        }
        guard index < scalars.count, index > 1 else { throw .illegalAddress }  // unterminated or empty quotes
        let at = index + 1
        guard at < scalars.count else { throw .missingDomain }
        guard scalars[at] == "@" else { throw .illegalAddress }
        return at
    }

    /// Validates a dot-atom local part, returning the index of the `@` that ends it.
    private static func validateDotAtomLocalPart(_ scalars: [Unicode.Scalar]) throws(AddressError) -> Int {
        let specials: Set<Unicode.Scalar> = ["(", ")", "<", ">", "[", "]", ":", ";", ",", "\\", "\""]
        var index = 0
        var previous: Unicode.Scalar?
        while index < scalars.count, scalars[index] != "@" {
            let scalar = scalars[index]
            if scalar.value <= 0x20 || scalar.value >= 0x7F { throw .localPartControlOrWhitespace }
            if specials.contains(scalar) { throw .illegalAddress }
            if scalar == ".", previous == nil || previous == "." { throw .illegalAddress }
            previous = scalar
            index += 1
        }
        guard index < scalars.count else { throw .missingDomain }
        guard index > 0, previous != "." else { throw .illegalAddress }
        return index
    }

    private static func validateDomain(_ domain: ArraySlice<Unicode.Scalar>) throws(AddressError) {
        guard let first = domain.first else { throw .illegalAddress }
        if first == "[" {
            // Domain literal such as [192.0.2.1]: printable ASCII between the brackets.
            let inner = domain.dropFirst().dropLast()
            guard domain.count > 2, domain.last == "]",
                inner.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "[" && $0 != "]" })
            else { throw .illegalAddress }
            return
        }
        var labelLength = 0
        for scalar in domain {
            if scalar == "." {
                guard labelLength > 0 else { throw .illegalAddress }
                labelLength = 0
                continue
            }
            let valid: Bool
            if scalar.isASCII {
                valid = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
            } else {
                valid = !scalar.properties.isWhitespace && scalar.properties.generalCategory != .control
            }
            guard valid else { throw .illegalAddress }
            labelLength += 1
        }
        guard labelLength > 0 else { throw .illegalAddress }
    }
}

extension EmailAddress {
    /// The address as SES's event records list it: `Name <a@b>` with the name decoded, or the bare address.
    var displayText: String {
        guard let name = displayName, !name.isEmpty else { return address }
        return "\(name) <\(address)>"
    }
}
