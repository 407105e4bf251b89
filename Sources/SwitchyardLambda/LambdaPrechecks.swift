import SwitchyardWire

/// Checks Lambda makes before the model's own validation, in its own words: an unknown runtime and
/// a plain function name longer than 64 characters are InvalidParameterValueException, not the
/// generic ValidationException the model's constraints would give.
enum LambdaPrechecks {
    @Sendable static func check(_ input: AWSValue, _ operation: OperationModel) throws {
        switch operation.name {
        case "CreateFunction", "UpdateFunctionConfiguration":
            if case .string(let runtime)? = input["Runtime"] { try LambdaService.checkRuntime(runtime) }
            if operation.name == "CreateFunction", case .string(let name)? = input["FunctionName"],
                name.count > 64, !name.hasPrefix("arn:")
            {
                throw LambdaErrors.invalidParameter(
                    "1 validation error detected: Value '\(name)' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64"
                )
            }
        default:
            return
        }
    }
}
