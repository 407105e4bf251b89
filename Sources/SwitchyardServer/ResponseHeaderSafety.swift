import NIOHTTP1

/// Response headers as they can be sent: NIO closes the connection rather than send a header whose
/// name is not an HTTP token or whose value holds a control character other than tab (RFC 9110). A
/// stored value may hold one (an S3 form upload's `Content-Disposition` with a NUL), so a name that
/// cannot be sent is left out and such characters become spaces: the client gets an answer.
enum ResponseHeaderSafety {
    static func add(_ name: String, _ value: String, to headers: inout HTTPHeaders) {
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { return }
        if value.utf8.allSatisfy(isValueByte) {
            headers.add(name: name, value: value)
        } else {
            let cleaned = String(decoding: value.utf8.map { isValueByte($0) ? $0 : UInt8(ascii: " ") }, as: UTF8.self)
            headers.add(name: name, value: cleaned)
        }
    }

    private static func isValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
