import Synchronization

/// Answers whether a resource another module owns exists, by ARN (an S3 notification's queue or
/// topic, checked when the configuration is set): each module registers a check for its ARNs.
public final class ResourceDirectory: Sendable {
    public typealias Check = @Sendable (_ arn: String) async -> Bool

    private let checks = Mutex<[String: Check]>([:])

    public init() {}

    public func register(_ added: [String: Check]) {
        checks.withLock { $0.merge(added) { _, new in new } }
    }

    /// Whether the resource exists; nil when no module here owns such resources.
    public func exists(_ arn: String) async -> Bool? {
        let service = arn.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first
        guard let check = service.flatMap({ name in checks.withLock { $0[String(name)] } }) else { return nil }
        return await check(arn)
    }
}
