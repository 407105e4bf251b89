/// S3's rules for bucket names (general purpose buckets): 3 to 63 characters of lower-case letters,
/// digits, dots and hyphens, beginning and ending with a letter or digit, no two adjacent dots, not
/// shaped like an IP address, and none of the reserved prefixes and suffixes.
enum BucketNames {
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, let last = bytes.last, alphanumeric(first), alphanumeric(last) else {
            return false
        }
        for byte in bytes where !alphanumeric(byte) && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "-") {
            return false
        }
        if name.contains("..") || name.contains(".-") || name.contains("-.") { return false }
        let parts = name.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return false }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] where name.hasPrefix(prefix) { return false }
        for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] where name.hasSuffix(suffix) {
            return false
        }
        return true
    }
}
