import Foundation
import SwitchyardDelivery
import SwitchyardWire

/// The Splunk destination: the batch posted to the HTTP Event Collector (`/services/collector/event`
/// for the `Event` endpoint type, `/services/collector/raw` for `Raw`) with the HEC token; retried
/// for the retry duration, then backed up as `splunk-failed`.
struct SplunkDelivery: Sendable {
    let batch: BatchDelivery

    func deliver(_ records: [ProcessedRecord], naming: ObjectNaming) async {
        let configuration = batch.settings.configuration
        guard let endpoint = configuration["HECEndpoint"]?.stringValue else { return }
        let path =
            configuration["HECEndpointType"]?.stringValue == "Event"
            ? "/services/collector/event" : "/services/collector/raw"
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        let token = configuration["HECToken"]?.stringValue ?? ""
        let body = records.flatMap(\.data)
        let (error, attempts) = await batch.retrying {
            let request = DeliveryRequest(
                target: .http(url: base + path), body: DeliveryPayload(bytes: body),
                headers: ["Authorization": "Splunk \(token)", "Content-Type": "application/json"],
                retry: .managedEndpoint, origin: batch.stream.arn)
            let (outcome, _) = await batch.deliveries.deliverNow(request)
            if case .delivered = outcome { return nil }
            return "The HEC endpoint did not accept the data."
        }
        if let error {
            await batch.fail(
                records, code: "Splunk.ServerError", message: error, attempts: attempts, type: "splunk-failed",
                naming: naming)
        } else {
            await batch.delivered(records, bytes: body.count)
        }
        if batch.settings.backupMode == "AllEvents" { await batch.backUpAll(records, naming: naming) }
    }
}
