import Foundation

extension JSONReader {
    /// Reads the next JSON value straight into a value of the model shape at `index`, without an
    /// intermediate JSON tree; members the shape does not know are read and dropped. Returns nil for
    /// JSON null (an absent member). Throws `Failure` for malformed JSON and `AWSError`
    /// (SerializationException) for JSON of the wrong type. `path` names the value in error messages; it
    /// is only built when one is thrown.
    ///
    /// With `jsonNames`, members are keyed by their `locationName` where they have one (restJson1's
    /// jsonName trait); awsJson keys them by member name.
    mutating func awsValue(
        shape index: Int, model: ServiceModel, depth: Int, jsonNames: Bool = false, path: () -> String
    ) throws -> AWSValue? {
        guard depth < 256 else { throw Failure() }
        skipWhitespace()
        guard position < bytes.count else { throw Failure() }
        let first = bytes[position]
        if first == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        let shape = model[index]
        if shape.kind == .document { return .document(try value(depth: depth)) }
        func mismatch() -> AWSError {
            let name = path()
            return AWSError.serialization(
                "Unexpected JSON type for \(name.isEmpty ? shape.name : name) (\(shape.kind.rawValue) expected).")
        }
        switch shape.kind {
        case .structure:
            guard first == UInt8(ascii: "{") else { throw mismatch() }
            var members = AWSStructure(minimumCapacity: shape.members.count)
            try readObject { reader, key in
                if let ref = jsonNames ? shape.member(jsonKey: key) : shape.member(named: key) {
                    if let value = try reader.awsValue(
                        shape: ref.target, model: model, depth: depth + 1, jsonNames: jsonNames,
                        path: {
                            let parent = path()
                            return parent.isEmpty ? key : "\(parent).\(key)"
                        })
                    {
                        members[ref.name] = value
                    }
                } else {
                    _ = try reader.value(depth: depth + 1)
                }
            }
            return .structure(members)
        case .list:
            guard first == UInt8(ascii: "["), let element = shape.member else { throw mismatch() }
            var items: [AWSValue] = []
            try readArray { reader in
                if let item = try reader.awsValue(
                    shape: element.target, model: model, depth: depth + 1, jsonNames: jsonNames, path: path)
                {
                    items.append(item)
                }
            }
            return .list(items)
        case .map:
            guard first == UInt8(ascii: "{"), let valueRef = shape.value else { throw mismatch() }
            var entries: [String: AWSValue] = [:]
            try readObject { reader, key in
                if let value = try reader.awsValue(
                    shape: valueRef.target, model: model, depth: depth + 1, jsonNames: jsonNames,
                    path: { "\(path()).\(key)" })
                {
                    entries[key] = value
                }
            }
            return .map(entries)
        case .string:
            guard first == UInt8(ascii: "\"") else { throw mismatch() }
            return .string(try string())
        case .integer, .long:
            guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
                throw mismatch()
            }
            switch try number() {
            case .integer(let number): return .integer(number)
            case .number(let number) where number == number.rounded() && abs(number) < 9e18:
                return .integer(Int(number))
            default: throw mismatch()
            }
        case .double, .float:
            if first == UInt8(ascii: "\"") {
                // Non-finite numbers travel as strings.
                switch try string() {
                case "NaN": return .double(.nan)
                case "Infinity": return .double(.infinity)
                case "-Infinity": return .double(-.infinity)
                default: throw mismatch()
                }
            }
            guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
                throw mismatch()
            }
            switch try number() {
            case .integer(let number): return .double(Double(number))
            case .number(let number): return .double(number)
            default: throw mismatch()
            }
        case .boolean:
            if first == UInt8(ascii: "t") {
                try literal("true")
                return .boolean(true)
            }
            guard first == UInt8(ascii: "f") else { throw mismatch() }
            try literal("false")
            return .boolean(false)
        case .blob:
            guard first == UInt8(ascii: "\"") else { throw mismatch() }
            guard let data = Data(base64Encoded: try string()) else {
                throw AWSError.serialization("Invalid base64 value for \(path()).")
            }
            return .blob(data)
        case .timestamp:
            if first == UInt8(ascii: "\"") {
                guard let date = Timestamps.parse(try string()) else { throw mismatch() }
                return .timestamp(date)
            }
            guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
                throw mismatch()
            }
            let seconds: Double
            switch try number() {
            case .integer(let whole): seconds = Double(whole)
            case .number(let fraction): seconds = fraction
            default: throw mismatch()
            }
            guard let date = Timestamps.date(epochSeconds: seconds) else { throw mismatch() }
            return .timestamp(date)
        case .document: return .document(try value(depth: depth))
        }
    }
}

/// A value of a model shape written as awsJson writes it and read back: how a service stores a
/// structure it answers later exactly as it was given (an EventBridge target's parameters).
public enum ShapeJSON {
    public static func write(_ value: AWSValue, shape index: Int, model: ServiceModel) -> String {
        var writer = JSONWriter()
        writer.value(value, shape: model[index], model: model)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    public static func read(_ text: String, shape index: Int, model: ServiceModel) throws -> AWSValue? {
        try JSONReader.readWhole(Array(text.utf8)) { reader in
            try reader.awsValue(shape: index, model: model, depth: 0, path: { "" })
        }
    }

    /// The JSON of a generated shape, the way services store configurations (the type's name is
    /// its shape's name in the model).
    public static func write<Value: AWSValueConvertible>(_ value: Value, model: ServiceModel) -> String {
        guard let index = model.shapeIndex[String(describing: Value.self)] else { return "{}" }
        return write(value.awsValue, shape: index, model: model)
    }

    /// A generated shape read back from its stored JSON, or nil when it cannot be.
    public static func read<Value: AWSValueConvertible>(_ type: Value.Type, _ text: String, model: ServiceModel)
        throws -> Value?
    {
        guard let index = model.shapeIndex[String(describing: Value.self)],
            let value = try read(text, shape: index, model: model)
        else { return nil }
        return try Value(awsValue: value)
    }
}
