import Foundation
import Testing

@testable import SwitchyardSES

@Suite struct DeliverabilityTests {
    @Test func insightFiltersMatchExactlyOrWithWildcardsAtTheEnds() {
        #expect(ExportFile.matches("news@example.com", "news@example.com"))
        #expect(!ExportFile.matches("news@example.com", "News@example.com"))
        #expect(ExportFile.matches("news*", "news@example.com"))
        #expect(ExportFile.matches("*@example.com", "news@example.com"))
        #expect(ExportFile.matches("*sale*", "Spring sale now"))
        #expect(!ExportFile.matches("*sale*", "Spring Sale now"))
        #expect(ExportFile.matches("50\\* off", "50* off"))
        #expect(!ExportFile.matches("50\\* off", "50% off"))
    }

    @Test func csvQuotesOnlyWhatNeedsIt() {
        let file = ExportFile(
            columns: ["a", "b"], rows: [["a": "plain", "b": "with, comma"], ["a": "say \"hi\"", "b": "line\nbreak"]])
        #expect(file.render(format: "CSV") == "a,b\r\nplain,\"with, comma\"\r\n\"say \"\"hi\"\"\",\"line\nbreak\"\r\n")
        #expect(
            file.render(format: "JSON")
                == "{\"a\":\"plain\",\"b\":\"with, comma\"}\n{\"a\":\"say \\\"hi\\\"\",\"b\":\"line\\nbreak\"}\n")
    }

    @Test func addressInsightsReadSyntaxReservedDomainsRolesAndRandomInput() {
        let simulator = EmailAddressInsights("success@simulator.amazonses.com")
        #expect(simulator.isValid == "HIGH" && simulator.mailboxExists == "HIGH")
        let reserved = EmailAddressInsights("ann@example.com")
        #expect(reserved.hasValidDnsRecords == "LOW" && reserved.isValid == "LOW")
        let unknown = EmailAddressInsights("ann@company.io")
        #expect(unknown.isValid == "MEDIUM" && unknown.hasValidDnsRecords == "MEDIUM")
        #expect(EmailAddressInsights("ann@company.io", known: .init(verified: true)).isValid == "HIGH")
        #expect(EmailAddressInsights("ann@company.io", known: .init(suppressed: true)).mailboxExists == "LOW")
        #expect(EmailAddressInsights("postmaster@company.io").isRoleAddress == "HIGH")
        #expect(EmailAddressInsights("x@yopmail.com").isDisposable == "HIGH")
        #expect(EmailAddressInsights("no at sign").hasValidSyntax == "LOW")
        #expect(EmailAddressInsights.looksRandom("qwrtzpsdf"))
        #expect(EmailAddressInsights.looksRandom("a1b2c3d4e5"))
        #expect(!EmailAddressInsights.looksRandom("annabelle"))
        #expect(!EmailAddressInsights.looksRandom("john.smith1985"))
    }

    @Test func receiptFiltersBlockUnlessAnAllowCoversTheClientToo() {
        #expect(ReceiptFilters.covers("10.0.0.0/8", "10.200.3.4"))
        #expect(!ReceiptFilters.covers("10.0.0.0/8", "11.0.0.1"))
        #expect(ReceiptFilters.covers("192.0.2.7", "192.0.2.7"))
        #expect(ReceiptFilters.covers("0.0.0.0/0", "203.0.113.9"))
        #expect(!ReceiptFilters.covers("10.0.0.0/33", "10.0.0.1"))
        #expect(!ReceiptFilters.covers("256.1.1.1", "256.1.1.1"))
        #expect(ReceiptFilters.covers("2001:db8::/32", "2001:db8:0:1::7"))
        #expect(!ReceiptFilters.covers("2001:db8::/32", "10.0.0.1"))
    }

    @Test func aDeliveryStatusNotificationHasItsThreeParts() throws {
        let raw = DeliveryStatusNotification.build(
            from: "mailer@example.com", to: "sender@outside.example", explanation: nil,
            reportingMTA: "dns; inbound-smtp.us-east-1.amazonaws.com", arrival: nil,
            recipients: [.init(address: "gone@example.com", action: "failed", status: "5.1.1")],
            originalHeaders: "Subject: hi\r\nFrom: sender@outside.example\r\n")
        let message = try MIMEMessage.parse(raw)
        #expect(message.headers["Content-Type"]?.hasPrefix("multipart/report; report-type=delivery-status") == true)
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.contains("Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"))
        #expect(text.contains("Content-Type: text/rfc822-headers\r\n\r\nSubject: hi\r\n"))
    }

    @Test func theRateBucketAllowsOverdraftThenRefills() {
        var window = SendWindow(tokens: 2, refilledMillis: 0)
        let first = window.take(1, rate: 2, now: 0)
        let overdraft = window.take(5, rate: 2, now: 0)
        let inDebt = window.take(1, rate: 2, now: 1_000)  // -4 + 2 = -2
        let refilled = window.take(1, rate: 2, now: 4_000)  // -2 + 6, capped at 2
        #expect(first && overdraft && !inDebt && refilled)
        window.record(3, at: 0)
        window.record(2, at: 30_000)
        window.record(4, at: 90_000_000)
        #expect(window.sentLast24Hours(now: 90_000_000) == 4)
        #expect(window.minutes.count == 1)
    }

    @Test func delayTypesFollowTheReply() {
        #expect(SESEngine.delayType(nil) == "TransientCommunicationFailure")
        #expect(SESEngine.delayType("452 4.2.2 Mailbox full") == "MailboxFull")
        #expect(SESEngine.delayType("421 4.7.0 Try again later") == "TransientCommunicationFailure")
        #expect(SESEngine.delayType("451 4.3.0 Local error") == "RecipientServerError")
    }
}
