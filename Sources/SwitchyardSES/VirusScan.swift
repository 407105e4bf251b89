import Foundation

/// SES's virus scan, as far as a local server can honestly do it: the EICAR anti-virus test file,
/// which AWS's documentation names as the way to make SES reject a message, in the MIME as sent or in
/// a base64 attachment.
enum VirusScan {
    static let eicar = Array(#"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"#.utf8)

    static func isInfected(_ raw: [UInt8]) -> Bool {
        guard !raw.isEmpty else { return false }
        if contains(raw, eicar) { return true }
        guard let message = try? MIMEMessage.parse(raw) else { return false }
        return message.attachments.contains { contains($0.bytes, eicar) }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
