import Foundation
import Synchronization

/// Dates written in UTC with a fixed pattern (`yyyy/MM/dd`, Java's `Date.toString()`, Lambda's
/// `LastModified`), each pattern's formatter made once: building a DateFormatter costs far more
/// than formatting with one, and several answers format a date per request.
public enum UTCDateFormats {
    /// DateFormatter is not Sendable: each one is used under this lock only.
    private nonisolated(unsafe) static var formatters: [String: DateFormatter] = [:]
    private static let lock = Mutex(())

    /// The date in UTC, in the `en_US_POSIX` locale, with a DateFormatter pattern.
    public static func string(_ date: Date, _ pattern: String) -> String {
        lock.withLock { _ in
            if let formatter = formatters[pattern] { return formatter.string(from: date) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = pattern
            formatters[pattern] = formatter
            return formatter.string(from: date)
        }
    }
}
