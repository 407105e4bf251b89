import Foundation
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

/// Writes deliveries as objects (Lambda's S3 on-failure destinations, Firehose's objects): the
/// target's resource is the bucket's ARN, the `Key` metadata names the object, `ContentType`,
/// `ContentEncoding`, `ServerSideEncryption` and `SSEKMSKeyId` set those headers. The write is a PutObject of the
/// bucket's owner, so notifications, versioning and encryption apply as to any other; it returns
/// once the object is stored.
struct S3ObjectDeliveryTransport: DeliveryTransport {
    static let kind = DeliveryTargetKind.s3Object
    let service: S3Service

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        let bucketName =
            request.target.resource.hasPrefix("arn:aws:s3:::")
            ? String(request.target.resource.dropFirst("arn:aws:s3:::".count)) : request.target.resource
        guard let key = request.metadata?["Key"], !key.isEmpty else {
            return .failed(reason: "no object key for \(request.target.resource)")
        }
        do {
            let bucket = try await service.engine.bucket(bucketName)
            _ = try await service.putObject(
                S3.PutObjectRequest(
                    body: ByteStream(bytes: request.body.bytes), bucket: bucketName,
                    contentEncoding: request.metadata?["ContentEncoding"],
                    contentType: request.metadata?["ContentType"], key: key,
                    serverSideEncryption: request.metadata?["ServerSideEncryption"],
                    ssekmsKeyId: request.metadata?["SSEKMSKeyId"]),
                context: RequestContext(account: bucket.account, region: bucket.region, host: "localhost"))
            return .delivered
        } catch let error as AWSError {
            return .retry(reason: error.message ?? error.code)
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
