import Foundation

/// Open and click tracking as SES does it for configuration sets that publish Open or Click
/// events: every link of the HTML part goes through Switchyard first (unless it carries
/// `ses:no-track`), and an invisible image at the end records the open.
struct LinkTracking: Sendable {
    var baseURL: String
    var messageId: String
    var opens: Bool
    var clicks: Bool

    func apply(_ html: String) -> String {
        var result = clicks ? rewriteLinks(html) : html
        if opens {
            let pixel =
                "<img alt=\"\" src=\"\(baseURL)\(SESOperationalRoutes.open)?t=\(messageId)\" "
                + "style=\"display: none; width: 1px; height: 1px;\">"
            if let close = result.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
                result.insert(contentsOf: pixel, at: close.lowerBound)
            } else {
                result += pixel
            }
        }
        return result
    }

    /// Each `<a ... href="http(s)://...">` pointed at the click route, the original URL as a parameter.
    func rewriteLinks(_ html: String) -> String {
        let pattern = #"<a\b[^>]*>"#
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
            return html
        }
        let text = html as NSString
        var output = ""
        var last = 0
        for match in expression.matches(in: html, range: NSRange(location: 0, length: text.length)) {
            output += text.substring(with: NSRange(location: last, length: match.range.location - last))
            output += rewriteTag(text.substring(with: match.range))
            last = match.range.location + match.range.length
        }
        output += text.substring(from: last)
        return output
    }

    private func rewriteTag(_ tag: String) -> String {
        guard !tag.lowercased().contains("ses:no-track"),
            let href = tag.range(
                of: #"href\s*=\s*"(https?://[^"]*)""#, options: [.regularExpression, .caseInsensitive])
        else { return tag }
        let attribute = String(tag[href])
        guard let open = attribute.firstIndex(of: "\""), let close = attribute.lastIndex(of: "\""), open < close else {
            return tag
        }
        let url = String(attribute[attribute.index(after: open)..<close])
        let escaped = url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? url
        let tracked = "href=\"\(baseURL)\(SESOperationalRoutes.click)?t=\(messageId)&u=\(escaped)\""
        return tag.replacingCharacters(in: href, with: tracked)
    }
}

extension SESEngine {
    /// The tracking a send gets: opens and clicks when its configuration set (given, or the sending
    /// identity's default) publishes Open or Click events to an enabled destination.
    func tracking(_ scope: SESScope, configurationSet: String?, source: String, messageId: String) -> LinkTracking? {
        let name =
            configurationSet ?? verifiedIdentity(scope, address: MessageComposer.bare(source))?.configurationSetName
        guard let name, let set = self.configurationSet(scope, name) else { return nil }
        let types = set.eventDestinations.filter(\.enabled).reduce(into: Set<SESEventType>()) { $0.formUnion($1.types) }
        guard types.contains(.open) || types.contains(.click) else { return nil }
        return LinkTracking(
            baseURL: baseURL, messageId: messageId, opens: types.contains(.open), clicks: types.contains(.click))
    }
}
