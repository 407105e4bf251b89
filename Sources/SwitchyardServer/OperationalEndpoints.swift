import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// `/_switchyard/health` and the reset endpoints (also at moto's and LocalStack's paths, so that test
/// suites written for those tools can point at Switchyard).
public struct OperationalEndpoints: Sendable {
    public typealias Reset = @Sendable () async throws -> Void
    public typealias Statistics = @Sendable () async -> [String: Int]
    /// An endpoint a service adds under `/_switchyard/` (a signing certificate, delivery records).
    public typealias Route = OperationalRoute

    let storage: String
    let dataDirectory: String?
    /// Every service by client name: implemented, or planned (addressable, answering NotImplemented).
    let serviceNames: [String: Bool]
    let reset: Reset
    let statistics: Statistics
    var routes: [String: Route] = [:]
    /// Routes anyone may read in every mode (the SNS signing certificate subscribers fetch).
    var publicRoutes: Set<String> = []
    /// Who may use the administrative endpoints.
    var access = AdminAccess.open

    static let resetPaths: Set<String> = ["/_switchyard/reset", "/moto-api/reset", "/_localstack/state/reset"]

    func handle(_ request: WireRequest) async -> WireResponse? {
        let path = request.path
        guard
            path.hasPrefix("/_switchyard") || path.hasPrefix("/moto-api") || path.hasPrefix("/_localstack")
                || path.hasPrefix("/_aws/")
        else {
            return nil
        }
        let isAdmin = access.admits(request)
        if Self.resetPaths.contains(path) {
            if let refusal = access.refusal(request) { return refusal }
            guard request.method == "POST" else { return Self.json(405, ["message": "Use POST to reset."]) }
            do {
                try await reset()
                return Self.json(200, ["status": "reset"])
            } catch {
                return Self.json(500, ["message": "Reset failed: \(error)"])
            }
        }
        if path == "/_switchyard/health" || path == "/_localstack/health" {
            var services: [String: String] = [:]
            let localStack = path == "/_localstack/health"
            for (name, implemented) in serviceNames {
                services[name] =
                    implemented ? (localStack ? "running" : "available") : (localStack ? "disabled" : "planned")
            }
            var body: [String: Any] = [
                "status": "running", "version": SwitchyardVersion.current, "services": services,
            ]
            // Readiness is for anyone; where the data lives and how much there is, for admins.
            if isAdmin {
                body["storage"] = ["kind": storage, "dataDirectory": dataDirectory as Any]
                body["counts"] = await statistics()
            }
            return Self.json(200, body)
        }
        if let route = routes[path] {
            if !publicRoutes.contains(path), let refusal = access.refusal(request) { return refusal }
            return await route(request)
        }
        return Self.json(404, ["message": "No such operational endpoint: \(path)"])
    }

    static func json(_ status: Int, _ object: Any) -> WireResponse { OperationalResponse.json(status, object) }
}

/// Who may use the administrative operational endpoints (reset, captured messages, delivery records):
/// anyone by default, only the bearer of the configured token in strict mode, nobody in strict mode
/// without one.
public enum AdminAccess: Sendable {
    case open
    case token(String)
    case closed

    init(_ configuration: ServerConfiguration) {
        guard configuration.auth == .strict else {
            self = .open
            return
        }
        self = configuration.adminToken.map { .token($0) } ?? .closed
    }

    func admits(_ request: WireRequest) -> Bool { refusal(request) == nil }

    /// The answer to a request that may not use the endpoint, or nil when it may.
    func refusal(_ request: WireRequest) -> WireResponse? {
        switch self {
        case .open:
            return nil
        case .closed:
            return OperationalEndpoints.json(
                403,
                [
                    "message":
                        "The operational endpoints are closed in strict mode: start the server with --admin-token (SWITCHYARD_ADMIN_TOKEN) and send it as 'Authorization: Bearer <token>'."
                ])
        case .token(let expected):
            let given = request.header("authorization").flatMap { header -> String? in
                guard header.lowercased().hasPrefix("bearer ") else { return nil }
                return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            }
            guard let given, Self.constantTimeEquals(given, expected) else {
                var response = OperationalEndpoints.json(
                    401, ["message": "This operational endpoint needs 'Authorization: Bearer <admin token>'."])
                response.headers.append(("WWW-Authenticate", "Bearer realm=\"switchyard\""))
                return response
            }
            return nil
        }
    }

    /// Compares without stopping at the first difference, so that timing tells nothing of the token.
    static func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
