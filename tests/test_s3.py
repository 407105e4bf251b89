"""S3 through boto3, the aws CLI and plain HTTP: buckets, objects, versions, listings, multipart
uploads, checksums, conditions, configurations, ACLs, CORS, form uploads and notifications.

Expected values come from AWS's API reference and from answers AWS recorded (status codes, error
codes, messages and detail elements, which fields are present and which are not)."""
import base64
import datetime
import hashlib
import io
import json
import os
import re
import time
import urllib.error
import urllib.request
import zlib

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, Server
from test_cli import aws


@pytest.fixture
def s3(server):
    server.reset()
    return server.client("s3")


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="test-bucket")
    return "test-bucket"


def error(excinfo):
    return excinfo.value.response["Error"]


def crc32(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


# Buckets


def test_bucket_lifecycle_and_names(s3):
    answer = s3.create_bucket(Bucket="my-bucket")
    assert answer["Location"] == "/my-bucket"
    assert answer["BucketArn"] == "arn:aws:s3:::my-bucket"
    head = s3.head_bucket(Bucket="my-bucket")
    assert head["BucketRegion"] == "us-east-1"
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-arn"] == "arn:aws:s3:::my-bucket"
    listed = s3.list_buckets()
    assert [b["Name"] for b in listed["Buckets"]] == ["my-bucket"]
    assert listed["Buckets"][0]["BucketArn"] == "arn:aws:s3:::my-bucket"
    assert "DisplayName" not in listed["Owner"]
    for name in ["ab", "Upper", "a..b", "192.168.1.1", "-start"]:
        with pytest.raises(ClientError) as e:
            s3.create_bucket(Bucket=name)
        assert error(e)["Code"] == "InvalidBucketName"
    # us-east-1 answers a repeated create by its owner with success; a constraint makes it a conflict.
    s3.create_bucket(Bucket="my-bucket")
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="my-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error(e)["Code"] == "BucketAlreadyOwnedByYou"
    s3.delete_bucket(Bucket="my-bucket")
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="my-bucket")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_location_constraints(server, s3):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="bad-loc", CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error(e)["Code"] == "InvalidLocationConstraint"
    assert error(e)["Message"] == "The specified location-constraint is not valid"
    # us-east-1 is the global endpoint: it creates buckets in other regions.
    answer = s3.create_bucket(Bucket="in-europe", CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert answer["Location"] == "http://in-europe.s3.amazonaws.com/"
    assert s3.get_bucket_location(Bucket="in-europe")["LocationConstraint"] == "EU"
    assert s3.head_bucket(Bucket="in-europe")["BucketRegion"] == "eu-west-1"
    west = server.client("s3", region="us-west-2")
    with pytest.raises(ClientError) as e:
        west.create_bucket(Bucket="no-constraint")
    assert error(e)["Code"] == "IllegalLocationConstraintException"
    assert error(e)["Message"] == ("The unspecified location constraint is incompatible for the region specific "
                                   "endpoint this request was sent to.")
    west.create_bucket(Bucket="in-west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert s3.get_bucket_location(Bucket="in-west")["LocationConstraint"] == "us-west-2"


def test_delete_bucket_needs_it_empty(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error(e)["Code"] == "BucketNotEmpty" and e.value.response["Error"]["BucketName"] == bucket
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.delete_object(Bucket=bucket, Key="k")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error(e)["Message"].endswith("You must delete all versions in the bucket.")


# Objects


def test_put_get_head_with_metadata_and_defaults(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="a/b c.txt", Body=b"hello world", Metadata={"Colour": "blue"},
                        CacheControl="max-age=60", ContentLanguage="en")
    assert put["ETag"] == '"%s"' % hashlib.md5(b"hello world").hexdigest()
    assert put["ServerSideEncryption"] == "AES256"
    assert put["ChecksumType"] == "FULL_OBJECT" and put["ChecksumCRC32"] == crc32(b"hello world")
    assert "VersionId" not in put
    got = s3.get_object(Bucket=bucket, Key="a/b c.txt")
    assert got["Body"].read() == b"hello world"
    assert got["ContentType"] == "binary/octet-stream"
    assert got["Metadata"] == {"colour": "blue"}
    assert got["CacheControl"] == "max-age=60" and got["ContentLanguage"] == "en"
    assert got["AcceptRanges"] == "bytes"
    assert "VersionId" not in got and "StorageClass" not in got
    head = s3.head_object(Bucket=bucket, Key="a/b c.txt")
    assert head["ContentLength"] == 11
    assert "ChecksumCRC32" not in head  # only with checksum mode
    assert s3.head_object(Bucket=bucket, Key="a/b c.txt", ChecksumMode="ENABLED")["ChecksumCRC32"] == crc32(b"hello world")
    headers = got["ResponseMetadata"]["HTTPHeaders"]
    assert "x-amz-request-id" in headers and "x-amz-id-2" in headers
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="missing")
    assert error(e)["Code"] == "NoSuchKey" and error(e)["Key"] == "missing"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="missing")
    assert error(e)["Code"] == "404"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="no-such-bucket", Key="k")
    assert error(e)["Code"] == "NoSuchBucket" and error(e)["BucketName"] == "no-such-bucket"


def test_object_encoding_is_kept(s3, bucket):
    compressed = zlib.compress(b"a" * 1000)
    s3.put_object(Bucket=bucket, Key="z", Body=compressed, ContentEncoding="gzip")
    got = s3.get_object(Bucket=bucket, Key="z")
    assert got["ContentEncoding"] == "gzip" and got["Body"].read() == compressed


def test_ranges(s3, bucket):
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    for header, status, body, content_range in [
        ("bytes=0-8", 206, b"012345678", "bytes 0-8/10"), ("bytes=1-", 206, b"123456789", "bytes 1-9/10"),
        ("bytes=-2", 206, b"89", "bytes 8-9/10"), ("bytes=0-100", 206, b"0123456789", "bytes 0-9/10"),
        ("bytes=1-0", 200, b"0123456789", None), ("bytes=0-1,3-4", 200, b"0123456789", None),
    ]:
        got = s3.get_object(Bucket=bucket, Key="digits", Range=header)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == status, header
        assert got["Body"].read() == body
        assert got.get("ContentRange") == content_range
    partial = s3.get_object(Bucket=bucket, Key="digits", Range="bytes=0-3", ChecksumMode="ENABLED")
    assert "ChecksumCRC32" not in partial  # a part of the object has no checksum of its own
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="digits", Range="bytes=100-200")
    assert error(e)["Code"] == "InvalidRange" and error(e)["ActualObjectSize"] == "10"
    assert error(e)["RangeRequested"] == "bytes=100-200"


def test_conditional_reads_and_writes(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"v1")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"other"')
    assert error(e)["Code"] == "PreconditionFailed" and error(e)["Condition"] == "If-Match"
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag.strip('"'))["Body"].read() == b"v1"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfNoneMatch="*")
    assert error(e)["Code"] == "PreconditionFailed" and error(e)["Condition"] == "If-None-Match"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfNoneMatch=etag)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error(e)["Header"] == "If-None-Match"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="new", Body=b"v2", IfMatch=etag)
    assert error(e)["Code"] == "NoSuchKey"
    assert s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfMatch=etag)["ETag"] != etag


def test_conditional_dates_that_are_not_dates_are_ignored(s3, bucket):
    """HTTP has a recipient ignore If-Modified-Since and If-Unmodified-Since when they are not a valid
    date (RFC 9110, 13.1.3 and 13.1.4), and S3 serves the object then; a valid date still applies."""
    s3.put_object(Bucket=bucket, Key="d", Body=b"dated")
    sent = {}

    def set_headers(request, **_):
        for name, value in sent.items():
            request.headers[name] = value

    s3.meta.events.register("before-sign.s3.*", set_headers)
    for header in ("If-Modified-Since", "If-Unmodified-Since"):
        for value in ("not a date", "2015-05-25T05:00:00Z", "Sun, 32 Foo 2015 99:00:00 GMT"):
            sent.clear()
            sent[header] = value
            assert s3.get_object(Bucket=bucket, Key="d")["Body"].read() == b"dated"
            assert s3.head_object(Bucket=bucket, Key="d")["ContentLength"] == 5
    sent.clear()
    sent["If-Unmodified-Since"] = "Thu, 01 Jan 2015 00:00:00 GMT"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="d")
    assert error(e)["Code"] == "PreconditionFailed"


def test_content_md5_and_checksums(s3, bucket):
    body = b"test data.."
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="m", Body=body, ContentMD5="MTIz")
    assert error(e)["Code"] == "InvalidDigest"
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="m", Body=body, ContentMD5=wrong)
    assert error(e)["Code"] == "BadDigest"
    assert error(e)["CalculatedDigest"] == base64.b64encode(hashlib.md5(body).digest()).decode()
    put = s3.put_object(Bucket=bucket, Key="m", Body=body, ChecksumAlgorithm="SHA256")
    assert put["ChecksumSHA256"] == "2l26x0trnT0r2AvakoFk2MB7eKVKzYESLMxSAKAzoik="
    assert s3.put_object(Bucket=bucket, Key="m", Body=body, ChecksumAlgorithm="SHA1")["ChecksumSHA1"] == (
        "B++3uSfJMSHWToQMQ1g6lIJY5Eo=")
    # botocore computes these two only with its CRT extra; given, the server checks and keeps them.
    for algorithm, value in [("CRC32C", "Pf4upw=="), ("CRC64NVME", "qUVrWYOrIAM=")]:
        answer = s3.put_object(Bucket=bucket, Key="m", Body=body, **{"Checksum" + algorithm: value})
        assert answer["Checksum" + algorithm] == value
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="m", Body=body, ChecksumSHA256="bm90IGEgc2hhMjU2")
    assert error(e)["Code"] == "InvalidRequest"
    assert error(e)["Message"] == "Value for x-amz-checksum-sha256 header is invalid."
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="m", Body=body, ChecksumCRC32="AAAAAA==")
    assert error(e)["Code"] == "BadDigest"
    assert error(e)["Message"] == "The CRC32 you specified did not match the calculated checksum."


def raw(server, method, path, body=b"", headers=None):
    request = urllib.request.Request(server.endpoint + path, data=body if method in ("PUT", "POST") else None,
                                     method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as failure:
        return failure.code, dict(failure.headers), failure.read()


def test_aws_chunked_upload_with_trailing_checksum(server, s3, bucket):
    """Current SDKs stream uploads in the aws-chunked encoding with the checksum in a trailer."""
    data = b"chunked payload " * 1000
    chunks = b""
    for start in range(0, len(data), 4096):
        piece = data[start:start + 4096]
        chunks += b"%x\r\n" % len(piece) + piece + b"\r\n"
    chunks += b"0\r\nx-amz-checksum-crc32:" + crc32(data).encode() + b"\r\n\r\n"
    status, headers, _ = raw(server, "PUT", f"/{bucket}/chunked", chunks, {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-decoded-content-length": str(len(data))})
    assert status == 200 and headers["x-amz-checksum-crc32"] == crc32(data)
    got = s3.get_object(Bucket=bucket, Key="chunked")
    assert got["Body"].read() == data and "ContentEncoding" not in got
    bad = chunks.replace(crc32(data).encode(), b"AAAAAA==")
    status, _, body = raw(server, "PUT", f"/{bucket}/chunked2", bad, {
        "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-decoded-content-length": str(len(data))})
    assert status == 400 and b"<Code>BadDigest</Code>" in body


def test_without_checksum_s3_stores_crc64nvme(server, bucket):
    status, headers, _ = raw(server, "PUT", f"/{bucket}/plain", b"", {})
    assert status == 200
    assert headers["x-amz-checksum-crc64nvme"] == "AAAAAAAAAAA=" and headers["x-amz-checksum-type"] == "FULL_OBJECT"


def test_copy_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"data", Metadata={"a": "1"}, ContentType="text/plain")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    assert copied["CopyObjectResult"]["ETag"] == '"%s"' % hashlib.md5(b"data").hexdigest()
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Metadata"] == {"a": "1"} and got["ContentType"] == "text/plain"
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource={"Bucket": bucket, "Key": "src"},
                   MetadataDirective="REPLACE", Metadata={"b": "2"}, ContentType="x/y")
    got = s3.head_object(Bucket=bucket, Key="dst2")
    assert got["Metadata"] == {"b": "2"} and got["ContentType"] == "x/y"
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src")
    assert error(e)["Code"] == "InvalidRequest"
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/src", CopySourceIfMatch='"nope"')
    assert error(e)["Condition"] == "x-amz-copy-source-If-Match"


def test_copy_in_place_answers_as_aws_recorded(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    # In a suspended bucket the copy is the "null" version, and a "null" source is not named.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    for _ in range(2):
        copied = s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k", MetadataDirective="REPLACE")
        assert copied["VersionId"] == "null" and "CopySourceVersionId" not in copied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    copied = s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k", MetadataDirective="REPLACE")
    assert copied["VersionId"] != "null" and "CopySourceVersionId" not in copied
    # The bucket's own default encryption makes a copy onto itself a change.
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]})
    assert s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"})["VersionId"]


def test_listings_name_the_bucket_first_and_entries_last(server, s3, bucket):
    """The Java SDK reads a listing's elements in S3's order: the bucket before the entries."""
    s3.put_object(Bucket=bucket, Key="a/1", Body=b"x")
    for query, entry in (("", "Contents"), ("?list-type=2&start-after=0", "Contents"), ("?versions", "Version")):
        status, _, body = raw(server, "GET", f"/{bucket}{query}")
        assert status == 200
        tags = re.findall(r"<(\w+)>", body.decode().split("?>", 1)[1])
        top = [tag for tag in tags if tag in ("Name", "Prefix", "MaxKeys", "IsTruncated", entry, "KeyCount",
                                              "StartAfter", "Marker", "KeyMarker")]
        assert top[0] == "Name" and top[-1] == entry, (query, top)
        assert top.index("IsTruncated") < top.index(entry)


# Versions


def test_versions_and_delete_markers(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert len(v1) == 32 and v1 != v2
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k")
    assert error(e)["Code"] == "NoSuchKey"
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId=marker)
    assert error(e)["Code"] == "MethodNotAllowed" and error(e)["ResourceType"] == "DeleteMarker"
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read() == b"one"
    listed = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listed["Versions"]] == [v2, v1]
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [(marker, True)]
    # An id this server never issued is an invalid argument; one that is gone is no such version.
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=bucket, Key="k", VersionId=v1[:-4] + "ABCD")
    assert error(e)["Code"] == "InvalidArgument" and error(e)["Message"] == "Invalid version id specified"
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v1)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId=v1)
    assert error(e)["Code"] == "NoSuchVersion"
    # Suspended: writes replace the "null" version; the answer names no version.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="k", Body=b"three")
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == "null"


def test_unversioned_bucket_knows_only_the_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId="A" * 32)
    assert error(e)["Code"] == "InvalidArgument" and error(e)["ArgumentName"] == "versionId"
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"x"
    assert "DeleteMarker" not in s3.delete_object(Bucket=bucket, Key="k")


def test_delete_objects(s3, bucket):
    for key in ["a", "b"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "none"},
                                                                  {"Key": "a", "VersionId": "bogus"}]})
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["a", "b", "none"]
    assert answer["Errors"][0]["Code"] == "NoSuchVersion"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


# Listings


def test_list_objects_v2_pagination_and_prefixes(s3, bucket):
    keys = ["a/1", "a/2", "b/1", "c", "d", "e"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=2)
    assert [o["Key"] for o in page["Contents"]] == ["a/1", "a/2"] and page["IsTruncated"]
    rest = s3.list_objects_v2(Bucket=bucket, ContinuationToken=page["NextContinuationToken"])
    assert [o["Key"] for o in rest["Contents"]] == ["b/1", "c", "d", "e"] and not rest["IsTruncated"]
    assert rest["KeyCount"] == 4 and "StartAfter" not in rest
    rolled = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["a/", "b/"]
    assert [o["Key"] for o in rolled["Contents"]] == ["c", "d", "e"]
    after = s3.list_objects_v2(Bucket=bucket, StartAfter="c")
    assert [o["Key"] for o in after["Contents"]] == ["d", "e"] and after["StartAfter"] == "c"
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="")
    assert error(e)["Code"] == "InvalidArgument" and error(e)["ArgumentName"] == "continuation-token"
    v1 = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=1)
    assert v1["IsTruncated"] and v1["NextMarker"] == "a/"
    # A marker inside a common prefix resumes after the whole prefix.
    v1 = s3.list_objects(Bucket=bucket, Delimiter="/", Marker="a/1")
    assert [p["Prefix"] for p in v1["CommonPrefixes"]] == ["b/"]
    assert "Owner" in v1["Contents"][0] and "DisplayName" not in v1["Contents"][0]["Owner"]


def test_list_encoding_type_is_checked(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a b&c", Body=b"x")
    status, _, body = raw(server, "GET", f"/{bucket}?list-type=2&encoding-type=url")
    assert status == 200 and b"<Key>a%20b%26c</Key>" in body
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
    status, _, body = raw(server, "GET", f"/{bucket}?list-type=2&encoding-type=value")
    assert status == 400 and b"Invalid Encoding Method specified in Request" in body


# Multipart


def test_multipart_upload(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    part1 = b"a" * (5 << 20)
    part2 = b"b" * 1024
    e1 = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=part1)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=2, Body=part2)["ETag"]
    parts = s3.list_parts(Bucket=bucket, Key="big", UploadId=upload)
    assert [(p["PartNumber"], p["Size"]) for p in parts["Parts"]] == [(1, 5 << 20), (2, 1024)]
    assert parts["Initiator"]["DisplayName"] and "DisplayName" not in parts["Owner"]
    assert s3.list_multipart_uploads(Bucket=bucket)["Uploads"][0]["UploadId"] == upload
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2},
                                                                {"PartNumber": 1, "ETag": e1}]})
    assert error(e)["Code"] == "InvalidPartOrder"
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"00"'}]})
    assert error(e)["Code"] == "InvalidPart"
    done = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1},
                                                                   {"PartNumber": 2, "ETag": e2}]})
    md5s = hashlib.md5(part1).digest() + hashlib.md5(part2).digest()
    assert done["ETag"] == '"%s-2"' % hashlib.md5(md5s).hexdigest()
    assert done["ChecksumType"] == "FULL_OBJECT" and "ChecksumCRC64NVME" in done
    got = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206 and got["PartsCount"] == 2
    assert got["Body"].read() == part2
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == part1 + part2
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="big", UploadId=upload)
    assert error(e)["Code"] == "NoSuchUpload"


def test_multipart_answers_as_aws_recorded_them(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    body = b"upload-part-1" * 5
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=body,
                          ChecksumAlgorithm="CRC32")
    # The checksum the part carried is answered back although the upload has no algorithm ...
    assert part["ChecksumCRC32"] == base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    # ... and not kept with it.
    assert "ChecksumCRC32" not in s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload)["Parts"][0]
    # A wrong part names the entity tag it was given without its quotes.
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": part["ETag"]}]})
    assert error(e)["Code"] == "InvalidPart" and error(e)["ETag"] == part["ETag"].strip('"')
    # The object size the client declares must be the parts' total.
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MpuObjectSize=len(body) + 1,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert error(e) == {"Code": "InvalidRequest",
                        "Message": f"The provided 'x-amz-mp-object-size' header value {len(body) + 1} does not "
                                   f"match what was computed: {len(body)}"}
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MpuObjectSize=len(body),
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    # A FULL_OBJECT checksum: the attributes give the part count alone.
    attributes = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts", "Checksum"])
    assert attributes["ObjectParts"] == {"TotalPartsCount": 1}
    assert attributes["Checksum"]["ChecksumType"] == "FULL_OBJECT"
    # A part and a range together are an invalid request.
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="mp", PartNumber=1, Range="bytes=0-1")
    assert error(e) == {"Code": "InvalidRequest",
                        "Message": "Cannot specify both Range header and partNumber query parameter"}


def test_multipart_completion_checks_part_checksums(s3, bucket):
    def complete(upload, parts, **extra):
        return s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                            MultipartUpload={"Parts": parts}, **extra)

    # A COMPOSITE upload: every part's checksum, of the upload's algorithm, with the value it had.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="CRC32")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"abc",
                          ChecksumAlgorithm="CRC32")
    etag, good = part["ETag"], part["ChecksumCRC32"]
    with pytest.raises(ClientError) as e:
        complete(upload, [{"PartNumber": 1, "ETag": etag, "ChecksumCRC32": crc32(b"bbb")}])
    assert error(e)["Code"] == "InvalidPart" and error(e)["PartNumber"] == "1"
    with pytest.raises(ClientError) as e:
        complete(upload, [{"PartNumber": 1, "ETag": etag,
                           "ChecksumSHA256": base64.b64encode(hashlib.sha256(b"abc").digest()).decode()}])
    assert error(e) == {"Code": "BadDigest",
                        "Message": "The sha256 you specified for part 1 did not match what we received."}
    with pytest.raises(ClientError) as e:
        complete(upload, [{"PartNumber": 1, "ETag": etag}])
    assert error(e)["Message"] == ("The upload was created using a crc32 checksum. The complete request must "
                                   "include the checksum for each part. It was missing for part 1 in the request.")
    with pytest.raises(ClientError) as e:
        complete(upload, [{"PartNumber": 1, "ETag": etag, "ChecksumCRC32": good}], ChecksumType="FULL_OBJECT")
    assert error(e) == {"Code": "InvalidRequest", "Message": "The upload was created using the COMPOSITE checksum "
                                                             "mode. The complete request must use the same checksum mode."}
    complete(upload, [{"PartNumber": 1, "ETag": etag, "ChecksumCRC32": good}])
    # A part of a COMPOSITE object is read with that part's checksum.
    got = s3.get_object(Bucket=bucket, Key="mp", PartNumber=1, ChecksumMode="ENABLED")
    assert (got["ChecksumCRC32"], got["ChecksumType"]) == (good, "COMPOSITE")

    # A FULL_OBJECT upload: the object's checksum must be stated as FULL_OBJECT and be right.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="CRC32",
                                        ChecksumType="FULL_OBJECT")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"abc",
                          ChecksumAlgorithm="CRC32")
    parts = [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]}]
    bad_digest = {"Code": "BadDigest", "Message": "The crc32 you specified did not match the calculated checksum."}
    for extra in ({"ChecksumCRC32": part["ChecksumCRC32"]},
                  {"ChecksumCRC32": "AAAAAA==", "ChecksumType": "FULL_OBJECT"},
                  {"ChecksumSHA1": base64.b64encode(hashlib.sha1(b"abc").digest()).decode(),
                   "ChecksumType": "FULL_OBJECT"}):
        with pytest.raises(ClientError) as e:
            complete(upload, parts, **extra)
        assert error(e) == bad_digest, extra
    done = complete(upload, parts, ChecksumCRC32=part["ChecksumCRC32"], ChecksumType="FULL_OBJECT")
    assert (done["ChecksumCRC32"], done["ChecksumType"]) == (part["ChecksumCRC32"], "FULL_OBJECT")

    # An upload without an algorithm takes no part checksums and no checksum mode.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"abc",
                          ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as e:
        complete(upload, [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]}])
    assert error(e)["Code"] == "InvalidPart"
    with pytest.raises(ClientError) as e:
        complete(upload, [{"PartNumber": 1, "ETag": part["ETag"]}], ChecksumType="COMPOSITE")
    assert error(e)["Message"] == ("The upload was created using the null checksum mode. The complete request "
                                   "must use the same checksum mode.")

    # An algorithm S3 does not know is refused in S3's words.
    with pytest.raises(ClientError) as e:
        s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="TEST")
    assert error(e) == {"Code": "InvalidRequest", "Message": "Checksum algorithm provided is unsupported. Please "
                        "try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"}

    # Part 1 of an object put whole is the whole object, read with its checksum.
    s3.put_object(Bucket=bucket, Key="whole", Body=b"test-123", ChecksumAlgorithm="CRC32")
    got = s3.get_object(Bucket=bucket, Key="whole", PartNumber=1, ChecksumMode="ENABLED")
    assert (got["ChecksumCRC32"], got["ChecksumType"]) == (crc32(b"test-123"), "FULL_OBJECT")


def test_small_parts_are_refused_and_uploads_abort(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"small")["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=2, Body=b"small")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1},
                                                                {"PartNumber": 2, "ETag": e2}]})
    assert error(e)["Code"] == "EntityTooSmall"
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


def test_transfer_manager_round_trip(s3, bucket, tmp_path):
    data = os.urandom(1 << 20) * 12
    s3.upload_fileobj(io.BytesIO(data), bucket, "managed")
    assert s3.head_object(Bucket=bucket, Key="managed")["ETag"].endswith('-2"')
    target = io.BytesIO()
    s3.download_fileobj(bucket, "managed", target)
    assert target.getvalue() == data


# Tags, configurations, ACLs


def test_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="team=a&stage=")
    assert s3.head_object(Bucket=bucket, Key="t")["TagCount"] == 2
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [
        {"Key": "stage", "Value": ""}, {"Key": "team", "Value": "a"}]
    with pytest.raises(ClientError) as e:
        s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]})
    assert error(e)["Message"] == "Your TagKey cannot be prefixed with aws:"
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="t")
    with pytest.raises(ClientError) as e:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error(e)["Code"] == "NoSuchTagSet"
    answer = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "env", "Value": "dev"}]})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "env", "Value": "dev"}]


def test_bucket_configuration_defaults_and_round_trips(s3, bucket):
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]
    for call, code in [(s3.get_bucket_policy, "NoSuchBucketPolicy"), (s3.get_bucket_cors, "NoSuchCORSConfiguration"),
                       (s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration"),
                       (s3.get_bucket_website, "NoSuchWebsiteConfiguration")]:
        with pytest.raises(ClientError) as e:
            call(Bucket=bucket)
        assert error(e)["Code"] == code
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy="{}")
    assert error(e)["Code"] == "MalformedPolicy" and error(e)["Message"] == "Missing required field Statement"
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                       "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    assert s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    rules = [{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://app.example"], "MaxAgeSeconds": 600}]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    with pytest.raises(ClientError) as e:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "enabled"})
    assert error(e)["Code"] == "MalformedXML"


def test_acls(s3, bucket):
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ"} in grants
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, ACL="fake-acl")
    assert error(e)["Code"] == "InvalidArgument" and error(e)["ArgumentName"] == "x-amz-acl"
    s3.put_object(Bucket=bucket, Key="o", Body=b"x")
    s3.put_object_acl(Bucket=bucket, Key="o", GrantRead='uri="http://acs.amazonaws.com/groups/s3/LogDelivery"')
    assert s3.get_object_acl(Bucket=bucket, Key="o")["Grants"] == [
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "READ"}]


def test_lifecycle_expiration(server, s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
            {"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1}}]})
    assert error(e)["Code"] == "MalformedXML"  # no Filter
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 7}}]})
    put = s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")
    assert put["Expiration"].startswith('expiry-date="') and put["Expiration"].endswith('", rule-id="logs"')
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="other", Body=b"x")


def test_lifecycle_rules_are_applied():
    """A rule whose date has passed removes what it selects at the next sweep."""
    env = dict(os.environ, SWITCHYARD_S3_LIFECYCLE_SECONDS="0.5")
    server = Server(env=env).start()
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="expiring")
        s3.put_object(Bucket="expiring", Key="tmp/a", Body=b"x")
        s3.put_object(Bucket="expiring", Key="keep", Body=b"x")
        s3.put_bucket_lifecycle_configuration(Bucket="expiring", LifecycleConfiguration={"Rules": [
            {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
             "Expiration": {"Date": "2020-01-01T00:00:00Z"}}]})
        deadline = time.time() + 10
        while time.time() < deadline:
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket="expiring").get("Contents", [])]
            if keys == ["keep"]:
                break
            time.sleep(0.2)
        assert keys == ["keep"]
    finally:
        server.stop()


def test_object_lock(s3):
    s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
    version = s3.put_object(Bucket="locked", Key="k", Body=b"x")["VersionId"]
    s3.put_object_legal_hold(Bucket="locked", Key="k", LegalHold={"Status": "ON"})
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket="locked", Key="k", VersionId=version)
    assert error(e)["Code"] == "AccessDenied"
    s3.put_object_legal_hold(Bucket="locked", Key="k", LegalHold={"Status": "OFF"})
    assert s3.head_object(Bucket="locked", Key="k")["ObjectLockLegalHoldStatus"] == "OFF"
    s3.delete_object(Bucket="locked", Key="k", VersionId=version)
    s3.create_bucket(Bucket="unlocked")
    with pytest.raises(ClientError) as e:
        s3.get_object_retention(Bucket="unlocked", Key="k")
    assert error(e)["Message"] == "Bucket is missing Object Lock Configuration"
    # A past date is named as S3's Java servers print it, in US Pacific time.
    s3.put_object(Bucket="locked", Key="r", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.put_object_retention(Bucket="locked", Key="r", Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)})
    assert error(e) == {"Code": "InvalidArgument", "Message": "The retain until date must be in the future!",
                        "ArgumentName": "RetainUntilDate", "ArgumentValue": "Tue Dec 31 16:00:00 PST 2019"}


def test_configuration_errors_as_aws_recorded(s3, bucket):
    # An operation not built here still names a missing bucket first.
    with pytest.raises(ClientError) as e:
        s3.get_bucket_replication(Bucket="no-such-bucket")
    assert error(e)["Code"] == "NoSuchBucket"
    # Logs stay in their bucket's region.
    s3.create_bucket(Bucket="west-logs", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    with pytest.raises(ClientError) as e:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "west-logs", "TargetPrefix": "log"}})
    assert error(e) == {"Code": "CrossLocationLoggingProhibitted", "Message": "Cross S3 location logging not allowed. ",
                        "TargetBucketLocation": "us-west-2"}
    s3.create_bucket(Bucket="east-source", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as e:
        s3.put_bucket_logging(Bucket="east-source", BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "west-logs", "TargetPrefix": "log"}})
    assert (error(e)["SourceBucketLocation"], error(e)["TargetBucketLocation"]) == ("eu-west-1", "us-west-2")
    # An unknown canned ACL has an empty message.
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, ACL="fake-acl")
    assert error(e)["ArgumentValue"] == "fake-acl" and error(e)["Message"] is None
    # ListObjectsV2 names the bucket's region.
    listed = s3.list_objects_v2(Bucket="west-logs")
    assert listed["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-west-2"


def test_inventory_configurations_are_checked(s3, bucket):
    s3.create_bucket(Bucket="reports")

    def put(**changes):
        configuration = {"Id": "inv", "IsEnabled": True, "IncludedObjectVersions": "All",
                         "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::reports", "Format": "CSV"}},
                         "Schedule": {"Frequency": "Daily"}, **changes}
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="inv", InventoryConfiguration=configuration)

    put(OptionalFields=["Size", "ETag"])
    assert s3.get_bucket_inventory_configuration(Bucket=bucket, Id="inv")["InventoryConfiguration"][
        "OptionalFields"] == ["Size", "ETag"]
    for changes in ({"OptionalFields": ["TestField"]}, {"Schedule": {"Frequency": "Hourly"}}):
        with pytest.raises(ClientError) as e:
            put(**changes)
        assert error(e)["Code"] == "MalformedXML", changes
    with pytest.raises(ClientError) as e:
        put(Id="other")
    assert error(e)["Code"] == "IdMismatch"


def test_replication_copies_new_objects(s3, bucket):
    role = "arn:aws:iam::000000000000:role/replication"
    s3.create_bucket(Bucket="replica", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.create_bucket(Bucket="archive")

    def configure(rules):
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={"Role": role, "Rules": rules})

    rule = {"Status": "Enabled", "Priority": 1, "DeleteMarkerReplication": {"Status": "Disabled"},
            "Filter": {"Prefix": "tax/"}, "Destination": {"Bucket": "arn:aws:s3:::replica"}}
    with pytest.raises(ClientError) as e:
        configure([rule])
    assert error(e)["Message"] == "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(ClientError) as e:
        configure([rule])
    assert error(e) == {"Code": "InvalidRequest", "Message": "Destination bucket must have versioning enabled."}
    for name in ("replica", "archive"):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(ClientError) as e:
        configure([])
    assert error(e)["Code"] == "MalformedXML"
    # Overlapping rules: the higher priority wins.
    configure([rule, {"Status": "Enabled", "Priority": 2, "DeleteMarkerReplication": {"Status": "Disabled"},
                      "Filter": {"And": {"Prefix": "tax/", "Tags": [{"Key": "keep", "Value": "long"}]}},
                      "Destination": {"Bucket": "arn:aws:s3:::archive", "StorageClass": "GLACIER"}}])
    stored = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]["Rules"]
    assert all(r["ID"] for r in stored) and [r["Priority"] for r in stored] == [1, 2]

    put = s3.put_object(Bucket=bucket, Key="tax/2026.csv", Body=b"figures", Metadata={"year": "2026"})
    assert s3.head_object(Bucket=bucket, Key="tax/2026.csv")["ReplicationStatus"] == "COMPLETED"
    replica = s3.get_object(Bucket="replica", Key="tax/2026.csv")
    assert (replica["VersionId"], replica["ReplicationStatus"]) == (put["VersionId"], "REPLICA")
    assert replica["Body"].read() == b"figures" and replica["Metadata"] == {"year": "2026"}
    s3.put_object(Bucket=bucket, Key="tax/old.csv", Body=b"x", Tagging="keep=long")
    assert s3.head_object(Bucket="archive", Key="tax/old.csv")["StorageClass"] == "GLACIER"
    assert "Contents" not in s3.list_objects_v2(Bucket="replica", Prefix="tax/old")
    s3.put_object(Bucket=bucket, Key="notes.txt", Body=b"x")
    assert "ReplicationStatus" not in s3.head_object(Bucket=bucket, Key="notes.txt")
    assert "Contents" not in s3.list_objects_v2(Bucket="replica", Prefix="notes")

    with pytest.raises(ClientError) as e:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert error(e)["Code"] == "InvalidBucketState"
    s3.delete_bucket_replication(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_replication(Bucket=bucket)
    assert error(e)["Code"] == "ReplicationConfigurationNotFoundError"


def test_replication_of_delete_markers_follows_the_rule(s3, bucket):
    for name in (bucket, "replica"):
        if name != bucket:
            s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={
        "Role": "arn:aws:iam::000000000000:role/replication",
        "Rules": [{"Status": "Enabled", "Priority": 1, "Filter": {"Prefix": "on/"},
                   "DeleteMarkerReplication": {"Status": "Enabled"}, "Destination": {"Bucket": "arn:aws:s3:::replica"}},
                  {"Status": "Enabled", "Priority": 2, "Filter": {"Prefix": "off/"},
                   "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::replica"}}]})
    for key in ("on/a", "off/a"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
        marker = s3.delete_object(Bucket=bucket, Key=key)
        assert marker["DeleteMarker"]
    markers = s3.list_object_versions(Bucket="replica").get("DeleteMarkers", [])
    assert [(m["Key"], m["VersionId"]) for m in markers] == [("on/a", s3.list_object_versions(
        Bucket=bucket, Prefix="on/")["DeleteMarkers"][0]["VersionId"])]
    with pytest.raises(ClientError):
        s3.get_object(Bucket="replica", Key="on/a")
    assert s3.get_object(Bucket="replica", Key="off/a")["Body"].read() == b"x"


def test_multipart_upload_keeps_its_acl(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", ACL="public-read-write")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    grants = s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]
    public = sorted(g["Permission"] for g in grants if g["Grantee"].get("URI", "").endswith("/AllUsers"))
    assert public == ["READ", "WRITE"]


# HTTP-level behaviour: virtual hosts, presigned URLs, CORS, form uploads


def test_virtual_hosted_addressing(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="vh.txt", Body=b"virtual")
    status, _, body = raw(server, "GET", "/vh.txt", headers={"Host": f"{bucket}.localhost:{server.port}"})
    assert status == 200 and body == b"virtual"
    status, _, body = raw(server, "GET", "/?list-type=2",
                          headers={"Host": f"{bucket}.s3.us-east-1.amazonaws.com"})
    assert status == 200 and b"<Key>vh.txt</Key>" in body


def test_presigned_urls(server, s3, bucket):
    for client in [s3, server.client("s3", signature_version="s3v4")]:
        url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "p"}, ExpiresIn=60)
        status, _, _ = raw(server, "PUT", url[len(server.endpoint):], b"presigned")
        assert status == 200
        # The URL's own expiry (SigV2's Expires parameter) is not the object's Expires header.
        assert "Expires" not in s3.head_object(Bucket=bucket, Key="p")
        url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "p"})
        assert raw(server, "GET", url[len(server.endpoint):])[2] == b"presigned"


def test_a_presigned_url_may_carry_headers_as_query_parameters(server, s3, bucket):
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    s3.put_object(Bucket=bucket, Key="taken", Body=b"first")
    credentials = botocore.credentials.Credentials("test", "test")

    def presigned_put(key, **headers):
        request = botocore.awsrequest.AWSRequest(method="PUT", url=f"{server.endpoint}/{bucket}/{key}",
                                                 params=headers)
        botocore.auth.S3SigV4QueryAuth(credentials, "s3", "us-east-1").add_auth(request)
        return raw(server, "PUT", request.prepare().url[len(server.endpoint):], b"second")[0]

    # If-None-Match signed into the URL is the conditional write's header: the key is taken.
    assert presigned_put("taken", **{"If-None-Match": "*"}) == 412
    assert s3.get_object(Bucket=bucket, Key="taken")["Body"].read() == b"first"
    assert presigned_put("free", **{"If-None-Match": "*"}) == 200


def test_a_get_sent_with_a_body_ignores_it(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"foobar")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    request = urllib.request.Request(url, data=b"<not xml", method="GET")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200 and answer.read() == b"foobar"


def test_copy_source_plus_is_a_space_and_head_bucket_declares_xml(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="test key.txt", Body=b"spaced")
    # Form encoding's `+` for a space, as Go's SDK writes the copy source.
    status, _, _ = raw(server, "PUT", f"/{bucket}/copied", headers={"x-amz-copy-source": f"{bucket}%2Ftest+key.txt"})
    assert status == 200
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == b"spaced"
    assert s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/xml"


def test_cors(server, s3, bucket):
    status, _, body = raw(server, "OPTIONS", f"/{bucket}/k", headers={"Origin": "https://app.example",
                                                                       "Access-Control-Request-Method": "GET"})
    assert status == 403 and b"CORS is not enabled for this bucket." in body
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
        {"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://*.example"], "AllowedHeaders": ["x-amz-*"],
         "MaxAgeSeconds": 300}]})
    status, headers, _ = raw(server, "OPTIONS", f"/{bucket}/k", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "X-Amz-Meta-A"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert headers["Access-Control-Allow-Headers"] == "x-amz-meta-a"
    assert headers["Access-Control-Max-Age"] == "300" and headers["Access-Control-Allow-Credentials"] == "true"
    status, _, body = raw(server, "OPTIONS", f"/{bucket}/k", headers={
        "Origin": "https://other.test", "Access-Control-Request-Method": "GET"})
    assert status == 403 and b"<ResourceType>OBJECT</ResourceType>" in body
    status, _, _ = raw(server, "OPTIONS", f"/{bucket}/k", headers={"Access-Control-Request-Method": "GET"})
    assert status == 400
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    status, headers, _ = raw(server, "GET", f"/{bucket}/k", headers={"Origin": "https://app.example"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://app.example"


def test_presigned_post_form_upload(server, s3, bucket):
    post = s3.generate_presigned_post(bucket, "uploads/${filename}",
                                      Fields={"success_action_status": "201"},
                                      Conditions=[{"success_action_status": "201"},
                                                  ["content-length-range", 1, 100]])
    boundary = "----switchyard"
    fields = dict(post["fields"])

    def form(payload, **extra):
        parts = []
        for name, value in {**fields, **extra}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="hello.txt"\r\n'
                     f"Content-Type: text/plain\r\n\r\n".encode() + payload + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts)

    path = post["url"][len(server.endpoint):]
    status, headers, body = raw(server, "POST", path, form(b"hello form"),
                                {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 201, body
    assert b"<Key>uploads/hello.txt</Key>" in body and headers["ETag"] == '"%s"' % hashlib.md5(b"hello form").hexdigest()
    # The object's URL on the host the form went to (virtual-hosted, path-style on an address).
    assert headers["Location"] == f"{server.endpoint}/{bucket}/uploads/hello.txt"
    status, headers, _ = raw(server, "POST", path, form(b"hello form"),
                             {"Content-Type": f"multipart/form-data; boundary={boundary}",
                              "Host": "s3.localhost.localstack.cloud:4566"})
    assert headers["Location"] == f"http://{bucket}.s3.localhost.localstack.cloud:4566/uploads/hello.txt"
    got = s3.get_object(Bucket=bucket, Key="uploads/hello.txt")
    assert got["Body"].read() == b"hello form" and got["ContentType"] == "text/plain"
    status, _, body = raw(server, "POST", path, form(b"x" * 101),
                          {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 400 and b"<Code>EntityTooLarge</Code>" in body
    status, _, body = raw(server, "POST", path, b"a=b", {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 412 and b"multipart/form-data" in body


def test_non_ascii_metadata_is_answered_as_encoded_words(server, s3, bucket):
    """Form uploads take UTF-8 metadata; S3 answers values that are not plain ASCII as RFC 2047 words
    ("Q" when most characters are ASCII, "B" otherwise), control characters included, so that every
    stored object can be read back."""
    metadata = {
        "x-amz-meta-nonascii": "ÄMÄZÕÑ S3",
        "x-amz-meta-nonascii-2": "test_—_file%E2%80%94_é_2👑.pdf",
        "x-amz-meta-utf-8": "\x00\x01\x02\x03\x04",
        "x-amz-meta-tab": "a\tb",
        "x-amz-meta-q-encoded": "=?UTF-8?Q?actually-ascii?=",
        # Not a header value HTTP can carry as it is: the answer must still come (it did not).
        "Content-Disposition": "attachment;\x01",
    }
    post = s3.generate_presigned_post(bucket, "k", Fields=metadata, Conditions=[["eq", f"${name}", value]
                                                                              for name, value in metadata.items()])
    boundary = "----switchyard"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in post["fields"].items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nbody\r\n--{boundary}--\r\n'
                 .encode())
    status, _, body = raw(server, "POST", post["url"][len(server.endpoint):], b"".join(parts),
                          {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 204, body
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentDisposition"].startswith("attachment;")
    assert head["Metadata"] == {
        "nonascii": "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=",
        "nonascii-2": "=?UTF-8?Q?test=5F=E2=80=94=5Ffile%E2%80%94=5F=C3=A9=5F2=F0=9F=91=91.pdf?=",
        "utf-8": "=?UTF-8?B?AAECAwQ=?=",
        "tab": "a\tb",
        "q-encoded": "=?UTF-8?Q?actually-ascii?=",
    }
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"body"


def test_sigv2_presigned_put_carries_metadata_in_its_query(server, bucket):
    signer = server.client("s3", signature_version="s3")
    url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k", "Metadata": {"foo": "bar"}})
    assert "x-amz-meta-foo=bar" in url
    status, _, _ = raw(server, "PUT", url[len(server.endpoint):], b"content")
    assert status == 200
    assert server.client("s3").head_object(Bucket=bucket, Key="k")["Metadata"] == {"foo": "bar"}


# Notifications


def receive(sqs, url, count, wait=10):
    bodies = []
    deadline = time.time() + wait
    while len(bodies) < count and time.time() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_notifications_to_a_queue(server, s3, bucket):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="s3-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
            {"QueueArn": arn.replace("s3-events", "missing"), "Events": ["s3:ObjectCreated:*"]}]})
    assert error(e)["Message"] == "Unable to validate the following destination configurations"
    assert error(e)["ArgumentValue1"] == "The destination queue does not exist"
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}}}]})
    configured = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]
    assert configured["Filter"]["Key"]["FilterRules"] == [{"Name": "Prefix", "Value": "in/"}] and configured["Id"]
    assert receive(sqs, url, 1)[0]["Event"] == "s3:TestEvent"
    s3.put_object(Bucket=bucket, Key="in/a b.txt", Body=b"12345")
    s3.put_object(Bucket=bucket, Key="out/skipped", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="in/a b.txt")
    records = [body["Records"][0] for body in receive(sqs, url, 2)]
    assert [r["eventName"] for r in records] == ["ObjectCreated:Put", "ObjectRemoved:Delete"]
    created = records[0]
    assert created["eventSource"] == "aws:s3" and created["eventVersion"] == "2.1"
    assert created["s3"]["object"]["key"] == "in/a+b.txt" and created["s3"]["object"]["size"] == 5
    assert created["s3"]["object"]["eTag"] == hashlib.md5(b"12345").hexdigest()
    assert created["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert created["s3"]["configurationId"] == configured["Id"]
    assert "size" not in records[1]["s3"]["object"]


def test_eventbridge_rule_gets_object_created(server, s3, bucket):
    """The issue's example: a PUT into a bucket with EventBridge enabled reaches a rule's SQS target."""
    sqs = server.client("sqs")
    events = server.client("events")
    url = sqs.create_queue(QueueName="from-rule")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="uploads", EventPattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [bucket]}}}))
    events.put_targets(Rule="uploads", Targets=[{"Id": "q", "Arn": arn}])
    s3.put_bucket_notification_configuration(Bucket=bucket,
                                             NotificationConfiguration={"EventBridgeConfiguration": {}})
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b")
    event = receive(sqs, url, 1)[0]
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event["source"] == "aws.s3" and event["detail-type"] == "Object Created"
    assert event["account"] == ACCOUNT and event["resources"] == [f"arn:aws:s3:::{bucket}"]
    detail = event["detail"]
    assert detail["bucket"] == {"name": bucket} and detail["reason"] == "PutObject"
    assert detail["object"]["key"] == "report.csv" and detail["object"]["size"] == 3


def test_eventbridge_gets_restore_events(server, s3, bucket):
    sqs = server.client("sqs")
    events = server.client("events")
    url = sqs.create_queue(QueueName="restores")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="restores", EventPattern=json.dumps({"source": ["aws.s3"], "detail-type": [
        "Object Restore Initiated", "Object Restore Completed"]}))
    events.put_targets(Rule="restores", Targets=[{"Id": "q", "Arn": arn}])
    s3.put_bucket_notification_configuration(Bucket=bucket,
                                             NotificationConfiguration={"EventBridgeConfiguration": {}})
    s3.put_object(Bucket=bucket, Key="cold", Body=b"archived", StorageClass="DEEP_ARCHIVE")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    received = sorted(receive(sqs, url, 2), key=lambda event: event["detail-type"], reverse=True)
    assert [event["detail-type"] for event in received] == ["Object Restore Initiated", "Object Restore Completed"]
    initiated, completed = (event["detail"] for event in received)
    assert initiated["source-storage-class"] == "DEEP_ARCHIVE" and "source-ip-address" in initiated
    assert completed["restore-expiry-time"] and "source-ip-address" not in completed
    assert "sequencer" not in initiated["object"] and completed["object"]["size"] == 8


# The aws CLI


def test_aws_cli_s3_commands(server, tmp_path):
    server.reset()
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("one")
    (source / "sub" / "b.txt").write_text("two")
    assert aws(server, "s3", "mb", "s3://cli-bucket").returncode == 0
    assert aws(server, "s3", "sync", str(source), "s3://cli-bucket/data").returncode == 0
    listing = aws(server, "s3", "ls", "s3://cli-bucket", "--recursive").stdout
    assert "data/a.txt" in listing and "data/sub/b.txt" in listing
    target = tmp_path / "b.txt"
    assert aws(server, "s3", "cp", "s3://cli-bucket/data/sub/b.txt", str(target)).returncode == 0
    assert target.read_text() == "two"
    head = json.loads(aws(server, "s3api", "head-object", "--bucket", "cli-bucket", "--key", "data/a.txt").stdout)
    assert head["ContentLength"] == 3
    assert aws(server, "s3", "rb", "s3://cli-bucket", "--force").returncode == 0


def test_customer_provided_keys(s3, bucket):
    key = os.urandom(32)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    put = s3.put_object(Bucket=bucket, Key="secret", Body=b"classified", **sse)
    assert put["SSECustomerAlgorithm"] == "AES256" and "ServerSideEncryption" not in put
    assert put["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(key).digest()).decode()
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="secret")
    assert error(e)["Code"] == "InvalidRequest"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="secret", SSECustomerAlgorithm="AES256", SSECustomerKey=os.urandom(32))
    assert error(e)["Code"] == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="secret", **sse)["Body"].read() == b"classified"
    # The attributes too are only for the key's holder, who must name AES256 (botocore does not encode
    # the key for this operation: the caller does).
    encoded = {"SSECustomerKey": base64.b64encode(key).decode(),
               "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(key).digest()).decode()}
    with pytest.raises(ClientError) as e:
        s3.get_object_attributes(Bucket=bucket, Key="secret", ObjectAttributes=["ETag"], SSECustomerAlgorithm="KMS",
                                 **encoded)
    assert (error(e)["Code"], error(e)["ArgumentValue"]) == ("InvalidEncryptionAlgorithmError", "KMS")
    assert s3.get_object_attributes(Bucket=bucket, Key="secret", ObjectAttributes=["ETag"],
                                    SSECustomerAlgorithm="AES256", **encoded)["ETag"]
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", SSECustomerAlgorithm="KMS", SSECustomerKey=key)
    assert error(e)["Code"] == "InvalidEncryptionAlgorithmError"


def test_archived_objects_are_read_once_restored(server, s3, bucket):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="restores")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": arn, "Events": ["s3:ObjectRestore:*"]}]})
    receive(sqs, url, 1)  # the test event
    s3.put_object(Bucket=bucket, Key="cold", Body=b"archived", StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="warm", Body=b"standard")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="cold")
    assert (error(e)["Code"], error(e)["StorageClass"]) == ("InvalidObjectState", "GLACIER")
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/cold")
    assert error(e) == {"Code": "InvalidObjectState",
                        "Message": "Operation is not valid for the source object's storage class"}
    with pytest.raises(ClientError) as e:
        s3.restore_object(Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert error(e)["Message"] == "Restore is not allowed for the object's current storage class"

    started = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={
        "Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}})
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["Restore"].startswith('ongoing-request="false", expiry-date="') and head["Restore"].endswith('GMT"')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"archived"
    s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/cold")
    again = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 3})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200

    records = [body["Records"][0] for body in receive(sqs, url, 2)]
    assert [r["eventName"] for r in records] == ["ObjectRestore:Post", "ObjectRestore:Completed"]
    assert "glacierEventData" not in records[0]
    restored = records[1]["glacierEventData"]["restoreEventData"]
    assert restored["lifecycleRestoreStorageClass"] == "GLACIER" and restored["lifecycleRestorationExpiryTime"]
    assert records[1]["userIdentity"]["principalId"].startswith("AmazonCustomer:")


def test_keys_differing_only_in_unicode_normalization_are_two_objects(s3, bucket):
    # S3 compares keys as UTF-8 bytes: a precomposed "é" and "e" + combining acute are two keys.
    composed, decomposed = "café.txt", "cafe\u0301.txt"
    s3.put_object(Bucket=bucket, Key=composed, Body=b"composed")
    s3.put_object(Bucket=bucket, Key=decomposed, Body=b"decomposed")
    assert s3.get_object(Bucket=bucket, Key=composed)["Body"].read() == b"composed"
    assert s3.get_object(Bucket=bucket, Key=decomposed)["Body"].read() == b"decomposed"
    # Listed in byte order: "e" (0x65) sorts before "é" (0xc3 0xa9).
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [decomposed, composed]
    s3.delete_object(Bucket=bucket, Key=decomposed)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [composed]
    assert s3.get_object(Bucket=bucket, Key=composed)["Body"].read() == b"composed"


def test_a_multipart_upload_belongs_to_its_key_byte_for_byte(s3, bucket):
    composed, decomposed = "café.bin", "cafe\u0301.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=composed)["UploadId"]
    # The same upload id under the other spelling of the key is no upload of it.
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key=decomposed, UploadId=upload, PartNumber=1, Body=b"x")
    assert e.value.response["Error"]["Code"] == "NoSuchUpload"
    etag = s3.upload_part(Bucket=bucket, Key=composed, UploadId=upload, PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key=composed, UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [composed]
