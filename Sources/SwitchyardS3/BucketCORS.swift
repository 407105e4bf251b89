import Foundation
import SwitchyardModels
import SwitchyardWire

/// Cross-origin resource sharing as S3 does it from a bucket's CORS rules: preflight `OPTIONS`
/// requests are answered from the first rule that allows the origin, method and headers; actual
/// requests that such a rule allows get the same `Access-Control-*` headers.
struct BucketCORS: Sendable {
    let engine: S3Engine

    /// The bucket and key a path names (`/bucket/key`).
    static func target(of path: String) -> (bucket: String, key: String?)? {
        let trimmed = path.drop { $0 == "/" }
        guard !trimmed.isEmpty else { return nil }
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bucket = FormParameters.percentDecode(Array(parts[0].utf8), plusIsSpace: false)
        let key = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
        return (bucket, key)
    }

    /// The answer to a preflight request, or nil for any other request.
    func preflight(_ request: WireRequest) async -> WireResponse? {
        guard request.method == "OPTIONS", let target = Self.target(of: request.path) else { return nil }
        guard let origin = request.header("origin") else {
            return Self.error(
                AWSError("BadRequest", "Insufficient information. Origin request header needed.", httpStatus: 400))
        }
        let requestedMethod = request.header("access-control-request-method")
        let resource = target.key == nil ? "BUCKET" : "OBJECT"
        guard let bucket = try? await engine.bucket(target.bucket) else {
            return Self.error(
                AWSError("AccessForbidden", "CORSResponse: Bucket not found", httpStatus: 403).with("Method", "OPTIONS")
                    .with("ResourceType", "BUCKET"))
        }
        guard let rules = Self.rules(of: bucket) else {
            return Self.error(
                AWSError("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", httpStatus: 403).with(
                    "Method", requestedMethod ?? "OPTIONS"
                ).with("ResourceType", "BUCKET"))
        }
        let requestedHeaders = Self.headerList(request.header("access-control-request-headers"))
        guard let method = requestedMethod,
            let rule = Self.matching(rules, origin: origin, method: method, headers: requestedHeaders)
        else {
            return Self.error(
                AWSError(
                    "AccessForbidden",
                    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
                    httpStatus: 403
                ).with("Method", requestedMethod ?? "OPTIONS").with("ResourceType", resource))
        }
        var answer = WireResponse(
            status: 200,
            headers: [("x-amzn-RequestId", RandomUUID.make())]
                + Self.headers(for: rule, origin: origin, requestedHeaders: requestedHeaders),
            body: [])
        S3Module.finish("", &answer)
        return answer
    }

    /// An answer with the CORS headers an actual request's origin is allowed.
    func decorate(_ request: WireRequest, _ response: WireResponse) async -> WireResponse {
        guard let origin = request.header("origin"), request.method != "OPTIONS",
            let target = Self.target(of: request.path), let bucket = try? await engine.bucket(target.bucket),
            let rules = Self.rules(of: bucket)
        else { return response }
        let method = request.header("access-control-request-method") ?? request.method
        let requestedHeaders = Self.headerList(request.header("access-control-request-headers"))
        guard let rule = Self.matching(rules, origin: origin, method: method, headers: requestedHeaders) else {
            return response
        }
        var decorated = response
        decorated.headers += Self.headers(for: rule, origin: origin, requestedHeaders: requestedHeaders)
        return decorated
    }

    static func rules(of bucket: BucketRecord) -> [S3.CORSRule]? {
        let configuration =
            (try? StoredShape.read(
                S3.CORSConfiguration.self, bucket.configurations[BucketConfiguration.cors.rawValue])) ?? nil
        return configuration?.corsRules
    }

    static func headerList(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
    }

    /// The first rule allowing the origin, the method and every requested header.
    static func matching(_ rules: [S3.CORSRule], origin: String, method: String, headers: [String]) -> S3.CORSRule? {
        rules.first { rule in
            rule.allowedOrigins.contains { matches(pattern: $0, origin) } && rule.allowedMethods.contains(method)
                && headers.allSatisfy { header in
                    (rule.allowedHeaders ?? []).contains { matches(pattern: $0.lowercased(), header) }
                }
        }
    }

    /// An allowed origin or header: exact, `*`, or with one `*` standing for any characters.
    static func matches(pattern: String, _ value: String) -> Bool {
        if pattern == "*" { return true }
        guard let star = pattern.firstIndex(of: "*") else { return pattern == value }
        let prefix = pattern[..<star]
        let suffix = pattern[pattern.index(after: star)...]
        return value.count >= prefix.count + suffix.count && value.hasPrefix(prefix) && value.hasSuffix(suffix)
    }

    static func headers(for rule: S3.CORSRule, origin: String, requestedHeaders: [String]) -> [(String, String)] {
        let anyOrigin = rule.allowedOrigins.contains("*")
        var headers: [(String, String)] = [("Access-Control-Allow-Origin", anyOrigin ? "*" : origin)]
        headers.append(("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", ")))
        if !anyOrigin { headers.append(("Access-Control-Allow-Credentials", "true")) }
        if let maxAge = rule.maxAgeSeconds { headers.append(("Access-Control-Max-Age", String(maxAge))) }
        if !requestedHeaders.isEmpty {
            headers.append(("Access-Control-Allow-Headers", requestedHeaders.joined(separator: ", ")))
        }
        if let expose = rule.exposeHeaders, !expose.isEmpty {
            headers.append(("Access-Control-Expose-Headers", expose.joined(separator: ", ")))
        }
        headers.append(("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"))
        return headers
    }

    /// An S3 error answered outside an operation, as the protocol codec writes S3's errors.
    static func error(_ error: AWSError) -> WireResponse {
        let context = RequestContext(account: "", region: "", host: "", wireProtocol: .restXml)
        var answer = RESTCodec(.restXml).encodeError(error, model: S3.model, context: context)
        S3Module.finish("", &answer)
        return answer
    }
}
