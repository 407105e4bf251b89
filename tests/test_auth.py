"""SigV4 identity: the access key picks the account; --auth strict verifies signatures as AWS does."""
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
