import Foundation

/// IPv4 and IPv6 networks in CIDR notation.
public enum CIDR {
    /// The network bytes and prefix length of `address/length`, if it is one.
    public static func parse(_ text: String) -> ([UInt8], Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = address(String(parts[0])), let length = Int(parts[1]),
            length >= 0, length <= address.count * 8
        else { return nil }
        return (address, length)
    }

    /// The bytes of an IPv4 (4) or IPv6 (16) address in text.
    public static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// Whether the first `prefixLength` bits of `address` are the network's.
    public static func contains(network: [UInt8], prefixLength: Int, address: [UInt8]) -> Bool {
        var remaining = prefixLength
        for index in network.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if network[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Whether a range in CIDR notation, or a single address (all its bits), covers an address of the
    /// same family.
    public static func covers(_ range: String, _ text: String) -> Bool {
        guard let address = address(text) else { return false }
        let (network, length): ([UInt8], Int)
        if range.contains("/") {
            guard let parsed = parse(range) else { return false }
            (network, length) = parsed
        } else {
            guard let single = CIDR.address(range) else { return false }
            (network, length) = (single, single.count * 8)
        }
        return network.count == address.count && contains(network: network, prefixLength: length, address: address)
    }
}
