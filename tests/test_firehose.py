"""Data Firehose through boto3 and the aws CLI: delivery streams as AWS describes them, its validation
in AWS's words, and records delivered to S3 as AWS cuts and names them: buffering hints, compression
readable by the standard tools, prefixes with expressions, Lambda transformation with error output,
dynamic partitioning."""
import base64
import gzip
import io
import json
import shutil
import subprocess
import time
import zipfile

import cramjam
import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, error_code
from test_cli import aws
from test_lambda import ROLE, create, zipped

FIREHOSE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose-role"


@pytest.fixture
def firehose(server):
    server.reset()
    return server.client("firehose")


@pytest.fixture
def s3(server):
    return server.client("s3")


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="firehose-out")
    return "firehose-out"


def s3_config(bucket, **extra):
    return {"RoleARN": FIREHOSE_ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", **extra}


def objects(s3, bucket, expected=1, timeout=15, prefix=""):
    """The bucket's objects (key -> object), once there are at least `expected`."""
    deadline = time.time() + timeout
    while True:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        if len(listed) >= expected or time.time() > deadline:
            return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"]) for o in sorted(listed, key=lambda o: o["Key"])}
        time.sleep(0.2)


def test_describe_fills_in_the_defaults_aws_reports(firehose, bucket):
    arn = firehose.create_delivery_stream(
        DeliveryStreamName="minimal", ExtendedS3DestinationConfiguration=s3_config(bucket))["DeliveryStreamARN"]
    assert arn == f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/minimal"
    described = firehose.describe_delivery_stream(DeliveryStreamName="minimal")["DeliveryStreamDescription"]
    assert described["DeliveryStreamStatus"] == "ACTIVE" and described["DeliveryStreamType"] == "DirectPut"
    assert described["VersionId"] == "1" and described["HasMoreDestinations"] is False
    assert described["DeliveryStreamEncryptionConfiguration"] == {"Status": "DISABLED"}
    assert "LastUpdateTimestamp" not in described
    [destination] = described["Destinations"]
    assert destination["DestinationId"] == "destinationId-000000000001"
    common = {
        "RoleARN": FIREHOSE_ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
        "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300}, "CompressionFormat": "UNCOMPRESSED",
        "EncryptionConfiguration": {"NoEncryptionConfig": "NoEncryption"}, "CloudWatchLoggingOptions": {"Enabled": False},
    }
    # Both views of an S3 destination, whichever configuration created it.
    assert destination["S3DestinationDescription"] == common
    assert destination["ExtendedS3DestinationDescription"] == {**common, "S3BackupMode": "Disabled"}
    firehose.create_delivery_stream(DeliveryStreamName="legacy", S3DestinationConfiguration=s3_config(
        bucket, BufferingHints={"SizeInMBs": 2, "IntervalInSeconds": 60}))
    [legacy] = firehose.describe_delivery_stream(DeliveryStreamName="legacy")["DeliveryStreamDescription"]["Destinations"]
    assert legacy["S3DestinationDescription"]["BufferingHints"] == {"SizeInMBs": 2, "IntervalInSeconds": 60}
    assert legacy["ExtendedS3DestinationDescription"]["S3BackupMode"] == "Disabled"


def test_errors_in_aws_words(firehose, bucket):
    with pytest.raises(ClientError) as missing:
        firehose.describe_delivery_stream(DeliveryStreamName="nope")
    assert error_code(missing) == "ResourceNotFoundException"
    assert missing.value.response["Error"]["Message"] == f"Firehose nope under account {ACCOUNT} not found."
    firehose.create_delivery_stream(DeliveryStreamName="twice", ExtendedS3DestinationConfiguration=s3_config(bucket))
    with pytest.raises(ClientError) as twice:
        firehose.create_delivery_stream(DeliveryStreamName="twice", ExtendedS3DestinationConfiguration=s3_config(bucket))
    assert error_code(twice) == "ResourceInUseException"
    with pytest.raises(ClientError) as two:
        firehose.create_delivery_stream(DeliveryStreamName="two", ExtendedS3DestinationConfiguration=s3_config(bucket),
                                        S3DestinationConfiguration=s3_config(bucket))
    assert error_code(two) == "InvalidArgumentException"
    with pytest.raises(ClientError) as expressions:
        firehose.create_delivery_stream(DeliveryStreamName="expr", ExtendedS3DestinationConfiguration=s3_config(
            bucket, Prefix="year=!{timestamp:yyyy}/"))
    assert expressions.value.response["Error"]["Message"] == (
        "Ths supplied prefix(es) do not satisfy the following constraint: "
        "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
    with pytest.raises(ClientError) as small:
        firehose.create_delivery_stream(DeliveryStreamName="dyn", ExtendedS3DestinationConfiguration=s3_config(
            bucket, Prefix="!{partitionKeyFromQuery:k}/", ErrorOutputPrefix="e/!{firehose:error-output-type}/",
            BufferingHints={"SizeInMBs": 5, "IntervalInSeconds": 60},
            DynamicPartitioningConfiguration={"Enabled": True}))
    assert small.value.response["Error"]["Message"] == (
        "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.")
    with pytest.raises(ClientError) as too_big:
        firehose.put_record(DeliveryStreamName="twice", Record={"Data": b"x" * 1_024_001})
    assert error_code(too_big) == "ValidationException"
    with pytest.raises(ClientError) as batch_too_big:
        firehose.put_record_batch(DeliveryStreamName="twice", Records=[{"Data": b"x" * 1_000_000}] * 5)
    assert error_code(batch_too_big) == "InvalidArgumentException"
    with pytest.raises(ClientError) as stale:
        firehose.update_destination(DeliveryStreamName="twice", CurrentDeliveryStreamVersionId="7",
                                    DestinationId="destinationId-000000000001",
                                    ExtendedS3DestinationUpdate={"Prefix": "x/"})
    assert error_code(stale) == "ConcurrentModificationException"
    with pytest.raises(ClientError) as format_conversion:
        firehose.create_delivery_stream(DeliveryStreamName="parquet", ExtendedS3DestinationConfiguration=s3_config(
            bucket, BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
            DataFormatConversionConfiguration={"Enabled": True}))
    assert error_code(format_conversion) == "NotImplemented"


def test_list_pages_in_name_order_and_filters_by_type(firehose, bucket):
    for name in ["c", "a", "b"]:
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=s3_config(bucket))
    first = firehose.list_delivery_streams(Limit=2)
    assert first["DeliveryStreamNames"] == ["a", "b"] and first["HasMoreDeliveryStreams"] is True
    rest = firehose.list_delivery_streams(ExclusiveStartDeliveryStreamName="b")
    assert rest["DeliveryStreamNames"] == ["c"] and rest["HasMoreDeliveryStreams"] is False
    assert firehose.list_delivery_streams(DeliveryStreamType="KinesisStreamAsSource")["DeliveryStreamNames"] == []
    firehose.delete_delivery_stream(DeliveryStreamName="b")
    assert firehose.list_delivery_streams()["DeliveryStreamNames"] == ["a", "c"]


def test_tags_are_listed_replaced_and_removed(firehose, bucket):
    firehose.create_delivery_stream(DeliveryStreamName="tagged", ExtendedS3DestinationConfiguration=s3_config(bucket),
                                    Tags=[{"Key": "subject", "Value": "taboo"}])
    assert firehose.list_tags_for_delivery_stream(DeliveryStreamName="tagged")["Tags"] == [
        {"Key": "subject", "Value": "taboo"}]
    firehose.untag_delivery_stream(DeliveryStreamName="tagged", TagKeys=["subject", "never-there"])
    listed = firehose.list_tags_for_delivery_stream(DeliveryStreamName="tagged")
    assert listed["Tags"] == [] and listed["HasMoreTags"] is False
    firehose.tag_delivery_stream(DeliveryStreamName="tagged", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    page = firehose.list_tags_for_delivery_stream(DeliveryStreamName="tagged", Limit=10)
    assert len(page["Tags"]) == 10 and page["HasMoreTags"] is True
    after = firehose.list_tags_for_delivery_stream(DeliveryStreamName="tagged", ExclusiveStartTagKey="k9")
    assert after["Tags"][0]["Key"] == "k10"
    with pytest.raises(ClientError) as limit:
        firehose.tag_delivery_stream(DeliveryStreamName="tagged", Tags=[{"Key": "one-more", "Value": "v"}])
    assert error_code(limit) == "LimitExceededException"


def test_gzip_objects_are_cut_at_the_size_hint_and_named_as_aws_names_them(firehose, s3, bucket):
    firehose.create_delivery_stream(DeliveryStreamName="sized", ExtendedS3DestinationConfiguration=s3_config(
        bucket, Prefix="logs/", CompressionFormat="GZIP", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 3}))
    records = [bytes([65 + i % 26]) * 102_400 for i in range(25)]
    for start in range(0, 25, 5):
        answer = firehose.put_record_batch(DeliveryStreamName="sized",
                                           Records=[{"Data": r} for r in records[start:start + 5]])
        assert answer["FailedPutCount"] == 0 and len(answer["RequestResponses"]) == 5
        assert all(r["RecordId"] for r in answer["RequestResponses"])
    # Ten 100 KiB records fill 1 MiB; the eleventh starts the next object. The last five wait out the interval.
    early = objects(s3, bucket, expected=2, timeout=5)
    assert len(early) == 2
    found = objects(s3, bucket, expected=3)
    assert len(found) == 3
    now = time.gmtime()
    contents = []
    for key, obj in found.items():
        assert key.startswith("logs/" + time.strftime("%Y/%m/%d/", now))
        name = key.split("/")[-1]
        assert name.startswith("sized-1-") and name.endswith(".gz") and len(name) == len("sized-1-") + 19 + 1 + 36 + 3
        assert obj["ContentEncoding"] == "gzip" and obj["ContentType"] == "application/octet-stream"
        body = obj["Body"].read()
        # The standard tool reads it.
        contents.append(subprocess.run(["gzip", "-d", "-c"], input=body, capture_output=True, check=True).stdout)
    assert sorted(len(c) for c in contents) == [512_000, 1_024_000, 1_024_000]
    # In order: the first ten records, the next ten, the rest.
    assert sorted(contents) == sorted(b"".join(records[i:i + 10]) for i in (0, 10, 20))


def xerial_snappy(body):
    assert body[:8] == b"\x82SNAPPY\x00" and body[8:16] == b"\x00\x00\x00\x01\x00\x00\x00\x01"
    out, position = b"", 16
    while position < len(body):
        length = int.from_bytes(body[position:position + 4], "big")
        out += bytes(cramjam.snappy.decompress_raw(body[position + 4:position + 4 + length]))
        position += 4 + length
    return out


def hadoop_snappy(body):
    out, position = b"", 0
    while position < len(body):
        raw = int.from_bytes(body[position:position + 4], "big")
        length = int.from_bytes(body[position + 4:position + 8], "big")
        block = bytes(cramjam.snappy.decompress_raw(body[position + 8:position + 8 + length]))
        assert len(block) == raw
        out += block
        position += 8 + length
    return out


@pytest.mark.parametrize("compression,extension,encoding,read", [
    ("ZIP", ".zip", "zip", lambda body: zipfile.ZipFile(io.BytesIO(body)).read(zipfile.ZipFile(io.BytesIO(body)).namelist()[0])),
    ("Snappy", ".snappy", "snappy-java", xerial_snappy),
    ("HADOOP_SNAPPY", ".snappy", "hadoop-snappy", hadoop_snappy),
    ("UNCOMPRESSED", "", None, lambda body: body),
])
def test_every_compression_format_reads_back(firehose, s3, bucket, compression, extension, encoding, read):
    firehose.create_delivery_stream(DeliveryStreamName="packed", ExtendedS3DestinationConfiguration=s3_config(
        bucket, CompressionFormat=compression, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0}))
    data = b"".join(b'{"n": %d, "text": "the same words again and again"}\n' % i for i in range(3000))
    firehose.put_record_batch(DeliveryStreamName="packed", Records=[{"Data": data}])
    [(key, obj)] = objects(s3, bucket).items()
    assert key.endswith("-" + key.split("-", 7)[-1]) and (key.endswith(extension) if extension else "." not in key[-5:])
    assert obj.get("ContentEncoding") == encoding
    assert read(obj["Body"].read()) == data


def test_custom_prefixes_file_extension_and_version_after_update(firehose, s3, bucket):
    firehose.create_delivery_stream(DeliveryStreamName="custom", ExtendedS3DestinationConfiguration=s3_config(
        bucket, Prefix="year=!{timestamp:yyyy}/id=!{firehose:random-string}/",
        ErrorOutputPrefix="errors/!{firehose:error-output-type}/", FileExtension=".json",
        BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0}))
    firehose.put_record(DeliveryStreamName="custom", Record={"Data": b'{"a": 1}'})
    [key] = objects(s3, bucket)
    parts = key.split("/")
    assert parts[0] == time.strftime("year=%Y", time.gmtime()) and parts[1].startswith("id=") and len(parts[1]) == 14
    assert parts[2].startswith("custom-1-") and parts[2].endswith(".json")
    firehose.update_destination(DeliveryStreamName="custom", CurrentDeliveryStreamVersionId="1",
                                DestinationId="destinationId-000000000001",
                                ExtendedS3DestinationUpdate={"Prefix": "v2/", "ErrorOutputPrefix": ""})
    described = firehose.describe_delivery_stream(DeliveryStreamName="custom")["DeliveryStreamDescription"]
    assert described["VersionId"] == "2" and "LastUpdateTimestamp" in described
    extended = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert extended["Prefix"] == "v2/" and extended["FileExtension"] == ".json"
    firehose.put_record(DeliveryStreamName="custom", Record={"Data": b'{"a": 2}'})
    found = objects(s3, bucket, expected=2, prefix="v2/")
    [key] = found
    # No slash is added between a prefix without a timestamp expression and the time.
    assert key.startswith("v2/" + time.strftime("%Y/%m/%d/%H/", time.gmtime())[:11])
    assert key.split("/")[-1].startswith("custom-2-")


def test_encryption_settings_show_in_describe_puts_and_objects(firehose, s3, bucket):
    kms = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    firehose.create_delivery_stream(DeliveryStreamName="sse", ExtendedS3DestinationConfiguration=s3_config(
        bucket, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0},
        EncryptionConfiguration={"KMSEncryptionConfig": {"AWSKMSKeyARN": kms}}))
    assert firehose.put_record(DeliveryStreamName="sse", Record={"Data": b"x"})["Encrypted"] is False
    firehose.start_delivery_stream_encryption(DeliveryStreamName="sse", DeliveryStreamEncryptionConfigurationInput={
        "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": kms})
    encryption = firehose.describe_delivery_stream(DeliveryStreamName="sse")["DeliveryStreamDescription"][
        "DeliveryStreamEncryptionConfiguration"]
    assert encryption == {"KeyARN": kms, "KeyType": "CUSTOMER_MANAGED_CMK", "Status": "ENABLED"}
    assert firehose.put_record(DeliveryStreamName="sse", Record={"Data": b"y"})["Encrypted"] is True
    for obj in objects(s3, bucket, expected=2).values():
        assert obj["ServerSideEncryption"] == "aws:kms" and obj["SSEKMSKeyId"] == kms
    firehose.stop_delivery_stream_encryption(DeliveryStreamName="sse")
    assert firehose.describe_delivery_stream(DeliveryStreamName="sse")["DeliveryStreamDescription"][
        "DeliveryStreamEncryptionConfiguration"]["Status"] == "DISABLED"


TRANSFORM = """
import base64, json

def handler(event, context):
    out = []
    for record in event["records"]:
        text = base64.b64decode(record["data"]).decode()
        assert record["approximateArrivalTimestamp"] > 1_600_000_000_000
        assert event["deliveryStreamArn"].endswith(":deliverystream/transformed")
        if "drop" in text:
            out.append({"recordId": record["recordId"], "result": "Dropped"})
        elif "fail" in text:
            out.append({"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]})
        else:
            doc = json.loads(text)
            upper = (json.dumps({"name": doc["name"].upper()}) + "\\n").encode()
            out.append({"recordId": record["recordId"], "result": "Ok", "data": base64.b64encode(upper).decode(),
                        "metadata": {"partitionKeys": {"team": doc["team"]}}})
    return {"records": out}
"""


def test_lambda_transformation_keeps_drops_and_fails_records(server, firehose, s3, bucket):
    lam = server.client("lambda")
    arn = create(lam, "transform", code=zipped({"app.py": (TRANSFORM, 0o644)}))["FunctionArn"]
    firehose.create_delivery_stream(DeliveryStreamName="transformed", ExtendedS3DestinationConfiguration=s3_config(
        bucket, Prefix="ok/", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0},
        ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": [
            {"ParameterName": "LambdaArn", "ParameterValue": arn}]}]}))
    records = [b'{"name": "ann", "team": "a"}', b'{"name": "drop me", "team": "a"}',
               b'{"name": "fail me", "team": "b"}', b'{"name": "bob", "team": "b"}']
    firehose.put_record_batch(DeliveryStreamName="transformed", Records=[{"Data": r} for r in records])
    found = objects(s3, bucket, expected=2, timeout=60)
    delivered = [k for k in found if k.startswith("ok/2")]
    failed = [k for k in found if k.startswith("ok/processing-failed/")]
    assert len(delivered) == 1 and len(failed) == 1, list(found)
    assert found[delivered[0]]["Body"].read() == b'{"name": "ANN"}\n{"name": "BOB"}\n'
    [line] = found[failed[0]]["Body"].read().decode().splitlines()
    error = json.loads(line)
    assert error["errorCode"] == "Lambda.ProcessingFailedStatus" and error["lambdaArn"] == arn
    assert base64.b64decode(error["rawData"]) == records[2] and error["attemptsMade"] >= 1
    assert set(error) >= {"arrivalTimestamp", "attemptEndingTimestamp", "errorMessage"}


def test_dynamic_partitioning_by_query_and_by_lambda_with_newlines_between_records(server, firehose, s3, bucket):
    firehose.create_delivery_stream(DeliveryStreamName="parts", ExtendedS3DestinationConfiguration=s3_config(
        bucket, Prefix="customer=!{partitionKeyFromQuery:customer}/!{timestamp:yyyy}/",
        ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
        BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 0},
        DynamicPartitioningConfiguration={"Enabled": True},
        ProcessingConfiguration={"Enabled": True, "Processors": [
            {"Type": "MetadataExtraction", "Parameters": [
                {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{customer: .order.customer}"},
                {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]},
            {"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    described = firehose.describe_delivery_stream(DeliveryStreamName="parts")["DeliveryStreamDescription"]
    assert described["Destinations"][0]["ExtendedS3DestinationDescription"]["DynamicPartitioningConfiguration"] == {
        "Enabled": True}
    records = [b'{"order": {"customer": "c1", "n": 1}}', b'{"order": {"customer": "c2", "n": 2}}',
               b'{"order": {"customer": "c1", "n": 3}}', b'not json']
    firehose.put_record_batch(DeliveryStreamName="parts", Records=[{"Data": r} for r in records])
    found = objects(s3, bucket, expected=3)
    year = time.strftime("%Y", time.gmtime())
    by_prefix = {"/".join(k.split("/")[:2]): obj["Body"].read() for k, obj in found.items()}
    assert by_prefix[f"customer=c1/{year}"] == records[0] + b"\n" + records[2]
    assert by_prefix[f"customer=c2/{year}"] == records[1]
    [error_key] = [k for k in found if k.startswith("errors/")]
    assert error_key.startswith("errors/processing-failed/")


def test_the_aws_cli_creates_puts_and_describes(server, firehose, s3, bucket):
    config = json.dumps(s3_config(bucket, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0}))
    created = aws(server, "firehose", "create-delivery-stream", "--delivery-stream-name", "cli",
                  "--extended-s3-destination-configuration", config)
    assert created.returncode == 0, created.stderr
    # aws CLI v1 takes a blob as its text and base64-encodes it itself.
    put = aws(server, "firehose", "put-record", "--delivery-stream-name", "cli",
              "--record", json.dumps({"Data": "from the cli"}))
    assert put.returncode == 0 and json.loads(put.stdout)["RecordId"], put.stderr
    [obj] = objects(s3, bucket).values()
    assert obj["Body"].read() == b"from the cli"
    described = json.loads(aws(server, "firehose", "describe-delivery-stream", "--delivery-stream-name", "cli").stdout)
    assert described["DeliveryStreamDescription"]["DeliveryStreamName"] == "cli"
    missing = aws(server, "firehose", "describe-delivery-stream", "--delivery-stream-name", "gone")
    assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr


def test_record_deaggregation_splits_json_and_delimited_records(firehose, s3, bucket):
    for name, parameters in [("json", [{"ParameterName": "SubRecordType", "ParameterValue": "JSON"}]),
                             ("delimited", [{"ParameterName": "SubRecordType", "ParameterValue": "DELIMITED"},
                                            {"ParameterName": "Delimiter",
                                             "ParameterValue": base64.b64encode(b"####").decode()}])]:
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=s3_config(
            bucket, Prefix=f"{name}/", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0},
            ProcessingConfiguration={"Enabled": True, "Processors": [
                {"Type": "RecordDeAggregation", "Parameters": parameters},
                {"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    firehose.put_record(DeliveryStreamName="json", Record={"Data": b'{"a":1}{"a":"}{"}\n{"a":3}'})
    firehose.put_record(DeliveryStreamName="delimited", Record={"Data": b"one####two####three"})
    [json_object] = objects(s3, bucket, prefix="json/").values()
    assert json_object["Body"].read() == b'{"a":1}\n{"a":"}{"}\n{"a":3}'
    [delimited] = objects(s3, bucket, prefix="delimited/").values()
    assert delimited["Body"].read() == b"one\ntwo\nthree"


def test_a_custom_time_zone_sets_the_time_in_keys(firehose, s3, bucket):
    firehose.create_delivery_stream(DeliveryStreamName="tokyo", ExtendedS3DestinationConfiguration=s3_config(
        bucket, CustomTimeZone="Asia/Tokyo", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0}))
    before = time.time()
    firehose.put_record(DeliveryStreamName="tokyo", Record={"Data": b"x"})
    [key] = objects(s3, bucket)
    # Tokyo is 9 hours ahead of UTC all year.
    hours = {time.strftime("%Y/%m/%d/%H/", time.gmtime(t + 9 * 3600)) for t in (before, time.time())}
    assert key[:14] in hours


def test_delivery_counts_in_the_operational_endpoint_and_metrics(server, firehose, s3, bucket):
    from test_metrics import scrape, value
    import urllib.request
    firehose.create_delivery_stream(DeliveryStreamName="counted", ExtendedS3DestinationConfiguration=s3_config(
        bucket, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0}))
    firehose.put_record_batch(DeliveryStreamName="counted", Records=[{"Data": b"abc"}] * 7)
    objects(s3, bucket)
    arn = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/counted"
    deadline = time.time() + 10
    while True:
        with urllib.request.urlopen(server.endpoint + "/_switchyard/firehose/streams") as answer:
            [stream] = json.loads(answer.read())["deliveryStreams"]
        if stream["deliveredRecords"] == 7 or time.time() > deadline:
            break
        time.sleep(0.1)
    assert stream["deliveryStreamARN"] == arn and stream["incomingRecords"] == 7 and stream["incomingBytes"] == 21
    assert stream["deliveredRecords"] == 7 and stream["objects"] == 1 and stream["bufferedRecords"] == 0
    text = scrape(server)
    assert value(text, "switchyard_firehose_delivered_records", delivery_stream=arn) == 7
    assert value(text, "switchyard_firehose_delivered_objects", delivery_stream=arn) == 1


def test_a_stream_whose_destination_fails_tells_producers_to_slow_down():
    """With its bucket missing, a stream keeps what it took; past its backlog limit
    (SWITCHYARD_FIREHOSE_MAX_BACKLOG_MB) producers get ServiceUnavailableException "Slow down."
    until the destination takes the data again."""
    import os
    from conftest import Server
    server = Server(env=dict(os.environ, SWITCHYARD_FIREHOSE_MAX_BACKLOG_MB="1")).start()
    try:
        firehose, s3 = server.client("firehose"), server.client("s3")
        firehose.create_delivery_stream(DeliveryStreamName="blocked", ExtendedS3DestinationConfiguration=s3_config(
            "not-yet", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0}))
        record = {"Data": b"x" * 400_000}
        answers = [firehose.put_record_batch(DeliveryStreamName="blocked", Records=[record]) for _ in range(3)]
        assert [a["FailedPutCount"] for a in answers] == [0, 0, 1]
        assert answers[2]["RequestResponses"] == [
            {"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."}]
        with pytest.raises(ClientError) as slow:
            firehose.put_record(DeliveryStreamName="blocked", Record=record)
        assert error_code(slow) == "ServiceUnavailableException"
        # The bucket appears: what was taken is delivered (retries come every 5 seconds) and puts are taken again.
        s3.create_bucket(Bucket="not-yet")
        assert len(objects(s3, "not-yet", expected=2, timeout=20)) >= 1
        deadline = time.time() + 20
        while firehose.put_record_batch(DeliveryStreamName="blocked", Records=[record])["FailedPutCount"]:
            assert time.time() < deadline
            time.sleep(0.5)
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
