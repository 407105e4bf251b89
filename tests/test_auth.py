"""SigV4 identity: the access key picks the account; --auth strict verifies signatures as AWS does."""
import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import Server, error_code


@pytest.fixture(scope="module")
def strict():
    s = Server("--auth", "strict", "--credentials", "AKIDEXAMPLE:secret123:123456789012,other:pw", storage="memory").start()
    yield s
    s.stop()


def test_strict_accepts_valid_signature_and_maps_account(strict):
    sqs = strict.client(access_key="AKIDEXAMPLE", secret="secret123")
    url = sqs.create_queue(QueueName="signed")["QueueUrl"]
    assert "/123456789012/signed" in url


def test_strict_rejects_unknown_key(strict):
    with pytest.raises(ClientError) as e:
        strict.client(access_key="NOPE", secret="x").list_queues()
    assert error_code(e) == "InvalidClientTokenId"


def test_strict_rejects_wrong_secret(strict):
    with pytest.raises(ClientError) as e:
        strict.client(access_key="AKIDEXAMPLE", secret="wrong").list_queues()
    assert error_code(e) == "SignatureDoesNotMatch"


def test_strict_rejects_malformed_authorization(strict):
    req = urllib.request.Request(strict.endpoint + "/", data=b"{}", method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 403
    assert e.value.headers["x-amzn-query-error"].startswith("IncompleteSignature")


def presigned_list_queues(endpoint, secret):
    """A presigned awsQuery GET, signed with botocore's SigV4 query signer."""
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="GET", url=endpoint + "/", params={"Action": "ListQueues", "Version": "2012-11-05"})
    SigV4QueryAuth(Credentials("AKIDEXAMPLE", secret), "sqs", "us-east-1", expires=300).add_auth(request)
    return request.prepare().url


def test_strict_presigned_url(strict):
    strict.client(access_key="AKIDEXAMPLE", secret="secret123").create_queue(QueueName="presigned")
    with urllib.request.urlopen(presigned_list_queues(strict.endpoint, "secret123"), timeout=5) as r:
        body = r.read().decode()
    assert "<ListQueuesResponse" in body and "/123456789012/presigned" in body
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(presigned_list_queues(strict.endpoint, "wrong"), timeout=5)
    assert e.value.code == 403 and "SignatureDoesNotMatch" in e.value.read().decode()


def test_default_mode_takes_twelve_digit_key_as_account(server):
    server.reset()
    url = server.client(access_key="210987654321").create_queue(QueueName="acct")["QueueUrl"]
    assert "/210987654321/acct" in url


def test_strict_rejects_stale_signatures(strict):
    req = urllib.request.Request(strict.endpoint + "/", data=b"{}", method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues",
        "X-Amz-Date": "20150830T123600Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws4_request, "
                         "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 403
    assert e.value.headers["x-amzn-query-error"] == "SignatureDoesNotMatch;Sender"
    assert "Signature expired: 20150830T123600Z is now earlier than" in e.value.read().decode()


def signed_request(endpoint, body, headers, key="AKIDEXAMPLE", secret="secret123"):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers=headers)
    SigV4Auth(Credentials(key, secret), "sqs", "us-east-1").add_auth(request)
    return request


def test_strict_signature_covers_the_body_whatever_the_payload_header_claims(strict):
    import hashlib
    sqs = strict.client(access_key="AKIDEXAMPLE", secret="secret123")
    url = sqs.create_queue(QueueName="kept")["QueueUrl"]
    original = json.dumps({}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues",
               "X-Amz-Content-SHA256": hashlib.sha256(original).hexdigest()}
    captured = signed_request(strict.endpoint, original, headers)
    # Replayed with another body and operation, the declared hash still that of the original body.
    forged = json.dumps({"QueueUrl": url}).encode()
    replay_headers = dict(captured.headers.items())
    replay_headers["X-Amz-Target"] = "AmazonSQS.DeleteQueue"
    replay = urllib.request.Request(strict.endpoint + "/", data=forged, method="POST", headers=replay_headers)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(replay, timeout=5)
    assert e.value.code == 403
    assert sqs.get_queue_url(QueueName="kept")["QueueUrl"] == url
    # The same request unmodified is fine.
    with urllib.request.urlopen(urllib.request.Request(
            strict.endpoint + "/", data=original, method="POST", headers=dict(captured.headers.items())), timeout=5) as r:
        assert r.status == 200


def presigned(endpoint, expires, when=None):
    from unittest import mock
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="GET", url=endpoint + "/", params={"Action": "ListQueues", "Version": "2012-11-05"})
    auth = SigV4QueryAuth(Credentials("AKIDEXAMPLE", "secret123"), "sqs", "us-east-1", expires=expires)
    if when is None:
        auth.add_auth(request)
    else:
        import botocore.auth
        if hasattr(botocore.auth, "get_current_datetime"):
            with mock.patch("botocore.auth.get_current_datetime", return_value=when):
                auth.add_auth(request)
        else:  # older botocore reads datetime.datetime.utcnow()
            with mock.patch("botocore.auth.datetime") as fake:
                fake.datetime.utcnow.return_value = when.replace(tzinfo=None)
                auth.add_auth(request)
    return request.prepare().url


def test_strict_presigned_url_lifetime_is_at_most_a_week(strict):
    with urllib.request.urlopen(presigned(strict.endpoint, 604800), timeout=5) as r:
        assert r.status == 200
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(presigned(strict.endpoint, 604801), timeout=5)
    assert e.value.code == 400
    body = e.value.read().decode()
    assert "AuthorizationQueryParametersError" in body and "604800" in body


def test_strict_presigned_url_dated_in_the_future_is_refused(strict):
    import datetime
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(presigned(strict.endpoint, 3600, when=future), timeout=5)
    assert e.value.code == 403
    assert "Signature not yet current" in e.value.read().decode()


def admin_request(server, path, method="GET", token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(server.endpoint + path, method=method, headers=headers,
                                     data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_strict_mode_operational_endpoints_need_the_admin_token():
    token = "a-long-admin-token-0123456789"
    server = Server("--auth", "strict", "--credentials", "AKIDEXAMPLE:secret123:123456789012",
                    "--admin-token", token, storage="memory").start()
    try:
        sqs = server.client(access_key="AKIDEXAMPLE", secret="secret123")
        sqs.create_queue(QueueName="survives")
        for path, method in [("/_switchyard/reset", "POST"), ("/_localstack/state/reset", "POST"),
                             ("/moto-api/reset", "POST"), ("/_switchyard/sns/messages", "GET"),
                             ("/_switchyard/deliveries", "GET")]:
            assert admin_request(server, path, method)[0] == 401
            assert admin_request(server, path, method, token="wrong-token-0123456789")[0] == 401
        assert len(sqs.list_queues()["QueueUrls"]) == 1
        status, health = admin_request(server, "/_switchyard/health")
        assert status == 200 and health["status"] == "running" and "counts" not in health and "storage" not in health
        status, health = admin_request(server, "/_switchyard/health", token=token)
        assert health["counts"]["sqsQueues"] == 1
        # The SNS signing certificate stays public: subscribers fetch it to verify signatures.
        with urllib.request.urlopen(server.endpoint + "/_switchyard/sns/SimpleNotificationService.pem") as r:
            assert r.status == 200
        assert admin_request(server, "/_switchyard/deliveries", token=token)[0] == 200
        assert admin_request(server, "/_switchyard/reset", "POST", token=token)[0] == 200
        assert "QueueUrls" not in sqs.list_queues()
    finally:
        server.stop()


def test_strict_mode_without_admin_token_closes_operational_endpoints(strict):
    status, body = admin_request(strict, "/_switchyard/reset", "POST")
    assert status == 403 and "--admin-token" in body["message"]


def test_default_mode_keeps_operational_endpoints_open(server):
    assert admin_request(server, "/_switchyard/deliveries")[0] == 200
    assert "counts" in admin_request(server, "/_switchyard/health")[1]


def test_strict_checks_a_body_written_to_disk_against_its_signature(strict):
    """A streaming upload is hashed while it is written to a file; a service that signs the body itself
    (Lambda's InvokeAsync) is checked against that hash: a signed call passes to the operation, a
    forged signature is refused."""
    lam = strict.client("lambda", access_key="AKIDEXAMPLE", secret="secret123")
    with pytest.raises(ClientError) as e:
        lam.invoke_async(FunctionName="f", InvokeArgs=b"{}" * 4096)
    assert e.value.response["Error"]["Code"] == "NotImplemented"
    forged = strict.client("lambda", access_key="AKIDEXAMPLE", secret="wrong")
    with pytest.raises(ClientError) as e:
        forged.invoke_async(FunctionName="f", InvokeArgs=b"{}" * 4096)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
