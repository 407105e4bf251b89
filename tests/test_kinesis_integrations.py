"""Kinesis as a source and a target elsewhere: EventBridge rules and Pipes put records into
streams; Lambda event source mappings and Pipes read them, with the record shapes AWS recorded
(Lambda's `kinesis` record with its eventID and float arrival time, Pipes' flattened record), retries
and the on-failure destination's KinesisBatchInfo."""
import base64
import json
import time

import pytest

from conftest import ACCOUNT, REGION
from test_lambda import ROLE, create, drain, zipped
from test_pipes import wait_state


@pytest.fixture
def kinesis(server):
    server.reset()
    return server.client("kinesis")


def stream(kinesis, name, shards=1):
    kinesis.create_stream(StreamName=name, ShardCount=shards)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.2})
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}"


def records(kinesis, name):
    it = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return kinesis.get_records(ShardIterator=it)["Records"]


def test_eventbridge_puts_the_event_into_a_stream(server, kinesis):
    arn = stream(kinesis, "from-events")
    events = server.client("events")
    events.put_rule(Name="to-stream", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="to-stream", Targets=[
        {"Id": "keyed", "Arn": arn, "KinesisParameters": {"PartitionKeyPath": "$.detail-type"}}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": '{"total": 5}'}])
    deadline = time.time() + 10
    while not (got := records(kinesis, "from-events")) and time.time() < deadline:
        time.sleep(0.1)
    assert len(got) == 1 and got[0]["PartitionKey"] == "order"
    envelope = json.loads(got[0]["Data"])
    assert envelope["detail-type"] == "order" and envelope["detail"] == {"total": 5}
    assert list(envelope) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources",
                              "detail"]
    # Without KinesisParameters the partition key is the event's id.
    events.put_targets(Rule="to-stream", Targets=[{"Id": "keyed", "Arn": arn}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "refund", "Detail": "{}"}])
    deadline = time.time() + 10
    while len(got := records(kinesis, "from-events")) < 2 and time.time() < deadline:
        time.sleep(0.1)
    assert got[1]["PartitionKey"] == json.loads(got[1]["Data"])["id"]


KINESIS_HANDLER = """
import base64, json, os
import boto3

def handler(event, context):
    sqs = boto3.client("sqs")
    for record in event["Records"]:
        if base64.b64decode(record["kinesis"]["data"]) == b"fail":
            raise ValueError("cannot take it")
    sqs.send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(event))
"""


def test_lambda_reads_a_stream_in_batches_and_gives_up_on_failing_batches(server, kinesis):
    lam = server.client("lambda")
    sqs = server.client("sqs")
    seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
    failed = sqs.create_queue(QueueName="failed")["QueueUrl"]
    failed_arn = sqs.get_queue_attributes(QueueUrl=failed, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    arn = stream(kinesis, "to-lambda")
    function_arn = create(lam, "reader", code=zipped({"app.py": (KINESIS_HANDLER, 0o644)}),
                          Environment={"Variables": {"SEEN": seen}})["FunctionArn"]
    kinesis.put_records(StreamName="to-lambda", Records=[
        {"Data": f"r{i}".encode(), "PartitionKey": f"k{i}"} for i in range(10)])
    mapping = lam.create_event_source_mapping(
        FunctionName="reader", EventSourceArn=arn, StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": failed_arn}})
    assert mapping["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (mapping["BatchSize"], mapping["StartingPosition"], mapping["MaximumRetryAttempts"],
            mapping["MaximumRecordAgeInSeconds"], mapping["BisectBatchOnFunctionError"],
            mapping["ParallelizationFactor"], mapping["State"]) == (100, "TRIM_HORIZON", 1, -1, False, 1, "Creating")
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": failed_arn}}
    batch = json.loads(drain(sqs, seen, expected=1)[0])["Records"]
    assert [base64.b64decode(r["kinesis"]["data"]) for r in batch] == [f"r{i}".encode() for i in range(10)]
    record = batch[0]
    assert list(record) == ["kinesis", "eventSource", "eventVersion", "eventID", "eventName", "invokeIdentityArn",
                            "awsRegion", "eventSourceARN"]
    assert record["eventID"] == "shardId-000000000000:" + record["kinesis"]["sequenceNumber"]
    assert (record["eventSource"], record["eventName"], record["invokeIdentityArn"], record["eventSourceARN"]) == (
        "aws:kinesis", "aws:kinesis:record", ROLE, arn)
    assert isinstance(record["kinesis"]["approximateArrivalTimestamp"], float)
    assert record["kinesis"]["kinesisSchemaVersion"] == "1.0" and record["kinesis"]["partitionKey"] == "k0"
    # A failing batch is tried once more, then described to the on-failure destination and skipped.
    kinesis.put_record(StreamName="to-lambda", Data=b"fail", PartitionKey="bad")
    kinesis.put_record(StreamName="to-lambda", Data=b"after", PartitionKey="good")
    report = json.loads(drain(sqs, failed, expected=1)[0])
    assert report["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert report["requestContext"]["approximateInvokeCount"] == 2
    assert report["requestContext"]["functionArn"] == function_arn
    assert report["responseContext"]["functionError"] == "Unhandled"
    info = report["KinesisBatchInfo"]
    assert (info["shardId"], info["streamArn"]) == ("shardId-000000000000", arn) and info["batchSize"] >= 1
    later = [json.loads(body)["Records"] for body in drain(sqs, seen, expected=1)]
    assert [base64.b64decode(r["kinesis"]["data"]) for batch in later for r in batch] == [b"after"]
    assert lam.get_event_source_mapping(UUID=mapping["UUID"])["State"] == "Enabled"
    lam.delete_event_source_mapping(UUID=mapping["UUID"])


def test_lambda_mapping_checks_its_stream(server, kinesis):
    lam = server.client("lambda")
    create(lam, "checked")
    missing = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/missing"
    with pytest.raises(Exception) as e:
        lam.create_event_source_mapping(FunctionName="checked", EventSourceArn=missing, StartingPosition="LATEST")
    assert e.value.response["Error"]["Message"] == f"Stream not found: {missing}"
    arn = stream(kinesis, "checked")
    first = lam.create_event_source_mapping(FunctionName="checked", EventSourceArn=arn, StartingPosition="LATEST")
    with pytest.raises(Exception) as e:
        lam.create_event_source_mapping(FunctionName="checked", EventSourceArn=arn, StartingPosition="LATEST")
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    assert first["UUID"] in e.value.response["Error"]["Message"]


def test_a_pipe_reads_a_stream_into_a_queue(server, kinesis):
    arn = stream(kinesis, "to-pipe")
    sqs = server.client("sqs")
    target_url = sqs.create_queue(QueueName="piped")["QueueUrl"]
    pipes = server.client("pipes")
    pipes.create_pipe(
        Name="from-stream", Source=arn, Target=f"arn:aws:sqs:{REGION}:{ACCOUNT}:piped",
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/pipes",
        SourceParameters={"KinesisStreamParameters": {"StartingPosition": "TRIM_HORIZON", "BatchSize": 10},
                          "FilterCriteria": {"Filters": [{"Pattern": '{"data": {"keep": [true]}}'}]}})
    wait_state(pipes, "from-stream", "RUNNING")
    kinesis.put_record(StreamName="to-pipe", Data=b'{"keep": true, "n": 1}', PartitionKey="a")
    kinesis.put_record(StreamName="to-pipe", Data=b'{"keep": false, "n": 2}', PartitionKey="b")
    delivered = [json.loads(body) for body in drain(sqs, target_url, expected=1)]
    assert len(delivered) == 1
    record = delivered[0]
    assert json.loads(base64.b64decode(record["data"])) == {"keep": True, "n": 1}
    assert record["eventSource"] == "aws:kinesis" and record["partitionKey"] == "a"
    assert record["eventID"] == "shardId-000000000000:" + record["sequenceNumber"]
    assert "kinesis" not in record and record["invokeIdentityArn"] == f"arn:aws:iam::{ACCOUNT}:role/pipes"


FAILING_HANDLER = """
def handler(event, context):
    raise ValueError("no")
"""

PICKY_HANDLER = """
import base64, json, os
import boto3

def handler(event, context):
    # Records are handed over in order; any that says "bad" fails the batch, and the rest is seen.
    datas = [json.loads(base64.b64decode(r["data"])) for r in event]
    if any(d.get("bad") for d in datas):
        raise ValueError("bad record")
    boto3.client("sqs").send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(datas))
"""


def test_a_pipe_gives_up_on_a_failing_stream_batch_after_its_retries(server, kinesis):
    """A pipe retries a batch its function fails (halved with AUTOMATIC_BISECT) MaximumRetryAttempts
    times, then describes what it gave up on to its dead-letter queue and reads on (Pipes user guide:
    error handling; PipeSourceKinesisStreamParameters)."""
    lam, sqs, pipes = server.client("lambda"), server.client("sqs"), server.client("pipes")
    arn = stream(kinesis, "picky")
    seen = sqs.create_queue(QueueName="picky-seen")["QueueUrl"]
    dlq = sqs.create_queue(QueueName="picky-dlq")["QueueUrl"]
    function = create(lam, "picky", code=zipped({"app.py": (PICKY_HANDLER, 0o644)}),
                      Environment={"Variables": {"SEEN": seen}})["FunctionArn"]
    for n, bad in [(1, False), (2, True), (3, False), (4, False)]:
        kinesis.put_record(StreamName="picky", Data=json.dumps({"n": n, "bad": bad}).encode(), PartitionKey="k")
    pipes.create_pipe(
        Name="picky", Source=arn, Target=function, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/pipes",
        SourceParameters={"KinesisStreamParameters": {
            "StartingPosition": "TRIM_HORIZON", "BatchSize": 4, "MaximumRetryAttempts": 2,
            "OnPartialBatchItemFailure": "AUTOMATIC_BISECT",
            "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:picky-dlq"}}})
    wait_state(pipes, "picky", "RUNNING")
    # Halved until the failing record is alone: it goes to the dead-letter queue, the others are seen.
    described = json.loads(drain(sqs, dlq, expected=1)[0])
    assert described["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert described["KinesisBatchInfo"]["batchSize"] == 1
    assert described["KinesisBatchInfo"]["streamArn"] == arn
    batches = [json.loads(b) for b in drain(sqs, seen, expected=2)]
    handled = sorted(d["n"] for batch in batches for d in batch)
    assert handled == [1, 3, 4]

NULL_FAILURES_HANDLER = """
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(event))
    return {"batchItemFailures": None}
"""


def test_failed_batches_go_to_an_s3_destination_and_null_failures_mean_success(server, kinesis):
    lam = server.client("lambda")
    s3 = server.client("s3")
    s3.create_bucket(Bucket="failures")
    arn = stream(kinesis, "to-s3")
    create(lam, "failing", code=zipped({"app.py": (FAILING_HANDLER, 0o644)}))
    mapping = lam.create_event_source_mapping(
        FunctionName="failing", EventSourceArn=arn, StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}})
    kinesis.put_record(StreamName="to-s3", Data=b"lost", PartitionKey="p")
    deadline = time.time() + 30
    while not (listed := s3.list_objects_v2(Bucket="failures").get("Contents")) and time.time() < deadline:
        time.sleep(0.2)
    key = listed[0]["Key"]
    assert key.startswith(f"aws/lambda/{mapping['UUID']}/shardId-000000000000/")
    report = json.loads(s3.get_object(Bucket="failures", Key=key)["Body"].read())
    assert report["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert report["requestContext"]["approximateInvokeCount"] == 1
    assert [base64.b64decode(r["kinesis"]["data"]) for r in report["payload"]["Records"]] == [b"lost"]
    # {"batchItemFailures": null} is a success: the record is not handed over again.
    sqs = server.client("sqs")
    seen = sqs.create_queue(QueueName="seen-null")["QueueUrl"]
    arn = stream(kinesis, "null-failures")
    create(lam, "null-failures", code=zipped({"app.py": (NULL_FAILURES_HANDLER, 0o644)}),
           Environment={"Variables": {"SEEN": seen}})
    lam.create_event_source_mapping(
        FunctionName="null-failures", EventSourceArn=arn, StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"])
    kinesis.put_record(StreamName="null-failures", Data=b"once", PartitionKey="p")
    assert len(drain(sqs, seen, wait=3, expected=1)) == 1


SLOW_HANDLER = """
import base64, json, os, time
import boto3

def handler(event, context):
    started = time.time()
    time.sleep(0.4)
    records = [[r["kinesis"]["partitionKey"], base64.b64decode(r["kinesis"]["data"]).decode()] for r in event["Records"]]
    boto3.client("sqs").send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(
        {"started": started, "ended": time.time(), "records": records}))
"""


def test_parallelization_factor_runs_batches_of_a_shard_at_once_in_key_order(server, kinesis):
    lam = server.client("lambda")
    sqs = server.client("sqs")
    seen = sqs.create_queue(QueueName="parallel")["QueueUrl"]
    arn = stream(kinesis, "parallel")
    create(lam, "slow", code=zipped({"app.py": (SLOW_HANDLER, 0o644)}), Environment={"Variables": {"SEEN": seen}})
    keys = [f"key-{i}" for i in range(8)]
    kinesis.put_records(StreamName="parallel", Records=[
        {"Data": f"{key}#{n}".encode(), "PartitionKey": key} for n in range(3) for key in keys])
    mapping = lam.create_event_source_mapping(
        FunctionName="slow", EventSourceArn=arn, StartingPosition="TRIM_HORIZON", BatchSize=2,
        ParallelizationFactor=4)
    assert mapping["ParallelizationFactor"] == 4
    invocations = [json.loads(body) for body in drain(sqs, seen, wait=3, expected=12)]
    records = [record for invocation in invocations for record in invocation["records"]]
    assert sorted(data for _, data in records) == sorted(f"{key}#{n}" for key in keys for n in range(3))
    # Each key's records arrive in the order they were put.
    for key in keys:
        ordered = [data for k, data, _ in sorted(
            ((k, d, inv["started"]) for inv in invocations for k, d in inv["records"]), key=lambda x: x[2])
            if k == key]
        assert ordered == [f"{key}#{n}" for n in range(3)]
    # Some invocations overlapped in time: batches of the one shard ran side by side.
    spans = sorted((inv["started"], inv["ended"]) for inv in invocations)
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:]))
