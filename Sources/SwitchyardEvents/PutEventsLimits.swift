import Foundation
import SwitchyardWire

/// PutEvents's limits on a whole request, checked as AWS checks them: the number of entries before
/// the model's other constraints (its message lists the entries as the Java service prints them),
/// and the total size of the entries.
enum PutEventsLimits {
    static let maximumEntries = 10
    static let maximumTotalBytes = 256 * 1024

    /// Refuses more than ten entries with AWS's message.
    @Sendable static func precheck(_ input: AWSValue, _ operation: OperationModel) throws {
        guard operation.name == "PutEvents", case .list(let entries)? = input["Entries"],
            entries.count > maximumEntries
        else { return }
        let listed = entries.map(javaText).joined(separator: ", ")
        throw AWSError(
            "ValidationException",
            "1 validation error detected: Value '[\(listed)]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to \(maximumEntries)"
        )
    }

    /// An entry as the service's Java model object prints itself.
    static func javaText(_ entry: AWSValue) -> String {
        func field(_ name: String) -> String {
            switch entry[name] {
            case .string(let text)?: return text
            case .list(let items)?:
                return "["
                    + items.map { item in if case .string(let text) = item { text } else { "" } }
                    .joined(separator: ", ") + "]"
            case .timestamp(let date)?: return javaDate(date)
            default: return "null"
            }
        }
        return
            "PutEventsRequestEntry(time=\(field("Time")), source=\(field("Source")), resources=\(field("Resources")), detailType=\(field("DetailType")), detail=\(field("Detail")), eventBusName=\(field("EventBusName")), traceHeader=\(field("TraceHeader")), kmsKeyIdentifier=null, internalMetadata=null)"
    }

    /// `java.util.Date.toString()` in UTC: "Sat Jan 01 00:00:00 UTC 2022".
    static func javaDate(_ date: Date) -> String { UTCDateFormats.string(date, "EEE MMM dd HH:mm:ss 'UTC' yyyy") }

    /// The size AWS counts for an entry: its Time (14 bytes when given), Source, DetailType, Detail and
    /// Resources, in UTF-8.
    static func size(source: String?, detailType: String?, detail: String?, resources: [String]?, hasTime: Bool) -> Int
    {
        (hasTime ? 14 : 0) + (source?.utf8.count ?? 0) + (detailType?.utf8.count ?? 0) + (detail?.utf8.count ?? 0)
            + (resources ?? []).reduce(0) { $0 + $1.utf8.count }
    }
}
