import SwitchyardModels
import SwitchyardWire

/// Older SQS clients (awsQuery) post to the queue URL itself and leave `QueueUrl` out of the
/// parameters; the queue is then named by the request path `/<account>/<name>`.
enum SQSQueueURLFromPath {
    @Sendable static func fill(_ input: AWSValue, operation: OperationModel, request: WireRequest) -> AWSValue {
        guard case .structure(var members) = input, members["QueueUrl"] == nil,
            let inputIndex = operation.input, SQS.model[inputIndex].member(named: "QueueUrl") != nil
        else { return input }
        let parts = request.path.split(separator: "/")
        guard parts.count >= 2 else { return input }
        let host = request.header("host") ?? "localhost"
        members["QueueUrl"] = .string("http://\(host)/\(parts[parts.count - 2])/\(parts[parts.count - 1])")
        return .structure(members)
    }
}
