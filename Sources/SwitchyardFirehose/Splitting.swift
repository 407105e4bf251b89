import CompressNIO
import Foundation
import NIOCore
import SwitchyardWire

/// The processors that turn one record into others: Decompression (GZIP, as CloudWatch Logs
/// subscriptions send), CloudWatchLogProcessing (with `DataMessageExtraction`, each log event's
/// message becomes a record and control messages are dropped) and RecordDeAggregation (`JSON`:
/// concatenated or line-separated JSON objects; `DELIMITED`: split by the base64 `Delimiter`).
struct Splitting: Sendable {
    let processor: ProcessorSettings

    init(_ processor: ProcessorSettings) { self.processor = processor }

    func run(_ records: [ProcessedRecord]) -> (records: [ProcessedRecord], failed: [FailedRecord]) {
        var output: [ProcessedRecord] = []
        var failed: [FailedRecord] = []
        for record in records {
            do {
                let parts = try split(record.data)
                for (index, part) in parts.enumerated() {
                    var piece = record
                    piece.data = part
                    piece.part = record.part * 1000 + index
                    output.append(piece)
                }
            } catch let failure as Failure {
                failed.append(
                    FailedRecord(
                        source: record.source, data: record.source.data, errorCode: failure.code,
                        errorMessage: failure.message, attempts: 1))
            } catch {
                continue
            }
        }
        return (output, failed)
    }

    struct Failure: Error {
        var code: String
        var message: String
    }

    private func split(_ data: [UInt8]) throws -> [[UInt8]] {
        switch processor.type {
        case "Decompression":
            var buffer = ByteBuffer(bytes: data)
            guard let inflated = try? buffer.decompress(with: .gzip(), maxSize: 64 << 20) else {
                throw Failure(code: "Decompression.Failed", message: "The record is not GZIP-compressed data.")
            }
            return [Array(inflated.readableBytesView)]
        case "CloudWatchLogProcessing":
            guard processor.parameters["DataMessageExtraction"]?.lowercased() == "true" else { return [data] }
            guard let document = try? OrderedJSON.parse(data) else {
                throw Failure(
                    code: "CloudWatchLogProcessing.InvalidData", message: "The record is not CloudWatch Logs data.")
            }
            guard document["messageType"]?.stringValue == "DATA_MESSAGE" else { return [] }
            return (document["logEvents"]?.arrayValue ?? []).compactMap { event in
                event["message"]?.stringValue.map { Array($0.utf8) }
            }
        case "RecordDeAggregation":
            if processor.parameters["SubRecordType"] == "DELIMITED" {
                guard let delimiter = Self.delimiter(processor.parameters["Delimiter"]) else { return [data] }
                return Self.split(data, by: delimiter)
            }
            return try Self.jsonObjects(data)
        default:
            return [data]
        }
    }

    /// The base64 `Delimiter` parameter's bytes.
    static func delimiter(_ parameter: String?) -> [UInt8]? {
        guard let parameter, let bytes = Data(base64Encoded: parameter), !bytes.isEmpty else { return nil }
        return Array(bytes)
    }

    static func split(_ data: [UInt8], by delimiter: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + delimiter.count <= data.count {
            if data[index..<index + delimiter.count].elementsEqual(delimiter) {
                parts.append(Array(data[start..<index]))
                index += delimiter.count
                start = index
            } else {
                index += 1
            }
        }
        if start < data.count { parts.append(Array(data[start...])) }
        return parts.filter { !$0.isEmpty }
    }

    /// The JSON objects of a record, one after another with or without whitespace between them.
    static func jsonObjects(_ data: [UInt8]) throws -> [[UInt8]] {
        var objects: [[UInt8]] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start: Int?
        for (index, byte) in data.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard depth > 0 else { throw invalidJSON }
                inString = true
            case UInt8(ascii: "{"):
                if depth == 0 { start = index }
                depth += 1
            case UInt8(ascii: "}"):
                guard depth > 0 else { throw invalidJSON }
                depth -= 1
                if depth == 0, let first = start {
                    objects.append(Array(data[first...index]))
                    start = nil
                }
            case 0x20, 0x09, 0x0A, 0x0D:
                continue
            default:
                guard depth > 0 else { throw invalidJSON }
            }
        }
        guard depth == 0, !inString else { throw invalidJSON }
        return objects
    }

    static let invalidJSON = Failure(
        code: "RecordDeAggregation.InvalidJSON", message: "The record is not a sequence of JSON objects.")
}
