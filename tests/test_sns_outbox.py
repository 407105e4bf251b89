"""Email, email-json and SMS through boto3: confirmations and messages land in the captured outbox,
read back at GET /_switchyard/sns/messages."""
import json
import time
import urllib.parse
import urllib.request

import botocore.exceptions
import pytest

from conftest import error_code


@pytest.fixture
def sns(server):
    server.reset()
    return server.client("sns")


def outbox(server, expected=None, **filters):
    url = server.endpoint + "/_switchyard/sns/messages"
    if filters:
        url += "?" + urllib.parse.urlencode(filters)
    deadline = time.time() + 10
    while True:
        messages = json.load(urllib.request.urlopen(url, timeout=10))["messages"]
        if expected is None or len(messages) >= expected or time.time() > deadline:
            return messages
        time.sleep(0.05)


def test_email_subscription_confirms_through_the_captured_link_and_receives(server, sns):
    topic = sns.create_topic(Name="t")["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="dev@example.com")["SubscriptionArn"] == \
        "pending confirmation"
    [confirmation] = outbox(server, 1, address="dev@example.com")
    assert confirmation["kind"] == "email" and confirmation["topicArn"] == topic
    assert "Subscription Confirmation" in confirmation["subject"]
    link = next(line for line in confirmation["body"].splitlines() if "Action=ConfirmSubscription" in line)
    with urllib.request.urlopen(link, timeout=10) as response:
        assert response.status == 200
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"] == "1"
    sns.publish(TopicArn=topic, Message="Your order shipped", Subject="Shipping")
    messages = outbox(server, 2, address="dev@example.com")
    email = messages[-1]
    assert email["subject"] == "Shipping"
    assert email["body"].startswith("Your order shipped\n\n--\n")
    assert "Action=Unsubscribe&SubscriptionArn=" in email["body"]


def test_email_json_gets_the_envelope(server, sns):
    topic = sns.create_topic(Name="t")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="ops@example.com")
    [confirmation] = outbox(server, 1, kind="email-json")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(
        next(line for line in confirmation["body"].splitlines() if "Token=" in line)).query)["Token"][0]
    sns.confirm_subscription(TopicArn=topic, Token=token)
    published = sns.publish(TopicArn=topic, Message="as json")
    envelope = json.loads(outbox(server, 2, kind="email-json")[-1]["body"])
    assert envelope["Type"] == "Notification" and envelope["MessageId"] == published["MessageId"]
    assert envelope["Message"] == "as json" and envelope["Signature"]


def test_sms_subscriptions_and_direct_sms(server, sns):
    topic = sns.create_topic(Name="t")["TopicArn"]
    arn = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550100")["SubscriptionArn"]
    assert arn.startswith(topic + ":")  # SMS subscriptions need no confirmation
    sns.publish(TopicArn=topic, Message=json.dumps({"default": "long text", "sms": "short"}),
                MessageStructure="json")
    assert [m["body"] for m in outbox(server, 1, kind="sms", address="+15555550100")] == ["short"]
    direct = sns.publish(PhoneNumber="+15555550199", Message="your code is 1234")
    assert direct["MessageId"]
    [sms] = outbox(server, 1, address="+15555550199")
    assert sms["body"] == "your code is 1234" and "topicArn" not in sms
    for number in ["12", "+0123", "not a number"]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.publish(PhoneNumber=number, Message="x")
        assert error_code(excinfo) == "InvalidParameter"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="call me")
    assert error_code(excinfo) == "InvalidParameter"


def test_outbox_survives_restart_and_reset_clears_it(tmp_path):
    from conftest import Server
    server = Server(data_dir=str(tmp_path)).start()
    try:
        server.client("sns").publish(PhoneNumber="+15555550100", Message="kept")
        server.kill9()
        server.start()
        assert [m["body"] for m in outbox(server)] == ["kept"]
        server.reset()
        assert outbox(server) == []
    finally:
        server.stop()


def test_the_outbox_keeps_its_newest_messages_up_to_its_limit(tmp_path):
    """The outbox is a window on what SNS sent, not a record kept for good: it keeps the newest
    `SWITCHYARD_SNS_OUTBOX_LIMIT` messages (default 10,000), dropping the oldest a tenth of the limit
    at a time, in memory and in storage. Before, every captured message stayed for the server's life."""
    import os
    from conftest import Server
    server = Server(data_dir=str(tmp_path), env={**os.environ, "SWITCHYARD_SNS_OUTBOX_LIMIT": "20"}).start()
    try:
        sns = server.client("sns")
        for index in range(51):
            sns.publish(PhoneNumber="+15555550100", Message=f"m{index}")
        bodies = [m["body"] for m in outbox(server)]
        assert 20 <= len(bodies) <= 22
        assert bodies == [f"m{index}" for index in range(51 - len(bodies), 51)]
        server.kill9()
        server.start()
        assert [m["body"] for m in outbox(server)] == bodies
        sns.publish(PhoneNumber="+15555550100", Message="m51")
        after = [m["body"] for m in outbox(server)]
        assert after[-1] == "m51" and 20 <= len(after) <= 22
    finally:
        server.stop()
