import Foundation
import SwitchyardWire

/// The list pagination of EventBridge, Scheduler and Pipes: a limit of items (100 by default), and
/// a token that continues after the last item's key.
public enum Page {
    /// One page of items sorted by `key`, and the token of the next page if there is one.
    public static func of<Item>(_ items: [Item], limit: Int?, token: String?, key: (Item) -> String) throws
        -> ([Item], String?)
    {
        var remaining = items[...]
        if let token {
            guard let data = Data(base64Encoded: token), let after = String(data: data, encoding: .utf8) else {
                throw AWSError("ValidationException", "The NextToken provided is invalid.")
            }
            remaining = remaining.drop { key($0) <= after }
        }
        let size = max(1, limit ?? 100)
        let page = Array(remaining.prefix(size))
        guard remaining.count > size, let last = page.last else { return (page, nil) }
        return (page, Data(key(last).utf8).base64EncodedString())
    }
}
