import SwitchyardWire

/// What IAM checks before the model's constraints: a virtual MFA device's path that is not of
/// IAM's form gets IAM's own message, not the model's pattern.
enum IAMPrechecks {
    @Sendable static func check(_ input: AWSValue, _ operation: OperationModel) throws {
        guard operation.name == "CreateVirtualMFADevice", case .structure(let members) = input,
            case .string(let path)? = members["Path"], path.unicodeScalars.count <= 512, !isPath(path)
        else { return }
        throw IAMErrors.validation(
            "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric "
                + "characters and/or / characters.")
    }

    /// `/`, or printable ASCII between two slashes.
    static func isPath(_ path: String) -> Bool {
        path == "/"
            || (path.count >= 2 && path.hasPrefix("/") && path.hasSuffix("/")
                && path.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) })
    }
}
