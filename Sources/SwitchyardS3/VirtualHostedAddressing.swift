import SwitchyardWire

/// Buckets named by the Host header (`<bucket>.s3.<region>.amazonaws.com`, `<bucket>.localhost:4566`,
/// `<bucket>.s3.localhost.localstack.cloud:4566`), which S3 serves as if the bucket were the path's
/// first segment.
enum VirtualHostedAddressing {
    /// The request with its bucket moved from the host into the path, or nil when the host names none.
    static func rewrite(_ request: WireRequest) -> WireRequest? {
        guard let host = request.header("host"), let bucket = bucket(inHost: host) else { return nil }
        var rewritten = request
        rewritten.signedPath = request.path
        rewritten.path = "/" + bucket + (request.path.isEmpty ? "/" : request.path)
        if rewritten.path.hasSuffix("/"), request.path == "/" { rewritten.path.removeLast() }
        return rewritten
    }

    static func bucket(inHost header: String) -> String? {
        var host = header.lowercased()
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
        // Function URLs (<id>.lambda-url.<region>.localhost) are Lambda's, not buckets.
        if host.contains(".lambda-url.") { return nil }
        // Website endpoints (<bucket>.s3-website...) are answered by StaticWebsite, host and all.
        if StaticWebsite.bucket(inHost: host) != nil { return nil }
        for suffix in [".s3.localhost.localstack.cloud", ".localhost.localstack.cloud", ".localhost"]
        where host.hasSuffix(suffix) {
            let bucket = String(host.dropLast(suffix.count))
            return bucket.isEmpty || bucket == "s3" || bucket.hasPrefix("s3.") ? nil : bucket
        }
        guard host.hasSuffix(".amazonaws.com") else { return nil }
        // <bucket>.s3.amazonaws.com, <bucket>.s3.<region>.amazonaws.com, <bucket>.s3-<region>.amazonaws.com
        let labels = host.dropLast(".amazonaws.com".count).split(separator: ".", omittingEmptySubsequences: false)
        guard let index = labels.lastIndex(where: { $0 == "s3" || $0.hasPrefix("s3-") }), index > 0 else { return nil }
        return labels[..<index].joined(separator: ".")
    }
}
