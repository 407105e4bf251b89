import Foundation

/// Writes JSON text into a byte buffer; used by every JSON-speaking protocol.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends text that is already JSON (a number as another library prints it).
    public mutating func verbatim(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { buffer in
            // Copy runs that need no escaping in bulk.
            var runStart = 0
            for index in 0..<buffer.count {
                let byte = buffer[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
                escape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<buffer.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            bytes.append(contentsOf: Array("\\u00".utf8))
            bytes.append(Hex.digit(byte >> 4))
            bytes.append(Hex.digit(byte & 0xF))
        }
    }

    public mutating func integer(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    public mutating func double(_ value: Double) {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Writes a value of `shape` as AWS JSON protocols do (blobs base64, timestamps in epoch seconds,
    /// non-finite numbers as strings); with `jsonNames`, members under their `locationName`s.
    public mutating func value(_ value: AWSValue, shape: Shape, model: ServiceModel, jsonNames: Bool = false) {
        switch value {
        case .structure(let members):
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for ref in shape.members {
                guard let member = members[ref.name] else { continue }
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                string(jsonNames ? ref.locationName ?? ref.name : ref.name)
                bytes.append(UInt8(ascii: ":"))
                self.value(member, shape: model[ref.target], model: model, jsonNames: jsonNames)
            }
            bytes.append(UInt8(ascii: "}"))
        case .list(let items):
            bytes.append(UInt8(ascii: "["))
            let element = shape.member.map { model[$0.target] } ?? shape
            for (position, item) in items.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(item, shape: element, model: model, jsonNames: jsonNames)
            }
            bytes.append(UInt8(ascii: "]"))
        case .map(let entries):
            bytes.append(UInt8(ascii: "{"))
            let valueShape = shape.value.map { model[$0.target] } ?? shape
            for (position, key) in entries.keys.sorted().enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                if let entry = entries[key] { self.value(entry, shape: valueShape, model: model, jsonNames: jsonNames) }
            }
            bytes.append(UInt8(ascii: "}"))
        case .string(let text): string(text)
        case .integer(let number): integer(number)
        case .double(let number):
            if number.isFinite {
                double(number)
            } else {
                string(number.isNaN ? "NaN" : number < 0 ? "-Infinity" : "Infinity")
            }
        case .boolean(let flag): raw(flag ? "true" : "false")
        case .blob(let data): string(data.base64EncodedString())
        case .timestamp(let date): double(date.timeIntervalSince1970)
        case .document(let document): json(document)
        // Streams are whole bodies, which the codecs write themselves; none is ever nested in JSON.
        case .stream, .events: raw("null")
        }
    }

    /// Writes a parsed JSON document back as compact JSON text.
    public mutating func json(_ document: JSONValue) {
        switch document {
        case .null: raw("null")
        case .bool(let flag): raw(flag ? "true" : "false")
        case .integer(let number): integer(number)
        case .number(let number): double(number)
        case .string(let text): string(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                json(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (position, key) in members.keys.sorted().enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                if let member = members[key] { json(member) }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
