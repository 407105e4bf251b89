"""One account cannot reach into another's queues, topics, platform applications and endpoints unless
the resource's policy allows it, in the default mode and in strict mode alike, and a topic delivers
into another account's queue only as that queue's policy allows."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Server, error_code

A = "111111111111"
B = "222222222222"


@pytest.fixture(scope="module", params=["default", "strict"])
def accounts(request):
    """Clients of accounts A and B on a server in the given auth mode."""
    if request.param == "strict":
        server = Server("--auth", "strict", "--credentials", f"AKIDA:secretA:{A},AKIDB:secretB:{B}",
                        "--admin-token", "0123456789abcdef-admin").start()
        keys = {A: ("AKIDA", "secretA"), B: ("AKIDB", "secretB")}
    else:
        server = Server().start()
        keys = {A: (A, "x"), B: (B, "x")}  # a 12-digit access key acts as that account

    def client(service, account):
        key, secret = keys[account]
        return server.client(service, access_key=key, secret=secret)

    yield server, client
    server.stop()


def denied(excinfo, code, status=403):
    assert error_code(excinfo) == code, excinfo.value.response
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_queue_of_another_account_is_out_of_reach(accounts):
    _, client = accounts
    sqs_a, sqs_b = client("sqs", A), client("sqs", B)
    url = sqs_a.create_queue(QueueName="private-a")["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{A}:private-a"
    sqs_a.send_message(QueueUrl=url, MessageBody="secret")

    with pytest.raises(ClientError) as e:
        sqs_b.get_queue_url(QueueName="private-a", QueueOwnerAWSAccountId=A)
    assert error_code(e) in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")
    calls = [
        lambda: sqs_b.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]),
        lambda: sqs_b.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5"}),
        lambda: sqs_b.send_message(QueueUrl=url, MessageBody="intruder"),
        lambda: sqs_b.send_message_batch(QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "intruder"}]),
        lambda: sqs_b.receive_message(QueueUrl=url),
        lambda: sqs_b.tag_queue(QueueUrl=url, Tags={"owner": "b"}),
        lambda: sqs_b.list_queue_tags(QueueUrl=url),
        lambda: sqs_b.add_permission(QueueUrl=url, Label="mine", AWSAccountIds=[B], Actions=["*"]),
        lambda: sqs_b.purge_queue(QueueUrl=url),
        lambda: sqs_b.delete_queue(QueueUrl=url),
        lambda: sqs_b.list_dead_letter_source_queues(QueueUrl=url),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        denied(e, "AccessDenied")
    message = e.value.response["Error"]["Message"]
    assert message == (f"User: arn:aws:iam::{B}:root is not authorized to perform: sqs:listdeadlettersourcequeues "
                       f"on resource: {arn} because no resource-based policy allows the "
                       "sqs:listdeadlettersourcequeues action")
    # Nothing changed for the owner.
    attributes = sqs_a.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["DelaySeconds"] == "0" and "Policy" not in attributes
    assert attributes["ApproximateNumberOfMessages"] == "1"
    assert "Tags" not in sqs_a.list_queue_tags(QueueUrl=url)


def test_dead_letter_queue_of_another_account_cannot_be_used(accounts):
    _, client = accounts
    sqs_a, sqs_b = client("sqs", A), client("sqs", B)
    dlq_url = sqs_a.create_queue(QueueName="dlq-a")["QueueUrl"]
    dlq_arn = f"arn:aws:sqs:us-east-1:{A}:dlq-a"
    sqs_a.create_queue(QueueName="source-a", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})
    with pytest.raises(ClientError) as e:
        sqs_b.create_queue(QueueName="source-b", Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs_b.start_message_move_task(SourceArn=dlq_arn)
    denied(e, "AccessDenied")
    with pytest.raises(ClientError) as e:
        sqs_b.list_message_move_tasks(SourceArn=dlq_arn)
    denied(e, "AccessDenied")
    handle = sqs_a.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    with pytest.raises(ClientError) as e:
        sqs_b.cancel_message_move_task(TaskHandle=handle)
    denied(e, "AccessDenied")
    with pytest.raises(ClientError) as e:
        sqs_b.list_dead_letter_source_queues(QueueUrl=dlq_url)
    denied(e, "AccessDenied")
    assert sqs_a.list_dead_letter_source_queues(QueueUrl=dlq_url)["queueUrls"][0].endswith("/source-a")


def test_queue_policy_grants_what_it_names_and_nothing_else(accounts):
    _, client = accounts
    sqs_a, sqs_b = client("sqs", A), client("sqs", B)
    url = sqs_a.create_queue(QueueName="shared-a")["QueueUrl"]
    sqs_a.add_permission(QueueUrl=url, Label="b-works", AWSAccountIds=[B],
                         Actions=["SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl"])
    assert sqs_b.get_queue_url(QueueName="shared-a", QueueOwnerAWSAccountId=A)["QueueUrl"].endswith(f"/{A}/shared-a")
    sqs_b.send_message(QueueUrl=url, MessageBody="from b")
    message = sqs_b.receive_message(QueueUrl=url)["Messages"][0]
    assert message["Body"] == "from b"
    sqs_b.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sqs_b.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"].endswith(
        ":shared-a")
    for call in (lambda: sqs_b.purge_queue(QueueUrl=url),
                 lambda: sqs_b.change_message_visibility(QueueUrl=url, ReceiptHandle="x", VisibilityTimeout=1),
                 lambda: sqs_b.delete_queue(QueueUrl=url),
                 lambda: sqs_b.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "1"})):
        with pytest.raises(ClientError) as e:
            call()
        denied(e, "AccessDenied")


def test_explicit_deny_wins_over_allow(accounts):
    _, client = accounts
    sqs_a, sqs_b = client("sqs", A), client("sqs", B)
    url = sqs_a.create_queue(QueueName="guarded-a")["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{A}:guarded-a"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": arn},
        {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{B}:root"}, "Action": "sqs:Receive*", "Resource": arn},
    ]}
    sqs_a.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    sqs_b.send_message(QueueUrl=url, MessageBody="allowed")
    with pytest.raises(ClientError) as e:
        sqs_b.receive_message(QueueUrl=url)
    denied(e, "AccessDenied")
    assert e.value.response["Error"]["Message"].endswith("with an explicit deny in a resource-based policy")
    assert sqs_a.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "allowed"


def test_topic_of_another_account_is_out_of_reach(accounts):
    _, client = accounts
    sns_a, sns_b = client("sns", A), client("sns", B)
    topic = sns_a.create_topic(Name="private-topic")["TopicArn"]
    missing = f"arn:aws:sns:us-east-1:{A}:no-such-topic"
    calls = [
        lambda: sns_b.publish(TopicArn=topic, Message="intruder"),
        lambda: sns_b.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "m"}]),
        lambda: sns_b.get_topic_attributes(TopicArn=topic),
        lambda: sns_b.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="b"),
        lambda: sns_b.subscribe(TopicArn=topic, Protocol="email", Endpoint="b@example.com"),
        lambda: sns_b.list_subscriptions_by_topic(TopicArn=topic),
        lambda: sns_b.add_permission(TopicArn=topic, Label="mine", AWSAccountId=[B], ActionName=["Publish"]),
        lambda: sns_b.tag_resource(ResourceArn=topic, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: sns_b.delete_topic(TopicArn=topic),
        lambda: sns_b.get_topic_attributes(TopicArn=missing),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        denied(e, "AuthorizationError")
    assert e.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{B}:root is not authorized to perform: SNS:GetTopicAttributes on resource: {missing} "
        "because no resource-based policy allows the SNS:GetTopicAttributes action")
    assert sns_a.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == ""


def test_topic_permission_grants_only_its_actions(accounts):
    _, client = accounts
    sns_a, sns_b, sqs_a = client("sns", A), client("sns", B), client("sqs", A)
    topic = sns_a.create_topic(Name="shared-topic")["TopicArn"]
    queue_url = sqs_a.create_queue(QueueName="topic-reader")["QueueUrl"]
    sns_a.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{A}:topic-reader",
                    Attributes={"RawMessageDelivery": "true"})
    sns_a.add_permission(TopicArn=topic, Label="b-publishes", AWSAccountId=[B],
                         ActionName=["Publish", "GetTopicAttributes"])
    sns_b.publish(TopicArn=topic, Message="published by b")
    assert sqs_a.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)["Messages"][0]["Body"] == "published by b"
    assert sns_b.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"] == topic
    with pytest.raises(ClientError) as e:
        sns_b.subscribe(TopicArn=topic, Protocol="email", Endpoint="b@example.com")
    denied(e, "AuthorizationError")


def test_platform_applications_and_endpoints_of_another_account(accounts):
    _, client = accounts
    sns_a, sns_b = client("sns", A), client("sns", B)
    app = sns_a.create_platform_application(Name="app-a", Platform="GCM",
                                            Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"]
    endpoint = sns_a.create_platform_endpoint(PlatformApplicationArn=app, Token="device-token-a",
                                              CustomUserData="private data")["EndpointArn"]
    calls = [
        lambda: sns_b.get_platform_application_attributes(PlatformApplicationArn=app),
        lambda: sns_b.set_platform_application_attributes(PlatformApplicationArn=app,
                                                          Attributes={"EventEndpointCreated": ""}),
        lambda: sns_b.list_endpoints_by_platform_application(PlatformApplicationArn=app),
        lambda: sns_b.create_platform_endpoint(PlatformApplicationArn=app, Token="device-token-b"),
        lambda: sns_b.get_endpoint_attributes(EndpointArn=endpoint),
        lambda: sns_b.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"}),
        lambda: sns_b.publish(TargetArn=endpoint, Message="push from b"),
        lambda: sns_b.delete_endpoint(EndpointArn=endpoint),
        lambda: sns_b.delete_platform_application(PlatformApplicationArn=app),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        denied(e, "AuthorizationError")
        assert "device-token-a" not in json.dumps(e.value.response)
    attributes = sns_a.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"]
    assert attributes["Enabled"] == "true" and attributes["CustomUserData"] == "private data"
    assert len(sns_a.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]) == 1


def test_topic_delivers_into_another_accounts_queue_only_as_its_policy_allows(accounts):
    _, client = accounts
    sqs_a, sns_b = client("sqs", A), client("sns", B)
    queue_url = sqs_a.create_queue(QueueName="inbox-a")["QueueUrl"]
    queue_arn = f"arn:aws:sqs:us-east-1:{A}:inbox-a"
    topic = sns_b.create_topic(Name="topic-b")["TopicArn"]
    # Without permission: the queue's owner has to confirm, and the confirmation cannot even arrive.
    subscription = sns_b.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                   ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert sns_b.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["PendingConfirmation"] == "true"
    sns_b.publish(TopicArn=topic, Message="uninvited")
    time.sleep(0.5)
    assert "Messages" not in sqs_a.receive_message(QueueUrl=queue_url)
    sns_b.unsubscribe(SubscriptionArn=subscription)

    # With a policy that lets the topic send: the confirmation arrives, A confirms, messages follow.
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]}
    sqs_a.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    subscription = sns_b.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                   ReturnSubscriptionArn=True)["SubscriptionArn"]
    confirmation = json.loads(sqs_a.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)["Messages"][0]["Body"])
    assert confirmation["Type"] == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic
    client("sns", A).confirm_subscription(TopicArn=topic, Token=confirmation["Token"])
    assert sns_b.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["PendingConfirmation"] == "false"
    sqs_a.purge_queue(QueueUrl=queue_url)
    sns_b.publish(TopicArn=topic, Message="invited")
    body = json.loads(sqs_a.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)["Messages"][0]["Body"])
    assert body["Message"] == "invited"

    # A policy for another topic does not let this one in.
    policy["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] = topic + "-other"
    sqs_a.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    time.sleep(1)
    while sqs_a.receive_message(QueueUrl=queue_url).get("Messages"):
        pass
    sns_b.publish(TopicArn=topic, Message="no longer allowed")
    time.sleep(0.5)
    assert "Messages" not in sqs_a.receive_message(QueueUrl=queue_url, VisibilityTimeout=0)
