import SwitchyardWire

/// Checks Lambda makes before the model's own validation, in its own words: an unknown runtime and
/// a plain function name longer than 64 characters (up to the model's 140) are
/// InvalidParameterValueException, not the generic ValidationException the model's constraints
/// would give.
enum LambdaPrechecks {
    @Sendable static func check(_ input: AWSValue, _ operation: OperationModel) throws {
        switch operation.name {
        case "CreateFunction", "UpdateFunctionConfiguration":
            if case .string(let runtime)? = input["Runtime"] { try LambdaService.checkRuntime(runtime) }
            if operation.name == "CreateFunction", case .string(let name)? = input["FunctionName"],
                name.count > 64, name.count <= 140, !name.hasPrefix("arn:")
            {
                // Beyond the model's 140 characters the model's own ValidationException answers.
                throw LambdaErrors.invalidParameter(
                    "1 validation error detected: Value '\(name)' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64"
                )
            }
        case "CreateAlias", "UpdateAlias":
            try checkWeights(input)
        default:
            break
        }
        if ["CreateFunction", "UpdateFunctionCode"].contains(operation.name) { try checkArchitectures(input) }
    }

    /// AWS words a bad weight map as Java prints the map (`{2=2.0}`), not member by member.
    static func checkWeights(_ input: AWSValue) throws {
        guard case .map(let weights)? = input["RoutingConfig"]?["AdditionalVersionWeights"] else { return }
        var entries: [(String, Double)] = []
        for (key, value) in weights.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .double(let number): entries.append((key, number))
            case .integer(let number): entries.append((key, Double(number)))
            default: entries.append((key, .nan))
            }
        }
        let printed = "{" + entries.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") + "}"
        let prefix =
            "1 validation error detected: Value '\(printed)' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: "
        if entries.contains(where: { !$0.0.allSatisfy(\.isNumber) || $0.0.isEmpty }) {
            throw AWSError(
                "ValidationException",
                prefix
                    + "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]",
                httpStatus: 400)
        }
        if entries.contains(where: { !($0.1 >= 0 && $0.1 <= 1) }) {
            throw AWSError(
                "ValidationException",
                prefix
                    + "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
                httpStatus: 400)
        }
    }

    /// One architecture, x86_64 or arm64, in AWS's words for lists.
    static func checkArchitectures(_ input: AWSValue) throws {
        guard case .list(let values)? = input["Architectures"] else { return }
        let names = values.map { value -> String in
            if case .string(let name) = value { return name }
            return "null"
        }
        let printed = "[" + names.joined(separator: ", ") + "]"
        if names.count > 1 {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(printed)' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1",
                httpStatus: 400)
        }
        if names.contains(where: { $0 != "x86_64" && $0 != "arm64" }) {
            throw AWSError(
                "ValidationException",
                "1 validation error detected: Value '\(printed)' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
                httpStatus: 400)
        }
    }
}
