"""Crash safety of S3: an object acknowledged by PUT survives kill -9 whole, and no object that was
being written when the server died appears in part."""
import hashlib
import os
import threading
import time

from conftest import Server


def test_acknowledged_uploads_survive_kill_9():
    server = Server().start()
    s3 = server.client("s3")
    s3.create_bucket(Bucket="durable")
    sent = {}  # key -> md5 of what was sent (acknowledged or not)
    acknowledged = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(number):
        client = server.client("s3")
        index = 0
        while not stop.is_set():
            key = f"w{number}/{index}"
            body = os.urandom(1024 * (1 + (index * 37 + number) % 1500))
            with lock:
                sent[key] = hashlib.md5(body).hexdigest()
            try:
                client.put_object(Bucket="durable", Key=key, Body=body)
            except Exception:
                return
            with lock:
                acknowledged[key] = sent[key]
            index += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    server.kill9()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) > 20

    restarted = Server(data_dir=server.data_dir).start()
    try:
        s3 = restarted.client("s3")
        listed = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="durable"):
            for item in page.get("Contents", []):
                listed[item["Key"]] = item["ETag"].strip('"')
        for key, md5 in acknowledged.items():
            assert listed.get(key) == md5, f"acknowledged {key} lost or changed"
        for key, etag in listed.items():
            assert etag == sent[key], f"{key} is listed but is not what was sent"
            body = s3.get_object(Bucket="durable", Key=key)["Body"].read()
            assert hashlib.md5(body).hexdigest() == sent[key], f"{key} is not whole"
        # Files of uploads the crash interrupted are cleaned away at start-up.
        files = sum(len(names) for _, _, names in os.walk(os.path.join(server.data_dir, "s3")))
        assert files == len(listed)
    finally:
        restarted.stop()


def test_acknowledged_replicas_survive_kill_9():
    """A replicated write is answered once its replica is stored: both survive a kill -9."""
    server = Server().start()
    s3 = server.client("s3")
    for name in ("source", "copy"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="source", ReplicationConfiguration={
        "Role": "arn:aws:iam::000000000000:role/replication",
        "Rules": [{"Status": "Enabled", "Priority": 1, "Filter": {}, "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::copy"}}]})
    versions = {f"k{index}": s3.put_object(Bucket="source", Key=f"k{index}", Body=os.urandom(2048))["VersionId"]
                for index in range(20)}
    server.kill9()
    restarted = Server(data_dir=server.data_dir).start()
    try:
        s3 = restarted.client("s3")
        for key, version in versions.items():
            source = s3.head_object(Bucket="source", Key=key)
            replica = s3.head_object(Bucket="copy", Key=key)
            assert (source["ReplicationStatus"], replica["ReplicationStatus"]) == ("COMPLETED", "REPLICA")
            assert replica["VersionId"] == version and replica["ETag"] == source["ETag"]
    finally:
        restarted.stop()
