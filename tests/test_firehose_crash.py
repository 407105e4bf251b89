"""Crash safety of Data Firehose: records PutRecordBatch acknowledged while they sat in a stream's
buffer survive kill -9 and are delivered after the restart, every one of them."""
import shutil
import threading
import time

from conftest import Server
from test_firehose import s3_config


def delivered_lines(s3, bucket):
    lines = []
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        lines += s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().split(b"\n")
    return [line for line in lines if line]


def test_buffered_records_survive_kill_9_and_are_delivered_after_restart():
    server = Server().start()
    try:
        s3, firehose = server.client("s3"), server.client("firehose")
        s3.create_bucket(Bucket="durable")
        # A long interval: nothing is delivered before the crash unless the size hint cuts it.
        firehose.create_delivery_stream(DeliveryStreamName="buffered", ExtendedS3DestinationConfiguration=s3_config(
            "durable", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 4},
            ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord",
                                                                      "Parameters": []}]}))
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(number):
            client = server.client("firehose")
            batch = 0
            while not stop.is_set():
                records = [f"w{number}-b{batch}-r{i}-".encode() + b"x" * (i * 37 % 900) for i in range(100)]
                try:
                    answer = client.put_record_batch(DeliveryStreamName="buffered",
                                                     Records=[{"Data": r} for r in records])
                except Exception:
                    return
                assert answer["FailedPutCount"] == 0
                with lock:
                    acknowledged.extend(records)
                batch += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        server.kill9()
        stop.set()
        for thread in threads:
            thread.join()
        assert len(acknowledged) > 1000
        server.start()
        s3 = server.client("s3")
        deadline = time.time() + 30
        delivered = []
        while not set(acknowledged) <= set(delivered) and time.time() < deadline:
            time.sleep(0.5)
            delivered = delivered_lines(s3, "durable")
        missing = set(acknowledged) - set(delivered)
        assert not missing, f"{len(missing)} acknowledged records were lost"
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
