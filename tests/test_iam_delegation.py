"""IAM temporary delegation, end to end through boto3: a partner account registers a policy template
and asks a customer account for access; the customer associates, forwards, accepts and sends the
exchange token; the partner hears every change on its SNS topic and trades the token with STS
GetDelegatedAccessToken for credentials acting as the identity that accepted."""
import json
import os
import shutil
import subprocess
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import Server

PARTNER = "111111111111"
CUSTOMER = "222222222222"
STRANGER = "333333333333"

TEMPLATE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
         "Resource": "arn:aws:sqs:us-east-1:@{account}:@{queues}"},
        {"@Enabled": "allowLogs", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"},
        {"@Enabled": "!allowLogs", "Effect": "Deny", "Action": "logs:*", "Resource": "*"},
    ],
}


def register(server, name, document, boundaries=()):
    body = json.dumps({"TemplateName": name, "PolicyDocument": document,
                       "PermissionsBoundaryArns": list(boundaries)}).encode()
    request = urllib.request.Request(server.endpoint + "/_switchyard/iam/delegation-templates", data=body,
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["TemplateArn"]


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def world(server):
    """The partner's topic (read through a queue), its template, and two identities of the customer."""
    server.reset()
    sns, sqs = server.client("sns", access_key=PARTNER), server.client("sqs", access_key=PARTNER)
    topic = sns.create_topic(Name="delegation-updates")["TopicArn"]
    url = sqs.create_queue(QueueName="delegation-updates")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    template = register(server, "queue_access", TEMPLATE, ["arn:aws:iam::111111111111:policy/boundary"])
    iam_c = server.client("iam", access_key=CUSTOMER)
    identities = {}
    for name in ("alice", "admin"):
        iam_c.create_user(UserName=name)
        key = iam_c.create_access_key(UserName=name)["AccessKey"]
        identities[name] = (key["AccessKeyId"], key["SecretAccessKey"])

    def as_user(name, service="iam"):
        key, secret = identities[name]
        return server.client(service, access_key=key, secret=secret)

    def notifications(count):
        seen, deadline = [], time.time() + 10
        while len(seen) < count and time.time() < deadline:
            for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                               WaitTimeSeconds=1).get("Messages", []):
                seen.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return seen

    return {"topic": topic, "template": template, "as_user": as_user, "notifications": notifications,
            "partner": server.client("iam", access_key=PARTNER), "customer": iam_c}


def create(world, workflow="wf-0001", **extra):
    params = {"OwnerAccountId": CUSTOMER, "Description": "Deploy the queue pipeline",
              "RequestMessage": "For ticket 42", "RequestorWorkflowId": workflow,
              "NotificationChannel": world["topic"], "SessionDuration": 3600,
              "RedirectUrl": "https://partner.example.com/return",
              "Permissions": {"PolicyTemplateArn": world["template"], "Parameters": [
                  {"Name": "account", "Values": [CUSTOMER], "Type": "string"},
                  {"Name": "queues", "Values": ["orders", "refunds"], "Type": "stringList"},
                  {"Name": "allowLogs", "Values": ["False"], "Type": "string"}]}}
    params.update(extra)
    return world["partner"].create_delegation_request(**params)


def test_a_request_goes_from_partner_to_customer_and_back_as_credentials(server, world):
    created = create(world)
    request_id = created["DelegationRequestId"]
    assert created["ConsoleDeepLink"].endswith("/iam/account-access-requests/review/" + request_id)

    # The partner sees its request unassigned, its template filled, alive for one day.
    request = world["partner"].get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    assert request["State"] == "UNASSIGNED" and request["RequestorId"] == PARTNER
    assert request["OwnerAccountId"] == CUSTOMER and "OwnerId" not in request
    lifetime = request["ExpirationTime"] - request["CreateDate"]
    assert abs(lifetime - timedelta(days=1)) < timedelta(seconds=2)
    policy = json.loads(request["PermissionPolicy"])
    assert policy["Statement"] == [
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
         "Resource": [f"arn:aws:sqs:us-east-1:{CUSTOMER}:orders", f"arn:aws:sqs:us-east-1:{CUSTOMER}:refunds"]},
        {"Effect": "Deny", "Action": "logs:*", "Resource": "*"}]
    assert request["RolePermissionRestrictionArns"] == ["arn:aws:iam::111111111111:policy/boundary"]
    assert request["Permissions"]["Parameters"][1] == {
        "Name": "queues", "Values": ["orders", "refunds"], "Type": "stringList"}

    # Alice claims it and forwards it; the admin accepts; Alice sends the token.
    alice, admin = world["as_user"]("alice"), world["as_user"]("admin")
    alice.associate_delegation_request(DelegationRequestId=request_id)
    alice.update_delegation_request(DelegationRequestId=request_id, Notes="Please approve")
    admin.accept_delegation_request(DelegationRequestId=request_id)
    alice.send_delegation_token(DelegationRequestId=request_id)
    request = alice.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    assert request["State"] == "FINALIZED" and request["Notes"] == "Please approve"
    assert request["OwnerId"] == f"arn:aws:iam::{CUSTOMER}:user/alice"
    assert request["ApproverId"] == f"arn:aws:iam::{CUSTOMER}:user/admin"

    # The partner heard each change, then got the token.
    # (SNS delivers to the queue without ordering; the messages' UpdatedAt orders them.)
    messages = sorted(world["notifications"](5), key=lambda m: (m["UpdatedAt"], m["Type"] == "ExchangeToken"))
    assert [(m["Type"], m["State"]) for m in messages] == [
        ("StateChange", "ASSIGNED"), ("StateChange", "PENDING_APPROVAL"), ("StateChange", "ACCEPTED"),
        ("StateChange", "FINALIZED"), ("ExchangeToken", "FINALIZED")]
    assert all(m["RequestId"] == request_id and m["RequestorWorkflowId"] == "wf-0001" and
               m["OwnerAccountId"] == CUSTOMER for m in messages)
    token = messages[-1]["ExchangeToken"]
    expires = datetime.fromisoformat(messages[-1]["ExpiresAt"].replace("Z", "+00:00"))
    assert abs(expires - datetime.now(timezone.utc) - timedelta(hours=1)) < timedelta(seconds=30)

    # The token yields credentials acting as the admin, until the token's end, as often as asked.
    sts = server.client("sts", access_key=PARTNER)
    for _ in range(2):
        answer = sts.get_delegated_access_token(TradeInToken=token)
        assert answer["AssumedPrincipal"] == f"arn:aws:iam::{CUSTOMER}:user/admin"
        credentials = answer["Credentials"]
        assert credentials["AccessKeyId"].startswith("ASIA")
        assert abs(credentials["Expiration"] - expires) < timedelta(seconds=1)
    delegated = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                             aws_access_key_id=credentials["AccessKeyId"],
                             aws_secret_access_key=credentials["SecretAccessKey"],
                             aws_session_token=credentials["SessionToken"])
    identity = delegated.get_caller_identity()
    assert identity["Account"] == CUSTOMER and identity["Arn"] == f"arn:aws:iam::{CUSTOMER}:user/admin"

    # Only the partner that asked may trade the token.
    with pytest.raises(ClientError) as e:
        server.client("sts", access_key=STRANGER).get_delegated_access_token(TradeInToken=token)
    assert code(e) == "ExpiredTradeInTokenException"


def test_who_may_see_and_answer_a_request(server, world):
    request_id = create(world)["DelegationRequestId"]
    stranger = server.client("iam", access_key=STRANGER)
    # Meant for the customer's account: other accounts neither see nor claim it.
    for call in (stranger.get_delegation_request, stranger.associate_delegation_request):
        with pytest.raises(ClientError) as e:
            call(DelegationRequestId=request_id)
        assert code(e) == "NoSuchEntity"
    # Unowned requests are listed for no one.
    assert world["customer"].list_delegation_requests()["DelegationRequests"] == []

    alice = world["as_user"]("alice")
    # Nothing but association may happen first.
    with pytest.raises(ClientError) as e:
        alice.accept_delegation_request(DelegationRequestId=request_id)
    assert code(e) == "InvalidInput" and "UNASSIGNED" in e.value.response["Error"]["Message"]
    alice.associate_delegation_request(DelegationRequestId=request_id)
    with pytest.raises(ClientError) as e:
        world["as_user"]("admin").associate_delegation_request(DelegationRequestId=request_id)
    assert code(e) == "InvalidInput"

    # The partner sees its request but may not answer it for the customer.
    assert world["partner"].get_delegation_request(
        DelegationRequestId=request_id)["DelegationRequest"]["State"] == "ASSIGNED"
    with pytest.raises(ClientError) as e:
        world["partner"].accept_delegation_request(DelegationRequestId=request_id)
    assert code(e) == "AccessDenied"

    # A token is sent only for an accepted request.
    with pytest.raises(ClientError) as e:
        alice.send_delegation_token(DelegationRequestId=request_id)
    assert code(e) == "InvalidInput"

    listed = world["customer"].list_delegation_requests()
    assert [r["DelegationRequestId"] for r in listed["DelegationRequests"]] == [request_id]
    assert listed["isTruncated"] is False
    assert world["customer"].list_delegation_requests(
        OwnerId=f"arn:aws:iam::{CUSTOMER}:user/admin")["DelegationRequests"] == []


def test_rejection_and_only_the_owner_sending(server, world):
    rejected = create(world, "wf-rejected")["DelegationRequestId"]
    alice, admin = world["as_user"]("alice"), world["as_user"]("admin")
    alice.associate_delegation_request(DelegationRequestId=rejected)
    admin.accept_delegation_request(DelegationRequestId=rejected)
    # An accepted request may still be rejected until its token is sent; then nothing more.
    admin.reject_delegation_request(DelegationRequestId=rejected, Notes="Too broad")
    request = alice.get_delegation_request(DelegationRequestId=rejected)["DelegationRequest"]
    assert request["State"] == "REJECTED" and request["RejectionReason"] == "Too broad"
    assert abs(request["ExpirationTime"] - request["UpdatedTime"] - timedelta(days=7)) < timedelta(seconds=2)
    for call in (admin.accept_delegation_request, alice.update_delegation_request):
        with pytest.raises(ClientError) as e:
            call(DelegationRequestId=rejected)
        assert code(e) == "InvalidInput"
    states = [(m["Type"], m["State"]) for m in sorted(world["notifications"](3), key=lambda m: m["UpdatedAt"])]
    assert states == [("StateChange", "ASSIGNED"), ("StateChange", "ACCEPTED"), ("StateChange", "REJECTED")]

    owned = create(world, "wf-owner-only", OnlySendByOwner=True)["DelegationRequestId"]
    alice.associate_delegation_request(DelegationRequestId=owned)
    admin.accept_delegation_request(DelegationRequestId=owned)
    with pytest.raises(ClientError) as e:
        admin.send_delegation_token(DelegationRequestId=owned)
    assert code(e) == "AccessDenied"
    alice.send_delegation_token(DelegationRequestId=owned)


def test_requests_without_an_owner_account_and_the_root_limit(server, world):
    params = {"Description": "Open request", "RequestorWorkflowId": "wf-anyone",
              "NotificationChannel": world["topic"], "SessionDuration": 43200,
              "Permissions": {"PolicyTemplateArn": world["template"], "Parameters": [
                  {"Name": "account", "Values": [STRANGER], "Type": "string"},
                  {"Name": "queues", "Values": ["jobs"], "Type": "stringList"},
                  {"Name": "allowLogs", "Values": ["True"], "Type": "string"}]}}
    open_id = world["partner"].create_delegation_request(**params)["DelegationRequestId"]
    stranger = server.client("iam", access_key=STRANGER)
    # Any account sees and claims a request meant for no account; it becomes that account's.
    assert stranger.get_delegation_request(DelegationRequestId=open_id)["DelegationRequest"]["State"] == "UNASSIGNED"
    stranger.associate_delegation_request(DelegationRequestId=open_id)
    request = stranger.get_delegation_request(DelegationRequestId=open_id)["DelegationRequest"]
    assert request["OwnerAccountId"] == STRANGER and request["OwnerId"] == f"arn:aws:iam::{STRANGER}:root"
    policy = json.loads(request["PermissionPolicy"])
    assert [s["Effect"] for s in policy["Statement"]] == ["Allow", "Allow"]
    # The root user approves only sessions of four hours or less.
    with pytest.raises(ClientError) as e:
        stranger.accept_delegation_request(DelegationRequestId=open_id)
    assert code(e) == "InvalidInput"
    with pytest.raises(ClientError) as e:
        world["customer"].get_delegation_request(DelegationRequestId=open_id)
    assert code(e) == "NoSuchEntity"


def test_creation_is_checked(server, world):
    create(world)
    with pytest.raises(ClientError) as e:
        create(world)
    assert code(e) == "EntityAlreadyExists"
    # Another partner may use the same workflow id.
    server.client("sns", access_key=STRANGER).create_topic(Name="t")
    server.client("iam", access_key=STRANGER).create_delegation_request(
        Description="d", RequestorWorkflowId="wf-0001", NotificationChannel=f"arn:aws:sns:us-east-1:{STRANGER}:t",
        SessionDuration=900, Permissions={"PolicyTemplateArn": world["template"], "Parameters": [
            {"Name": "account", "Values": ["1"], "Type": "string"}, {"Name": "queues", "Values": ["q"],
                                                                      "Type": "stringList"},
            {"Name": "allowLogs", "Values": ["no"], "Type": "string"}]})
    cases = [
        ({"Permissions": {"PolicyTemplateArn": "arn:aws:iam:::delegation-template/unknown"}}, "not registered"),
        ({"NotificationChannel": "arn:aws:sqs:us-east-1:111111111111:q"}, "SNS topic"),
        ({"NotificationChannel": f"arn:aws:sns:us-east-1:{CUSTOMER}:theirs"}, "requesting account"),
        ({"Permissions": {"PolicyTemplateArn": world["template"], "Parameters": [
            {"Name": "account", "Values": [CUSTOMER], "Type": "string"}]}}, "needs the policy parameter"),
        ({"Permissions": {"PolicyTemplateArn": world["template"], "Parameters": [
            {"Name": "account", "Values": ["a", "b"], "Type": "string"}]}}, "exactly one value"),
    ]
    for number, (extra, words) in enumerate(cases):
        with pytest.raises(ClientError) as e:
            create(world, f"wf-bad-{number}", **extra)
        assert code(e) == "InvalidInput" and words in e.value.response["Error"]["Message"], extra


def test_human_readable_summary(server, world):
    request_id = create(world)["DelegationRequestId"]
    world["as_user"]("alice").associate_delegation_request(DelegationRequestId=request_id)
    arn = f"arn:aws:iam::{CUSTOMER}:delegation-request/{request_id}"
    summary = world["customer"].get_human_readable_summary(EntityArn=arn)
    assert summary["SummaryState"] == "AVAILABLE" and summary["Locale"] == "en"
    content = summary["SummaryContent"]
    assert PARTNER in content and "1 hour" in content and "sqs:SendMessage" in content and "refunds" in content
    assert world["customer"].get_human_readable_summary(EntityArn=arn, Locale="fr")["SummaryState"] == "NOT_SUPPORTED"
    with pytest.raises(ClientError) as e:
        world["customer"].get_human_readable_summary(EntityArn=f"arn:aws:iam::{CUSTOMER}:user/alice")
    assert code(e) == "InvalidInput"
    with pytest.raises(ClientError) as e:
        server.client("iam", access_key=STRANGER).get_human_readable_summary(EntityArn=arn)
    assert code(e) == "NoSuchEntity"


def test_requests_templates_and_tokens_survive_a_kill_9():
    server = Server().start()
    try:
        sns = server.client("sns", access_key=PARTNER)
        topic = sns.create_topic(Name="updates")["TopicArn"]
        template = register(server, "minimal", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}]})
        partner = server.client("iam", access_key=PARTNER)
        request_id = partner.create_delegation_request(
            OwnerAccountId=CUSTOMER, Description="d", RequestorWorkflowId="wf-kill", NotificationChannel=topic,
            SessionDuration=600, Permissions={"PolicyTemplateArn": template})["DelegationRequestId"]
        customer = server.client("iam", access_key=CUSTOMER)
        customer.associate_delegation_request(DelegationRequestId=request_id)
        customer.accept_delegation_request(DelegationRequestId=request_id)
        customer.send_delegation_token(DelegationRequestId=request_id)
        server.kill9()
        server.start()
        request = server.client("iam", access_key=CUSTOMER).get_delegation_request(
            DelegationRequestId=request_id)["DelegationRequest"]
        assert request["State"] == "FINALIZED" and request["ApproverId"] == f"arn:aws:iam::{CUSTOMER}:root"
        with urllib.request.urlopen(server.endpoint + "/_switchyard/iam/delegation-templates") as response:
            assert [t["TemplateArn"] for t in json.load(response)["Templates"]] == [template]
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_the_aws_cli_answers_a_request(server, world):
    request_id = create(world)["DelegationRequestId"]
    env = {"AWS_ACCESS_KEY_ID": CUSTOMER, "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
           "PATH": os.environ["PATH"]}

    def aws(*args):
        done = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", "iam", *args], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    aws("associate-delegation-request", "--delegation-request-id", request_id)
    aws("accept-delegation-request", "--delegation-request-id", request_id)
    listed = aws("list-delegation-requests")["DelegationRequests"]
    assert [(r["DelegationRequestId"], r["State"]) for r in listed] == [(request_id, "ACCEPTED")]
    assert aws("get-delegation-request", "--delegation-request-id", request_id,
               "--delegation-permission-check")["PermissionCheckStatus"] == "COMPLETE"
