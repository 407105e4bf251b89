import SwitchyardWire

/// The errors IAM answers, in AWS's words.
enum IAMErrors {
    static func alreadyExists(_ message: String) -> AWSError {
        AWSError("EntityAlreadyExistsException", message)
    }

    static func noSuchEntity(_ message: String) -> AWSError {
        AWSError("NoSuchEntityException", message)
    }

    static func deleteConflict(_ message: String) -> AWSError {
        AWSError("DeleteConflictException", message)
    }

    static func limitExceeded(_ message: String) -> AWSError {
        AWSError("LimitExceededException", message)
    }

    static func malformedPolicy(_ message: String) -> AWSError {
        AWSError("MalformedPolicyDocumentException", message)
    }

    static func malformedCertificate(_ message: String) -> AWSError {
        AWSError("MalformedCertificateException", message)
    }

    /// The wording is ours: no AWS answer to a mismatched key is recorded.
    static func keyPairMismatch() -> AWSError {
        AWSError("KeyPairMismatchException", "The private key does not match the public key in the certificate.")
    }

    /// The wording is ours, from the API reference's description of the error.
    static func duplicateCertificate() -> AWSError {
        AWSError(
            "DuplicateCertificateException", "The same certificate is already associated with a user in the account.")
    }

    static func invalidAuthenticationCode() -> AWSError {
        AWSError("InvalidAuthenticationCodeException", "Authentication code for device is not valid.")
    }

    /// AWS's answer carries no message.
    static func credentialReportNotPresent() -> AWSError {
        AWSError("CredentialReportNotPresentException")
    }

    static func accessDenied(_ message: String) -> AWSError {
        AWSError("AccessDenied", message, httpStatus: 403)
    }

    static func invalidInput(_ message: String) -> AWSError {
        AWSError("InvalidInputException", message)
    }

    /// IAM's own validation failures, outside the model's shapes.
    static func validation(_ message: String) -> AWSError {
        AWSError("ValidationError", message)
    }

    /// A caller that is neither a user nor the account's root named no user for a per-user call.
    static func userNameRequired() -> AWSError {
        validation("Must specify userName when calling with non-User credentials")
    }

    /// A service-linked role changed by anyone but its service.
    static func protectedRole(_ name: String) -> AWSError {
        AWSError(
            "UnmodifiableEntityException",
            "Cannot perform the operation on the protected role '\(name)' - this role is only modifiable by AWS")
    }

    static func passwordPolicyViolation() -> AWSError {
        AWSError("PasswordPolicyViolationException", "Password does not conform to the account password policy.")
    }

    /// ChangePassword with a wrong old password (no AWS recording; the code and wording are ours).
    static func incorrectOldPassword() -> AWSError {
        accessDenied("The old password is incorrect.")
    }

    /// ChangePassword to a password the account policy remembers (the wording is ours).
    static func passwordReused() -> AWSError {
        AWSError(
            "PasswordPolicyViolationException",
            "Password does not conform to the account password policy: it was used recently.")
    }

    /// ChangePassword by a principal other than an IAM user (the wording is ours).
    static func notAnIAMUser() -> AWSError {
        AWSError("InvalidUserTypeException", "Only IAM users can change their own password.")
    }

    /// Outbound identity federation enabled a second time (the wording is ours).
    static func featureEnabled() -> AWSError {
        AWSError("FeatureEnabledException", "Outbound identity federation is already enabled for this account.")
    }

    /// Outbound identity federation asked about or disabled while off (the wording is ours).
    static func featureDisabled() -> AWSError {
        AWSError("FeatureDisabledException", "Outbound identity federation is not enabled for this account.")
    }

    /// An SSH key IAM cannot read (it takes `ssh-rsa` keys in OpenSSH's form); the wording is ours.
    static func invalidPublicKey() -> AWSError {
        AWSError("InvalidPublicKeyException", "The specified public key is not a valid SSH RSA public key.")
    }

    static func duplicatePublicKey() -> AWSError {
        AWSError("DuplicateSSHPublicKeyException", "The specified SSH public key is already associated with the user.")
    }

    static func noSuchRole(_ name: String) -> AWSError {
        noSuchEntity("The role with name \(name) cannot be found.")
    }

    static func noSuchUser(_ name: String) -> AWSError {
        noSuchEntity("The user with name \(name) cannot be found.")
    }

    static func noSuchGroup(_ name: String) -> AWSError {
        noSuchEntity("The group with name \(name) cannot be found.")
    }

    static func noSuchPolicy(_ arn: String) -> AWSError {
        noSuchEntity("Policy \(arn) does not exist or is not attachable.")
    }

    static func noSuchVersion(_ arn: String, _ version: String) -> AWSError {
        noSuchEntity("Policy \(arn) version \(version) does not exist or is not attachable.")
    }

    static func noSuchMFADevice(_ serialNumber: String) -> AWSError {
        noSuchEntity("MFA Device with serial number \(serialNumber) does not exist.")
    }

    static func noSuchInstanceProfile(_ name: String) -> AWSError {
        noSuchEntity("Instance Profile \(name) cannot be found.")
    }
}
