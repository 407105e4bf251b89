import Crypto
import Foundation
import SwitchyardWire

/// A user's SSH public key (for CodeCommit): the key as uploaded, its MD5 fingerprint and status.
public struct SSHPublicKeyRecord: Codable, Sendable, Equatable {
    public var account: String
    public var userName: String
    /// `APKA...`, 21 characters.
    public var id: String
    public var body: String
    public var fingerprint: String
    public var active: Bool
    public var uploadedAt: Date
}

/// Reading an OpenSSH `ssh-rsa` public key, as IAM accepts them, and writing it as PEM.
enum SSHPublicKeyFormat {
    /// The key's blob (the base64 part of `ssh-rsa AAAA... comment`), if it is an RSA key.
    static func blob(_ body: String) -> [UInt8]? {
        let fields = body.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 2, fields[0] == "ssh-rsa", let data = Data(base64Encoded: String(fields[1])) else {
            return nil
        }
        let bytes = [UInt8](data)
        guard let parts = parts(bytes), parts.count == 3, parts[0] == Array("ssh-rsa".utf8) else { return nil }
        return bytes
    }

    /// The MD5 fingerprint of the blob, as colon-separated hex pairs.
    static func fingerprint(_ blob: [UInt8]) -> String {
        Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    /// The blob's length-prefixed fields: the key type, the exponent and the modulus.
    static func parts(_ blob: [UInt8]) -> [[UInt8]]? {
        var result: [[UInt8]] = []
        var index = 0
        while index < blob.count {
            guard index + 4 <= blob.count else { return nil }
            let length = blob[index..<index + 4].reduce(0) { $0 << 8 | Int($1) }
            index += 4
            guard length >= 0, index + length <= blob.count else { return nil }
            result.append(Array(blob[index..<index + length]))
            index += length
        }
        return result
    }

    /// The key as a PEM `PUBLIC KEY` (X.509 SubjectPublicKeyInfo of an RSA key).
    static func pem(_ blob: [UInt8]) -> String? {
        guard let fields = parts(blob), fields.count == 3 else { return nil }
        let rsaKey = der(0x30, der(0x02, fields[2]) + der(0x02, fields[1]))
        let algorithm = der(0x30, der(0x06, [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]) + [0x05, 0x00])
        let info = der(0x30, algorithm + der(0x03, [0x00] + rsaKey))
        let base64 = Data(info).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN PUBLIC KEY-----\n\(base64)\n-----END PUBLIC KEY-----\n"
    }

    /// One DER element: its tag, its length and its contents.
    static func der(_ tag: UInt8, _ contents: [UInt8]) -> [UInt8] {
        let count = contents.count
        if count < 0x80 { return [tag, UInt8(count)] + contents }
        var lengthBytes: [UInt8] = []
        var remaining = count
        while remaining > 0 {
            lengthBytes.insert(UInt8(remaining & 0xFF), at: 0)
            remaining >>= 8
        }
        return [tag, 0x80 | UInt8(lengthBytes.count)] + lengthBytes + contents
    }
}
