"""Storage that fails under the server: a full disk and files that became unwritable. A request whose
write failed is answered 503 and leaves no trace; the server stays up and recovers when storage does.

These need root's capabilities (mounting a small tmpfs, chattr +i); without them they are skipped.
FailedCommitTests covers the same rollback with an injected write limit on every machine."""
import os
import shutil
import subprocess
import tempfile

import pytest
from botocore.exceptions import ClientError

from conftest import Server


@pytest.fixture
def small_disk():
    mount_point = tempfile.mkdtemp(prefix="switchyard-tmpfs-")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount_point], capture_output=True)
    if result.returncode != 0:
        os.rmdir(mount_point)
        pytest.skip("cannot mount a tmpfs here: " + result.stderr.decode().strip())
    yield mount_point
    subprocess.run(["umount", "-l", mount_point])
    os.rmdir(mount_point)


def resize(mount_point, megabytes):
    subprocess.run(["mount", "-o", f"remount,size={megabytes}m", mount_point], check=True)


def send_until_full(sqs, url, attempts=300):
    acknowledged, failed = set(), 0
    for i in range(attempts):
        body = f"{i}-" + "x" * 20_000
        try:
            sqs.send_message(QueueUrl=url, MessageBody=body)
            acknowledged.add(body)
        except ClientError as e:
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 503
            assert e.response["Error"]["Code"] == "ServiceUnavailable"
            failed += 1
    return acknowledged, failed


def drain(sqs, url):
    bodies = set()
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        bodies.update(m["Body"] for m in messages)
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])


def count(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_disk_full_leaves_memory_as_storage_has_it(small_disk):
    server = Server(data_dir=os.path.join(small_disk, "state")).start()
    try:
        sqs, sns = server.client(), server.client("sns")
        url = sqs.create_queue(QueueName="filling")["QueueUrl"]
        acknowledged, failed = send_until_full(sqs, url)
        assert failed > 0 and acknowledged
        assert count(sqs, url) == len(acknowledged)
        # Other writes fail the same way and leave nothing behind.
        with pytest.raises(ClientError):
            for i in range(50):
                sns.create_topic(Name=f"topic-{i}", Tags=[{"Key": "k", "Value": "v" * 250}])
        created = {t["TopicArn"] for t in sns.list_topics()["Topics"]}
        resize(small_disk, 16)
        # Space is back: writes work, and what the server holds is exactly what it acknowledged.
        sqs.send_message(QueueUrl=url, MessageBody="after")
        acknowledged.add("after")
        assert count(sqs, url) == len(acknowledged)
        assert {t["TopicArn"] for t in sns.list_topics()["Topics"]} == created
    finally:
        server.stop()
    restarted = Server(data_dir=server.data_dir).start()
    try:
        sqs = restarted.client()
        assert drain(sqs, url) == acknowledged
    finally:
        restarted.stop()


def test_unwritable_files_fail_requests_without_killing_the_server():
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    server = Server().start()
    files = [os.path.join(server.data_dir, name) for name in os.listdir(server.data_dir)]
    try:
        sqs = server.client()
        url = sqs.create_queue(QueueName="frozen")["QueueUrl"]
        for _ in range(20):
            sqs.send_message(QueueUrl=url, MessageBody="before")
        if subprocess.run(["chattr", "+i", *files], capture_output=True).returncode != 0:
            pytest.skip("cannot make files immutable here (needs CAP_LINUX_IMMUTABLE on a supporting filesystem)")
        for _ in range(20):
            with pytest.raises(ClientError) as e:
                sqs.send_message(QueueUrl=url, MessageBody="during")
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert server.process.poll() is None, "the server died"
        assert count(sqs, url) == 20
        subprocess.run(["chattr", "-i", *files], check=True)
        sqs.send_message(QueueUrl=url, MessageBody="after")
        assert count(sqs, url) == 21
    finally:
        subprocess.run(["chattr", "-i", *files], capture_output=True)
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
