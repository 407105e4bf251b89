import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// SQS queue URLs as request paths. Older SQS clients (awsQuery) post to the queue URL itself and
/// leave `QueueUrl` out of the parameters; the queue is then named by the path, `/<account>/<name>`
/// or `/queue/<region>/<account>/<name>`.
enum SQSQueuePaths {
    /// How the router treats queue paths: they belong to SQS whatever the request was signed for.
    static let resourcePaths = ServiceEndpoint.ResourcePaths(
        matches: isQueuePath,
        // What AWS answers a request to a queue URL that names no action (recorded): an empty 404.
        answerWithoutAction: WireResponse(
            status: 404, headers: [("Content-Type", "text/xml")], body: Array("<UnknownOperationException/>".utf8)))

    /// Fills in `QueueUrl` from the path, and refuses the operations that act on no queue.
    @Sendable static func fill(_ input: AWSValue, operation: OperationModel, request: WireRequest) throws -> AWSValue {
        guard isQueuePath(request.path) else { return input }
        if operation.name == "CreateQueue" || operation.name == "ListQueues" {
            throw AWSError("InvalidAction", "The action \(operation.name) is not valid for this endpoint.")
        }
        guard case .structure(var members) = input, members["QueueUrl"] == nil,
            let inputIndex = operation.input, SQS.model[inputIndex].member(named: "QueueUrl") != nil
        else { return input }
        let host = request.header("host") ?? "localhost"
        members["QueueUrl"] = .string("http://\(host)\(request.path)")
        return .structure(members)
    }

    /// `/<12-digit account>/<queue name>` or `/queue/<region>/<account>/<name>`.
    @Sendable static func isQueuePath(_ path: String) -> Bool {
        let items = Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
        func isAccount(_ text: Substring) -> Bool { text.count == 12 && text.allSatisfy(\.isASCIIDigit) }
        func isName(_ text: Substring) -> Bool { QueueNames.isValidName(String(text)) }
        if items.count == 2 { return isAccount(items[0]) && isName(items[1]) }
        if items.count == 4 { return items[0] == "queue" && isAccount(items[2]) && isName(items[3]) }
        return false
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
