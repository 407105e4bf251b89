import Foundation
import SwitchyardModels
import SwitchyardWire

/// Replication of new objects to the bucket a replication rule names. It happens before the write
/// that made the object is answered: the source version is recorded PENDING, the replica (the same
/// version id, bytes, metadata and tags; the rule's storage class) is written to the destination as
/// REPLICA, and the source becomes COMPLETED, or FAILED when the destination cannot take it. After a
/// crash between the two writes the source stays PENDING: nothing retries it. Delete markers follow
/// when the rule says so.
extension S3Engine {
    /// A bucket's replication rules, when it has a replication configuration.
    func replicationRules(of bucket: String) -> ReplicationRules? {
        guard let text = buckets[bucket]?.configurations[BucketConfiguration.replication.rawValue],
            let configuration = try? StoredShape.read(S3.ReplicationConfiguration.self, text)
        else { return nil }
        return ReplicationRules(configuration: configuration)
    }

    /// The rule that replicates a version, when its bucket has a replication configuration.
    func replicationRule(for version: ObjectVersionRecord) -> S3.ReplicationRule? {
        guard !version.isDeleteMarker, version.replicationStatus != "REPLICA" else { return nil }
        return replicationRules(of: version.bucket)?.rule(forKey: version.key, tags: version.tags)
    }

    /// Makes a delete marker in the destination too, with the same version id, when the rule that
    /// selects its key replicates delete markers. Rules that filter by tag do not (S3 does not
    /// replicate delete markers for them), nor do lifecycle expirations, which do not come here.
    func replicateDeleteMarker(_ marker: ObjectVersionRecord) async {
        guard let rule = replicationRules(of: marker.bucket)?.rule(forKey: marker.key, tags: [:]),
            rule.deleteMarkerReplication?.status == "Enabled",
            let target = ReplicationRules.bucketName(ofDestination: rule.destination.bucket),
            buckets[target]?.versioning == "Enabled"
        else { return }
        var replica = marker
        replica.bucket = target
        replica.replicationStatus = "REPLICA"
        replica.sequence = nextSequence()
        _ = contents[target, default: BucketContents()].put(replica)
        do {
            try await commit([.putVersion(replica)])
        } catch {
            _ = contents[target]?.remove(key: replica.key, versionId: replica.versionId)
        }
    }

    /// Writes the replica of a stored PENDING version and records how it went on the source.
    func replicate(_ source: ObjectVersionRecord, rule: S3.ReplicationRule) async -> ObjectVersionRecord {
        var status = "FAILED"
        if let target = ReplicationRules.bucketName(ofDestination: rule.destination.bucket),
            buckets[target]?.versioning == "Enabled", let blob = source.blob,
            let copied = try? await files.copy(blob, range: nil, checksum: nil)
        {
            var replica = source
            replica.bucket = target
            replica.blob = copied.blob
            replica.replicationStatus = "REPLICA"
            replica.storageClass = rule.destination.storageClass ?? source.storageClass
            replica.sequence = nextSequence()
            let replaced = contents[target, default: BucketContents()].put(replica)
            do {
                try await commit([.putVersion(replica)])
                status = "COMPLETED"
                if let old = replaced?.blob, old != copied.blob { files.remove([old]) }
            } catch {
                _ = contents[target]?.remove(key: replica.key, versionId: replica.versionId)
                files.remove([copied.blob])
            }
        }
        var updated = source
        updated.replicationStatus = status
        // The source may have been deleted or replaced while its bytes were copied.
        guard
            contents[source.bucket]?.history(of: source.key).contains(where: { $0.versionId == source.versionId })
                == true
        else { return updated }
        contents[source.bucket]?.replace(updated)
        try? await commit([.putVersion(updated)])
        return updated
    }
}
