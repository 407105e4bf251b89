/// Where the resource an ARN names lives relative to the caller of a request: every service resolves
/// the ARNs it is given through this, so that a resource of another account or region is never
/// reached by accident. What each case answers is the service's to word (AWS words it per service:
/// SNS calls another region's topic an invalid parameter, SQS another region's queue not found).
public enum ResourcePlacement: Equatable, Sendable {
    /// The caller's own account and region.
    case callers
    /// Another account, in the caller's region: reachable only where that resource's policy allows.
    case otherAccount(String)
    /// Another region: not reachable through this region's endpoint, whoever owns it.
    case otherRegion(String)
    /// Not an ARN of the expected service.
    case malformed

    /// Where `arn` points for a caller in `account` and `region`; `service` is the ARN's service
    /// field ("sns", "sqs").
    public init(_ arn: String, service: String, account: String, region: String) {
        guard let parts = ARN.parts(arn), parts[2] == service else {
            self = .malformed
            return
        }
        if parts[3] != region {
            self = .otherRegion(String(parts[3]))
        } else if parts[4] != account {
            self = .otherAccount(String(parts[4]))
        } else {
            self = .callers
        }
    }
}

extension RequestContext {
    /// Where `arn` points relative to this request's caller.
    public func placement(of arn: String, service: String) -> ResourcePlacement {
        ResourcePlacement(arn, service: service, account: account, region: region)
    }
}
