import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Contact lists, contacts and tags

extension SESV2Service {
    static func topics(_ given: [SESv2.Topic]?) -> [ContactListRecord.Topic] {
        (given ?? []).map {
            ContactListRecord.Topic(
                name: $0.topicName, displayName: $0.displayName, description: $0.description,
                defaultSubscriptionStatus: $0.defaultSubscriptionStatus)
        }
    }

    static func shapes(_ topics: [ContactListRecord.Topic]) -> [SESv2.Topic] {
        topics.map {
            SESv2.Topic(
                topicName: $0.name, displayName: $0.displayName, description: $0.description,
                defaultSubscriptionStatus: $0.defaultSubscriptionStatus)
        }
    }

    func createContactList(_ input: SESv2.CreateContactListRequest, context: RequestContext) async throws
        -> SESv2.CreateContactListResponse
    {
        try await run {
            let scope = Self.scope(context)
            // SES allows one contact list per account, and says so even for a name that exists.
            guard await engine.contactLists(scope).isEmpty else {
                throw AWSError("BadRequestException", "A maximum of 1 Lists allowed per account.")
            }
            let now = SESEngine.nowMillis()
            try await engine.putContactList(
                ContactListRecord(
                    scope: scope, name: input.contactListName, description: input.description,
                    topics: Self.topics(input.topics), createdMillis: now, updatedMillis: now,
                    tags: Self.tags(input.tags)),
                creating: true)
            return SESv2.CreateContactListResponse()
        }
    }

    func getContactList(_ input: SESv2.GetContactListRequest, context: RequestContext) async throws
        -> SESv2.GetContactListResponse
    {
        try await run {
            guard let list = await engine.contactList(Self.scope(context), input.contactListName) else {
                throw SESFailure.contactListMissing(input.contactListName)
            }
            return SESv2.GetContactListResponse(
                contactListName: list.name, topics: Self.shapes(list.topics), description: list.description,
                createdTimestamp: Self.date(list.createdMillis), lastUpdatedTimestamp: Self.date(list.updatedMillis),
                tags: Self.shapes(list.tags))
        }
    }

    func updateContactList(_ input: SESv2.UpdateContactListRequest, context: RequestContext) async throws
        -> SESv2.UpdateContactListResponse
    {
        try await run {
            guard var list = await engine.contactList(Self.scope(context), input.contactListName) else {
                throw SESFailure.contactListMissing(input.contactListName)
            }
            if let topics = input.topics { list.topics = Self.topics(topics) }
            if let description = input.description { list.description = description }
            list.updatedMillis = SESEngine.nowMillis()
            try await engine.putContactList(list, creating: false)
            return SESv2.UpdateContactListResponse()
        }
    }

    func deleteContactList(_ input: SESv2.DeleteContactListRequest, context: RequestContext) async throws
        -> SESv2.DeleteContactListResponse
    {
        try await run {
            try await engine.deleteContactList(Self.scope(context), input.contactListName)
            return SESv2.DeleteContactListResponse()
        }
    }

    func listContactLists(_ input: SESv2.ListContactListsRequest, context: RequestContext) async throws
        -> SESv2.ListContactListsResponse
    {
        let all = await engine.contactLists(Self.scope(context))
        let (page, next) = SESV1Service.page(all, name: \.name, token: input.nextToken, limit: input.pageSize)
        return SESv2.ListContactListsResponse(
            contactLists: page.map {
                SESv2.ContactList(contactListName: $0.name, lastUpdatedTimestamp: Self.date($0.updatedMillis))
            }, nextToken: next)
    }

    static func preferences(_ given: [SESv2.TopicPreference]?) -> [String: String] {
        Dictionary((given ?? []).map { ($0.topicName, $0.subscriptionStatus) }, uniquingKeysWith: { _, last in last })
    }

    /// A contact's own preferences, and the list's defaults for the topics it has not chosen.
    static func preferenceShapes(_ contact: ContactRecord, list: ContactListRecord?)
        -> (own: [SESv2.TopicPreference], defaults: [SESv2.TopicPreference])
    {
        let own = contact.topicPreferences.sorted { $0.key < $1.key }.map {
            SESv2.TopicPreference(topicName: $0.key, subscriptionStatus: $0.value)
        }
        let defaults = (list?.topics ?? []).filter { contact.topicPreferences[$0.name] == nil }.map {
            SESv2.TopicPreference(topicName: $0.name, subscriptionStatus: $0.defaultSubscriptionStatus)
        }
        return (own, defaults)
    }

    func createContact(_ input: SESv2.CreateContactRequest, context: RequestContext) async throws
        -> SESv2.CreateContactResponse
    {
        try await run {
            try MessageComposer.checkAddresses([input.emailAddress])
            let now = SESEngine.nowMillis()
            try await engine.putContact(
                ContactRecord(
                    scope: Self.scope(context), listName: input.contactListName, email: input.emailAddress,
                    topicPreferences: Self.preferences(input.topicPreferences),
                    unsubscribeAll: input.unsubscribeAll ?? false, attributesData: input.attributesData,
                    createdMillis: now, updatedMillis: now),
                creating: true)
            return SESv2.CreateContactResponse()
        }
    }

    func getContact(_ input: SESv2.GetContactRequest, context: RequestContext) async throws -> SESv2.GetContactResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard let list = await engine.contactList(scope, input.contactListName) else {
                throw SESFailure.contactListMissing(input.contactListName)
            }
            guard let contact = await engine.contact(scope, list: input.contactListName, email: input.emailAddress)
            else {
                throw SESFailure.contactMissing(list: input.contactListName, email: input.emailAddress)
            }
            let (own, defaults) = Self.preferenceShapes(contact, list: list)
            return SESv2.GetContactResponse(
                contactListName: list.name, emailAddress: contact.email, topicPreferences: own,
                topicDefaultPreferences: defaults, unsubscribeAll: contact.unsubscribeAll,
                attributesData: contact.attributesData, createdTimestamp: Self.date(contact.createdMillis),
                lastUpdatedTimestamp: Self.date(contact.updatedMillis))
        }
    }

    func updateContact(_ input: SESv2.UpdateContactRequest, context: RequestContext) async throws
        -> SESv2.UpdateContactResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard var contact = await engine.contact(scope, list: input.contactListName, email: input.emailAddress)
            else {
                if await engine.contactList(scope, input.contactListName) == nil {
                    throw SESFailure.contactListMissing(input.contactListName)
                }
                throw SESFailure.contactMissing(list: input.contactListName, email: input.emailAddress)
            }
            if let preferences = input.topicPreferences { contact.topicPreferences = Self.preferences(preferences) }
            if let unsubscribeAll = input.unsubscribeAll { contact.unsubscribeAll = unsubscribeAll }
            if let data = input.attributesData { contact.attributesData = data }
            contact.updatedMillis = SESEngine.nowMillis()
            try await engine.putContact(contact, creating: false)
            return SESv2.UpdateContactResponse()
        }
    }

    func deleteContact(_ input: SESv2.DeleteContactRequest, context: RequestContext) async throws
        -> SESv2.DeleteContactResponse
    {
        try await run {
            try await engine.deleteContact(Self.scope(context), list: input.contactListName, email: input.emailAddress)
            return SESv2.DeleteContactResponse()
        }
    }

    func listContacts(_ input: SESv2.ListContactsRequest, context: RequestContext) async throws
        -> SESv2.ListContactsResponse
    {
        try await run {
            let scope = Self.scope(context)
            guard let list = await engine.contactList(scope, input.contactListName) else {
                throw SESFailure.contactListMissing(input.contactListName)
            }
            let contacts = await engine.contacts(scope, list: list.name).filter { contact in
                guard let filter = input.filter else { return true }
                let wanted = filter.filteredStatus
                guard let topic = filter.topicFilter?.topicName else {
                    guard let wanted else { return true }
                    return (wanted == "OPT_OUT") == contact.unsubscribeAll
                }
                var status = contact.topicPreferences[topic]
                if status == nil, filter.topicFilter?.useDefaultIfPreferenceUnavailable == true {
                    status = list.topics.first { $0.name == topic }?.defaultSubscriptionStatus
                }
                if contact.unsubscribeAll { status = "OPT_OUT" }
                return wanted.map { status == $0 } ?? (status != nil)
            }
            let (page, next) = SESV1Service.page(contacts, name: \.email, token: input.nextToken, limit: input.pageSize)
            return SESv2.ListContactsResponse(
                contacts: page.map { contact in
                    let (own, defaults) = Self.preferenceShapes(contact, list: list)
                    return SESv2.Contact(
                        emailAddress: contact.email, topicPreferences: own, topicDefaultPreferences: defaults,
                        unsubscribeAll: contact.unsubscribeAll, lastUpdatedTimestamp: Self.date(contact.updatedMillis))
                }, nextToken: next)
        }
    }

    // MARK: Tags (identities, configuration sets, contact lists, templates)

    func tagResource(_ input: SESv2.TagResourceRequest, context: RequestContext) async throws
        -> SESv2.TagResourceResponse
    {
        try await run {
            try await engine.changeTags(Self.scope(context), arn: input.resourceArn) { tags in
                for tag in input.tags {
                    tags.removeAll { $0.key == tag.key }
                    tags.append(SESTag(key: tag.key, value: tag.value))
                }
            }
            return SESv2.TagResourceResponse()
        }
    }

    func untagResource(_ input: SESv2.UntagResourceRequest, context: RequestContext) async throws
        -> SESv2.UntagResourceResponse
    {
        try await run {
            try await engine.changeTags(Self.scope(context), arn: input.resourceArn) { tags in
                tags.removeAll { input.tagKeys.contains($0.key) }
            }
            return SESv2.UntagResourceResponse()
        }
    }

    func listTagsForResource(_ input: SESv2.ListTagsForResourceRequest, context: RequestContext) async throws
        -> SESv2.ListTagsForResourceResponse
    {
        try await run {
            var current: [SESTag] = []
            try await engine.changeTags(Self.scope(context), arn: input.resourceArn, write: false) { current = $0 }
            return SESv2.ListTagsForResourceResponse(tags: Self.shapes(current))
        }
    }
}

extension SESEngine {
    /// Reads or changes the tags of the resource an ARN names.
    func changeTags(_ scope: SESScope, arn: String, write: Bool = true, _ change: (inout [SESTag]) -> Void) async throws
    {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "ses", let slash = parts[5].firstIndex(of: "/") else {
            throw SESFailure.invalidParameter("Invalid ARN \(arn).")
        }
        let kind = parts[5][..<slash]
        let name = String(parts[5][parts[5].index(after: slash)...])
        let missing = SESFailure.invalidParameter("Resource \(arn) does not exist.")
        switch kind {
        case "identity":
            guard var record = identity(scope, name) else { throw missing }
            change(&record.tags)
            if write { try await identities.put(record).wait() }
        case "configuration-set":
            guard var record = configurationSet(scope, name) else { throw missing }
            change(&record.tags)
            if write { try await configurationSets.put(record).wait() }
        case "contact-list":
            guard var record = contactList(scope, name) else { throw missing }
            change(&record.tags)
            if write { try await contactLists.put(record).wait() }
        case "template":
            guard var record = template(scope, name) else { throw missing }
            change(&record.tags)
            if write { try await templates.put(record).wait() }
        case "custom-verification-email-template":
            guard var record = verificationTemplate(scope, name) else { throw missing }
            change(&record.tags)
            if write { try await verificationTemplates.put(record).wait() }
        default:
            throw missing
        }
    }

    /// The List-Unsubscribe headers of a send to a contact list's topic, after checking both exist.
    /// Recipients not on the list yet are added to it, as SES does; the headers are added only when
    /// the message goes to a single recipient (SES's rule: the link names one contact).
    func listManagementHeaders(
        _ scope: SESScope, options: SESv2ListManagement, recipients: [String]
    ) async throws -> [(String, String)] {
        guard let list = contactList(scope, options.contactListName) else {
            throw SESFailure.contactListMissing(options.contactListName)
        }
        if let topic = options.topicName, !list.topics.contains(where: { $0.name == topic }) {
            throw SESFailure.invalidParameter("Topic \(topic) does not exist in list \(list.name).")
        }
        let now = Self.nowMillis()
        for recipient in recipients.map(MessageComposer.bare)
        where contact(scope, list: list.name, email: recipient) == nil {
            try await contacts.put(
                ContactRecord(
                    scope: scope, listName: list.name, email: recipient, topicPreferences: [:], unsubscribeAll: false,
                    createdMillis: now, updatedMillis: now)
            ).wait()
        }
        guard recipients.count == 1, let only = recipients.first else { return [] }
        var query = "list=\(Self.escape(list.name))&account=\(scope.account)&region=\(scope.region)"
        if let topic = options.topicName { query += "&topic=\(Self.escape(topic))" }
        query += "&email=\(Self.escape(MessageComposer.bare(only)))"
        return [
            ("List-Unsubscribe", "<\(baseURL)\(SESOperationalRoutes.unsubscribe)?\(query)>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }

    /// The recipients who opted out of the list, or of the topic the send names: SES sends them
    /// nothing and reports a bounce instead.
    func optedOut(_ scope: SESScope, options: SESv2ListManagement, recipients: [String]) -> Set<String> {
        Set(
            recipients.filter { recipient in
                guard
                    let contact = contact(scope, list: options.contactListName, email: MessageComposer.bare(recipient))
                else { return false }
                return contact.unsubscribeAll
                    || options.topicName.map { contact.topicPreferences[$0] == "OPT_OUT" } ?? false
            }.map(MessageComposer.bare))
    }

    /// A recipient followed the unsubscribe link: the contact opts out of the topic (or of the list).
    func unsubscribe(_ scope: SESScope, list: String, topic: String?, email: String) async -> Bool {
        guard contactList(scope, list) != nil else { return false }
        let now = Self.nowMillis()
        var contact =
            self.contact(scope, list: list, email: email)
            ?? ContactRecord(
                scope: scope, listName: list, email: email, topicPreferences: [:], unsubscribeAll: false,
                createdMillis: now, updatedMillis: now)
        if let topic { contact.topicPreferences[topic] = "OPT_OUT" } else { contact.unsubscribeAll = true }
        contact.updatedMillis = now
        try? await contacts.put(contact).wait()
        return true
    }
}

/// What listManagementHeaders needs of v2's ListManagementOptions.
typealias SESv2ListManagement = SESv2.ListManagementOptions
