import SwitchyardModels
import SwitchyardWire

/// Receipt filters (IP address filters) of email receiving: a client whose address a Block filter
/// covers is refused, unless an Allow filter covers it too (allowing wins, as SES documents).
enum ReceiptFilters {
    static func blocks(_ ip: String, filters: [SES.ReceiptFilter]) -> Bool {
        let covering = filters.filter { covers($0.ipFilter.cidr, ip) }
        return covering.contains { $0.ipFilter.policy == "Block" }
            && !covering.contains { $0.ipFilter.policy == "Allow" }
    }

    /// Whether a CIDR range (or a single address) covers an address, IPv4 or IPv6.
    static func covers(_ cidr: String, _ ip: String) -> Bool { CIDR.covers(cidr, ip) }
}
