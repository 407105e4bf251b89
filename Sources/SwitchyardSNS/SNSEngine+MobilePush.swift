import SwitchyardCore
import SwitchyardWire

// Mobile push: platform applications, their endpoints, and publishes to an endpoint.
extension SNSEngine {
    public func createPlatformApplication(
        name: String, platform: String, attributes: [String: String], account: String, region: String
    ) throws -> (PlatformApplicationRecord, CommitTicket) {
        try Platforms.validateApplication(name: name, platform: platform, attributes: attributes)
        let arn = "arn:aws:sns:\(region):\(account):app/\(platform)/\(name)"
        if var existing = applications[arn] {
            existing.attributes.merge(attributes) { _, new in new }
            applications[arn] = existing
            return (existing, store.submit([.putPlatformApplication(existing)]))
        }
        let record = PlatformApplicationRecord(
            arn: arn, account: account, region: region, platform: platform, attributes: attributes,
            createdSeq: nextSeq)
        nextSeq += 1
        applications[arn] = record
        return (record, store.submit([.putPlatformApplication(record)]))
    }

    public func platformApplication(_ arn: String) throws -> PlatformApplicationRecord {
        guard let record = applications[arn] else {
            throw AWSError("NotFound", "PlatformApplication does not exist", httpStatus: 404)
        }
        return record
    }

    public func setPlatformApplicationAttributes(_ arn: String, _ attributes: [String: String]) throws
        -> CommitTicket
    {
        var record = try platformApplication(arn)
        record.attributes.merge(attributes) { _, new in new }
        applications[arn] = record
        return store.submit([.putPlatformApplication(record)])
    }

    /// Deletes an application and its endpoints; one that does not exist is already gone.
    public func deletePlatformApplication(_ arn: String) -> CommitTicket {
        guard applications.removeValue(forKey: arn) != nil else { return .alreadyCommitted }
        var changes: [SNSChange] = [.deletePlatformApplication(arn: arn)]
        for (endpointArn, endpoint) in endpoints where endpoint.applicationArn == arn {
            endpoints[endpointArn] = nil
            changes.append(.deletePlatformEndpoint(arn: endpointArn))
        }
        return store.submit(changes)
    }

    public func platformApplications(account: String, region: String) -> [PlatformApplicationRecord] {
        applications.values.filter { $0.account == account && $0.region == region }.sorted {
            $0.createdSeq < $1.createdSeq
        }
    }

    /// Creates a device endpoint; the same token gives back the same endpoint (unless its attributes differ).
    public func createPlatformEndpoint(
        application arn: String, token: String, customUserData: String?, attributes: [String: String]
    ) throws -> (PlatformEndpointRecord, CommitTicket) {
        let application = try platformApplication(arn)
        guard !token.isEmpty else { throw SNSErrors.invalidParameter("Token Reason: cannot be empty") }
        var wanted = attributes
        wanted["Token"] = token
        if let customUserData { wanted["CustomUserData"] = customUserData }
        if let existing = endpoints.values.first(where: {
            $0.applicationArn == arn && $0.attributes["Token"] == token
        }) {
            for (name, value) in wanted where existing.attributes[name] != value {
                throw SNSErrors.invalidParameter(
                    "Token Reason: Endpoint \(existing.arn) already exists with the same Token, but different attributes."
                )
            }
            return (existing, .alreadyCommitted)
        }
        if wanted["Enabled"] == nil { wanted["Enabled"] = "true" }
        let name = arn.split(separator: "/").last.map(String.init) ?? "app"
        let endpointArn =
            "arn:aws:sns:\(application.region):\(application.account):endpoint/\(application.platform)/\(name)/\(RandomUUID.make())"
        let record = PlatformEndpointRecord(
            arn: endpointArn, applicationArn: arn, attributes: wanted, createdSeq: nextSeq)
        nextSeq += 1
        endpoints[endpointArn] = record
        return (record, store.submit([.putPlatformEndpoint(record)]))
    }

    public func platformEndpoint(_ arn: String) throws -> PlatformEndpointRecord {
        guard let record = endpoints[arn] else {
            throw AWSError("NotFound", "Endpoint does not exist", httpStatus: 404)
        }
        return record
    }

    public func setEndpointAttributes(_ arn: String, _ attributes: [String: String]) throws -> CommitTicket {
        var record = try platformEndpoint(arn)
        for (name, value) in attributes {
            guard ["Token", "Enabled", "CustomUserData"].contains(name) else {
                throw SNSErrors.invalidParameter("Attributes Reason: \(name) is not a valid attribute")
            }
            if name == "Enabled", !["true", "false"].contains(value.lowercased()) {
                throw SNSErrors.invalidParameter("Attributes Reason: Enabled must be true or false")
            }
            record.attributes[name] = value
        }
        endpoints[arn] = record
        return store.submit([.putPlatformEndpoint(record)])
    }

    public func deletePlatformEndpoint(_ arn: String) -> CommitTicket {
        guard endpoints.removeValue(forKey: arn) != nil else { return .alreadyCommitted }
        return store.submit([.deletePlatformEndpoint(arn: arn)])
    }

    public func platformEndpoints(of application: String) throws -> [PlatformEndpointRecord] {
        _ = try platformApplication(application)
        return endpoints.values.filter { $0.applicationArn == application }.sorted { $0.createdSeq < $1.createdSeq }
    }

    /// Publishes straight to a device endpoint: the payload for its platform goes to the outbox.
    public func publishToEndpoint(_ arn: String, _ draft: PublishDraft) throws -> (String, CommitTicket) {
        guard let endpoint = endpoints[arn] else {
            throw SNSErrors.invalidParameter("TargetArn Reason: No endpoint found for the target arn specified")
        }
        guard endpoint.enabled else { throw AWSError("EndpointDisabled", "Endpoint is disabled") }
        let rules = PublishRules.Draft(
            message: draft.message, subject: draft.subject, messageStructure: draft.messageStructure,
            attributes: draft.attributes, messageGroupId: nil, messageDeduplicationId: nil)
        let (message, perProtocol) = try PublishRules.validate(rules)
        let platform = applications[endpoint.applicationArn]?.platform ?? ""
        let payload = perProtocol[platform] ?? message
        let ticket = capture(
            kind: "application", address: arn, subject: draft.subject, body: payload, subscriptionArn: nil,
            topicArn: nil)
        return (RandomUUID.make(), ticket)
    }
}
