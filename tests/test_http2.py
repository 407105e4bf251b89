"""Cleartext HTTP/2 (h2c with prior knowledge), as the AWS SDK for Java v2 and the KCL talk to
Kinesis: requests on multiplexed streams take the same path as HTTP/1.1 ones, and
SubscribeToShard's event stream arrives over an HTTP/2 stream while others are answered."""
import json
import socket
import struct
import time

import h2.config
import h2.connection
import h2.events
import pytest


@pytest.fixture
def kinesis(server):
    server.reset()
    return server.client("kinesis")


class Client:
    """A minimal HTTP/2 client over one socket."""

    def __init__(self, server):
        self.socket = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.authority = f"127.0.0.1:{server.port}"
        self.connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.connection.initiate_connection()
        self.flush()
        self.responses = {}  # stream id -> {"headers": ..., "data": bytes, "ended": bool}

    def flush(self):
        self.socket.sendall(self.connection.data_to_send())

    def request(self, target, body):
        stream = self.connection.get_next_available_stream_id()
        data = json.dumps(body).encode()
        self.connection.send_headers(stream, [
            (":method", "POST"), (":path", "/"), (":scheme", "http"), (":authority", self.authority),
            ("x-amz-target", f"Kinesis_20131202.{target}"), ("content-type", "application/x-amz-json-1.1"),
            ("content-length", str(len(data)))])
        self.connection.send_data(stream, data, end_stream=True)
        self.flush()
        self.responses[stream] = {"headers": None, "data": b"", "ended": False}
        return stream

    def pump(self, until, timeout=10):
        deadline = time.time() + timeout
        while not until():
            assert time.time() < deadline, "no answer in time"
            self.socket.settimeout(max(0.01, deadline - time.time()))
            chunk = self.socket.recv(65536)
            assert chunk, "the server closed the connection"
            for event in self.connection.receive_data(chunk):
                if isinstance(event, h2.events.ResponseReceived):
                    self.responses[event.stream_id]["headers"] = dict(event.headers)
                elif isinstance(event, h2.events.DataReceived):
                    self.responses[event.stream_id]["data"] += event.data
                    self.connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    self.responses[event.stream_id]["ended"] = True
            self.flush()

    def answer(self, stream):
        self.pump(lambda: self.responses[stream]["ended"])
        return self.responses[stream]


def event_messages(data):
    """Splits event-stream bytes into (headers, payload) messages."""
    messages = []
    while len(data) >= 12:
        total, header_length = struct.unpack(">II", data[:8])
        if len(data) < total:
            break
        headers, raw = {}, data[12:12 + header_length]
        while raw:
            name_length = raw[0]
            name = raw[1:1 + name_length].decode()
            value_length = struct.unpack(">H", raw[2 + name_length:4 + name_length])[0]
            headers[name] = raw[4 + name_length:4 + name_length + value_length].decode()
            raw = raw[4 + name_length + value_length:]
        messages.append((headers, data[12 + header_length:total - 4]))
        data = data[total:]
    return messages


def test_requests_over_cleartext_http2(server, kinesis):
    kinesis.create_stream(StreamName="over-h2", ShardCount=1)
    client = Client(server)
    first = client.request("ListStreams", {})
    second = client.request("DescribeStreamSummary", {"StreamName": "over-h2"})
    missing = client.request("DescribeStream", {"StreamName": "missing"})
    answer = client.answer(first)
    assert answer["headers"][b":status"] == b"200"
    assert json.loads(answer["data"])["StreamNames"] == ["over-h2"]
    assert json.loads(client.answer(second)["data"])["StreamDescriptionSummary"]["OpenShardCount"] == 1
    failed = client.answer(missing)
    assert failed["headers"][b":status"] == b"400"
    assert json.loads(failed["data"])["__type"] == "ResourceNotFoundException"
    # HTTP/1.1 clients are served on the same port as before.
    assert kinesis.list_streams()["StreamNames"] == ["over-h2"]


def test_subscribe_to_shard_over_http2_while_other_streams_are_answered(server, kinesis):
    kinesis.create_stream(StreamName="fan-h2", ShardCount=1)
    arn = kinesis.describe_stream(StreamName="fan-h2")["StreamDescription"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="h2")["Consumer"]["ConsumerARN"]
    client = Client(server)
    subscription = client.request("SubscribeToShard", {
        "ConsumerARN": consumer, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "LATEST"}})
    client.pump(lambda: len(event_messages(client.responses[subscription]["data"])) >= 1)
    headers = client.responses[subscription]["headers"]
    assert headers[b":status"] == b"200" and headers[b"content-type"] == b"application/vnd.amazon.eventstream"
    assert event_messages(client.responses[subscription]["data"])[0][0][":event-type"] == "initial-response"
    # Another request on the same connection is answered while the subscription stays open.
    other = client.request("ListStreams", {})
    assert json.loads(client.answer(other)["data"])["StreamNames"] == ["fan-h2"]
    kinesis.put_record(StreamName="fan-h2", Data=b"pushed", PartitionKey="p")

    def has_record():
        return any(b'"Records":[{' in payload for _, payload in event_messages(client.responses[subscription]["data"]))
    client.pump(has_record)
    events = [json.loads(payload) for headers, payload in event_messages(client.responses[subscription]["data"])
              if headers.get(":event-type") == "SubscribeToShardEvent"]
    records = [record for event in events for record in event["Records"]]
    assert len(records) == 1 and records[0]["PartitionKey"] == "p"
    client.socket.close()
