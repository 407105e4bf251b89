import Foundation

/// Timestamp text formats AWS protocols use.
public enum Timestamps {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// `2026-11-24T10:00:00.000Z`, as query and XML protocols write timestamps.
    public static func iso8601(_ date: Date) -> String { withFraction.format(date) }

    /// Parses ISO 8601 with or without fractional seconds, or epoch seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? withFraction.parse(text) { return date }
        if let date = try? withoutFraction.parse(text) { return date }
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        return nil
    }
}
