/// SES's email address validation, from what can be known without the internet: the address's
/// syntax, the mailbox simulator and the account's own identities and suppression list, reserved
/// domains (RFC 2606 and RFC 6761 can never receive mail), role accounts, disposable-mail services
/// and local parts that read as random input. Each check answers a confidence (LOW, MEDIUM, HIGH).
struct EmailAddressInsights: Sendable, Equatable {
    var isValid: String
    var hasValidSyntax: String
    var hasValidDnsRecords: String
    var mailboxExists: String
    var isRoleAddress: String
    var isDisposable: String
    var isRandomInput: String

    /// What the account knows of the address: whether it is (or its domain is) a verified identity,
    /// and whether it is on the suppression list.
    struct Known: Sendable {
        var verified = false
        var suppressed = false
    }

    static let roleLocalParts: Set<String> = [
        "abuse", "admin", "administrator", "billing", "careers", "contact", "help", "hello", "hostmaster", "hr",
        "info", "jobs", "mail", "marketing", "no-reply", "noreply", "office", "postmaster", "sales", "security",
        "support", "team", "webmaster",
    ]

    static let disposableDomains: Set<String> = [
        "10minutemail.com", "dispostable.com", "getnada.com", "guerrillamail.com", "guerrillamail.net",
        "mailinator.com", "maildrop.cc", "sharklasers.com", "temp-mail.org", "tempmail.com", "throwawaymail.com",
        "trashmail.com", "yopmail.com",
    ]

    static let reservedSuffixes = [".test", ".example", ".invalid", ".localhost"]
    static let reservedDomains: Set<String> = ["example.com", "example.net", "example.org", "localhost"]
}

extension EmailAddressInsights {
    /// Judges an address (the memberwise initializer stays, as this one is in an extension).
    init(_ text: String, known: Known = Known()) {
        guard let address = try? EmailAddress.parse(text), address.domain.contains(".") else {
            self.init(
                isValid: "LOW", hasValidSyntax: "LOW", hasValidDnsRecords: "LOW", mailboxExists: "LOW",
                isRoleAddress: "LOW", isDisposable: "LOW", isRandomInput: Self.looksRandom(text) ? "HIGH" : "LOW")
            return
        }
        let domain = address.domain.lowercased()
        let local = address.localPart.lowercased()
        let reserved = Self.reservedDomains.contains(domain) || Self.reservedSuffixes.contains { domain.hasSuffix($0) }
        let dns = reserved ? "LOW" : known.verified || MailboxSimulator.outcome(for: text) != nil ? "HIGH" : "MEDIUM"
        let mailbox: String
        switch MailboxSimulator.outcome(for: text) {
        case .bounce?, .suppressionList?: mailbox = "LOW"
        case .some: mailbox = "HIGH"
        case nil: mailbox = reserved || known.suppressed ? "LOW" : known.verified ? "HIGH" : "MEDIUM"
        }
        let role = Self.roleLocalParts.contains(local) ? "HIGH" : "LOW"
        let disposable = Self.disposableDomains.contains(domain) ? "HIGH" : "LOW"
        let random = Self.looksRandom(local) ? "HIGH" : "LOW"
        let valid: String
        if dns == "LOW" || mailbox == "LOW" {
            valid = "LOW"
        } else if disposable == "HIGH" || random == "HIGH" {
            valid = "MEDIUM"
        } else {
            valid = mailbox == "HIGH" ? "HIGH" : "MEDIUM"
        }
        self.init(
            isValid: valid, hasValidSyntax: "HIGH", hasValidDnsRecords: dns, mailboxExists: mailbox,
            isRoleAddress: role, isDisposable: disposable, isRandomInput: random)
    }

    /// Random keyboard input: a long run of letters without vowels, or letters and digits mixed
    /// with no pattern a name would have (at least eight characters, a third of them digits
    /// interleaved with letters).
    static func looksRandom(_ text: String) -> Bool {
        let letters = text.lowercased().filter(\.isLetter)
        var run = 0
        for character in text.lowercased() {
            if character.isLetter && !"aeiouy".contains(character) {
                run += 1
                if run >= 6 { return true }
            } else {
                run = 0
            }
        }
        let digits = text.filter(\.isNumber).count
        guard text.count >= 8, digits * 3 >= text.count, !letters.isEmpty else { return false }
        var switches = 0
        var previousIsDigit: Bool?
        for character in text where character.isLetter || character.isNumber {
            let isDigit = character.isNumber
            if let previous = previousIsDigit, previous != isDigit { switches += 1 }
            previousIsDigit = isDigit
        }
        return switches >= 4
    }
}
