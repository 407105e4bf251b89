import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardDelivery
import SwitchyardModels
import SwitchyardWire

/// Invokes API destinations: an HTTP request to the destination's endpoint with the event as its
/// body, authorized as the destination's connection says (basic, API key, or an OAuth client
/// credentials token fetched and kept until it expires), with the connection's and the target's
/// headers and query parameters, at no more than the destination's rate.
struct APIDestinationTransport: DeliveryTransport {
    let engine: EventBridgeEngine
    let tokens = OAuthTokens()
    let pacing = InvocationPacing()
    let timeout: TimeAmount = .seconds(5)

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        guard let (destination, connection) = await engine.apiDestination(arn: request.target.resource) else {
            return .retry(reason: "the API destination does not exist")
        }
        guard let connection, let auth = EventBridgeService.auth(connection) else {
            return .failed(reason: "the API destination's connection does not exist")
        }
        var endpoint = destination.invocationEndpoint
        for value in Self.decodeList(request.metadata?["PathParameterValues"]) {
            guard let star = endpoint.range(of: "*") else { break }
            endpoint.replaceSubrange(star, with: value)
        }
        var query: [(String, String)] = []
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "User-Agent", value: "Amazon/EventBridge/ApiDestinations")
        var body = request.body.bytes
        if let parameters = auth.invocationHttpParameters {
            for header in parameters.headerParameters ?? [] {
                if let key = header.key { headers.replaceOrAdd(name: key, value: header.value ?? "") }
            }
            for item in parameters.queryStringParameters ?? [] {
                if let key = item.key { query.append((key, item.value ?? "")) }
            }
            body = Self.addingBodyParameters(parameters.bodyParameters ?? [], to: body)
        }
        for (name, value) in request.headers ?? [:] { headers.replaceOrAdd(name: name, value: value) }
        query += Self.decodeMap(request.metadata?["QueryStringParameters"])
        switch connection.authorizationType {
        case "BASIC":
            if let basic = auth.basicAuthParameters {
                let credentials = Data("\(basic.username):\(basic.password)".utf8).base64EncodedString()
                headers.replaceOrAdd(name: "Authorization", value: "Basic \(credentials)")
            }
        case "API_KEY":
            if let key = auth.apiKeyAuthParameters {
                headers.replaceOrAdd(name: key.apiKeyName, value: key.apiKeyValue)
            }
        default:
            guard let oauth = auth.oAuthParameters else { return .failed(reason: "OAuth parameters are missing") }
            do {
                let token = try await tokens.token(for: connection.arn, oauth, timeout: timeout)
                await engine.markAuthorized(connection.arn)
                headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
            } catch {
                return .retry(reason: "the OAuth token could not be obtained: \(error)")
            }
        }
        if !query.isEmpty {
            let encoded = query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
            endpoint += (endpoint.contains("?") ? "&" : "?") + encoded
        }
        await pacing.wait(destination.arn, perSecond: destination.rateLimitPerSecond)
        var call = HTTPClientRequest(url: endpoint)
        call.method = HTTPMethod(rawValue: destination.httpMethod)
        call.headers = headers
        if destination.httpMethod != "GET", destination.httpMethod != "HEAD" {
            call.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await HTTPClient.shared.execute(call, timeout: timeout)
            _ = try? await response.body.collect(upTo: 1 << 20)
            switch response.status.code {
            case 200..<300: return .delivered
            case 401, 407, 409, 429, 500..<600: return .retry(reason: "HTTP \(response.status.code)")
            default: return .failed(reason: "HTTP \(response.status.code)")
            }
        } catch {
            return .retry(reason: "\(error)")
        }
    }

    static func decodeList(_ text: String?) -> [String] {
        guard let text, case .array(let items)? = try? OrderedJSON.parse(Array(text.utf8)) else { return [] }
        return items.compactMap { if case .scalar(.string(let value)) = $0 { value } else { nil } }
    }

    static func decodeMap(_ text: String?) -> [(String, String)] {
        guard let text, case .object(let members)? = try? OrderedJSON.parse(Array(text.utf8)) else { return [] }
        return members.compactMap { member in
            if case .scalar(.string(let value)) = member.value { (member.key, value) } else { nil }
        }
    }

    /// The connection's body parameters join a JSON object body as members.
    static func addingBodyParameters(_ parameters: [EventBridge.ConnectionBodyParameter], to body: [UInt8]) -> [UInt8] {
        guard !parameters.isEmpty, case .object(var members)? = try? OrderedJSON.parse(body) else { return body }
        for parameter in parameters {
            guard let key = parameter.key else { continue }
            members.removeAll { $0.key == key }
            members.append((key, .scalar(.string(parameter.value ?? ""))))
        }
        return Array(OrderedJSON.object(members).text.utf8)
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// OAuth client-credentials tokens by connection, kept until shortly before they expire.
actor OAuthTokens {
    private var tokens: [String: (token: String, expires: ContinuousClock.Instant)] = [:]

    func token(for connection: String, _ oauth: EventBridge.CreateConnectionOAuthRequestParameters, timeout: TimeAmount)
        async throws -> String
    {
        if let kept = tokens[connection], kept.expires > .now { return kept.token }
        var call = HTTPClientRequest(url: oauth.authorizationEndpoint)
        // AWS takes the method in any case ("put"); HTTP's are upper case.
        call.method = HTTPMethod(rawValue: oauth.httpMethod.uppercased())
        let credentials = Data("\(oauth.clientParameters.clientID):\(oauth.clientParameters.clientSecret)".utf8)
            .base64EncodedString()
        call.headers.add(name: "Authorization", value: "Basic \(credentials)")
        call.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        var form = "grant_type=client_credentials"
        for parameter in oauth.oAuthHttpParameters?.bodyParameters ?? [] {
            guard let key = parameter.key else { continue }
            form += "&\(APIDestinationTransport.escape(key))=\(APIDestinationTransport.escape(parameter.value ?? ""))"
        }
        for header in oauth.oAuthHttpParameters?.headerParameters ?? [] {
            if let key = header.key { call.headers.replaceOrAdd(name: key, value: header.value ?? "") }
        }
        call.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(call, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code),
            let document = try? OrderedJSON.parse(Array(body.readableBytesView)),
            case .scalar(.string(let token))? = document["access_token"]
        else {
            throw OAuthFailure(status: Int(response.status.code))
        }
        var lifetime = 3600
        if case .scalar(.integer(let seconds))? = document["expires_in"] { lifetime = seconds }
        tokens[connection] = (token, .now + .seconds(max(1, lifetime - 30)))
        return token
    }

    struct OAuthFailure: Error, CustomStringConvertible {
        let status: Int
        var description: String { "the authorization endpoint answered HTTP \(status) without an access_token" }
    }
}

/// Spaces invocations of each destination so that no more than its rate go out per second.
actor InvocationPacing {
    private var next: [String: ContinuousClock.Instant] = [:]

    func wait(_ destination: String, perSecond: Int) async {
        let interval = Duration.seconds(1) / max(1, perSecond)
        let now = ContinuousClock.now
        let slot = max(now, next[destination] ?? now)
        next[destination] = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}
