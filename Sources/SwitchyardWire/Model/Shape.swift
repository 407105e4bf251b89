/// The kind of a shape in an AWS service model.
public enum ShapeKind: String, Sendable {
    case structure, list, map, string, integer, long, boolean, double, float, blob, timestamp
    /// An untyped JSON document (a Smithy document type).
    case document
}

extension Shape {
    /// A single value: neither a structure, list nor map.
    public var isScalar: Bool {
        switch kind {
        case .structure, .list, .map, .document: false
        default: true
        }
    }
}

/// A reference from a structure, list or map to the shape of one of its parts, with its serialization traits.
public final class MemberRef: Sendable {
    /// The member's name in the model (the JSON key, and the query/XML name unless `locationName` is set).
    public let name: String
    /// Index of the target shape in `ServiceModel.shapes`.
    public let target: Int
    /// The name this part is serialized under in query and XML protocols.
    public let locationName: String?
    /// Whether a list or map member is serialized flattened (member-level override).
    public let flattened: Bool
    /// Where a member lives in REST protocols: header, headers, uri, querystring, statusCode.
    public let location: String?
    public let xmlAttribute: Bool
    public let idempotencyToken: Bool
    /// A string member that carries JSON text (serialized base64 in headers).
    public let jsonValue: Bool
    /// A label of the operation's host prefix.
    public let hostLabel: Bool
    /// Within an event: the member that is the event's payload, or one of its headers.
    public let eventPayload: Bool
    public let eventHeader: Bool
    /// Overrides the target shape's and the protocol's timestamp format.
    public let timestampFormat: String?
    /// The XML namespace declared on this member's element.
    public let xmlNamespace: String?
    /// The member streams (S3 marks its object bodies so on the member rather than on the shape).
    public let streaming: Bool

    public init(
        name: String, target: Int, locationName: String? = nil, flattened: Bool = false,
        location: String? = nil, xmlAttribute: Bool = false, idempotencyToken: Bool = false,
        jsonValue: Bool = false, hostLabel: Bool = false, eventPayload: Bool = false, eventHeader: Bool = false,
        timestampFormat: String? = nil, xmlNamespace: String? = nil, streaming: Bool = false
    ) {
        self.streaming = streaming
        self.name = name
        self.target = target
        self.locationName = locationName
        self.flattened = flattened
        self.location = location
        self.xmlAttribute = xmlAttribute
        self.idempotencyToken = idempotencyToken
        self.jsonValue = jsonValue
        self.hostLabel = hostLabel
        self.eventPayload = eventPayload
        self.eventHeader = eventHeader
        self.timestampFormat = timestampFormat
        self.xmlNamespace = xmlNamespace
    }
}

/// How a modelled error is reported: its query-protocol code, HTTP status and fault side.
public struct ErrorTrait: Sendable {
    public let code: String
    public let httpStatus: Int
    public let senderFault: Bool

    public init(code: String, httpStatus: Int, senderFault: Bool) {
        self.code = code
        self.httpStatus = httpStatus
        self.senderFault = senderFault
    }
}

/// One shape of a service model with the constraints the wire layer validates.
public final class Shape: Sendable {
    public let name: String
    public let kind: ShapeKind
    /// Members of a structure, in model order.
    public let members: [MemberRef]
    /// Member lookup by model name.
    public let memberIndex: [String: Int]
    public let required: Set<String>
    /// The element of a list.
    public let member: MemberRef?
    /// Key and value of a map.
    public let key: MemberRef?
    public let value: MemberRef?
    public let flattened: Bool
    public let locationName: String?
    /// Length (strings, blobs, lists, maps) or value (numbers) bounds.
    public let min: Double?
    public let max: Double?
    public let pattern: String?
    public let enumValues: [String]?
    public let timestampFormat: String?
    /// Present on exception shapes.
    public let error: ErrorTrait?
    /// Traits of structures: a union (exactly one member set), an event stream (a union of events),
    /// an event, and the member that is the HTTP payload in REST protocols.
    public let traits: ShapeTraits

    public init(
        name: String, kind: ShapeKind, members: [MemberRef] = [], required: [String] = [],
        member: MemberRef? = nil, key: MemberRef? = nil, value: MemberRef? = nil,
        flattened: Bool = false, locationName: String? = nil, min: Double? = nil, max: Double? = nil,
        pattern: String? = nil, enumValues: [String]? = nil, timestampFormat: String? = nil,
        error: ErrorTrait? = nil, traits: ShapeTraits = ShapeTraits()
    ) {
        self.name = name
        self.kind = kind
        self.members = members
        var index: [String: Int] = [:]
        for (position, ref) in members.enumerated() { index[ref.name] = position }
        self.memberIndex = index
        self.required = Set(required)
        self.member = member
        self.key = key
        self.value = value
        self.flattened = flattened
        self.locationName = locationName
        self.min = min
        self.max = max
        self.pattern = pattern
        self.enumValues = enumValues
        self.timestampFormat = timestampFormat
        self.error = error
        self.traits = traits
    }

    /// The member a JSON key names where keys are `locationName`s (restJson1's jsonName trait).
    public func member(jsonKey key: String) -> MemberRef? {
        members.first { ($0.locationName ?? $0.name) == key }
    }

    /// The member reference with the given model name.
    public func member(named name: String) -> MemberRef? {
        // Most structures have a handful of members: comparing lengths first and then bytes beats
        // hashing the name.
        if members.count <= 12 {
            let length = name.utf8.count
            for member in members where member.name.utf8.count == length && member.name == name { return member }
            return nil
        }
        return memberIndex[name].map { members[$0] }
    }
}

/// The less common traits of a shape, kept together so that most shapes share one empty value.
public struct ShapeTraits: Sendable {
    /// A structure of which exactly one member may be set.
    public var union = false
    /// A blob or string that is the whole body, streamed (S3 objects, Lambda payloads).
    public var streaming = false
    /// A streaming blob whose length the client must declare.
    public var requiresLength = false
    /// A union of events sent as `application/vnd.amazon.eventstream` frames.
    public var eventStream = false
    /// One kind of event of an event stream.
    public var event = false
    /// Values that AWS redacts from logs.
    public var sensitive = false
    /// The member of a REST input or output structure that is the HTTP body.
    public var payload: String?
    /// The XML namespace of a structure's element.
    public var xmlNamespace: String?
    /// The prefix the namespace is declared with, when its members are prefixed (`xsi`).
    public var xmlNamespacePrefix: String?
    /// A list whose elements Coral declares required: its violations name "Member must not be null"
    /// among the elements' constraints. botocore's models leave this out; the generator's
    /// configuration carries it from AWS's recorded answers.
    public var membersNotNull = false
    /// An enum whose values are accepted in any case (AWS takes EventBridge's OAuth `HttpMethod`
    /// as `put`); from the generator's configuration, like `membersNotNull`.
    public var enumIgnoringCase = false

    public init() {}
}
