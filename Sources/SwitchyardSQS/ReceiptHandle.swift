import SwitchyardWire

/// What a receipt handle identifies: one receive of one message of one queue.
///
/// The handle is the hex text of `queueId:seq:token`: opaque to clients, URL-safe, and cheap to
/// make and read on every receive and delete.
struct ReceiptHandle: Equatable {
    var queueId: Int64
    var seq: Int64
    var token: String

    var encoded: String { Hex.encode("\(queueId):\(seq):\(token)".utf8) }

    init(queueId: Int64, seq: Int64, token: String) {
        self.queueId = queueId
        self.seq = seq
        self.token = token
    }

    init?(_ text: String) {
        let hex = Array(text.utf8)
        guard hex.count % 2 == 0, hex.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = Self.nibble(hex[index]), let low = Self.nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        let parts = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 3, let queueId = Int64(String(decoding: parts[0], as: UTF8.self)),
            let seq = Int64(String(decoding: parts[1], as: UTF8.self)), !parts[2].isEmpty
        else { return nil }
        self.init(queueId: queueId, seq: seq, token: String(decoding: parts[2], as: UTF8.self))
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
