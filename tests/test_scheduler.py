"""EventBridge Scheduler through boto3: groups, schedules that really fire into queues and buses,
AWS's errors, and firings across a kill -9."""
import base64
import datetime
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, Server
from test_events import receive

ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler"


@pytest.fixture
def scheduler(server):
    server.reset()
    return server.client("scheduler")


def soon(seconds):
    """An at() expression a few seconds from now, in UTC."""
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return "at(" + moment.strftime("%Y-%m-%dT%H:%M:%S") + ")"


def make_queue(server, name="fired"):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs, url, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def test_a_one_time_schedule_fires_into_a_queue_and_deletes_itself(server, scheduler):
    sqs, url, arn = make_queue(server)
    created = scheduler.create_schedule(
        Name="once", ScheduleExpression=soon(2), FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": ROLE, "Input": '{"job": "nightly"}'}, ActionAfterCompletion="DELETE")
    assert created["ScheduleArn"] == f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/once"
    got = scheduler.get_schedule(Name="once")
    assert got["State"] == "ENABLED" and got["GroupName"] == "default"
    assert got["Target"] == {"Arn": arn, "RoleArn": ROLE, "Input": '{"job": "nightly"}'}
    assert receive(sqs, url, wait=8) == ['{"job": "nightly"}']
    time.sleep(1.5)
    with pytest.raises(ClientError) as e:
        scheduler.get_schedule(Name="once")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["Error"]["Message"] == "Schedule once does not exist."


def test_a_schedule_puts_an_event_on_a_bus_that_a_rule_routes(server, scheduler):
    sqs, url, arn = make_queue(server)
    events = server.client("events")
    events.put_rule(Name="from-scheduler", EventPattern='{"source": ["jobs"]}')
    events.put_targets(Rule="from-scheduler", Targets=[{"Id": "q", "Arn": arn}])
    scheduler.create_schedule(
        Name="to-bus", ScheduleExpression=soon(2), FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default", "RoleArn": ROLE,
                "Input": '{"n": 1}', "EventBridgeParameters": {"Source": "jobs", "DetailType": "tick"}})
    event = json.loads(receive(sqs, url, wait=8)[0])
    assert event["source"] == "jobs" and event["detail-type"] == "tick" and event["detail"] == {"n": 1}
    assert event["resources"] == [f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/to-bus"]


def test_errors_groups_and_tags(scheduler):
    target = {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q", "RoleArn": ROLE}
    for expression in ["rate(10 seconds)", "cron(0 1 * * * *)", "at(2021-12-31T23:59:59Z)", " rate(10 minutes)"]:
        with pytest.raises(ClientError) as e:
            scheduler.create_schedule(Name="bad", ScheduleExpression=expression, FlexibleTimeWindow={"Mode": "OFF"},
                                      Target=target)
        assert e.value.response["Error"]["Code"] == "ValidationException"
        assert e.value.response["Error"]["Message"] == f"Invalid Schedule Expression {expression}."
    group = scheduler.create_schedule_group(Name="team", Tags=[{"Key": "k", "Value": "v"}])["ScheduleGroupArn"]
    assert group == f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/team"
    assert scheduler.list_tags_for_resource(ResourceArn=group)["Tags"] == [{"Key": "k", "Value": "v"}]
    scheduler.untag_resource(ResourceArn=group, TagKeys=["k"])
    assert scheduler.list_tags_for_resource(ResourceArn=group)["Tags"] == []
    scheduler.create_schedule(Name="s", GroupName="team", ScheduleExpression="rate(1 day)",
                              FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}, Target=target)
    with pytest.raises(ClientError) as e:
        scheduler.create_schedule(Name="s", GroupName="team", ScheduleExpression="rate(1 day)",
                                  FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    assert e.value.response["Error"]["Code"] == "ConflictException"
    with pytest.raises(ClientError) as e:
        scheduler.create_schedule(Name="s", GroupName="missing", ScheduleExpression="rate(1 day)",
                                  FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    listed = scheduler.list_schedules(GroupName="team")["Schedules"]
    assert [(s["Name"], s["State"], s["Target"]["Arn"]) for s in listed] == [("s", "ENABLED", target["Arn"])]
    assert [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]] == ["default", "team"]
    scheduler.delete_schedule_group(Name="team")
    assert scheduler.list_schedules()["Schedules"] == []


def test_a_one_time_schedule_due_during_downtime_fires_once_after_restart(tmp_path):
    server = Server(data_dir=str(tmp_path)).start()
    try:
        sqs, url, arn = make_queue(server, "late")
        server.client("scheduler").create_schedule(
            Name="late", ScheduleExpression=soon(3), FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": arn, "RoleArn": ROLE, "Input": "late"})
        server.kill9()
        time.sleep(4)
        server.start()
        sqs = server.client("sqs")
        assert receive(sqs, url, wait=6) == ["late"]
        server.stop()
        server.start()
        assert receive(server.client("sqs"), url, wait=3) == []
    finally:
        server.stop()


def test_universal_targets_send_to_queues_and_topics_of_this_server(server, scheduler):
    sqs, url, arn = make_queue(server, "universal")
    scheduler.create_schedule(
        Name="send", ScheduleExpression=soon(2), FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", "RoleArn": ROLE,
                "Input": json.dumps({"QueueUrl": url, "MessageBody": "from the scheduler"})})
    sns = server.client("sns")
    topic = sns.create_topic(Name="universal")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    scheduler.create_schedule(
        Name="publish", ScheduleExpression=soon(2), FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:scheduler:::aws-sdk:sns:publish", "RoleArn": ROLE,
                "Input": json.dumps({"TopicArn": topic, "Message": "published"})})
    assert sorted(receive(sqs, url, count=2, wait=8)) == ["from the scheduler", "published"]


def test_universal_targets_call_any_operation_of_this_servers_services(server, scheduler):
    sqs, dlq_url, dlq_arn = make_queue(server, "universal-dlq")
    kinesis, logs = server.client("kinesis"), server.client("logs")
    kinesis.create_stream(StreamName="universal", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="universal", WaiterConfig={"Delay": 0.2})
    targets = {
        "kinesis": ("aws-sdk:kinesis:putRecord",
                    {"StreamName": "universal", "PartitionKey": "k", "Data": base64.b64encode(b"hi").decode()}),
        "logs": ("aws-sdk:cloudwatchlogs:createLogGroup", {"logGroupName": "made-by-a-schedule"}),
        "broken": ("aws-sdk:kinesis:putRecord", {"StreamName": "missing", "PartitionKey": "k", "Data": "aGk="}),
    }
    for name, (action, parameters) in targets.items():
        scheduler.create_schedule(
            Name=name, ScheduleExpression=soon(2), FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": f"arn:aws:scheduler:::{action}", "RoleArn": ROLE, "Input": json.dumps(parameters),
                    "DeadLetterConfig": {"Arn": dlq_arn}, "RetryPolicy": {"MaximumRetryAttempts": 0}})
    deadline = time.time() + 15
    while time.time() < deadline:
        groups = logs.describe_log_groups(logGroupNamePrefix="made-by")["logGroups"]
        iterator = kinesis.get_shard_iterator(StreamName="universal", ShardId="shardId-000000000000",
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        if groups and kinesis.get_records(ShardIterator=iterator)["Records"]:
            break
        time.sleep(0.3)
    assert [g["logGroupName"] for g in groups] == ["made-by-a-schedule"]
    assert kinesis.get_records(ShardIterator=iterator)["Records"][0]["Data"] == b"hi"
    # A call AWS would refuse (no such stream) goes to the dead-letter queue.
    [dead] = receive(sqs, dlq_url, count=1, wait=10)
    assert json.loads(dead)["StreamName"] == "missing"
