"""Sending, receiving, deleting and visibility of messages on standard queues, through boto3."""
import hashlib
import struct
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import QUERY_PROTOCOL, error_code


def md5_of_attributes(attributes):
    """The MD5 SQS computes over message attributes, written from the SQS developer guide."""
    buf = b""
    for name in sorted(attributes):
        value = attributes[name]
        buf += struct.pack(">I", len(name.encode())) + name.encode()
        buf += struct.pack(">I", len(value["DataType"].encode())) + value["DataType"].encode()
        if "BinaryValue" in value:
            buf += b"\x02" + struct.pack(">I", len(value["BinaryValue"])) + value["BinaryValue"]
        else:
            buf += b"\x01" + struct.pack(">I", len(value["StringValue"].encode())) + value["StringValue"].encode()
    return hashlib.md5(buf).hexdigest()


ATTRIBUTES = {
    "str": {"DataType": "String", "StringValue": "héllo"},
    "num": {"DataType": "Number", "StringValue": "12.5"},
    "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
    "custom": {"DataType": "String.json", "StringValue": "{}"},
}


def test_send_and_receive_with_digests(sqs, queue_url):
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody="hello wörld", MessageAttributes=ATTRIBUTES)
    assert sent["MD5OfMessageBody"] == hashlib.md5("hello wörld".encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(ATTRIBUTES)
    got = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=["All"], AttributeNames=["All"])["Messages"]
    assert len(got) == 1
    m = got[0]
    assert m["MessageId"] == sent["MessageId"]
    assert m["Body"] == "hello wörld"
    assert m["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert m["MessageAttributes"] == ATTRIBUTES
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(ATTRIBUTES)
    assert m["Attributes"]["ApproximateReceiveCount"] == "1"
    assert int(m["Attributes"]["SentTimestamp"]) > 1_600_000_000_000
    assert "ApproximateFirstReceiveTimestamp" in m["Attributes"] and "SenderId" in m["Attributes"]


def test_message_attribute_name_filters(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes={
        "order.id": {"DataType": "String", "StringValue": "1"},
        "order.kind": {"DataType": "String", "StringValue": "2"},
        "other": {"DataType": "String", "StringValue": "3"}})
    m = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=["order.*"], VisibilityTimeout=0)["Messages"][0]
    assert set(m["MessageAttributes"]) == {"order.id", "order.kind"}
    m = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=["other"], VisibilityTimeout=0)["Messages"][0]
    assert set(m["MessageAttributes"]) == {"other"}
    assert m["MD5OfMessageAttributes"] == md5_of_attributes({"other": {"DataType": "String", "StringValue": "3"}})
    m = sqs.receive_message(QueueUrl=queue_url)["Messages"][0]
    assert "MessageAttributes" not in m and "Attributes" not in m


def test_system_attribute_selection(sqs, queue_url):
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}}
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageSystemAttributes=trace)
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(trace)
    names = ["SentTimestamp", "AWSTraceHeader"]
    selection = {"AttributeNames": names} if QUERY_PROTOCOL else {"MessageSystemAttributeNames": names}
    m = sqs.receive_message(QueueUrl=queue_url, **selection)["Messages"][0]
    assert set(m["Attributes"]) == {"SentTimestamp", "AWSTraceHeader"}
    assert m["Attributes"]["AWSTraceHeader"] == "Root=1-abc"


def test_receive_max_number_and_empty(sqs, queue_url):
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
    for i in range(15):
        sqs.send_message(QueueUrl=queue_url, MessageBody=str(i))
    got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 10
    rest = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(rest) == 5
    assert {m["Body"] for m in got + rest} == {str(i) for i in range(15)}


def test_visibility_timeout_hides_then_returns(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    m = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=1)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
    time.sleep(1.1)
    again = sqs.receive_message(QueueUrl=queue_url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert again["MessageId"] == m["MessageId"]
    assert again["ReceiptHandle"] != m["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_change_visibility(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    m = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=60)["Messages"][0]
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=60)["Messages"][0]
    assert again["MessageId"] == m["MessageId"]
    with pytest.raises(ClientError) as e:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=43201)
    assert error_code(e) == "InvalidParameterValue"


def test_change_visibility_after_the_timeout_expired(sqs, queue_url):
    # AWS answers 200 and hides the message again.
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    m = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=1)["Messages"][0]
    time.sleep(1.1)
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=10)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)


def test_delete_message_and_receipt_handle_rules(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    m = sqs.receive_message(QueueUrl=queue_url)["Messages"][0]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])  # deleting twice succeeds
    assert sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] == "0"
    with pytest.raises(ClientError) as e:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle="garbage")
    assert error_code(e) == "ReceiptHandleIsInvalid"
    with pytest.raises(ClientError) as e:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=5)
    assert error_code(e) == "InvalidParameterValue"


def test_any_issued_receipt_handle_deletes_from_a_standard_queue(sqs, queue_url):
    # As AWS answers: the first receive's handle still deletes the message after a second receive.
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    first = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0)["Messages"][0]
    sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=30)
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=first["ReceiptHandle"])
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0" and attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_old_handle_changes_visibility_on_a_standard_queue(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    first = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0)["Messages"][0]
    assert sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=30)["Messages"]
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    assert len(sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]) == 1


def test_fifo_handle_expires_with_its_visibility_timeout(sqs):
    url = sqs.create_queue(QueueName="expiring.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "1"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    handle = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["ReceiptHandle"]
    time.sleep(1.2)
    with pytest.raises(ClientError) as e:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == (
        f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")


def test_delay_seconds_per_message_and_queue(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="late", DelaySeconds=1)
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    assert attrs["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
    time.sleep(1.1)
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == "late"
    delayed = sqs.create_queue(QueueName="delayed", Attributes={"DelaySeconds": "1"})["QueueUrl"]
    sqs.send_message(QueueUrl=delayed, MessageBody="x")
    assert "Messages" not in sqs.receive_message(QueueUrl=delayed)
    assert len(sqs.receive_message(QueueUrl=delayed, WaitTimeSeconds=3)["Messages"]) == 1


def test_long_poll_returns_as_soon_as_a_message_arrives(sqs, queue_url):
    def later():
        time.sleep(0.5)
        sqs.send_message(QueueUrl=queue_url, MessageBody="wake")
    threading.Thread(target=later).start()
    started = time.time()
    got = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=10)
    elapsed = time.time() - started
    assert got["Messages"][0]["Body"] == "wake"
    assert elapsed < 3


def test_long_poll_times_out_empty(sqs, queue_url):
    started = time.time()
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)
    assert 0.9 <= time.time() - started < 3


def test_queue_default_wait_time(sqs):
    url = sqs.create_queue(QueueName="waits", Attributes={"ReceiveMessageWaitTimeSeconds": "1"})["QueueUrl"]
    started = time.time()
    sqs.receive_message(QueueUrl=url)
    assert time.time() - started >= 0.9


def test_receive_parameter_ranges(sqs, queue_url):
    for kwargs in [{"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0}, {"WaitTimeSeconds": 21}, {"VisibilityTimeout": 43201}]:
        with pytest.raises(ClientError) as e:
            sqs.receive_message(QueueUrl=queue_url, **kwargs)
        assert error_code(e) == "InvalidParameterValue", kwargs


def test_message_size_limits(sqs):
    url = sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert error_code(e) == "InvalidParameterValue"
    big = sqs.create_queue(QueueName="big")["QueueUrl"]
    sqs.send_message(QueueUrl=big, MessageBody="y" * 1_048_576)
    assert len(sqs.receive_message(QueueUrl=big)["Messages"][0]["Body"]) == 1_048_576
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=big, MessageBody="y" * 1_048_577)
    assert error_code(e) == "InvalidParameterValue"


def test_invalid_message_contents(sqs, queue_url):
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=queue_url, MessageBody="bad \x01 char")
    assert error_code(e) == "InvalidMessageContents"


@pytest.mark.parametrize("attributes", [
    {"a": {"DataType": "Strin", "StringValue": "x"}},
    {"a": {"DataType": "Number", "StringValue": "abc"}},
    {"a": {"DataType": "String", "StringValue": ""}},
    {"AWS.reserved": {"DataType": "String", "StringValue": "x"}},
    {"bad name": {"DataType": "String", "StringValue": "x"}},
    {f"a{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)},
])
def test_invalid_message_attributes(sqs, queue_url, attributes):
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes=attributes)
    assert error_code(e) == "InvalidParameterValue"


def test_purge_queue(sqs, queue_url):
    for i in range(3):
        sqs.send_message(QueueUrl=queue_url, MessageBody=str(i))
    sqs.purge_queue(QueueUrl=queue_url)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
    with pytest.raises(ClientError) as e:
        sqs.purge_queue(QueueUrl=queue_url)
    assert error_code(e) == "AWS.SimpleQueueService.PurgeQueueInProgress"


def test_retention_period_expires_messages(sqs):
    url = sqs.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert len(sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]) == 1
