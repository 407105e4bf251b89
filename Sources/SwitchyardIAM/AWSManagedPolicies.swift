import Foundation

/// An AWS managed policy (`arn:aws:iam::aws:policy/...`).
public struct AWSManagedPolicy: Sendable {
    public var name: String
    public var path: String
    public var id: String
    public var version: String
    public var document: String
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The versions before the default one, newest first.
    public var earlierVersions: [PolicyVersionRecord] = []

    public var arn: String { "arn:aws:iam::aws:policy\(path)\(name)" }
}

/// The AWS managed policies Switchyard knows the documents of: the small, stable ones that set-ups for
/// the services here attach most. AWS has over a thousand; any other well-formed
/// `arn:aws:iam::aws:policy/...` ARN can still be attached (as infrastructure tools do), but reading it
/// answers NoSuchEntity, since its document is not known offline.
enum AWSManagedPolicies {
    static let all: [AWSManagedPolicy] = [
        make(
            "AdministratorAccess", "/", "Provides full access to AWS services and resources.",
            [statement(["*"])]),
        make(
            "AmazonSQSFullAccess", "/", "Provides full access to Amazon SQS via the AWS Management Console.",
            [statement(["sqs:*"])]),
        make(
            "AmazonSQSReadOnlyAccess", "/", "Provides read only access to Amazon SQS via the AWS Management Console.",
            [
                statement([
                    "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues",
                    "sqs:ListQueues", "sqs:ListMessageMoveTasks", "sqs:ListQueueTags",
                ])
            ]),
        make(
            "AmazonSNSFullAccess", "/", "Provides full access to Amazon SNS via the AWS Management Console.",
            [statement(["sns:*"])]),
        make(
            "AmazonSNSReadOnlyAccess", "/", "Provides read only access to Amazon SNS via the AWS Management Console.",
            [
                statement([
                    "sns:GetTopicAttributes", "sns:List*", "sns:CheckIfPhoneNumberIsOptedOut",
                    "sns:GetEndpointAttributes", "sns:GetDataProtectionPolicy",
                    "sns:GetPlatformApplicationAttributes", "sns:GetSMSAttributes",
                    "sns:GetSMSSandboxAccountStatus", "sns:GetSubscriptionAttributes",
                ])
            ]),
        make(
            "AmazonS3FullAccess", "/", "Provides full access to all buckets via the AWS Management Console.",
            [statement(["s3:*", "s3-object-lambda:*"])], version: "v2", created: 1_423_248_058,
            updated: 1_632_773_797, earlier: [[statement(["s3:*"])]]),
        make(
            "IAMUserChangePassword", "/", "Provides the ability for an IAM user to change their own password.",
            [
                statement(
                    ["iam:ChangePassword"],
                    resources: ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"]),
                statement(["iam:GetAccountPasswordPolicy"]),
            ], version: "v5", created: 1_479_169_516),
        systemAdministrator,
        make(
            "AmazonKinesisFullAccess", "/", "Provides full access to all streams via the AWS Management Console.",
            [statement(["kinesis:*"])]),
        make(
            "AWSLambdaBasicExecutionRole", "/service-role/",
            "Provides write permissions to CloudWatch Logs.",
            [statement(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])]),
        make(
            "AWSLambdaSQSQueueExecutionRole", "/service-role/",
            "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
            [
                statement([
                    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                ])
            ]),
        make(
            "AWSLambdaKinesisExecutionRole", "/service-role/",
            "Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.",
            [
                statement([
                    "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                    "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams",
                    "kinesis:SubscribeToShard", "logs:CreateLogGroup", "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ])
            ]),
    ]

    /// An Allow statement, as AWS writes it: one action as a string, several as a list; every
    /// resource unless resources are given.
    static func statement(_ actions: [String], resources: [String]? = nil) -> String {
        func list(_ items: [String]) -> String {
            items.count == 1 ? "\"\(items[0])\"" : "[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        }
        let resource = resources.map { "[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" } ?? "\"*\""
        return "{\"Effect\":\"Allow\",\"Action\":\(list(actions)),\"Resource\":\(resource)}"
    }

    static func document(_ statements: [String]) -> String {
        "{\"Version\":\"2012-10-17\",\"Statement\":[\(statements.joined(separator: ","))]}"
    }

    /// - Parameters:
    ///   - version: the default version's id, as AWS numbers it.
    ///   - created: when AWS published the policy (seconds since 1970); `updated`, its default version.
    ///   - earlier: the statements of earlier versions, newest first, where known.
    static func make(
        _ name: String, _ path: String, _ description: String, _ statements: [String], version: String = "v1",
        created: TimeInterval = 1_423_440_000, updated: TimeInterval? = nil, earlier: [[String]] = []
    ) -> AWSManagedPolicy {
        // Stable ids derived from the name: the same on every server, in AWS's form.
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var id = "ANPA"
        for _ in 0..<17 {
            id.append(alphabet[Int(hash % 32)])
            hash = hash / 32 | (hash % 32) << 59
        }
        let number = Int(version.dropFirst()) ?? 1
        let createdAt = Date(timeIntervalSince1970: created)
        return AWSManagedPolicy(
            name: name, path: path, id: id, version: version, document: document(statements),
            description: description, createdAt: createdAt,
            updatedAt: Date(timeIntervalSince1970: updated ?? created),
            earlierVersions: earlier.enumerated().map { offset, statements in
                PolicyVersionRecord(id: "v\(number - 1 - offset)", document: document(statements), createdAt: createdAt)
            })
    }

    private static let byArn: [String: AWSManagedPolicy] = Dictionary(
        all.map { ($0.arn, $0) }, uniquingKeysWith: { first, _ in first })

    static func policy(_ arn: String) -> AWSManagedPolicy? { byArn[arn] }

    static func isAWSManaged(_ arn: String) -> Bool { arn.hasPrefix("arn:aws:iam::aws:policy/") }

    /// A well-formed AWS managed policy ARN: a path of word characters and slashes, and a name.
    static func looksValid(_ arn: String) -> Bool {
        guard let parts = IAMArn.parse(arn), parts.account == "aws", parts.kind == "policy" else { return false }
        return (parts.path + parts.name).allSatisfy { $0.isLetter || $0.isNumber || "+=,.@-_/".contains($0) }
    }
}
