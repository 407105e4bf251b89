import Foundation

/// A `multipart/form-data` body (a browser's form upload): its fields in order, each with its name,
/// the file name of a file part, and its bytes.
struct MultipartForm {
    struct Field {
        var name: String
        var filename: String?
        var contentType: String?
        var value: [UInt8]

        var text: String { String(decoding: value, as: UTF8.self) }
    }

    let fields: [Field]

    /// The boundary a Content-Type names (`multipart/form-data; boundary=...`).
    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Parses the body; nil when it is not multipart with this boundary.
    init?(body: [UInt8], boundary: String) {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = Self.find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        var fields: [Field] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the line break after the delimiter.
            if partStart + 1 < body.count, body[partStart] == 13, body[partStart + 1] == 10 { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, body[partEnd - 2] == 13, body[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd, let headerEnd = Self.find([13, 10, 13, 10], in: body, from: partStart),
                headerEnd <= partEnd
            else { continue }
            let headerText = String(decoding: body[partStart..<headerEnd], as: UTF8.self)
            var field = Field(name: "", filename: nil, contentType: nil, value: Array(body[(headerEnd + 4)..<partEnd]))
            for line in headerText.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    field.name = Self.parameter("name", in: line) ?? ""
                    field.filename = Self.parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    field.contentType = String(line.dropFirst("content-type:".count)).trimmingCharacters(
                        in: .whitespaces)
                }
            }
            fields.append(field)
        }
        self.fields = fields
    }

    /// A field's value by case-insensitive name.
    func value(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.text
    }

    private static func parameter(_ name: String, in line: String) -> String? {
        for piece in line.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
