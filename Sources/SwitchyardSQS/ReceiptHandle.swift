import Foundation

/// What a receipt handle identifies: one receive of one message of one queue.
struct ReceiptHandle: Equatable {
    var queueId: Int64
    var seq: Int64
    var token: String

    /// An opaque, URL-safe string.
    var encoded: String {
        Data("\(queueId):\(seq):\(token)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    init(queueId: Int64, seq: Int64, token: String) {
        self.queueId = queueId
        self.seq = seq
        self.token = token
    }

    init?(_ text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = decoded.split(separator: ":")
        guard parts.count == 3, let queueId = Int64(parts[0]), let seq = Int64(parts[1]) else { return nil }
        self.init(queueId: queueId, seq: seq, token: String(parts[2]))
    }
}
