import Crypto
import Foundation
import SwitchyardWire

/// Decodes the `aws-chunked` content encoding that SDKs use to stream uploads: chunks of
/// `<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n`, a final zero-size chunk, then trailing headers
/// (`x-amz-checksum-crc32:<base64>`) and an empty line. Fed any slices of the body as they come.
/// Given the request's signature chain (strict mode), it verifies each chunk's signature and the
/// trailer's as they end.
struct AWSChunkedDecoder {
    enum Failure: Error {
        case malformed(String)
        case signatureMismatch
    }

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
    private var signatures: ChunkSignatureChain?
    /// The signature the current chunk claims, and the hash of its bytes so far.
    private var claimedSignature = ""
    private var chunkHash = SHA256()
    /// The trailers as signed (`name:value\n` each), and whether their signature was checked.
    private var canonicalTrailers = ""
    private var trailersSigned = false

    init(signatures: ChunkSignatureChain? = nil) {
        self.signatures = signatures
    }

    /// Decodes `bytes`, handing each run of payload bytes to `emit`.
    mutating func feed(_ bytes: ArraySlice<UInt8>, emit: (ArraySlice<UInt8>) throws -> Void) throws {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch state {
            case .data(let remaining):
                let end = min(bytes.endIndex, index + remaining)
                if signatures != nil { chunkHash.update(data: bytes[index..<end]) }
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
            let parts = text.split(separator: ";", maxSplits: 1)
            let sizeText = parts.first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw Failure.malformed("a chunk size is not hexadecimal")
            }
            if signatures != nil {
                let extensionText = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                let prefix = "chunk-signature="
                claimedSignature = extensionText.hasPrefix(prefix) ? String(extensionText.dropFirst(prefix.count)) : ""
                chunkHash = SHA256()
                if size == 0 { try verifyChunk() }
            }
            state = size == 0 ? .trailers : .data(remaining: size)
        case .dataEnd:
            guard line.isEmpty else { throw Failure.malformed("a chunk is longer than its size") }
            if signatures != nil { try verifyChunk() }
            state = .sizeLine
        case .trailers:
            if line.isEmpty {
                if signatures != nil, !canonicalTrailers.isEmpty, !trailersSigned { throw Failure.signatureMismatch }
                state = .done
                return
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { throw Failure.malformed("a trailer has no colon") }
            let name = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if var chain = signatures {
                if name == "x-amz-trailer-signature" {
                    guard chain.accept(canonicalTrailers: canonicalTrailers, signature: value) else {
                        throw Failure.signatureMismatch
                    }
                    signatures = chain
                    trailersSigned = true
                    return
                }
                canonicalTrailers += "\(name):\(value)\n"
            }
            trailers[name] = value
        case .data, .done:
            break
        }
    }

    /// Checks the chunk that just ended against the signature its size line claimed.
    private mutating func verifyChunk() throws {
        guard var chain = signatures else { return }
        let hash = Hex.encode(chunkHash.finalize())
        guard chain.accept(chunkHash: hash, signature: claimedSignature) else { throw Failure.signatureMismatch }
        signatures = chain
    }

    /// Whether the body ended where the encoding says it ends (a final chunk was seen).
    var isComplete: Bool {
        switch state {
        case .done, .trailers: return true
        default: return false
        }
    }
}
