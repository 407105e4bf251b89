import Foundation
import SwitchyardModels
import SwitchyardWire

/// Restoring archived objects (GLACIER, DEEP_ARCHIVE): RestoreObject makes a readable copy for the
/// days it names. AWS takes minutes to hours; here the copy is ready at once, so the restore is
/// started (202, `s3:ObjectRestore:Post`) and completed (`s3:ObjectRestore:Completed`) by one request.
extension S3Service {
    public func restoreObject(_ input: S3.RestoreObjectRequest, context: RequestContext) async throws
        -> S3.RestoreObjectOutput
    {
        let version = try await engine.version(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "POST")
        let request = input.restoreRequest
        if request?.type == "SELECT" {
            throw AWSError.notImplemented("S3", "RestoreObject of type SELECT")
        }
        guard Self.archiveClasses.contains(version.storageClass) else {
            throw AWSError(
                "InvalidObjectState", "Restore is not allowed for the object's current storage class", httpStatus: 403)
        }
        guard let days = request?.days, days > 0 else { throw S3Errors.malformedXML() }
        let expiry = Self.restoreExpiry(days: days, from: Date())
        let alreadyRestored = version.restoreExpiry.map { $0 > Date() } ?? false
        let restored = try await engine.updateVersion(
            bucket: input.bucket, key: input.key, versionId: input.versionId, method: "POST"
        ) { record in record.restoreExpiry = expiry }
        var output = S3.RestoreObjectOutput()
        if alreadyRestored {
            output.statusCode = 200
            return output
        }
        await notifications?.objectRestore(restored, completed: false, context: context)
        await notifications?.objectRestore(restored, completed: true, context: context)
        output.statusCode = 202
        return output
    }

    /// The storage classes whose objects must be restored before they are read.
    static let archiveClasses: Set = ["GLACIER", "DEEP_ARCHIVE"]

    /// Whether an object's bytes can be read now: not archived, or restored and not yet expired.
    static func isReadable(_ version: ObjectVersionRecord) -> Bool {
        guard archiveClasses.contains(version.storageClass) else { return true }
        return version.restoreExpiry.map { $0 > Date() } ?? false
    }

    /// When a restored copy expires: the days after the restore, at the following midnight UTC (S3
    /// rounds expiry dates to midnight).
    static func restoreExpiry(days: Int, from now: Date) -> Date {
        let end = now.addingTimeInterval(Double(days) * 86_400)
        let day = 86_400.0
        return Date(timeIntervalSince1970: (end.timeIntervalSince1970 / day).rounded(.up) * day)
    }

    /// The `x-amz-restore` header of a restored object.
    static func restoreHeader(_ version: ObjectVersionRecord) -> String? {
        guard archiveClasses.contains(version.storageClass), let expiry = version.restoreExpiry else { return nil }
        return "ongoing-request=\"false\", expiry-date=\"\(Timestamps.httpDate(expiry))\""
    }
}
