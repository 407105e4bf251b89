"""Durability: every acknowledged send survives kill -9 of the server mid-load."""
import json
import shutil
import time
import threading

from conftest import Server


def test_acknowledged_messages_survive_kill_9():
    server = Server().start()
    try:
        sqs = server.client()
        url = sqs.create_queue(QueueName="durable")["QueueUrl"]
        fifo = sqs.create_queue(QueueName="durable.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        acknowledged = set()
        lock = threading.Lock()
        stop = threading.Event()

        def sender(worker):
            client = server.client()
            n = 0
            while not stop.is_set():
                body = f"{worker}-{n}"
                try:
                    if n % 3 == 0:
                        client.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId=str(worker), MessageDeduplicationId=body)
                    else:
                        client.send_message(QueueUrl=url, MessageBody=body)
                except Exception:
                    return  # the server died under us: this send was never acknowledged
                with lock:
                    acknowledged.add(body)
                n += 1

        threads = [threading.Thread(target=sender, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        while True:
            with lock:
                if len(acknowledged) >= 400:
                    break
        server.kill9()
        stop.set()
        for t in threads:
            t.join()
        restarted = Server(data_dir=server.data_dir)
        restarted.start()
        try:
            client = restarted.client()
            received = set()
            for queue in (url, fifo):
                while True:
                    got = client.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
                    if not got:
                        break
                    for m in got:
                        received.add(m["Body"])
                    client.delete_message_batch(QueueUrl=queue, Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
            missing = acknowledged - received
            assert not missing, f"{len(missing)} acknowledged messages lost, e.g. {sorted(missing)[:5]}"
        finally:
            restarted.stop()
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_queues_and_attributes_survive_restart():
    server = Server().start()
    try:
        sqs = server.client()
        url = sqs.create_queue(QueueName="kept", Attributes={"VisibilityTimeout": "45"}, tags={"a": "b"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="in flight")
        sqs.receive_message(QueueUrl=url, VisibilityTimeout=300)
        server.kill9()
        restarted = Server(data_dir=server.data_dir).start()
        try:
            client = restarted.client()
            url = client.get_queue_url(QueueName="kept")["QueueUrl"]
            attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            assert attrs["VisibilityTimeout"] == "45"
            assert attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
            assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"a": "b"}
        finally:
            restarted.stop()
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_sync_full_mode_serves_and_persists():
    server = Server("--sync", "full").start()
    try:
        sqs = server.client()
        url = sqs.create_queue(QueueName="fsynced")["QueueUrl"]
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(10)])
        server.kill9()
        restarted = Server(data_dir=server.data_dir).start()
        try:
            got = restarted.client().receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
            assert sorted(m["Body"] for m in got) == [str(i) for i in range(10)]
        finally:
            restarted.stop()
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_fifo_queue_deduplication_survives_kill_9(tmp_path):
    server = Server(data_dir=str(tmp_path)).start()
    try:
        sqs = server.client()
        url = sqs.create_queue(QueueName="dedup.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        first = [sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g",
                                  MessageDeduplicationId=f"d{i}") for i in range(3)]
        server.kill9()
        server.start()
        sqs = server.client()
        again = [sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g",
                                  MessageDeduplicationId=f"d{i}") for i in range(3)]
        assert [r["MessageId"] for r in again] == [r["MessageId"] for r in first]
        assert [r["SequenceNumber"] for r in again] == [r["SequenceNumber"] for r in first]
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
        assert [m["Body"] for m in got] == ["m0", "m1", "m2"]
    finally:
        server.stop()


def test_message_move_task_goes_on_after_kill_9():
    # A started move task is acknowledged work: after kill -9 it keeps moving at its rate, and its
    # progress and the messages it moved agree (no message moved twice, none lost).
    server = Server().start()
    try:
        sqs = server.client()
        dlq = sqs.create_queue(QueueName="redrive-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
        sqs.create_queue(QueueName="redrive-src", Attributes={"RedrivePolicy": policy})
        target = sqs.create_queue(QueueName="redrive-target")["QueueUrl"]
        target_arn = sqs.get_queue_attributes(QueueUrl=target, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for i in range(6):
            sqs.send_message(QueueUrl=dlq, MessageBody=f"m{i}")
        handle = sqs.start_message_move_task(
            SourceArn=dlq_arn, DestinationArn=target_arn, MaxNumberOfMessagesPerSecond=2)["TaskHandle"]
        time.sleep(1.2)
        server.kill9()
        restarted = Server(data_dir=server.data_dir)
        restarted.start()
        try:
            client = restarted.client()
            deadline = time.time() + 15
            while (task := client.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0])["Status"] == "RUNNING":
                assert task["TaskHandle"] == handle
                assert time.time() < deadline
                time.sleep(0.2)
            assert task["Status"] == "COMPLETED"
            assert task["ApproximateNumberOfMessagesMoved"] == 6
            bodies = []
            while got := client.receive_message(QueueUrl=target, MaxNumberOfMessages=10).get("Messages", []):
                bodies += [m["Body"] for m in got]
                client.delete_message_batch(QueueUrl=target, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
            assert sorted(bodies) == [f"m{i}" for i in range(6)]
            assert "Messages" not in client.receive_message(QueueUrl=dlq)
        finally:
            restarted.stop()
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
