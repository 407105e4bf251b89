"""IAM answers as AWS recorded them: service-linked roles with the policy their service attaches,
ARNs that cannot be parsed, strict JSON in policy documents, GetUser from a role session, and
service-specific credentials."""
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import error_code

TRUST_EC2 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture
def iam(server):
    server.reset()
    return server.client("iam")


def test_service_linked_role_carries_its_services_policy(iam):
    role = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForECS"
    attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    assert attached == [{
        "PolicyName": "AmazonECSServiceRolePolicy",
        "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"}]
    assert iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"] == []
    suffixed = iam.create_service_linked_role(AWSServiceName="lexv2.amazonaws.com", CustomSuffix="bot1")["Role"]
    assert suffixed["RoleName"] == "AWSServiceRoleForLexV2Bots_bot1"
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(
        RoleName=suffixed["RoleName"])["AttachedPolicies"]] == ["AmazonLexV2BotPolicy"]


def test_service_linked_role_is_changed_only_through_its_service(iam):
    name = iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]["RoleName"]
    arn = "arn:aws:iam::aws:policy/aws-service-role/BatchServiceRolePolicy"
    message = (f"Cannot perform the operation on the protected role '{name}' - "
               "this role is only modifiable by AWS")
    for call in (lambda: iam.delete_role(RoleName=name),
                 lambda: iam.detach_role_policy(RoleName=name, PolicyArn=arn),
                 lambda: iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(
                     {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "UnmodifiableEntity"
        assert e.value.response["Error"]["Message"] == message
    task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName=name)
    assert error_code(e) == "NoSuchEntity"


def test_attaching_what_is_not_an_arn_is_a_validation_error(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2)
    iam.create_user(UserName="u")
    policy = iam.create_policy(PolicyName="a-policy-with-a-long-name", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))["Policy"]
    for attach in (lambda arn: iam.attach_role_policy(RoleName="r", PolicyArn=arn),
                   lambda arn: iam.attach_user_policy(UserName="u", PolicyArn=arn)):
        for not_an_arn in ("longpolicynamebutnoarn", "a-policy-with-a-long-name"):
            with pytest.raises(ClientError) as e:
                attach(not_an_arn)
            assert error_code(e) == "ValidationError"
            assert e.value.response["Error"]["Message"] == "Invalid ARN:  Could not be parsed!"
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        with pytest.raises(ClientError) as e:
            attach(policy["Arn"] + "123")
        assert error_code(e) == "NoSuchEntity"
        assert e.value.response["Error"]["Message"] == (
            f"Policy {policy['Arn']}123 does not exist or is not attachable.")
        attach(policy["Arn"])


def test_policy_documents_are_strict_json(iam):
    trailing_comma = """{"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Principal": "*", "Effect": "Allow",}]}"""
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="bad-json", AssumeRolePolicyDocument=trailing_comma)
    assert error_code(e) == "MalformedPolicyDocument"
    assert e.value.response["Error"]["Message"] == "This policy contains invalid Json"
    iam.create_role(RoleName="good-json", AssumeRolePolicyDocument=TRUST_EC2)
    with pytest.raises(ClientError) as e:
        iam.put_role_policy(RoleName="good-json", PolicyName="p", PolicyDocument=(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},]}'))
    assert error_code(e) == "MalformedPolicyDocument"


def test_get_user_without_a_name_from_a_role_session(server, iam):
    root = server.client("sts").get_caller_identity()["Arn"]
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole"}]}))
    credentials = server.client("sts").assume_role(
        RoleArn="arn:aws:iam::000000000000:role/reader", RoleSessionName="session")["Credentials"]
    as_role = boto3.client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], config=Config(retries={"max_attempts": 0}))
    with pytest.raises(ClientError) as e:
        as_role.get_user()
    assert error_code(e) == "ValidationError"
    assert e.value.response["Error"]["Message"] == "Must specify userName when calling with non-User credentials"
    assert iam.get_user()["User"]["Arn"] == "arn:aws:iam::000000000000:root"
