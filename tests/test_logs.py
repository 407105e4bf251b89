"""CloudWatch Logs through boto3 and the aws CLI: groups, streams, events, filter patterns,
retention, tags and subscription filters, and the output of functions landing in their log groups.

Expected values come from AWS's CloudWatch Logs API reference and from answers AWS recorded (field
sets of groups and streams, error codes and messages with their punctuation, rejected-event info)."""
import base64
import gzip
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT
from test_cli import aws
from test_lambda import create, drain, zipped


@pytest.fixture
def logs(server):
    server.reset()
    return server.client("logs")


def now_ms():
    return int(time.time() * 1000)


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_groups_and_streams(logs):
    logs.create_log_group(logGroupName="app/one", tags={"env": "test"})
    with pytest.raises(ClientError) as e:
        logs.create_log_group(logGroupName="app/one")
    assert error(e) == ("ResourceAlreadyExistsException", "The specified log group already exists")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    group = logs.describe_log_groups(logGroupNamePrefix="app/")["logGroups"][0]
    assert group["arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:app/one:*"
    assert group["logGroupArn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:app/one"
    assert group["storedBytes"] == 0 and group["metricFilterCount"] == 0
    assert group["logGroupClass"] == "STANDARD" and group["deletionProtectionEnabled"] is False
    assert "retentionInDays" not in group
    logs.put_retention_policy(logGroupName="app/one", retentionInDays=7)
    assert logs.describe_log_groups(logGroupNamePrefix="app/")["logGroups"][0]["retentionInDays"] == 7
    logs.delete_retention_policy(logGroupName="app/one")
    assert "retentionInDays" not in logs.describe_log_groups(logGroupNamePrefix="app/")["logGroups"][0]
    listed = logs.list_log_groups(logGroupNamePattern="one")["logGroups"]
    assert listed == [{"logGroupName": "app/one", "logGroupArn": group["logGroupArn"], "logGroupClass": "STANDARD"}]
    with pytest.raises(ClientError) as e:
        logs.describe_log_groups(logGroupNamePrefix="a", logGroupNamePattern="b")
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        logs.create_log_group(logGroupName="x" * 513)
    assert error(e) == ("InvalidParameterException",
                        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.")

    logs.create_log_stream(logGroupName="app/one", logStreamName="s1")
    with pytest.raises(ClientError) as e:
        logs.create_log_stream(logGroupName="app/one", logStreamName="s1")
    assert error(e) == ("ResourceAlreadyExistsException", "The specified log stream already exists")
    stream = logs.describe_log_streams(logGroupName="app/one")["logStreams"][0]
    assert stream == {"logStreamName": "s1", "creationTime": stream["creationTime"],
                      "arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:app/one:log-stream:s1", "storedBytes": 0}
    by_arn = logs.describe_log_streams(logGroupIdentifier=group["logGroupArn"])["logStreams"]
    assert [s["logStreamName"] for s in by_arn] == ["s1"]

    logs.tag_resource(resourceArn=group["logGroupArn"], tags={"a": "1"})
    logs.tag_log_group(logGroupName="app/one", tags={"b": "2"})
    logs.untag_log_group(logGroupName="app/one", tags=["env"])
    assert logs.list_tags_for_resource(resourceArn=group["logGroupArn"])["tags"] == {"a": "1", "b": "2"}

    logs.delete_log_group(logGroupName="app/one")
    with pytest.raises(ClientError) as e:
        logs.delete_log_group(logGroupName="app/one")
    assert error(e) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_put_get_and_filter_events(logs):
    logs.create_log_group(logGroupName="events")
    logs.create_log_stream(logGroupName="events", logStreamName="a")
    logs.create_log_stream(logGroupName="events", logStreamName="b")
    base = now_ms() - 60_000
    messages = ["hello", "world", "hello world", "goodbye world", "hello cruela", "goodbye cruel world"]
    answer = logs.put_log_events(logGroupName="events", logStreamName="a",
                                 logEvents=[{"timestamp": base + i, "message": m} for i, m in enumerate(messages)])
    assert "rejectedLogEventsInfo" not in answer
    assert isinstance(answer["nextSequenceToken"], str)
    logs.put_log_events(logGroupName="events", logStreamName="b",
                        logEvents=[{"timestamp": base + 100, "message": json.dumps({"level": "ERROR", "code": 500})}])
    got = logs.get_log_events(logGroupName="events", logStreamName="a", startFromHead=True, limit=4)
    assert [e["message"] for e in got["events"]] == messages[:4]
    assert set(got["events"][0]) == {"timestamp", "message", "ingestionTime"}
    more = logs.get_log_events(logGroupName="events", logStreamName="a", nextToken=got["nextForwardToken"])
    assert [e["message"] for e in more["events"]] == messages[4:]
    with pytest.raises(ClientError) as e:
        logs.get_log_events(logGroupName="events", logStreamName="a", nextToken="invalid-token")
    assert error(e) == ("InvalidParameterException", "The specified nextToken is invalid.")
    with pytest.raises(ClientError) as e:
        logs.get_log_events(logGroupName="events", logStreamName="missing")
    assert error(e) == ("ResourceNotFoundException", "The specified log stream does not exist.")

    def filtered(pattern, **extra):
        return [e["message"] for e in logs.filter_log_events(logGroupName="events", filterPattern=pattern,
                                                             **extra)["events"]]
    assert filtered("hello") == ["hello", "hello world", "hello cruela"]
    assert filtered("goodbye world") == ["goodbye world", "goodbye cruel world"]
    assert filtered('"hello cruel"') == ["hello cruela"]
    assert filtered('{ $.level = "ERROR" && $.code >= 500 }') == [json.dumps({"level": "ERROR", "code": 500})]
    assert len(filtered("", logStreamNames=["a"])) == 6
    event = logs.filter_log_events(logGroupName="events", filterPattern="world", limit=1)
    assert event["events"][0]["logStreamName"] == "a" and event["events"][0]["eventId"].isdigit()
    assert "nextToken" in event
    rest = logs.filter_log_events(logGroupName="events", filterPattern="world", nextToken=event["nextToken"])
    assert [e["message"] for e in rest["events"]] == ["hello world", "goodbye world", "goodbye cruel world"]


def test_put_log_events_rules(logs):
    logs.create_log_group(logGroupName="rules")
    logs.create_log_stream(logGroupName="rules", logStreamName="s")
    with pytest.raises(ClientError) as e:
        logs.put_log_events(logGroupName="rules", logStreamName="s",
                            logEvents=[{"timestamp": now_ms(), "message": "b"},
                                       {"timestamp": now_ms() - 86_400_000 * 2, "message": "a"}])
    assert error(e) == ("InvalidParameterException",
                        "Log events in a single PutLogEvents request must be in chronological order.")
    old = logs.put_log_events(logGroupName="rules", logStreamName="s",
                              logEvents=[{"timestamp": now_ms() - 86_400_000 * 30, "message": "old"}])
    assert old["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    new = logs.put_log_events(logGroupName="rules", logStreamName="s",
                              logEvents=[{"timestamp": now_ms() + 86_400_000, "message": "new"}])
    assert new["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 0}
    assert logs.get_log_events(logGroupName="rules", logStreamName="s")["events"] == []
    with pytest.raises(ClientError) as e:
        logs.put_log_events(logGroupName="rules", logStreamName="nope", logEvents=[{"timestamp": now_ms(),
                                                                                    "message": "x"}])
    assert error(e) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_events_survive_a_restart():
    from conftest import Server
    server = Server().start()
    try:
        logs = server.client("logs")
        logs.create_log_group(logGroupName="durable")
        logs.create_log_stream(logGroupName="durable", logStreamName="s")
        logs.put_log_events(logGroupName="durable", logStreamName="s",
                            logEvents=[{"timestamp": now_ms(), "message": "kept"}])
        server.kill9()
        server.start()
        events = logs.get_log_events(logGroupName="durable", logStreamName="s")["events"]
        assert [e["message"] for e in events] == ["kept"]
        # New events continue after the stored ones.
        logs.put_log_events(logGroupName="durable", logStreamName="s",
                            logEvents=[{"timestamp": now_ms(), "message": "after"}])
        events = logs.get_log_events(logGroupName="durable", logStreamName="s", startFromHead=True)["events"]
        assert [e["message"] for e in events] == ["kept", "after"]
    finally:
        server.stop()


SUBSCRIBER = """
import base64, gzip, json, os
import boto3

def handler(event, context):
    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    boto3.client("sqs").send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(data))
"""


def test_function_output_and_subscription_filters(server, logs):
    sqs = server.client("sqs")
    seen = sqs.create_queue(QueueName="log-data")["QueueUrl"]
    lam = server.client("lambda")
    subscriber = create(lam, "subscriber", code=zipped({"app.py": (SUBSCRIBER, 0o644)}),
                        Environment={"Variables": {"SEEN": seen}})["FunctionArn"]
    logs.create_log_group(logGroupName="watched")
    logs.create_log_stream(logGroupName="watched", logStreamName="s")
    logs.put_subscription_filter(logGroupName="watched", filterName="errors", filterPattern="ERROR",
                                 destinationArn=subscriber)
    described = logs.describe_subscription_filters(logGroupName="watched")["subscriptionFilters"][0]
    assert described["distribution"] == "ByLogStream" and described["filterPattern"] == "ERROR"
    logs.put_log_events(logGroupName="watched", logStreamName="s",
                        logEvents=[{"timestamp": now_ms(), "message": "INFO fine"},
                                   {"timestamp": now_ms(), "message": "ERROR broken"}])
    data = json.loads(drain(sqs, seen, expected=1)[0])
    assert data["messageType"] == "DATA_MESSAGE" and data["owner"] == ACCOUNT
    assert data["logGroup"] == "watched" and data["logStream"] == "s"
    assert data["subscriptionFilters"] == ["errors"]
    assert [e["message"] for e in data["logEvents"]] == ["ERROR broken"]
    assert data["logEvents"][0]["id"].isdigit()
    logs.put_subscription_filter(logGroupName="watched", filterName="second", filterPattern="", destinationArn=subscriber)
    with pytest.raises(ClientError) as e:
        logs.put_subscription_filter(logGroupName="watched", filterName="third", filterPattern="",
                                     destinationArn=subscriber)
    assert error(e) == ("LimitExceededException", "Resource limit exceeded.")
    logs.delete_subscription_filter(logGroupName="watched", filterName="errors")
    with pytest.raises(ClientError) as e:
        logs.delete_subscription_filter(logGroupName="watched", filterName="errors")
    assert error(e) == ("ResourceNotFoundException", "The specified subscription filter does not exist.")

    # A function's output lands in its log group, in the stream of its execution environment.
    lam.invoke(FunctionName="subscriber", Payload=json.dumps(
        {"awslogs": {"data": base64.b64encode(gzip.compress(b'{"x": 1}')).decode()}}))
    deadline = time.time() + 10
    while not logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/subscriber")["logGroups"]:
        assert time.time() < deadline
        time.sleep(0.1)
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/subscriber")["logStreams"]
    assert streams and "[$LATEST]" in streams[0]["logStreamName"]
    messages = [e["message"] for e in logs.filter_log_events(logGroupName="/aws/lambda/subscriber")["events"]]
    assert any(m.startswith("START RequestId: ") for m in messages)
    assert any(m.startswith("REPORT RequestId: ") for m in messages)


def test_logs_through_the_cli(server, logs):
    assert aws(server, "logs", "create-log-group", "--log-group-name", "cli").returncode == 0
    assert aws(server, "logs", "create-log-stream", "--log-group-name", "cli", "--log-stream-name", "s").returncode == 0
    put = aws(server, "logs", "put-log-events", "--log-group-name", "cli", "--log-stream-name", "s",
              "--log-events", f"timestamp={now_ms()},message=from-cli")
    assert put.returncode == 0, put.stderr
    out = aws(server, "logs", "filter-log-events", "--log-group-name", "cli", "--filter-pattern", "cli")
    assert [e["message"] for e in json.loads(out.stdout)["events"]] == ["from-cli"]


def test_log_group_as_an_eventbridge_target(server, logs):
    logs.create_log_group(logGroupName="/aws/events/orders")
    arn = logs.describe_log_groups(logGroupNamePrefix="/aws/events/orders")["logGroups"][0]["logGroupArn"]
    events = server.client("events")
    events.put_rule(Name="to-logs", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="to-logs", Targets=[{"Id": "logs", "Arn": arn}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": json.dumps({"n": 1})}])
    deadline = time.time() + 10
    found = []
    while time.time() < deadline and not found:
        found = logs.filter_log_events(logGroupName="/aws/events/orders")["events"]
        time.sleep(0.1)
    event = json.loads(found[0]["message"])
    assert event["source"] == "shop" and event["detail"] == {"n": 1}
    assert found[0]["logStreamName"] == event["id"]


def test_live_tail_streams_matching_events(server, logs):
    # StartLiveTail's model names the host prefix "stream-": against a local endpoint the client
    # is told not to add it (as with any custom endpoint that has no such host).
    tail_client = server.client("logs", inject_host_prefix=False)
    logs.create_log_group(logGroupName="tail/app")
    logs.create_log_stream(logGroupName="tail/app", logStreamName="web-1")
    logs.create_log_stream(logGroupName="tail/app", logStreamName="worker-1")
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:tail/app"
    answer = tail_client.start_live_tail(
        logGroupIdentifiers=[arn], logStreamNamePrefixes=["web"], logEventFilterPattern="ERROR")
    stream = answer["responseStream"]
    events = iter(stream)
    start = next(events)["sessionStart"]
    assert start["logGroupIdentifiers"] == [arn]
    assert start["logStreamNamePrefixes"] == ["web"]
    assert start["logEventFilterPattern"] == "ERROR"
    assert start["sessionId"] and start["requestId"]
    ts = now_ms()
    for name, message in [("web-1", "ERROR one"), ("web-1", "INFO two"), ("worker-1", "ERROR three")]:
        logs.put_log_events(logGroupName="tail/app", logStreamName=name,
                            logEvents=[{"timestamp": ts, "message": message}])
    seen = []
    updates = 0
    for event in events:
        update = event["sessionUpdate"]
        updates += 1
        assert update["sessionMetadata"] == {"sampled": False}
        seen += update["sessionResults"]
        if seen or updates > 5:
            break
    stream.close()
    assert [(e["logStreamName"], e["message"], e["logGroupIdentifier"], e["timestamp"]) for e in seen] == [
        ("web-1", "ERROR one", arn, ts)]
    assert seen[0]["ingestionTime"] >= ts


def test_live_tail_sends_empty_updates_and_checks_its_request(server, logs):
    tail_client = server.client("logs", inject_host_prefix=False)
    logs.create_log_group(logGroupName="tail/quiet")
    logs.create_log_group(logGroupName="tail/other")
    events = iter(tail_client.start_live_tail(logGroupIdentifiers=["tail/quiet"])["responseStream"])
    assert "sessionStart" in next(events)
    began = time.time()
    assert next(events)["sessionUpdate"]["sessionResults"] == []
    assert 0.5 < time.time() - began < 3
    with pytest.raises(ClientError) as e:
        tail_client.start_live_tail(logGroupIdentifiers=["tail/missing"])
    assert error(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        tail_client.start_live_tail(
            logGroupIdentifiers=["tail/quiet"], logStreamNames=["a"], logStreamNamePrefixes=["b"])
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        tail_client.start_live_tail(logGroupIdentifiers=["tail/quiet", "tail/other"], logStreamNames=["a"])
    assert error(e)[0] == "InvalidParameterException"


ROUTE53_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "Route53LogsToCloudWatchLogs", "Effect": "Allow", "Principal": {"Service": ["route53.amazonaws.com"]},
    "Action": "logs:PutLogEvents", "Resource": "*"}]})


def test_resource_policies(logs):
    put = logs.put_resource_policy(policyName="route53", policyDocument=ROUTE53_POLICY)["resourcePolicy"]
    # Put answers the document as given; listings answer the form AWS stores it in.
    assert put["policyDocument"] == ROUTE53_POLICY and put["policyScope"] == "ACCOUNT"
    assert "revisionId" not in put
    listed = logs.describe_resource_policies()["resourcePolicies"]
    assert [p["policyName"] for p in listed] == ["route53"]
    assert json.loads(listed[0]["policyDocument"])["Statement"][0]["Principal"] == {"Service": "route53.amazonaws.com"}
    time.sleep(0.01)
    logs.put_resource_policy(policyName="route53", policyDocument=(
        '{"Statement":[{"Action":"logs:*","Effect":"Allow","Principal":{"Service":["route53.amazonaws.com"]},'
        '"Resource":"*"}]}'))
    updated = logs.describe_resource_policies()["resourcePolicies"][0]
    assert updated["lastUpdatedTime"] > put["lastUpdatedTime"]
    assert updated["policyDocument"] == (
        '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},'
        '"Action":"logs:*","Resource":"*"}]}')
    logs.delete_resource_policy(policyName="route53")
    assert logs.describe_resource_policies()["resourcePolicies"] == []
    with pytest.raises(ClientError) as e:
        logs.delete_resource_policy(policyName="non-existent")
    assert error(e) == ("ResourceNotFoundException", "Policy with name [non-existent] does not exist.")
    with pytest.raises(ClientError) as e:
        logs.put_resource_policy(policyName="broken", policyDocument='{"Statement": [],}')
    assert error(e)[0] == "InvalidParameterException"


def test_resource_policies_are_ten_per_region(logs):
    for index in range(10):
        logs.put_resource_policy(policyName=f"p{index}", policyDocument=ROUTE53_POLICY)
    with pytest.raises(ClientError) as e:
        logs.put_resource_policy(policyName="p10", policyDocument=ROUTE53_POLICY)
    assert error(e) == ("LimitExceededException", "Resource limit exceeded.")
    logs.put_resource_policy(policyName="p1", policyDocument=ROUTE53_POLICY)
    page = logs.describe_resource_policies(limit=4)
    assert len(page["resourcePolicies"]) == 4 and page["nextToken"]
    other_region = logs.meta.endpoint_url
    eu = __import__("boto3").client("logs", endpoint_url=other_region, region_name="eu-west-1",
                                    aws_access_key_id="test", aws_secret_access_key="test")
    eu.put_resource_policy(policyName="p10", policyDocument=ROUTE53_POLICY)


def test_resource_policies_survive_a_restart():
    from conftest import Server
    server = Server().start()
    try:
        logs = server.client("logs")
        logs.put_resource_policy(policyName="kept", policyDocument=ROUTE53_POLICY)
        server.kill9()
        server.start()
        assert [p["policyName"] for p in logs.describe_resource_policies()["resourcePolicies"]] == ["kept"]
    finally:
        server.stop()


def test_a_delivery_destinations_output_format_is_refused_in_aws_order(logs):
    # Deliveries are not built, but the model's validation comes first, in AWS's recorded words.
    with pytest.raises(ClientError) as e:
        logs.put_delivery_destination(name="d", outputFormat="foobar",
                                      deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
    assert e.value.response["Error"]["Message"].endswith(
        "Member must satisfy enum value set: [w3c, raw, json, plain, parquet]")
