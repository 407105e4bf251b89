"""The wire protocols of the planned services, sent raw where boto3 does not exercise them: CBOR bodies
over awsJson (what the Java and Kotlin SDKs and the KCL send to Kinesis), rpcv2Cbor errors, and the
REST bindings' edge cases (greedy labels, query maps, headers, XML bodies), each answered in the
service's own protocol."""
import os
import struct
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError


def cbor_text(text):
    data = text.encode()
    return cbor_head(3, len(data)) + data


def cbor_head(major, value):
    if value < 24:
        return bytes([major << 5 | value])
    if value < 256:
        return bytes([major << 5 | 24, value])
    return bytes([major << 5 | 25]) + struct.pack(">H", value)


def cbor_map(pairs):
    out = cbor_head(5, len(pairs))
    for key, value in pairs:
        out += cbor_text(key) + value
    return out


def cbor_decode(data):
    """Just enough CBOR to read error bodies: maps of text to text."""
    def read(pos):
        initial = data[pos]
        major, info = initial >> 5, initial & 0x1F
        pos += 1
        if info < 24:
            length = info
        elif info == 24:
            length, pos = data[pos], pos + 1
        elif info == 25:
            length, pos = struct.unpack(">H", data[pos:pos + 2])[0], pos + 2
        else:
            raise ValueError("unsupported")
        if major == 3:
            return data[pos:pos + length].decode(), pos + length
        if major == 5:
            result = {}
            for _ in range(length):
                key, pos = read(pos)
                result[key], pos = read(pos)
            return result, pos
        raise ValueError("unsupported")
    value, end = read(0)
    assert end == len(data)
    return value


def post(server, path, body, headers, method="POST"):
    request = urllib.request.Request(server.endpoint + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


KINESIS = {"X-Amz-Target": "Kinesis_20131202.PutRecord", "Content-Type": "application/x-amz-cbor-1.1"}


def test_kinesis_cbor_body_is_parsed_validated_and_answered_in_cbor(server):
    body = cbor_map([
        ("StreamName", cbor_text("orders")),
        ("Data", cbor_head(2, 3) + b"\x00\x01\x02"),
        ("PartitionKey", cbor_text("k")),
    ])
    status, headers, answer = post(server, "/", body, KINESIS)
    assert status == 400 and headers["Content-Type"] == "application/x-amz-cbor-1.1"
    error = cbor_decode(answer)
    assert error["__type"].endswith("ResourceNotFoundException") and "Stream orders under account" in error["message"]


def test_kinesis_cbor_that_breaks_the_model_is_a_validation_error_in_cbor(server):
    body = cbor_map([("StreamName", cbor_text("orders")), ("Data", cbor_head(2, 1) + b"x")])
    status, _, answer = post(server, "/", body, KINESIS)
    error = cbor_decode(answer)
    assert status == 400 and error["__type"].endswith("ValidationException")
    assert "partitionKey" in error["message"] and "must not be null" in error["message"]


def test_kinesis_cbor_of_the_wrong_type_or_malformed_is_a_serialization_error(server):
    wrong = cbor_map([("StreamName", cbor_head(0, 7)), ("PartitionKey", cbor_text("k"))])
    status, _, answer = post(server, "/", wrong, KINESIS)
    assert status == 400 and cbor_decode(answer)["__type"].endswith("SerializationException")
    status, _, answer = post(server, "/", b"\xa1\x61", KINESIS)  # a map whose key is cut short
    assert status == 400 and cbor_decode(answer)["__type"].endswith("SerializationException")


def test_rpcv2_cbor_malformed_body_is_answered_in_cbor(server):
    headers = {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Accept": "application/cbor"}
    status, answer_headers, answer = post(
        server, "/service/GraniteServiceVersion20100801/operation/ListMetrics", b"\xff\xff", headers)
    assert status == 400 and answer_headers["smithy-protocol"] == "rpc-v2-cbor"
    error = cbor_decode(answer)
    assert error["__type"].endswith("SerializationException")
    status, _, answer = post(server, "/service/GraniteServiceVersion20100801/operation/NoSuchThing", b"\xa0", headers)
    assert status == 404 and "NoSuchThing" in cbor_decode(answer)["message"]


def test_cloudwatch_over_cbor_json_and_query_answers_alike(server):
    """CloudWatch speaks rpcv2Cbor (boto3's choice), awsJson and awsQuery; each answers in its own form."""
    cloudwatch = server.client("cloudwatch")
    with pytest.raises(ClientError) as e:
        cloudwatch.put_metric_data(Namespace="shop", MetricData=[{"MetricName": "orders", "Value": 1.5}])
    assert e.value.response["Error"]["Code"] == "NotImplemented"
    status, _, answer = post(server, "/", b'{"Namespace":"shop"}', {
        "X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics", "Content-Type": "application/x-amz-json-1.0"})
    assert status == 501 and b"CloudWatch ListMetrics" in answer
    status, _, answer = post(server, "/", b"Action=ListMetrics&Version=2010-08-01", {
        "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 501 and b"<Code>NotImplemented</Code>" in answer


def test_s3_greedy_labels_keep_slashes_and_reserved_characters(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="greedy-labels")
    keys = ["a/b/c.txt", "with space+plus", "dir/", "ü/ñ", "q?x=1&y#frag", "semi;colon=eq"]
    for key in keys:
        s3.put_object(Bucket="greedy-labels", Key=key, Body=key.encode())
    for key in keys:
        assert s3.get_object(Bucket="greedy-labels", Key=key)["Body"].read() == key.encode()
    listed = [item["Key"] for item in s3.list_objects_v2(Bucket="greedy-labels")["Contents"]]
    assert listed == sorted(keys, key=lambda k: k.encode())


def test_s3_operations_sharing_a_uri_are_told_apart_by_required_parameters(server):
    """Each of these requests goes to the same URI; the answer shows which operation took it."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket="shared-uris")
    assert s3.put_object(Bucket="shared-uris", Key="k", Body=b"x")["ETag"] == '"9dd4e461268c8034f5c8564e155c67a6"'
    for call, code in [
        (lambda: s3.copy_object(Bucket="shared-uris", Key="k2", CopySource="shared-uris/missing"), "NoSuchKey"),
        (lambda: s3.upload_part(Bucket="shared-uris", Key="k", PartNumber=1, UploadId="u", Body=b"x"), "NoSuchUpload"),
        (lambda: s3.upload_part_copy(Bucket="shared-uris", Key="k", PartNumber=1, UploadId="u",
                                     CopySource="shared-uris/k"), "NoSuchUpload"),
        (lambda: s3.abort_multipart_upload(Bucket="shared-uris", Key="k", UploadId="u"), "NoSuchUpload"),
        (lambda: s3.list_parts(Bucket="shared-uris", Key="k", UploadId="u"), "NoSuchUpload"),
        (lambda: s3.get_bucket_lifecycle_configuration(Bucket="shared-uris"), "NoSuchLifecycleConfiguration"),
    ]:
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == code
    assert s3.list_objects_v2(Bucket="shared-uris")["KeyCount"] == 1
    assert "KeyCount" not in s3.list_objects(Bucket="shared-uris")
    s3.delete_object(Bucket="shared-uris", Key="k")
    assert s3.list_objects_v2(Bucket="shared-uris")["KeyCount"] == 0


def test_s3_malformed_xml_body_is_refused_as_s3_does(server):
    status, headers, answer = post(
        server, "/bucket?tagging", b"<Tagging><TagSet>", {"Content-Type": "application/xml"}, method="PUT")
    assert status == 400 and b"<Error><Code>MalformedXML</Code>" in answer
    # Entity declarations could expand without bound: a document type is refused outright.
    bomb = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Tagging><TagSet/></Tagging>'
    status, _, answer = post(server, "/bucket?tagging", bomb, {"Content-Type": "application/xml"}, method="PUT")
    assert status == 400 and b"MalformedXML" in answer
    good = (b'<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b'<TagSet><Tag><Key>team</Key><Value>a &#43; b</Value></Tag></TagSet></Tagging>')
    status, _, answer = post(server, "/bucket?tagging", good, {"Content-Type": "application/xml"}, method="PUT")
    assert status == 404 and b"<Code>NoSuchBucket</Code>" in answer and b"<BucketName>bucket</BucketName>" in answer
    server.client("s3").create_bucket(Bucket="bucket")
    status, _, answer = post(server, "/bucket?tagging", good, {"Content-Type": "application/xml"}, method="PUT")
    assert status == 204, answer
    assert server.client("s3").get_bucket_tagging(Bucket="bucket")["TagSet"] == [{"Key": "team", "Value": "a + b"}]


def test_rest_json_errors_carry_the_error_type_header_and_validate_the_model(server):
    lambda_ = server.client("lambda")
    with pytest.raises(ClientError) as e:
        lambda_.list_functions(MaxItems=100000)  # a query-string integer above the model's maximum
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "maxItems" in e.value.response["Error"]["Message"]
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ValidationException"
    with pytest.raises(ClientError) as e:
        lambda_.invoke(FunctionName="f", Payload=b'{"a": 1}', InvocationType="Event")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ResourceNotFoundException"


def test_ses_v1_and_v2_share_a_signing_name_and_are_told_apart(server):
    # Both sign as "ses": v1 is the form POST, v2 the /v2/email paths; each answers in its protocol.
    server.client("ses").verify_email_identity(EmailAddress="apart@example.com")
    assert "apart@example.com" in server.client("ses").list_identities()["Identities"]
    names = [i["IdentityName"] for i in server.client("sesv2").list_email_identities()["EmailIdentities"]]
    assert "apart@example.com" in names


def test_planned_services_through_the_aws_cli(server, tmp_path):
    import json
    import os
    import subprocess
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWS_ENDPOINT_URL=server.endpoint)
    for args, name in [(["cloudwatch", "list-metrics"], "CloudWatch ListMetrics"),
                       (["appflow", "list-flows"], "Appflow ListFlows")]:
        result = subprocess.run(["aws", *args], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and "NotImplemented" in result.stderr and name in result.stderr, result.stderr


def test_gzip_request_bodies_are_inflated_before_parsing(server):
    """botocore gzips CloudWatch PutMetricData bodies above 10 KB (the requestcompression trait)."""
    cloudwatch = server.client("cloudwatch")
    data = [{"MetricName": f"metric-{i}", "Value": float(i), "Dimensions": [{"Name": "host", "Value": f"h{i}"}]}
            for i in range(400)]
    with pytest.raises(ClientError) as e:
        cloudwatch.put_metric_data(Namespace="shop", MetricData=data)
    assert e.value.response["Error"]["Code"] == "NotImplemented", e.value.response
    assert "CloudWatch PutMetricData" in e.value.response["Error"]["Message"]
    sent = e.value.response["ResponseMetadata"]
    assert sent["HTTPStatusCode"] == 501
    # A body that claims gzip but is not: a serialization error in the service's protocol.
    status, _, answer = post(server, "/", b"not gzip at all", {
        "X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics", "Content-Type": "application/x-amz-json-1.0",
        "Content-Encoding": "gzip"})
    assert status == 400 and b"SerializationException" in answer and b"gzip" in answer


def test_request_body_limits_are_per_operation(server):
    """The server takes 8 MiB bodies, but a function's inline zip may be 50 MB (about 67 MB once
    base64-encoded in JSON): the limit comes from the operation the request names."""
    lambda_ = server.client("lambda", read_timeout=120)
    code = bytes(range(256)) * (20 * 4096)  # 20 MiB, base64 makes it about 27 MiB on the wire
    with pytest.raises(ClientError) as e:
        lambda_.create_function(FunctionName="big", Runtime="python3.12", Role="arn:aws:iam::000000000000:role/r",
                                Handler="app.handler", Code={"ZipFile": code})
    # Read whole and looked at: not a zip.
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "Could not unzip uploaded file" in e.value.response["Error"]["Message"]
    # Other operations keep the server's limit: refused from the declared length, before reading.
    import socket
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(b"POST /2015-03-31/functions/f/invocations HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (9 << 20))
        assert connection.recv(100).startswith(b"HTTP/1.1 413")


def process_memory(pid, field):
    """A memory figure of /proc/PID/status in bytes: VmRSS (resident now), VmHWM (the most resident)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no " + field)


def memory_high_water_mark(pid):
    """The most resident memory the process has had, in bytes (VmHWM)."""
    return process_memory(pid, "VmHWM")


def test_an_object_upload_is_written_to_disk_while_it_arrives(server):
    """S3 takes objects of up to 5 GB in one PUT: far above the 8 MiB the server holds of a body in
    memory. Such a body goes to a file under the data directory as it arrives (the server's memory
    does not grow with it), becomes the object's file, and the upload's own file is gone once the
    request is answered."""
    import hashlib
    s3 = server.client("s3", read_timeout=120)
    s3.create_bucket(Bucket="spooled")
    before = memory_high_water_mark(server.process.pid)
    body = os.urandom(1 << 20) * 48  # 48 MiB
    answer = s3.put_object(Bucket="spooled", Key="big.bin", Body=body)
    assert answer["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    grown = memory_high_water_mark(server.process.pid) - before
    assert grown < 24 << 20, f"the server grew by {grown >> 20} MiB while a 48 MiB object arrived"
    uploads = os.path.join(server.data_dir, "uploads")
    assert os.path.isdir(uploads) and os.listdir(uploads) == []
    read = s3.get_object(Bucket="spooled", Key="big.bin")["Body"].read()
    assert hashlib.md5(read).digest() == hashlib.md5(body).digest()
    grown = memory_high_water_mark(server.process.pid) - before
    assert grown < 24 << 20, f"the server grew by {grown >> 20} MiB while a 48 MiB object was read"


def test_a_rest_request_with_a_form_body_stays_with_its_service(server):
    """An S3 object may be form-encoded text; its PUT is S3's, not a query request (even at a path that
    looks like a queue URL)."""
    s3 = server.client("s3")
    for bucket, key in [("form-bodies", "form.txt"), ("123456789012", "looks-like-a-queue")]:
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key=key, Body=b"a=1&Action=ListQueues",
                      ContentType="application/x-www-form-urlencoded")
        got = s3.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == b"a=1&Action=ListQueues"
        assert got["ContentType"] == "application/x-www-form-urlencoded"
