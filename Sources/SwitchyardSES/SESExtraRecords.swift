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
    /// The tenant as a reputation entity: the SES-managed policy applied to it (nil: the standard
    /// one) and the status its owner set (nil: never set, which reads as ENABLED).
    var reputationPolicy: String?
    var customerStatus: String?
    var customerStatusMillis: Int64?

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

/// An export job: message insights or VDM metrics from the captured outbox, written at once as a
/// CSV or JSON file that `/_switchyard/ses/exports/{id}` serves (and into S3 when a URL was given).
struct ExportJobRecord: Codable, Sendable {
    var scope: SESScope
    var id: String
    /// The ExportDataSource and ExportDestination shapes as given (JSON of the v2 shapes).
    var source: String
    var destination: String
    var sourceType: String
    var status: String
    var createdMillis: Int64
    var completedMillis: Int64?
    var processed: Int = 0
    var exported: Int = 0
    var failure: String?
    /// The export file, kept here for the download URL.
    var file: String?
}

/// A predictive inbox placement test. The only mailbox here is the captured outbox, which has no
/// spam folder: a message that would be sent lands in the inbox; one SES would reject goes missing.
struct DeliverabilityTestRecord: Codable, Sendable {
    var scope: SESScope
    var id: String
    var name: String?
    var subject: String?
    var from: String
    var createdMillis: Int64
    var inboxPercentage: Double
    var missingPercentage: Double
    var dkimPercentage: Double
    var message: String
    var tags: [SESTag] = []
}

/// A message received through the inbound SMTP interface, kept for a day so that SendBounce can
/// answer it (its headers go into the bounce).
struct ReceivedMessageRecord: Codable, Sendable {
    var scope: SESScope
    var id: String
    var receivedMillis: Int64
    /// The envelope sender (empty for the null sender).
    var source: String
    var recipients: [String]
    /// The top-level header block as received.
    var headerBlock: String
}
