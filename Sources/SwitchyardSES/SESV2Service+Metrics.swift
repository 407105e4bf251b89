import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Metrics (VDM) and domain statistics, counted from the captured outbox

extension SESV2Service {
    /// What one recipient of a message counts as, for each VDM metric.
    static func counts(_ metric: String, message: SentMessage, recipient: String) -> Int {
        let outcome = message.outcomes[recipient]
        let delivered = outcome == "delivered" || outcome == "complained" || outcome == "relayed"
        let opened = message.openedBy?.contains(recipient) ?? false
        let clicked = message.clickedBy?.contains(recipient) ?? false
        switch metric {
        case "SEND": return outcome == "rendering-failed" ? 0 : 1
        case "DELIVERY": return delivered ? 1 : 0
        case "PERMANENT_BOUNCE": return ["bounced", "suppressed", "unsubscribed"].contains(outcome ?? "") ? 1 : 0
        case "TRANSIENT_BOUNCE": return 0
        case "COMPLAINT": return outcome == "complained" ? 1 : 0
        case "OPEN": return opened ? 1 : 0
        case "CLICK": return clicked ? 1 : 0
        case "DELIVERY_OPEN": return delivered && opened ? 1 : 0
        case "DELIVERY_CLICK": return delivered && clicked ? 1 : 0
        case "DELIVERY_COMPLAINT": return outcome == "complained" ? 1 : 0
        default: return 0
        }
    }

    /// Whether a message matches a query's dimensions (EMAIL_IDENTITY, CONFIGURATION_SET; every
    /// recipient counts under the ISP "Other", as no mailbox provider is known here).
    static func matches(_ message: SentMessage, dimensions: [String: String]) -> Bool {
        for (dimension, value) in dimensions {
            switch dimension {
            case "EMAIL_IDENTITY":
                let domain = message.source.split(separator: "@").last.map(String.init)?.lowercased()
                guard message.source.caseInsensitiveCompare(value) == .orderedSame || domain == value.lowercased()
                else { return false }
            case "CONFIGURATION_SET":
                guard message.configurationSet == value else { return false }
            case "ISP":
                guard value == "Other" else { return false }
            default:
                return false
            }
        }
        return true
    }

    static func day(_ millis: Int64) -> Int64 { millis - millis % 86_400_000 }

    func batchGetMetricData(_ input: SESv2.BatchGetMetricDataRequest, context: RequestContext) async throws
        -> SESv2.BatchGetMetricDataResponse
    {
        let scope = Self.scope(context)
        var results: [SESv2.MetricDataResult] = []
        var errors: [SESv2.MetricDataError] = []
        for query in input.queries {
            guard query.namespace == "VDM" else {
                errors.append(SESv2.MetricDataError(id: query.id, code: "ACCESS_DENIED", message: "Unknown namespace."))
                continue
            }
            let start = Int64(query.startDate.timeIntervalSince1970 * 1000)
            let end = Int64(query.endDate.timeIntervalSince1970 * 1000)
            var byDay: [Int64: Int] = [:]
            for message in await engine.sentMessages(scope, from: start, to: end)
            where Self.matches(message, dimensions: query.dimensions ?? [:]) {
                let total = message.destinations.reduce(0) {
                    $0 + Self.counts(query.metric, message: message, recipient: $1)
                }
                byDay[Self.day(message.sentMillis), default: 0] += total
            }
            let days = byDay.keys.sorted()
            results.append(
                SESv2.MetricDataResult(
                    id: query.id, timestamps: days.map(Self.date), values: days.map { byDay[$0] ?? 0 }))
        }
        return SESv2.BatchGetMetricDataResponse(results: results, errors: errors)
    }

    /// Inbox volumes of mail sent from a domain: everything delivered counts as inbox, as there is
    /// no spam folder here.
    func getDomainStatisticsReport(_ input: SESv2.GetDomainStatisticsReportRequest, context: RequestContext)
        async throws -> SESv2.GetDomainStatisticsReportResponse
    {
        let scope = Self.scope(context)
        let start = Int64(input.startDate.timeIntervalSince1970 * 1000)
        let end = Int64(input.endDate.timeIntervalSince1970 * 1000)
        var byDay: [Int64: Int] = [:]
        var total = 0
        for message in await engine.sentMessages(scope, from: start, to: end)
        where Self.matches(message, dimensions: ["EMAIL_IDENTITY": input.domain]) {
            let delivered = message.destinations.reduce(0) {
                $0 + Self.counts("DELIVERY", message: message, recipient: $1)
            }
            byDay[Self.day(message.sentMillis), default: 0] += delivered
            total += delivered
        }
        func volume(_ count: Int) -> SESv2.VolumeStatistics {
            SESv2.VolumeStatistics(inboxRawCount: count, spamRawCount: 0, projectedInbox: count, projectedSpam: 0)
        }
        return SESv2.GetDomainStatisticsReportResponse(
            overallVolume: SESv2.OverallVolume(volumeStatistics: volume(total), readRatePercent: 0),
            dailyVolumes: byDay.keys.sorted().map {
                SESv2.DailyVolume(startDate: Self.date($0), volumeStatistics: volume(byDay[$0] ?? 0))
            })
    }
}
