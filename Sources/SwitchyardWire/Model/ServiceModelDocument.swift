extension ServiceModel {
    /// Reads a service's model from the generator's document: botocore's JSON without documentation.
    ///
    /// The document is generated and compiled in, so one that cannot be read is a defect of the build,
    /// not of a request.
    public init(descriptor: ServiceDescriptor, document: String) {
        guard let root = try? OrderedJSON.parse(Array(document.utf8)),
            case .object(let shapeDocuments)? = root["shapes"],
            case .object(let operationDocuments)? = root["operations"]
        else { preconditionFailure("the generated model document of \(descriptor.name) cannot be read") }
        var positions: [String: Int] = [:]
        for (position, entry) in shapeDocuments.enumerated() { positions[entry.key] = position }
        let reader = DocumentReader(positions: positions, service: descriptor.name)
        let shapes = shapeDocuments.map { reader.shape(named: $0.key, $0.value) }
        let operations = operationDocuments.map { reader.operation(named: $0.key, $0.value) }
        self.init(descriptor: descriptor, shapes: shapes, operations: operations)
    }
}

/// Turns the botocore JSON of shapes and operations into the wire layer's model types.
private struct DocumentReader {
    let positions: [String: Int]
    let service: String

    func target(_ name: String?) -> Int {
        guard let name, let position = positions[name] else {
            preconditionFailure("\(service)'s model names a shape it does not have: \(name ?? "none")")
        }
        return position
    }

    func ref(_ name: String, _ json: OrderedJSON?) -> MemberRef {
        MemberRef(
            name: name, target: target(json?["shape"]?.stringValue), locationName: json?["locationName"]?.stringValue,
            flattened: json?["flattened"]?.flag ?? false, location: json?["location"]?.stringValue,
            xmlAttribute: json?["xmlAttribute"]?.flag ?? false,
            idempotencyToken: json?["idempotencyToken"]?.flag ?? false, jsonValue: json?["jsonvalue"]?.flag ?? false,
            hostLabel: json?["hostLabel"]?.flag ?? false, eventPayload: json?["eventpayload"]?.flag ?? false,
            eventHeader: json?["eventheader"]?.flag ?? false, timestampFormat: json?["timestampFormat"]?.stringValue,
            xmlNamespace: json?["xmlNamespace"]?["uri"]?.stringValue, streaming: json?["streaming"]?.flag ?? false)
    }

    func shape(named name: String, _ json: OrderedJSON) -> Shape {
        let typeName = json["type"]?.stringValue ?? "structure"
        let kind = ShapeKind(rawValue: typeName) ?? (typeName == "document" ? .document : .structure)
        var members: [MemberRef] = []
        if case .object(let entries)? = json["members"] {
            members = entries.map { ref($0.key, $0.value) }
        }
        var required: [String] = []
        if case .array(let names)? = json["required"] { required = names.compactMap(\.stringValue) }
        var enumValues: [String]?
        if case .array(let values)? = json["enum"] { enumValues = values.compactMap(\.stringValue) }
        var error: ErrorTrait?
        if json["exception"]?.flag == true {
            let trait = json["error"]
            error = ErrorTrait(
                code: trait?["code"]?.stringValue ?? name, httpStatus: trait?["httpStatusCode"]?.integer ?? 400,
                senderFault: trait?["senderFault"]?.flag ?? (json["fault"]?.flag != true))
        }
        var traits = ShapeTraits()
        traits.union = json["union"]?.flag ?? false
        traits.streaming = json["streaming"]?.flag ?? false
        traits.requiresLength = json["requiresLength"]?.flag ?? false
        traits.eventStream = json["eventstream"]?.flag ?? false
        traits.event = json["event"]?.flag ?? false
        traits.sensitive = json["sensitive"]?.flag ?? false
        traits.membersNotNull = json["membersNotNull"]?.flag ?? false
        traits.enumIgnoringCase = json["enumIgnoringCase"]?.flag ?? false
        traits.payload = json["payload"]?.stringValue
        traits.xmlNamespace = json["xmlNamespace"]?["uri"]?.stringValue
        traits.xmlNamespacePrefix = json["xmlNamespace"]?["prefix"]?.stringValue

        return Shape(
            name: name, kind: json["document"]?.flag == true ? .document : kind, members: members,
            required: required, member: json["member"].map { ref("member", $0) },
            key: json["key"].map { ref("key", $0) }, value: json["value"].map { ref("value", $0) },
            flattened: json["flattened"]?.flag ?? false, locationName: json["locationName"]?.stringValue,
            min: json["min"]?.number, max: json["max"]?.number, pattern: json["pattern"]?.stringValue,
            enumValues: enumValues, timestampFormat: json["timestampFormat"]?.stringValue, error: error, traits: traits)
    }

    func operation(named name: String, _ json: OrderedJSON) -> OperationModel {
        var errors: [Int] = []
        if case .array(let names)? = json["errors"] { errors = names.compactMap(\.stringValue).map(target) }
        let input = json["input"]
        return OperationModel(
            name: name, input: input.map { target($0["shape"]?.stringValue) },
            output: json["output"].map { target($0["shape"]?.stringValue) },
            resultWrapper: json["output"]?["resultWrapper"]?.stringValue, errors: errors,
            httpMethod: json["http"]?["method"]?.stringValue ?? "POST",
            requestURI: json["http"]?["requestUri"]?.stringValue ?? "/",
            responseCode: json["http"]?["responseCode"]?.integer ?? 200, hostPrefix: json["hostPrefix"]?.stringValue,
            inputLocationName: input?["locationName"]?.stringValue,
            inputXMLNamespace: input?["xmlNamespace"]?["uri"]?.stringValue,
            deprecated: json["deprecated"]?.flag ?? false)
    }
}

extension OrderedJSON {
    fileprivate var stringValue: String? {
        if case .scalar(.string(let text)) = self { return text }
        return nil
    }

    fileprivate var flag: Bool? {
        if case .scalar(.bool(let flag)) = self { return flag }
        return nil
    }

    fileprivate var integer: Int? {
        if case .scalar(.integer(let number)) = self { return number }
        return nil
    }

    fileprivate var number: Double? {
        switch self {
        case .scalar(.integer(let number)): return Double(number)
        case .scalar(.number(let number)): return number
        default: return nil
        }
    }
}
