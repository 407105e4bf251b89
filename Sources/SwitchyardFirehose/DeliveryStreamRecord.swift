import Foundation
import SwitchyardWire

/// A delivery stream as it is stored: what it reads from, its one destination (the configuration
/// as given, as JSON of the model's configuration shape, secrets included, since delivery needs
/// them), its version and, for a Kinesis source, how far it has read.
struct DeliveryStreamRecord: Codable, Sendable, Equatable {
    var name: String
    var account: String
    var region: String
    /// `DirectPut`, `KinesisStreamAsSource`, `MSKAsSource` or `DatabaseAsSource`.
    var type: String
    /// `CREATING`, `ACTIVE`, `DELETING`.
    var status: String
    var createdMillis: Int64
    var updatedMillis: Int64?
    /// Bumped by every UpdateDestination; the object names carry it.
    var version: Int
    var encryption: StreamEncryption?
    var tags: [StreamTag]
    /// The source's own configuration (JSON of its model shape), for sources other than DirectPut.
    var source: StreamSource?
    var destination: DestinationRecord
    /// Kinesis sources: where each shard's reading continues, and the shards read to their end.
    var checkpoints: [String: String]?
    var finishedShards: [String]?

    static func key(account: String, region: String, name: String) -> String { "\(account)/\(region)/\(name)" }

    /// The key of the stream `arn:aws:firehose:<region>:<account>:deliverystream/<name>` names.
    static func key(arn: String) -> String? {
        guard let parts = ARN.parts(arn), parts[2] == "firehose", parts[5].hasPrefix("deliverystream/") else {
            return nil
        }
        return key(account: String(parts[4]), region: String(parts[3]), name: String(parts[5].dropFirst(15)))
    }
    var key: String { Self.key(account: account, region: region, name: name) }
    var arn: String { "arn:aws:firehose:\(region):\(account):deliverystream/\(name)" }
}

/// Server-side encryption of the stream's buffered data, as StartDeliveryStreamEncryption set it.
struct StreamEncryption: Codable, Sendable, Equatable {
    /// `AWS_OWNED_CMK` or `CUSTOMER_MANAGED_CMK`.
    var keyType: String
    var keyARN: String?
    /// `ENABLED` or `DISABLED` (the transitions are immediate here).
    var status: String
}

struct StreamTag: Codable, Sendable, Equatable {
    var key: String
    var value: String?
}

/// A stream's source other than DirectPut.
struct StreamSource: Codable, Sendable, Equatable {
    /// `KinesisStreamSourceConfiguration`, `MSKSourceConfiguration`, `DatabaseSourceConfiguration`.
    var kind: String
    var configuration: String
    /// Kinesis: the stream read and the time reading starts from.
    var kinesisStreamARN: String?
    var roleARN: String?
    var startMillis: Int64?
}

/// The destination: its id, kind and configuration.
struct DestinationRecord: Codable, Sendable, Equatable {
    var id: String
    var kind: DestinationKind
    /// JSON of the kind's configuration shape, merged with every update since.
    var configuration: String
}

/// The destination kinds of the model, by the prefix of their shape names.
enum DestinationKind: String, Codable, Sendable, CaseIterable {
    case s3 = "S3"
    case extendedS3 = "ExtendedS3"
    case redshift = "Redshift"
    case elasticsearch = "Elasticsearch"
    case openSearch = "Amazonopensearchservice"
    case openSearchServerless = "AmazonOpenSearchServerless"
    case splunk = "Splunk"
    case httpEndpoint = "HttpEndpoint"
    case snowflake = "Snowflake"
    case iceberg = "Iceberg"

    var configurationShape: String { "\(rawValue)DestinationConfiguration" }
    var updateShape: String { "\(rawValue)DestinationUpdate" }
    var descriptionShape: String { "\(rawValue)DestinationDescription" }

    /// The name AWS gives the destination in messages and in error output paths.
    var displayName: String {
        switch self {
        case .s3, .extendedS3: return "S3"
        case .redshift: return "Redshift"
        case .elasticsearch: return "Elasticsearch"
        case .openSearch: return "AmazonOpenSearchService"
        case .openSearchServerless: return "AmazonOpenSearchServerless"
        case .splunk: return "Splunk"
        case .httpEndpoint: return "HttpEndpoint"
        case .snowflake: return "Snowflake"
        case .iceberg: return "Iceberg"
        }
    }
}
