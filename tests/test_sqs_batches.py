"""Batch operations: entry rules, per-entry results and payload limits."""
import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def test_send_batch_and_per_entry_failures(sqs, queue_url):
    result = sqs.send_message_batch(QueueUrl=queue_url, Entries=[
        {"Id": "a", "MessageBody": "one"},
        {"Id": "b", "MessageBody": "two", "DelaySeconds": 1000},
        {"Id": "c", "MessageBody": "three", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "1"}}},
    ])
    assert {e["Id"] for e in result["Successful"]} == {"a", "c"}
    assert result["Failed"][0]["Id"] == "b"
    assert result["Failed"][0]["Code"] == "InvalidParameterValue"
    assert result["Failed"][0]["SenderFault"] is True
    ok = {e["Id"]: e for e in result["Successful"]}
    assert "MD5OfMessageAttributes" in ok["c"] and "MD5OfMessageAttributes" not in ok["a"]


@pytest.mark.parametrize("entries,code", [
    ([], "AWS.SimpleQueueService.EmptyBatchRequest"),
    ([{"Id": str(i), "MessageBody": "x"} for i in range(11)], "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"),
    ([{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}], "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"),
    ([{"Id": "bad id!", "MessageBody": "x"}], "AWS.SimpleQueueService.InvalidBatchEntryId"),
    ([{"Id": str(i), "MessageBody": "x" * 200_000} for i in range(6)], "AWS.SimpleQueueService.BatchRequestTooLong"),
])
def test_send_batch_request_errors(sqs, queue_url, entries, code):
    with pytest.raises(ClientError) as e:
        sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    assert error_code(e) == code


def test_delete_and_change_visibility_batches(sqs, queue_url):
    sqs.send_message_batch(QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(4)])
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 4
    changed = sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=[
        {"Id": "v0", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "bad", "ReceiptHandle": "nonsense", "VisibilityTimeout": 0}])
    assert [e["Id"] for e in changed["Successful"]] == ["v0"]
    assert changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    again = sqs.receive_message(QueueUrl=queue_url)["Messages"][0]
    entries = [{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages[1:])]
    entries.append({"Id": "again", "ReceiptHandle": again["ReceiptHandle"]})
    entries.append({"Id": "junk", "ReceiptHandle": "junk"})
    deleted = sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)
    assert len(deleted["Successful"]) == 4
    assert deleted["Failed"][0]["Id"] == "junk"
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0" and attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_delete_batch_request_errors(sqs, queue_url):
    with pytest.raises(ClientError) as e:
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[])
    assert error_code(e) == "AWS.SimpleQueueService.EmptyBatchRequest"
    with pytest.raises(ClientError) as e:
        sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=[
            {"Id": "x", "ReceiptHandle": "a"}, {"Id": "x", "ReceiptHandle": "b"}])
    assert error_code(e) == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
