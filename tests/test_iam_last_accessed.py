"""What IAM knows of use: an access key's and a role's last use, service last accessed reports on a
user, group, role or managed policy (service and action level, and the entities behind them), and
the policies through which an identity may use a service."""
import json
import shutil
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import Server

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"}]})


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


@pytest.fixture
def iam(server):
    server.reset()
    return server.client("iam")


def key_of(iam, user):
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def report(iam, arn, granularity="SERVICE_LEVEL"):
    job = iam.generate_service_last_accessed_details(Arn=arn, Granularity=granularity)["JobId"]
    assert len(job) == 36
    for _ in range(50):
        details = iam.get_service_last_accessed_details(JobId=job)
        if details["JobStatus"] != "IN_PROGRESS":
            return job, details
        time.sleep(0.1)
    raise AssertionError("the report did not complete")


def recent(when):
    return abs(datetime.now(timezone.utc) - when) < timedelta(minutes=1)


def test_an_access_key_reports_its_last_use(server, iam):
    iam.create_user(UserName="alice")
    key_id, secret = key_of(iam, "alice")
    unused = iam.get_access_key_last_used(AccessKeyId=key_id)
    assert unused["UserName"] == "alice"
    assert unused["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

    server.client("sqs", access_key=key_id, secret=secret, region="eu-west-1").list_queues()
    used = iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]
    assert used["ServiceName"] == "sqs" and used["Region"] == "eu-west-1" and recent(used["LastUsedDate"])

    server.client("sns", access_key=key_id, secret=secret).list_topics()
    assert iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]["ServiceName"] == "sns"


def test_a_role_reports_when_its_sessions_last_called(server, iam):
    iam.create_role(RoleName="worker", AssumeRolePolicyDocument=TRUST)
    credentials = server.client("sts").assume_role(
        RoleArn="arn:aws:iam::000000000000:role/worker", RoleSessionName="job")["Credentials"]
    session = boto3.client(
        "sqs", endpoint_url=server.endpoint, region_name="ap-southeast-2",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"])
    session.list_queues()
    last = iam.get_role(RoleName="worker")["Role"]["RoleLastUsed"]
    assert last["Region"] == "ap-southeast-2" and recent(last["LastUsedDate"])

    job, details = report(iam, "arn:aws:iam::000000000000:role/worker")
    assert details["ServicesLastAccessed"] == []  # the role has no permissions policy
    iam.put_role_policy(RoleName="worker", PolicyName="queues", PolicyDocument=document(allow("sqs:*")))
    _, details = report(iam, "arn:aws:iam::000000000000:role/worker")
    [sqs] = details["ServicesLastAccessed"]
    assert sqs["ServiceNamespace"] == "sqs" and sqs["ServiceName"] == "Amazon Simple Queue Service"
    assert sqs["LastAuthenticatedEntity"] == "arn:aws:iam::000000000000:role/worker"
    assert sqs["LastAuthenticatedRegion"] == "ap-southeast-2" and sqs["TotalAuthenticatedEntities"] == 1


def test_a_user_report_lists_the_services_its_policies_grant(server, iam):
    iam.create_user(UserName="bob")
    iam.put_user_policy(UserName="bob", PolicyName="work", PolicyDocument=document(
        allow(["sqs:SendMessage", "sqs:ListQueues"]), allow("s3:GetObject", "arn:aws:s3:::b/*")))
    key_id, secret = key_of(iam, "bob")
    server.client("sqs", access_key=key_id, secret=secret).list_queues()

    job, details = report(iam, "arn:aws:iam::000000000000:user/bob", "ACTION_LEVEL")
    assert details["JobStatus"] == "COMPLETED" and details["JobType"] == "ACTION_LEVEL"
    assert recent(details["JobCreationDate"]) and details["JobCompletionDate"] >= details["JobCreationDate"]
    s3, sqs = details["ServicesLastAccessed"]  # by namespace
    assert s3 == {"ServiceName": "Amazon Simple Storage Service", "ServiceNamespace": "s3",
                  "TotalAuthenticatedEntities": 0, "TrackedActionsLastAccessed": []}
    assert sqs["LastAuthenticatedEntity"] == "arn:aws:iam::000000000000:user/bob"
    assert sqs["TotalAuthenticatedEntities"] == 1 and sqs["LastAuthenticatedRegion"] == "us-east-1"
    [action] = sqs["TrackedActionsLastAccessed"]
    assert action["ActionName"] == "ListQueues" and action["LastAccessedEntity"].endswith(":user/bob")

    entities = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="sqs")
    [entity] = entities["EntityDetailsList"]
    assert entity["EntityInfo"]["Type"] == "USER" and entity["EntityInfo"]["Name"] == "bob"
    assert entity["EntityInfo"]["Id"].startswith("AIDA") and recent(entity["LastAuthenticated"])

    # A service-level report has no actions; pages follow MaxItems.
    job, _ = report(iam, "arn:aws:iam::000000000000:user/bob")
    first = iam.get_service_last_accessed_details(JobId=job, MaxItems=1)
    assert first["IsTruncated"] and "TrackedActionsLastAccessed" not in first["ServicesLastAccessed"][0]
    rest = iam.get_service_last_accessed_details(JobId=job, Marker=first["Marker"])
    assert [s["ServiceNamespace"] for s in rest["ServicesLastAccessed"]] == ["sqs"]


def test_group_and_policy_reports_cover_their_members(server, iam):
    policy_arn = iam.create_policy(PolicyName="topics", PolicyDocument=document(allow("sns:*")))["Policy"]["Arn"]
    iam.create_group(GroupName="team")
    iam.attach_group_policy(GroupName="team", PolicyArn=policy_arn)
    for name in ("carol", "dan"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="team", UserName=name)
    key_id, secret = key_of(iam, "carol")
    server.client("sns", access_key=key_id, secret=secret).list_topics()

    for arn in ("arn:aws:iam::000000000000:group/team", policy_arn):
        job, details = report(iam, arn)
        [sns] = details["ServicesLastAccessed"]
        assert sns["LastAuthenticatedEntity"].endswith(":user/carol") and sns["TotalAuthenticatedEntities"] == 1
        entities = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="sns")
        assert [e["EntityInfo"]["Name"] for e in entities["EntityDetailsList"]] == ["carol", "dan"]
        assert "LastAuthenticated" not in entities["EntityDetailsList"][1]


def test_reports_belong_to_who_generated_them(server, iam):
    iam.create_user(UserName="erin")
    job, _ = report(iam, "arn:aws:iam::000000000000:user/erin")
    key_id, secret = key_of(iam, "erin")
    erin = server.client("iam", access_key=key_id, secret=secret)
    with pytest.raises(ClientError) as e:
        erin.get_service_last_accessed_details(JobId=job)
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        iam.get_service_last_accessed_details(JobId="00000000-0000-0000-0000-000000000000")
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        iam.generate_service_last_accessed_details(Arn="arn:aws:iam::000000000000:user/nobody")
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        iam.generate_service_last_accessed_details(Arn="arn:aws:iam::000000000000:instance-profile/p")
    assert e.value.response["Error"]["Code"] == "InvalidInput"


def test_policies_granting_service_access(iam):
    iam.create_user(UserName="frank")
    managed = iam.create_policy(PolicyName="sqs-all", PolicyDocument=document(allow("sqs:*")))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="frank", PolicyArn=managed)
    iam.put_user_policy(UserName="frank", PolicyName="own", PolicyDocument=document(allow("s*:List*")))
    iam.create_group(GroupName="ops")
    iam.add_user_to_group(GroupName="ops", UserName="frank")
    iam.put_group_policy(GroupName="ops", PolicyName="everything-but-iam", PolicyDocument=document(
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))

    answer = iam.list_policies_granting_service_access(
        Arn="arn:aws:iam::000000000000:user/frank", ServiceNamespaces=["sqs", "iam", "lambda"])
    assert answer["IsTruncated"] is False
    by_service = {e["ServiceNamespace"]: e["Policies"] for e in answer["PoliciesGrantingServiceAccess"]}
    assert list(by_service) == ["sqs", "iam", "lambda"]
    assert by_service["sqs"] == [
        {"PolicyName": "sqs-all", "PolicyType": "MANAGED", "PolicyArn": managed},
        {"PolicyName": "own", "PolicyType": "INLINE", "EntityType": "USER", "EntityName": "frank"},
        {"PolicyName": "everything-but-iam", "PolicyType": "INLINE", "EntityType": "GROUP", "EntityName": "ops"},
    ]
    assert by_service["iam"] == []
    assert [p["PolicyName"] for p in by_service["lambda"]] == ["everything-but-iam"]

    # A group answers only for its own policies.
    answer = iam.list_policies_granting_service_access(
        Arn="arn:aws:iam::000000000000:group/ops", ServiceNamespaces=["sqs"])
    assert [p["PolicyName"] for p in answer["PoliciesGrantingServiceAccess"][0]["Policies"]] == ["everything-but-iam"]
    with pytest.raises(ClientError) as e:
        iam.list_policies_granting_service_access(
            Arn="arn:aws:iam::000000000000:role/none", ServiceNamespaces=["sqs"])
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"


def test_uses_and_reports_survive_a_kill_9():
    server = Server().start()
    try:
        iam = server.client("iam")
        iam.create_user(UserName="gina")
        key_id, secret = key_of(iam, "gina")
        server.client("sqs", access_key=key_id, secret=secret, region="eu-central-1").list_queues()
        job, _ = report(iam, "arn:aws:iam::000000000000:user/gina")
        server.kill9()
        server.start()
        iam = server.client("iam")
        assert iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]["Region"] == "eu-central-1"
        assert iam.get_service_last_accessed_details(JobId=job)["JobStatus"] == "COMPLETED"
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
