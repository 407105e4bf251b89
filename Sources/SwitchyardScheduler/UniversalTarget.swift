import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

/// Universal targets (`arn:aws:scheduler:::aws-sdk:<service>:<apiAction>`): the target's `Input` is
/// the API call's parameters. SQS SendMessage and SNS Publish to this server are delivered as those
/// calls would; other actions fail at delivery, naming themselves.
enum UniversalTarget {
    static func request(_ target: Scheduler.Target, schedule: ScheduleRecord) -> DeliveryRequest {
        let action = target.arn.dropFirst("arn:aws:scheduler:::aws-sdk:".count)
        let parameters = (try? OrderedJSON.parse(Array((target.input ?? "{}").utf8))) ?? .object([])
        func text(_ name: String) -> String? {
            if case .scalar(.string(let value))? = parameters[name] { return value }
            return nil
        }
        var destination = DeliveryTarget(kind: DeliveryTargetKind(rawValue: "aws-sdk"), resource: String(action))
        var body = target.input ?? "{}"
        var groupId: String?
        var deduplicationId: String?
        switch action {
        case "sqs:sendMessage":
            if let url = text("QueueUrl"), let arn = queueArn(url, region: schedule.region) {
                destination = .sqs(arn: arn)
                body = text("MessageBody") ?? ""
                groupId = text("MessageGroupId")
                deduplicationId = text("MessageDeduplicationId")
            }
        case "sns:publish":
            if let arn = text("TopicArn") {
                destination = DeliveryTarget(kind: .snsTopic, resource: arn)
                body = text("Message") ?? ""
                groupId = text("MessageGroupId")
                deduplicationId = text("MessageDeduplicationId")
            }
        default:
            break
        }
        return SchedulerEngine.delivery(
            to: destination, body: body, groupId: groupId, deduplicationId: deduplicationId, target: target,
            schedule: schedule)
    }

    /// A queue URL's queue (`.../<account>/<name>`), in the URL's region if it names one.
    static func queueArn(_ url: String, region: String) -> String? {
        let parts = url.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        let name = parts[parts.count - 1]
        let account = parts[parts.count - 2]
        guard account.count == 12, account.allSatisfy(\.isNumber) else { return nil }
        let host = parts.count >= 3 ? String(parts[parts.count - 3]) : ""
        let hostParts = host.split(separator: ".")
        let named = hostParts.count > 2 && hostParts[0] == "sqs" ? String(hostParts[1]) : region
        return "arn:aws:sqs:\(named):\(account):\(name)"
    }
}
