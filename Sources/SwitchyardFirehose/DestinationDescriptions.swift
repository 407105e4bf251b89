import SwitchyardModels
import SwitchyardWire

/// How DescribeDeliveryStream reports a destination: the configuration as given, nested S3
/// configurations under their description names, secrets (passwords, access keys) left out, and
/// the defaults AWS fills in for what was not given.
enum DestinationDescriptions {
    /// The model's `DestinationDescription` of a stored destination.
    static func describe(_ destination: DestinationRecord) -> Firehose.DestinationDescription {
        let configuration = (try? OrderedJSON.parse(Array(destination.configuration.utf8))) ?? .object([])
        var members: [(key: String, value: OrderedJSON)] = [("DestinationId", .string(destination.id))]
        switch destination.kind {
        case .s3, .extendedS3:
            // AWS reports an S3 destination in both forms, whichever it was created with.
            members.append(("S3DestinationDescription", s3(configuration)))
            members.append(
                (
                    "ExtendedS3DestinationDescription",
                    describeNested(s3(configuration)).defaulting("S3BackupMode", .string("Disabled"))
                ))
        default:
            members.append(
                (destination.kind.descriptionShape, describeNested(withDefaults(configuration, destination.kind))))
        }
        let text = OrderedJSON.object(members).text
        guard let index = Firehose.model.shapeIndex["DestinationDescription"],
            let value = try? ShapeJSON.read(text, shape: index, model: Firehose.model),
            let description = try? Firehose.DestinationDescription(awsValue: value)
        else { return Firehose.DestinationDescription(destinationId: destination.id) }
        return description
    }

    /// The defaults of an S3 configuration (the destination's own, or one nested in another).
    static func s3(_ configuration: OrderedJSON) -> OrderedJSON {
        configuration
            .setting("BufferingHints", bufferingHints(configuration["BufferingHints"], size: 5, interval: 300))
            .defaulting("CompressionFormat", .string("UNCOMPRESSED"))
            .defaulting("EncryptionConfiguration", .object([("NoEncryptionConfig", .string("NoEncryption"))]))
            .defaulting("CloudWatchLoggingOptions", .object([("Enabled", .scalar(.bool(false)))]))
    }

    static func bufferingHints(_ given: OrderedJSON?, size: Int, interval: Int) -> OrderedJSON {
        .object([
            ("SizeInMBs", .integer(given?["SizeInMBs"]?.intValue ?? size)),
            ("IntervalInSeconds", .integer(given?["IntervalInSeconds"]?.intValue ?? interval)),
        ])
    }

    static func retryOptions(_ seconds: Int) -> OrderedJSON {
        .object([("DurationInSeconds", .integer(seconds))])
    }

    static let noLogging = OrderedJSON.object([("Enabled", .scalar(.bool(false)))])

    /// The defaults of a destination other than S3.
    static func withDefaults(_ configuration: OrderedJSON, _ kind: DestinationKind) -> OrderedJSON {
        let hints = configuration["BufferingHints"]
        switch kind {
        case .httpEndpoint:
            return configuration.setting("BufferingHints", bufferingHints(hints, size: 5, interval: 300))
                .defaulting("CloudWatchLoggingOptions", noLogging)
                .defaulting("RequestConfiguration", .object([("ContentEncoding", .string("NONE"))]))
                .defaulting("RetryOptions", retryOptions(300))
                .defaulting("S3BackupMode", .string("FailedDataOnly"))
        case .elasticsearch, .openSearch:
            return configuration.setting("BufferingHints", bufferingHints(hints, size: 5, interval: 300))
                .defaulting("IndexRotationPeriod", .string("OneDay"))
                .defaulting("RetryOptions", retryOptions(300))
                .defaulting("S3BackupMode", .string("FailedDocumentsOnly"))
                .defaulting("CloudWatchLoggingOptions", noLogging)
        case .openSearchServerless:
            return configuration.setting("BufferingHints", bufferingHints(hints, size: 5, interval: 300))
                .defaulting("RetryOptions", retryOptions(300))
                .defaulting("S3BackupMode", .string("FailedDocumentsOnly"))
                .defaulting("CloudWatchLoggingOptions", noLogging)
        case .redshift:
            return configuration.defaulting("RetryOptions", retryOptions(3600))
                .defaulting("S3BackupMode", .string("Disabled"))
                .defaulting("CloudWatchLoggingOptions", noLogging)
        case .splunk:
            return configuration.setting("BufferingHints", bufferingHints(hints, size: 5, interval: 60))
                .defaulting("HECAcknowledgmentTimeoutInSeconds", .integer(180))
                .defaulting("RetryOptions", retryOptions(3600))
                .defaulting("S3BackupMode", .string("FailedEventsOnly"))
                .defaulting("CloudWatchLoggingOptions", noLogging)
        case .snowflake, .iceberg:
            return configuration.defaulting("RetryOptions", retryOptions(60))
                .defaulting("CloudWatchLoggingOptions", noLogging)
        case .s3, .extendedS3:
            return s3(configuration)
        }
    }

    /// Nested S3 configurations under their description names, secrets left out.
    static func describeNested(_ configuration: OrderedJSON) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = []
        for (key, value) in configuration.members {
            switch key {
            case "S3Configuration": members.append(("S3DestinationDescription", s3(value)))
            case "S3BackupConfiguration": members.append(("S3BackupDescription", s3(value)))
            case "Password", "PrivateKey", "KeyPassphrase": continue
            case "EndpointConfiguration": members.append((key, value.removing(["AccessKey"])))
            default: members.append((key, value))
            }
        }
        return .object(members)
    }

    /// An update's JSON in the configuration's names (`S3Update` is the nested `S3Configuration`).
    static func configuration(fromUpdate update: OrderedJSON) -> OrderedJSON {
        .object(
            update.members.map { member in
                switch member.key {
                case "S3Update": return ("S3Configuration", member.value)
                case "S3BackupUpdate": return ("S3BackupConfiguration", member.value)
                default: return member
                }
            })
    }
}
