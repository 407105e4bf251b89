"""A long poll whose client disconnected takes nothing from the queue (the engine's hand-back of
messages whose answer could not be written is covered by SQSEngineTests)."""
import json
import socket
import time


def start_long_poll(server, url, wait=20):
    """Sends a ReceiveMessage long poll over a raw socket and returns the socket, unread."""
    body = json.dumps({"QueueUrl": url, "WaitTimeSeconds": wait, "MaxNumberOfMessages": 10}).encode()
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                 b"X-Amz-Target: AmazonSQS.ReceiveMessage\r\nContent-Length: " + str(len(body)).encode() +
                 b"\r\n\r\n" + body)
    return sock


def test_disconnected_long_poll_takes_no_message(sqs, server):
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName="polled", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
    polls = [start_long_poll(server, url) for _ in range(3)]
    time.sleep(0.5)
    for sock in polls:
        sock.close()
    time.sleep(0.5)
    sqs.send_message(QueueUrl=url, MessageBody="for a live client")
    time.sleep(0.3)
    got = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"], WaitTimeSeconds=2)
    messages = got.get("Messages", [])
    assert [m["Body"] for m in messages] == ["for a live client"]
    assert messages[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=dlq)
