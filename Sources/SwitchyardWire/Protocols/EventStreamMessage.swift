/// One message of the `application/vnd.amazon.eventstream` framing that AWS uses for responses that
/// stream events (Kinesis SubscribeToShard, Lambda InvokeWithResponseStream, S3 SelectObjectContent):
/// a prelude (total length, headers length, CRC32 of those eight bytes), typed headers, the payload,
/// and a CRC32 of everything before it.
public struct EventStreamMessage: Sendable, Equatable {
    /// A header value, in the types the framing defines.
    public enum HeaderValue: Sendable, Equatable {
        case bool(Bool)
        case byte(Int8)
        case short(Int16)
        case integer(Int32)
        case long(Int64)
        case bytes([UInt8])
        case string(String)
        /// Milliseconds since the epoch.
        case timestamp(Int64)
        case uuid([UInt8])
    }

    public var headers: [(name: String, value: HeaderValue)]
    public var payload: [UInt8]

    public init(headers: [(name: String, value: HeaderValue)], payload: [UInt8]) {
        self.headers = headers
        self.payload = payload
    }

    public static func == (lhs: EventStreamMessage, rhs: EventStreamMessage) -> Bool {
        lhs.payload == rhs.payload && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// An event: `:message-type: event`, `:event-type` naming the event's member of the stream
    /// union, and the payload's content type.
    public static func event(_ type: String, payload: [UInt8], contentType: String = "application/json")
        -> EventStreamMessage
    {
        EventStreamMessage(
            headers: [
                (":message-type", .string("event")), (":event-type", .string(type)),
                (":content-type", .string(contentType)),
            ], payload: payload)
    }

    /// A modelled error of the stream (`:message-type: exception`).
    public static func exception(_ type: String, payload: [UInt8], contentType: String = "application/json")
        -> EventStreamMessage
    {
        EventStreamMessage(
            headers: [
                (":message-type", .string("exception")), (":exception-type", .string(type)),
                (":content-type", .string(contentType)),
            ], payload: payload)
    }

    /// An error the stream was not modelled for (`:message-type: error`).
    public static func error(code: String, message: String) -> EventStreamMessage {
        EventStreamMessage(
            headers: [
                (":message-type", .string("error")), (":error-code", .string(code)),
                (":error-message", .string(message)),
            ], payload: [])
    }

    /// The framed bytes.
    public var encoded: [UInt8] {
        var headerBytes: [UInt8] = []
        for (name, value) in headers {
            let nameBytes = Array(name.utf8.prefix(255))
            headerBytes.append(UInt8(nameBytes.count))
            headerBytes += nameBytes
            switch value {
            case .bool(let flag): headerBytes.append(flag ? 0 : 1)
            case .byte(let number):
                headerBytes += [2, UInt8(bitPattern: number)]
            case .short(let number):
                headerBytes.append(3)
                headerBytes += Self.bigEndian(UInt64(UInt16(bitPattern: number)), width: 2)
            case .integer(let number):
                headerBytes.append(4)
                headerBytes += Self.bigEndian(UInt64(UInt32(bitPattern: number)), width: 4)
            case .long(let number):
                headerBytes.append(5)
                headerBytes += Self.bigEndian(UInt64(bitPattern: number), width: 8)
            case .bytes(let bytes):
                headerBytes.append(6)
                headerBytes += Self.bigEndian(UInt64(bytes.count), width: 2) + bytes
            case .string(let text):
                let bytes = Array(text.utf8)
                headerBytes.append(7)
                headerBytes += Self.bigEndian(UInt64(bytes.count), width: 2) + bytes
            case .timestamp(let millis):
                headerBytes.append(8)
                headerBytes += Self.bigEndian(UInt64(bitPattern: millis), width: 8)
            case .uuid(let bytes):
                headerBytes.append(9)
                headerBytes += bytes.prefix(16) + [UInt8](repeating: 0, count: max(0, 16 - bytes.count))
            }
        }
        let total = 12 + headerBytes.count + payload.count + 4
        var message = Self.bigEndian(UInt64(total), width: 4) + Self.bigEndian(UInt64(headerBytes.count), width: 4)
        message += Self.bigEndian(UInt64(CRC32.checksum(message)), width: 4)
        message += headerBytes
        message += payload
        message += Self.bigEndian(UInt64(CRC32.checksum(message)), width: 4)
        return message
    }

    static func bigEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (width - 1 - $0))) }
    }
}

/// CRC-32 (ISO-HDLC, the zlib and Ethernet polynomial), as the event-stream framing uses it.
public enum CRC32 {
    /// Slicing-by-8 tables, one after the other: entry `k * 256 + b` is the CRC of byte `b`
    /// followed by `k` zero bytes.
    private static let flat: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            table[index] = value
        }
        for entry in 256..<(8 * 256) {
            let previous = table[entry - 256]
            table[entry] = table[Int(previous & 0xFF)] ^ (previous >> 8)
        }
        return table
    }()

    public static func checksum(_ bytes: some Sequence<UInt8>, continuing previous: UInt32 = 0) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({
            checksum(UnsafeRawBufferPointer($0), continuing: previous)
        }) {
            return crc
        }
        return checksum(Array(bytes), continuing: previous)
    }

    /// The CRC of contiguous bytes, eight at a time (the generic path costs a call per byte across
    /// modules; records and event-stream messages are megabytes).
    public static func checksum(_ buffer: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        var crc = ~previous
        flat.withUnsafeBufferPointer { table in
            var index = 0
            let count = buffer.count
            while index + 8 <= count {
                let low =
                    crc
                    ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                        | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                crc =
                    table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(buffer[index + 4])] ^ table[2 * 256 + Int(buffer[index + 5])]
                    ^ table[1 * 256 + Int(buffer[index + 6])] ^ table[Int(buffer[index + 7])]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return ~crc
    }
}
