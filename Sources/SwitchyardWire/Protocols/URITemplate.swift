/// A REST operation's `requestUri` (`/{Bucket}/{Key+}?uploads`): literal path segments, labels that
/// take one segment, a greedy label that takes the rest, and query parameters the request must carry.
public struct URITemplate: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case label(String)
        case greedy(String)
    }

    let segments: [Segment]
    /// Query parameters the template fixes: `?uploads` needs the key, `?list-type=2` also the value.
    let queryLiterals: [(name: String, value: String?)]

    public init(_ requestURI: String) {
        let parts = requestURI.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].hasPrefix("/") ? parts[0].dropFirst() : parts[0]
        segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return .literal(String(segment)) }
            let name = segment.dropFirst().dropLast()
            return name.hasSuffix("+") ? .greedy(String(name.dropLast())) : .label(String(name))
        }
        var literals: [(String, String?)] = []
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                literals.append((String(halves[0]), halves.count > 1 ? String(halves[1]) : nil))
            }
        }
        queryLiterals = literals
    }

    /// Templates with more fixed parts win over those with fewer: `/{Bucket}?uploads` over `/{Bucket}`.
    var specificity: (Int, Int, Int) {
        let literals = segments.filter { if case .literal = $0 { return true } else { return false } }.count
        let greedy = segments.contains { if case .greedy = $0 { return true } else { return false } }
        return (queryLiterals.count, literals, greedy ? 0 : 1)
    }

    /// The labels of `pathSegments` (still percent-encoded, split on "/") when this template matches
    /// them and the query carries the template's literals.
    func match(_ pathSegments: [Substring], query: [String: [String]]) -> [String: String]? {
        for literal in queryLiterals {
            guard let values = query[literal.name] else { return nil }
            if let value = literal.value, !values.contains(value) { return nil }
        }
        var labels: [String: String] = [:]
        var index = 0
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < pathSegments.count else {
                    // A template that ends in "/" also takes the path without it.
                    if text.isEmpty && position == segments.count - 1 { continue }
                    return nil
                }
                guard Self.segment(pathSegments[index], equals: text) else { return nil }
                index += 1
            case .label(let name):
                guard index < pathSegments.count, !pathSegments[index].isEmpty else { return nil }
                labels[name] = Self.decode(pathSegments[index])
                index += 1
            case .greedy(let name):
                guard index < pathSegments.count else { return nil }
                let rest = pathSegments[index...].joined(separator: "/")
                guard !rest.isEmpty else { return nil }
                labels[name] = Self.decode(Substring(rest))
                index = pathSegments.count
            }
        }
        // A path with one "/" more than the template also matches (older SDKs sent Lambda's
        // InvokeAsync to ".../invoke-async/"; S3 takes "/bucket/" as "/bucket").
        let trailingSlash = index == pathSegments.count - 1 && pathSegments.last?.isEmpty == true
        return index == pathSegments.count || trailingSlash ? labels : nil
    }

    static func decode(_ segment: Substring) -> String {
        // Most segments hold no escape: they are taken as they are, without a byte-by-byte copy.
        guard segment.utf8.contains(UInt8(ascii: "%")) else { return String(segment) }
        return FormParameters.percentDecode(segment.utf8, plusIsSpace: false)
    }

    /// Whether a path segment, decoded, is a template's literal; compared in place when it holds no
    /// escape (every route of a method is tried against the path, so this runs often).
    static func segment(_ segment: Substring, equals literal: String) -> Bool {
        guard segment.utf8.contains(UInt8(ascii: "%")) else { return segment == literal }
        return decode(segment) == literal
    }
}

/// The operations of a REST service by HTTP method, most specific template first.
///
/// Some operations share a method and template (S3's PutObject, CopyObject, UploadPart and
/// UploadPartCopy are all `PUT /{Bucket}/{Key+}`); AWS tells them apart by the query parameters and
/// headers they require, and so does this table: of equally specific matches, the one with the most
/// required query parameters and headers present wins, a deprecated operation losing a tie.
public struct RESTRouteTable: Sendable {
    struct Route: Sendable {
        let template: URITemplate
        let operation: String
        let deprecated: Bool
        /// Query parameter and (lower-cased) header names of required input members.
        let requiredQuery: [String]
        let requiredHeaders: [String]
    }

    let routes: [String: [Route]]
    /// Per operation, the query parameters its template fixes (`uploads` of `?uploads`).
    let queryLiteralNames: [String: Set<String>]

    public init(operations: [OperationModel], shapes: [Shape]) {
        var byMethod: [String: [Route]] = [:]
        for operation in operations.sorted(by: { $0.name < $1.name }) {
            var query: [String] = []
            var headers: [String] = []
            if let input = operation.input {
                let shape = shapes[input]
                for ref in shape.members where shape.required.contains(ref.name) {
                    let wireName = ref.locationName ?? ref.name
                    if ref.location == "querystring" { query.append(wireName) }
                    if ref.location == "header" { headers.append(wireName.lowercased()) }
                }
            }
            byMethod[operation.httpMethod, default: []].append(
                Route(
                    template: URITemplate(operation.requestURI), operation: operation.name,
                    deprecated: operation.deprecated, requiredQuery: query, requiredHeaders: headers))
        }
        var literals: [String: Set<String>] = [:]
        for routes in byMethod.values {
            for route in routes { literals[route.operation] = Set(route.template.queryLiterals.map(\.name)) }
        }
        queryLiteralNames = literals
        routes = byMethod.mapValues { routes in
            routes.sorted { $0.template.specificity > $1.template.specificity }
        }
    }

    /// The operation a request calls and the labels its path fills in.
    public func match(_ request: WireRequest) -> (String, [String: String])? {
        match(method: request.method, path: request.path, query: request.queryValues, headers: request.headers)
    }

    /// The operation a request calls and the labels its path fills in.
    public func match(method: String, path: String, query: [String: [String]], headers: [String: String] = [:])
        -> (String, [String: String])?
    {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        let segments = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        var best: (route: Route, labels: [String: String], score: Int)?
        for route in routes[method] ?? [] {
            if let found = best, route.template.specificity < found.route.template.specificity { break }
            guard let labels = route.template.match(segments, query: query) else { continue }
            let present =
                route.requiredQuery.filter { query[$0] != nil }.count
                + route.requiredHeaders.filter { headers[$0] != nil }.count
            let missing = route.requiredQuery.count + route.requiredHeaders.count - present
            // All required parts present counts most, then how many there are, then not deprecated.
            let score = (missing == 0 ? 1_000_000 : 0) + present * 2 + (route.deprecated ? 0 : 1)
            if score > (best?.score ?? -1) { best = (route, labels, score) }
        }
        return best.map { ($0.route.operation, $0.labels) }
    }
}
