"""The server's memory follows what its queues hold: a backlog that drains gives its memory back.

These run a server of their own, so that no other test's work moves its resident size. (Named
outside `test_sqs_*`, so that the legacy botocore run, which is about the awsQuery protocol, does
not repeat them.)"""
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import Server
from test_protocols import process_memory

MESSAGES = 40_000
BODY = "x" * 2048


def resident_bytes(pid):
    return process_memory(pid, "VmRSS")


@pytest.fixture
def own_server():
    server = Server().start()
    yield server
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)


def fill(sqs, url, count):
    def send(start):
        entries = [{"Id": str(i), "MessageBody": BODY} for i in range(10)]
        for _ in range(start, min(start + 1000, count), 10):
            assert not sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, range(0, count, 1000)))


def drain(sqs, url):
    def worker(_):
        taken = 0
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return taken
            sqs.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
            taken += len(messages)

    with ThreadPoolExecutor(4) as pool:
        return sum(pool.map(worker, range(4)))


def settles_below(pid, limit, seconds=20):
    """True once the resident size falls under `limit` within `seconds` (the server gives memory
    back from its once-a-second sweep, trimming at most every ten seconds)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if resident_bytes(pid) < limit:
            return True
        time.sleep(0.5)
    return False


def test_a_drained_backlog_gives_its_memory_back(own_server):
    """A queue that held 40,000 messages of 2 KiB and was then received and deleted to empty: the
    server returns to within a third of the backlog's size of where it started. Before, the queue's
    tables kept the capacity of their peak and the freed messages stayed resident in the allocator,
    so that memory stayed at the peak until a restart."""
    sqs = own_server.client()
    pid = own_server.process.pid
    url = sqs.create_queue(QueueName="backlog")["QueueUrl"]
    fill(sqs, url, 1000)
    assert drain(sqs, url) == 1000
    baseline = resident_bytes(pid)
    fill(sqs, url, MESSAGES)
    grown = resident_bytes(pid) - baseline
    assert grown > MESSAGES * len(BODY)
    assert drain(sqs, url) == MESSAGES
    assert settles_below(pid, baseline + grown // 3), (baseline, grown, resident_bytes(pid))


def test_a_purged_backlog_gives_its_memory_back(own_server):
    """The same for PurgeQueue, and for a queue deleted with its backlog."""
    sqs = own_server.client()
    pid = own_server.process.pid
    baseline = resident_bytes(pid)
    purged = sqs.create_queue(QueueName="purged")["QueueUrl"]
    deleted = sqs.create_queue(QueueName="deleted")["QueueUrl"]
    fill(sqs, purged, MESSAGES // 2)
    fill(sqs, deleted, MESSAGES // 2)
    grown = resident_bytes(pid) - baseline
    assert grown > MESSAGES * len(BODY)
    sqs.purge_queue(QueueUrl=purged)
    sqs.delete_queue(QueueUrl=deleted)
    assert settles_below(pid, baseline + grown // 3), (baseline, grown, resident_bytes(pid))
    assert sqs.get_queue_attributes(QueueUrl=purged, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"
