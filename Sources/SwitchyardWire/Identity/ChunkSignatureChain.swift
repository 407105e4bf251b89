import Crypto
import Foundation

/// The signatures of a SigV4 streaming upload (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`): every
/// aws-chunked chunk, the final empty one and the trailing headers are each signed with the request's
/// signing key, chained through the previous signature (the first chunk's "previous" is the request's
/// own signature), so no chunk can be altered, dropped or reordered.
public struct ChunkSignatureChain: Sendable {
    private let key: [UInt8]
    private let amzDate: String
    private let scope: String
    /// The signature the next chunk's is chained to.
    public private(set) var previous: String

    static let emptyHash = Hex.encode(SHA256.hash(data: [UInt8]()))

    /// A chain for a request whose own signature is `seed`.
    public init(signingKey: SymmetricKey, amzDate: String, scope: String, seed: String) {
        key = signingKey.withUnsafeBytes { Array($0) }
        self.amzDate = amzDate
        self.scope = scope
        previous = seed
    }

    /// Checks a chunk's signature given the SHA-256 of its bytes, and advances the chain.
    public mutating func accept(chunkHash: String, signature: String) -> Bool {
        check(
            ["AWS4-HMAC-SHA256-PAYLOAD", amzDate, scope, previous, Self.emptyHash, chunkHash], signature: signature)
    }

    /// Checks the trailing headers' signature; `canonicalTrailers` is each trailer as `name:value\n`.
    public mutating func accept(canonicalTrailers: String, signature: String) -> Bool {
        let hash = Hex.encode(SHA256.hash(data: Array(canonicalTrailers.utf8)))
        return check(["AWS4-HMAC-SHA256-TRAILER", amzDate, scope, previous, hash], signature: signature)
    }

    private mutating func check(_ lines: [String], signature: String) -> Bool {
        let stringToSign = lines.joined(separator: "\n")
        let expected = Hex.encode(
            HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: SymmetricKey(data: key)))
        guard expected == signature.lowercased() else { return false }
        previous = expected
        return true
    }
}
