import SwitchyardWire

/// The layer a `LayerName` names: a name in the caller's account and region, or a layer ARN
/// (`arn:aws:lambda:<region>:<account>:layer:<name>`), which may name another account's layer.
/// The model's pattern has already admitted only those two forms.
struct LayerAddress: Sendable, Equatable {
    let account: String
    let region: String
    let name: String

    init(account: String, region: String, name: String) {
        (self.account, self.region, self.name) = (account, region, name)
    }

    init(_ layerName: String, context: RequestContext) {
        let parts = layerName.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 7, parts[0] == "arn", parts[2] == "lambda", parts[5] == "layer" {
            self.init(account: parts[4], region: parts[3], name: parts[6])
        } else {
            self.init(account: context.account, region: context.region, name: layerName)
        }
    }

    /// The key the engine keeps the layer under (`LayerRecord.key`).
    var key: String { "\(account)/\(region)/\(name)" }
    var arn: String { "arn:aws:lambda:\(region):\(account):layer:\(name)" }

    /// Whether the layer is the caller's own, in the region the request was sent to.
    func isOwn(_ context: RequestContext) -> Bool { account == context.account && region == context.region }
}
