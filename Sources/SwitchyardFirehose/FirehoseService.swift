import Foundation
import SwitchyardModels
import SwitchyardWire

/// Amazon Data Firehose's operations, all twelve: delivery streams, records, tags and encryption.
struct FirehoseService: FirehoseAPI {
    let engine: FirehoseEngine

    /// The stream a request names, which must exist.
    func stream(_ name: String, context: RequestContext) async throws -> DeliveryStreamRecord {
        let key = DeliveryStreamRecord.key(account: context.account, region: context.region, name: name)
        guard let stream = await engine.stream(key) else {
            throw FirehoseErrors.notFound(name: name, account: context.account)
        }
        return stream
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    /// JSON of a model shape's value, as configurations are stored.
    static func json(_ value: AWSValue, shape: String) -> OrderedJSON {
        guard let index = Firehose.model.shapeIndex[shape],
            let parsed = try? OrderedJSON.parse(Array(ShapeJSON.write(value, shape: index, model: Firehose.model).utf8))
        else { return .object([]) }
        return parsed
    }

    /// The one member of a request's structure whose name is `<Kind><suffix>`, with its kind.
    static func destinationMember(_ input: AWSValue, suffix: String) throws -> [(DestinationKind, AWSValue)] {
        let members = try input.structureMembers()
        return DestinationKind.allCases.compactMap { kind in
            members["\(kind.rawValue)Destination\(suffix)"].map { (kind, $0) }
        }
    }
}
