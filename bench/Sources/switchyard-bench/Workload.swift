import Foundation

/// What one connection sends next, given the previous response, and how many messages a response completes.
struct Workload {
    var first: Request
    /// The next request after a response body; the message count that response completed.
    var next: (_ previous: Request, _ response: [UInt8]) -> (Request, Int)

    struct Request {
        var target: String
        var body: [UInt8]
        var kind: Kind
        /// SQS requests are awsJson; SNS requests are awsQuery forms.
        var service: Service = .sqs
        enum Kind { case send(Int), receive, delete(Int) }
        enum Service { case sqs, sns, events, s3, lambda, kinesis, firehose, ses }
        /// S3 requests: the method and the path (bucket and key) they go to.
        var method = "POST"
        var path = "/"
    }

    /// S3 PutObject of `size` bytes, each to a new key.
    static func s3Put(bucket: String, connection: Int, size: Int) -> Workload {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        var counter = 0
        func make() -> Request {
            counter += 1
            return Request(
                target: "PutObject", body: body, kind: .send(1), service: .s3, method: "PUT",
                path: "/\(bucket)/c\(connection)/\(counter)")
        }
        let first = make()
        return Workload(first: first) { _, _ in (make(), 1) }
    }

    /// S3 GetObject of one object, again and again.
    static func s3Get(bucket: String, key: String) -> Workload {
        let request = Request(
            target: "GetObject", body: [], kind: .send(1), service: .s3, method: "GET", path: "/\(bucket)/\(key)")
        return Workload(first: request) { previous, _ in (previous, 1) }
    }

    /// Lambda Invoke (RequestResponse) of one function, again and again.
    static func invoke(function: String, payload: String) -> Workload {
        let request = Request(
            target: "Invoke", body: Array(payload.utf8), kind: .send(1), service: .lambda, method: "POST",
            path: "/2015-03-31/functions/\(function)/invocations")
        return Workload(first: request) { previous, _ in (previous, 1) }
    }

    /// Kinesis PutRecords of `count` records of `size` bytes, with partition keys spread over the shards.
    static func putRecords(stream: String, count: Int, size: Int, connection: Int) -> Workload {
        let data = Data(repeating: UInt8(ascii: "x"), count: size).base64EncodedString()
        var batch = 0
        func make() -> Request {
            batch += 1
            let records = (0..<count).map { #"{"Data":"\#(data)","PartitionKey":"c\#(connection)-\#(batch)-\#($0)"}"# }
            let json = #"{"StreamName":"\#(stream)","Records":[\#(records.joined(separator: ","))]}"#
            return Request(target: "PutRecords", body: Array(json.utf8), kind: .send(count), service: .kinesis)
        }
        let first = make()
        return Workload(first: first) { _, _ in (make(), count) }
    }

    /// Firehose PutRecordBatch of `count` records of `size` bytes (awsJson 1.1), newline-terminated;
    /// a response completes the records it did not fail (FailedPutCount: a throttled stream).
    static func putRecordBatch(stream: String, count: Int, size: Int) -> Workload {
        let data = (Data(repeating: UInt8(ascii: "x"), count: max(0, size - 1)) + Data([0x0A])).base64EncodedString()
        let records = Array(repeating: #"{"Data":"\#(data)"}"#, count: count).joined(separator: ",")
        let json = #"{"DeliveryStreamName":"\#(stream)","Records":[\#(records)]}"#
        let request = Request(target: "PutRecordBatch", body: Array(json.utf8), kind: .send(count), service: .firehose)
        return Workload(first: request) { previous, response in
            let answer = try? JSONSerialization.jsonObject(with: Data(response)) as? [String: Any]
            return (previous, count - (answer?["FailedPutCount"] as? Int ?? 0))
        }
    }

    /// SNS Publish of one message to a topic (awsQuery).
    static func publish(topicArn: String, body: String) -> Workload {
        let form =
            "Action=Publish&Version=2010-03-31&TopicArn=\(percentEncoded(topicArn))&Message=\(percentEncoded(body))"
        let request = Request(target: "Publish", body: Array(form.utf8), kind: .send(1), service: .sns)
        return Workload(first: request) { previous, _ in (previous, 1) }
    }

    /// EventBridge PutEvents of one event to the default bus (awsJson 1.1).
    static func putEvents(source: String, body: String) -> Workload {
        let detail = #"{\"payload\":\"\#(body)\"}"#
        let json = #"{"Entries":[{"Source":"\#(source)","DetailType":"bench","Detail":"\#(detail)"}]}"#
        let request = Request(target: "PutEvents", body: Array(json.utf8), kind: .send(1), service: .events)
        return Workload(first: request) { previous, _ in (previous, 1) }
    }

    /// SES v2 SendEmail of simple content to one recipient (restJson).
    static func sesSend(from: String, to: String, body: String) -> Workload {
        let json =
            #"{"FromEmailAddress":"\#(from)","Destination":{"ToAddresses":["\#(to)"]},"#
            + #""Content":{"Simple":{"Subject":{"Data":"bench"},"Body":{"Text":{"Data":"\#(body)"}}}}}"#
        var request = Request(target: "SendEmail", body: Array(json.utf8), kind: .send(1), service: .ses)
        request.path = "/v2/email/outbound-emails"
        return Workload(first: request) { previous, _ in (previous, 1) }
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func send(queueURL: String, body: String) -> Workload {
        let request = Request(
            target: "SendMessage", body: Array(#"{"QueueUrl":"\#(queueURL)","MessageBody":"\#(body)"}"#.utf8),
            kind: .send(1))
        return Workload(first: request) { previous, _ in (previous, 1) }
    }

    static func fifoSend(queueURL: String, body: String, group: String) -> Workload {
        var counter = 0
        func make() -> Request {
            counter += 1
            let dedup = "\(group)-\(counter)-\(UInt32.random(in: 0...UInt32.max))"
            return Request(
                target: "SendMessage",
                body: Array(
                    #"{"QueueUrl":"\#(queueURL)","MessageBody":"\#(body)","MessageGroupId":"\#(group)","MessageDeduplicationId":"\#(dedup)"}"#
                        .utf8),
                kind: .send(1))
        }
        let first = make()
        return Workload(first: first) { _, _ in (make(), 1) }
    }

    static func sendBatch(queueURL: String, body: String) -> Workload {
        let entries = (0..<10).map { #"{"Id":"m\#($0)","MessageBody":"\#(body)"}"# }.joined(separator: ",")
        let request = Request(
            target: "SendMessageBatch", body: Array(#"{"QueueUrl":"\#(queueURL)","Entries":[\#(entries)]}"#.utf8),
            kind: .send(10))
        return Workload(first: request) { previous, _ in (previous, 10) }
    }

    /// ReceiveMessage(10), then DeleteMessageBatch of what came back; messages count when deleted.
    static func receiveDelete(queueURL: String) -> Workload {
        let receive = Request(
            target: "ReceiveMessage", body: Array(#"{"QueueUrl":"\#(queueURL)","MaxNumberOfMessages":10}"#.utf8),
            kind: .receive)
        return Workload(first: receive) { previous, response in
            switch previous.kind {
            case .receive:
                guard let object = try? JSONSerialization.jsonObject(with: Data(response)) as? [String: Any],
                    let messages = object["Messages"] as? [[String: Any]], !messages.isEmpty
                else { return (receive, 0) }
                let entries = messages.enumerated().compactMap { index, message -> String? in
                    (message["ReceiptHandle"] as? String).map { #"{"Id":"d\#(index)","ReceiptHandle":"\#($0)"}"# }
                }.joined(separator: ",")
                let delete = Request(
                    target: "DeleteMessageBatch",
                    body: Array(#"{"QueueUrl":"\#(queueURL)","Entries":[\#(entries)]}"#.utf8),
                    kind: .delete(messages.count))
                return (delete, 0)
            case .delete(let count): return (receive, count)
            case .send(let count): return (previous, count)
            }
        }
    }
}
