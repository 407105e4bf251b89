import Foundation

/// Checks an input value against the constraints of its model shape: required members, lengths,
/// ranges, enums and patterns. Answers in the service's validation style.
public struct ModelValidator: Sendable {
    public let model: ServiceModel
    /// Query-era services validate enum-typed names themselves with their own error codes
    /// (SQS answers InvalidAttributeName), so the generic enum check is skipped for them.
    public var checksEnums: Bool

    public init(model: ServiceModel) {
        self.model = model
        self.checksEnums = model.validationStyle == .coral
    }

    /// Throws the first violation (query style) or all of them (Coral style).
    public func validate(_ value: AWSValue, shape: Shape) throws {
        var violations: [Violation] = []
        check(value, shape: shape, path: "", into: &violations)
        guard let first = violations.first else { return }
        switch model.validationStyle {
        case .query:
            throw first.missing
                ? AWSError.missingParameter(first.path)
                : AWSError.invalidParameterValue(
                    "Value \(first.valueText) for parameter \(first.path) is invalid. \(first.reason)")
        case .coral:
            let listed = violations.prefix(10).map { violation in
                "Value \(violation.missing ? "null" : violation.valueText) at '\(violation.coralPath)' failed to satisfy constraint: \(violation.reason)"
            }
            let count = violations.count
            let message =
                "\(count) validation error\(count == 1 ? "" : "s") detected: " + listed.joined(separator: "; ")
            throw AWSError("ValidationException", message)
        }
    }

    struct Violation {
        var path: String
        var valueText: String
        var reason: String
        var missing = false

        /// Coral names members in lowerCamelCase.
        var coralPath: String {
            path.split(separator: ".").map { part in
                guard let first = part.first else { return String(part) }
                return first.lowercased() + part.dropFirst()
            }.joined(separator: ".")
        }
    }

    private func check(_ value: AWSValue, shape: Shape, path: String, into violations: inout [Violation]) {
        switch value {
        case .structure(let members):
            for ref in shape.members {
                let memberPath = path.isEmpty ? ref.name : "\(path).\(ref.name)"
                guard let member = members[ref.name] else {
                    if shape.required.contains(ref.name) {
                        violations.append(
                            Violation(
                                path: memberPath, valueText: "null", reason: "Member must not be null", missing: true))
                    }
                    continue
                }
                check(member, shape: model[ref.target], path: memberPath, into: &violations)
            }
        case .list(let items):
            checkLength(items.count, shape: shape, path: path, text: "[\(items.count) items]", into: &violations)
            if let element = shape.member {
                let elementShape = model[element.target]
                for (position, item) in items.enumerated() {
                    check(item, shape: elementShape, path: "\(path).\(position + 1)", into: &violations)
                }
            }
        case .map(let entries):
            checkLength(entries.count, shape: shape, path: path, text: "{\(entries.count) entries}", into: &violations)
            if let keyRef = shape.key, let valueRef = shape.value {
                let keyShape = model[keyRef.target]
                let valueShape = model[valueRef.target]
                for (key, entry) in entries {
                    check(.string(key), shape: keyShape, path: path, into: &violations)
                    check(entry, shape: valueShape, path: "\(path).\(key)", into: &violations)
                }
            }
        case .string(let text):
            checkLength(text.count, shape: shape, path: path, text: text, into: &violations)
            if checksEnums, let allowed = shape.enumValues, !allowed.contains(text) {
                violations.append(
                    Violation(
                        path: path, valueText: text,
                        reason: "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]"))
            }
            if let pattern = shape.pattern, !PatternCache.shared.matches(text, pattern: pattern) {
                violations.append(
                    Violation(
                        path: path, valueText: text,
                        reason: "Member must satisfy regular expression pattern: \(pattern)"))
            }
        case .integer(let number):
            checkRange(Double(number), shape: shape, path: path, text: String(number), into: &violations)
        case .double(let number):
            checkRange(number, shape: shape, path: path, text: String(number), into: &violations)
        case .blob(let data):
            checkLength(data.count, shape: shape, path: path, text: "(binary)", into: &violations)
        case .boolean, .timestamp:
            break
        }
    }

    private func checkLength(
        _ length: Int, shape: Shape, path: String, text: String, into violations: inout [Violation]
    ) {
        if let min = shape.min, Double(length) < min {
            violations.append(
                Violation(
                    path: path, valueText: text, reason: "Member must have length greater than or equal to \(Int(min))")
            )
        }
        if let max = shape.max, Double(length) > max {
            violations.append(
                Violation(
                    path: path, valueText: text, reason: "Member must have length less than or equal to \(Int(max))"))
        }
    }

    private func checkRange(
        _ number: Double, shape: Shape, path: String, text: String, into violations: inout [Violation]
    ) {
        if let min = shape.min, number < min {
            violations.append(
                Violation(
                    path: path, valueText: text, reason: "Member must have value greater than or equal to \(Int(min))"))
        }
        if let max = shape.max, number > max {
            violations.append(
                Violation(
                    path: path, valueText: text, reason: "Member must have value less than or equal to \(Int(max))"))
        }
    }
}
