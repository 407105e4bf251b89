import Foundation
import SwitchyardModels
import SwitchyardWire

/// Amazon SNS as the generated `SNSAPI` describes it.
///
/// SNS is being built: requests already arrive parsed and validated against the SNS model, topics
/// work, and every operation this type does not provide yet answers NotImplemented naming itself
/// (the generated defaults of `SNSAPI`), never a silent success.
public struct SNSService: SNSAPI {
    let engine: SNSEngine

    public init(engine: SNSEngine) { self.engine = engine }

    public func createTopic(_ input: SNS.CreateTopicInput, context: RequestContext) async throws
        -> SNS.CreateTopicResponse
    {
        let key = TopicKey(account: context.account, region: context.region, name: input.name)
        var attributes = input.attributes ?? [:]
        if let policy = input.dataProtectionPolicy { attributes["DataProtectionPolicy"] = policy }
        let tags = try Self.tags(input.tags)
        try await engine.createTopic(key, attributes: attributes, tags: tags).wait()
        return SNS.CreateTopicResponse(topicArn: key.arn)
    }

    public func deleteTopic(_ input: SNS.DeleteTopicInput, context: RequestContext) async throws {
        try await engine.deleteTopic(try topic(input.topicArn, context)).wait()
    }

    public func listTopics(_ input: SNS.ListTopicsInput, context: RequestContext) async throws
        -> SNS.ListTopicsResponse
    {
        let keys = await engine.topicKeys(account: context.account, region: context.region)
        let (page, next) = try Self.page(keys.count, token: input.nextToken, size: 100)
        return SNS.ListTopicsResponse(topics: keys[page].map { SNS.Topic(topicArn: $0.arn) }, nextToken: next)
    }

    public func getTopicAttributes(_ input: SNS.GetTopicAttributesInput, context: RequestContext) async throws
        -> SNS.GetTopicAttributesResponse
    {
        SNS.GetTopicAttributesResponse(attributes: try await engine.attributes(of: try topic(input.topicArn, context)))
    }

    public func setTopicAttributes(_ input: SNS.SetTopicAttributesInput, context: RequestContext) async throws {
        let key = try topic(input.topicArn, context)
        try await engine.setAttribute(key, name: input.attributeName, value: input.attributeValue).wait()
    }

    public func tagResource(_ input: SNS.TagResourceRequest, context: RequestContext) async throws
        -> SNS.TagResourceResponse
    {
        let key = try resource(input.resourceArn, context)
        try await engine.tag(key, adding: try Self.tags(input.tags)).wait()
        return SNS.TagResourceResponse()
    }

    public func untagResource(_ input: SNS.UntagResourceRequest, context: RequestContext) async throws
        -> SNS.UntagResourceResponse
    {
        let key = try resource(input.resourceArn, context)
        try await engine.untag(key, removing: input.tagKeys).wait()
        return SNS.UntagResourceResponse()
    }

    public func listTagsForResource(_ input: SNS.ListTagsForResourceRequest, context: RequestContext) async throws
        -> SNS.ListTagsForResourceResponse
    {
        let tags = try await engine.tags(of: try resource(input.resourceArn, context))
        return SNS.ListTagsForResourceResponse(
            tags: tags.sorted { $0.key < $1.key }.map { SNS.Tag(key: $0.key, value: $0.value) })
    }

    // MARK: Conversions

    /// The topic an ARN names, within the caller's account and region.
    func topic(_ arn: String, _ context: RequestContext) throws -> TopicKey {
        guard arn.hasPrefix("arn:") else {
            throw SNSErrors.invalidParameter("TopicArn Reason: \(arn) does not start with arn")
        }
        guard let key = TopicKey(arn: arn) else { throw SNSErrors.invalidParameter("TopicArn") }
        guard key.account == context.account, key.region == context.region else { throw SNSErrors.topicNotFound() }
        return key
    }

    func resource(_ arn: String, _ context: RequestContext) throws -> TopicKey {
        guard let key = TopicKey(arn: arn) else { throw SNSErrors.invalidParameter("ResourceArn") }
        guard key.account == context.account, key.region == context.region else { throw SNSErrors.resourceNotFound() }
        return key
    }

    static func tags(_ tags: [SNS.Tag]?) throws -> [String: String] {
        var result: [String: String] = [:]
        for tag in tags ?? [] { result[tag.key] = tag.value }
        return result
    }

    /// NextToken pagination: the token is the base64 offset of the next page.
    static func page(_ count: Int, token: String?, size: Int) throws -> (Range<Int>, String?) {
        var start = 0
        if let token {
            guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
                let offset = Int(text), offset >= 0, offset <= count
            else { throw SNSErrors.invalidParameter("NextToken") }
            start = offset
        }
        let end = min(count, start + size)
        let next = end < count ? Data(String(end).utf8).base64EncodedString() : nil
        return (start..<end, next)
    }
}
