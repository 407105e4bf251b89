import Foundation

/// A delivery source: a resource of another AWS service that vends logs (a CloudFront
/// distribution, a WorkMail organization, ...), named for deliveries to refer to.
struct LogsDeliverySourceRecord: ListedDeliveryObject, Codable, Equatable {
    var account: String
    var region: String
    var name: String
    var resourceArn: String
    /// The vending service, as the resource's ARN names it (`cloudfront`).
    var service: String
    var logType: String
    var configuration: [String: String]?
    var tags: [String: String]
    var created: Double

    var arn: String { "arn:aws:logs:\(region):\(account):delivery-source:\(name)" }
    var listingKey: String { name }
}

/// A delivery destination: a log group, S3 bucket or Firehose stream (or X-Ray) that deliveries
/// send logs to, with the policy that lets other accounts create deliveries to it.
struct LogsDeliveryDestinationRecord: ListedDeliveryObject, Codable, Equatable {
    var account: String
    var region: String
    var name: String
    /// `CWL`, `S3`, `FH` or `XRAY`.
    var type: String
    var outputFormat: String?
    /// The log group, bucket or stream; nil for X-Ray.
    var resourceArn: String?
    var policy: String?
    var tags: [String: String]
    var created: Double

    var arn: String { "arn:aws:logs:\(region):\(account):delivery-destination:\(name)" }
    var listingKey: String { name }
}

/// A delivery: one source paired with one destination, and how its records are written.
struct LogsDeliveryRecord: ListedDeliveryObject, Codable, Equatable {
    var account: String
    var region: String
    var id: String
    var sourceName: String
    var destinationArn: String
    var destinationType: String
    var recordFields: [String]?
    var fieldDelimiter: String?
    var suffixPath: String?
    var enableHiveCompatiblePath: Bool?
    var tags: [String: String]
    var created: Double

    var arn: String { "arn:aws:logs:\(region):\(account):delivery:\(id)" }
    var listingKey: String { id }
}

/// What listings of sources, destinations and deliveries need: whose it is and when it was made.
protocol ListedDeliveryObject: Sendable {
    var account: String { get }
    var region: String { get }
    /// Seconds since the epoch, to the microsecond: listings keep the order of creation.
    var created: Double { get }
    /// Orders objects created in the same instant: a name or id.
    var listingKey: String { get }
}

/// One stored object of vended-log delivery configuration; the three kinds share a table.
enum LogsDeliveryObject: Codable, Sendable, Equatable {
    case source(LogsDeliverySourceRecord)
    case destination(LogsDeliveryDestinationRecord)
    case delivery(LogsDeliveryRecord)

    /// Unique across kinds: `<kind>/<account>/<region>/<name or id>`.
    var key: String {
        switch self {
        case .source(let source): Self.key(.source, source.account, source.region, source.name)
        case .destination(let destination):
            Self.key(.destination, destination.account, destination.region, destination.name)
        case .delivery(let delivery): Self.key(.delivery, delivery.account, delivery.region, delivery.id)
        }
    }

    enum Kind: String { case source, destination, delivery }

    var source: LogsDeliverySourceRecord? { if case .source(let source) = self { source } else { nil } }
    var destination: LogsDeliveryDestinationRecord? {
        if case .destination(let destination) = self { destination } else { nil }
    }
    var delivery: LogsDeliveryRecord? { if case .delivery(let delivery) = self { delivery } else { nil } }

    /// The object's tags, which TagResource and UntagResource change.
    var tags: [String: String] {
        get {
            switch self {
            case .source(let source): source.tags
            case .destination(let destination): destination.tags
            case .delivery(let delivery): delivery.tags
            }
        }
        set {
            switch self {
            case .source(var source):
                source.tags = newValue
                self = .source(source)
            case .destination(var destination):
                destination.tags = newValue
                self = .destination(destination)
            case .delivery(var delivery):
                delivery.tags = newValue
                self = .delivery(delivery)
            }
        }
    }

    static func key(_ kind: Kind, _ account: String, _ region: String, _ name: String) -> String {
        "\(kind.rawValue)/\(account)/\(region)/\(name)"
    }
}
