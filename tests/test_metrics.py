"""GET /_switchyard/metrics: Prometheus text with requests by service, operation and outcome (counts and
latency histograms), queue depths, and delivery outcomes."""
import re
import urllib.request

import pytest
from botocore.exceptions import ClientError


def scrape(server):
    with urllib.request.urlopen(server.endpoint + "/_switchyard/metrics", timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return response.read().decode()


def value(text, name, **labels):
    """The value of the sample `name` whose labels include `labels`, or None."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{key}="{val}"' in line for key, val in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_requests_are_counted_by_service_operation_and_outcome(server):
    server.reset()
    before = scrape(server)
    sqs = server.client()
    url = sqs.create_queue(QueueName="metered")["QueueUrl"]
    for _ in range(3):
        sqs.send_message(QueueUrl=url, MessageBody="m")
    with pytest.raises(ClientError):
        sqs.get_queue_url(QueueName="missing")
    with pytest.raises(ClientError):
        server.client("cloudwatch").list_metrics()
    text = scrape(server)
    sent_before = value(before, "switchyard_requests_total", service="sqs", operation="SendMessage",
                        outcome="success") or 0
    assert value(text, "switchyard_requests_total", service="sqs", operation="SendMessage",
                 outcome="success") == sent_before + 3
    assert value(text, "switchyard_requests_total", service="sqs", operation="GetQueueUrl",
                 outcome="QueueDoesNotExist") >= 1
    assert value(text, "switchyard_requests_total", service="cloudwatch", operation="ListMetrics",
                 outcome="NotImplemented") >= 1
    # A latency histogram per series, with buckets up to a long poll's 20 seconds.
    assert value(text, "switchyard_request_duration_seconds_count", service="sqs", operation="SendMessage",
                 outcome="success") == sent_before + 3
    assert re.search(r'switchyard_request_duration_seconds_bucket\{[^}]*operation="SendMessage"[^}]*le="20.0"\}',
                     text)


def test_queue_depths_by_state(server):
    server.reset()
    sqs = server.client()
    url = sqs.create_queue(QueueName="depth")["QueueUrl"]
    for i in range(4):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=60)
    text = scrape(server)
    assert value(text, "switchyard_sqs_messages_visible", queue="depth") == 3
    assert value(text, "switchyard_sqs_messages_in_flight", queue="depth") == 1
    assert value(text, "switchyard_sqs_messages_delayed", queue="depth") == 1
    sqs.delete_queue(QueueUrl=url)
    assert value(scrape(server), "switchyard_sqs_messages_visible", queue="depth") is None


def test_delivery_outcomes_are_counted(server):
    server.reset()
    sns = server.client("sns")
    topic = sns.create_topic(Name="metered")["TopicArn"]
    # Functions do not exist yet: the delivery fails at once and is recorded as failed.
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint="arn:aws:lambda:us-east-1:000000000000:function:f")
    before = value(scrape(server), "switchyard_deliveries_total", kind="lambda", outcome="failed") or 0
    sns.publish(TopicArn=topic, Message="hello")
    import time
    deadline = time.time() + 10
    while time.time() < deadline:
        if (value(scrape(server), "switchyard_deliveries_total", kind="lambda", outcome="failed") or 0) > before:
            break
        time.sleep(0.1)
    assert value(scrape(server), "switchyard_deliveries_total", kind="lambda", outcome="failed") == before + 1
