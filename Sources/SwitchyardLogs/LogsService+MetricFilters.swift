import Foundation
import SwitchyardModels
import SwitchyardWire

/// Metric filters: kept with their log group and answered as AWS answers them, and tried against
/// sample messages by TestMetricFilter. The metrics they define are not recorded: CloudWatch
/// metrics are not built yet (docs/FIDELITY.md).
extension LogsService {
    /// AWS's quota of metric filters per log group.
    static let metricFiltersPerGroup = 100

    public func putMetricFilter(_ input: CloudWatchLogs.PutMetricFilterRequest, context: RequestContext) async throws {
        var group = try await group(name: input.logGroupName, context: context)
        do {
            _ = try await engine.pattern(input.filterPattern)
        } catch {
            throw AWSError("InvalidParameterException", "Invalid metric filter pattern")
        }
        let filter = MetricFilterRecord(
            name: input.filterName, pattern: input.filterPattern,
            transformations: input.metricTransformations.map { transformation in
                MetricTransformationRecord(
                    metricName: transformation.metricName, metricNamespace: transformation.metricNamespace,
                    metricValue: transformation.metricValue, defaultValue: transformation.defaultValue,
                    dimensions: transformation.dimensions, unit: transformation.unit)
            }, creationTime: LogsEngine.now())
        var filters = group.metricFilters ?? []
        if let index = filters.firstIndex(where: { $0.name == input.filterName }) {
            filters[index] = filter
        } else {
            guard filters.count < Self.metricFiltersPerGroup else {
                throw AWSError("LimitExceededException", "Resource limit exceeded.")
            }
            filters.append(filter)
        }
        group.metricFilters = filters
        try await engine.save(group)
    }

    public func describeMetricFilters(
        _ input: CloudWatchLogs.DescribeMetricFiltersRequest, context: RequestContext
    ) async throws -> CloudWatchLogs.DescribeMetricFiltersResponse {
        if (input.metricName == nil) != (input.metricNamespace == nil) {
            throw AWSError(
                "InvalidParameterException", "metricName and metricNamespace must be specified together.")
        }
        let groups: [LogGroupRecord]
        if input.logGroupName != nil {
            groups = [try await group(name: input.logGroupName, context: context)]
        } else {
            groups = await engine.groups(account: context.account, region: context.region)
        }
        var found: [(group: String, filter: MetricFilterRecord)] = []
        for group in groups {
            for filter in group.metricFilters ?? [] {
                if let prefix = input.filterNamePrefix, !filter.name.hasPrefix(prefix) { continue }
                if let name = input.metricName, let namespace = input.metricNamespace,
                    !filter.transformations.contains(where: { $0.metricName == name && $0.metricNamespace == namespace }
                    )
                {
                    continue
                }
                found.append((group.name, filter))
            }
        }
        found.sort { ($0.filter.name, $0.group) < ($1.filter.name, $1.group) }
        let page = try Self.page(found, token: input.nextToken, limit: input.limit ?? 50)
        return CloudWatchLogs.DescribeMetricFiltersResponse(
            metricFilters: page.items.map { Self.shape($0.filter, group: $0.group) }, nextToken: page.next)
    }

    public func deleteMetricFilter(_ input: CloudWatchLogs.DeleteMetricFilterRequest, context: RequestContext)
        async throws
    {
        var group = try await group(name: input.logGroupName, context: context)
        guard let index = group.metricFilters?.firstIndex(where: { $0.name == input.filterName }) else {
            throw AWSError("ResourceNotFoundException", "The specified metric filter does not exist.")
        }
        group.metricFilters?.remove(at: index)
        try await engine.save(group)
    }

    public func testMetricFilter(_ input: CloudWatchLogs.TestMetricFilterRequest, context: RequestContext)
        async throws -> CloudWatchLogs.TestMetricFilterResponse
    {
        let pattern: FilterPattern
        do {
            pattern = try FilterPattern(input.filterPattern)
        } catch {
            throw AWSError("InvalidParameterException", "Invalid filter pattern")
        }
        var matches: [CloudWatchLogs.MetricFilterMatchRecord] = []
        for (index, message) in input.logEventMessages.enumerated() where pattern.matches(message) {
            matches.append(
                CloudWatchLogs.MetricFilterMatchRecord(
                    eventNumber: index + 1, eventMessage: message, extractedValues: pattern.extractedValues(message)))
        }
        return CloudWatchLogs.TestMetricFilterResponse(matches: matches)
    }

    static func shape(_ filter: MetricFilterRecord, group: String) -> CloudWatchLogs.MetricFilter {
        CloudWatchLogs.MetricFilter(
            filterName: filter.name, filterPattern: filter.pattern,
            metricTransformations: filter.transformations.map { transformation in
                CloudWatchLogs.MetricTransformation(
                    metricName: transformation.metricName, metricNamespace: transformation.metricNamespace,
                    metricValue: transformation.metricValue, defaultValue: transformation.defaultValue,
                    dimensions: transformation.dimensions, unit: transformation.unit)
            }, creationTime: Int(filter.creationTime), logGroupName: group, applyOnTransformedLogs: false)
    }
}
