import Crypto
import Foundation
import SwitchyardWire

/// The MD5 digests SQS returns and SDKs verify.
public enum MessageDigest {
    public static func md5Hex(_ bytes: some DataProtocol) -> String {
        Hex.encode(Insecure.MD5.hash(data: bytes))
    }

    public static func md5OfBody(_ body: String) -> String { md5Hex(Array(body.utf8)) }

    /// MD5 over attributes sorted by name, each encoded as length-prefixed name, length-prefixed
    /// data type, a transport byte (1 string, 2 binary) and the length-prefixed value.
    public static func md5OfAttributes(_ attributes: [String: MessageAttribute]) -> String? {
        guard !attributes.isEmpty else { return nil }
        var buffer: [UInt8] = []
        func appendLengthPrefixed(_ bytes: some Collection<UInt8>) {
            let length = UInt32(bytes.count)
            buffer.append(contentsOf: [
                UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
            ])
            buffer.append(contentsOf: bytes)
        }
        for name in attributes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard let attribute = attributes[name] else { continue }
            appendLengthPrefixed(Array(name.utf8))
            appendLengthPrefixed(Array(attribute.dataType.utf8))
            if let binary = attribute.binaryValue {
                buffer.append(2)
                appendLengthPrefixed(binary)
            } else {
                buffer.append(1)
                appendLengthPrefixed(Array((attribute.stringValue ?? "").utf8))
            }
        }
        return md5Hex(buffer)
    }
}
