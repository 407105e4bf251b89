/// SES's mailbox simulator: addresses at simulator.amazonses.com (with any `+label`) that produce
/// a chosen outcome without reaching anyone.
enum MailboxSimulator {
    enum Outcome: Equatable {
        case success
        case bounce
        case outOfOffice
        case complaint
        case suppressionList
    }

    static let domain = "simulator.amazonses.com"

    static func outcome(for address: String) -> Outcome? {
        let lowered = address.lowercased()
        guard let at = lowered.lastIndex(of: "@"), lowered[lowered.index(after: at)...] == domain else { return nil }
        let local = lowered[..<at].split(separator: "+", maxSplits: 1).first.map(String.init) ?? ""
        switch local {
        case "success": return .success
        case "bounce": return .bounce
        case "ooto": return .outOfOffice
        case "complaint": return .complaint
        case "suppressionlist": return .suppressionList
        default: return nil
        }
    }

    /// The bounce of an address SES's simulator rejects as unknown.
    static func hardBounce(_ address: String) -> BounceDetails {
        BounceDetails(
            bounceType: "Permanent", bounceSubType: "General",
            recipients: [(address, "failed", "5.1.1", "smtp; 550 5.1.1 user unknown")])
    }

    /// The bounce SES reports for an address on the account's suppression list.
    /// A contact who opted out of the list or topic: SES sends nothing and reports a bounce.
    static func unsubscribedBounce(_ address: String) -> BounceDetails {
        BounceDetails(
            bounceType: "Permanent", bounceSubType: "General",
            recipients: [
                (
                    address, "failed", "5.7.1",
                    "Amazon SES did not send the message to this address because the contact unsubscribed from "
                        + "the contact list or topic."
                )
            ])
    }

    static func suppressedBounce(_ address: String) -> BounceDetails {
        BounceDetails(
            bounceType: "Permanent", bounceSubType: "OnAccountSuppressionList",
            recipients: [
                (
                    address, "failed", "5.1.1",
                    "Amazon SES did not send the message to this address because it is on the suppression list for your "
                        + "account. For more information about removing addresses from the suppression list, see the "
                        + "Amazon SES Developer Guide at "
                        + "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html"
                )
            ])
    }
}
