/// Amazon Resource Names: `arn:partition:service:region:account:resource`.
public enum ARN {
    /// The six colon-separated parts of an ARN (the resource keeps any further colons), or nil when
    /// the text has fewer parts or does not start with `arn`. Scans bytes: queue and topic ARNs are
    /// parsed on every delivery.
    public static func parts(_ arn: String) -> [Substring]? {
        var parts: [Substring] = []
        parts.reserveCapacity(6)
        var start = arn.startIndex
        var index = arn.utf8.startIndex
        while index < arn.utf8.endIndex, parts.count < 5 {
            if arn.utf8[index] == UInt8(ascii: ":") {
                parts.append(arn[start..<index])
                start = arn.utf8.index(after: index)
            }
            index = arn.utf8.index(after: index)
        }
        guard parts.count == 5, parts[0] == "arn" else { return nil }
        parts.append(arn[start...])
        return parts
    }

    /// Region, account and name of `arn:<partition>:<service>:<region>:<account>:<name>` whose
    /// resource is a plain name (no further colons), as queue and topic ARNs are; nil otherwise.
    public static func namedResource(_ arn: String, service: String) -> (region: String, account: String, name: String)?
    {
        guard let parts = parts(arn), parts[2] == service, !parts[5].isEmpty, !parts[5].contains(":") else {
            return nil
        }
        return (String(parts[3]), String(parts[4]), String(parts[5]))
    }
}
