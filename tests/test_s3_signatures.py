"""S3 in --auth strict: what S3 signs beyond the request line and headers is verified too, as AWS
does. A payload hash declared in x-amz-content-sha256 must be the body's; the chunks of a
STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload and its trailer each carry a signature chained to the one
before (AWS's "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
Chunks" and "... Including Trailing Headers"); a browser form upload signs its policy document."""
import base64
import datetime
import hashlib
import hmac
import urllib.error
import urllib.request
import zlib

import pytest
from botocore.exceptions import ClientError

from conftest import Server

KEY, SECRET = "AKIDS3STRICT", "s3-strict-secret"
REGION = "us-east-1"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()


@pytest.fixture(scope="module")
def strict():
    s = Server("--auth", "strict", "--credentials", f"{KEY}:{SECRET}:111122223333", storage="memory").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def s3(strict):
    client = strict.client("s3", access_key=KEY, secret=SECRET)
    client.create_bucket(Bucket="signed")
    return client


class Answer:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.text = status, headers, body.decode()


def send(method, url, body=b"", headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return Answer(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as failure:
        return Answer(failure.code, failure.headers, failure.read())


def form(fields, payload):
    boundary = "----switchyard-signatures"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\n'.encode()
                 + payload + b"\r\n" + f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def signing_key(date):
    key = ("AWS4" + SECRET).encode()
    for part in (date, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def authorize(endpoint, method, path, headers, payload):
    """Adds x-amz-date, x-amz-content-sha256 (`payload`) and a SigV4 Authorization signing every
    header given; returns the signature and what chunk signatures chain to (date, scope, key)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{date}/{REGION}/s3/aws4_request"
    signed = {**headers, "host": endpoint.split("://", 1)[1], "x-amz-content-sha256": payload, "x-amz-date": amz_date}
    names = sorted(signed)
    canonical = "\n".join([
        method, path, "", "".join(f"{n}:{signed[n]}\n" for n in names), ";".join(names), payload])
    key = signing_key(date)
    seed = sign(key, "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]))
    del signed["host"]
    signed["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={KEY}/{scope}, SignedHeaders={';'.join(names)}, Signature={seed}")
    headers.clear()
    headers.update(signed)
    return seed, amz_date, scope, key


def streaming_put(endpoint, path, data, chunk_size, trailer=None, tamper=None):
    """PUT `data` as aws-chunked with signed chunks (and a signed trailer when `trailer` is a
    (name, value) pair); `tamper` may alter the encoded body before it is sent."""
    payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    headers = {"content-encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data))}
    if trailer:
        headers["x-amz-trailer"] = trailer[0]
    previous, amz_date, scope, key = authorize(endpoint, "PUT", path, headers, payload)
    body = b""
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    for chunk in chunks:
        previous = sign(key, "\n".join([
            "AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, EMPTY_HASH, hashlib.sha256(chunk).hexdigest()]))
        body += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk + b"\r\n"
    if trailer:
        canonical_trailer = f"{trailer[0]}:{trailer[1]}\n"
        trailer_signature = sign(key, "\n".join([
            "AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
            hashlib.sha256(canonical_trailer.encode()).hexdigest()]))
        body = body[:-2] + canonical_trailer.replace("\n", "\r\n").encode()
        body += f"x-amz-trailer-signature:{trailer_signature}\r\n\r\n".encode()
    if tamper:
        body = tamper(body)
    return send("PUT", endpoint + path, body, headers)


def test_boto3_upload_with_signed_payload_hash(s3):
    # boto3 over plain HTTP signs the body's SHA-256; a body large enough to be spooled to disk is
    # hashed there, and must still match.
    data = bytes(range(256)) * 8192
    s3.put_object(Bucket="signed", Key="big", Body=data)
    assert s3.get_object(Bucket="signed", Key="big")["Body"].read() == data


def test_declared_payload_hash_must_be_the_bodys(strict, s3):
    headers = {}
    authorize(strict.endpoint, "PUT", "/signed/claimed", headers, hashlib.sha256(b"another body").hexdigest())
    answer = send("PUT", strict.endpoint + "/signed/claimed", b"the body", headers)
    assert answer.status_code == 400
    assert "<Code>XAmzContentSHA256Mismatch</Code>" in answer.text


def test_signed_chunks_are_accepted(strict, s3):
    data = b"a" * 70000
    answer = streaming_put(strict.endpoint, "/signed/chunked", data, 65536)
    assert answer.status_code == 200, answer.text
    assert s3.get_object(Bucket="signed", Key="chunked")["Body"].read() == data


def test_altered_chunk_is_refused(strict, s3):
    answer = streaming_put(
        strict.endpoint, "/signed/altered", b"b" * 3000, 1024,
        tamper=lambda body: body.replace(b"b" * 10, b"c" * 10, 1))
    assert answer.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in answer.text
    with pytest.raises(ClientError):
        s3.head_object(Bucket="signed", Key="altered")


def test_chunk_without_its_signature_is_refused(strict, s3):
    answer = streaming_put(
        strict.endpoint, "/signed/unsigned-chunk", b"d" * 100, 1024,
        tamper=lambda body: b"64\r\n" + body.split(b"\r\n", 1)[1])
    assert answer.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in answer.text


def test_signed_trailer_is_verified(strict, s3):
    data = b"trailing checksum " * 100
    checksum = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    answer = streaming_put(strict.endpoint, "/signed/trailer", data, 1000, trailer=("x-amz-checksum-crc32", checksum))
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-amz-checksum-crc32"] == checksum
    forged = streaming_put(
        strict.endpoint, "/signed/forged-trailer", data, 1000, trailer=("x-amz-checksum-crc32", checksum),
        tamper=lambda body: body.replace(b"x-amz-trailer-signature:", b"x-amz-trailer-signature:0", 1)[:-3] + b"\r\n\r\n")
    assert forged.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in forged.text


def form_upload(endpoint, post):
    """Posts the form path-style, whatever URL boto3 generated."""
    body, headers = form(post["fields"], b"form bytes")
    return send("POST", endpoint + "/signed", body, headers)


def test_form_upload_signature_is_verified(strict, s3):
    post = s3.generate_presigned_post("signed", "from-form")
    answer = form_upload(strict.endpoint, post)
    assert answer.status_code == 204, answer.text
    assert s3.get_object(Bucket="signed", Key="from-form")["Body"].read() == b"form bytes"

    forged = strict.client("s3", access_key=KEY, secret="not-the-secret").generate_presigned_post("signed", "forged")
    answer = form_upload(strict.endpoint, forged)
    assert answer.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in answer.text

    stranger = strict.client("s3", access_key="AKIDUNKNOWN", secret="x").generate_presigned_post("signed", "x")
    answer = form_upload(strict.endpoint, stranger)
    assert answer.status_code == 403
    assert "<Code>InvalidAccessKeyId</Code>" in answer.text
    assert "<AWSAccessKeyId>AKIDUNKNOWN</AWSAccessKeyId>" in answer.text


def test_unsigned_form_upload_is_anonymous_and_refused(strict, s3):
    body, headers = form({"key": "anonymous"}, b"x")
    answer = send("POST", strict.endpoint + "/signed", body, headers)
    assert answer.status_code == 403
    assert "<Code>AccessDenied</Code>" in answer.text


def test_identity_failures_in_s3_words(strict, s3):
    # S3 treats an unsigned request as anonymous (denied without a policy granting it) and names an
    # access key it does not know.
    answer = send("GET", strict.endpoint + "/signed/big")
    assert answer.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Access Denied</Message>" in answer.text
    with pytest.raises(ClientError) as e:
        strict.client("s3", access_key="AKIDNOBODY", secret="x").list_buckets()
    assert e.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    assert e.value.response["Error"]["AWSAccessKeyId"] == "AKIDNOBODY"
    with pytest.raises(ClientError) as e:
        strict.client("s3", access_key=KEY, secret="wrong").list_buckets()
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
