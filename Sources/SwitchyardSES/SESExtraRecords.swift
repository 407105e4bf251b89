/// A dedicated IP pool (SES v2). No dedicated IPs are leased here, so pools stay empty.
struct DedicatedIpPoolRecord: Codable, Sendable {
    var scope: SESScope
    var name: String
    var scalingMode: String
    var tags: [SESTag] = []
}

/// A tenant (SES v2) and the resources associated with it.
struct TenantRecord: Codable, Sendable {
    struct Association: Codable, Sendable {
        var resourceArn: String
        var associatedMillis: Int64
    }

    var scope: SESScope
    var name: String
    var id: String
    var createdMillis: Int64
    var tags: [SESTag] = []
    var resources: [Association] = []

    var arn: String { "arn:aws:ses:\(scope.region):\(scope.account):tenant/\(name)/\(id)" }
}

/// An import job: contacts or suppressed addresses read from an S3 object, run at once.
struct ImportJobRecord: Codable, Sendable {
    var scope: SESScope
    var id: String
    /// The ImportDestination and ImportDataSource shapes as given (JSON of the v2 shapes).
    var destination: String
    var source: String
    var destinationType: String
    var status: String
    var createdMillis: Int64
    var completedMillis: Int64?
    var processed: Int = 0
    var failed: Int = 0
    var failure: String?
}

/// A multi-region endpoint (global endpoint): stored with its regions, ready at once.
struct MultiRegionEndpointRecord: Codable, Sendable {
    var scope: SESScope
    var name: String
    var id: String
    var regions: [String]
    var createdMillis: Int64
    var tags: [SESTag] = []
}
