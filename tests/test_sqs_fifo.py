"""FIFO queues: ordering per group, blocked groups, deduplication, sequence numbers."""
import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def test_order_within_group_and_sequence_numbers(sqs, fifo_url):
    sequence = []
    for i in range(5):
        r = sqs.send_message(QueueUrl=fifo_url, MessageBody=str(i), MessageGroupId="g", MessageDeduplicationId=f"d{i}")
        sequence.append(int(r["SequenceNumber"]))
        assert len(r["SequenceNumber"]) == 20
    assert sequence == sorted(sequence)
    got = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in got] == ["0", "1", "2", "3", "4"]
    assert got[0]["Attributes"]["MessageGroupId"] == "g"
    assert got[0]["Attributes"]["MessageDeduplicationId"] == "d0"
    assert int(got[0]["Attributes"]["SequenceNumber"]) == sequence[0]


def test_in_flight_group_blocks_later_messages(sqs, fifo_url):
    for i in range(3):
        sqs.send_message(QueueUrl=fifo_url, MessageBody=f"a{i}", MessageGroupId="a", MessageDeduplicationId=f"a{i}")
    sqs.send_message(QueueUrl=fifo_url, MessageBody="b0", MessageGroupId="b", MessageDeduplicationId="b0")
    first = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=1)["Messages"][0]
    assert first["Body"] == "a0"
    second = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in second] == ["b0"]
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10)
    sqs.delete_message(QueueUrl=fifo_url, ReceiptHandle=first["ReceiptHandle"])
    rest = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in rest] == ["a1", "a2"]


def test_visibility_expiry_redelivers_in_order(sqs, fifo_url):
    for i in range(2):
        sqs.send_message(QueueUrl=fifo_url, MessageBody=str(i), MessageGroupId="g", MessageDeduplicationId=str(i))
    first = sqs.receive_message(QueueUrl=fifo_url, VisibilityTimeout=0)["Messages"][0]
    again = sqs.receive_message(QueueUrl=fifo_url)["Messages"][0]
    assert first["Body"] == again["Body"] == "0"


def test_deduplication_by_id(sqs, fifo_url):
    a = sqs.send_message(QueueUrl=fifo_url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="same")
    b = sqs.send_message(QueueUrl=fifo_url, MessageBody="y", MessageGroupId="g", MessageDeduplicationId="same")
    assert a["MessageId"] == b["MessageId"]
    got = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["x"]


def test_content_based_deduplication(sqs):
    url = sqs.create_queue(QueueName="cbd.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="other", MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["MessageDeduplicationId"])["Messages"]
    assert [m["Body"] for m in got] == ["same", "other"]
    assert len(got[0]["Attributes"]["MessageDeduplicationId"]) == 64


def test_deduplication_scope_message_group(sqs):
    url = sqs.create_queue(QueueName="scoped.fifo", Attributes={
        "FifoQueue": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="a", MessageDeduplicationId="d")
    sqs.send_message(QueueUrl=url, MessageBody="2", MessageGroupId="b", MessageDeduplicationId="d")
    sqs.send_message(QueueUrl=url, MessageBody="3", MessageGroupId="a", MessageDeduplicationId="d")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in got) == ["1", "2"]


def test_fifo_send_errors(sqs, fifo_url, queue_url):
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=fifo_url, MessageBody="x", MessageDeduplicationId="d")
    assert error_code(e) == "MissingParameter"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=fifo_url, MessageBody="x", MessageGroupId="g")
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=fifo_url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5)
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageDeduplicationId="d")
    assert error_code(e) == "InvalidParameterValue"


def test_receive_request_attempt_id_returns_same_messages(sqs, fifo_url):
    for i in range(3):
        sqs.send_message(QueueUrl=fifo_url, MessageBody=str(i), MessageGroupId="g", MessageDeduplicationId=str(i))
    a = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")["Messages"]
    b = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")["Messages"]
    assert [m["ReceiptHandle"] for m in a] == [m["ReceiptHandle"] for m in b]


def test_fifo_batch(sqs, fifo_url):
    result = sqs.send_message_batch(QueueUrl=fifo_url, Entries=[
        {"Id": str(i), "MessageBody": str(i), "MessageGroupId": "g", "MessageDeduplicationId": str(i)} for i in range(3)])
    assert all("SequenceNumber" in e for e in result["Successful"])
    got = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["0", "1", "2"]
