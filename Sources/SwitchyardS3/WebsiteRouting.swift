import SwitchyardModels
import SwitchyardWire

/// How a website endpoint maps a request path to a key and to redirects, from the bucket's website
/// configuration: the index document of a folder, `RedirectAllRequestsTo`, and routing rules (the
/// first whose condition holds wins; rules that name an error code apply only once that error has
/// happened).
struct WebsiteRouting: Sendable {
    let configuration: S3.WebsiteConfiguration

    /// A redirect to answer: its status and `Location`.
    struct Redirect: Equatable, Sendable {
        var status: Int
        var location: String
    }

    /// The key a request path names: the path without its leading slash, percent-decoded.
    static func requestKey(ofPath path: String) -> String {
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        return FormParameters.percentDecode(Array(trimmed.utf8), plusIsSpace: false)
    }

    /// The object a request key is served from: a folder (empty, or ending in `/`) serves its index.
    func objectKey(for requestKey: String) -> String {
        let suffix = configuration.indexDocument?.suffix ?? ""
        return requestKey.isEmpty || requestKey.hasSuffix("/") ? requestKey + suffix : requestKey
    }

    /// The key of the folder index a key without a trailing slash may stand for (`docs` for
    /// `docs/index.html`), or nil for a folder or an empty key.
    func folderIndexKey(for requestKey: String) -> String? {
        guard !requestKey.isEmpty, !requestKey.hasSuffix("/"), let suffix = configuration.indexDocument?.suffix
        else { return nil }
        return requestKey + "/" + suffix
    }

    /// `RedirectAllRequestsTo`: every request goes to the same path on another host.
    func redirectAll(path: String, query: String?) -> Redirect? {
        guard let target = configuration.redirectAllRequestsTo else { return nil }
        let scheme = target.protocol ?? "http"
        let tail = (path.hasPrefix("/") ? path : "/" + path) + (query.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
        return Redirect(status: 301, location: "\(scheme)://\(target.hostName)\(tail)")
    }

    /// The redirect of the first routing rule that applies to a key, before the object is looked up
    /// (`errorCode` nil: rules without an error condition) or after it failed with `errorCode`.
    func ruleRedirect(for requestKey: String, errorCode: Int?, host: String) -> Redirect? {
        for rule in configuration.routingRules ?? [] {
            let condition = rule.condition
            if let prefix = condition?.keyPrefixEquals, !requestKey.hasPrefix(prefix) { continue }
            if let required = condition?.httpErrorCodeReturnedEquals {
                guard let errorCode, required == String(errorCode) else { continue }
            } else if errorCode != nil {
                // Rules without an error condition were tried before the lookup.
                continue
            }
            return redirect(rule.redirect, key: requestKey, matchedPrefix: condition?.keyPrefixEquals, host: host)
        }
        return nil
    }

    private func redirect(_ redirect: S3.Redirect, key: String, matchedPrefix: String?, host: String) -> Redirect {
        var target = key
        if let replacement = redirect.replaceKeyWith {
            target = replacement
        } else if let replacement = redirect.replaceKeyPrefixWith {
            target = replacement + key.dropFirst(matchedPrefix?.count ?? 0)
        }
        let scheme = redirect.protocol ?? "http"
        let status = redirect.httpRedirectCode.flatMap { Int($0) } ?? 301
        return Redirect(status: status, location: "\(scheme)://\(redirect.hostName ?? host)/\(target)")
    }
}
