import SwitchyardWire

/// S3's errors, worded as S3 answers them, with the detail elements it adds.
enum S3Errors {
    /// Identity failures in S3's words: an unsigned request is anonymous, denied unless a policy allows
    /// it (strict mode evaluates none), and an unknown key is named.
    @Sendable static func identityWording(_ error: AWSError, for wireProtocol: WireProtocol) -> AWSError {
        switch error.code {
        case "MissingAuthenticationToken":
            return AWSError("AccessDenied", "Access Denied", httpStatus: 403)
        case "InvalidClientTokenId":
            let key = error.details.first { $0.name == "AWSAccessKeyId" }?.value ?? ""
            return AWSError(
                "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
                httpStatus: 403
            ).with("AWSAccessKeyId", key)
        default:
            return error
        }
    }

    static func noSuchBucket(_ bucket: String) -> AWSError {
        AWSError("NoSuchBucket", "The specified bucket does not exist", httpStatus: 404).with("BucketName", bucket)
    }

    static func noSuchKey(_ key: String) -> AWSError {
        AWSError("NoSuchKey", "The specified key does not exist.", httpStatus: 404).with("Key", key)
    }

    static func noSuchVersion(_ key: String, _ versionId: String) -> AWSError {
        AWSError("NoSuchVersion", "The specified version does not exist.", httpStatus: 404)
            .with("Key", key).with("VersionId", versionId)
    }

    static func invalidVersionId(_ versionId: String) -> AWSError {
        AWSError("InvalidArgument", "Invalid version id specified").with("ArgumentName", "versionId")
            .with("ArgumentValue", versionId)
    }

    static func noSuchUpload(_ uploadId: String) -> AWSError {
        AWSError(
            "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            httpStatus: 404
        ).with("UploadId", uploadId)
    }

    static func bucketNotEmpty(_ bucket: String, versioned: Bool) -> AWSError {
        let message =
            versioned
            ? "The bucket you tried to delete is not empty. You must delete all versions in the bucket."
            : "The bucket you tried to delete is not empty"
        return AWSError("BucketNotEmpty", message, httpStatus: 409).with("BucketName", bucket)
    }

    static func alreadyOwnedByYou(_ bucket: String) -> AWSError {
        AWSError(
            "BucketAlreadyOwnedByYou",
            "Your previous request to create the named bucket succeeded and you already own it.", httpStatus: 409
        ).with("BucketName", bucket)
    }

    static func alreadyExists(_ bucket: String) -> AWSError {
        AWSError(
            "BucketAlreadyExists",
            "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
            httpStatus: 409
        ).with("BucketName", bucket)
    }

    static func invalidBucketName(_ bucket: String) -> AWSError {
        AWSError("InvalidBucketName", "The specified bucket is not valid.").with("BucketName", bucket)
    }

    static func preconditionFailed(_ condition: String) -> AWSError {
        AWSError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", httpStatus: 412)
            .with("Condition", condition)
    }

    static func invalidRange(_ range: String, size: Int) -> AWSError {
        AWSError("InvalidRange", "The requested range is not satisfiable", httpStatus: 416)
            .with("RangeRequested", range).with("ActualObjectSize", String(size))
    }

    static func badDigest() -> AWSError {
        AWSError("BadDigest", "The Content-MD5 you specified did not match what we received.")
    }

    static func invalidDigest(_ given: String) -> AWSError {
        AWSError("InvalidDigest", "The Content-MD5 you specified was invalid.").with("Content-MD5", given)
    }

    static func checksumMismatch(_ algorithm: ChecksumAlgorithm) -> AWSError {
        AWSError(
            "BadDigest", "The \(algorithm.rawValue) you specified did not match the calculated checksum.")
    }

    static func invalidArgument(_ message: String, name: String? = nil, value: String? = nil) -> AWSError {
        var error = AWSError("InvalidArgument", message)
        if let name { error = error.with("ArgumentName", name) }
        if let value { error = error.with("ArgumentValue", value) }
        return error
    }

    static func malformedXML() -> AWSError {
        AWSError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema")
    }

    static func noSuchConfiguration(_ code: String, _ message: String, bucket: String) -> AWSError {
        AWSError(code, message, httpStatus: 404).with("BucketName", bucket)
    }

    static func methodNotAllowed(_ method: String, resource: String) -> AWSError {
        AWSError("MethodNotAllowed", "The specified method is not allowed against this resource.", httpStatus: 405)
            .with("Method", method).with("ResourceType", resource)
    }

    /// A header whose value asks for something S3 does not do (501).
    static func unsupportedHeader(_ header: String, _ additionalMessage: String?) -> AWSError {
        var error = AWSError(
            "NotImplemented", "A header you provided implies functionality that is not implemented", httpStatus: 501,
            senderFault: false
        ).with("Header", header)
        if let additionalMessage { error = error.with("additionalMessage", additionalMessage) }
        return error
    }

    /// The conditional headers of a write: `If-None-Match: *` or `If-Match: <etag>`, not both.
    static func checkWriteConditions(ifMatch: String?, ifNoneMatch: String?) throws {
        if ifMatch != nil, ifNoneMatch != nil {
            throw unsupportedHeader(
                "If-Match,If-None-Match", "Multiple conditional request headers present in the request")
        }
        if let ifNoneMatch, ifNoneMatch != "*" {
            throw unsupportedHeader(
                "If-None-Match", "We don't accept the provided value of If-None-Match header for this API")
        }
        if ifMatch == "*" {
            throw unsupportedHeader("If-Match", "We don't accept the provided value of If-Match header for this API")
        }
    }
}
