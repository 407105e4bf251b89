"""Crash safety of Kinesis: every record PutRecords acknowledged survives kill -9, in its shard,
with its sequence number and bytes, and sequence numbers keep increasing after the restart."""
import os
import threading
import time

from conftest import Server


def read_shard(kinesis, name, shard):
    it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = []
    while it:
        answer = kinesis.get_records(ShardIterator=it)
        records += answer["Records"]
        if not answer["Records"]:
            break
        it = answer.get("NextShardIterator")
    return records


def test_acknowledged_records_survive_kill_9():
    server = Server().start()
    kinesis = server.client("kinesis")
    kinesis.create_stream(StreamName="durable", ShardCount=3)
    kinesis.get_waiter("stream_exists").wait(StreamName="durable", WaiterConfig={"Delay": 0.2})
    acknowledged = {}  # sequence number -> (shard, data)
    lock = threading.Lock()
    stop = threading.Event()

    def writer(number):
        client = server.client("kinesis")
        batch = 0
        while not stop.is_set():
            records = [{"Data": os.urandom(16 + (i * 131 + number) % 3000), "PartitionKey": f"{number}-{batch}-{i}"}
                       for i in range(50)]
            try:
                answer = client.put_records(StreamName="durable", Records=records)
            except Exception:
                return
            with lock:
                for record, result in zip(records, answer["Records"]):
                    acknowledged[result["SequenceNumber"]] = (result["ShardId"], record["Data"])
            batch += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    server.kill9()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) > 200

    restarted = Server(data_dir=server.data_dir).start()
    try:
        kinesis = restarted.client("kinesis")
        stored = {}
        newest = ""
        for shard in ("shardId-000000000000", "shardId-000000000001", "shardId-000000000002"):
            records = read_shard(kinesis, "durable", shard)
            sequences = [r["SequenceNumber"] for r in records]
            assert sequences == sorted(sequences), "records out of order"
            for record in records:
                stored[record["SequenceNumber"]] = (shard, record["Data"])
            newest = max([newest] + sequences)
        for sequence, (shard, data) in acknowledged.items():
            assert stored.get(sequence) == (shard, data), f"acknowledged record {sequence} lost or changed"
        after = kinesis.put_record(StreamName="durable", Data=b"after", PartitionKey="x")["SequenceNumber"]
        assert after > newest
    finally:
        restarted.stop()
