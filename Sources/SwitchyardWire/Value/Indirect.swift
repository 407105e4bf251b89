/// Boxes a structure member whose type contains the structure itself (CloudWatch Logs' field types
/// describe their own elements), which a Swift struct cannot hold by value.
@propertyWrapper
public indirect enum Indirect<Value: Sendable & Equatable>: Sendable, Equatable {
    case value(Value)

    public init(wrappedValue: Value) {
        self = .value(wrappedValue)
    }

    public var wrappedValue: Value {
        get {
            switch self {
            case .value(let value): return value
            }
        }
        set { self = .value(newValue) }
    }
}
