import Foundation
import SwitchyardModels
import SwitchyardWire

extension FirehoseService {
    /// PutRecordBatch's limit on the records' total size.
    static let batchByteLimit = 4 * 1024 * 1024

    func putRecord(_ input: Firehose.PutRecordInput, context: RequestContext) async throws -> Firehose.PutRecordOutput {
        let stream = try await writable(input.deliveryStreamName, context: context)
        do {
            try await engine.put(stream.key, [Array(input.record.data)])
        } catch is FirehoseEngine.SlowDown {
            throw FirehoseErrors.slowDown
        }
        return Firehose.PutRecordOutput(recordId: Self.recordId(), encrypted: stream.encryption?.status == "ENABLED")
    }

    func putRecordBatch(_ input: Firehose.PutRecordBatchInput, context: RequestContext) async throws
        -> Firehose.PutRecordBatchOutput
    {
        let stream = try await writable(input.deliveryStreamName, context: context)
        let total = input.records.reduce(0) { $0 + $1.data.count }
        guard total <= Self.batchByteLimit else {
            throw FirehoseErrors.invalidArgument(
                "The total size of the records exceeds the maximum allowed size of \(Self.batchByteLimit) bytes.")
        }
        do {
            try await engine.put(stream.key, input.records.map { Array($0.data) })
        } catch is FirehoseEngine.SlowDown {
            // Throttled as a whole: every entry answers the error, for the producer to retry.
            return Firehose.PutRecordBatchOutput(
                failedPutCount: input.records.count, encrypted: stream.encryption?.status == "ENABLED",
                requestResponses: input.records.map { _ in
                    Firehose.PutRecordBatchResponseEntry(
                        errorCode: FirehoseErrors.slowDown.code, errorMessage: FirehoseErrors.slowDown.message ?? "")
                })
        }
        return Firehose.PutRecordBatchOutput(
            failedPutCount: 0, encrypted: stream.encryption?.status == "ENABLED",
            requestResponses: input.records.map { _ in Firehose.PutRecordBatchResponseEntry(recordId: Self.recordId()) }
        )
    }

    /// A stream that takes records from producers: DirectPut and active.
    private func writable(_ name: String, context: RequestContext) async throws -> DeliveryStreamRecord {
        let stream = try await stream(name, context: context)
        guard stream.type == "DirectPut" else {
            throw FirehoseErrors.invalidArgument(
                "This operation is not permitted on \(stream.type) delivery stream type.")
        }
        return stream
    }

    /// An opaque record id: 192 random bits, base64 (AWS documents only that it is unique). The bits
    /// come from the id generator seeded once, not the system's: a getrandom call per id was a tenth
    /// of the server's time under PutRecordBatch load.
    static func recordId() -> String {
        let (first, second) = RandomUUID.makeBits()
        let (third, _) = RandomUUID.makeBits()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        for word in [first, second, third] {
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return Data(bytes).base64EncodedString()
    }
}
