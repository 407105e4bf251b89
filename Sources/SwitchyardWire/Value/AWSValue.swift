import Foundation

/// A protocol-neutral value of a model shape: what parsers produce and serializers consume.
///
/// Services never see wire formats; the generated types convert to and from this tree.
public enum AWSValue: Sendable, Equatable {
    case structure(AWSStructure)
    case list([AWSValue])
    case map([String: AWSValue])
    case string(String)
    case integer(Int)
    case double(Double)
    case boolean(Bool)
    case blob(Data)
    case timestamp(Date)
    /// A value of a document shape: JSON as the client sent it.
    case document(JSONValue)
    /// A streaming blob produced while it is sent (the payload of an S3 GetObject answer).
    case stream(ByteStream)
    /// The events of an event-stream member, framed by the codec as they come.
    case events(EventSource)

    /// The members of a structure value.
    public func structureMembers() throws -> AWSStructure {
        if case .structure(let members) = self { return members }
        throw AWSError.serialization("Expected a structure")
    }

    /// The member of a structure value with the given model name.
    public subscript(member: String) -> AWSValue? {
        if case .structure(let members) = self { return members[member] }
        return nil
    }
}

/// A Swift type that converts to and from `AWSValue`: scalars, collections and the generated shapes.
public protocol AWSValueConvertible {
    init(awsValue: AWSValue) throws
    var awsValue: AWSValue { get }
}

extension String: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .string(let value) = awsValue else { throw AWSError.serialization("Expected a string") }
        self = value
    }
    public var awsValue: AWSValue { .string(self) }
}

extension Int: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .integer(let value) = awsValue else { throw AWSError.serialization("Expected an integer") }
        self = value
    }
    public var awsValue: AWSValue { .integer(self) }
}

extension Double: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        switch awsValue {
        case .double(let value): self = value
        case .integer(let value): self = Double(value)
        default: throw AWSError.serialization("Expected a number")
        }
    }
    public var awsValue: AWSValue { .double(self) }
}

extension Bool: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .boolean(let value) = awsValue else { throw AWSError.serialization("Expected a boolean") }
        self = value
    }
    public var awsValue: AWSValue { .boolean(self) }
}

extension Data: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .blob(let value) = awsValue else { throw AWSError.serialization("Expected a blob") }
        self = value
    }
    public var awsValue: AWSValue { .blob(self) }
}

extension Date: AWSValueConvertible {
    public init(awsValue: AWSValue) throws {
        guard case .timestamp(let value) = awsValue else { throw AWSError.serialization("Expected a timestamp") }
        self = value
    }
    public var awsValue: AWSValue { .timestamp(self) }
}

// Inlinable, so that the generated shapes get these specialized for their element types instead of
// resolving generic metadata at run time for every list and map of every request.
extension Array: AWSValueConvertible where Element: AWSValueConvertible {
    @inlinable
    public init(awsValue: AWSValue) throws {
        guard case .list(let values) = awsValue else { throw AWSError.serialization("Expected a list") }
        self = try values.map { try Element(awsValue: $0) }
    }
    // A closure, not a key path: generic key paths are instantiated at run time on every call.
    @inlinable
    public var awsValue: AWSValue { .list(map { $0.awsValue }) }
}

extension Dictionary: AWSValueConvertible where Key == String, Value: AWSValueConvertible {
    @inlinable
    public init(awsValue: AWSValue) throws {
        guard case .map(let values) = awsValue else { throw AWSError.serialization("Expected a map") }
        self = try values.mapValues { try Value(awsValue: $0) }
    }
    @inlinable
    public var awsValue: AWSValue { .map(mapValues { $0.awsValue }) }
}
