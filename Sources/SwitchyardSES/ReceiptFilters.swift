import SwitchyardModels

/// Receipt filters (IP address filters) of email receiving: a client whose address a Block filter
/// covers is refused, unless an Allow filter covers it too (allowing wins, as SES documents).
enum ReceiptFilters {
    static func blocks(_ ip: String, filters: [SES.ReceiptFilter]) -> Bool {
        let covering = filters.filter { covers($0.ipFilter.cidr, ip) }
        return covering.contains { $0.ipFilter.policy == "Block" }
            && !covering.contains { $0.ipFilter.policy == "Allow" }
    }

    /// Whether an IPv4 CIDR range (or a single address) covers an address; IPv6 ranges match exactly.
    static func covers(_ cidr: String, _ ip: String) -> Bool {
        let parts = cidr.split(separator: "/", maxSplits: 1)
        guard let network = parts.first.flatMap({ ipv4(String($0)) }), let address = ipv4(ip) else {
            return cidr == ip
        }
        let bits = parts.count > 1 ? Int(parts[1]) ?? 32 : 32
        guard (0...32).contains(bits) else { return false }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
        return network & mask == address & mask
    }

    static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
