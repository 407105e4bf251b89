import Foundation
import Synchronization

/// Compiled model patterns, built once per pattern and shared by all requests.
final class PatternCache: Sendable {
    static let shared = PatternCache()

    private let compiled = Mutex<[String: NSRegularExpression?]>([:])

    /// Whether the model pattern matches all of `text`, as AWS's validation applies it (a value
    /// 'Session1:2' fails `[\w+=,.@-]*` although the pattern matches its start).
    /// A pattern Foundation cannot compile is not enforced.
    func matches(_ text: String, pattern: String) -> Bool {
        let expression = compiled.withLock { cache -> NSRegularExpression? in
            if let entry = cache[pattern] { return entry }
            let made = try? NSRegularExpression(pattern: "^(?:\(pattern))$")
            cache[pattern] = made
            return made
        }
        guard let expression else { return true }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }
}
