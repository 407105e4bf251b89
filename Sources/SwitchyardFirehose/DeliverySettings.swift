import Foundation
import SwitchyardWire

/// Where objects of one S3 configuration go and how they are made.
struct S3Output: Sendable, Equatable {
    var bucket: String
    var prefix: String?
    var errorOutputPrefix: String?
    var fileExtension: String?
    /// `UNCOMPRESSED`, `GZIP`, `ZIP`, `Snappy`, `HADOOP_SNAPPY`.
    var compression: String
    /// The KMS key objects are encrypted with (recorded as their SSE settings), if any.
    var kmsKeyARN: String?
    var logging: LogTarget?

    init(_ configuration: OrderedJSON) {
        let arn = configuration["BucketARN"]?.stringValue ?? ""
        bucket = arn.hasPrefix("arn:aws:s3:::") ? String(arn.dropFirst("arn:aws:s3:::".count)) : arn
        prefix = configuration["Prefix"]?.stringValue
        errorOutputPrefix = configuration["ErrorOutputPrefix"]?.stringValue
        fileExtension = configuration["FileExtension"]?.stringValue
        compression = configuration["CompressionFormat"]?.stringValue ?? "UNCOMPRESSED"
        kmsKeyARN = configuration["EncryptionConfiguration"]?["KMSEncryptionConfig"]?["AWSKMSKeyARN"]?.stringValue
        logging = LogTarget(configuration["CloudWatchLoggingOptions"])
    }
}

/// A CloudWatch Logs group and stream that delivery errors are written to.
struct LogTarget: Sendable, Equatable {
    var group: String
    var stream: String

    init?(_ options: OrderedJSON?) {
        guard let options, options["Enabled"]?.boolValue == true, let group = options["LogGroupName"]?.stringValue,
            let stream = options["LogStreamName"]?.stringValue
        else { return nil }
        self.group = group
        self.stream = stream
    }
}

/// One data processor of a destination's processing configuration.
struct ProcessorSettings: Sendable, Equatable {
    /// The processor types Switchyard runs.
    static let supported: Set<String> = [
        "Lambda", "MetadataExtraction", "AppendDelimiterToRecord", "RecordDeAggregation", "Decompression",
        "CloudWatchLogProcessing",
    ]

    /// `Lambda`, `MetadataExtraction`, `AppendDelimiterToRecord`, `RecordDeAggregation`, ...
    var type: String
    var parameters: [String: String]

    init(_ json: OrderedJSON) {
        type = json["Type"]?.stringValue ?? ""
        var parameters: [String: String] = [:]
        for parameter in json["Parameters"]?.arrayValue ?? [] {
            if let name = parameter["ParameterName"]?.stringValue, let value = parameter["ParameterValue"]?.stringValue
            {
                parameters[name] = value
            }
        }
        self.parameters = parameters
    }
}

/// What delivering a stream's records needs to know, read from its destination's configuration.
struct DeliverySettings: Sendable {
    var kind: DestinationKind
    var configuration: OrderedJSON
    /// Buffering hints: a batch is cut at this many bytes or after this long, whichever comes first.
    var bufferBytes: Int
    var bufferMillis: Int64
    /// S3 destinations: where objects go. Other destinations: their S3 configuration (Redshift's
    /// intermediate bucket, the others' backup of failed data).
    var s3: S3Output?
    /// ExtendedS3 with S3BackupMode `Enabled`: the source records, before processing, also go here.
    var sourceBackup: S3Output?
    var backupMode: String?
    var processors: [ProcessorSettings]
    var dynamicPartitioning: Bool
    /// How long a failing destination is retried before the data goes to error output or backup.
    var retryMillis: Int64
    var logging: LogTarget?
    /// What goes between records in objects (AppendDelimiterToRecord: a newline).
    var delimiter: [UInt8]?
    /// CustomTimeZone: the zone of the times in object keys.
    var timeZone: TimeZone?

    init(_ destination: DestinationRecord, maximumIntervalMillis: Int64?) {
        kind = destination.kind
        let configuration = (try? OrderedJSON.parse(Array(destination.configuration.utf8))) ?? .object([])
        self.configuration = configuration
        let described = DestinationDescriptions.withDefaults(configuration, destination.kind)
        let hints: OrderedJSON?
        switch kind {
        case .s3, .extendedS3:
            s3 = S3Output(configuration)
            hints = described["BufferingHints"]
        case .redshift:
            s3 = configuration["S3Configuration"].map(S3Output.init)
            hints = configuration["S3Configuration"].map { DestinationDescriptions.s3($0)["BufferingHints"] } ?? nil
        default:
            s3 = configuration["S3Configuration"].map(S3Output.init)
            hints = described["BufferingHints"]
        }
        let dynamic = configuration["DynamicPartitioningConfiguration"]?["Enabled"]?.boolValue ?? false
        dynamicPartitioning = dynamic
        let sizeMiB = hints?["SizeInMBs"]?.intValue ?? (dynamic ? 64 : 5)
        bufferBytes = max(1, sizeMiB) << 20
        let interval = Int64(hints?["IntervalInSeconds"]?.intValue ?? 300) * 1000
        bufferMillis = maximumIntervalMillis.map { min($0, interval) } ?? interval
        backupMode = described["S3BackupMode"]?.stringValue
        sourceBackup =
            kind == .extendedS3 && backupMode == "Enabled"
            ? configuration["S3BackupConfiguration"].map(S3Output.init) : nil
        let processing = configuration["ProcessingConfiguration"]
        processors =
            processing?["Enabled"]?.boolValue == true
            ? (processing?["Processors"]?.arrayValue ?? []).map(ProcessorSettings.init) : []
        timeZone = configuration["CustomTimeZone"]?.stringValue.flatMap { $0.isEmpty ? nil : TimeZone(identifier: $0) }
        delimiter = processors.contains { $0.type == "AppendDelimiterToRecord" } ? [0x0A] : nil
        let retrySeconds =
            configuration["RetryOptions"]?["DurationInSeconds"]?.intValue ?? described["RetryOptions"]?[
                "DurationInSeconds"]?.intValue
            ?? 0
        retryMillis = Int64(retrySeconds) * 1000
        logging = LogTarget(configuration["CloudWatchLoggingOptions"]) ?? s3?.logging
    }
}
