import Foundation

extension S3Engine {
    /// Applies lifecycle configurations now: current versions past their expiration are deleted
    /// (a delete marker in a versioned bucket), noncurrent versions past their noncurrent days and
    /// delete markers left alone are removed, and unfinished uploads past their days are aborted.
    /// Returns how many versions and uploads it removed or marked.
    @discardableResult
    func applyLifecycle(now: Date = Date()) async throws -> Int {
        var changes: [S3Change] = []
        var removedBlobs: [String] = []
        for (name, bucket) in buckets {
            guard let rules = LifecycleRules(bucket: bucket), var bucketContents = contents[name] else { continue }
            for key in bucketContents.keys {
                let history = bucketContents.history(of: key)
                guard let current = history.first else { continue }
                if !current.isDeleteMarker, let expiry = rules.expiration(of: current), expiry.date <= now {
                    if let versioning = bucket.versioning {
                        sequence += 1
                        let marker = ObjectVersionRecord(
                            bucket: name, key: key, versionId: versioning == "Enabled" ? VersionIds.make() : "null",
                            isDeleteMarker: true, lastModified: S3Service.now(), size: 0, etag: "", blob: nil,
                            owner: bucket.account, sequence: sequence)
                        if let replaced = bucketContents.put(marker), let blob = replaced.blob {
                            removedBlobs.append(blob)
                        }
                        changes.append(.putVersion(marker))
                    } else if let removed = bucketContents.remove(key: key, versionId: current.versionId) {
                        changes.append(.deleteVersion(removed))
                        if let blob = removed.blob { removedBlobs.append(blob) }
                    }
                    continue
                }
                // A version became noncurrent when the next newer one was made.
                let versions = bucketContents.history(of: key)
                for (index, version) in versions.enumerated() where index > 0 {
                    guard let days = rules.noncurrentDays(of: version) else { continue }
                    let noncurrentSince = versions[index - 1].lastModified
                    if noncurrentSince.addingTimeInterval(Double(days) * 86_400) <= now,
                        let removed = bucketContents.remove(key: key, versionId: version.versionId)
                    {
                        changes.append(.deleteVersion(removed))
                        if let blob = removed.blob { removedBlobs.append(blob) }
                    }
                }
                let remaining = bucketContents.history(of: key)
                if remaining.count == 1, let only = remaining.first, only.isDeleteMarker,
                    rules.removesExpiredDeleteMarkers(key),
                    let removed = bucketContents.remove(key: key, versionId: only.versionId)
                {
                    changes.append(.deleteVersion(removed))
                }
            }
            contents[name] = bucketContents
            for upload in uploads.values where upload.bucket == name {
                guard let days = rules.abortDays(for: upload.key),
                    upload.initiated.addingTimeInterval(Double(days) * 86_400) <= now
                else { continue }
                uploads[upload.uploadId] = nil
                changes.append(.deleteUpload(uploadId: upload.uploadId))
                removedBlobs += upload.parts.values.map(\.blob)
            }
        }
        guard !changes.isEmpty else { return 0 }
        try await commit(changes)
        files.remove(removedBlobs)
        return changes.count
    }

    /// Applies lifecycle rules every `interval` until cancelled.
    func runLifecycle(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            _ = try? await applyLifecycle()
        }
    }
}
