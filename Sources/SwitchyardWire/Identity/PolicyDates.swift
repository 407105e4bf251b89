import Foundation

/// The dates of policy conditions (`Date*` operators, `aws:CurrentTime`, `aws:EpochTime`): ISO 8601
/// dates and times (`2026-11-28`, `2026-11-28T12:00:00Z`, with fractions) or seconds since the epoch,
/// as IAM accepts them.
enum PolicyDates {
    private static let dateOnly = Date.ISO8601FormatStyle().year().month().day()

    /// Seconds since the epoch, or nil when the text is no date IAM reads.
    static func seconds(_ text: String) -> Double? {
        if let date = Timestamps.parse(text) { return date.timeIntervalSince1970 }
        return (try? dateOnly.parse(text))?.timeIntervalSince1970
    }
}
