import Foundation
import SwitchyardModels
import SwitchyardWire

/// Replication configurations: checked as S3 checks them (a versioned source, versioned destination
/// buckets, at least one rule), stored with an id for each rule, and applied to new objects by the
/// engine (`S3Engine+Replication`).
extension S3Service {
    public func putBucketReplication(_ input: S3.PutBucketReplicationRequest, context: RequestContext) async throws {
        let bucket = try await engine.bucket(input.bucket)
        guard bucket.versioning == "Enabled" else {
            throw AWSError(
                "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
        }
        var configuration = input.replicationConfiguration
        guard !configuration.rules.isEmpty else { throw S3Errors.malformedXML() }
        for index in configuration.rules.indices {
            let destination = configuration.rules[index].destination.bucket
            let target = ReplicationRules.bucketName(ofDestination: destination)
            guard let target, (try? await engine.bucket(target))?.versioning == "Enabled" else {
                throw AWSError("InvalidRequest", "Destination bucket must have versioning enabled.")
            }
            if configuration.rules[index].id == nil { configuration.rules[index].id = Self.newRuleId() }
        }
        try await store(configuration, as: .replication, bucket: input.bucket)
    }

    public func getBucketReplication(_ input: S3.GetBucketReplicationRequest, context: RequestContext) async throws
        -> S3.GetBucketReplicationOutput
    {
        S3.GetBucketReplicationOutput(
            replicationConfiguration: try await required(
                S3.ReplicationConfiguration.self, .replication, bucket: input.bucket))
    }

    public func deleteBucketReplication(_ input: S3.DeleteBucketReplicationRequest, context: RequestContext)
        async throws
    {
        try await store(S3.ReplicationConfiguration?.none, as: .replication, bucket: input.bucket)
    }

    /// An id for a rule given none: 48 characters of base64, as S3's look.
    static func newRuleId() -> String {
        Data((0..<36).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }
}
