/// The members of a structure value, by model member name.
///
/// Structures have a handful of members, so they are kept as a small array searched linearly:
/// cheaper to build and to read than a hashed dictionary, which mattered on the request path.
public struct AWSStructure: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    @usableFromInline var entries: [(name: String, value: AWSValue)]

    public init(minimumCapacity: Int = 0) {
        entries = []
        entries.reserveCapacity(minimumCapacity)
    }

    public init(dictionaryLiteral elements: (String, AWSValue)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (name, value) in elements { self[name] = value }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Member names and values, in the order they were set.
    public var members: some Sequence<(name: String, value: AWSValue)> { entries }

    public subscript(name: String) -> AWSValue? {
        @inlinable get {
            // Comparing lengths first keeps most mismatches off the general string comparison.
            let length = name.utf8.count
            for entry in entries where entry.name.utf8.count == length && entry.name == name { return entry.value }
            return nil
        }
        set {
            if let index = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }

    /// Adds a member the structure does not have yet, or nothing for nil: the generated encoders set
    /// each member once, so they skip the search that the subscript's setter makes.
    @inlinable
    public mutating func append(_ name: String, _ value: AWSValue?) {
        if let value { entries.append((name, value)) }
    }

    public static func == (lhs: AWSStructure, rhs: AWSStructure) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.name] == $0.value }
    }

    /// Decodes a required member; validation has already ensured it is present.
    @inlinable
    public func decode<T: AWSValueConvertible>(_ name: String) throws -> T {
        guard let value = self[name] else { throw AWSError.missingParameter(name) }
        return try T(awsValue: value)
    }

    /// Decodes an optional member.
    @inlinable
    public func decodeIfPresent<T: AWSValueConvertible>(_ name: String) throws -> T? {
        guard let value = self[name] else { return nil }
        return try T(awsValue: value)
    }
}
