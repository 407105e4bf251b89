"""Kinesis Data Streams through boto3, the aws CLI and a CBOR client: streams, records, shard
iterators, resharding, ListShards filters, consumers and SubscribeToShard, tags and policies.

Expected values come from AWS's Kinesis API reference and from answers AWS recorded: hash key
ranges, 56-digit sequence numbers, fields AWS leaves out (EncryptionType of unencrypted records,
ChildShards of open shards, NextShardIterator at the end of a closed shard), error codes and texts."""
import base64
import datetime
import hashlib
import json
import struct
import time
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import ACCOUNT
from test_cli import aws

TOP = 2**128 - 1


@pytest.fixture
def kinesis(server):
    server.reset()
    return server.client("kinesis")


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def make(kinesis, name, shards=1):
    kinesis.create_stream(StreamName=name, ShardCount=shards)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.2})
    return kinesis.describe_stream(StreamName=name)["StreamDescription"]


def iterator(kinesis, name, shard="shardId-000000000000", kind="TRIM_HORIZON", **extra):
    return kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType=kind, **extra)["ShardIterator"]


def read_all(kinesis, name, shard="shardId-000000000000"):
    answer = kinesis.get_records(ShardIterator=iterator(kinesis, name, shard))
    return answer["Records"]


def test_streams_are_created_described_and_listed(kinesis):
    description = make(kinesis, "orders", shards=2)
    assert description["StreamARN"] == f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/orders"
    assert description["StreamStatus"] == "ACTIVE" and description["RetentionPeriodHours"] == 24
    assert description["EncryptionType"] == "NONE" and "KeyId" not in description
    assert description["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    assert description["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    ranges = [(s["HashKeyRange"]["StartingHashKey"], s["HashKeyRange"]["EndingHashKey"]) for s in description["Shards"]]
    assert ranges == [("0", str(2**127 - 1)), (str(2**127), str(TOP))]
    for shard in description["Shards"]:
        assert set(shard) == {"ShardId", "HashKeyRange", "SequenceNumberRange"}
        assert len(shard["SequenceNumberRange"]["StartingSequenceNumber"]) == 56
    summary = kinesis.describe_stream_summary(StreamName="orders")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 2 and summary["ConsumerCount"] == 0
    # Neither a shard count nor a mode: four shards, as AWS recorded.
    kinesis.create_stream(StreamName="defaulted")
    assert len(kinesis.describe_stream(StreamName="defaulted")["StreamDescription"]["Shards"]) == 4
    with pytest.raises(ClientError) as e:
        kinesis.create_stream(StreamName="orders", ShardCount=1)
    assert error(e) == ("ResourceInUseException", f"Stream orders under account {ACCOUNT} already exists.")
    for name in ("c", "a", "b"):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    first = kinesis.list_streams(Limit=2)
    assert first["StreamNames"] == ["a", "b"] and first["HasMoreStreams"] is True
    assert first["StreamSummaries"][0]["StreamARN"].endswith(":stream/a")
    rest = kinesis.list_streams(NextToken=first["NextToken"])
    assert rest["StreamNames"] == ["c", "defaulted", "orders"] and rest["HasMoreStreams"] is False
    # Not-found messages name the stream, also when it was given by ARN.
    with pytest.raises(ClientError) as e:
        kinesis.describe_stream(StreamARN=f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/missing")
    assert error(e) == ("ResourceNotFoundException", f"Stream missing under account {ACCOUNT} not found.")
    kinesis.delete_stream(StreamName="c")
    kinesis.get_waiter("stream_not_exists").wait(StreamName="c", WaiterConfig={"Delay": 0.2})


def test_records_go_to_the_shard_their_key_hashes_into_and_read_back_whole(kinesis):
    make(kinesis, "routed", shards=4)
    shards = kinesis.list_shards(StreamName="routed")["Shards"]
    payloads = [b"", b"a" * 1000, b"test", "caf\u00e9 \U0001F600".encode()]
    answer = kinesis.put_records(StreamName="routed", Records=[
        {"Data": data, "PartitionKey": f"key-{i}"} for i, data in enumerate(payloads)])
    assert answer["FailedRecordCount"] == 0 and "EncryptionType" not in answer
    for i, entry in enumerate(answer["Records"]):
        digest = int.from_bytes(hashlib.md5(f"key-{i}".encode()).digest(), "big")
        expected = next(s["ShardId"] for s in shards if int(s["HashKeyRange"]["StartingHashKey"]) <= digest
                        <= int(s["HashKeyRange"]["EndingHashKey"]))
        assert entry["ShardId"] == expected and len(entry["SequenceNumber"]) == 56
    read = {}
    for shard in shards:
        for record in read_all(kinesis, "routed", shard["ShardId"]):
            assert set(record) == {"SequenceNumber", "ApproximateArrivalTimestamp", "Data", "PartitionKey"}
            read[record["PartitionKey"]] = record["Data"]
    assert read == {f"key-{i}": data for i, data in enumerate(payloads)}
    # An explicit hash key picks the shard; the top of the space is the last shard.
    single = kinesis.put_record(StreamName="routed", Data=b"x", PartitionKey="any", ExplicitHashKey=str(TOP))
    assert single["ShardId"] == "shardId-000000000003" and set(single) - {"ResponseMetadata"} == {
        "ShardId", "SequenceNumber"}
    with pytest.raises(ClientError) as e:
        kinesis.put_record(StreamName="routed", Data=b"x", PartitionKey="k", ExplicitHashKey=str(TOP + 1))
    assert error(e) == ("InvalidArgumentException",
                        f"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
                        f"Specified value was {TOP + 1}")
    with pytest.raises(ClientError) as e:
        kinesis.put_record(StreamName="routed", Data=b"x" * (1024 * 1024), PartitionKey="k")
    assert error(e)[0] == "ValidationException"
    assert "Member must have length less than or equal to 1048576" in error(e)[1]


def test_shard_iterators_of_every_type(kinesis):
    description = make(kinesis, "iterated")
    start = description["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"]
    latest = iterator(kinesis, "iterated", kind="LATEST")
    sequences = [kinesis.put_record(StreamName="iterated", Data=f"r{i}".encode(), PartitionKey="p")["SequenceNumber"]
                 for i in range(5)]
    assert sequences == sorted(sequences) and all(s > start for s in sequences)
    def data(it, **extra):
        return [r["Data"] for r in kinesis.get_records(ShardIterator=it, **extra)["Records"]]
    assert data(latest) == [b"r0", b"r1", b"r2", b"r3", b"r4"]
    assert data(iterator(kinesis, "iterated", kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=start))[0] == b"r0"
    assert data(iterator(kinesis, "iterated", kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=sequences[2])) == [
        b"r2", b"r3", b"r4"]
    assert data(iterator(kinesis, "iterated", kind="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=sequences[2])) == [
        b"r3", b"r4"]
    assert data(iterator(kinesis, "iterated", kind="AT_TIMESTAMP",
                         Timestamp=datetime.datetime(2015, 1, 1)))[:1] == [b"r0"]
    assert data(iterator(kinesis, "iterated"), Limit=2) == [b"r0", b"r1"]
    # Paging: every answer hands out a new iterator; caught up, MillisBehindLatest is 0.
    it = iterator(kinesis, "iterated")
    seen, iterators = [], []
    for _ in range(4):
        answer = kinesis.get_records(ShardIterator=it, Limit=2)
        seen += [r["Data"] for r in answer["Records"]]
        it = answer["NextShardIterator"]
        iterators.append(it)
    assert seen == [b"r0", b"r1", b"r2", b"r3", b"r4"] and len(set(iterators)) == 4
    assert answer["MillisBehindLatest"] == 0 and "ChildShards" not in answer
    # An iterator in literal quotes is taken, as AWS takes it.
    assert data('"' + iterator(kinesis, "iterated") + '"')[:1] == [b"r0"]
    with pytest.raises(ClientError) as e:
        kinesis.get_records(ShardIterator="not-an-iterator")
    assert error(e) == ("InvalidArgumentException", "Invalid ShardIterator.")
    with pytest.raises(ClientError) as e:
        iterator(kinesis, "iterated", kind="AT_SEQUENCE_NUMBER")
    assert error(e)[1] == (
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) "
        "TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no "
        "StartingSequenceNumber.")
    with pytest.raises(ClientError) as e:
        iterator(kinesis, "iterated", kind="AT_TIMESTAMP")
    assert error(e)[1] == ("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
                           "Current request has no timestamp parameter.")
    with pytest.raises(ClientError) as e:
        iterator(kinesis, "iterated", shard="shardId-000000000007")
    assert error(e) == ("ResourceNotFoundException",
                        f"Shard shardId-000000000007 in stream iterated under account {ACCOUNT} does not exist")


def test_splitting_and_merging_close_parents_and_open_children(kinesis):
    make(kinesis, "reshard")
    kinesis.put_record(StreamName="reshard", Data=b"before", PartitionKey="p")
    with pytest.raises(ClientError) as e:
        kinesis.split_shard(StreamName="reshard", ShardToSplit="shardId-000000000000", NewStartingHashKey="1")
    assert error(e)[0] == "InvalidArgumentException" and "is not both greater than one plus" in error(e)[1]
    kinesis.split_shard(StreamName="reshard", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
    shards = {s["ShardId"]: s for s in kinesis.describe_stream(StreamName="reshard")["StreamDescription"]["Shards"]}
    assert list(shards) == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]
    assert "EndingSequenceNumber" in shards["shardId-000000000000"]["SequenceNumberRange"]
    assert shards["shardId-000000000001"]["ParentShardId"] == "shardId-000000000000"
    assert shards["shardId-000000000001"]["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(2**127 - 1)}
    # The closed parent reads to its end: no next iterator, its children named.
    answer = kinesis.get_records(ShardIterator=iterator(kinesis, "reshard"))
    assert [r["Data"] for r in answer["Records"]] == [b"before"]
    assert "NextShardIterator" not in answer
    assert [c["ShardId"] for c in answer["ChildShards"]] == ["shardId-000000000001", "shardId-000000000002"]
    assert answer["ChildShards"][0]["ParentShards"] == ["shardId-000000000000"]
    # Merging is order-sensitive: the lower range first.
    with pytest.raises(ClientError) as e:
        kinesis.merge_shards(StreamName="reshard", ShardToMerge="shardId-000000000002",
                             AdjacentShardToMerge="shardId-000000000001")
    assert error(e) == ("InvalidArgumentException",
                        f"Shards shardId-000000000002 and shardId-000000000001 in stream reshard under account "
                        f"{ACCOUNT} are not an adjacent pair of shards eligible for merging")
    kinesis.merge_shards(StreamName="reshard", ShardToMerge="shardId-000000000001",
                         AdjacentShardToMerge="shardId-000000000002")
    merged = kinesis.list_shards(StreamName="reshard", ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [(s["ShardId"], s["ParentShardId"], s["AdjacentParentShardId"]) for s in merged] == [
        ("shardId-000000000003", "shardId-000000000001", "shardId-000000000002")]
    assert merged[0]["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(TOP)}
    with pytest.raises(ClientError) as e:
        kinesis.split_shard(StreamName="reshard", ShardToSplit="shardId-000000000001", NewStartingHashKey="5")
    assert error(e)[0] == "InvalidArgumentException" and "has already been merged or split" in error(e)[1]
    # UpdateShardCount: uniform scaling to the target, answering the count before it.
    scaled = kinesis.update_shard_count(StreamName="reshard", TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert (scaled["CurrentShardCount"], scaled["TargetShardCount"]) == (1, 2)
    open_shards = kinesis.list_shards(StreamName="reshard", ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [s["HashKeyRange"]["StartingHashKey"] for s in open_shards] == ["0", str(2**127)]
    with pytest.raises(ClientError) as e:
        kinesis.update_shard_count(StreamName="reshard", TargetShardCount=5, ScalingType="UNIFORM_SCALING")
    assert error(e)[0] == "InvalidArgumentException"
    assert len(kinesis.list_shards(StreamName="reshard")["Shards"]) == 6


def test_list_shards_filters_and_tokens(kinesis):
    make(kinesis, "listed", shards=3)
    kinesis.split_shard(StreamName="listed", ShardToSplit="shardId-000000000001",
                        NewStartingHashKey=str(2**127))
    page = kinesis.list_shards(StreamName="listed", MaxResults=2)
    assert [s["ShardId"] for s in page["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    rest = kinesis.list_shards(NextToken=page["NextToken"])
    assert [s["ShardId"] for s in rest["Shards"]] == ["shardId-000000000002", "shardId-000000000003",
                                                      "shardId-000000000004"]
    with pytest.raises(ClientError) as e:
        kinesis.list_shards(StreamName="listed", NextToken=page["NextToken"])
    assert error(e) == ("InvalidArgumentException", "NextToken and StreamName cannot be provided together.")
    with pytest.raises(ClientError) as e:
        kinesis.list_shards()
    assert error(e) == ("InvalidArgumentException", "Either NextToken or StreamName should be provided.")
    def ids(**filter_):
        return [s["ShardId"][-1] for s in kinesis.list_shards(StreamName="listed", ShardFilter=filter_)["Shards"]]
    assert ids(Type="AT_LATEST") == ["0", "2", "3", "4"]
    assert ids(Type="AT_TRIM_HORIZON") == ["0", "1", "2"]
    assert ids(Type="FROM_TRIM_HORIZON") == ["0", "1", "2", "3", "4"]
    assert ids(Type="AFTER_SHARD_ID", ShardId="shardId-000000000002") == ["3", "4"]
    assert ids(Type="AT_TIMESTAMP", Timestamp=datetime.datetime.now() + datetime.timedelta(seconds=5)) == [
        "0", "2", "3", "4"]


def test_retention_tags_policies_encryption_and_monitoring(kinesis):
    arn = make(kinesis, "settings")["StreamARN"]
    with pytest.raises(ClientError) as e:
        kinesis.increase_stream_retention_period(StreamName="settings", RetentionPeriodHours=10)
    assert error(e)[1] == "Minimum allowed retention period is 24 hours. Requested retention period (10 hours) is too short."
    kinesis.increase_stream_retention_period(StreamName="settings", RetentionPeriodHours=48)
    with pytest.raises(ClientError) as e:
        kinesis.increase_stream_retention_period(StreamName="settings", RetentionPeriodHours=30)
    assert error(e)[1] == ("Requested retention period (30 hours) for stream settings can not be shorter than existing "
                           "retention period (48 hours). Use DecreaseRetentionPeriod API.")
    kinesis.decrease_stream_retention_period(StreamName="settings", RetentionPeriodHours=24)
    kinesis.add_tags_to_stream(StreamName="settings", Tags={"foo": "bar", "team": "data"})
    listed = kinesis.list_tags_for_stream(StreamName="settings", Limit=1)
    assert listed["Tags"] == [{"Key": "foo", "Value": "bar"}] and listed["HasMoreTags"] is True
    kinesis.remove_tags_from_stream(StreamName="settings", TagKeys=["foo"])
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "data"}]
    assert kinesis.get_resource_policy(ResourceARN=arn)["Policy"] == "{}"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
                                                                  "Action": "kinesis:GetRecords", "Resource": arn}]})
    kinesis.put_resource_policy(ResourceARN=arn, Policy=policy)
    assert json.loads(kinesis.get_resource_policy(ResourceARN=arn)["Policy"]) == json.loads(policy)
    kinesis.delete_resource_policy(ResourceARN=arn)
    with pytest.raises(ClientError):
        kinesis.delete_resource_policy(ResourceARN=arn)
    kinesis.start_stream_encryption(StreamName="settings", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    description = kinesis.describe_stream(StreamName="settings")["StreamDescription"]
    assert (description["EncryptionType"], description["KeyId"]) == ("KMS", "alias/aws/kinesis")
    put = kinesis.put_record(StreamName="settings", Data=b"secret", PartitionKey="p")
    assert put["EncryptionType"] == "KMS"
    assert read_all(kinesis, "settings")[0]["EncryptionType"] == "KMS"
    monitored = kinesis.enable_enhanced_monitoring(StreamName="settings", ShardLevelMetrics=["IncomingBytes"])
    assert monitored["CurrentShardLevelMetrics"] == [] and monitored["DesiredShardLevelMetrics"] == ["IncomingBytes"]
    assert kinesis.disable_enhanced_monitoring(StreamName="settings", ShardLevelMetrics=["ALL"])[
        "DesiredShardLevelMetrics"] == []
    limits = kinesis.describe_limits()
    assert limits["OpenShardCount"] == 1 and limits["OnDemandStreamCountLimit"] == 50


def test_consumers_and_subscribe_to_shard_see_every_record_in_order(kinesis):
    arn = make(kinesis, "fanout")["StreamARN"]
    assert kinesis.list_stream_consumers(StreamARN=arn)["Consumers"] == []
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="reader")["Consumer"]
    assert consumer["ConsumerStatus"] == "CREATING"
    assert consumer["ConsumerARN"].startswith(f"{arn}/consumer/reader:")
    deadline = time.time() + 10
    while kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"][
            "ConsumerStatus"] != "ACTIVE":
        assert time.time() < deadline
        time.sleep(0.1)
    described = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="reader")["ConsumerDescription"]
    assert described["StreamARN"] == arn
    for i in range(3):
        kinesis.put_record(StreamName="fanout", Data=f"early-{i}".encode(), PartitionKey=str(i))
    answer = kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000",
                                        StartingPosition={"Type": "TRIM_HORIZON"})
    with pytest.raises(ClientError) as e:
        kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000",
                                   StartingPosition={"Type": "LATEST"})
    assert error(e)[0] == "ResourceInUseException"
    assert error(e)[1].startswith("Another active subscription exists for this consumer: ")
    received, continuation = [], None
    expected = [f"early-{i}".encode() for i in range(3)] + [f"live-{i}".encode() for i in range(20)]
    put_live = True
    for event in answer["EventStream"]:
        shard_event = event["SubscribeToShardEvent"]
        received += [r["Data"] for r in shard_event["Records"]]
        continuation = shard_event["ContinuationSequenceNumber"]
        if put_live:
            put_live = False
            for i in range(20):
                kinesis.put_record(StreamName="fanout", Data=f"live-{i}".encode(), PartitionKey=str(i))
        if len(received) >= len(expected):
            break
    answer["EventStream"].close()
    assert received == expected
    # Subscribing again from the continuation picks up after what was sent.
    kinesis.put_record(StreamName="fanout", Data=b"later", PartitionKey="x")
    time.sleep(5.1)
    again = kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000",
                                       StartingPosition={"Type": "AFTER_SEQUENCE_NUMBER",
                                                         "SequenceNumber": continuation})
    first = next(iter(again["EventStream"]))["SubscribeToShardEvent"]
    again["EventStream"].close()
    assert [r["Data"] for r in first["Records"]] == [b"later"]
    with pytest.raises(ClientError) as e:
        kinesis.delete_stream(StreamName="fanout")
    assert error(e)[1].startswith("DeleteStream can\u2019t delete")
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    kinesis.delete_stream(StreamName="fanout")


def test_the_aws_cli_puts_and_gets(server, kinesis):
    assert aws(server, "kinesis", "create-stream", "--stream-name", "cli", "--shard-count", "1").returncode == 0
    put = aws(server, "kinesis", "put-record", "--stream-name", "cli", "--partition-key", "k", "--data", "hello")
    assert put.returncode == 0, put.stderr
    assert json.loads(put.stdout)["ShardId"] == "shardId-000000000000"
    it = json.loads(aws(server, "kinesis", "get-shard-iterator", "--stream-name", "cli", "--shard-id",
                        "shardId-000000000000", "--shard-iterator-type", "TRIM_HORIZON").stdout)["ShardIterator"]
    records = json.loads(aws(server, "kinesis", "get-records", "--shard-iterator", it).stdout)["Records"]
    assert [base64.b64decode(r["Data"]) for r in records] == [b"hello"]


# A CBOR client, as the Java and Kotlin SDKs and the KCL talk to Kinesis: bodies in CBOR, blobs as
# byte strings, timestamps as tag 1 around integer epoch milliseconds.

def cbor_encode(value):
    def head(major, number):
        if number < 24:
            return bytes([major << 5 | number])
        for extra, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if number < 1 << (8 * width):
                return bytes([major << 5 | extra]) + number.to_bytes(width, "big")
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode()
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items())
    if isinstance(value, datetime.datetime):
        return head(6, 1) + cbor_encode(int(value.timestamp() * 1000))
    raise TypeError(value)


def cbor_decode(data):
    def item(at):
        major, info = data[at] >> 5, data[at] & 31
        at += 1
        if info < 24:
            number = info
        elif info in (24, 25, 26, 27):
            width = 1 << (info - 24)
            if major == 7:
                raw = data[at:at + width]
                at += width
                return ({2: lambda b: struct.unpack(">e", b)[0], 4: lambda b: struct.unpack(">f", b)[0],
                         8: lambda b: struct.unpack(">d", b)[0]}[width](raw), at)
            number = int.from_bytes(data[at:at + width], "big")
            at += width
        else:
            raise ValueError("indefinite lengths are not used here")
        if major == 0:
            return number, at
        if major == 1:
            return -1 - number, at
        if major in (2, 3):
            raw = data[at:at + number]
            return (raw if major == 2 else raw.decode()), at + number
        if major == 4:
            out = []
            for _ in range(number):
                value, at = item(at)
                out.append(value)
            return out, at
        if major == 5:
            out = {}
            for _ in range(number):
                key, at = item(at)
                out[key], at = item(at)
            return out, at
        if major == 6:
            value, at = item(at)
            return ("tag", number, value), at
        return {20: False, 21: True, 22: None}[number], at
    value, _ = item(0)
    return value


def cbor_call(server, operation, body):
    # Signed as the SDKs sign it (SigV4 over the CBOR body).
    signed = AWSRequest(method="POST", url=server.endpoint + "/", data=cbor_encode(body), headers={
        "X-Amz-Target": f"Kinesis_20131202.{operation}", "Content-Type": "application/x-amz-cbor-1.1"})
    SigV4Auth(Credentials("test", "test"), "kinesis", "us-east-1").add_auth(signed)
    request = urllib.request.Request(server.endpoint + "/", data=signed.body, method="POST",
                                     headers=dict(signed.headers.items()))
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], cbor_decode(answer.read()) if answer.length else {}
    except urllib.error.HTTPError as failure:
        return failure.code, failure.headers["Content-Type"], cbor_decode(failure.read())


def test_a_cbor_client_writes_and_reads(server, kinesis):
    make(kinesis, "binary")
    status, kind, put = cbor_call(server, "PutRecord", {"StreamName": "binary", "Data": b"\x00\xffbin",
                                                       "PartitionKey": "p"})
    assert (status, kind) == (200, "application/x-amz-cbor-1.1") and put["ShardId"] == "shardId-000000000000"
    _, _, described = cbor_call(server, "DescribeStream", {"StreamName": "binary"})
    created = described["StreamDescription"]["StreamCreationTimestamp"]
    assert created[:2] == ("tag", 1) and isinstance(created[2], int) and created[2] > 10**12
    _, _, got = cbor_call(server, "GetShardIterator", {
        "StreamName": "binary", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)})
    _, _, records = cbor_call(server, "GetRecords", {"ShardIterator": got["ShardIterator"]})
    record = records["Records"][0]
    assert record["Data"] == b"\x00\xffbin" and record["SequenceNumber"] == put["SequenceNumber"]
    arrival = record["ApproximateArrivalTimestamp"]
    assert arrival[:2] == ("tag", 1) and abs(arrival[2] - time.time() * 1000) < 60_000
    status, _, failure = cbor_call(server, "DescribeStream", {"StreamName": "nothing"})
    assert status == 400 and failure["__type"].endswith("ResourceNotFoundException")
    assert failure["message"] == f"Stream nothing under account {ACCOUNT} not found."


def test_per_shard_quotas_when_emulated():
    import os
    from conftest import Server
    server = Server(env=dict(os.environ, SWITCHYARD_KINESIS_THROTTLE="1")).start()
    try:
        kinesis = server.client("kinesis")
        make(kinesis, "quota")
        # 1,000 records a second per shard: batches put back to back are turned away in part once
        # the second's worth is spent, however slowly this machine sends them; what is accepted
        # never exceeds the bucket plus what refilled while sending.
        answers, started = [], time.monotonic()
        while not any(answer["FailedRecordCount"] for answer in answers) and len(answers) < 20:
            answers.append(kinesis.put_records(StreamName="quota", Records=[
                {"Data": b"x", "PartitionKey": f"{len(answers)}-{i}"} for i in range(500)]))
        elapsed = time.monotonic() - started
        failed = [entry for answer in answers for entry in answer["Records"] if "ErrorCode" in entry]
        assert sum(answer["FailedRecordCount"] for answer in answers) == len(failed) > 0
        assert 500 * len(answers) - len(failed) <= 1_000 + 1_000 * elapsed + 50
        assert failed[0]["ErrorCode"] == "ProvisionedThroughputExceededException"
        assert failed[0]["ErrorMessage"] == (
            f"Rate exceeded for shard shardId-000000000000 in stream quota under account {ACCOUNT}.")
        assert "SequenceNumber" not in failed[0] and "ShardId" not in failed[0]
        # 1 MiB a second: two records of 600 KB in a row are one too many.
        time.sleep(1.1)
        with pytest.raises(ClientError) as e:
            for _ in range(2):
                kinesis.put_record(StreamName="quota", Data=b"x" * 600_000, PartitionKey="k")
        assert error(e)[0] == "ProvisionedThroughputExceededException"
        # Five GetRecords calls a second per shard.
        it = iterator(kinesis, "quota")
        with pytest.raises(ClientError) as e:
            for _ in range(10):
                it = kinesis.get_records(ShardIterator=it, Limit=1)["NextShardIterator"]
        assert error(e)[0] == "ProvisionedThroughputExceededException"
        time.sleep(1.1)
        assert len(kinesis.get_records(ShardIterator=it, Limit=1)["Records"]) == 1
    finally:
        server.stop()


def test_subscribe_to_shard_in_cbor(server, kinesis):
    import http.client
    from test_http2 import event_messages
    arn = make(kinesis, "cbor-fanout")["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="java")["Consumer"]["ConsumerARN"]
    body = {"ConsumerARN": consumer, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "TRIM_HORIZON"}}
    kinesis.put_record(StreamName="cbor-fanout", Data=b"\x01\x02", PartitionKey="p")
    signed = AWSRequest(method="POST", url=server.endpoint + "/", data=cbor_encode(body), headers={
        "X-Amz-Target": "Kinesis_20131202.SubscribeToShard", "Content-Type": "application/x-amz-cbor-1.1"})
    SigV4Auth(Credentials("test", "test"), "kinesis", "us-east-1").add_auth(signed)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("POST", "/", body=signed.body, headers=dict(signed.headers.items()))
    answer = connection.getresponse()
    assert answer.status == 200
    data = b""
    while len(event_messages(data)) < 2:
        data += answer.read1(65536)
    connection.close()
    initial, event = event_messages(data)[:2]
    assert initial[0][":event-type"] == "initial-response"
    assert event[0][":event-type"] == "SubscribeToShardEvent"
    assert event[0][":content-type"] == "application/x-amz-cbor-1.1"
    decoded = cbor_decode(event[1])
    record = decoded["Records"][0]
    assert record["Data"] == b"\x01\x02" and record["ApproximateArrivalTimestamp"][:2] == ("tag", 1)
