"""SNS message data protection through boto3: inbound and outbound Deny and De-identify (mask, redact)
statements with managed and custom data identifiers, and the validation of policies."""
import json
import os
import subprocess

import botocore.exceptions
import pytest

from conftest import error_code

EMAIL = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
CARD = "arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"
SSN = "arn:aws:dataprotection::aws:data-identifier/Ssn-US"


@pytest.fixture
def clients(server):
    server.reset()
    return server.client("sns"), server.client("sqs")


def policy(*statements, custom=None):
    document = {"Name": "protect", "Version": "2021-06-01", "Statement": list(statements)}
    if custom:
        document["Configuration"] = {"CustomDataIdentifier": custom}
    return json.dumps(document)


def statement(direction, identifiers, operation, principal="*"):
    return {"Sid": "s", "DataDirection": direction, "Principal": [principal], "DataIdentifier": identifiers,
            "Operation": operation}


def topic_with_queue(sns, sqs, document):
    arn = sns.create_topic(Name="protected")["TopicArn"]
    sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=document)
    url = sqs.create_queue(QueueName="protected-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    return arn, url


def bodies(sqs, url):
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    return sorted(message["Body"] for message in got)


def test_inbound_deny_refuses_publishes_that_carry_the_data(clients):
    sns, sqs = clients
    arn, url = topic_with_queue(sns, sqs, policy(statement("Inbound", [EMAIL], {"Deny": {}})))
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.publish(TopicArn=arn, Message="write to jane.doe@example.com")
    assert error_code(excinfo) == "AuthorizationError"
    sns.publish(TopicArn=arn, Message="nothing to see")
    assert bodies(sqs, url) == ["nothing to see"]


def test_inbound_mask_and_redact(clients):
    sns, sqs = clients
    document = policy(
        statement("Inbound", [CARD], {"Deidentify": {"MaskConfig": {"MaskWithCharacter": "#"}}}),
        statement("Inbound", ["OrderCode"], {"Deidentify": {"RedactConfig": {}}}),
        custom=[{"Name": "OrderCode", "Regex": "ORD-[0-9]{4}"}])
    arn, url = topic_with_queue(sns, sqs, document)
    sns.publish(TopicArn=arn, Message="card 4111 1111 1111 1111 for ORD-1234")
    # A number that fails the Luhn check is not a card number.
    sns.publish(TopicArn=arn, Message="ticket 4111 1111 1111 1112")
    assert bodies(sqs, url) == ["card ################### for ", "ticket 4111 1111 1111 1112"]


def test_outbound_deny_drops_the_delivery_but_not_the_publish(clients):
    sns, sqs = clients
    arn, url = topic_with_queue(sns, sqs, policy(statement("Outbound", [SSN], {"Deny": {}})))
    assert sns.publish(TopicArn=arn, Message="ssn 123-45-6789")["MessageId"]
    sns.publish(TopicArn=arn, Message="no number here")
    assert bodies(sqs, url) == ["no number here"]


def test_outbound_mask_applies_to_the_envelope_message(clients):
    sns, sqs = clients
    arn = sns.create_topic(Name="envelope")["TopicArn"]
    sns.put_data_protection_policy(
        ResourceArn=arn, DataProtectionPolicy=policy(statement("Outbound", [EMAIL], {"Deidentify": {"MaskConfig": {}}})))
    url = sqs.create_queue(QueueName="envelope-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=arn, Message="from a@b.io")
    [body] = bodies(sqs, url)
    assert json.loads(body)["Message"] == "from ******"


def test_statements_for_other_principals_do_not_apply(clients):
    sns, sqs = clients
    other = "arn:aws:iam::111122223333:role/publisher"
    arn, url = topic_with_queue(sns, sqs, policy(statement("Inbound", [EMAIL], {"Deny": {}}, principal=other)))
    sns.publish(TopicArn=arn, Message="a@b.io")
    assert bodies(sqs, url) == ["a@b.io"]


@pytest.mark.parametrize("document", [
    policy(statement("Inbound", ["arn:aws:dataprotection::aws:data-identifier/NoSuchThing"], {"Deny": {}})),
    policy(statement("Sideways", [EMAIL], {"Deny": {}})),
    policy(statement("Inbound", [EMAIL], {"Deny": {}, "Audit": {}})),
    policy(statement("Inbound", [EMAIL], {"Deidentify": {"MaskConfig": {"MaskWithCharacter": "AB"}}})),
    policy(statement("Inbound", [EMAIL], {"Audit": {"SampleRate": "99"}}),
           statement("Inbound", [CARD], {"Audit": {"SampleRate": "99"}})),
    policy(statement("Inbound", ["Custom"], {"Deny": {}}), custom=[{"Name": "Custom", "Regex": "(unclosed"}]),
    json.dumps({"Name": "p", "Version": "2012-10-17", "Statement": []}),
    json.dumps({"Version": "2021-06-01", "Statement": []}),
])
def test_invalid_policies_are_refused(clients, document):
    sns, _ = clients
    arn = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=document)
    assert error_code(excinfo) == "InvalidParameter"


def test_cli_puts_a_policy_that_then_denies(server):
    server.reset()
    sns = server.client("sns")
    arn = sns.create_topic(Name="cli-protected")["TopicArn"]
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    subprocess.run(["aws", "--endpoint-url", server.endpoint, "sns", "put-data-protection-policy", "--resource-arn", arn,
                    "--data-protection-policy", policy(statement("Inbound", [SSN], {"Deny": {}}))],
                   check=True, env=env, capture_output=True)
    denied = subprocess.run(["aws", "--endpoint-url", server.endpoint, "sns", "publish", "--topic-arn", arn,
                             "--message", "ssn 123-45-6789"], env=env, capture_output=True, text=True)
    assert denied.returncode != 0 and "AuthorizationError" in denied.stderr
