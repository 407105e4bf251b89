import SwitchyardWire

/// The AWS services that can be delivery sources, by the service part of their resources' ARNs,
/// with the log types each vends (the API reference's list for PutDeliverySource), and the default
/// delivery configuration AWS applies where its answers show it.
enum VendedLogSources {
    static let logTypes: [String: Set<String>] = [
        "bedrock": ["APPLICATION_LOGS", "EVENT_LOGS"],
        "bedrock-agentcore": ["APPLICATION_LOGS", "USAGE_LOGS", "TRACES"],
        "cloudfront": ["ACCESS_LOGS"],
        "codewhisperer": ["EVENT_LOGS"],
        "ec2": ["EVENT_LOGS"],
        "eks": [
            "AUTO_MODE_BLOCK_STORAGE_LOGS", "AUTO_MODE_COMPUTE_LOGS", "AUTO_MODE_IPAM_LOGS",
            "AUTO_MODE_LOAD_BALANCING_LOGS",
        ],
        "elasticloadbalancing": ["NLB_ACCESS_LOGS"],
        "entityresolution": ["WORKFLOW_LOGS"],
        "mediapackage": ["EGRESS_ACCESS_LOGS", "INGRESS_ACCESS_LOGS"],
        "mediapackagev2": ["EGRESS_ACCESS_LOGS", "INGRESS_ACCESS_LOGS"],
        "mediatailor": ["AD_DECISION_SERVER_LOGS", "MANIFEST_SERVICE_LOGS", "TRANSCODE_LOGS"],
        "network-firewall": ["ALERT_LOGS", "ALLOW_LOGS", "DENY_LOGS"],
        "pcs": ["PCS_SCHEDULER_LOGS", "PCS_JOBCOMP_LOGS", "PCS_SCHEDULER_AUDIT_LOGS"],
        "qbusiness": ["EVENT_LOGS", "SYNC_JOB_LOGS"],
        "quicksight": ["CHAT_LOGS", "FEEDBACK_LOGS"],
        "rtbfabric": ["APPLICATION_LOGS"],
        "securityhub": ["SECURITY_FINDING_LOGS"],
        "ses": ["APPLICATION_LOGS", "TRAFFIC_POLICY_DEBUG_LOGS"],
        "sso": ["ERROR_LOGS"],
        "workmail": [
            "ACCESS_CONTROL_LOGS", "AUTHENTICATION_LOGS", "WORKMAIL_AVAILABILITY_PROVIDER_LOGS",
            "WORKMAIL_MAILBOX_ACCESS_LOGS", "WORKMAIL_PERSONAL_ACCESS_TOKEN_LOGS",
        ],
    ]

    /// What a delivery gets when CreateDelivery leaves a setting out.
    struct Defaults: Sendable {
        var recordFields: [String]
        /// For S3 destinations: the object path after the bucket, with the source's variables.
        var suffixPath: String?
    }

    /// The defaults of a source's log type, where known: CloudFront's access logs as AWS answered
    /// GetDelivery for a delivery created without settings.
    static func defaults(service: String, logType: String) -> Defaults? {
        guard service == "cloudfront", logType == "ACCESS_LOGS" else { return nil }
        return Defaults(
            recordFields: [
                "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem",
                "sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type",
                "x-edge-request-id", "x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for",
                "ssl-protocol", "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version", "fle-status",
                "fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type",
                "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end",
            ],
            suffixPath: "AWSLogs/{account-id}/CloudFront/")
    }

    /// The destination type a resource ARN stands for: a log group, a bucket or a Firehose stream.
    static func destinationType(ofResource arn: String) -> String? {
        switch ARN.parts(arn)?[2] {
        case "logs": "CWL"
        case "s3": "S3"
        case "firehose": "FH"
        default: nil
        }
    }
}
