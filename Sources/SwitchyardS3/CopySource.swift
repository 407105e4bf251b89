import Foundation
import SwitchyardWire

/// The `x-amz-copy-source` of a copy: `bucket/key` (a leading slash allowed), percent-encoded (a
/// `+` for a space), with an optional `?versionId=`.
struct CopySource {
    var bucket: String
    var key: String
    var versionId: String?

    init(_ header: String) throws {
        // A full URL names the source by its path.
        var text = header
        if header.hasPrefix("http://") || header.hasPrefix("https://"), let url = URL(string: header) {
            text = url.path + (url.query.map { "?\($0)" } ?? "")
        }
        var versionId: String?
        if let question = text.firstIndex(of: "?") {
            let query = text[text.index(after: question)...]
            for (name, value) in FormParameters.decode(Array(query.utf8)) where name == "versionId" {
                versionId = value
            }
            text = String(text[..<question])
        }
        // A `+` is a space, as form encoding writes it (Go's SDK does; AWS recorded the copy working).
        let decoded = FormParameters.percentDecode(Array(text.utf8), plusIsSpace: true)
        let path = decoded.hasPrefix("/") ? String(decoded.dropFirst()) : decoded
        guard let slash = path.firstIndex(of: "/"), slash != path.startIndex, path.index(after: slash) != path.endIndex
        else {
            // S3 names the header as the argument's value too.
            throw S3Errors.invalidArgument(
                "Invalid copy source object key", name: "x-amz-copy-source", value: "x-amz-copy-source")
        }
        bucket = String(path[..<slash])
        key = String(path[path.index(after: slash)...])
        self.versionId = versionId
    }
}
