"""Dead-letter queues: redrive on maxReceiveCount, RedriveAllowPolicy, sources, message move tasks."""
import base64
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def make_pair(sqs, max_receives=2, suffix=""):
    dlq = sqs.create_queue(QueueName=f"dlq{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives})
    src = sqs.create_queue(QueueName=f"src{suffix}", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    return src, dlq, dlq_arn


def test_redrive_after_max_receive_count(sqs):
    src, dlq, _ = make_pair(sqs, 2)
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        assert sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)["Messages"][0]["MessageId"] == sent["MessageId"]
    assert "Messages" not in sqs.receive_message(QueueUrl=src)
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
    assert moved["MessageId"] == sent["MessageId"]
    assert moved["Body"] == "poison"
    src_arn = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert moved["Attributes"]["DeadLetterQueueSourceArn"] == src_arn


def test_redrive_policy_attribute_round_trip(sqs):
    src, _, dlq_arn = make_pair(sqs, 5)
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
    assert policy == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}


@pytest.mark.parametrize("policy,reason", [
    ({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:nope", "maxReceiveCount": 1},
     "Dead letter target does not exist."),
    ({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:nope", "maxReceiveCount": 0},
     "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive."),
    ({"maxReceiveCount": 3}, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."),
    ({}, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."),
])
def test_redrive_to_missing_queue_or_bad_count(sqs, policy, reason):
    # AWS rejects a bad redrive policy as an invalid parameter value that quotes the policy.
    text = json.dumps(policy)
    for call in (lambda: sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": text}),
                 lambda: sqs.set_queue_attributes(
                     QueueUrl=sqs.create_queue(QueueName="plain")["QueueUrl"], Attributes={"RedrivePolicy": text})):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "InvalidParameterValue"
        assert e.value.response["Error"]["Message"] == f"Value {text} for parameter RedrivePolicy is invalid. Reason: {reason}"


def test_redrive_policy_without_max_receive_count(sqs):
    dlq = sqs.create_queue(QueueName="dl")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    text = json.dumps({"deadLetterTargetArn": arn})
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": text})
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"].endswith(
        "Reason: Redrive policy does not contain mandatory attribute: maxReceiveCount.")


def test_redrive_allow_policy(sqs):
    dlq = sqs.create_queue(QueueName="closed", Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue"})})
    assert error_code(e) == "InvalidAttributeValue"


def test_list_dead_letter_source_queues(sqs):
    src, dlq, _ = make_pair(sqs)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]
    # awsQuery cannot tell an empty list from an absent one.
    assert sqs.list_dead_letter_source_queues(QueueUrl=src).get("queueUrls", []) == []


def test_message_move_task_returns_messages_to_source(sqs):
    src, dlq, dlq_arn = make_pair(sqs, 1)
    for i in range(3):
        sqs.send_message(QueueUrl=src, MessageBody=str(i))
    for _ in range(2):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    attrs = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "3"
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=100)["TaskHandle"]
    assert handle
    deadline = time.time() + 10
    while time.time() < deadline:
        tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
        if tasks[0]["Status"] == "COMPLETED":
            break
        time.sleep(0.1)
    assert tasks[0]["Status"] == "COMPLETED"
    assert tasks[0]["ApproximateNumberOfMessagesMoved"] == 3
    got = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in got) == ["0", "1", "2"]


def test_message_move_task_errors(sqs, queue_url):
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    with pytest.raises(ClientError) as e:
        sqs.start_message_move_task(SourceArn=arn)
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.start_message_move_task(SourceArn="arn:aws:sqs:us-east-1:000000000000:missing")
    assert error_code(e) == "ResourceNotFoundException"


def move_handle(task_id, source_arn):
    """A task handle as AWS forms it: base64 of a JSON document naming the task and its source."""
    return base64.b64encode(json.dumps({"taskId": task_id, "sourceArn": source_arn}).encode()).decode()


def test_cancel_message_move_task_handle_errors(sqs, queue_url):
    # AWS: a handle that does not decode is an invalid parameter; one naming a queue that does not
    # exist is about the SourceArn; one naming an existing queue but no task is "Task does not exist."
    with pytest.raises(ClientError) as e:
        sqs.cancel_message_move_task(TaskHandle="foobared")
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == "Value for parameter TaskHandle is invalid."
    # A missing queue is not found whichever account the handle names (AWS recorded another's).
    for account in ["000000000000", "123456789012"]:
        missing = f"arn:aws:sqs:us-east-1:{account}:no-such-queue"
        with pytest.raises(ClientError) as e:
            sqs.cancel_message_move_task(TaskHandle=move_handle(str(uuid.uuid4()), missing))
        assert error_code(e) == "ResourceNotFoundException"
        assert e.value.response["Error"]["Message"] == (
            "The resource that you specified for the SourceArn parameter doesn't exist.")
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    with pytest.raises(ClientError) as e:
        sqs.cancel_message_move_task(TaskHandle=move_handle(str(uuid.uuid4()), arn))
    assert error_code(e) == "ResourceNotFoundException"
    assert e.value.response["Error"]["Message"] == "Task does not exist."


def dead_letters(sqs, count, suffix):
    """A source queue whose `count` messages have all been dead-lettered; returns (src, dlq, dlq ARN)."""
    src, dlq, dlq_arn = make_pair(sqs, 1, suffix)
    for i in range(count):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}")
    while sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages"):
        pass
    return src, dlq, dlq_arn


def queue_with_arn(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def collect(sqs, url, count, timeout=20):
    bodies = []
    deadline = time.time() + timeout
    while len(bodies) < count and time.time() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for m in got:
            bodies.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


def test_message_move_task_keeps_its_rate(sqs):
    # MaxNumberOfMessagesPerSecond=1: the first message moves at once, four take three seconds.
    _, _, dlq_arn = dead_letters(sqs, 4, "-rate")
    target, target_arn = queue_with_arn(sqs, "rate-target")
    started = time.time()
    handle = sqs.start_message_move_task(
        SourceArn=dlq_arn, DestinationArn=target_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    running = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert running["Status"] == "RUNNING"
    assert running["TaskHandle"] == handle
    assert running["MaxNumberOfMessagesPerSecond"] == 1
    assert running["ApproximateNumberOfMessagesToMove"] == 4
    assert sorted(collect(sqs, target, 4)) == ["m0", "m1", "m2", "m3"]
    assert time.time() - started >= 3


def test_cancelled_message_move_task_leaves_the_rest(sqs):
    _, dlq, dlq_arn = dead_letters(sqs, 10, "-cancel")
    target, target_arn = queue_with_arn(sqs, "cancel-target")
    handle = sqs.start_message_move_task(
        SourceArn=dlq_arn, DestinationArn=target_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    assert len(collect(sqs, target, 2)) == 2
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert 2 <= moved < 10
    deadline = time.time() + 5
    while (task := sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0])["Status"] != "CANCELLED":
        assert time.time() < deadline
        time.sleep(0.1)
    assert "TaskHandle" not in task
    assert sqs.receive_message(QueueUrl=dlq).get("Messages")
    with pytest.raises(ClientError) as e:
        sqs.cancel_message_move_task(TaskHandle=handle)
    assert error_code(e) == "AWS.SimpleQueueService.UnsupportedOperation"


def test_message_move_task_fails_when_its_destination_is_deleted(sqs):
    _, dlq, dlq_arn = dead_letters(sqs, 10, "-gone")
    target, target_arn = queue_with_arn(sqs, "gone-target")
    sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=target_arn, MaxNumberOfMessagesPerSecond=1)
    sqs.delete_queue(QueueUrl=target)
    deadline = time.time() + 5
    while (task := sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0])["Status"] == "RUNNING":
        assert time.time() < deadline
        time.sleep(0.1)
    assert task["Status"] == "FAILED"
    assert task["FailureReason"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert task["DestinationArn"] == target_arn
    assert sqs.receive_message(QueueUrl=dlq).get("Messages")
