"""CloudWatch Logs destinations as AWS answers them: one account's Kinesis stream offered to
another's subscription filters, as its access policy allows, with the events delivered there.

The expected answers come from the CloudWatch Logs API reference and the developer guide's
cross-account subscriptions, and from AWS's recorded answers (LocalStack's AWS-validated snapshots)."""
import gzip
import json
import time

import pytest
from botocore.exceptions import ClientError

RECEIVER, SENDER = "111111111111", "222222222222"
ROLE = f"arn:aws:iam::{RECEIVER}:role/logs-to-kinesis"


@pytest.fixture
def clients(server):
    server.reset()
    # A 12-digit access key acts as that account.
    return lambda service, account: server.client(service, access_key=account, secret="x")


def stream_arn(kinesis, name):
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.2})
    return kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]


def refusal(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response["Error"]


def test_destinations_are_kept_described_tagged_and_deleted(clients):
    logs = clients("logs", RECEIVER)
    target = stream_arn(clients("kinesis", RECEIVER), "central")
    put = logs.put_destination(destinationName="central-logs", targetArn=target, roleArn=ROLE, tags={"team": "ops"})
    destination = put["destination"]
    arn = f"arn:aws:logs:us-east-1:{RECEIVER}:destination:central-logs"
    assert (destination["destinationName"], destination["arn"], destination["targetArn"], destination["roleArn"]) == (
        "central-logs", arn, target, ROLE)
    assert "accessPolicy" not in destination and isinstance(destination["creationTime"], int)

    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": SENDER}, "Action": "logs:PutSubscriptionFilter", "Resource": arn}]})
    logs.put_destination_policy(destinationName="central-logs", accessPolicy=policy)
    [described] = logs.describe_destinations(DestinationNamePrefix="central")["destinations"]
    assert described["accessPolicy"] == policy and described["creationTime"] == destination["creationTime"]
    assert logs.describe_destinations(DestinationNamePrefix="other")["destinations"] == []

    logs.tag_resource(resourceArn=arn, tags={"env": "test"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "ops", "env": "test"}
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "test"}

    logs.delete_destination(destinationName="central-logs")
    assert logs.describe_destinations()["destinations"] == []
    error = refusal(logs.delete_destination, destinationName="central-logs")
    assert error["Code"] == "ResourceNotFoundException"
    error = refusal(logs.put_destination, destinationName="d", targetArn="arn:aws:sqs:us-east-1:111111111111:q",
                    roleArn=ROLE)
    assert error["Code"] == "InvalidParameterException"


def test_another_accounts_events_reach_the_destination_stream_as_its_policy_allows(clients):
    receiver_logs, sender_logs = clients("logs", RECEIVER), clients("logs", SENDER)
    kinesis = clients("kinesis", RECEIVER)
    target = stream_arn(kinesis, "central")
    arn = receiver_logs.put_destination(destinationName="central-logs", targetArn=target, roleArn=ROLE)[
        "destination"]["arn"]
    sender_logs.create_log_group(logGroupName="app")
    sender_logs.create_log_stream(logGroupName="app", logStreamName="web-1")

    # Without an access policy naming the sender, the filter is refused.
    error = refusal(sender_logs.put_subscription_filter, logGroupName="app", filterName="ship", filterPattern="",
                    destinationArn=arn)
    assert error["Code"] == "AccessDeniedException"

    receiver_logs.put_destination_policy(destinationName="central-logs", accessPolicy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": SENDER},
                                                "Action": "logs:PutSubscriptionFilter", "Resource": arn}]}))
    sender_logs.put_subscription_filter(logGroupName="app", filterName="ship", filterPattern="ERROR",
                                        destinationArn=arn)
    sender_logs.put_log_events(logGroupName="app", logStreamName="web-1", logEvents=[
        {"timestamp": int(time.time() * 1000), "message": "ERROR disk full"},
        {"timestamp": int(time.time() * 1000), "message": "INFO fine"}])

    shard = kinesis.describe_stream(StreamName="central")["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="central", ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    documents = []
    deadline = time.time() + 15
    while time.time() < deadline:
        answer = kinesis.get_records(ShardIterator=iterator)
        iterator = answer["NextShardIterator"]
        documents += [json.loads(gzip.decompress(record["Data"])) for record in answer["Records"]]
        if any(d["messageType"] == "DATA_MESSAGE" for d in documents):
            break
        time.sleep(0.3)
    data = [d for d in documents if d["messageType"] == "DATA_MESSAGE"]
    assert data, documents
    assert data[0]["owner"] == SENDER and data[0]["logGroup"] == "app" and data[0]["logStream"] == "web-1"
    assert [event["message"] for event in data[0]["logEvents"]] == ["ERROR disk full"]
    assert data[0]["subscriptionFilters"] == ["ship"]
