import SwitchyardPlatform

// Delivery status logs of messages published straight to a phone number or a device endpoint (see
// `EndpointStatusLog`); those sent through topics are logged by `DeliveryStatusLog`.
extension SNSService {
    /// Logs a direct SMS the outbox accepted, when the account's SMS settings ask for it.
    func logDirectSMS(
        messageId: String, publishedMillis: Int64, to number: String, message: String, smsType: String?,
        account: String, region: String
    ) async throws {
        guard let logs else { return }
        let (settings, _) = try await engine.withSMSSettings(account: account, region: region) { $0.attributes }
        guard
            EndpointStatusLog.logsSuccess(
                role: settings["DeliveryStatusIAMRole"], sampleRate: settings["DeliveryStatusSuccessSamplingRate"])
        else { return }
        let now = engine.clock.nowMillis()
        let entry = EndpointStatusLog.smsEntry(
            messageId: messageId, publishedMillis: publishedMillis, destination: number, message: message,
            smsType: smsType ?? settings["DefaultSMSType"] ?? "Promotional", dwellMillis: now - publishedMillis)
        await logs.write(
            account: account, region: region,
            group: EndpointStatusLog.smsGroup(account: account, region: region, succeeded: true),
            stream: DeliveryStatusLog.streamName("sms/\(account)/\(region)"),
            lines: [LogLine(timestamp: now, message: entry)])
    }

    /// Logs a message the outbox accepted for a device endpoint, when its application asks for it.
    func logDirectPush(messageId: String, publishedMillis: Int64, to endpointArn: String) async {
        guard let logs, let endpoint = try? await engine.platformEndpoint(endpointArn),
            let application = try? await engine.platformApplication(endpoint.applicationArn),
            EndpointStatusLog.logsSuccess(
                role: application.attributes["SuccessFeedbackRoleArn"],
                sampleRate: application.attributes["SuccessFeedbackSampleRate"]),
            let log = EndpointStatusLog.applicationGroup(application.arn, succeeded: true)
        else { return }
        let now = engine.clock.nowMillis()
        let entry = EndpointStatusLog.pushEntry(
            messageId: messageId, publishedMillis: publishedMillis, token: endpoint.attributes["Token"] ?? "",
            endpointArn: endpointArn, dwellMillis: now - publishedMillis, attempts: 1, succeeded: true,
            providerResponse: "")
        await logs.write(
            account: log.account, region: log.region, group: log.group,
            stream: DeliveryStatusLog.streamName(application.arn),
            lines: [LogLine(timestamp: now, message: entry)])
    }
}
