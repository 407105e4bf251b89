import Foundation

/// Decodes the `aws-chunked` content encoding that SDKs use to stream uploads: chunks of
/// `<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n`, a final zero-size chunk, then trailing headers
/// (`x-amz-checksum-crc32:<base64>`) and an empty line. Fed any slices of the body as they come.
struct AWSChunkedDecoder {
    enum Failure: Error { case malformed(String) }

    private enum State {
        case sizeLine
        case data(remaining: Int)
        case dataEnd
        case trailers
        case done
    }

    private var state = State.sizeLine
    private var line: [UInt8] = []
    /// Headers sent after the last chunk, by lower-cased name.
    private(set) var trailers: [String: String] = [:]
    /// Decoded bytes so far.
    private(set) var decodedCount = 0

    /// Decodes `bytes`, handing each run of payload bytes to `emit`.
    mutating func feed(_ bytes: ArraySlice<UInt8>, emit: (ArraySlice<UInt8>) throws -> Void) throws {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch state {
            case .data(let remaining):
                let end = min(bytes.endIndex, index + remaining)
                try emit(bytes[index..<end])
                decodedCount += end - index
                let left = remaining - (end - index)
                state = left == 0 ? .dataEnd : .data(remaining: left)
                index = end
            case .sizeLine, .dataEnd, .trailers:
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\n") else {
                    if byte != UInt8(ascii: "\r") { line.append(byte) }
                    guard line.count < 8192 else { throw Failure.malformed("a chunk header line is too long") }
                    continue
                }
                try endOfLine()
            case .done:
                // Bytes after the final empty line: ignored, as AWS does with padding.
                return
            }
        }
    }

    private mutating func endOfLine() throws {
        defer { line.removeAll(keepingCapacity: true) }
        switch state {
        case .sizeLine:
            let text = String(decoding: line, as: UTF8.self)
            let sizeText = text.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw Failure.malformed("a chunk size is not hexadecimal")
            }
            state = size == 0 ? .trailers : .data(remaining: size)
        case .dataEnd:
            guard line.isEmpty else { throw Failure.malformed("a chunk is longer than its size") }
            state = .sizeLine
        case .trailers:
            if line.isEmpty {
                state = .done
                return
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { throw Failure.malformed("a trailer has no colon") }
            let name = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            trailers[name] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        case .data, .done:
            break
        }
    }

    /// Whether the body ended where the encoding says it ends (a final chunk was seen).
    var isComplete: Bool {
        switch state {
        case .done, .trailers: return true
        default: return false
        }
    }
}
