"""EventBridge Pipes through boto3: a queue's messages filtered, shaped and sent on, and the states a
pipe goes through."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION
from test_events import receive

ROLE = f"arn:aws:iam::{ACCOUNT}:role/pipes"


@pytest.fixture
def pipes(server):
    server.reset()
    return server.client("pipes")


def queue(server, name):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs, url, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def wait_state(pipes, name, state, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        current = pipes.describe_pipe(Name=name)["CurrentState"]
        if current == state:
            return
        time.sleep(0.1)
    raise AssertionError(f"pipe {name} is {current}, not {state}")


def test_a_pipe_filters_and_shapes_queue_messages_into_another_queue(server, pipes):
    sqs, source_url, source = queue(server, "orders")
    _, target_url, target = queue(server, "big-orders")
    created = pipes.create_pipe(
        Name="big", Source=source, Target=target, RoleArn=ROLE,
        SourceParameters={"SqsQueueParameters": {"BatchSize": 5},
                          "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"total": [{"numeric": [">", 100]}]}}'}]}},
        TargetParameters={"InputTemplate": '{"order": <$.body.id>, "pipe": "<aws.pipes.pipe-name>"}'})
    assert created["CurrentState"] == "CREATING" and created["DesiredState"] == "RUNNING"
    assert created["Arn"] == f"arn:aws:pipes:{REGION}:{ACCOUNT}:pipe/big"
    wait_state(pipes, "big", "RUNNING")
    for order, total in [("a", 250), ("b", 5), ("c", 101)]:
        sqs.send_message(QueueUrl=source_url, MessageBody=json.dumps({"id": order, "total": total}))
    bodies = sorted(receive(sqs, target_url, count=2, wait=10), key=lambda b: json.loads(b)["order"])
    assert [json.loads(b) for b in bodies] == [{"order": "a", "pipe": "big"}, {"order": "c", "pipe": "big"}]
    # Filtered-out messages are consumed too: the source queue is empty.
    time.sleep(0.5)
    attributes = sqs.get_queue_attributes(QueueUrl=source_url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_a_stopped_pipe_leaves_messages_and_a_bus_target_gets_events(server, pipes):
    sqs, source_url, source = queue(server, "in")
    _, target_url, target = queue(server, "out")
    events = server.client("events")
    events.put_rule(Name="from-pipe", EventPattern='{"source": ["Pipe to-bus"]}')
    events.put_targets(Rule="from-pipe", Targets=[{"Id": "q", "Arn": target}])
    pipes.create_pipe(Name="to-bus", Source=source, RoleArn=ROLE, DesiredState="STOPPED",
                      Target=f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default")
    wait_state(pipes, "to-bus", "STOPPED")
    sqs.send_message(QueueUrl=source_url, MessageBody='{"n": 1}')
    time.sleep(1)
    assert sqs.get_queue_attributes(QueueUrl=source_url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "1"
    assert pipes.start_pipe(Name="to-bus")["CurrentState"] == "STARTING"
    wait_state(pipes, "to-bus", "RUNNING")
    event = json.loads(receive(sqs, target_url, wait=10)[0])
    assert event["source"] == "Pipe to-bus" and event["detail-type"] == "Event from aws:sqs"
    assert event["detail"]["body"] == {"n": 1} and event["detail"]["eventSource"] == "aws:sqs"
    assert pipes.stop_pipe(Name="to-bus")["CurrentState"] == "STOPPING"
    wait_state(pipes, "to-bus", "STOPPED")
    listed = pipes.list_pipes()["Pipes"]
    assert [(p["Name"], p["CurrentState"], p["Source"]) for p in listed] == [("to-bus", "STOPPED", source)]
    assert pipes.delete_pipe(Name="to-bus")["CurrentState"] == "DELETING"
    deadline = time.time() + 5
    while pipes.list_pipes()["Pipes"] and time.time() < deadline:
        time.sleep(0.1)
    assert pipes.list_pipes()["Pipes"] == []


def test_bad_filters_and_missing_pipes(server, pipes):
    _, _, source = queue(server, "src")
    with pytest.raises(ClientError) as e:
        pipes.create_pipe(Name="bad", Source=source, Target=source, RoleArn=ROLE,
                          SourceParameters={"FilterCriteria": {"Filters": [{"Pattern": '{"body": "x"}'}]}})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "must be an object or an array" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        pipes.describe_pipe(Name="nope")
    assert e.value.response["Error"]["Code"] == "NotFoundException"
    arn = pipes.create_pipe(Name="tagged", Source=source, Target=source, RoleArn=ROLE, DesiredState="STOPPED",
                            Tags={"team": "a"})["Arn"]
    pipes.tag_resource(resourceArn=arn, tags={"env": "dev"})
    assert pipes.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "a", "env": "dev"}


ENRICHER = """
import json

def handler(event, context):
    return [{"order": json.loads(record["body"])["id"], "enriched": True} for record in event]
"""


def test_a_function_enriches_the_batch(server, pipes):
    from test_lambda import create, zipped
    sqs, source_url, source = queue(server, "to-enrich")
    _, target_url, target = queue(server, "enriched")
    lam = server.client("lambda")
    function = create(lam, "enricher", code=zipped({"app.py": (ENRICHER, 0o644)}))["FunctionArn"]
    pipes.create_pipe(Name="enrich", Source=source, Target=target, RoleArn=ROLE, Enrichment=function,
                      SourceParameters={"SqsQueueParameters": {"BatchSize": 1}})
    wait_state(pipes, "enrich", "RUNNING")
    sqs.send_message(QueueUrl=source_url, MessageBody=json.dumps({"id": "o-1"}))
    [body] = receive(sqs, target_url, count=1, wait=20)
    assert json.loads(body) == {"order": "o-1", "enriched": True}


BATCH_TARGET = """
import json, boto3

def handler(event, context):
    # Pipes hands a function the whole batch as a list; this one forwards it and fails "retry-me".
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="seen")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event
                                  if isinstance(r, dict) and r.get("body") == "retry-me"]}
"""


def test_a_function_target_gets_the_batch_as_an_array_and_reports_partial_failures(server, pipes):
    from test_lambda import create, zipped
    sqs = server.client("sqs")
    source_url = sqs.create_queue(QueueName="batch-source", Attributes={"VisibilityTimeout": "2"})["QueueUrl"]
    source = sqs.get_queue_attributes(QueueUrl=source_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    seen_url = sqs.create_queue(QueueName="seen")["QueueUrl"]
    function = create(server.client("lambda"), "batch-target", code=zipped({"app.py": (BATCH_TARGET, 0o644)}))
    for body in ["one", "retry-me", "three"]:
        sqs.send_message(QueueUrl=source_url, MessageBody=body)
    pipes.create_pipe(Name="to-function", Source=source, Target=function["FunctionArn"], RoleArn=ROLE,
                      SourceParameters={"SqsQueueParameters": {"BatchSize": 10}})
    wait_state(pipes, "to-function", "RUNNING")
    batches = [json.loads(b) for b in receive(sqs, seen_url, count=2, wait=20)]
    assert isinstance(batches[0], list)
    assert sorted(r["body"] for r in batches[0]) == ["one", "retry-me", "three"]
    assert all(r["eventSource"] == "aws:sqs" for r in batches[0])
    # The failed message came back after its visibility timeout, alone; the others were deleted.
    assert [r["body"] for r in batches[1]] == ["retry-me"]


def test_a_batching_window_gathers_a_full_batch(server, pipes):
    from test_lambda import create, zipped
    sqs = server.client("sqs")
    source_url = sqs.create_queue(QueueName="window-source")["QueueUrl"]
    source = sqs.get_queue_attributes(QueueUrl=source_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    seen_url = sqs.create_queue(QueueName="seen")["QueueUrl"]
    function = create(server.client("lambda"), "window-target", code=zipped({"app.py": (BATCH_TARGET, 0o644)}))
    pipes.create_pipe(Name="windowed", Source=source, Target=function["FunctionArn"], RoleArn=ROLE,
                      SourceParameters={"SqsQueueParameters": {"BatchSize": 3, "MaximumBatchingWindowInSeconds": 3}})
    wait_state(pipes, "windowed", "RUNNING")
    sqs.send_message(QueueUrl=source_url, MessageBody="first")
    time.sleep(1)
    sqs.send_message(QueueUrl=source_url, MessageBody="second")
    sqs.send_message(QueueUrl=source_url, MessageBody="third")
    [batch] = [json.loads(b) for b in receive(sqs, seen_url, count=1, wait=15)]
    assert [r["body"] for r in batch] == ["first", "second", "third"]
