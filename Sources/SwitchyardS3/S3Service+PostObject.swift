import Foundation
import SwitchyardModels
import SwitchyardWire

/// Browser form uploads (`POST /<bucket>` with multipart/form-data), as presigned POSTs make them:
/// the policy's expiration and conditions are checked, then the file field becomes the object.
/// Not a modelled operation, so the S3 endpoint takes these requests before routing.
extension S3Service {
    /// The answer to a form upload, or nil for any other request.
    func postObject(_ request: WireRequest) async -> WireResponse? {
        // A form upload is multipart/form-data, or at least signed for S3 (another service's POST to a
        // one-segment path, AppFlow's /list-flows, is not a bucket's).
        let form = (request.header("content-type") ?? "").lowercased().hasPrefix("multipart/form-data")
        guard request.method == "POST", request.query.map({ $0.isEmpty }) ?? true,
            let target = BucketCORS.target(of: request.path), target.key == nil
        else { return nil }
        let signedElsewhere = Self.signedForOtherService(request)
        guard !signedElsewhere else { return nil }
        var addressesBucket = form
        if !addressesBucket { addressesBucket = (try? await engine.bucket(target.bucket)) != nil }
        guard addressesBucket else { return nil }
        var answer: WireResponse
        do {
            answer = try await acceptForm(request, bucketName: target.bucket)
        } catch let error as AWSError {
            answer = BucketCORS.error(error)
        } catch {
            answer = BucketCORS.error(
                AWSError("InternalError", "We encountered an internal error. Please try again.", httpStatus: 500))
        }
        return answer
    }

    private func acceptForm(_ request: WireRequest, bucketName: String) async throws -> WireResponse {
        guard let boundary = MultipartForm.boundary(of: request.header("content-type") ?? ""),
            let form = MultipartForm(body: request.body, boundary: boundary)
        else {
            throw AWSError(
                "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", httpStatus: 412
            )
            .with("Condition", "Bucket POST must be of the enclosure-type multipart/form-data")
        }
        let bucket = try await engine.bucket(bucketName)
        guard let file = form.fields.first(where: { $0.name.lowercased() == "file" }) else {
            throw AWSError("InvalidArgument", "POST requires exactly one file upload per request.")
                .with("ArgumentName", "file").with("ArgumentValue", "0")
        }
        guard var key = form.value("key") else {
            throw AWSError(
                "InvalidArgument",
                "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."
            )
            .with("ArgumentName", "key").with("ArgumentValue", "")
        }
        if let filename = file.filename { key = key.replacingOccurrences(of: "${filename}", with: filename) }
        if let policy = form.value("policy") {
            try Self.checkSignatureFields(form)
            if let signingSecrets { try FormSignature.verify(form, policy: policy, secrets: signingSecrets) }
            try PostPolicy.check(policy, form: form, bucket: bucketName, size: file.value.count)
        } else if signingSecrets != nil {
            // An unsigned form is an anonymous write, which strict mode (evaluating no bucket policy) refuses.
            throw AWSError("AccessDenied", "Access Denied", httpStatus: 403)
        }
        var version = ObjectVersionRecord(
            bucket: bucketName, key: key, versionId: "null", isDeleteMarker: false, lastModified: Self.now(), size: 0,
            etag: "", blob: nil, owner: bucket.account, sequence: 0)
        version.headers = Self.headers(
            contentType: form.value("content-type") ?? file.contentType.flatMap { $0.isEmpty ? nil : $0 },
            contentEncoding: form.value("content-encoding"), contentDisposition: form.value("content-disposition"),
            contentLanguage: form.value("content-language"), cacheControl: form.value("cache-control"),
            expires: form.value("expires"), websiteRedirectLocation: form.value("x-amz-website-redirect-location"))
        var metadata: [String: String] = [:]
        for field in form.fields where field.name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(field.name.lowercased().dropFirst("x-amz-meta-".count))] = field.text
        }
        version.metadata = metadata
        version.storageClass = try Self.storageClass(form.value("x-amz-storage-class"))
        if let tagging = form.value("tagging") { version.tags = try Self.tags(fromDocument: tagging) }
        applyEncryption(
            &version, bucket: bucket, requested: form.value("x-amz-server-side-encryption"), keyId: nil, bucketKey: nil)
        let ingested = try await files.ingest(.bytes(file.value), chunked: false, checksum: .crc64nvme)
        version.size = ingested.size
        version.etag = Hex.encode(ingested.md5)
        version.blob = ingested.blob
        version.checksum = ingested.checksum.map { StoredChecksum(algorithm: .crc64nvme, value: $0) }
        let context = RequestContext(account: bucket.account, region: bucket.region, host: request.header("host") ?? "")
        let stored = try await engine.putVersion(version)
        await notifications?.objectCreated(stored, event: "Post", context: context)
        var headers: [(String, String)] = [
            ("x-amzn-RequestId", context.requestId), ("ETag", ETags.quoted(stored.etag)),
        ]
        let location = Self.formUploadLocation(bucket: bucketName, key: key, request: request)
        headers.append(("Location", location))
        if let checksum = stored.checksum {
            headers.append((checksum.algorithm.headerName, checksum.value))
            headers.append(("x-amz-checksum-type", checksum.type))
        }
        if bucket.versioning == "Enabled" { headers.append(("x-amz-version-id", stored.versionId)) }
        if let redirect = form.value("success_action_redirect"), let url = URL(string: redirect), url.scheme != nil,
            url.host != nil
        {
            let separator = redirect.contains("?") ? "&" : "?"
            let query =
                "bucket=\(S3URLEncoding.encode(bucketName))&key=\(S3URLEncoding.encode(key))&etag=\(S3URLEncoding.encode(ETags.quoted(stored.etag)))"
            var answer = WireResponse(status: 303, headers: [("x-amzn-RequestId", context.requestId)], body: [])
            answer.headers.append(("Location", redirect + separator + query))
            S3Module.finish("", &answer)
            return answer
        }
        var answer = WireResponse(status: 204, headers: headers, body: [])
        if form.value("success_action_status") == "201" || form.value("success_action_status") == "200" {
            answer.status = Int(form.value("success_action_status") ?? "204") ?? 204
            if answer.status == 201 {
                var writer = XMLWriter()
                writer.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                writer.open("PostResponse")
                writer.element("Location", location)
                writer.element("Bucket", bucketName)
                writer.element("Key", key)
                writer.element("ETag", ETags.quoted(stored.etag))
                writer.close("PostResponse")
                answer.body = writer.bytes
                answer.headers.append(("Content-Type", "application/xml"))
            }
        }
        S3Module.finish("", &answer)
        return answer
    }

    /// Whether a request is signed for a service other than S3.
    static func signedForOtherService(_ request: WireRequest) -> Bool {
        let credential =
            request.header("authorization") ?? request.query.flatMap { query in
                FormParameters.decode(Array(query.utf8)).first { $0.0 == "X-Amz-Credential" }?.1
            } ?? ""
        return credential.contains("/aws4_request") && !credential.contains("/s3/aws4_request")
    }

    /// A policy must come with a signature and who signed it (SigV2 or SigV4 fields).
    static func checkSignatureFields(_ form: MultipartForm) throws {
        let v4 = form.value("x-amz-algorithm") != nil || form.value("x-amz-credential") != nil
        let v2 = form.value("awsaccesskeyid") != nil
        guard v2 || v4 || form.value("signature") != nil || form.value("x-amz-signature") != nil else {
            throw AWSError("AccessDenied", "Access Denied", httpStatus: 403)
        }
        let required =
            v4
            ? ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature"]
            : ["AWSAccessKeyId", "Signature"]
        for name in required where form.value(name) == nil {
            throw AWSError(
                "InvalidArgument",
                "Bucket POST must contain a field named '\(name)'.  If it is specified, please check the order of the fields."
            ).with("ArgumentName", name).with("ArgumentValue", "")
        }
    }

    /// Tags from a form's `tagging` field: a Tagging document.
    static func tags(fromDocument text: String) throws -> [String: String] {
        let root: XMLElement
        do {
            root = try XMLReader.parse(Array(text.utf8))
        } catch {
            throw S3Errors.malformedXML()
        }
        guard root.name == "Tagging", let set = root.child("TagSet") else { return [:] }
        let tags = set.children(named: "Tag").map { tag in
            S3.Tag(key: tag.child("Key")?.text ?? "", value: tag.child("Value")?.text ?? "")
        }
        return try validatedTags(tags, for: .object)
    }
}

/// The policy document of a browser form upload: when it expires and what the form must satisfy.
enum PostPolicy {
    static func check(_ encoded: String, form: MultipartForm, bucket: String, size: Int) throws {
        guard let data = Data(base64Encoded: encoded),
            let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw AWSError("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
        }
        if let expiration = document["expiration"] as? String {
            guard let date = Timestamps.parse(expiration), date > Date() else {
                throw AWSError("AccessDenied", "Invalid according to Policy: Policy expired.", httpStatus: 403)
            }
        }
        func value(_ field: String) -> String? {
            let name = field.hasPrefix("$") ? String(field.dropFirst()) : field
            return name.lowercased() == "bucket" ? bucket : form.value(name)
        }
        func failed(_ parts: [String]) -> AWSError {
            let described = parts.map { "\"\($0)\"" }.joined(separator: ", ")
            return AWSError(
                "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\(described)]", httpStatus: 403)
        }
        for condition in document["conditions"] as? [Any] ?? [] {
            if let simple = condition as? [String: Any] {
                guard simple.count == 1, let (field, expected) = simple.first else {
                    throw AWSError(
                        "InvalidPolicyDocument",
                        "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
                    )
                }
                let text = "\(expected)"
                guard value(field) == text else { throw failed(["eq", "$\(field)", text]) }
                continue
            }
            guard let list = condition as? [Any], let operation = (list.first as? String)?.lowercased() else {
                continue
            }
            let arguments = list.dropFirst().map { "\($0)" }
            switch operation {
            case "eq", "starts-with":
                guard arguments.count == 2 else { continue }
                let field = arguments[0]
                guard field.hasPrefix("$"), let actual = value(field) else { throw failed([operation] + arguments) }
                let holds = operation == "eq" ? actual == arguments[1] : actual.hasPrefix(arguments[1])
                if !holds { throw failed([operation] + arguments) }
            case "content-length-range":
                guard arguments.count == 2, let minimum = Int(arguments[0]), let maximum = Int(arguments[1]) else {
                    throw failed([operation] + arguments)
                }
                if size > maximum {
                    throw AWSError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
                        .with("ProposedSize", String(size)).with("MaxSizeAllowed", String(maximum))
                }
                if size < minimum {
                    throw AWSError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
                        .with("ProposedSize", String(size)).with("MinSizeAllowed", String(minimum))
                }
            default:
                continue
            }
        }
    }
}

extension S3Service {
    /// Where a form upload's object is: the virtual-hosted URL of the object on the host the form was
    /// posted to (S3 answers `https://<bucket>.s3.amazonaws.com/<key>`), path-style on an IP address.
    static func formUploadLocation(bucket: String, key: String, request: WireRequest) -> String {
        let host = request.header("host") ?? "localhost:4566"
        let path = S3URLEncoding.encode(key)
        if host.lowercased().hasSuffix("amazonaws.com") { return "https://\(bucket).s3.amazonaws.com/\(path)" }
        // Posted to the bucket's own host (the router moved the bucket into the path).
        if request.signedPath != nil { return "http://\(host)/\(path)" }
        let name = host.split(separator: ":").first.map(String.init) ?? host
        let isAddress = host.hasPrefix("[") || name.allSatisfy { $0.isNumber || $0 == "." }
        return isAddress ? "http://\(host)/\(bucket)/\(path)" : "http://\(bucket).\(host)/\(path)"
    }
}
