import SwitchyardDelivery
import SwitchyardMatching
import SwitchyardWire

/// Delivers an event to another event bus of this server (a rule's bus target, in this account or
/// another): the event goes on that bus as it is and is routed by that bus's rules. Another
/// account's bus takes it only as its resource policy allows the sending account.
struct EventBusDeliveryTransport: DeliveryTransport {
    let engine: EventBridgeEngine

    var deliversDurablyInline: Bool { true }

    func attempt(_ request: DeliveryRequest) async -> DeliveryOutcome {
        let parts = request.target.resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[5].hasPrefix("event-bus/") else {
            return .failed(reason: "not an event bus ARN")
        }
        let bus = BusKey(account: String(parts[4]), region: String(parts[3]), name: String(parts[5].dropFirst(10)))
        guard let text = request.body.text, var envelope = try? OrderedJSON.parse(Array(text.utf8)),
            case .scalar(.string(var id))? = envelope["id"], case .object(var members) = envelope
        else {
            return .failed(reason: "the payload is not an event")
        }
        // Another region's bus takes the event under a new id; account and region stay the origin's.
        if case .scalar(.string(let region))? = envelope["region"], region != bus.region,
            let position = members.firstIndex(where: { $0.key == "id" })
        {
            id = RandomUUID.make().lowercased()
            members[position].value = .scalar(.string(id))
            envelope = .object(members)
        }
        guard await engine.busExists(bus) else { return .retry(reason: "Event bus \(bus.name) does not exist.") }
        if let sender = request.source?.account, sender != bus.account,
            !(await engine.allowsPutEvents(on: bus, from: sender))
        {
            return .failed(reason: "AccessDeniedException: the bus's policy does not allow account \(sender)")
        }
        do {
            try await engine.forward(envelope, id: id, to: bus, traceHeader: request.traceHeader)
            return .delivered
        } catch {
            return .retry(reason: "\(error)")
        }
    }
}
