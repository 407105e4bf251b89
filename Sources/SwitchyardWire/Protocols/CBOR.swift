import Foundation

/// One decoded CBOR data item (RFC 8949), before the model gives it meaning.
public indirect enum CBORItem: Sendable, Equatable {
    case unsigned(UInt64)
    case negative(UInt64)  // the value is -1 - n
    case bytes([UInt8])
    case text(String)
    case array([CBORItem])
    case map([(CBORItem, CBORItem)])
    case tagged(UInt64, CBORItem)
    case bool(Bool)
    case null
    case undefined
    case float(Double)

    public static func == (lhs: CBORItem, rhs: CBORItem) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.text(let a), .text(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.tagged(let t, let a), .tagged(let u, let b)): return t == u && a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null), (.undefined, .undefined): return true
        case (.float(let a), .float(let b)): return a == b || (a.isNaN && b.isNaN)
        default: return false
        }
    }
}

/// Reads CBOR bytes: definite and indefinite lengths, half, single and double floats, tags.
public struct CBORReader {
    public struct Failure: Error, Sendable {
        public let reason: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private static let maximumDepth = 128

    /// Decodes exactly one data item that spans all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws -> CBORItem {
        var reader = CBORReader(bytes: bytes)
        let item = try reader.item(depth: 0)
        guard reader.position == bytes.count else { throw Failure(reason: "bytes after the data item") }
        return item
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Failure(reason: "the data ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else { throw Failure(reason: "the data ends early") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    private mutating func argument(_ info: UInt8) throws -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return UInt64(try byte())
        case 25, 26, 27:
            let width = 1 << (info - 24)
            return try take(width).reduce(0) { $0 << 8 | UInt64($1) }
        default: throw Failure(reason: "reserved additional information \(info)")
        }
    }

    private mutating func length(_ info: UInt8) throws -> Int {
        let value = try argument(info)
        guard value <= UInt64(bytes.count - position) else { throw Failure(reason: "a length beyond the data") }
        return Int(value)
    }

    private mutating func isBreak() -> Bool {
        if position < bytes.count, bytes[position] == 0xFF {
            position += 1
            return true
        }
        return false
    }

    private mutating func item(depth: Int) throws -> CBORItem {
        guard depth < Self.maximumDepth else { throw Failure(reason: "items nest too deeply") }
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1F
        switch major {
        case 0: return .unsigned(try argument(info))
        case 1: return .negative(try argument(info))
        case 2, 3:
            var content: [UInt8] = []
            if info == 31 {
                while !isBreak() {
                    let chunk = try byte()
                    guard chunk >> 5 == major, chunk & 0x1F != 31 else { throw Failure(reason: "bad string chunk") }
                    content += try take(try length(chunk & 0x1F))
                }
            } else {
                content = Array(try take(try length(info)))
            }
            if major == 2 { return .bytes(content) }
            guard let text = String(validating: content, as: UTF8.self) else {
                throw Failure(reason: "text is not UTF-8")
            }
            return .text(text)
        case 4:
            var items: [CBORItem] = []
            if info == 31 {
                while !isBreak() { items.append(try item(depth: depth + 1)) }
            } else {
                let count = try length(info)
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try item(depth: depth + 1)) }
            }
            return .array(items)
        case 5:
            var pairs: [(CBORItem, CBORItem)] = []
            if info == 31 {
                while !isBreak() { pairs.append((try item(depth: depth + 1), try item(depth: depth + 1))) }
            } else {
                let count = try length(info)
                for _ in 0..<count { pairs.append((try item(depth: depth + 1), try item(depth: depth + 1))) }
            }
            return .map(pairs)
        case 6: return .tagged(try argument(info), try item(depth: depth + 1))
        default:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 23: return .undefined
            case 25:
                let bits = UInt16(try argument(25))
                return .float(Double(Float16(bitPattern: bits)))
            case 26: return .float(Double(Float(bitPattern: UInt32(try argument(26)))))
            case 27: return .float(Double(bitPattern: try argument(27)))
            default: throw Failure(reason: "unsupported simple value \(info)")
            }
        }
    }
}

/// Writes CBOR with definite lengths and the shortest integer encodings.
public struct CBORWriter {
    public private(set) var bytes: [UInt8] = []
    /// Timestamps as tag 1 with integer epoch milliseconds, as Kinesis's CBOR has them, instead of
    /// seconds as a float (RPC v2 CBOR).
    public var millisecondTimestamps = false

    public init() {}

    mutating func head(_ major: UInt8, _ value: UInt64) {
        let type = major << 5
        switch value {
        case 0..<24: bytes.append(type | UInt8(value))
        case 24...0xFF: bytes += [type | 24, UInt8(value)]
        case 0x100...0xFFFF: bytes += [type | 25, UInt8(value >> 8), UInt8(value & 0xFF)]
        case 0x10000...0xFFFF_FFFF:
            bytes.append(type | 26)
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        default:
            bytes.append(type | 27)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        }
    }

    public mutating func text(_ value: String) {
        head(3, UInt64(value.utf8.count))
        bytes += value.utf8
    }

    public mutating func integer(_ value: Int) {
        if value >= 0 { head(0, UInt64(value)) } else { head(1, UInt64(-1 - value)) }
    }

    public mutating func double(_ value: Double) {
        bytes.append(0xFB)
        let bits = value.bitPattern
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
    }

    public mutating func mapHeader(count: Int) { head(5, UInt64(count)) }

    /// Writes a value of `shape`: structures as maps keyed by member name, timestamps as tag 1 with
    /// epoch seconds, blobs as byte strings.
    public mutating func value(_ value: AWSValue, shape: Shape, model: ServiceModel) {
        switch value {
        case .structure(let members):
            let present = shape.members.filter { members[$0.name] != nil }
            head(5, UInt64(present.count))
            for ref in present {
                text(ref.name)
                if let member = members[ref.name] { self.value(member, shape: model[ref.target], model: model) }
            }
        case .list(let items):
            head(4, UInt64(items.count))
            let element = shape.member.map { model[$0.target] } ?? shape
            for item in items { self.value(item, shape: element, model: model) }
        case .map(let entries):
            head(5, UInt64(entries.count))
            let valueShape = shape.value.map { model[$0.target] } ?? shape
            for key in entries.keys.sorted() {
                text(key)
                if let entry = entries[key] { self.value(entry, shape: valueShape, model: model) }
            }
        case .string(let string): text(string)
        case .integer(let number): integer(number)
        case .double(let number): double(number)
        case .boolean(let flag): bytes.append(flag ? 0xF5 : 0xF4)
        case .blob(let data):
            head(2, UInt64(data.count))
            bytes += data
        case .timestamp(let date):
            head(6, 1)
            if millisecondTimestamps {
                integer(Int((date.timeIntervalSince1970 * 1000).rounded()))
            } else {
                double(date.timeIntervalSince1970)
            }
        case .document(let document): json(document)
        // Streams are whole bodies, which the codecs write themselves; none is ever nested in CBOR.
        case .stream, .events: bytes.append(0xF6)
        }
    }

    private mutating func json(_ document: JSONValue) {
        switch document {
        case .null: bytes.append(0xF6)
        case .bool(let flag): bytes.append(flag ? 0xF5 : 0xF4)
        case .integer(let number): integer(number)
        case .number(let number): double(number)
        case .string(let string): text(string)
        case .array(let items):
            head(4, UInt64(items.count))
            for item in items { json(item) }
        case .object(let members):
            head(5, UInt64(members.count))
            for key in members.keys.sorted() {
                text(key)
                if let member = members[key] { json(member) }
            }
        }
    }
}

/// CBOR items read as values of model shapes.
enum CBORShapeReader {
    static func value(
        _ item: CBORItem, shape index: Int, model: ServiceModel, path: String, millis: Bool = false
    ) throws -> AWSValue? {
        let shape = model[index]
        func mismatch() -> AWSError {
            AWSError.serialization(
                "Unexpected CBOR type for \(path.isEmpty ? shape.name : path) (\(shape.kind.rawValue) expected).")
        }
        if case .null = item { return nil }
        if case .undefined = item { return nil }
        switch shape.kind {
        case .structure:
            guard case .map(let pairs) = item else { throw mismatch() }
            var members = AWSStructure(minimumCapacity: shape.members.count)
            for (key, value) in pairs {
                guard case .text(let name) = key, let ref = shape.member(named: name) else { continue }
                let memberPath = path.isEmpty ? name : "\(path).\(name)"
                if let member = try self.value(value, shape: ref.target, model: model, path: memberPath, millis: millis)
                {
                    members[name] = member
                }
            }
            return .structure(members)
        case .list:
            guard case .array(let items) = item, let element = shape.member else { throw mismatch() }
            return .list(
                try items.compactMap { try value($0, shape: element.target, model: model, path: path, millis: millis) })
        case .map:
            guard case .map(let pairs) = item, let valueRef = shape.value else { throw mismatch() }
            var entries: [String: AWSValue] = [:]
            for (key, value) in pairs {
                guard case .text(let name) = key else { throw mismatch() }
                if let entry = try self.value(
                    value, shape: valueRef.target, model: model, path: "\(path).\(name)", millis: millis)
                {
                    entries[name] = entry
                }
            }
            return .map(entries)
        case .string:
            guard case .text(let text) = item else { throw mismatch() }
            return .string(text)
        case .integer, .long:
            switch item {
            case .unsigned(let number) where number <= UInt64(Int.max): return .integer(Int(number))
            case .negative(let number) where number < UInt64(Int.max): return .integer(-1 - Int(number))
            case .float(let number) where number == number.rounded() && abs(number) < 9e18: return .integer(Int(number))
            default: throw mismatch()
            }
        case .double, .float:
            guard let number = number(item) else { throw mismatch() }
            return .double(number)
        case .boolean:
            guard case .bool(let flag) = item else { throw mismatch() }
            return .boolean(flag)
        case .blob:
            switch item {
            case .bytes(let bytes): return .blob(Data(bytes))
            case .text(let text): return .blob(Data(text.utf8))
            default: throw mismatch()
            }
        case .timestamp:
            var inner = item
            if case .tagged(1, let tagged) = item { inner = tagged }
            guard let number = number(inner) else { throw mismatch() }
            // Kinesis's CBOR carries epoch milliseconds under tag 1 (the SDKs' convention, not RFC 8949's).
            guard let date = Timestamps.date(epochSeconds: millis ? number / 1000 : number) else { throw mismatch() }
            return .timestamp(date)
        case .document:
            return .document(json(item))
        }
    }

    private static func number(_ item: CBORItem) -> Double? {
        switch item {
        case .unsigned(let number): return Double(number)
        case .negative(let number): return -1 - Double(number)
        case .float(let number): return number
        default: return nil
        }
    }

    private static func json(_ item: CBORItem) -> JSONValue {
        switch item {
        case .unsigned(let number): return number <= UInt64(Int.max) ? .integer(Int(number)) : .number(Double(number))
        case .negative(let number):
            return number < UInt64(Int.max) ? .integer(-1 - Int(number)) : .number(-1 - Double(number))
        case .bytes(let bytes): return .string(Data(bytes).base64EncodedString())
        case .text(let text): return .string(text)
        case .array(let items): return .array(items.map(json))
        case .map(let pairs):
            var object: [String: JSONValue] = [:]
            for (key, value) in pairs { if case .text(let name) = key { object[name] = json(value) } }
            return .object(object)
        case .tagged(_, let inner): return json(inner)
        case .bool(let flag): return .bool(flag)
        case .null, .undefined: return .null
        case .float(let number): return .number(number)
        }
    }

    /// Reads a whole body as the input structure at `index`; an empty body is an empty structure.
    static func input(_ body: [UInt8], shape index: Int, model: ServiceModel, millis: Bool = false) throws -> AWSValue {
        guard !body.isEmpty else { return .structure([:]) }
        let item: CBORItem
        do {
            item = try CBORReader.decode(body)
        } catch let failure as CBORReader.Failure {
            throw AWSError.serialization("Could not parse the request body as CBOR: \(failure.reason).")
        }
        guard case .map = item else { throw AWSError.serialization("The request body must be a CBOR map.") }
        return try value(item, shape: index, model: model, path: "", millis: millis) ?? .structure([:])
    }
}
