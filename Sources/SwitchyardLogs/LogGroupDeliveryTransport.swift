import Foundation
import SwitchyardDelivery
import SwitchyardPlatform
import SwitchyardWire

/// Log groups as delivery targets (EventBridge rules): each payload becomes one log event, in a
/// stream named after the event's id, timed by the event's `time` (now when it has none).
struct LogGroupDeliveryTransport: DeliveryTransport {
    static let kind = DeliveryTargetKind(rawValue: "logs")
    let engine: LogsEngine

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        let parts = request.target.resource.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 7, parts[5] == "log-group" else { return .failed(reason: "not a log group ARN") }
        let key = LogGroupRecord.key(account: parts[4], region: parts[3], name: parts[6])
        guard await engine.group(key) != nil else {
            return .failed(reason: "The specified log group does not exist.")
        }
        let text = request.body.text ?? ""
        var stream = UUID().uuidString.lowercased()
        var timestamp = LogsEngine.now()
        if let event = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            if let id = event["id"] as? String { stream = id }
            if let time = (event["time"] as? String).flatMap(Timestamps.parse) {
                timestamp = Int64(time.timeIntervalSince1970 * 1000)
            }
        }
        await engine.write(
            account: parts[4], region: parts[3], group: parts[6], stream: stream,
            lines: [LogLine(timestamp: timestamp, message: text)])
        return .delivered
    }
}
