"""Crash-safe fan-out: every acknowledged Publish reaches every subscribed queue after kill -9."""
import shutil
import threading
import time

from conftest import Server


def test_acknowledged_publishes_reach_every_queue_after_kill_9():
    server = Server().start()
    try:
        sns, sqs = server.client("sns"), server.client()
        topic = sns.create_topic(Name="events")["TopicArn"]
        urls = []
        for index in range(3):
            url = sqs.create_queue(QueueName=f"sub{index}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
            urls.append(url)
        acknowledged = set()
        lock = threading.Lock()
        stop = threading.Event()

        def publisher(worker):
            client = server.client("sns")
            n = 0
            while not stop.is_set():
                body = f"{worker}-{n}"
                try:
                    client.publish(TopicArn=topic, Message=body)
                except Exception:
                    return  # the server died under us: this publish was never acknowledged
                with lock:
                    acknowledged.add(body)
                n += 1

        threads = [threading.Thread(target=publisher, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        while True:
            with lock:
                if len(acknowledged) >= 300:
                    break
            time.sleep(0.001)
        server.kill9()
        stop.set()
        for t in threads:
            t.join()
        restarted = Server(data_dir=server.data_dir).start()
        try:
            client = restarted.client()
            for url in urls:
                received = set()
                deadline = time.time() + 30
                while not acknowledged <= received and time.time() < deadline:
                    got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                        "Messages", [])
                    for m in got:
                        received.add(m["Body"])
                    if got:
                        client.delete_message_batch(QueueUrl=url, Entries=[
                            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
                missing = acknowledged - received
                assert not missing, f"{url}: {len(missing)} acknowledged publishes lost, e.g. {sorted(missing)[:5]}"
        finally:
            restarted.stop()
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_fifo_topic_deduplication_survives_kill_9(tmp_path):
    server = Server(data_dir=str(tmp_path)).start()
    try:
        sns, sqs = server.client("sns"), server.client()
        topic = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        url = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        first = sns.publish(TopicArn=topic, Message="once", MessageGroupId="g", MessageDeduplicationId="d1")
        server.kill9()
        server.start()
        sns = server.client("sns")
        again = sns.publish(TopicArn=topic, Message="once", MessageGroupId="g", MessageDeduplicationId="d1")
        assert again["MessageId"] == first["MessageId"]
        assert again["SequenceNumber"] == first["SequenceNumber"]
        client = server.client()
        bodies = []
        for _ in range(3):
            got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            for message in got:
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            bodies += [m["Body"] for m in got]
        assert bodies == ["once"]
    finally:
        server.stop()
