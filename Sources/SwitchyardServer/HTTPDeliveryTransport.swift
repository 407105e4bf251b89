import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardDelivery

/// Delivers to HTTP and HTTPS endpoints: a POST of the payload with the request's headers.
///
/// 2xx is delivered; 429, 5xx, timeouts and connection failures are retried; any other status is the
/// endpoint refusing the message, which no retry changes, so it goes to the dead-letter target.
struct HTTPDeliveryTransport: DeliveryTransport {
    let timeout: TimeAmount

    init(timeout: TimeAmount = .seconds(15)) {
        self.timeout = timeout
    }

    /// The shared client, made on the first HTTP delivery: making it starts event-loop threads and
    /// TLS machinery that a server without HTTP subscribers should not pay for in memory.
    private var client: HTTPClient { .shared }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        await attemptWithResponse(request).0
    }

    /// The attempt with the endpoint's answer (at most 1 MiB of it), for producers that read it
    /// (Firehose's HTTP endpoint and OpenSearch destinations).
    func attemptWithResponse(_ request: DeliveryRequest) async -> (DeliveryOutcome, [UInt8]?) {
        guard request.target.kind == .http else { return (.failed(reason: "not an HTTP endpoint"), nil) }
        let url = request.target.resource
        var post = HTTPClientRequest(url: url)
        post.method = .POST
        for (name, value) in request.headers ?? [:] { post.headers.add(name: name, value: value) }
        if !post.headers.contains(name: "Content-Type") {
            post.headers.add(name: "Content-Type", value: "text/plain; charset=UTF-8")
        }
        post.body = .bytes(ByteBuffer(bytes: request.body.bytes))
        do {
            let response = try await client.execute(post, timeout: timeout)
            let answer = (try? await response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) }
            switch response.status.code {
            case 200..<300: return (.delivered, answer)
            case 429, 500..<600: return (.retry(reason: "HTTP \(response.status.code)"), answer)
            default: return (.failed(reason: "HTTP \(response.status.code)"), answer)
            }
        } catch {
            return (.retry(reason: "\(error)"), nil)
        }
    }
}
