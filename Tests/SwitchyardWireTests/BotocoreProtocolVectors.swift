import Foundation
import Testing

@testable import SwitchyardWire

/// botocore's protocol test vectors (`tests/unit/protocols/input/*.json` of the boto/botocore
/// repository) as a measuring device for the codecs: each input case is a request exactly as
/// botocore serializes it, with the parameters it came from; the server must parse the request back
/// into those parameters. Runs only when `BOTOCORE_PROTOCOL_TESTS` names the folder that holds
/// `input/` (the vectors are not part of this project); docs/FIDELITY.md reports the scores.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BOTOCORE_PROTOCOL_TESTS"] != nil))
struct BotocoreProtocolVectors {
    static let files = ["json", "json_1_0", "query", "rest-json", "rest-xml", "smithy-rpc-v2-cbor"]

    @Test func inputCasesParseBackToTheirParameters() throws {
        let folder = ProcessInfo.processInfo.environment["BOTOCORE_PROTOCOL_TESTS"] ?? ""
        var report: [String] = []
        // Cases botocore's own test run skips (its protocol-tests-ignore-list.json).
        var ignoredSuites: Set<String> = []
        var ignoredCases: Set<String> = []
        if let data = try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/protocol-tests-ignore-list.json")),
            let ignore = try? JSONValue.parse(Array(data))
        {
            if case .array(let suites)? = ignore["general"]?["input"]?["suites"] {
                ignoredSuites = Set(suites.compactMap(\.text))
            }
            if case .object(let protocols)? = ignore["protocols"] {
                for (_, entry) in protocols {
                    if case .array(let cases)? = entry["input"]?["cases"] {
                        ignoredCases.formUnion(cases.compactMap(\.text))
                    }
                }
            }
        }
        for file in Self.files {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/input/\(file).json"))
            guard case .array(let suites) = try JSONValue.parse(Array(data)) else { continue }
            var passed = 0
            var total = 0
            var failures: [String] = []
            for suite in suites {
                guard case .array(let cases)? = suite["cases"],
                    !ignoredSuites.contains(suite["description"]?.text ?? "")
                else { continue }
                for vector in cases {
                    let id = vector["id"]?.text ?? "?"
                    guard !ignoredCases.contains(id) else { continue }
                    total += 1
                    do {
                        try Self.run(vector, suite: suite)
                        passed += 1
                    } catch {
                        failures.append("\(id): \(String(String(describing: error).prefix(300)))")
                    }
                }
            }
            report.append("\(file): \(passed)/\(total)")
            for failure in failures { report.append("  \(failure)") }
        }
        print("botocore input vectors\n" + report.joined(separator: "\n"))
    }

    /// Output cases: the result each case expects botocore to parse is encoded by Switchyard's codec,
    /// and the answers are written to `switchyard-answers.json` beside the vectors, for
    /// `tools/protocol-vectors/parse_answers.py` to parse with botocore itself and compare with
    /// the expected results (a server's answer need not be byte for byte the vector's; botocore must
    /// read it back as the same result).
    @Test func outputCasesAreEncodedForBotocoreToParse() throws {
        let folder = ProcessInfo.processInfo.environment["BOTOCORE_PROTOCOL_TESTS"] ?? ""
        var answers: [JSONValue] = []
        for file in Self.files {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/output/\(file).json"))
            guard case .array(let suites) = try JSONValue.parse(Array(data)) else { continue }
            for (suiteIndex, suite) in suites.enumerated() {
                guard case .array(let cases)? = suite["cases"] else { continue }
                for (caseIndex, vector) in cases.enumerated() where vector["error"] == nil {
                    var answer: [String: JSONValue] = [
                        "file": .string(file), "suite": .integer(suiteIndex), "case": .integer(caseIndex),
                        "id": vector["id"] ?? .null,
                    ]
                    do {
                        let response = try Self.encodeOutput(vector, suite: suite)
                        answer["status"] = .integer(response.status)
                        var headers: [String: JSONValue] = [:]
                        for (name, value) in response.headers { headers[name] = .string(value) }
                        answer["headers"] = .object(headers)
                        answer["body"] = .string(Data(response.body).base64EncodedString())
                    } catch {
                        answer["failure"] = .string(String(describing: error))
                    }
                    answers.append(.object(answer))
                }
            }
        }
        var writer = JSONWriter()
        writer.json(.array(answers))
        try Data(writer.bytes).write(to: URL(fileURLWithPath: "\(folder)/switchyard-answers.json"))
    }

    static func encodeOutput(_ vector: JSONValue, suite: JSONValue) throws -> WireResponse {
        guard case .object(let metadata)? = suite["metadata"], let given = vector["given"],
            let name = given["name"]?.text
        else { throw Mismatch(description: "malformed vector") }
        let (model, codec, wire) = Self.model(metadata: metadata, shapes: suite["shapes"], name: name, given: given)
        guard let operation = model.operations[name] else { throw Mismatch(description: "no operation") }
        var output: AWSValue?
        if let outputIndex = operation.output {
            output = try value(vector["result"] ?? .object([:]), shape: outputIndex, model: model)
        }
        let context = RequestContext(
            account: "123456789012", region: "us-east-1", host: "localhost", wireProtocol: wire)
        return codec.encodeResponse(output, operation: operation, model: model, context: context)
    }

    static func model(metadata: [String: JSONValue], shapes: JSONValue?, name: String, given: JSONValue)
        -> (ServiceModel, any ProtocolCodec, WireProtocol)
    {
        let protocolName: String = {
            if case .array(let names)? = metadata["protocols"], let first = names.first?.text { return first }
            return metadata["protocol"]?.text ?? "json"
        }()
        let wire: WireProtocol
        let codec: any ProtocolCodec
        switch protocolName {
        case "json":
            wire = metadata["jsonVersion"]?.text == "1.0" ? .awsJson1_0 : .awsJson1_1
            codec = AWSJSONCodec(version: wire)
        case "query":
            wire = .awsQuery
            codec = AWSQueryCodec()
        case "rest-json":
            wire = .restJson1
            codec = RESTCodec(.restJson1)
        case "rest-xml":
            wire = .restXml
            codec = RESTCodec(.restXml)
        default:
            wire = .rpcv2Cbor
            codec = RPCv2CBORCodec()
        }
        var document = JSONWriter()
        document.json(.object(["shapes": shapes ?? .object([:]), "operations": .object([name: given])]))
        let descriptor = ServiceDescriptor(
            name: "Vectors", serviceId: "Vectors", signingName: "vectors", endpointPrefix: "vectors",
            apiVersion: metadata["apiVersion"]?.text ?? "", protocols: [wire],
            targetPrefix: metadata["targetPrefix"]?.text, jsonVersion: metadata["jsonVersion"]?.text,
            xmlNamespace: nil, errorNamespace: "vectors", validationStyle: .coral)
        return (
            ServiceModel(descriptor: descriptor, document: String(decoding: document.bytes, as: UTF8.self)), codec,
            wire
        )
    }

    /// A parsed result (botocore's form) as a value of the shape.
    static func value(_ json: JSONValue, shape index: Int, model: ServiceModel) throws -> AWSValue {
        let shape = model[index]
        switch (shape.kind, json) {
        case (.structure, .object(let members)):
            var result = AWSStructure(minimumCapacity: members.count)
            for ref in shape.members {
                if let member = members[ref.name] {
                    result[ref.name] = try value(member, shape: ref.target, model: model)
                }
            }
            return .structure(result)
        case (.list, .array(let items)):
            guard let element = shape.member else { return .list([]) }
            return .list(try items.map { try value($0, shape: element.target, model: model) })
        case (.map, .object(let entries)):
            guard let valueRef = shape.value else { return .map([:]) }
            return .map(try entries.mapValues { try value($0, shape: valueRef.target, model: model) })
        case (.string, .string(let text)): return .string(text)
        case (.integer, .integer(let number)), (.long, .integer(let number)): return .integer(number)
        case (.integer, let number), (.long, let number):
            guard let number = number.number else { throw Mismatch(description: "not a number for \(shape.name)") }
            return .integer(Int(number))
        case (.double, .string(let special)), (.float, .string(let special)):
            switch special {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            default: return .double(-.infinity)
            }
        case (.double, let number), (.float, let number):
            return .double(number.number ?? 0)
        case (.boolean, .bool(let flag)): return .boolean(flag)
        case (.blob, .string(let text)): return .blob(Data(text.utf8))
        case (.timestamp, let number):
            return .timestamp(Date(timeIntervalSince1970: number.number ?? 0))
        case (.document, let document): return .document(document)
        default: throw Mismatch(description: "cannot read \(json) as \(shape.name)")
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ vector: JSONValue, suite: JSONValue) throws {
        guard case .object(let metadata)? = suite["metadata"], let given = vector["given"],
            let name = given["name"]?.text, let serialized = vector["serialized"]
        else { throw Mismatch(description: "malformed vector") }
        let (model, codec, wire) = Self.model(metadata: metadata, shapes: suite["shapes"], name: name, given: given)
        let uri = serialized["uri"]?.text ?? "/"
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [String: String] = [:]
        if case .object(let given)? = serialized["headers"] {
            for (key, value) in given { headers[key.lowercased()] = value.text ?? "" }
        }
        let bodyText = serialized["body"]?.text ?? ""
        let body = wire == .rpcv2Cbor ? Array(Data(base64Encoded: bodyText) ?? Data()) : Array(bodyText.utf8)
        let request = WireRequest(
            method: serialized["method"]?.text ?? "POST", path: String(parts[0]),
            query: parts.count > 1 ? String(parts[1]) : nil, headers: headers, body: body)
        let (operation, value) = try codec.decodeRequest(request, model: model)
        guard operation.name == name else { throw Mismatch(description: "routed to \(operation.name)") }
        guard let input = operation.input else { return }
        try compare(value, vector["params"] ?? .object([:]), shape: input, model: model, path: "")
    }

    static func compare(_ value: AWSValue?, _ expected: JSONValue, shape index: Int, model: ServiceModel, path: String)
        throws
    {
        let shape = model[index]
        func fail(_ reason: String) -> Mismatch {
            Mismatch(description: "\(path.isEmpty ? "input" : path): \(reason); got \(String(describing: value))")
        }
        guard let value else {
            // Empty lists, maps and structures are not sent at all in query strings, headers and forms.
            switch expected {
            case .null: return
            case .array(let items) where items.isEmpty: return
            case .object(let members) where members.isEmpty: return
            default: throw fail("missing, expected \(expected)")
            }
        }
        switch (shape.kind, value, expected) {
        case (.structure, .structure(let members), .object(let wanted)):
            for ref in shape.members {
                let present = members[ref.name]
                if let wantedValue = wanted[ref.name] {
                    try compare(present, wantedValue, shape: ref.target, model: model, path: path + "." + ref.name)
                } else if let present, !ref.idempotencyToken, !Self.isEmpty(present) {
                    throw fail("\(ref.name) present but not expected")
                }
            }
        case (.list, .list(let items), .array(let wanted)):
            guard items.count == wanted.count, let element = shape.member else {
                throw fail("\(items.count) items, expected \(wanted.count)")
            }
            for (position, item) in items.enumerated() {
                try compare(item, wanted[position], shape: element.target, model: model, path: "\(path)[\(position)]")
            }
        case (.map, .map(let entries), .object(let wanted)):
            guard Set(entries.keys) == Set(wanted.keys), let valueRef = shape.value else {
                throw fail("keys \(entries.keys.sorted()), expected \(wanted.keys.sorted())")
            }
            for (key, entry) in entries {
                try compare(entry, wanted[key] ?? .null, shape: valueRef.target, model: model, path: "\(path).\(key)")
            }
        case (_, .string(let text), .string(let wanted)):
            guard text == wanted else { throw fail("expected \(wanted)") }
        case (_, .integer(let number), let wanted):
            guard wanted.number == Double(number) else { throw fail("expected \(wanted)") }
        case (_, .double(let number), let wanted):
            if case .string(let special) = wanted {
                let matches =
                    (special == "NaN" && number.isNaN) || (special == "Infinity" && number == .infinity)
                    || (special == "-Infinity" && number == -.infinity)
                guard matches else { throw fail("expected \(special)") }
            } else {
                guard wanted.number == number else { throw fail("expected \(wanted)") }
            }
        case (_, .boolean(let flag), .bool(let wanted)):
            guard flag == wanted else { throw fail("expected \(wanted)") }
        case (_, .blob(let data), .string(let wanted)):
            guard data == Data(wanted.utf8) else { throw fail("expected bytes of \(wanted)") }
        case (_, .timestamp(let date), let wanted):
            guard let seconds = wanted.number, abs(date.timeIntervalSince1970 - seconds) < 0.001 else {
                throw fail("expected \(wanted)")
            }
        case (_, .document(let document), let wanted):
            guard document == wanted else { throw fail("expected \(wanted)") }
        default:
            throw fail("expected \(expected)")
        }
    }
}

extension BotocoreProtocolVectors {
    static func isEmpty(_ value: AWSValue) -> Bool {
        switch value {
        case .structure(let members): return members.isEmpty
        case .list(let items): return items.isEmpty
        case .map(let entries): return entries.isEmpty
        case .blob(let data): return data.isEmpty
        default: return false
        }
    }
}

extension JSONValue {
    fileprivate subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    fileprivate var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    fileprivate var number: Double? {
        switch self {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        default: return nil
        }
    }
}
