import Foundation
import SwitchyardWire
import Testing

@testable import SwitchyardFirehose

@Suite struct ObjectNamingTests {
    // 2018-08-27 10:30:05.123 UTC
    let millis: Int64 = 1_535_365_805_123

    @Test func defaultLayoutAppendsTheHourWithoutASlash() {
        let naming = ObjectNaming(streamName: "orders", version: 3, millis: millis)
        let key = naming.key(prefix: "legacy", fileExtension: ".gz")
        #expect(key.hasPrefix("legacy2018/08/27/10/orders-3-2018-08-27-10-30-05-"))
        #expect(key.hasSuffix(".gz"))
        #expect(key.count == "legacy2018/08/27/10/orders-3-2018-08-27-10-30-05-".count + 36 + 3)
    }

    @Test func expressionsAreEvaluatedAndATimestampExpressionReplacesTheDefaultHour() {
        var naming = ObjectNaming(streamName: "s", version: 1, millis: millis)
        naming.partitionKeys = ["customer": "c1"]
        #expect(naming.directory("c=!{partitionKeyFromQuery:customer}/y=!{timestamp:yyyy}/") == "c=c1/y=2018/")
        #expect(naming.directory("c=!{partitionKeyFromQuery:customer}/") == "c=c1/2018/08/27/10/")
        #expect(naming.evaluate("!{timestamp:yyyy'-'MM'-'dd HH:mm:ss.SSS}") == "2018-08-27 10:30:05.123")
        #expect(naming.evaluate("!{firehose:random-string}").count == 11)
        naming.errorOutputType = "processing-failed"
        #expect(naming.evaluate("e/!{firehose:error-output-type}/") == "e/processing-failed/")
    }

    @Test func errorOutputWithoutAPrefixGoesUnderTheErrorType() {
        var naming = ObjectNaming(streamName: "s", version: 1, millis: millis)
        naming.errorOutputType = "http-endpoint-failed"
        let output = S3Output(.object([("BucketARN", .string("arn:aws:s3:::b")), ("Prefix", .string("p/"))]))
        #expect(naming.errorKey(output: output).hasPrefix("p/http-endpoint-failed/2018/08/27/10/s-1-"))
    }

    @Test func openSearchIndexRotation() {
        #expect(OpenSearchDelivery.rotationSuffix("OneHour", millis: millis) == "-2018-08-27-10")
        #expect(OpenSearchDelivery.rotationSuffix("OneDay", millis: millis) == "-2018-08-27")
        #expect(OpenSearchDelivery.rotationSuffix("OneMonth", millis: millis) == "-2018-08")
        #expect(OpenSearchDelivery.rotationSuffix("NoRotation", millis: millis) == "")
        // AWS's example: index rotated weekly, a record of 2016-02-25 13:00 UTC.
        #expect(OpenSearchDelivery.rotationSuffix("OneWeek", millis: 1_456_405_200_000) == "-2016-w08")
    }
}

@Suite struct MetadataQueryTests {
    @Test func objectOfPathsExtractsTextValues() throws {
        let query = try MetadataQuery(#"{customer: .order.customer, "first item": .items[0], n: .order["n"]}"#)
        let keys = try query.extract(from: Array(#"{"order": {"customer": "c1", "n": 7}, "items": [true]}"#.utf8))
        #expect(keys == ["customer": "c1", "first item": "true", "n": "7"])
    }

    @Test func badQueriesAndRecordsThrow() throws {
        #expect(throws: (any Error).self) { try MetadataQuery(".customer") }
        #expect(throws: (any Error).self) { try MetadataQuery("{customer: customer}") }
        let query = try MetadataQuery("{c: .customer}")
        #expect(throws: (any Error).self) { try query.extract(from: Array("not json".utf8)) }
        #expect(throws: (any Error).self) { try query.extract(from: Array(#"{"other": 1}"#.utf8)) }
    }
}

@Suite struct RedshiftRowsTests {
    @Test func jsonAutoMatchesColumnsAndEscapesTextFormat() throws {
        let rows = try RedshiftRows.rows(
            [
                Array(#"{"ID": 1, "name": "a\tb", "extra": 2}"#.utf8),
                Array("{\"id\": 2}\n{\"id\": 3, \"name\": null}".utf8),
            ],
            columns: ["id", "name"], options: "JSON 'auto'")
        #expect(rows == ["1\ta\\tb\n", "2\t\\N\n", "3\t\\N\n"])
    }

    @Test func delimitedAndCSVRecords() throws {
        #expect(try RedshiftRows.rows([Array("a|b\nc|".utf8)], columns: [], options: "") == ["a\tb\n", "c\t\\N\n"])
        #expect(
            try RedshiftRows.rows([Array("x;\"y;z\"".utf8)], columns: [], options: "CSV DELIMITER ';'") == ["x\ty;z\n"])
        #expect(try RedshiftRows.rows([Array("1\t2".utf8)], columns: [], options: "delimiter '\\t'") == ["1\t2\n"])
    }

    @Test func jdbcURLs() {
        #expect(
            RedshiftDelivery.parseJDBC("jdbc:redshift://host.example:5439/dev?ssl=true")! == (
                "host.example", 5439, "dev"
            ))
        #expect(
            RedshiftDelivery.parseJDBC("jdbc:postgresql://127.0.0.1/warehouse")! == ("127.0.0.1", 5439, "warehouse"))
        #expect(RedshiftDelivery.parseJDBC("http://x/y") == nil)
    }
}

@Suite struct DestinationDescriptionTests {
    @Test func updatesMergeIntoTheConfigurationAndNestedS3KeepsItsName() throws {
        let current = try OrderedJSON.parse(
            Array(#"{"BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300}, "Prefix": "a/"}"#.utf8))
        let update = DestinationDescriptions.configuration(
            fromUpdate: try OrderedJSON.parse(
                Array(#"{"BufferingHints": {"IntervalInSeconds": 60}, "S3Update": {}}"#.utf8)))
        let merged = current.merging(update)
        #expect(merged["BufferingHints"]?["SizeInMBs"]?.intValue == 5)
        #expect(merged["BufferingHints"]?["IntervalInSeconds"]?.intValue == 60)
        #expect(merged["S3Configuration"] != nil && merged["Prefix"]?.stringValue == "a/")
    }

    @Test func secretsAreLeftOutOfDescriptions() {
        let destination = DestinationRecord(
            id: "destinationId-000000000001", kind: .httpEndpoint,
            configuration:
                #"{"EndpointConfiguration": {"Url": "https://x", "AccessKey": "k"}, "S3Configuration": {"RoleARN": "arn:aws:iam::000000000000:role/r", "BucketARN": "arn:aws:s3:::b"}}"#
        )
        let described = DestinationDescriptions.describe(destination).httpEndpointDestinationDescription
        #expect(described?.endpointConfiguration?.url == "https://x")
        #expect(described?.endpointConfiguration?.name == nil)
        #expect(described?.s3DestinationDescription?.compressionFormat == "UNCOMPRESSED")
        #expect(described?.retryOptions?.durationInSeconds == 300)
    }
}
