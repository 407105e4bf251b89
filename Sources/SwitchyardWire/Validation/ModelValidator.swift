import Foundation

/// Checks an input value against the constraints of its model shape: required members, lengths,
/// ranges, enums and patterns. Answers in the service's validation style.
public struct ModelValidator: Sendable {
    public let model: ServiceModel
    /// Query-era services validate enum-typed names themselves with their own error codes
    /// (SQS answers InvalidAttributeName), so the generic enum check is skipped for them.
    public var checksEnums: Bool

    /// Per shape: whether anything in it or below it can fail a check; subtrees that cannot are skipped.
    private let needsCheck: [Bool]
    /// Per shape: the positions of its members in the order violations are reported.
    private let memberOrder: [[Int]]
    /// Operations whose violations carry another code than the service's (see `errorCode(for:)`).
    private let operationCodes: [String: String]

    public init(model: ServiceModel) {
        self.model = model
        let checksEnums = model.validationStyle != .query
        self.checksEnums = checksEnums
        self.needsCheck = Self.shapesNeedingChecks(model, checksEnums: checksEnums)
        self.memberOrder = model.shapes.map { shape in
            model.validationStyle == .query
                ? Array(shape.members.indices) : CoralMemberOrder.positions(of: shape.members.map(\.name))
        }
        self.operationCodes = model.operations.compactMapValues { Self.declaredCode(of: $0, in: model) }
    }

    static func shapesNeedingChecks(_ model: ServiceModel, checksEnums: Bool) -> [Bool] {
        var result = [Bool?](repeating: nil, count: model.shapes.count)
        func visit(_ index: Int) -> Bool {
            if let known = result[index] { return known }
            result[index] = true  // recursive shapes: assume the worst while visiting
            let shape = model[index]
            var needed =
                shape.min != nil || shape.max != nil || shape.pattern != nil
                || (checksEnums && shape.enumValues != nil) || !shape.required.isEmpty
            let parts = shape.members + [shape.member, shape.key, shape.value].compactMap { $0 }
            for part in parts where visit(part.target) { needed = true }
            result[index] = needed
            return needed
        }
        return (0..<model.shapes.count).map(visit)
    }

    /// Checks an operation's input, answering with the error code the operation's model declares.
    public func validate(_ value: AWSValue, operation: OperationModel) throws {
        guard let input = operation.input else { return }
        try validate(value, shape: model[input], errorCode: errorCode(for: operation))
    }

    /// The code of a failed check in one operation: the service's, unless the operation declares
    /// ValidationException and not the service's code. (CloudWatch Logs' newer operations, such as
    /// its deliveries, answer ValidationException where its older ones answer InvalidParameterException.)
    func errorCode(for operation: OperationModel) -> String {
        operationCodes[operation.name] ?? model.validationErrorCode
    }

    /// ValidationException where an operation declares it and not its service's own code; nil for
    /// the service's code. Query-era services keep their ValidationError: SNS declares
    /// ValidationException on Publish for its own checks of message attributes, not for the model's
    /// constraints. Worked out once, when the validator is made.
    private static func declaredCode(of operation: OperationModel, in model: ServiceModel) -> String? {
        let serviceCode = model.validationErrorCode
        guard serviceCode != "ValidationException", serviceCode.hasSuffix("Exception") else { return nil }
        let declared = Set(operation.errors.map { model[$0].name })
        return !declared.contains(serviceCode) && declared.contains("ValidationException") ? "ValidationException" : nil
    }

    /// Throws the first violation (query style) or all of them (Coral style).
    public func validate(_ value: AWSValue, shape: Shape, errorCode: String? = nil) throws {
        var violations: [Violation] = []
        guard let index = model.shapeIndex[shape.name] else { return }
        check(value, index, path: { "" }, into: &violations)
        guard let first = violations.first else { return }
        switch model.validationStyle {
        case .query:
            throw first.missing
                ? AWSError.missingParameter(first.queryPath)
                : AWSError.invalidParameterValue(
                    "Value \(first.valueText) for parameter \(first.queryPath) is invalid. \(first.reason)")
        case .coral, .coralRedacted:
            let listed = violations.prefix(10).map { violation in
                let value =
                    model.validationStyle == .coralRedacted
                    ? "" : violation.missing ? " null" : " '\(violation.valueText)'"
                return
                    "Value\(value) at '\(violation.coralPath)' failed to satisfy constraint: \(violation.reason)"
            }
            let count = violations.count
            let message =
                "\(count) validation error\(count == 1 ? "" : "s") detected: " + listed.joined(separator: "; ")
            throw AWSError(errorCode ?? model.validationErrorCode, message)
        }
    }

    /// Whether an enum's values hold `text`, in any case where the shape says so.
    static func allows(_ allowed: [String], _ text: String, ignoringCase: Bool) -> Bool {
        allowed.contains(text) || (ignoringCase && allowed.contains { $0.lowercased() == text.lowercased() })
    }

    struct Violation {
        var path: String
        var valueText: String
        var reason: String
        var missing = false

        /// Coral names members in lowerCamelCase and marks list elements and map values with a
        /// `member` step (`messageAttributes.attr1.member.dataType`); indexes and keys stay as given.
        var coralPath: String {
            path.split(separator: ".").map { part in
                if part == Self.memberStep { return "member" }
                if part.first == Self.literal { return String(part.dropFirst()) }
                guard let first = part.first else { return String(part) }
                return first.lowercased() + part.dropFirst()
            }.joined(separator: ".")
        }

        /// The path as query-era services name parameters (`Attribute.1.Name`).
        var queryPath: String {
            path.split(separator: ".").compactMap { part -> String? in
                if part == Self.memberStep { return nil }
                return part.first == Self.literal ? String(part.dropFirst()) : String(part)
            }.joined(separator: ".")
        }

        /// Path markers: a list element's or map value's `member` step, and an index or key kept as given.
        static let memberStep = "\u{0}member"
        static let literal: Character = "\u{1}"
    }

    /// `path` names the value in messages; like the other texts of a violation it is only built when
    /// a check fails, since valid input is the common case.
    private func check(
        _ value: AWSValue, _ index: Int, path: () -> String, required: Bool = false, into violations: inout [Violation]
    ) {
        guard needsCheck[index] else { return }
        let shape = model[index]
        switch value {
        case .structure(let members):
            for position in memberOrder[index] {
                let ref = shape.members[position]
                func memberPath() -> String {
                    let parent = path()
                    return parent.isEmpty ? ref.name : "\(parent).\(ref.name)"
                }
                guard let member = members[ref.name] else {
                    if shape.required.contains(ref.name) {
                        violations.append(
                            Violation(
                                path: memberPath(), valueText: "null", reason: "Member must not be null", missing: true)
                        )
                    }
                    continue
                }
                guard needsCheck[ref.target] else { continue }
                check(
                    member, ref.target, path: memberPath, required: shape.required.contains(ref.name),
                    into: &violations)
            }
        case .list(let items):
            let listText = model.validationStyle == .query ? "[\(items.count) items]" : Self.listText(items)
            checkLength(items.count, shape: shape, path: path, text: listText, into: &violations)
            if model.validationStyle != .query, let element = shape.member, model[element.target].isScalar {
                // Coral reports a list of plain values once, at the list, with the whole list as the
                // value, naming every constraint of its members whichever failed (IAM, Lambda, API
                // Gateway in AWS's recorded answers). Whether "not null" is among them follows the
                // list's own requiredness in IAM and a trait of the list in Coral's other models.
                var failed: [Violation] = []
                for item in items { check(item, element.target, path: path, into: &failed) }
                if !failed.isEmpty {
                    let notNull = model.validationStyle == .coralRedacted ? required : shape.traits.membersNotNull
                    let constraints =
                        memberConstraints(model[element.target]) + (notNull ? ["Member must not be null"] : [])
                    violations.append(
                        Violation(
                            path: path(), valueText: listText,
                            reason: "Member must satisfy constraint: [\(constraints.joined(separator: ", "))]"))
                }
            } else if let element = shape.member {
                for (position, item) in items.enumerated() {
                    check(
                        item, element.target,
                        path: { "\(path()).\(Violation.literal)\(position + 1).\(Violation.memberStep)" },
                        into: &violations)
                }
            }
        case .map(let entries):
            checkLength(entries.count, shape: shape, path: path, text: "{\(entries.count) entries}", into: &violations)
            if let keyRef = shape.key, let valueRef = shape.value {
                for (key, entry) in entries {
                    check(.string(key), keyRef.target, path: path, into: &violations)
                    check(
                        entry, valueRef.target,
                        path: { "\(path()).\(Violation.literal)\(key).\(Violation.memberStep)" },
                        into: &violations)
                }
            }
        case .string(let text):
            // AWS reports a failed pattern before a failed length (EventBridge's recorded answers).
            if let pattern = shape.pattern, !PatternCache.shared.matches(text, pattern: pattern) {
                violations.append(
                    Violation(
                        path: path(), valueText: text,
                        reason: "Member must satisfy regular expression pattern: \(pattern)"))
            }
            if shape.min != nil || shape.max != nil {
                checkLength(text.unicodeScalars.count, shape: shape, path: path, text: text, into: &violations)
            }
            if checksEnums, let allowed = shape.enumValues,
                !Self.allows(allowed, text, ignoringCase: shape.traits.enumIgnoringCase)
            {
                // IAM leaves the allowed values out as it leaves out the value given.
                let set =
                    model.validationStyle == .coralRedacted ? "" : ": [\(allowed.joined(separator: ", "))]"
                violations.append(
                    Violation(path: path(), valueText: text, reason: "Member must satisfy enum value set" + set))
            }
        case .integer(let number):
            checkRange(Double(number), shape: shape, path: path, text: String(number), into: &violations)
        case .double(let number):
            checkRange(number, shape: shape, path: path, text: String(number), into: &violations)
        case .blob(let data):
            checkLength(data.count, shape: shape, path: path, text: "(binary)", into: &violations)
        case .boolean, .timestamp, .document, .stream, .events:
            break
        }
    }

    /// A list as Java prints it: its plain values in brackets, or how many items a list of structures holds.
    static func listText(_ items: [AWSValue]) -> String {
        var texts: [String] = []
        for item in items {
            switch item {
            case .string(let text): texts.append(text)
            case .integer(let number): texts.append(String(number))
            case .double(let number): texts.append(String(number))
            case .boolean(let flag): texts.append(String(flag))
            default: return "[\(items.count) items]"
            }
        }
        return "[" + texts.joined(separator: ", ") + "]"
    }

    /// A plain member's constraints as Coral lists them: lengths (or values), greatest first, then the
    /// pattern, then the enum set (whose values IAM leaves out).
    private func memberConstraints(_ shape: Shape) -> [String] {
        let measure = shape.kind == .string ? "length" : "value"
        var constraints: [String] = []
        if let max = shape.max { constraints.append("Member must have \(measure) less than or equal to \(Int(max))") }
        if let min = shape.min {
            constraints.append("Member must have \(measure) greater than or equal to \(Int(min))")
        }
        if let pattern = shape.pattern {
            constraints.append("Member must satisfy regular expression pattern: \(pattern)")
        }
        if checksEnums, let allowed = shape.enumValues {
            constraints.append(
                "Member must satisfy enum value set"
                    + (model.validationStyle == .coralRedacted ? "" : ": [\(allowed.joined(separator: ", "))]"))
        }
        return constraints
    }

    private func checkLength(
        _ length: Int, shape: Shape, path: () -> String, text: @autoclosure () -> String,
        into violations: inout [Violation]
    ) {
        if let min = shape.min, Double(length) < min {
            violations.append(
                Violation(
                    path: path(), valueText: text(),
                    reason: "Member must have length greater than or equal to \(Int(min))"))
        }
        if let max = shape.max, Double(length) > max {
            violations.append(
                Violation(
                    path: path(), valueText: text(), reason: "Member must have length less than or equal to \(Int(max))"
                ))
        }
    }

    private func checkRange(
        _ number: Double, shape: Shape, path: () -> String, text: @autoclosure () -> String,
        into violations: inout [Violation]
    ) {
        if let min = shape.min, number < min {
            violations.append(
                Violation(
                    path: path(), valueText: text(),
                    reason: "Member must have value greater than or equal to \(Int(min))"))
        }
        if let max = shape.max, number > max {
            violations.append(
                Violation(
                    path: path(), valueText: text(), reason: "Member must have value less than or equal to \(Int(max))")
            )
        }
    }
}
