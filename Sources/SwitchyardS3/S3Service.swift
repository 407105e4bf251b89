import Crypto
import Foundation
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// S3's operations on the engine: what the request asks, checked as S3 checks it, answered in the
/// model's shapes. Operations it does not provide answer NotImplemented, naming themselves.
public struct S3Service: S3API {
    let engine: S3Engine
    let files: ObjectFiles
    let notifications: BucketNotifications?
    /// In strict mode, what form uploads' signatures are checked with.
    let signingSecrets: SigningSecrets?

    init(
        engine: S3Engine, files: ObjectFiles, notifications: BucketNotifications? = nil,
        signingSecrets: SigningSecrets? = nil
    ) {
        self.engine = engine
        self.files = files
        self.notifications = notifications
        self.signingSecrets = signingSecrets
    }

    /// The owner S3 reports for an account: its canonical user id (a hex digest, stable per account).
    static func owner(_ account: String) -> S3.Owner {
        S3.Owner(id: canonicalUserId(account))
    }

    /// Who started a multipart upload: unlike owners, initiators still carry a display name.
    static func initiator(_ account: String) -> S3.Initiator {
        S3.Initiator(id: canonicalUserId(account), displayName: "webfile")
    }

    static func canonicalUserId(_ account: String) -> String {
        Hex.encode(SHA256.hash(data: Array("switchyard-canonical-user-\(account)".utf8)))
    }

    /// Times S3 reports have whole seconds.
    static func now() -> Date { wholeSeconds(Date()) }

    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
