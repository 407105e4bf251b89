import Foundation
import SwitchyardCore
import SwitchyardEvents
import SwitchyardMatching
import SwitchyardModels
import SwitchyardWire

/// EventBridge Pipes' API over the engine.
public struct PipesService: PipesAPI {
    let engine: PipesEngine
    let clock: any ServiceClock

    public init(engine: PipesEngine, clock: any ServiceClock = SystemClock()) {
        self.engine = engine
        self.clock = clock
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    /// Filter patterns are checked when the pipe is made, with EventBridge's messages.
    static func checkFilters(_ criteria: Pipes.FilterCriteria?) throws {
        for filter in criteria?.filters ?? [] {
            guard let pattern = filter.pattern else { continue }
            do {
                _ = try EventPattern(json: pattern)
            } catch let invalid as EventPattern.Invalid {
                throw AWSError("ValidationException", invalid.message)
            }
        }
    }

    public func createPipe(_ input: Pipes.CreatePipeRequest, context: RequestContext) async throws
        -> Pipes.CreatePipeResponse
    {
        try Self.checkFilters(input.sourceParameters?.filterCriteria)
        let now = clock.nowMillis()
        let record = PipeRecord(
            account: context.account, region: context.region, name: input.name, description: input.description,
            desiredState: input.desiredState ?? "RUNNING", currentState: "CREATING", source: input.source,
            sourceParameters: PipeShapes.write(input.sourceParameters?.awsValue, "PipeSourceParameters"),
            enrichment: input.enrichment,
            enrichmentParameters: PipeShapes.write(input.enrichmentParameters?.awsValue, "PipeEnrichmentParameters"),
            target: input.target,
            targetParameters: PipeShapes.write(input.targetParameters?.awsValue, "PipeTargetParameters"),
            roleArn: input.roleArn, tags: input.tags ?? [:], createdAt: now, modifiedAt: now,
            settlesAt: now + PipesEngine.transition)
        try await engine.create(record).wait()
        return Pipes.CreatePipeResponse(
            arn: record.arn, name: record.name, desiredState: record.desiredState, currentState: record.currentState,
            creationTime: Self.date(now), lastModifiedTime: Self.date(now))
    }

    public func describePipe(_ input: Pipes.DescribePipeRequest, context: RequestContext) async throws
        -> Pipes.DescribePipeResponse
    {
        let pipe = try await engine.pipe(account: context.account, region: context.region, name: input.name)
        return Pipes.DescribePipeResponse(
            arn: pipe.arn, name: pipe.name, description: pipe.description, desiredState: pipe.desiredState,
            currentState: pipe.currentState, source: pipe.source, sourceParameters: PipeShapes.sourceParameters(pipe),
            enrichment: pipe.enrichment,
            enrichmentParameters: PipeShapes.read(
                pipe.enrichmentParameters, "PipeEnrichmentParameters", as: Pipes.PipeEnrichmentParameters.self),
            target: pipe.target, targetParameters: PipeShapes.targetParameters(pipe), roleArn: pipe.roleArn,
            tags: pipe.tags, creationTime: Self.date(pipe.createdAt), lastModifiedTime: Self.date(pipe.modifiedAt))
    }

    public func updatePipe(_ input: Pipes.UpdatePipeRequest, context: RequestContext) async throws
        -> Pipes.UpdatePipeResponse
    {
        try Self.checkFilters(input.sourceParameters?.filterCriteria)
        let (pipe, ticket) = try await engine.change(
            account: context.account, region: context.region, name: input.name, state: "UPDATING"
        ) { pipe in
            if let description = input.description { pipe.description = description }
            if let state = input.desiredState { pipe.desiredState = state }
            if let update = input.sourceParameters {
                var source = PipeShapes.sourceParameters(pipe) ?? Pipes.PipeSourceParameters()
                if let filters = update.filterCriteria { source.filterCriteria = filters }
                if let sqs = update.sqsQueueParameters {
                    source.sqsQueueParameters = Pipes.PipeSourceSqsQueueParameters(
                        batchSize: sqs.batchSize ?? source.sqsQueueParameters?.batchSize,
                        maximumBatchingWindowInSeconds: sqs.maximumBatchingWindowInSeconds
                            ?? source.sqsQueueParameters?.maximumBatchingWindowInSeconds)
                }
                pipe.sourceParameters = PipeShapes.write(source.awsValue, "PipeSourceParameters")
            }
            if let enrichment = input.enrichment { pipe.enrichment = enrichment.isEmpty ? nil : enrichment }
            if let parameters = input.enrichmentParameters {
                pipe.enrichmentParameters = PipeShapes.write(parameters.awsValue, "PipeEnrichmentParameters")
            }
            if let target = input.target { pipe.target = target }
            if let parameters = input.targetParameters {
                pipe.targetParameters = PipeShapes.write(parameters.awsValue, "PipeTargetParameters")
            }
            pipe.roleArn = input.roleArn
        }
        try await ticket.wait()
        return Pipes.UpdatePipeResponse(
            arn: pipe.arn, name: pipe.name, desiredState: pipe.desiredState, currentState: pipe.currentState,
            creationTime: Self.date(pipe.createdAt), lastModifiedTime: Self.date(pipe.modifiedAt))
    }

    public func startPipe(_ input: Pipes.StartPipeRequest, context: RequestContext) async throws
        -> Pipes.StartPipeResponse
    {
        let (pipe, ticket) = try await engine.change(
            account: context.account, region: context.region, name: input.name, state: "STARTING"
        ) { $0.desiredState = "RUNNING" }
        try await ticket.wait()
        return Pipes.StartPipeResponse(
            arn: pipe.arn, name: pipe.name, desiredState: pipe.desiredState, currentState: pipe.currentState,
            creationTime: Self.date(pipe.createdAt), lastModifiedTime: Self.date(pipe.modifiedAt))
    }

    public func stopPipe(_ input: Pipes.StopPipeRequest, context: RequestContext) async throws
        -> Pipes.StopPipeResponse
    {
        let (pipe, ticket) = try await engine.change(
            account: context.account, region: context.region, name: input.name, state: "STOPPING"
        ) { $0.desiredState = "STOPPED" }
        try await ticket.wait()
        return Pipes.StopPipeResponse(
            arn: pipe.arn, name: pipe.name, desiredState: pipe.desiredState, currentState: pipe.currentState,
            creationTime: Self.date(pipe.createdAt), lastModifiedTime: Self.date(pipe.modifiedAt))
    }

    public func deletePipe(_ input: Pipes.DeletePipeRequest, context: RequestContext) async throws
        -> Pipes.DeletePipeResponse
    {
        let (pipe, ticket) = try await engine.change(
            account: context.account, region: context.region, name: input.name, state: "DELETING"
        ) { _ in }
        try await ticket.wait()
        return Pipes.DeletePipeResponse(
            arn: pipe.arn, name: pipe.name, desiredState: pipe.desiredState, currentState: pipe.currentState,
            creationTime: Self.date(pipe.createdAt), lastModifiedTime: Self.date(pipe.modifiedAt))
    }

    public func listPipes(_ input: Pipes.ListPipesRequest, context: RequestContext) async throws
        -> Pipes.ListPipesResponse
    {
        let all = await engine.list(account: context.account, region: context.region).filter { pipe in
            (input.namePrefix.map { pipe.name.hasPrefix($0) } ?? true)
                && (input.desiredState.map { pipe.desiredState == $0 } ?? true)
                && (input.currentState.map { pipe.currentState == $0 } ?? true)
                && (input.sourcePrefix.map { pipe.source.hasPrefix($0) } ?? true)
                && (input.targetPrefix.map { pipe.target.hasPrefix($0) } ?? true)
        }
        let (page, next) = try Page.of(all, limit: input.limit, token: input.nextToken) { $0.name }
        return Pipes.ListPipesResponse(
            pipes: page.map { pipe in
                Pipes.Pipe(
                    name: pipe.name, arn: pipe.arn, desiredState: pipe.desiredState, currentState: pipe.currentState,
                    creationTime: Self.date(pipe.createdAt), lastModifiedTime: Self.date(pipe.modifiedAt),
                    source: pipe.source, target: pipe.target, enrichment: pipe.enrichment)
            }, nextToken: next)
    }

    public func tagResource(_ input: Pipes.TagResourceRequest, context: RequestContext) async throws
        -> Pipes.TagResourceResponse
    {
        try await engine.updateTags(arn: input.resourceArn) { $0.merge(input.tags) { _, new in new } }.wait()
        return Pipes.TagResourceResponse()
    }

    public func untagResource(_ input: Pipes.UntagResourceRequest, context: RequestContext) async throws
        -> Pipes.UntagResourceResponse
    {
        try await engine.updateTags(arn: input.resourceArn) { tags in
            for key in input.tagKeys { tags[key] = nil }
        }.wait()
        return Pipes.UntagResourceResponse()
    }

    public func listTagsForResource(_ input: Pipes.ListTagsForResourceRequest, context: RequestContext) async throws
        -> Pipes.ListTagsForResourceResponse
    {
        Pipes.ListTagsForResourceResponse(tags: try await engine.tags(arn: input.resourceArn))
    }
}
