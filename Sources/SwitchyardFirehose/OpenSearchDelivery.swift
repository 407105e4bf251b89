import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// OpenSearch and Elasticsearch destinations: the batch as one `_bulk` request to the cluster
/// endpoint, an index action per record into the index (with its rotation suffix) and the type
/// when one is given; documents the cluster refuses, or all of them after the retry duration, go to
/// the backup bucket as `AmazonOpenSearchService-failed` / `elasticsearch-failed`.
struct OpenSearchDelivery: Sendable {
    let batch: BatchDelivery

    func deliver(_ records: [ProcessedRecord], naming: ObjectNaming) async {
        let configuration = batch.settings.configuration
        let failedType =
            batch.settings.kind == .openSearch ? "AmazonOpenSearchService-failed" : "elasticsearch-failed"
        let codePrefix = batch.settings.kind == .openSearch ? "OS" : "ES"
        guard let endpoint = configuration["ClusterEndpoint"]?.stringValue else {
            await batch.fail(
                records, code: "\(codePrefix).DomainUnavailable",
                message:
                    "Domains by ARN are not available in Switchyard: give the destination a ClusterEndpoint to index into.",
                type: failedType, naming: naming)
            return
        }
        let index =
            (configuration["IndexName"]?.stringValue ?? "")
            + Self.rotationSuffix(configuration["IndexRotationPeriod"]?.stringValue ?? "OneDay", millis: naming.millis)
        let typeName = configuration["TypeName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let generatedIds =
            configuration["DocumentIdOptions"]?["DefaultDocumentIdFormat"]?.stringValue != "NO_DOCUMENT_ID"
        var ids: [String] = []
        var body: [UInt8] = []
        for record in records {
            var action: [(key: String, value: OrderedJSON)] = [("_index", .string(index))]
            if let typeName { action.append(("_type", .string(typeName))) }
            if generatedIds {
                let id = RecordProcessing.recordId(record) + "-" + String(naming.millis)
                ids.append(id)
                action.append(("_id", .string(id)))
            }
            body += Array(OrderedJSON.object([("index", .object(action))]).text.utf8) + [0x0A]
            var document = record.data
            while document.last == 0x0A || document.last == 0x0D { document.removeLast() }
            body += document + [0x0A]
        }
        let url = endpoint.hasSuffix("/") ? endpoint + "_bulk" : endpoint + "/_bulk"
        var refused: [Int: String] = [:]
        let (error, attempts) = await batch.retrying {
            let request = DeliveryRequest(
                target: .http(url: url), body: DeliveryPayload(bytes: body),
                headers: ["Content-Type": "application/x-ndjson"], retry: .managedEndpoint, origin: batch.stream.arn)
            let (outcome, response) = await batch.deliveries.deliverNow(request)
            switch outcome {
            case .delivered:
                refused = [:]
                let answer = response.flatMap { try? OrderedJSON.parse($0) }
                if answer?["errors"]?.boolValue == true {
                    for (position, item) in (answer?["items"]?.arrayValue ?? []).enumerated() {
                        guard let result = item["index"] ?? item["create"], let status = result["status"]?.intValue,
                            !(200..<300).contains(status)
                        else { continue }
                        refused[position] = result["error"]?["reason"]?.stringValue ?? "status \(status)"
                    }
                }
                return nil
            case .failed(let reason), .retry(let reason), .postpone(let reason):
                return "Error received from the cluster: \(reason)"
            }
        }
        let mode = batch.settings.backupMode ?? "FailedDocumentsOnly"
        if let error {
            await batch.fail(
                records, code: "\(codePrefix).ServiceException", message: error, attempts: attempts, type: failedType,
                naming: naming)
        } else {
            if !refused.isEmpty {
                await batch.log(
                    "\(codePrefix).DocumentRejected", "\(refused.count) documents were refused by the cluster.")
                // Each refused document with the cluster's own reason.
                let failed = refused.keys.sorted().map {
                    FailedRecord(
                        source: records[$0].source, data: records[$0].data, errorCode: "\(codePrefix).DocumentRejected",
                        errorMessage: refused[$0] ?? "", attempts: 1)
                }
                await batch.writeErrors(failed, type: failedType, naming: naming)
            }
            let taken = records.indices.filter { refused[$0] == nil }.map { records[$0] }
            await batch.delivered(taken, bytes: body.count)
        }
        if mode == "AllDocuments" { await batch.backUpAll(records, naming: naming) }
    }

    /// The index name's suffix for a rotation period: `-yyyy-MM-dd-HH`, `-yyyy-MM-dd`, `-yyyy-wWW`
    /// (the ISO week, which matches AWS's example: 2016-02-25 is `-2016-w08`) or `-yyyy-MM`, in UTC.
    static func rotationSuffix(_ period: String, millis: Int64) -> String {
        switch period {
        case "OneHour": return "-" + ObjectNaming.format(millis, "yyyy-MM-dd-HH")
        case "OneDay": return "-" + ObjectNaming.format(millis, "yyyy-MM-dd")
        case "OneMonth": return "-" + ObjectNaming.format(millis, "yyyy-MM")
        case "OneWeek":
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let week = calendar.component(.weekOfYear, from: date)
            let year = calendar.component(.yearForWeekOfYear, from: date)
            return "-\(year)-w" + (week < 10 ? "0\(week)" : "\(week)")
        default: return ""
        }
    }
}
