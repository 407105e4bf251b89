import SwitchyardWire

/// What CreateDeliveryStream and UpdateDestination check of a destination beyond the model's
/// constraints, in AWS's words where they are known.
enum DestinationRules {
    static func check(_ configuration: OrderedJSON, kind: DestinationKind) throws {
        let prefix = configuration["Prefix"]?.stringValue ?? ""
        let errorPrefix = configuration["ErrorOutputPrefix"]?.stringValue ?? ""
        if prefix.contains("!{"), errorPrefix.isEmpty {
            throw FirehoseErrors.invalidArgument(
                "Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be null or empty when Prefix contains expressions"
            )
        }
        if prefix.contains("!{firehose:error-output-type}") {
            throw FirehoseErrors.invalidArgument(
                "Ths supplied prefix(es) do not satisfy the following constraint: Prefix cannot contain the firehose:error-output-type expression"
            )
        }
        if configuration["DynamicPartitioningConfiguration"]?["Enabled"]?.boolValue == true {
            if let size = configuration["BufferingHints"]?["SizeInMBs"]?.intValue, size < 64 {
                throw FirehoseErrors.invalidArgument(
                    "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.")
            }
            if errorPrefix.isEmpty {
                throw FirehoseErrors.invalidArgument(
                    "ErrorOutputPrefix cannot be null or empty when Dynamic Partitioning is enabled.")
            }
        }
        if configuration["DataFormatConversionConfiguration"]?["Enabled"]?.boolValue ?? false {
            throw AWSError.notImplemented(
                "Firehose",
                "record format conversion (DataFormatConversionConfiguration: its schema is an AWS Glue table, and there is no Glue Data Catalog here)"
            )
        }
        let processing = configuration["ProcessingConfiguration"]
        if processing?["Enabled"]?.boolValue == true {
            for processor in processing?["Processors"]?.arrayValue ?? [] {
                let type = processor["Type"]?.stringValue ?? ""
                guard ProcessorSettings.supported.contains(type) else {
                    throw AWSError.notImplemented("Firehose", "the \(type) processor")
                }
                let parameters = ProcessorSettings(processor).parameters
                if type == "RecordDeAggregation", parameters["SubRecordType"] == "DELIMITED",
                    Splitting.delimiter(parameters["Delimiter"]) == nil
                {
                    throw FirehoseErrors.invalidArgument(
                        "RecordDeAggregation with SubRecordType DELIMITED needs a Delimiter, base64-encoded.")
                }
                if type == "Decompression", (parameters["CompressionFormat"] ?? "GZIP") != "GZIP" {
                    throw FirehoseErrors.invalidArgument("The Decompression processor supports the GZIP format only.")
                }
                if type == "MetadataExtraction" {
                    let query = ProcessorSettings(processor).parameters["MetadataExtractionQuery"] ?? ""
                    do {
                        _ = try MetadataQuery(query)
                    } catch {
                        throw FirehoseErrors.invalidArgument(
                            "MetadataExtractionQuery \(query) is not an object of keys and paths, such as {customer_id: .customer_id}."
                        )
                    }
                }
            }
        }
        if kind == .redshift {
            let compression = configuration["S3Configuration"]?["CompressionFormat"]?.stringValue ?? "UNCOMPRESSED"
            guard ["UNCOMPRESSED", "GZIP"].contains(compression) else {
                throw FirehoseErrors.invalidArgument(
                    "CompressionFormat \(compression) is not supported for the Redshift destination's intermediate S3 bucket."
                )
            }
        }
    }
}
