"""Mangled requests, deterministic: every answer is a 4xx AWS error or a success, never a 5xx, hang or crash."""
import json
import random
import urllib.error
import urllib.request

import pytest

VALID_JSON = [
    ("CreateQueue", {"QueueName": "fuzz", "Attributes": {"DelaySeconds": "1"}, "tags": {"a": "b"}}),
    ("SendMessage", {"QueueUrl": "http://h/000000000000/fuzz", "MessageBody": "x", "DelaySeconds": 0,
                     "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": "AAE="}}}),
    ("SendMessageBatch", {"QueueUrl": "http://h/000000000000/fuzz", "Entries": [{"Id": "a", "MessageBody": "x"}]}),
    ("ReceiveMessage", {"QueueUrl": "http://h/000000000000/fuzz", "MaxNumberOfMessages": 2, "AttributeNames": ["All"]}),
    ("ChangeMessageVisibilityBatch", {"QueueUrl": "http://h/000000000000/fuzz", "Entries": [{"Id": "a", "ReceiptHandle": "00", "VisibilityTimeout": 1}]}),
    ("SetQueueAttributes", {"QueueUrl": "http://h/000000000000/fuzz", "Attributes": {"RedrivePolicy": "{\"x\":1}"}}),
]
VALID_QUERY = [
    "Action=CreateQueue&QueueName=fuzzq&Attribute.1.Name=DelaySeconds&Attribute.1.Value=1",
    "Action=SendMessage&QueueUrl=http://h/000000000000/fuzzq&MessageBody=x&MessageAttribute.1.Name=n"
    "&MessageAttribute.1.Value.DataType=Number&MessageAttribute.1.Value.StringValue=1",
    "Action=DeleteMessageBatch&QueueUrl=http://h/000000000000/fuzzq&DeleteMessageBatchRequestEntry.1.Id=a"
    "&DeleteMessageBatchRequestEntry.1.ReceiptHandle=zz",
]


def send(server, body, headers):
    req = urllib.request.Request(server.endpoint + "/", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randrange(len(data) + 1)
        if choice < 0.3 and data:
            del data[position:position + rng.randint(1, 8)]
        elif choice < 0.6:
            data[position:position] = bytes(rng.choice(b'{}[]",:.=&%0123456789\\\x00\xff') for _ in range(rng.randint(1, 4)))
        elif data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
    return bytes(data)


def test_mangled_json_requests(server):
    rng = random.Random(1234)
    for i in range(400):
        operation, body = VALID_JSON[i % len(VALID_JSON)]
        status = send(server, mutate(rng, json.dumps(body).encode()),
                      {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AmazonSQS.{operation}"})
        assert status < 500, (operation, status)


def test_mangled_query_requests(server):
    rng = random.Random(5678)
    for i in range(400):
        status = send(server, mutate(rng, VALID_QUERY[i % len(VALID_QUERY)].encode()),
                      {"Content-Type": "application/x-www-form-urlencoded"})
        assert status < 500, status


@pytest.mark.parametrize("body", [b"Action=SendMessage&QueueUrl=%ZZ&MessageBody=%", b"Action=%E0%A4%A",
                                  b"&&&==&"])
def test_broken_form_encoding(server, body):
    assert 400 <= send(server, body, {"Content-Type": "application/x-www-form-urlencoded"}) < 500


def test_server_still_healthy_after_fuzzing(server):
    with urllib.request.urlopen(server.endpoint + "/_switchyard/health", timeout=5) as r:
        assert r.status == 200
