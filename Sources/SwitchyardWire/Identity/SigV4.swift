import Crypto
import Foundation

/// What a SigV4-signed request says about its signer, read from the Authorization header or from the
/// query string of a presigned URL.
public struct SigV4Credential: Sendable, Equatable {
    public var accessKeyId: String
    /// yyyyMMdd from the credential scope.
    public var date: String
    public var region: String
    public var service: String
    /// The signed header names as the request lists them, separated by ';'.
    public var signedHeaderList: String
    public var signature: String
    /// `X-Amz-Date` (yyyyMMdd'T'HHmmss'Z').
    public var amzDate: String?
    public var presigned: Bool

    public var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

    /// The signed header names; split only when a signature is verified.
    public var signedHeaders: [String] { signedHeaderList.split(separator: ";").map(String.init) }
}

/// Reads and verifies AWS Signature Version 4.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Parses the credential of a request; nil when the request carries no SigV4 signature at all.
    /// Throws `IncompleteSignature` when it carries a malformed one.
    public static func credential(of request: WireRequest) throws -> SigV4Credential? {
        if let authorization = request.header("authorization") {
            return try parseAuthorization(authorization, amzDate: request.header("x-amz-date"))
        }
        guard let query = request.query, query.contains("X-Amz-Credential") else { return nil }
        var fields: [String: String] = [:]
        for (name, value) in FormParameters.decode(Array(query.utf8)) { fields[name] = value }
        guard fields["X-Amz-Algorithm"] == algorithm, let credential = fields["X-Amz-Credential"],
            let signature = fields["X-Amz-Signature"], let signedHeaders = fields["X-Amz-SignedHeaders"]
        else {
            throw incomplete(
                "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders' and 'X-Amz-Date'."
            )
        }
        var parsed = try parseScope(credential)
        parsed.signedHeaderList = signedHeaders
        parsed.signature = signature
        parsed.amzDate = fields["X-Amz-Date"]
        parsed.presigned = true
        return parsed
    }

    static func parseAuthorization(_ header: String, amzDate: String?) throws -> SigV4Credential {
        // Every request carries this header, so it is scanned as bytes: Character-level splitting cost
        // more than the rest of the request's identity resolution.
        var header = header
        let fields = header.withUTF8 { authorizationFields($0) }
        guard let fields else {
            throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        var missing: [String] = []
        if fields.credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if fields.signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if fields.signedHeaders == nil { missing.append("Authorization header requires 'SignedHeaders' parameter.") }
        if amzDate == nil {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard missing.isEmpty, let credential = fields.credential else {
            throw incomplete(missing.joined(separator: " ") + " Authorization=\(header)")
        }
        var parsed = try parseScope(credential)
        parsed.signedHeaderList = fields.signedHeaders ?? ""
        parsed.signature = fields.signature ?? ""
        parsed.amzDate = amzDate
        return parsed
    }

    private static let authorizationPrefix = Array((algorithm + " ").utf8)

    /// The Credential, Signature and SignedHeaders values of an Authorization header: comma-separated
    /// `name=value` pairs after the algorithm, spaces around them trimmed, parts without `=` skipped,
    /// the last of repeated names winning. Nil when the header does not start with the algorithm.
    static func authorizationFields(_ bytes: UnsafeBufferPointer<UInt8>)
        -> (credential: String?, signature: String?, signedHeaders: String?)?
    {
        guard bytes.count >= authorizationPrefix.count,
            authorizationPrefix.indices.allSatisfy({ bytes[$0] == authorizationPrefix[$0] })
        else { return nil }
        var fields: (credential: String?, signature: String?, signedHeaders: String?) = (nil, nil, nil)
        var partStart = authorizationPrefix.count
        while partStart < bytes.count {
            var partEnd = partStart
            while partEnd < bytes.count, bytes[partEnd] != UInt8(ascii: ",") { partEnd += 1 }
            var equals = partStart
            while equals < partEnd, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
            if equals < partEnd {
                let name = trimmingSpaces(bytes, partStart..<equals)
                let value = trimmingSpaces(bytes, (equals + 1)..<partEnd)
                func text() -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self) }
                if matches(bytes, name, "Credential") {
                    fields.credential = text()
                } else if matches(bytes, name, "Signature") {
                    fields.signature = text()
                } else if matches(bytes, name, "SignedHeaders") {
                    fields.signedHeaders = text()
                }
            }
            partStart = partEnd + 1
        }
        return fields
    }

    private static func trimmingSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] == UInt8(ascii: " ") { lower += 1 }
        while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
        return lower..<upper
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ name: StaticString) -> Bool
    {
        range.count == name.utf8CodeUnitCount
            && range.indices.allSatisfy { bytes[$0] == name.utf8Start[$0 - range.lowerBound] }
    }

    /// Parses `AKID/yyyyMMdd/region/service/aws4_request`.
    /// The credential of a scope `<key>/<yyyyMMdd>/<region>/<service>/aws4_request`, without a signature.
    public static func parseScope(_ credential: String) throws -> SigV4Credential {
        var parts: [Substring] = []
        parts.reserveCapacity(5)
        var rest = credential[...]
        while let slash = rest.utf8.firstIndex(of: UInt8(ascii: "/")) {
            parts.append(rest[..<slash])
            rest = rest[rest.utf8.index(after: slash)...]
        }
        parts.append(rest)
        guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty else {
            throw incomplete(
                "Credential should be scoped to a valid region, not '\(parts.count > 2 ? parts[2] : "")'. ")
        }
        return SigV4Credential(
            accessKeyId: String(parts[0]), date: String(parts[1]), region: String(parts[2]), service: String(parts[3]),
            signedHeaderList: "", signature: "", amzDate: nil, presigned: false)
    }

    static func incomplete(_ message: String) -> AWSError {
        AWSError("IncompleteSignature", message, httpStatus: 403)
    }

    /// Checks that the signature is current: X-Amz-Date within 15 minutes of `now`, or for a presigned
    /// URL, `now` before X-Amz-Date plus X-Amz-Expires. Throws `SignatureDoesNotMatch` as AWS words it.
    public static func checkTime(_ request: WireRequest, credential: SigV4Credential, now: Date) throws {
        guard let text = credential.amzDate, let signed = parseAmzDate(text) else {
            throw incomplete("Date must be in ISO-8601 'basic format'. Got '\(credential.amzDate ?? "")'.")
        }
        let window: TimeInterval = 15 * 60
        if credential.presigned {
            let expires = try presignedLifetime(request)
            if signed > now.addingTimeInterval(window) {
                throw AWSError(
                    "SignatureDoesNotMatch",
                    "Signature not yet current: \(text) is still later than \(formatAmzDate(now.addingTimeInterval(window))) (\(formatAmzDate(now)) + 15 min.)",
                    httpStatus: 403)
            }
            if now > signed.addingTimeInterval(expires) {
                throw AWSError(
                    "SignatureDoesNotMatch",
                    "Signature expired: \(formatAmzDate(signed.addingTimeInterval(expires))) is now earlier than \(formatAmzDate(now))",
                    httpStatus: 403)
            }
            return
        }
        if signed < now.addingTimeInterval(-window) {
            throw AWSError(
                "SignatureDoesNotMatch",
                "Signature expired: \(text) is now earlier than \(formatAmzDate(now.addingTimeInterval(-window))) (\(formatAmzDate(now)) - 15 min.)",
                httpStatus: 403)
        }
        if signed > now.addingTimeInterval(window) {
            throw AWSError(
                "SignatureDoesNotMatch",
                "Signature not yet current: \(text) is still later than \(formatAmzDate(now.addingTimeInterval(window))) (\(formatAmzDate(now)) + 15 min.)",
                httpStatus: 403)
        }
    }

    /// The longest a presigned URL may live: one week, as AWS allows.
    public static let maxPresignedLifetime = 604_800

    /// X-Amz-Expires of a presigned URL in seconds (900 when absent): a whole number from 1 to a week.
    static func presignedLifetime(_ request: WireRequest) throws -> TimeInterval {
        let given = request.query.flatMap { query in
            FormParameters.decode(Array(query.utf8)).first { $0.0 == "X-Amz-Expires" }?.1
        }
        guard let given else { return 900 }
        func invalid(_ message: String) -> AWSError {
            AWSError("AuthorizationQueryParametersError", message, httpStatus: 400)
        }
        guard let seconds = Int(given) else { throw invalid("X-Amz-Expires should be a number") }
        guard seconds >= 0 else { throw invalid("X-Amz-Expires must be non-negative") }
        guard seconds <= maxPresignedLifetime else {
            throw invalid(
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"
            )
        }
        return TimeInterval(seconds)
    }

    /// Parses yyyyMMdd'T'HHmmss'Z'.
    static func parseAmzDate(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: digits[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    static func formatAmzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2) + "T" + pad(parts.hour, 2)
            + pad(parts.minute, 2) + pad(parts.second, 2) + "Z"
    }

    /// Checks the signature of `request` against `secretKey`; throws `SignatureDoesNotMatch` if it differs.
    ///
    /// The payload is part of what is signed: outside S3 the body's own SHA-256 goes into the canonical
    /// request whatever `x-amz-content-sha256` claims (so a captured signature cannot carry another
    /// body); S3 signs the declared value, which must then be the body's hash unless it declares an
    /// unsigned or streamed payload.
    public static func verify(_ request: WireRequest, credential: SigV4Credential, secretKey: String) throws {
        if credential.service == "s3", let declared = request.header("x-amz-content-sha256"),
            declared.utf8.count == 64, declared.lowercased() != bodyHash(request)
        {
            throw AWSError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.", httpStatus: 400)
        }
        let expected = signature(for: request, credential: credential, secretKey: secretKey)
        guard expected == credential.signature else { throw signatureMismatch }
    }

    /// What AWS answers a signature it computes differently.
    public static let signatureMismatch = AWSError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        httpStatus: 403)

    /// The hex signature AWS would compute for the request.
    public static func signature(for request: WireRequest, credential: SigV4Credential, secretKey: String) -> String {
        let canonical = canonicalRequest(request, credential: credential)
        let stringToSign = [
            algorithm, credential.amzDate ?? "", credential.scope, hex(SHA256.hash(data: Array(canonical.utf8))),
        ].joined(separator: "\n")
        let key = signingKey(secretKey: secretKey, credential: credential)
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// The key derived from the secret for the credential's scope (date, region, service).
    public static func signingKey(secretKey: String, credential: SigV4Credential) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secretKey)".utf8))
        for part in [credential.date, credential.region, credential.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// For an S3 upload whose chunks are signed (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, with or without
    /// a trailer), the chain that verifies them; nil for any other payload.
    public static func chunkSignatures(
        _ request: WireRequest, credential: SigV4Credential, secretKey: String
    ) -> ChunkSignatureChain? {
        guard credential.service == "s3",
            request.header("x-amz-content-sha256")?.hasPrefix("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") == true
        else { return nil }
        return ChunkSignatureChain(
            signingKey: signingKey(secretKey: secretKey, credential: credential), amzDate: credential.amzDate ?? "",
            scope: credential.scope, seed: credential.signature)
    }

    /// The SHA-256 of the body received: computed while a spooled body was written, else now.
    static func bodyHash(_ request: WireRequest) -> String {
        request.spooledBody?.sha256Hex ?? hex(SHA256.hash(data: request.body))
    }

    static func canonicalRequest(_ request: WireRequest, credential: SigV4Credential) -> String {
        var queryPairs: [(String, String)] = []
        if let query = request.query {
            for (name, value) in FormParameters.decodeStrict(Array(query.utf8))
            where !(credential.presigned && name == "X-Amz-Signature") {
                queryPairs.append((uriEncode(name), uriEncode(value)))
            }
        }
        queryPairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        let canonicalQuery = queryPairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let headers = credential.signedHeaders.map { name -> String in
            let value = request.header(name) ?? ""
            let collapsed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            return "\(name):\(collapsed)\n"
        }.joined()
        let payloadHash: String
        if credential.service == "s3" {
            // Only S3 signs a declared payload hash (or UNSIGNED-PAYLOAD, as its presigned URLs do).
            payloadHash =
                request.header("x-amz-content-sha256")
                ?? (credential.presigned ? "UNSIGNED-PAYLOAD" : Self.bodyHash(request))
        } else {
            // Every other service hashes the body it received, whatever a header claims.
            payloadHash = Self.bodyHash(request)
        }
        let sent = request.signedPath ?? request.path
        let path = sent.isEmpty ? "/" : sent
        // S3 signs its path as sent (encoded once); every other service encodes the encoded path again.
        let canonicalPath = credential.service == "s3" ? path : uriEncode(path, keepSlash: true)
        return [
            request.method, canonicalPath, canonicalQuery, headers,
            credential.signedHeaders.joined(separator: ";"), payloadHash,
        ].joined(separator: "\n")
    }

    /// RFC 3986 encoding as SigV4 defines it: unreserved characters stay, everything else is %XX.
    static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 0xF)]))
            }
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { Hex.encode(bytes) }
}

extension FormParameters {
    /// Like `decode`, but '+' stays a plus sign, as SigV4's canonical query string requires.
    static func decodeStrict(_ bytes: [UInt8]) -> [(String, String)] {
        let protected = bytes.flatMap { $0 == UInt8(ascii: "+") ? Array("%2B".utf8) : [$0] }
        return decode(protected)
    }
}
