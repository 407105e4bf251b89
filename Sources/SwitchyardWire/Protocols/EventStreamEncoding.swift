import Foundation

/// Frames the events of an event-stream member as `application/vnd.amazon.eventstream` messages,
/// from the model: each event's `eventheader` members become typed headers, its `eventpayload`
/// member (or, without one, its other members as a document) the payload.
public struct EventStreamEncoding: Sendable {
    let model: ServiceModel
    /// The stream's union shape (`eventstream: true`).
    let union: Shape
    /// restXml writes documents as XML (S3 SelectObjectContent); the JSON protocols as JSON.
    let isXML: Bool
    /// A CBOR request (Kinesis's Java SDK) gets its events' documents in CBOR, with timestamps in
    /// epoch milliseconds as the rest of its answers.
    let isCBOR: Bool

    public init(model: ServiceModel, union: Shape, isXML: Bool = false, isCBOR: Bool = false) {
        self.model = model
        self.union = union
        self.isXML = isXML
        self.isCBOR = isCBOR
    }

    /// The body of a response whose payload is this stream: `initialResponse` first when the
    /// protocol sends one (awsJson puts the output's other members in an `initial-response` event),
    /// then each event as it comes. An error the source throws ends the stream with an error message.
    public func body(_ source: EventSource, initialResponse: [UInt8]? = nil) -> ByteStream {
        let state = StreamProgress(pending: initialResponse.map { Self.initialResponse($0).encoded })
        return ByteStream { [self] in
            if let first = state.takePending() { return first }
            guard !state.finished else { return nil }
            do {
                guard let event = try await source.next() else {
                    state.finished = true
                    return nil
                }
                return message(for: event).encoded
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                state.finished = true
                let failure = error as? AWSError ?? .internalFailure()
                return EventStreamMessage.error(code: failure.code, message: failure.message ?? failure.code).encoded
            }
        }
    }

    /// The `initial-response` event awsJson sends before the stream's own events.
    static func initialResponse(_ document: [UInt8]) -> EventStreamMessage {
        EventStreamMessage.event("initial-response", payload: document)
    }

    /// One event framed as its member of the union says.
    public func message(for event: StreamEvent) -> EventStreamMessage {
        guard let ref = union.member(named: event.name) else {
            return .error(code: "InternalFailure", message: "The stream has no event named \(event.name).")
        }
        let shape = model[ref.target]
        let members: AWSStructure
        if case .structure(let given) = event.value { members = given } else { members = [:] }
        var headers: [(name: String, value: EventStreamMessage.HeaderValue)] =
            event.isException
            ? [(":message-type", .string("exception")), (":exception-type", .string(event.name))]
            : [(":message-type", .string("event")), (":event-type", .string(event.name))]
        var documentMembers = AWSStructure(minimumCapacity: shape.members.count)
        var payload: (bytes: [UInt8], contentType: String)?
        for member in shape.members {
            guard let value = members[member.name] else { continue }
            if member.eventHeader {
                if let header = Self.header(value, shape: model[member.target]) {
                    headers.append((member.locationName ?? member.name, header))
                }
            } else if member.eventPayload {
                payload = self.payload(value, shape: model[member.target], name: member.name)
            } else {
                documentMembers[member.name] = value
            }
        }
        let body = payload ?? (document(.structure(documentMembers), shape: shape, name: event.name), documentType)
        headers.append((":content-type", .string(body.contentType)))
        return EventStreamMessage(headers: headers, payload: body.bytes)
    }

    private var documentType: String {
        isXML ? "text/xml" : isCBOR ? "application/x-amz-cbor-1.1" : "application/json"
    }

    private func payload(_ value: AWSValue, shape: Shape, name: String) -> (bytes: [UInt8], contentType: String) {
        switch value {
        case .blob(let data): return (Array(data), "application/octet-stream")
        case .string(let text): return (Array(text.utf8), "text/plain")
        default: return (document(value, shape: shape, name: shape.locationName ?? name), documentType)
        }
    }

    private func document(_ value: AWSValue, shape: Shape, name: String) -> [UInt8] {
        if isXML {
            var writer = XMLWriter()
            writer.open(name)
            writer.members(value, shape: shape, model: model, restNames: true)
            writer.close(name)
            return writer.bytes
        }
        if isCBOR {
            var writer = CBORWriter()
            writer.millisecondTimestamps = true
            writer.value(value, shape: shape, model: model)
            return writer.bytes
        }
        var writer = JSONWriter()
        writer.value(value, shape: shape, model: model, jsonNames: true)
        return writer.bytes
    }

    /// A header member's value in the framing's types, as the model types it.
    static func header(_ value: AWSValue, shape: Shape) -> EventStreamMessage.HeaderValue? {
        switch (value, shape.kind) {
        case (.string(let text), _): return .string(text)
        case (.boolean(let flag), _): return .bool(flag)
        case (.integer(let number), .long): return .long(Int64(number))
        case (.integer(let number), _): return .integer(Int32(clamping: number))
        case (.blob(let data), _): return .bytes(Array(data))
        case (.timestamp(let date), _): return .timestamp(Int64((date.timeIntervalSince1970 * 1000).rounded()))
        default: return nil
        }
    }
}

/// Where an event stream's body is: an initial message still to send, or the end reached.
///
/// `@unchecked Sendable` because the transport pulls one chunk at a time, so this state is never
/// touched by two tasks at once.
private final class StreamProgress: @unchecked Sendable {
    private var pending: [UInt8]?
    var finished = false

    init(pending: [UInt8]?) { self.pending = pending }

    func takePending() -> [UInt8]? {
        defer { pending = nil }
        return pending
    }
}
