import Foundation
import SwitchyardModels
import SwitchyardWire

// MARK: Configuration sets and their event destinations

extension SESV1Service {
    static func destination(_ given: SES.EventDestination) throws -> EventDestinationRecord {
        for type in given.matchingEventTypes where SESEventType(v1Name: type) == nil {
            throw SESFailure.invalidParameter("Invalid event type: \(type).")
        }
        return EventDestinationRecord(
            name: given.name, enabled: given.enabled ?? false, matchingTypes: given.matchingEventTypes,
            snsTopicArn: given.snsDestination?.topicARN,
            firehoseStreamArn: given.kinesisFirehoseDestination?.deliveryStreamARN,
            firehoseRoleArn: given.kinesisFirehoseDestination?.iamRoleARN,
            cloudWatch: given.cloudWatchDestination.map { _ in "{}" })
    }

    static func shape(_ record: EventDestinationRecord) -> SES.EventDestination {
        SES.EventDestination(
            name: record.name, enabled: record.enabled,
            matchingEventTypes: record.matchingTypes.map { SESEventType(rawValue: $0)?.v1Name ?? $0 },
            kinesisFirehoseDestination: record.firehoseStreamArn.map {
                SES.KinesisFirehoseDestination(iamRoleARN: record.firehoseRoleArn ?? "", deliveryStreamARN: $0)
            },
            cloudWatchDestination: record.cloudWatch.map { _ in SES.CloudWatchDestination(dimensionConfigurations: [])
            },
            snsDestination: record.snsTopicArn.map { SES.SNSDestination(topicARN: $0) })
    }

    func createConfigurationSet(_ input: SES.CreateConfigurationSetRequest, context: RequestContext) async throws
        -> SES.CreateConfigurationSetResponse
    {
        try await run {
            let name = input.configurationSet.name
            guard name.range(of: #"^[A-Za-z0-9_-]{1,64}$"#, options: .regularExpression) != nil else {
                throw AWSError(
                    "InvalidConfigurationSetException",
                    "Configuration set name <\(name)> is invalid. Names may contain only ASCII letters, numbers, underscores and dashes, and be at most 64 characters long."
                )
            }
            try await engine.createConfigurationSet(
                ConfigurationSetRecord(scope: Self.scope(context), name: name, createdMillis: SESEngine.nowMillis()))
            return SES.CreateConfigurationSetResponse()
        }
    }

    func deleteConfigurationSet(_ input: SES.DeleteConfigurationSetRequest, context: RequestContext) async throws
        -> SES.DeleteConfigurationSetResponse
    {
        try await run {
            try await engine.deleteConfigurationSet(Self.scope(context), input.configurationSetName)
            return SES.DeleteConfigurationSetResponse()
        }
    }

    func describeConfigurationSet(_ input: SES.DescribeConfigurationSetRequest, context: RequestContext) async throws
        -> SES.DescribeConfigurationSetResponse
    {
        try await run {
            guard let set = await engine.configurationSet(Self.scope(context), input.configurationSetName) else {
                throw SESFailure.configurationSetMissing(input.configurationSetName)
            }
            let wanted = Set(input.configurationSetAttributeNames ?? [])
            return SES.DescribeConfigurationSetResponse(
                configurationSet: SES.ConfigurationSet(name: set.name),
                eventDestinations: wanted.contains("eventDestinations") ? set.eventDestinations.map(Self.shape) : nil,
                trackingOptions: wanted.contains("trackingOptions") && set.customRedirectDomain != nil
                    ? SES.TrackingOptions(customRedirectDomain: set.customRedirectDomain) : nil,
                deliveryOptions: wanted.contains("deliveryOptions")
                    ? SES.DeliveryOptions(tlsPolicy: set.tlsPolicy == "REQUIRE" ? "Require" : "Optional") : nil,
                reputationOptions: wanted.contains("reputationOptions")
                    ? SES.ReputationOptions(
                        sendingEnabled: set.sendingEnabled, reputationMetricsEnabled: set.reputationMetricsEnabled,
                        lastFreshStart: set.lastFreshStartMillis.map(Self.date)) : nil)
        }
    }

    func listConfigurationSets(_ input: SES.ListConfigurationSetsRequest, context: RequestContext) async throws
        -> SES.ListConfigurationSetsResponse
    {
        let all = await engine.configurationSets(Self.scope(context))
        let (page, next) = Self.page(all, name: \.name, token: input.nextToken, limit: input.maxItems)
        return SES.ListConfigurationSetsResponse(
            configurationSets: page.map { SES.ConfigurationSet(name: $0.name) }, nextToken: next)
    }

    func createConfigurationSetEventDestination(
        _ input: SES.CreateConfigurationSetEventDestinationRequest, context: RequestContext
    ) async throws -> SES.CreateConfigurationSetEventDestinationResponse {
        try await run {
            try await engine.putEventDestination(
                Self.scope(context), configurationSet: input.configurationSetName,
                destination: try Self.destination(input.eventDestination), creating: true)
            return SES.CreateConfigurationSetEventDestinationResponse()
        }
    }

    func updateConfigurationSetEventDestination(
        _ input: SES.UpdateConfigurationSetEventDestinationRequest, context: RequestContext
    ) async throws -> SES.UpdateConfigurationSetEventDestinationResponse {
        try await run {
            try await engine.putEventDestination(
                Self.scope(context), configurationSet: input.configurationSetName,
                destination: try Self.destination(input.eventDestination), creating: false)
            return SES.UpdateConfigurationSetEventDestinationResponse()
        }
    }

    func deleteConfigurationSetEventDestination(
        _ input: SES.DeleteConfigurationSetEventDestinationRequest, context: RequestContext
    ) async throws -> SES.DeleteConfigurationSetEventDestinationResponse {
        try await run {
            try await engine.deleteEventDestination(
                Self.scope(context), configurationSet: input.configurationSetName,
                destination: input.eventDestinationName)
            return SES.DeleteConfigurationSetEventDestinationResponse()
        }
    }

    func createConfigurationSetTrackingOptions(
        _ input: SES.CreateConfigurationSetTrackingOptionsRequest, context: RequestContext
    ) async throws -> SES.CreateConfigurationSetTrackingOptionsResponse {
        try await run {
            try await engine.updateConfigurationSet(Self.scope(context), input.configurationSetName) {
                guard $0.customRedirectDomain == nil else {
                    throw AWSError(
                        "TrackingOptionsAlreadyExistsException",
                        "Tracking options already exist for configuration set <\(input.configurationSetName)>.")
                }
                $0.customRedirectDomain = input.trackingOptions.customRedirectDomain ?? ""
            }
            return SES.CreateConfigurationSetTrackingOptionsResponse()
        }
    }

    func updateConfigurationSetTrackingOptions(
        _ input: SES.UpdateConfigurationSetTrackingOptionsRequest, context: RequestContext
    ) async throws -> SES.UpdateConfigurationSetTrackingOptionsResponse {
        try await run {
            try await engine.updateConfigurationSet(Self.scope(context), input.configurationSetName) {
                guard $0.customRedirectDomain != nil else {
                    throw AWSError(
                        "TrackingOptionsDoesNotExistException",
                        "Tracking options do not exist for configuration set <\(input.configurationSetName)>.")
                }
                $0.customRedirectDomain = input.trackingOptions.customRedirectDomain ?? ""
            }
            return SES.UpdateConfigurationSetTrackingOptionsResponse()
        }
    }

    func deleteConfigurationSetTrackingOptions(
        _ input: SES.DeleteConfigurationSetTrackingOptionsRequest, context: RequestContext
    ) async throws -> SES.DeleteConfigurationSetTrackingOptionsResponse {
        try await run {
            try await engine.updateConfigurationSet(Self.scope(context), input.configurationSetName) {
                guard $0.customRedirectDomain != nil else {
                    throw AWSError(
                        "TrackingOptionsDoesNotExistException",
                        "Tracking options do not exist for configuration set <\(input.configurationSetName)>.")
                }
                $0.customRedirectDomain = nil
            }
            return SES.DeleteConfigurationSetTrackingOptionsResponse()
        }
    }

    func putConfigurationSetDeliveryOptions(
        _ input: SES.PutConfigurationSetDeliveryOptionsRequest, context: RequestContext
    ) async throws -> SES.PutConfigurationSetDeliveryOptionsResponse {
        try await run {
            try await engine.updateConfigurationSet(Self.scope(context), input.configurationSetName) {
                $0.tlsPolicy = input.deliveryOptions?.tlsPolicy == "Require" ? "REQUIRE" : "OPTIONAL"
            }
            return SES.PutConfigurationSetDeliveryOptionsResponse()
        }
    }

    func updateConfigurationSetSendingEnabled(
        _ input: SES.UpdateConfigurationSetSendingEnabledRequest, context: RequestContext
    ) async throws {
        try await run {
            try await engine.updateConfigurationSet(Self.scope(context), input.configurationSetName) {
                $0.sendingEnabled = input.enabled
            }
        }
    }

    func updateConfigurationSetReputationMetricsEnabled(
        _ input: SES.UpdateConfigurationSetReputationMetricsEnabledRequest, context: RequestContext
    ) async throws {
        try await run {
            try await engine.updateConfigurationSet(Self.scope(context), input.configurationSetName) {
                $0.reputationMetricsEnabled = input.enabled
            }
        }
    }

    // MARK: Account

    func getAccountSendingEnabled(context: RequestContext) async throws -> SES.GetAccountSendingEnabledResponse {
        SES.GetAccountSendingEnabledResponse(enabled: await engine.account(Self.scope(context)).sendingEnabled)
    }

    func updateAccountSendingEnabled(_ input: SES.UpdateAccountSendingEnabledRequest, context: RequestContext)
        async throws
    {
        try await run {
            try await engine.updateAccount(Self.scope(context)) { $0.sendingEnabled = input.enabled ?? false }
        }
    }

    func getSendQuota(context: RequestContext) async throws -> SES.GetSendQuotaResponse {
        let quota = await engine.quota(Self.scope(context))
        return SES.GetSendQuotaResponse(
            max24HourSend: quota.max24HourSend, maxSendRate: quota.maxSendRate, sentLast24Hours: quota.sentLast24Hours)
    }

    func getSendStatistics(context: RequestContext) async throws -> SES.GetSendStatisticsResponse {
        let points = await engine.statistics(Self.scope(context))
        return SES.GetSendStatisticsResponse(
            sendDataPoints: points.map {
                SES.SendDataPoint(
                    timestamp: Self.date($0.millis), deliveryAttempts: $0.deliveryAttempts, bounces: $0.bounces,
                    complaints: $0.complaints, rejects: $0.rejects)
            })
    }
}
