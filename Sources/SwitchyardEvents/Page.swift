import Foundation
import SwitchyardWire

/// EventBridge's list pagination: `Limit` items at most (100 by default), and a `NextToken` that
/// continues after the last item's key.
enum Page {
    static func of<Item>(_ items: [Item], limit: Int?, token: String?, key: (Item) -> String) throws
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
