"""HTTP subscribers through boto3: a test endpoint that confirms, receives and verifies signed
notifications, and a failing endpoint whose retries end in the dead-letter queue."""
import base64
import http.server
import json
import threading
import time
import urllib.request

import botocore.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from conftest import error_code

SIGNED = {
    "Notification": ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
    "SubscriptionConfirmation": ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
    "UnsubscribeConfirmation": ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
}


def verify(message):
    pem = urllib.request.urlopen(message["SigningCertURL"], timeout=10).read()
    key = x509.load_pem_x509_certificate(pem).public_key()
    text = "".join(f"{name}\n{message[name]}\n" for name in SIGNED[message["Type"]] if name in message)
    digest = hashes.SHA256() if message["SignatureVersion"] == "2" else hashes.SHA1()
    key.verify(base64.b64decode(message["Signature"]), text.encode(), padding.PKCS1v15(), digest)


class Endpoint:
    """A local HTTP endpoint that records what SNS posts and answers with a chosen status."""

    def __init__(self, status=200):
        self.requests = []
        self.status = status
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                endpoint.requests.append((dict(self.headers), body))
                self.send_response(endpoint.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count, timeout=10):
        deadline = time.time() + timeout
        while len(self.requests) < count and time.time() < deadline:
            time.sleep(0.02)
        assert len(self.requests) >= count, f"{len(self.requests)} requests, wanted {count}"
        return self.requests

    def close(self):
        self.server.shutdown()


@pytest.fixture
def endpoint():
    e = Endpoint()
    yield e
    e.close()


@pytest.fixture
def sns(server):
    server.reset()
    return server.client("sns")


def test_http_subscriber_confirms_receives_and_verifies(sns, endpoint):
    topic = sns.create_topic(Name="t")["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)["SubscriptionArn"] == \
        "pending confirmation"
    headers, body = endpoint.wait_for(1)[0]
    confirmation = json.loads(body)
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert confirmation["Type"] == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic
    verify(confirmation)
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == "PendingConfirmation"
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"] == "1"
    with urllib.request.urlopen(confirmation["SubscribeURL"], timeout=10) as response:
        assert response.status == 200
        assert b"<SubscriptionArn>" in response.read()
    subscription = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"]
    assert subscription.startswith(topic + ":")
    published = sns.publish(TopicArn=topic, Message="over http", Subject="s")
    headers, body = endpoint.wait_for(2)[1]
    notification = json.loads(body)
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-message-id"] == published["MessageId"]
    assert headers["x-amz-sns-subscription-arn"] == subscription
    assert headers["Content-Type"].startswith("text/plain")
    assert notification["Message"] == "over http" and notification["MessageId"] == published["MessageId"]
    verify(notification)
    sns.unsubscribe(SubscriptionArn=subscription)
    headers, body = endpoint.wait_for(3)[2]
    assert json.loads(body)["Type"] == "UnsubscribeConfirmation"
    verify(json.loads(body))


def test_confirm_subscription_with_the_token(sns, endpoint):
    topic = sns.create_topic(Name="t")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    token = json.loads(endpoint.wait_for(1)[0][1])["Token"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.confirm_subscription(TopicArn=topic, Token="wrong")
    assert error_code(excinfo) == "InvalidParameter"
    arn = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "false"


def test_failing_endpoint_is_retried_per_delivery_policy_then_dead_lettered(server, sns):
    failing = Endpoint(status=500)
    try:
        sqs = server.client()
        dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        topic = sns.create_topic(Name="t")["TopicArn"]
        arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=failing.url, ReturnSubscriptionArn=True,
                            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn}),
                                        "DeliveryPolicy": json.dumps({"healthyRetryPolicy": {
                                            "numRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1}})})[
            "SubscriptionArn"]
        token = json.loads(failing.wait_for(1)[0][1])["Token"]  # the confirmation, answered 500 but seen
        sns.confirm_subscription(TopicArn=topic, Token=token)
        before = len(failing.requests)
        sns.publish(TopicArn=topic, Message="undeliverable")
        messages = []
        deadline = time.time() + 20
        while not messages and time.time() < deadline:
            messages = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1).get("Messages", [])
        assert messages, "nothing reached the dead-letter queue"
        assert json.loads(messages[0]["Body"])["Message"] == "undeliverable"
        notifications = [r for r in failing.requests[before:] if r[0]["x-amz-sns-message-type"] == "Notification"]
        assert len(notifications) == 3  # the first attempt and two retries
        assert arn.startswith(topic + ":")
    finally:
        failing.close()


def test_http_endpoint_must_match_protocol(sns):
    topic = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.subscribe(TopicArn=topic, Protocol="https", Endpoint="http://example.com/hook")
    assert error_code(excinfo) == "InvalidParameter"
