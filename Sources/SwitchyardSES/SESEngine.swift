import Foundation
import Logging
import SwitchyardCore
import SwitchyardDelivery
import SwitchyardPlatform
import SwitchyardWire

/// SES's state for every account and region: identities, templates, configuration sets, contact
/// lists, the suppression list, account settings and receipt rules, in memory and written through to
/// the database; and the captured outbox of what was sent.
actor SESEngine {
    var identities: StoredRecords<IdentityRecord>
    var templates: StoredRecords<TemplateRecord>
    var verificationTemplates: StoredRecords<VerificationTemplateRecord>
    var configurationSets: StoredRecords<ConfigurationSetRecord>
    var contactLists: StoredRecords<ContactListRecord>
    var contacts: StoredRecords<ContactRecord>
    var suppressed: StoredRecords<SuppressedDestinationRecord>
    var accounts: StoredRecords<AccountRecord>
    var ruleSets: StoredRecords<ReceiptRuleSetRecord>
    var dedicatedIpPools: StoredRecords<DedicatedIpPoolRecord>
    var tenants: StoredRecords<TenantRecord>
    var importJobs: StoredRecords<ImportJobRecord>
    var endpoints: StoredRecords<MultiRegionEndpointRecord>
    var exportJobs: StoredRecords<ExportJobRecord>
    var deliverabilityTests: StoredRecords<DeliverabilityTestRecord>
    var received: StoredRecords<ReceivedMessageRecord>
    let outbox: any OutboxStore
    let deliveries: DeliveryEngine
    let resources: ResourceDirectory
    let objects: ObjectReaders
    let settings: SESSettings
    let baseURL: String
    let logger: Logger
    /// Each scope's sending of the last 24 hours and its rate bucket (the quotas).
    var sendWindows: [SESScope: SendWindow] = [:]

    struct Tables: Sendable {
        var identities: JSONRecordTable<IdentityRecord>
        var templates: JSONRecordTable<TemplateRecord>
        var verificationTemplates: JSONRecordTable<VerificationTemplateRecord>
        var configurationSets: JSONRecordTable<ConfigurationSetRecord>
        var contactLists: JSONRecordTable<ContactListRecord>
        var contacts: JSONRecordTable<ContactRecord>
        var suppressed: JSONRecordTable<SuppressedDestinationRecord>
        var accounts: JSONRecordTable<AccountRecord>
        var ruleSets: JSONRecordTable<ReceiptRuleSetRecord>
        var dedicatedIpPools: JSONRecordTable<DedicatedIpPoolRecord>
        var tenants: JSONRecordTable<TenantRecord>
        var importJobs: JSONRecordTable<ImportJobRecord>
        var endpoints: JSONRecordTable<MultiRegionEndpointRecord>
        var exportJobs: JSONRecordTable<ExportJobRecord>
        var deliverabilityTests: JSONRecordTable<DeliverabilityTestRecord>
        var received: JSONRecordTable<ReceivedMessageRecord>

        init(database: SQLiteDatabase?) {
            identities = JSONRecordTable(database: database, table: "ses_identity")
            templates = JSONRecordTable(database: database, table: "ses_template")
            verificationTemplates = JSONRecordTable(database: database, table: "ses_verification_template")
            configurationSets = JSONRecordTable(database: database, table: "ses_configuration_set")
            contactLists = JSONRecordTable(database: database, table: "ses_contact_list")
            contacts = JSONRecordTable(database: database, table: "ses_contact")
            suppressed = JSONRecordTable(database: database, table: "ses_suppressed")
            accounts = JSONRecordTable(database: database, table: "ses_account")
            ruleSets = JSONRecordTable(database: database, table: "ses_receipt_rule_set")
            dedicatedIpPools = JSONRecordTable(database: database, table: "ses_dedicated_ip_pool")
            tenants = JSONRecordTable(database: database, table: "ses_tenant")
            importJobs = JSONRecordTable(database: database, table: "ses_import_job")
            endpoints = JSONRecordTable(database: database, table: "ses_multi_region_endpoint")
            exportJobs = JSONRecordTable(database: database, table: "ses_export_job")
            deliverabilityTests = JSONRecordTable(database: database, table: "ses_deliverability_test")
            received = JSONRecordTable(database: database, table: "ses_received_message")
        }

        static let names = [
            "ses_identity", "ses_template", "ses_verification_template", "ses_configuration_set",
            "ses_contact_list", "ses_contact", "ses_suppressed", "ses_account", "ses_receipt_rule_set",
            "ses_dedicated_ip_pool", "ses_tenant", "ses_import_job", "ses_multi_region_endpoint",
        ]
        /// Tables added after the first release of SES (their own migration, so that existing data
        /// directories get them).
        static let addedNames = ["ses_export_job", "ses_deliverability_test", "ses_received_message"]
    }

    init(
        tables: Tables, outbox: any OutboxStore, deliveries: DeliveryEngine, resources: ResourceDirectory,
        objects: ObjectReaders, settings: SESSettings, baseURL: String, logger: Logger
    ) throws {
        identities = try StoredRecords(table: tables.identities) { $0.scope.key($0.name.lowercased()) }
        templates = try StoredRecords(table: tables.templates) { $0.scope.key($0.name) }
        verificationTemplates = try StoredRecords(table: tables.verificationTemplates) { $0.scope.key($0.name) }
        configurationSets = try StoredRecords(table: tables.configurationSets) { $0.scope.key($0.name) }
        contactLists = try StoredRecords(table: tables.contactLists) { $0.scope.key($0.name) }
        contacts = try StoredRecords(table: tables.contacts) { $0.scope.key("\($0.listName)/\($0.email.lowercased())") }
        suppressed = try StoredRecords(table: tables.suppressed) { $0.scope.key($0.email.lowercased()) }
        accounts = try StoredRecords(table: tables.accounts) { $0.scope.key("") }
        ruleSets = try StoredRecords(table: tables.ruleSets) { $0.scope.key($0.name) }
        dedicatedIpPools = try StoredRecords(table: tables.dedicatedIpPools) { $0.scope.key($0.name) }
        tenants = try StoredRecords(table: tables.tenants) { $0.scope.key($0.name) }
        importJobs = try StoredRecords(table: tables.importJobs) { $0.scope.key($0.id) }
        endpoints = try StoredRecords(table: tables.endpoints) { $0.scope.key($0.name) }
        exportJobs = try StoredRecords(table: tables.exportJobs) { $0.scope.key($0.id) }
        deliverabilityTests = try StoredRecords(table: tables.deliverabilityTests) { $0.scope.key($0.id) }
        received = try StoredRecords(table: tables.received) { $0.scope.key($0.id) }
        self.outbox = outbox
        self.deliveries = deliveries
        self.resources = resources
        self.objects = objects
        self.settings = settings
        self.baseURL = baseURL
        self.logger = logger
    }

    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    // MARK: Account

    func account(_ scope: SESScope) -> AccountRecord {
        accounts[scope.key("")] ?? AccountRecord(scope: scope, productionAccessEnabled: !settings.sandbox)
    }

    func updateAccount(_ scope: SESScope, _ change: (inout AccountRecord) throws -> Void) async throws {
        var record = account(scope)
        try change(&record)
        try await accounts.put(record).wait()
    }

    // MARK: Identities

    func identity(_ scope: SESScope, _ name: String) -> IdentityRecord? { identities[scope.key(name.lowercased())] }

    func identities(_ scope: SESScope) -> [IdentityRecord] {
        identities.records(prefix: scope.key("")).sorted { $0.createdMillis < $1.createdMillis }
    }

    /// Adds an identity, or leaves an existing one as it is (verification requests are idempotent).
    /// Outside the sandbox it is verified at once; in it, an email address waits for its link.
    func requestVerification(_ scope: SESScope, name: String, kind: IdentityRecord.Kind) async throws -> IdentityRecord
    {
        if let existing = identity(scope, name) { return existing }
        let immediate = !settings.sandbox || kind == .domain
        var record = IdentityRecord(
            scope: scope, name: kind == .domain ? name.lowercased() : name, kind: kind,
            verificationStatus: immediate ? "Success" : "Pending", createdMillis: Self.nowMillis())
        if kind == .domain {
            record.verificationToken = Self.token(length: 44, base64: true)
            record.dkimTokens = Self.dkimTokens()
            record.dkimEnabled = false
        }
        try await identities.put(record).wait()
        if !immediate { await sendVerificationEmail(record) }
        return record
    }

    func updateIdentity(_ scope: SESScope, _ name: String, _ change: (inout IdentityRecord) throws -> Void)
        async throws
    {
        guard var record = identity(scope, name) else { throw SESFailure.identityMissing(name) }
        try change(&record)
        try await identities.put(record).wait()
    }

    func deleteIdentity(_ scope: SESScope, _ name: String) async throws {
        try await identities.remove(scope.key(name.lowercased())).wait()
    }

    /// Marks an identity verified: the link of a captured verification email was followed.
    func confirmVerification(token: String) async -> Bool {
        guard let record = identities.items.values.first(where: { $0.verificationToken == token }) else { return false }
        var verified = record
        verified.verificationStatus = "Success"
        try? await identities.put(verified).wait()
        return true
    }

    /// The identity that allows sending from an address: the address itself, or its domain or a
    /// parent domain of it, verified.
    func verifiedIdentity(_ scope: SESScope, address: String) -> IdentityRecord? {
        if let own = identity(scope, address), own.verified { return own }
        guard let at = address.lastIndex(of: "@") else { return nil }
        var domain = String(address[address.index(after: at)...]).lowercased()
        while !domain.isEmpty {
            if let record = identity(scope, domain), record.verified { return record }
            guard let dot = domain.firstIndex(of: ".") else { break }
            domain = String(domain[domain.index(after: dot)...])
        }
        return nil
    }

    /// Easy DKIM's three selectors: 32 characters of lower-case base32 each.
    static func dkimTokens() -> [String] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        return (0..<3).map { _ in String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] }) }
    }

    /// A random token of letters and digits (verification tokens).
    static func token(length: Int, base64: Bool) -> String {
        let alphabet = Array(
            base64
                ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                : "abcdefghijklmnopqrstuvwxyz0123456789")
        var text = String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        if base64 { text = String(text.dropLast()) + "=" }
        return text
    }

    // MARK: Templates

    func template(_ scope: SESScope, _ name: String) -> TemplateRecord? { templates[scope.key(name)] }

    func templates(_ scope: SESScope) -> [TemplateRecord] {
        templates.records(prefix: scope.key("")).sorted { ($0.createdMillis, $0.name) < ($1.createdMillis, $1.name) }
    }

    func createTemplate(_ record: TemplateRecord) async throws {
        guard template(record.scope, record.name) == nil else { throw SESFailure.templateExists(record.name) }
        try await templates.put(record).wait()
    }

    func updateTemplate(_ scope: SESScope, _ name: String, _ change: (inout TemplateRecord) -> Void) async throws {
        guard var record = template(scope, name) else { throw SESFailure.templateMissing(name) }
        change(&record)
        try await templates.put(record).wait()
    }

    /// Deletes a template; answers whether there was one.
    @discardableResult
    func deleteTemplate(_ scope: SESScope, _ name: String) async throws -> Bool {
        guard template(scope, name) != nil else { return false }
        try await templates.remove(scope.key(name)).wait()
        return true
    }

    func verificationTemplate(_ scope: SESScope, _ name: String) -> VerificationTemplateRecord? {
        verificationTemplates[scope.key(name)]
    }

    func verificationTemplates(_ scope: SESScope) -> [VerificationTemplateRecord] {
        verificationTemplates.records(prefix: scope.key(""))
    }

    func putVerificationTemplate(_ record: VerificationTemplateRecord, creating: Bool) async throws {
        let exists = verificationTemplate(record.scope, record.name) != nil
        if creating && exists { throw SESFailure.verificationTemplateExists(record.name) }
        if !creating && !exists { throw SESFailure.verificationTemplateMissing(record.name) }
        try await verificationTemplates.put(record).wait()
    }

    func deleteVerificationTemplate(_ scope: SESScope, _ name: String) async throws {
        try await verificationTemplates.remove(scope.key(name)).wait()
    }

    // MARK: Configuration sets

    func configurationSet(_ scope: SESScope, _ name: String) -> ConfigurationSetRecord? {
        configurationSets[scope.key(name)]
    }

    func configurationSets(_ scope: SESScope) -> [ConfigurationSetRecord] {
        configurationSets.records(prefix: scope.key(""))
    }

    func createConfigurationSet(_ record: ConfigurationSetRecord) async throws {
        guard configurationSet(record.scope, record.name) == nil else {
            throw SESFailure.configurationSetExists(record.name)
        }
        try await configurationSets.put(record).wait()
    }

    func updateConfigurationSet(
        _ scope: SESScope, _ name: String, _ change: (inout ConfigurationSetRecord) throws -> Void
    ) async throws {
        guard var record = configurationSet(scope, name) else { throw SESFailure.configurationSetMissing(name) }
        try change(&record)
        try await configurationSets.put(record).wait()
    }

    func deleteConfigurationSet(_ scope: SESScope, _ name: String) async throws {
        guard configurationSet(scope, name) != nil else { throw SESFailure.configurationSetMissing(name) }
        try await configurationSets.remove(scope.key(name)).wait()
    }

    /// Adds or replaces an event destination after checking that its targets exist; a new SNS
    /// destination gets AWS's validation message on its topic.
    func putEventDestination(
        _ scope: SESScope, configurationSet name: String, destination: EventDestinationRecord, creating: Bool
    ) async throws {
        guard let set = configurationSet(scope, name) else { throw SESFailure.configurationSetMissing(name) }
        let exists = set.eventDestinations.contains { $0.name == destination.name }
        if creating && exists {
            throw SESFailure.eventDestinationExists(configurationSet: name, destination: destination.name)
        }
        if !creating && !exists {
            throw SESFailure.eventDestinationMissing(configurationSet: name, destination: destination.name)
        }
        if let topic = destination.snsTopicArn, await resources.exists(topic) == false {
            throw SESFailure.invalidSNSTopic(topic)
        }
        if let stream = destination.firehoseStreamArn, await resources.exists(stream) == false {
            throw SESFailure.invalidFirehose(stream)
        }
        try await updateConfigurationSet(scope, name) { record in
            if let index = record.eventDestinations.firstIndex(where: { $0.name == destination.name }) {
                record.eventDestinations[index] = destination
            } else {
                record.eventDestinations.append(destination)
            }
        }
        if creating, let topic = destination.snsTopicArn {
            let request = DeliveryRequest(
                target: DeliveryTarget(kind: .snsTopic, resource: topic),
                body: DeliveryPayload("Successfully validated SNS topic for Amazon SES event publishing."),
                retry: .eventBridge(), origin: set.arn,
                source: DeliverySource(service: "ses.amazonaws.com", arn: set.arn, account: scope.account))
            try? await deliveries.enqueue([request]).wait()
        }
    }

    func deleteEventDestination(_ scope: SESScope, configurationSet name: String, destination: String) async throws {
        guard let set = configurationSet(scope, name) else { throw SESFailure.configurationSetMissing(name) }
        guard set.eventDestinations.contains(where: { $0.name == destination }) else {
            throw SESFailure.eventDestinationMissing(configurationSet: name, destination: destination)
        }
        try await updateConfigurationSet(scope, name) { $0.eventDestinations.removeAll { $0.name == destination } }
    }

    // MARK: Contact lists and contacts

    func contactList(_ scope: SESScope, _ name: String) -> ContactListRecord? { contactLists[scope.key(name)] }
    func contactLists(_ scope: SESScope) -> [ContactListRecord] { contactLists.records(prefix: scope.key("")) }

    func putContactList(_ record: ContactListRecord, creating: Bool) async throws {
        let exists = contactList(record.scope, record.name) != nil
        if creating && exists { throw SESFailure.contactListExists(record.name) }
        if !creating && !exists { throw SESFailure.contactListMissing(record.name) }
        try await contactLists.put(record).wait()
    }

    func deleteContactList(_ scope: SESScope, _ name: String) async throws {
        guard contactList(scope, name) != nil else { throw SESFailure.contactListMissing(name) }
        for contact in contacts(scope, list: name) {
            contacts.remove(scope.key("\(name)/\(contact.email.lowercased())"))
        }
        try await contactLists.remove(scope.key(name)).wait()
    }

    func contact(_ scope: SESScope, list: String, email: String) -> ContactRecord? {
        contacts[scope.key("\(list)/\(email.lowercased())")]
    }

    func contacts(_ scope: SESScope, list: String) -> [ContactRecord] {
        contacts.records(prefix: scope.key("\(list)/"))
    }

    func putContact(_ record: ContactRecord, creating: Bool) async throws {
        guard contactList(record.scope, record.listName) != nil else {
            throw SESFailure.contactListMissing(record.listName)
        }
        let exists = contact(record.scope, list: record.listName, email: record.email) != nil
        if creating && exists { throw SESFailure.contactExists(list: record.listName, email: record.email) }
        if !creating && !exists { throw SESFailure.contactMissing(list: record.listName, email: record.email) }
        try await contacts.put(record).wait()
    }

    func deleteContact(_ scope: SESScope, list: String, email: String) async throws {
        guard contactList(scope, list) != nil else { throw SESFailure.contactListMissing(list) }
        guard contact(scope, list: list, email: email) != nil else {
            throw SESFailure.contactMissing(list: list, email: email)
        }
        try await contacts.remove(scope.key("\(list)/\(email.lowercased())")).wait()
    }

    // MARK: Suppression list

    func suppressedDestination(_ scope: SESScope, _ email: String) -> SuppressedDestinationRecord? {
        suppressed[scope.key(email.lowercased())]
    }

    func suppressedDestinations(_ scope: SESScope) -> [SuppressedDestinationRecord] {
        suppressed.records(prefix: scope.key(""))
    }

    func suppress(_ record: SuppressedDestinationRecord) async throws { try await suppressed.put(record).wait() }

    func unsuppress(_ scope: SESScope, _ email: String) async throws {
        guard suppressedDestination(scope, email) != nil else { throw SESFailure.suppressedDestinationMissing(email) }
        try await suppressed.remove(scope.key(email.lowercased())).wait()
    }

    // MARK: Receipt rules

    func ruleSet(_ scope: SESScope, _ name: String) -> ReceiptRuleSetRecord? { ruleSets[scope.key(name)] }
    func ruleSets(_ scope: SESScope) -> [ReceiptRuleSetRecord] {
        ruleSets.records(prefix: scope.key("")).sorted { ($0.createdMillis, $0.name) < ($1.createdMillis, $1.name) }
    }

    func putRuleSet(_ record: ReceiptRuleSetRecord) async throws { try await ruleSets.put(record).wait() }

    func deleteRuleSet(_ scope: SESScope, _ name: String) async throws {
        try await ruleSets.remove(scope.key(name)).wait()
    }

    // MARK: Reset

    func reset() async throws {
        let tickets = [
            identities.wipe(), templates.wipe(), verificationTemplates.wipe(), configurationSets.wipe(),
            contactLists.wipe(), contacts.wipe(), suppressed.wipe(), accounts.wipe(), ruleSets.wipe(), outbox.wipe(),
            dedicatedIpPools.wipe(), tenants.wipe(), importJobs.wipe(), endpoints.wipe(), exportJobs.wipe(),
            deliverabilityTests.wipe(), received.wipe(),
        ]
        for ticket in tickets { try await ticket.wait() }
        sendWindows = [:]
    }
}
