"""Condition operators on IP addresses and dates, and the global keys a request carries
(`aws:SourceIp`, `aws:CurrentTime`, `aws:EpochTime`, `aws:RequestedRegion`), through boto3: a queue
policy admitting another account by the caller's address or by the time, a topic policy by region,
a role's trust policy by address, and the policy simulator given the keys as context entries.

Expected values come from the IAM User Guide ("Condition operators": IpAddress and NotIpAddress take
CIDR ranges or single addresses, IPv4 and IPv6; Date operators take ISO 8601 dates or epoch seconds;
a negated operator holds when the key is missing) and "AWS global condition context keys"."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import error_code

A = "111111111111"
B = "222222222222"


@pytest.fixture
def clients(server):
    server.reset()
    return lambda service, account: server.client(service, access_key=account, secret="x")


def policy(resource, action, condition, effect="Allow", principal=B):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": effect, "Principal": {"AWS": principal}, "Action": action, "Resource": resource,
        "Condition": condition}]})


def test_a_queue_policy_admits_by_address_and_time(clients):
    sqs_a, sqs_b = clients("sqs", A), clients("sqs", B)
    url = sqs_a.create_queue(QueueName="by-address")["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{A}:by-address"

    def allow(condition):
        sqs_a.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(arn, "sqs:SendMessage", condition)})

    def sends():
        try:
            sqs_b.send_message(QueueUrl=url, MessageBody="from b")
            return True
        except ClientError as e:
            assert e.response["Error"]["Code"] == "AccessDenied", e.response
            return False

    allow({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "127.0.0.0/8"]}})
    assert sends()
    allow({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    assert not sends()
    allow({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    assert sends()
    allow({"IpAddress": {"aws:SourceIp": "127.0.0.1"}})
    assert sends()
    allow({"DateLessThan": {"aws:CurrentTime": "2100-01-01T00:00:00Z"}})
    assert sends()
    allow({"DateLessThan": {"aws:CurrentTime": "2020-01-01"}})
    assert not sends()
    allow({"DateGreaterThan": {"aws:EpochTime": "1577836800"}})
    assert sends()
    allow({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})
    assert not sends()


def test_a_topic_policy_admits_by_region_and_address(clients):
    sns_a, sns_b = clients("sns", A), clients("sns", B)
    topic = sns_a.create_topic(Name="by-region")["TopicArn"]
    sns_a.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=policy(
        topic, "SNS:Publish", {"StringEquals": {"aws:RequestedRegion": "us-east-1"},
                               "IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    assert sns_b.publish(TopicArn=topic, Message="hello")["MessageId"]
    sns_a.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=policy(
        topic, "SNS:Publish", {"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    with pytest.raises(ClientError) as e:
        sns_b.publish(TopicArn=topic, Message="hello")
    assert error_code(e) == "AuthorizationError"


def test_a_trust_policy_admits_by_address(clients):
    iam, sts_b = clients("iam", A), clients("sts", B)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"}, "Action": "sts:AssumeRole",
        "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}]}
    iam.create_role(RoleName="from-here", AssumeRolePolicyDocument=json.dumps(trust))
    role = f"arn:aws:iam::{A}:role/from-here"
    assert sts_b.assume_role(RoleArn=role, RoleSessionName="here")["AssumedRoleUser"]["Arn"].endswith("/from-here/here")
    trust["Statement"][0]["Condition"] = {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}
    iam.update_assume_role_policy(RoleName="from-here", PolicyDocument=json.dumps(trust))
    with pytest.raises(ClientError) as e:
        sts_b.assume_role(RoleArn=role, RoleSessionName="here")
    assert error_code(e) == "AccessDenied"


def test_the_simulator_reads_addresses_and_dates_from_context_entries(clients):
    iam = clients("iam", A)
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                      "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}]})

    def decision(ip, when):
        result = iam.simulate_custom_policy(PolicyInputList=[document], ActionNames=["s3:GetObject"], ContextEntries=[
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip], "ContextKeyType": "ip"},
            {"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": [when], "ContextKeyType": "date"}])
        return result["EvaluationResults"][0]["EvalDecision"]

    assert decision("203.0.113.9", "2026-11-28T12:00:00Z") == "allowed"
    assert decision("198.51.100.9", "2026-11-28T12:00:00Z") == "implicitDeny"
    assert decision("203.0.113.9", "2031-01-01T00:00:00Z") == "implicitDeny"
