import Foundation
import SwitchyardWire

/// `/_switchyard/health` and the reset endpoints (also at moto's and LocalStack's paths, so that test
/// suites written for those tools can point at Switchyard).
public struct OperationalEndpoints: Sendable {
    public typealias Reset = @Sendable () async throws -> Void
    public typealias Statistics = @Sendable () async -> [String: Int]
    /// An endpoint a service adds under `/_switchyard/` (a signing certificate, delivery records).
    public typealias Route = @Sendable (WireRequest) async -> WireResponse

    let storage: String
    let dataDirectory: String?
    let serviceNames: [String]
    let reset: Reset
    let statistics: Statistics
    var routes: [String: Route] = [:]

    static let resetPaths: Set<String> = ["/_switchyard/reset", "/moto-api/reset", "/_localstack/state/reset"]

    func handle(_ request: WireRequest) async -> WireResponse? {
        let path = request.path
        guard path.hasPrefix("/_switchyard") || path.hasPrefix("/moto-api") || path.hasPrefix("/_localstack") else {
            return nil
        }
        if Self.resetPaths.contains(path) {
            guard request.method == "POST" else { return json(405, ["message": "Use POST to reset."]) }
            do {
                try await reset()
                return json(200, ["status": "reset"])
            } catch {
                return json(500, ["message": "Reset failed: \(error)"])
            }
        }
        if path == "/_switchyard/health" || path == "/_localstack/health" {
            var services: [String: String] = [:]
            for name in serviceNames { services[name] = path == "/_localstack/health" ? "running" : "available" }
            var body: [String: Any] = [
                "status": "running", "version": SwitchyardVersion.current, "services": services,
                "storage": ["kind": storage, "dataDirectory": dataDirectory as Any],
            ]
            body["counts"] = await statistics()
            return json(200, body)
        }
        if let route = routes[path] { return await route(request) }
        return json(404, ["message": "No such operational endpoint: \(path)"])
    }

    static func json(_ status: Int, _ object: Any) -> WireResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return WireResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }

    private func json(_ status: Int, _ object: [String: Any]) -> WireResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return WireResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }
}
