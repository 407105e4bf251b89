import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// Delivery status logging that is configured outside topics:
/// - an account's SMS settings (`DeliveryStatusIAMRole`, `DeliveryStatusSuccessSamplingRate`) log
///   SMS published straight to a phone number, in `sns/<region>/<account>/DirectPublishToPhoneNumber`;
/// - a platform application's attributes (`SuccessFeedbackRoleArn`, `SuccessFeedbackSampleRate`,
///   `FailureFeedbackRoleArn`) log every message to its endpoints, published to the endpoint or through
///   a topic, in `sns/<region>/<account>/app/<platform>/<name>`.
///
/// Failures go to the group's `/Failure` sibling, as with topics. The entries have the fields of AWS's
/// documented examples; what a carrier or push service would have answered is Switchyard's.
enum EndpointStatusLog {
    /// Whether a success is logged, given the role and sample rate (percent; none set logs none).
    static func logsSuccess(role: String?, sampleRate: String?) -> Bool {
        guard let role, !role.isEmpty else { return false }
        return Double.random(in: 0..<100) < (Double(sampleRate ?? "") ?? 0)
    }

    static func smsGroup(account: String, region: String, succeeded: Bool) -> String {
        "sns/\(region)/\(account)/DirectPublishToPhoneNumber" + (succeeded ? "" : "/Failure")
    }

    /// The log group of a platform application (`arn:aws:sns:<region>:<account>:app/<platform>/<name>`),
    /// with the account and region it belongs to.
    static func applicationGroup(_ applicationArn: String, succeeded: Bool)
        -> (account: String, region: String, group: String)?
    {
        guard let (region, account, name) = ARN.namedResource(applicationArn, service: "sns"), name.hasPrefix("app/")
        else { return nil }
        return (account, region, "sns/\(region)/\(account)/\(name)" + (succeeded ? "" : "/Failure"))
    }

    /// One SMS entry: the carrier's side (network codes, price) is unknown here and written as zero.
    static func smsEntry(
        messageId: String, publishedMillis: Int64, destination: String, message: String, smsType: String,
        dwellMillis: Int64
    ) -> String {
        OrderedJSON.object([
            ("notification", notification(messageId: messageId, publishedMillis: publishedMillis)),
            (
                "delivery",
                .object([
                    ("mnc", .integer(0)),
                    ("numberOfMessageParts", .integer(SMSParts.count(message))),
                    ("destination", .string(destination)),
                    ("priceInUSD", .integer(0)),
                    ("smsType", .string(smsType)),
                    ("mcc", .integer(0)),
                    ("providerResponse", .string("Message has been accepted by phone carrier")),
                    ("dwellTimeMs", .integer(Int(dwellMillis))),
                    ("dwellTimeMsUntilDeviceAck", .integer(Int(dwellMillis))),
                ])
            ),
            ("status", .string("SUCCESS")),
        ]).text
    }

    /// One push entry, for a message handed to an endpoint (its device token and ARN).
    static func pushEntry(
        messageId: String, publishedMillis: Int64, token: String, endpointArn: String, dwellMillis: Int64,
        attempts: Int, succeeded: Bool, providerResponse: String
    ) -> String {
        OrderedJSON.object([
            ("status", .string(succeeded ? "SUCCESS" : "FAILURE")),
            ("notification", notification(messageId: messageId, publishedMillis: publishedMillis)),
            (
                "delivery",
                .object([
                    ("statusCode", .integer(succeeded ? 200 : 400)),
                    ("dwellTimeMs", .integer(Int(dwellMillis))),
                    ("token", .string(token)),
                    ("attempts", .integer(max(1, attempts))),
                    ("providerResponse", .string(providerResponse)),
                    ("destination", .string(endpointArn)),
                ])
            ),
        ]).text
    }

    private static func notification(messageId: String, publishedMillis: Int64) -> OrderedJSON {
        let published = Date(timeIntervalSince1970: Double(publishedMillis) / 1000)
        return .object([
            ("messageId", .string(messageId)),
            ("timestamp", .string(UTCDateFormats.string(published, "yyyy-MM-dd HH:mm:ss.SSS"))),
        ])
    }
}

/// How many parts an SMS message is sent in: 160 GSM characters fit one message, 153 each part of a
/// longer one; text outside the GSM alphabet goes as UCS-2, 70 characters in one, 67 in each part.
enum SMSParts {
    /// GSM 03.38's basic characters (the extension table's count twice, as their escape does).
    private static let basic = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    private static let extended = Set("^{}\\[~]|€\u{0C}")

    static func count(_ message: String) -> Int {
        var septets = 0
        var gsm = true
        for character in message {
            if basic.contains(character) {
                septets += 1
            } else if extended.contains(character) {
                septets += 2
            } else {
                gsm = false
                break
            }
        }
        if gsm { return septets <= 160 ? 1 : (septets + 152) / 153 }
        let units = message.utf16.count
        return units <= 70 ? 1 : (units + 66) / 67
    }
}
