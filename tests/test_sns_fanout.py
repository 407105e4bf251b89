"""SNS fan-out to SQS through boto3: subscriptions, the envelope field by field and its signature,
raw delivery, FIFO topics to FIFO queues, PublishBatch, dead-letter queues, and crash safety."""
import base64
import json
import time
import urllib.request

import botocore.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from conftest import ACCOUNT, REGION, error_code


@pytest.fixture
def clients(server):
    server.reset()
    return server.client("sns"), server.client("sqs")


def make_queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def receive_all(sqs, url, expected, timeout=10):
    messages = []
    deadline = time.time() + timeout
    while len(messages) < expected and time.time() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                  MessageAttributeNames=["All"], AttributeNames=["All"]).get("Messages", [])
        for message in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages += got
    return messages


def verify(envelope):
    pem = urllib.request.urlopen(envelope["SigningCertURL"], timeout=10).read()
    key = x509.load_pem_x509_certificate(pem).public_key()
    text = "".join(f"{name}\n{envelope[name]}\n"
                   for name in ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] if name in envelope)
    digest = hashes.SHA256() if envelope["SignatureVersion"] == "2" else hashes.SHA1()
    key.verify(base64.b64decode(envelope["Signature"]), text.encode(), padding.PKCS1v15(), digest)


def test_publish_reaches_every_subscribed_queue_in_a_signed_envelope(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="orders")["TopicArn"]
    queues = [make_queue(sqs, f"q{i}") for i in range(3)]
    subscriptions = [sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
                     for _, arn in queues]
    assert all(s.startswith(topic + ":") for s in subscriptions)
    published = sns.publish(TopicArn=topic, Message="hello", Subject="greeting",
                            MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"},
                                               "count": {"DataType": "Number", "StringValue": "3"}})
    for (url, _), subscription in zip(queues, subscriptions):
        [message] = receive_all(sqs, url, 1)
        envelope = json.loads(message["Body"])
        assert list(envelope) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
                                  "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL",
                                  "MessageAttributes"]
        assert envelope["Type"] == "Notification"
        assert envelope["MessageId"] == published["MessageId"]
        assert envelope["TopicArn"] == topic
        assert envelope["Subject"] == "greeting"
        assert envelope["Message"] == "hello"
        assert envelope["Timestamp"].endswith("Z") and "." in envelope["Timestamp"]
        assert envelope["SignatureVersion"] == "1"
        assert envelope["UnsubscribeURL"].endswith("?Action=Unsubscribe&SubscriptionArn=" + subscription)
        assert envelope["MessageAttributes"] == {"count": {"Type": "Number", "Value": "3"},
                                                 "kind": {"Type": "String", "Value": "order"}}
        verify(envelope)


def test_signature_version_2_signs_with_sha256(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t", Attributes={"SignatureVersion": "2"})["TopicArn"]
    url, arn = make_queue(sqs, "q")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="v2")
    envelope = json.loads(receive_all(sqs, url, 1)[0]["Body"])
    assert envelope["SignatureVersion"] == "2" and "Subject" not in envelope
    verify(envelope)


def test_raw_delivery_carries_the_message_and_its_attributes(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    url, arn = make_queue(sqs, "raw")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="just the text",
                MessageAttributes={"b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
                                   "s": {"DataType": "String", "StringValue": "x"}})
    [message] = receive_all(sqs, url, 1)
    assert message["Body"] == "just the text"
    assert message["MessageAttributes"]["s"] == {"StringValue": "x", "DataType": "String"}
    assert message["MessageAttributes"]["b"] == {"BinaryValue": b"\x00\x01", "DataType": "Binary"}
    assert message["Attributes"]["SenderId"] == "AIDAIT2UOQQY3AUEKVGXU"


def test_message_structure_json_picks_the_sqs_message(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    url, arn = make_queue(sqs, "q")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "d", "sqs": "for queues"}))
    assert receive_all(sqs, url, 1)[0]["Body"] == "for queues"
    for message in ["not json", json.dumps({"sqs": "no default"})]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.publish(TopicArn=topic, MessageStructure="json", Message=message)
        assert error_code(excinfo) == "InvalidParameter"


def test_fifo_topic_to_fifo_queue_keeps_group_order_and_deduplicates(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, arn = make_queue(sqs, "q.fifo", FifoQueue="true")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sequence_numbers = []
    for index in range(20):
        result = sns.publish(TopicArn=topic, Message=f"m{index}", MessageGroupId="g" + str(index % 2),
                             MessageDeduplicationId=f"d{index}")
        sequence_numbers.append(int(result["SequenceNumber"]))
    assert sequence_numbers == sorted(sequence_numbers)
    again = sns.publish(TopicArn=topic, Message="m0 again", MessageGroupId="g0", MessageDeduplicationId="d0")
    bodies = [m["Body"] for m in receive_all(sqs, url, 20)]
    assert len(bodies) == 20 and "m0 again" not in bodies
    for group in ("0", "1"):
        in_group = [b for b in bodies if int(b[1:]) % 2 == int(group)]
        assert in_group == sorted(in_group, key=lambda b: int(b[1:]))
    assert again["MessageId"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.publish(TopicArn=topic, Message="no group", MessageDeduplicationId="x")
    assert error_code(excinfo) == "InvalidParameter"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.publish(TopicArn=topic, Message="no dedup", MessageGroupId="g")
    assert error_code(excinfo) == "InvalidParameter"


def test_publish_batch(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    url, arn = make_queue(sqs, "q")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    # An entry SNS would refuse fails the whole batch, as AWS answers it: nothing is published.
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "a", "Message": "one"},
            {"Id": "c", "Message": "bad", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "x"}}}])
    assert error_code(excinfo) == "InvalidParameter"
    result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "one"}, {"Id": "b", "Message": "two"}])
    assert sorted(e["Id"] for e in result["Successful"]) == ["a", "b"] and result["Failed"] == []
    assert sorted(m["Body"] for m in receive_all(sqs, url, 2)) == ["one", "two"]
    for entries, code in [([], "EmptyBatchRequest"),
                          ([{"Id": str(i), "Message": "m"} for i in range(11)], "TooManyEntriesInBatchRequest"),
                          ([{"Id": "x", "Message": "m"}, {"Id": "x", "Message": "m"}], "BatchEntryIdsNotDistinct")]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        assert error_code(excinfo) == code


def test_undeliverable_targets_are_recorded_and_dead_lettered(server, clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function,
                  Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    gone_url, gone_arn = make_queue(sqs, "gone")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=gone_arn)
    sqs.delete_queue(QueueUrl=gone_url)
    sns.publish(TopicArn=topic, Message="nobody home")
    [dead] = receive_all(sqs, dlq_url, 1)
    assert json.loads(dead["Body"])["Message"] == "nobody home"
    deadline = time.time() + 10
    while time.time() < deadline:
        records = json.load(urllib.request.urlopen(server.endpoint + "/_switchyard/deliveries"))["deliveries"]
        if len(records) >= 3:
            break
        time.sleep(0.1)
    by_target = {r["target"]: r for r in records}
    assert by_target[function]["status"] == "dead-lettered"
    assert "Function not found" in by_target[function]["reason"]
    assert by_target[gone_arn]["status"] == "failed"
    assert by_target[dlq_arn]["status"] == "delivered"


def test_subscriptions_are_listed_counted_and_removed(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    _, arn = make_queue(sqs, "q")
    first = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"] == first
    listed = sns.list_subscriptions()["Subscriptions"]
    assert listed == [{"SubscriptionArn": first, "Owner": ACCOUNT, "Protocol": "sqs", "Endpoint": arn,
                       "TopicArn": topic}]
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == listed
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"] == "1"
    attributes = sns.get_subscription_attributes(SubscriptionArn=first)["Attributes"]
    assert attributes["Protocol"] == "sqs" and attributes["RawMessageDelivery"] == "false"
    sns.set_subscription_attributes(SubscriptionArn=first, AttributeName="RawMessageDelivery",
                                    AttributeValue="true")
    assert sns.get_subscription_attributes(SubscriptionArn=first)["Attributes"]["RawMessageDelivery"] == "true"
    sns.unsubscribe(SubscriptionArn=first)
    assert sns.list_subscriptions()["Subscriptions"] == []
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.get_subscription_attributes(SubscriptionArn=first)
    assert error_code(excinfo) == "NotFound"


def test_subscribe_errors(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    for protocol, endpoint, code in [
        ("carrier-pigeon", "x", "InvalidParameter"),
        ("sqs", "not-an-arn", "InvalidParameter"),
        ("application", "arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/1", "InvalidParameter"),
    ]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
        assert error_code(excinfo) == code
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.subscribe(TopicArn=topic + "-missing", Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q")
    assert error_code(excinfo) == "NotFound"
    for policy in ["not json", json.dumps({"kind": "order"}), json.dumps({"kind": [{"nonsense": 1}]})]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q",
                          Attributes={"FilterPolicy": policy})
        assert error_code(excinfo) == "InvalidParameter"


def test_publish_errors(clients):
    sns, _ = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    cases = [
        (dict(TopicArn=topic, Message=""), "InvalidParameter"),
        (dict(TopicArn=topic, Message="x" * 262_145), "InvalidParameter"),
        (dict(TopicArn=topic, Message="m", Subject="x" * 101), "InvalidParameter"),
        (dict(TopicArn=topic, Message="m", MessageAttributes={"a": {"DataType": "Weird", "StringValue": "1"}}),
         "ParameterValueInvalid"),
        (dict(TopicArn=topic + "-missing", Message="m"), "NotFound"),
        (dict(TopicArn="fake_topic", Message="m"), "InvalidParameter"),
    ]
    for arguments, code in cases:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.publish(**arguments)
        assert error_code(excinfo) == code, arguments


def test_unsubscribe_url_works_unsigned(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    url, arn = make_queue(sqs, "q")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="bye")
    envelope = json.loads(receive_all(sqs, url, 1)[0]["Body"])
    with urllib.request.urlopen(envelope["UnsubscribeURL"], timeout=10) as response:
        assert response.status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
