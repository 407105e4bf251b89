"""STS and IAM as clients meet them first: who am I, roles and their policies, access keys that sign
requests, and temporary credentials that act in another account, in the default and strict modes."""
import json
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Server, error_code

A = "111111111111"
B = "222222222222"


def trust(*principals):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "sts:AssumeRole"}]})


def session_client(server, service, credentials):
    return boto3.client(
        service, endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials.get("SessionToken"), config=Config(retries={"max_attempts": 0}))


@pytest.fixture(scope="module", params=["default", "strict"])
def mode(request):
    if request.param == "strict":
        server = Server("--auth", "strict", "--credentials", f"AKIDA:secretA:{A},AKIDB:secretB:{B}").start()
        keys = {A: ("AKIDA", "secretA"), B: ("AKIDB", "secretB")}
    else:
        server = Server().start()
        keys = {A: (A, "x"), B: (B, "x")}

    def client(service, account):
        key, secret = keys[account]
        return server.client(service, access_key=key, secret=secret)

    yield request.param, server, client
    server.stop()


def test_get_caller_identity_of_the_account_root(mode):
    _, _, client = mode
    identity = client("sts", A).get_caller_identity()
    assert identity["Account"] == A
    assert identity["Arn"] == f"arn:aws:iam::{A}:root"
    assert identity["UserId"] == A


def test_assume_role_into_another_account_then_use_its_queue(mode):
    _, server, client = mode
    iam_b, sqs_b = client("iam", B), client("sqs", B)
    role = iam_b.create_role(RoleName="cross-reader", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{A}:root"))["Role"]
    assert role["Arn"] == f"arn:aws:iam::{B}:role/cross-reader"
    assert role["RoleId"].startswith("AROA") and len(role["RoleId"]) == 21
    url = sqs_b.create_queue(QueueName="b-queue")["QueueUrl"]
    sqs_b.send_message(QueueUrl=url, MessageBody="for whoever assumes the role")

    assumed = client("sts", A).assume_role(RoleArn=role["Arn"], RoleSessionName="visit", DurationSeconds=900)
    credentials = assumed["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{B}:assumed-role/cross-reader/visit"
    assert assumed["AssumedRoleUser"]["AssumedRoleId"] == role["RoleId"] + ":visit"

    me = session_client(server, "sts", credentials).get_caller_identity()
    assert me["Account"] == B and me["Arn"] == f"arn:aws:sts::{B}:assumed-role/cross-reader/visit"
    assert me["UserId"] == role["RoleId"] + ":visit"
    sqs_as_b = session_client(server, "sqs", credentials)
    assert sqs_as_b.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "for whoever assumes the role"
    assert any(u.endswith("/b-queue") for u in sqs_as_b.list_queues()["QueueUrls"])


def test_assume_role_needs_the_trust_policy(mode):
    _, _, client = mode
    role = client("iam", B).create_role(
        RoleName="trusts-nobody-from-a", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{B}:root"))["Role"]
    with pytest.raises(ClientError) as e:
        client("sts", A).assume_role(RoleArn=role["Arn"], RoleSessionName="nope")
    assert error_code(e) == "AccessDenied"
    assert e.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{A}:root is not authorized to perform: sts:AssumeRole on resource: {role['Arn']}")
    with pytest.raises(ClientError) as e:
        client("sts", A).assume_role(RoleArn=f"arn:aws:iam::{B}:role/missing", RoleSessionName="nope")
    assert error_code(e) == "AccessDenied"


def test_created_access_key_signs_requests_as_its_user(mode):
    name, server, client = mode
    iam = client("iam", A)
    user = iam.create_user(UserName="builder")["User"]
    assert user["Arn"] == f"arn:aws:iam::{A}:user/builder" and user["UserId"].startswith("AIDA")
    key = iam.create_access_key(UserName="builder")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20 and key["Status"] == "Active"
    identity = session_client(server, "sts", key).get_caller_identity()
    assert identity == {**identity, "Account": A, "Arn": user["Arn"], "UserId": user["UserId"]}
    assert client("sts", B).get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == A
    iam.create_access_key(UserName="builder")
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName="builder")
    assert error_code(e) == "LimitExceeded"
    if name == "strict":
        wrong = dict(key, SecretAccessKey="x" * 40)
        with pytest.raises(ClientError) as e:
            session_client(server, "sts", wrong).get_caller_identity()
        assert error_code(e) == "SignatureDoesNotMatch"
        iam.update_access_key(UserName="builder", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        with pytest.raises(ClientError) as e:
            session_client(server, "sts", key).get_caller_identity()
        assert error_code(e) == "InvalidClientTokenId"


def test_strict_mode_checks_session_tokens():
    server = Server("--auth", "strict", "--credentials", f"AKIDA:secretA:{A}").start()
    try:
        sts = server.client("sts", access_key="AKIDA", secret="secretA")
        credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
        assert session_client(server, "sts", credentials).get_caller_identity()["Account"] == A
        forged = dict(credentials, SessionToken="not-the-token")
        with pytest.raises(ClientError) as e:
            session_client(server, "sts", forged).get_caller_identity()
        assert error_code(e) == "InvalidClientTokenId"
        with pytest.raises(ClientError) as e:
            session_client(server, "sts", credentials).get_session_token()
        assert error_code(e) == "AccessDenied"
    finally:
        server.stop()


def test_federation_token(mode):
    _, server, client = mode
    token = client("sts", A).get_federation_token(Name="guest", DurationSeconds=900)
    assert token["FederatedUser"] == {"FederatedUserId": f"{A}:guest",
                                      "Arn": f"arn:aws:sts::{A}:federated-user/guest"}
    me = session_client(server, "sts", token["Credentials"]).get_caller_identity()
    assert me["Arn"] == f"arn:aws:sts::{A}:federated-user/guest" and me["UserId"] == f"{A}:guest"


def test_roles_policies_and_their_documents(mode):
    _, _, client = mode
    iam = client("iam", A)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
    iam.create_role(RoleName="worker", Path="/app/", AssumeRolePolicyDocument=trust(A), Description="d",
                    Tags=[{"Key": "team", "Value": "q"}])
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="WORKER", AssumeRolePolicyDocument=trust(A))
    assert error_code(e) == "EntityAlreadyExists"
    iam.put_role_policy(RoleName="worker", PolicyName="queues", PolicyDocument=json.dumps(document))
    assert iam.get_role_policy(RoleName="worker", PolicyName="queues")["PolicyDocument"] == document
    assert iam.list_role_policies(RoleName="worker")["PolicyNames"] == ["queues"]
    policy = iam.create_policy(PolicyName="managed", PolicyDocument=json.dumps(document))["Policy"]
    assert policy["Arn"] == f"arn:aws:iam::{A}:policy/managed" and policy["DefaultVersionId"] == "v1"
    iam.attach_role_policy(RoleName="worker", PolicyArn=policy["Arn"])
    iam.attach_role_policy(RoleName="worker", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    attached = iam.list_attached_role_policies(RoleName="worker")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["managed", "AWSLambdaBasicExecutionRole"]
    assert iam.get_policy(PolicyArn=policy["Arn"])["Policy"]["AttachmentCount"] == 1
    iam.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=json.dumps(document), SetAsDefault=True)
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId="v2")["PolicyVersion"]
    assert version["Document"] == document and version["IsDefaultVersion"]
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName="worker")
    assert error_code(e) == "DeleteConflict"
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=policy["Arn"])
    assert error_code(e) == "DeleteConflict"
    role = iam.get_role(RoleName="worker")["Role"]
    assert role["Path"] == "/app/" and role["Tags"] == [{"Key": "team", "Value": "q"}]
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName="nobody")
    assert error_code(e) == "NoSuchEntity"
    assert e.value.response["Error"]["Message"] == "The role with name nobody cannot be found."
    with pytest.raises(ClientError) as e:
        iam.put_role_policy(RoleName="worker", PolicyName="bad", PolicyDocument="not json")
    assert error_code(e) == "MalformedPolicyDocument"
    with pytest.raises(ClientError) as e:
        iam.attach_role_policy(RoleName="worker", PolicyArn=f"arn:aws:iam::{A}:policy/missing")
    assert error_code(e) == "NoSuchEntity"


def test_instance_profiles_and_authorization_details(mode):
    _, _, client = mode
    iam = client("iam", A)
    iam.create_role(RoleName="ec2-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    profile = iam.create_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert profile["InstanceProfileId"].startswith("AIPA")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="ec2-role")
    with pytest.raises(ClientError) as e:
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="ec2-role")
    assert error_code(e) == "LimitExceeded"
    assert [r["RoleName"] for r in iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]["Roles"]] == [
        "ec2-role"]
    details = iam.get_account_authorization_details(Filter=["Role"])
    role = next(r for r in details["RoleDetailList"] if r["RoleName"] == "ec2-role")
    assert role["InstanceProfileList"][0]["InstanceProfileName"] == "web"
    linked = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert linked["RoleName"] == "AWSServiceRoleForAutoScaling"
    assert linked["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"


def test_pagination_with_markers(mode):
    _, _, client = mode
    iam = client("iam", B)
    for i in range(5):
        iam.create_user(UserName=f"paged-{i}", Path="/paged/")
    first = iam.list_users(PathPrefix="/paged/", MaxItems=2)
    assert first["IsTruncated"] and len(first["Users"]) == 2
    rest = iam.list_users(PathPrefix="/paged/", Marker=first["Marker"])
    assert not rest["IsTruncated"]
    assert [u["UserName"] for u in first["Users"] + rest["Users"]] == [f"paged-{i}" for i in range(5)]


def test_aws_cli_identity_commands(server):
    server.reset()
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "PATH": __import__("os").environ["PATH"]}

    def aws(*args):
        out = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", *args], env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else None

    assert aws("sts", "get-caller-identity")["Arn"] == "arn:aws:iam::000000000000:root"
    aws("iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", trust("000000000000"))
    aws("iam", "put-role-policy", "--role-name", "cli-role", "--policy-name", "p", "--policy-document",
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    aws("iam", "create-user", "--user-name", "cli-user")
    key = aws("iam", "create-access-key", "--user-name", "cli-user")["AccessKey"]
    env.update(AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])
    assert aws("sts", "get-caller-identity")["Arn"] == "arn:aws:iam::000000000000:user/cli-user"
    assumed = aws("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/cli-role",
                  "--role-session-name", "cli")
    assert assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/cli-role/cli"
