import SwitchyardModels
import SwitchyardWire

/// A model shape kept as JSON text (a bucket's CORS rules, lifecycle, website, ...): written and read
/// through the S3 model, so every configuration is stored exactly as the client gave it.
enum StoredShape {
    /// The JSON of a generated S3 shape (the type's name is its shape's name).
    static func write<Value: AWSValueConvertible>(_ value: Value) -> String {
        ShapeJSON.write(value, model: S3.model)
    }

    /// The shape read back, or nil when nothing is stored.
    static func read<Value: AWSValueConvertible>(_ type: Value.Type, _ text: String?) throws -> Value? {
        guard let text else { return nil }
        return try ShapeJSON.read(type, text, model: S3.model)
    }
}

/// The configurations a bucket keeps, by the key they are stored under, with the error S3 answers
/// when one is asked for and none is set.
enum BucketConfiguration: String {
    case cors
    case lifecycle
    case policy
    case encryption
    case ownershipControls
    case publicAccessBlock
    case website
    case notification
    case logging
    case accelerate
    case requestPayment
    case replication
    case objectLock
    case acl

    func missing(_ bucket: String) -> AWSError {
        let (code, message): (String, String)
        switch self {
        case .cors: (code, message) = ("NoSuchCORSConfiguration", "The CORS configuration does not exist")
        case .lifecycle:
            (code, message) = ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
        case .policy: (code, message) = ("NoSuchBucketPolicy", "The bucket policy does not exist")
        case .encryption:
            (code, message) = (
                "ServerSideEncryptionConfigurationNotFoundError",
                "The server side encryption configuration was not found"
            )
        case .ownershipControls:
            (code, message) = ("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
        case .publicAccessBlock:
            (code, message) = (
                "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"
            )
        case .website:
            (code, message) = (
                "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"
            )
        case .replication:
            (code, message) = ("ReplicationConfigurationNotFoundError", "The replication configuration was not found")
        case .objectLock:
            (code, message) = (
                "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"
            )
        case .notification, .logging, .accelerate, .requestPayment, .acl:
            (code, message) = ("NoSuchConfiguration", "The specified configuration does not exist.")
        }
        return S3Errors.noSuchConfiguration(code, message, bucket: bucket)
    }
}
