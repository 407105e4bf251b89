import Crypto
import Foundation
import SwitchyardWire

/// Server-side encryption with customer-provided keys (SSE-C): the algorithm, the key and its MD5
/// come with every write and read of such an object. Switchyard keeps the key's MD5 only (as S3
/// does) and checks later requests against it; the bytes are stored as they are.
struct CustomerKey: Equatable {
    /// The base64 MD5 of the key, as S3 reports it.
    var md5: String

    /// The key a request gives, checked as S3 checks it; nil when it gives none.
    static func given(algorithm: String?, key: String?, md5: String?, serverSideEncryption: String? = nil) throws
        -> CustomerKey?
    {
        guard algorithm != nil || key != nil || md5 != nil else { return nil }
        let header = "x-amz-server-side-encryption"
        if let serverSideEncryption {
            throw S3Errors.invalidArgument(
                "Server Side Encryption with Customer provided key is incompatible with the encryption method specified",
                name: header, value: serverSideEncryption)
        }
        guard let algorithm else {
            throw S3Errors.invalidArgument(
                "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.",
                name: header)
        }
        guard algorithm == "AES256" else {
            throw AWSError(
                "InvalidEncryptionAlgorithmError",
                "The Encryption request you specified is not valid. Supported value: AES256."
            ).with("ArgumentName", header).with("ArgumentValue", algorithm)
        }
        guard let key else {
            throw S3Errors.invalidArgument(
                "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.",
                name: header)
        }
        guard let bytes = Data(base64Encoded: key), bytes.count == 32 else {
            throw S3Errors.invalidArgument("The secret key was invalid for the specified algorithm.", name: header)
        }
        let computed = Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
        if let md5, md5 != computed {
            throw S3Errors.invalidArgument(
                "The calculated MD5 hash of the key did not match the hash that was provided.", name: header)
        }
        return CustomerKey(md5: computed)
    }

    /// Checks that a read of an object stored with `stored` gives the same key.
    static func checkRead(stored: String?, algorithm: String?, key: String?, md5: String?) throws {
        guard let stored else { return }
        guard algorithm != nil || key != nil else {
            throw AWSError(
                "InvalidRequest",
                "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object."
            )
        }
        let given: CustomerKey?
        do {
            given = try Self.given(algorithm: algorithm, key: key, md5: md5)
        } catch let error as AWSError where error.code == "InvalidArgument" {
            throw wrongKey
        }
        guard given?.md5 == stored else { throw wrongKey }
    }

    static let wrongKey = AWSError(
        "AccessDenied",
        "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.",
        httpStatus: 403)
}
