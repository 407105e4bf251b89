"""Bad input on the wire, sent as raw HTTP: every answer is an AWS error, never a crash, hang or bare 500."""
import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import error_code

JSON = "application/x-amz-json-1.0"


def post(server, body, headers):
    req = urllib.request.Request(server.endpoint + "/", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def sqs_json(server, operation, body):
    return post(server, body if isinstance(body, bytes) else json.dumps(body).encode(),
                {"Content-Type": JSON, "X-Amz-Target": f"AmazonSQS.{operation}"})


@pytest.mark.parametrize("body", [b"{not json", b"[1,2]", b"\"str\"", b"\xff\xfe"])
def test_malformed_json(server, body):
    status, _, text = sqs_json(server, "ListQueues", body)
    assert status == 400
    assert "SerializationException" in json.loads(text)["__type"]


def test_wrong_json_types(server):
    status, _, text = sqs_json(server, "CreateQueue", {"QueueName": 5})
    assert status == 400 and "SerializationException" in text


def test_missing_required_parameter_json(server):
    server.reset()
    status, headers, text = sqs_json(server, "CreateQueue", {})
    assert status == 400
    assert headers["x-amzn-query-error"] == "MissingParameter;Sender"
    assert json.loads(text)["message"] == "The request must contain the parameter QueueName."


def test_unknown_operation_json(server):
    status, _, text = sqs_json(server, "DoSomething", {})
    assert status == 400 and "UnknownOperationException" in text


def test_queue_does_not_exist_error_shape(server):
    server.reset()
    status, headers, text = sqs_json(server, "GetQueueUrl", {"QueueName": "missing"})
    assert status == 400
    assert headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    body = json.loads(text)
    assert body["__type"] == "com.amazonaws.sqs#QueueDoesNotExist"
    assert body["message"] == "The specified queue does not exist."


def test_invalid_queue_url(server):
    status, _, text = sqs_json(server, "SendMessage", {"QueueUrl": "not a url", "MessageBody": "x"})
    assert status == 400 and "InvalidAddress" in text


def test_unknown_query_action(server):
    status, _, text = post(server, b"Action=Explode&Version=2012-11-05", {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and "<Code>InvalidAction</Code>" in text


def test_query_missing_parameter(server):
    status, _, text = post(server, b"Action=CreateQueue", {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and "<Code>MissingParameter</Code>" in text


def test_query_bad_integer(server):
    server.reset()
    post(server, b"Action=CreateQueue&QueueName=q", {"Content-Type": "application/x-www-form-urlencoded"})
    status, _, text = post(server, b"Action=ReceiveMessage&QueueUrl=http://x/000000000000/q&MaxNumberOfMessages=ten",
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and "<Code>InvalidParameterValue</Code>" in text


def test_unroutable_request(server):
    status, _, text = post(server, b"hello", {"Content-Type": "text/plain"})
    assert status == 400 and "InvalidAction" in text


def test_health_endpoint(server):
    with urllib.request.urlopen(server.endpoint + "/_switchyard/health") as r:
        body = json.loads(r.read())
    services = body["services"]
    assert {name for name, state in services.items() if state == "available"} == {
        "sqs", "sns", "sts", "iam", "events", "scheduler", "pipes", "s3", "lambda", "logs", "ecs", "kinesis",
        "firehose", "ses", "sesv2"}
    # Planned services are addressable (every operation answers NotImplemented) and say so.
    assert services["cloudwatch"] == services["appflow"] == "planned"
    assert body["storage"]["kind"] == "sqlite"
    with urllib.request.urlopen(server.endpoint + "/_localstack/health") as r:
        localstack = json.loads(r.read())["services"]
    assert localstack["sqs"] == localstack["kinesis"] == localstack["firehose"] == "running"
    assert localstack["ses"] == "running"
    assert localstack["cloudwatch"] == "disabled"


@pytest.mark.parametrize("path", ["/_switchyard/reset", "/moto-api/reset", "/_localstack/state/reset"])
def test_reset_endpoints(server, path):
    sqs = server.client()
    sqs.create_queue(QueueName="gone")
    req = urllib.request.Request(server.endpoint + path, method="POST")
    assert urllib.request.urlopen(req).status == 200
    assert "QueueUrls" not in sqs.list_queues()


def test_query_request_posted_to_the_queue_url(server):
    """Older SDKs post to the queue URL and leave QueueUrl out of the parameters."""
    server.reset()
    server.client().create_queue(QueueName="bypath")
    req = urllib.request.Request(server.endpoint + "/000000000000/bypath", data=b"Action=SendMessage&MessageBody=hi",
                                 method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert "<MessageId>" in r.read().decode()
    got = server.client().receive_message(QueueUrl=server.endpoint + "/000000000000/bypath")["Messages"]
    assert got[0]["Body"] == "hi"


def test_rpcv2_cbor_path_of_a_service_switchyard_lacks_is_answered_in_cbor(server):
    import urllib.request
    request = urllib.request.Request(
        server.endpoint + "/service/NoSuchService/operation/DoThings", data=b"\xa0", method="POST",
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request, timeout=5)
    assert e.value.code == 404 and e.value.headers["smithy-protocol"] == "rpc-v2-cbor"
    body = e.value.read()
    assert body[:1] == b"\xa2" and b"UnknownOperationException" in body and b"NoSuchService" in body


def test_service_switchyard_lacks_is_named_as_not_implemented(server):
    import boto3
    from botocore.config import Config
    dynamodb = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 0}))
    with pytest.raises(ClientError) as e:
        dynamodb.list_tables()
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error_code(e) == "NotImplemented"
    message = e.value.response["Error"]["Message"]
    assert "dynamodb" in message and "DynamoDB_20120810.ListTables" in message and "sqs" in message
    ec2 = boto3.client("ec2", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                       aws_secret_access_key="test", config=Config(retries={"max_attempts": 0}))
    with pytest.raises(ClientError) as e:
        ec2.describe_regions()
    assert error_code(e) == "NotImplemented" and "the ec2 service" in e.value.response["Error"]["Message"]
