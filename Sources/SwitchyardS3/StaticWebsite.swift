import Foundation
import SwitchyardModels
import SwitchyardWire

/// Static website hosting: requests to a bucket's website endpoint (`<bucket>.s3-website.localhost`,
/// `<bucket>.s3-website.localhost.localstack.cloud`, `<bucket>.s3-website-<region>.amazonaws.com`,
/// `<bucket>.s3-website.<region>.amazonaws.com`) are answered from its website configuration: objects,
/// folder index documents, the error document, redirects, and errors as HTML pages.
///
/// The endpoint takes unsigned GET and HEAD requests, as a browser sends them. Objects are served
/// whatever their ACLs and the bucket policy say, as every other read here is (access is not evaluated).
struct StaticWebsite: Sendable {
    let service: S3Service
    let cors: BucketCORS

    /// The bucket a website endpoint's host names, or nil for any other host.
    static func bucket(inHost header: String) -> String? {
        var host = header.lowercased()
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard let index = labels.lastIndex(where: { $0 == "s3-website" || $0.hasPrefix("s3-website-") }), index > 0
        else { return nil }
        return labels[..<index].joined(separator: ".")
    }

    /// The answer to a request for a website endpoint, or nil for any other request.
    func answer(_ request: WireRequest) async -> WireResponse? {
        guard let host = request.header("host"), let bucket = Self.bucket(inHost: host) else { return nil }
        // CORS works as on the REST endpoint, with the bucket named in the path.
        var addressed = request
        addressed.path = "/" + bucket + (request.path.hasPrefix("/") ? request.path : "/" + request.path)
        if let preflight = await cors.preflight(addressed) { return preflight }
        let requestId = RandomUUID.make()
        let answer: WireResponse
        do {
            answer = try await serve(request, bucket: bucket, host: host, requestId: requestId)
        } catch let error as AWSError where error.httpStatus == 304 {
            answer = Self.plain(status: 304, requestId: requestId)
        } catch let error as AWSError {
            answer = WebsiteErrorPage.response(error, requestId: requestId)
        } catch {
            answer = WebsiteErrorPage.response(
                AWSError("InternalError", "We encountered an internal error. Please try again.", httpStatus: 500),
                requestId: requestId)
        }
        return await cors.decorate(addressed, answer)
    }

    private func serve(_ request: WireRequest, bucket name: String, host: String, requestId: String) async throws
        -> WireResponse
    {
        let bucket = try await service.engine.bucket(name)
        let stored = bucket.configurations[BucketConfiguration.website.rawValue]
        guard let configuration = try StoredShape.read(S3.WebsiteConfiguration.self, stored) else {
            throw BucketConfiguration.website.missing(name)
        }
        let routing = WebsiteRouting(configuration: configuration)
        if let redirect = routing.redirectAll(path: request.path, query: request.query) {
            return Self.redirect(redirect, requestId: requestId)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            throw AWSError(
                "MethodNotAllowed", "The specified method is not allowed against this resource.", httpStatus: 405
            )
            .with("Method", request.method).with("ResourceType", "OBJECT")
        }
        let requestKey = WebsiteRouting.requestKey(ofPath: request.path)
        if let redirect = routing.ruleRedirect(for: requestKey, errorCode: nil, host: host) {
            return Self.redirect(redirect, requestId: requestId)
        }
        do {
            return try await object(routing.objectKey(for: requestKey), bucket: name, request: request)
        } catch let error as AWSError where error.httpStatus == 404 || error.httpStatus == 403 {
            // A folder asked for without its slash is sent to the folder, whose index then answers.
            if error.code == "NoSuchKey", let index = routing.folderIndexKey(for: requestKey),
                (try? await service.engine.version(bucket: name, key: index, versionId: nil)) != nil
            {
                return Self.redirect(.init(status: 302, location: request.path + "/"), requestId: requestId)
            }
            if let redirect = routing.ruleRedirect(for: requestKey, errorCode: error.httpStatus, host: host) {
                return Self.redirect(redirect, requestId: requestId)
            }
            guard let errorDocument = configuration.errorDocument?.key else { throw error }
            do {
                var page = try await object(errorDocument, bucket: name, request: request, conditional: false)
                // The error's status stays, unless the error document itself redirects.
                if page.status == 200 { page.status = error.httpStatus }
                return page
            } catch let failure as AWSError {
                return WebsiteErrorPage.response(error, requestId: requestId, errorDocumentFailure: failure)
            }
        }
    }

    /// An object as the website serves it: its bytes and headers, or the redirect its
    /// `x-amz-website-redirect-location` names. The error document is read without the request's
    /// conditions.
    private func object(_ key: String, bucket: String, request: WireRequest, conditional: Bool = true) async throws
        -> WireResponse
    {
        let header = { (name: String) in conditional ? request.header(name) : nil }
        let input = S3.GetObjectRequest(
            bucket: bucket, ifMatch: header("if-match"),
            ifModifiedSince: header("if-modified-since").flatMap(Timestamps.httpDate),
            ifNoneMatch: header("if-none-match"),
            ifUnmodifiedSince: header("if-unmodified-since").flatMap(Timestamps.httpDate),
            key: key, range: header("range"))
        let context = RequestContext(
            account: "", region: "", host: request.header("host") ?? "", wireProtocol: .restXml)
        let operation: String
        let output: AWSValue
        if request.method == "HEAD" {
            let head = try await service.headObject(
                S3.HeadObjectRequest(
                    bucket: bucket, ifMatch: input.ifMatch, ifModifiedSince: input.ifModifiedSince,
                    ifNoneMatch: input.ifNoneMatch, ifUnmodifiedSince: input.ifUnmodifiedSince, key: key,
                    range: input.range),
                context: context)
            if let location = head.websiteRedirectLocation {
                return Self.redirect(.init(status: 301, location: location), requestId: context.requestId)
            }
            (operation, output) = ("HeadObject", head.awsValue)
        } else {
            let object = try await service.getObject(input, context: context)
            if let location = object.websiteRedirectLocation {
                return Self.redirect(.init(status: 301, location: location), requestId: context.requestId)
            }
            (operation, output) = ("GetObject", object.awsValue)
        }
        guard let model = S3.model.operations[operation] else {
            throw AWSError("InternalError", "We encountered an internal error. Please try again.", httpStatus: 500)
        }
        var response = RESTCodec(.restXml).encodeResponse(output, operation: model, model: S3.model, context: context)
        S3Module.finish(operation, &response)
        return response
    }

    private static func redirect(_ redirect: WebsiteRouting.Redirect, requestId: String) -> WireResponse {
        var response = plain(status: redirect.status, requestId: requestId)
        response.headers.append(("Location", redirect.location))
        return response
    }

    private static func plain(status: Int, requestId: String) -> WireResponse {
        var response = WireResponse(status: status, headers: [("x-amzn-RequestId", requestId)])
        S3Module.finish("", &response)
        return response
    }
}
