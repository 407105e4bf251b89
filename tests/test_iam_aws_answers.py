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


def iam_as_role(server, role):
    """An IAM client signing with a session of the account's role."""
    credentials = server.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::000000000000:role/{role}", RoleSessionName="session")["Credentials"]
    return boto3.client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], config=Config(retries={"max_attempts": 0}))


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
            assert e.value.response["Error"]["Message"] == f"ARN {not_an_arn} is not valid."
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
    as_role = iam_as_role(server, "reader")
    with pytest.raises(ClientError) as e:
        as_role.get_user()
    assert error_code(e) == "ValidationError"
    assert e.value.response["Error"]["Message"] == "Must specify userName when calling with non-User credentials"
    assert iam.get_user()["User"]["Arn"] == "arn:aws:iam::000000000000:root"


def test_service_specific_credentials_lifecycle(iam):
    iam.create_user(UserName="git-user")
    created = iam.create_service_specific_credential(
        UserName="git-user", ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    assert created["ServiceUserName"] == "git-user-at-000000000000"
    assert created["Status"] == "Active" and created["UserName"] == "git-user"
    assert created["ServiceSpecificCredentialId"].startswith("ACCA") and len(created["ServiceSpecificCredentialId"]) == 21
    assert len(created["ServicePassword"]) == 44
    credential_id = created["ServiceSpecificCredentialId"]
    listing = iam.list_service_specific_credentials(UserName="git-user")
    assert listing["IsTruncated"] is False and "Marker" not in listing
    assert listing["ServiceSpecificCredentials"] == [{k: v for k, v in created.items() if k != "ServicePassword"}]
    iam.update_service_specific_credential(UserName="git-user", ServiceSpecificCredentialId=credential_id,
                                           Status="Inactive")
    reset = iam.reset_service_specific_credential(
        UserName="git-user", ServiceSpecificCredentialId=credential_id)["ServiceSpecificCredential"]
    assert reset["Status"] == "Inactive" and reset["ServicePassword"] != created["ServicePassword"]
    assert iam.list_service_specific_credentials(
        UserName="git-user", ServiceName="cassandra.amazonaws.com")["ServiceSpecificCredentials"] == []
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="git-user")
    assert error_code(e) == "DeleteConflict"
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must remove referenced objects first."
    iam.delete_service_specific_credential(UserName="git-user", ServiceSpecificCredentialId=credential_id)
    assert iam.list_service_specific_credentials(UserName="git-user")["ServiceSpecificCredentials"] == []
    iam.delete_user(UserName="git-user")


def test_service_specific_credential_errors(iam):
    iam.create_user(UserName="keyspaces-user")
    for service in ("nonexistentservice.amazonaws.com", "lambda.amazonaws.com"):
        with pytest.raises(ClientError) as e:
            iam.create_service_specific_credential(UserName="keyspaces-user", ServiceName=service)
        assert error_code(e) == "NoSuchEntity"
        assert e.value.response["Error"]["Message"] == (
            f"No such service {service} is supported for Service Specific Credentials")
    with pytest.raises(ClientError) as e:
        iam.create_service_specific_credential(UserName="nobody", ServiceName="nonexistentservice.amazonaws.com")
    assert e.value.response["Error"]["Message"] == "The user with name nobody cannot be found."
    credential_id = iam.create_service_specific_credential(
        UserName="keyspaces-user", ServiceName="cassandra.amazonaws.com")["ServiceSpecificCredential"][
        "ServiceSpecificCredentialId"]
    iam.create_service_specific_credential(UserName="keyspaces-user", ServiceName="cassandra.amazonaws.com")
    with pytest.raises(ClientError) as e:
        iam.create_service_specific_credential(UserName="keyspaces-user", ServiceName="cassandra.amazonaws.com")
    assert error_code(e) == "LimitExceeded"
    pattern_message = ("1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy "
                       "constraint: Member must satisfy regular expression pattern: [\\w]+")
    for wrong_id, code, message in (
            ("totally-wrong-credential-id-with-hyphens", "ValidationError", pattern_message),
            ("satisfiesregexbutstillinvalid", "NoSuchEntity", "No such credential satisfiesregexbutstillinvalid exists")):
        for call in (lambda: iam.update_service_specific_credential(
                         UserName="keyspaces-user", ServiceSpecificCredentialId=wrong_id, Status="Active"),
                     lambda: iam.reset_service_specific_credential(
                         UserName="keyspaces-user", ServiceSpecificCredentialId=wrong_id),
                     lambda: iam.delete_service_specific_credential(
                         UserName="keyspaces-user", ServiceSpecificCredentialId=wrong_id)):
            with pytest.raises(ClientError) as e:
                call()
            assert error_code(e) == code and e.value.response["Error"]["Message"] == message
    with pytest.raises(ClientError) as e:
        iam.update_service_specific_credential(
            UserName="wrong-user-name", ServiceSpecificCredentialId=credential_id, Status="Active")
    assert e.value.response["Error"]["Message"] == "The user with name wrong-user-name cannot be found."
    with pytest.raises(ClientError) as e:
        iam.update_service_specific_credential(
            UserName="keyspaces-user", ServiceSpecificCredentialId=credential_id, Status="Invalid")
    assert error_code(e) == "ValidationError"
    assert e.value.response["Error"]["Message"] == (
        "1 validation error detected: Value at 'status' failed to satisfy constraint: "
        "Member must satisfy enum value set")


def test_bedrock_api_keys_expire(iam):
    iam.create_user(UserName="bedrock-user")
    key = iam.create_service_specific_credential(
        UserName="bedrock-user", ServiceName="bedrock.amazonaws.com", CredentialAgeDays=30)["ServiceSpecificCredential"]
    assert key["ServiceCredentialAlias"] == "bedrock-user-at-000000000000"
    assert key["ServiceCredentialSecret"].startswith("ABSK")
    assert "ServicePassword" not in key and "ServiceUserName" not in key
    assert (key["ExpirationDate"] - key["CreateDate"]).days == 30
    with pytest.raises(ClientError) as e:
        iam.create_service_specific_credential(
            UserName="bedrock-user", ServiceName="codecommit.amazonaws.com", CredentialAgeDays=30)
    assert error_code(e) == "InvalidInput"
    listed = iam.list_service_specific_credentials(AllUsers=True, ServiceName="bedrock.amazonaws.com")
    assert [c["ServiceCredentialAlias"] for c in listed["ServiceSpecificCredentials"]] == [
        "bedrock-user-at-000000000000"]


def statement_doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_simulate_principal_policy_reads_the_entitys_policies(iam):
    put = {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
    policy_arn = iam.create_policy(PolicyName="put-objects", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": put}))["Policy"]["Arn"]
    iam.create_group(GroupName="writers")
    iam.attach_group_policy(GroupName="writers", PolicyArn=policy_arn)
    iam.create_user(UserName="writer")
    iam.add_user_to_group(GroupName="writers", UserName="writer")
    iam.put_user_policy(UserName="writer", PolicyName="no-secrets", PolicyDocument=statement_doc(
        {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secrets/*"}))
    result = iam.simulate_principal_policy(
        PolicySourceArn="arn:aws:iam::000000000000:user/writer", ActionNames=["s3:PutObject", "s3:GetObjectVersion"],
        ResourceArns=["arn:aws:s3:::bucket/key", "arn:aws:s3:::secrets/key"])
    assert not result["IsTruncated"]
    decisions = [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in result["EvaluationResults"]]
    assert decisions == [
        ("s3:PutObject", "arn:aws:s3:::bucket/key", "allowed"),
        ("s3:PutObject", "arn:aws:s3:::secrets/key", "explicitDeny"),
        ("s3:GetObjectVersion", "arn:aws:s3:::bucket/key", "implicitDeny"),
        ("s3:GetObjectVersion", "arn:aws:s3:::secrets/key", "explicitDeny")]
    allowed = result["EvaluationResults"][0]
    # The statement's place in the document as AWS reports it: one past its opening brace, and just
    # past its closing brace.
    assert allowed["MatchedStatements"] == [{
        "SourcePolicyId": "put-objects", "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": 1, "Column": 41}, "EndPosition": {"Line": 1, "Column": 113}}]
    assert allowed["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}
    assert allowed["ResourceSpecificResults"] == [{
        "EvalResourceName": "arn:aws:s3:::bucket/key", "EvalResourceDecision": "allowed",
        "MatchedStatements": allowed["MatchedStatements"], "MissingContextValues": []}]
    assert result["EvaluationResults"][1]["MatchedStatements"][0]["SourcePolicyId"] == "no-secrets"
    assert result["EvaluationResults"][2]["MatchedStatements"] == []
    with pytest.raises(ClientError) as e:
        iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::000000000000:user/nobody", ActionNames=["s3:*"])
    assert error_code(e) == "NoSuchEntity"


def test_simulate_custom_policy_with_context_boundary_and_pages(iam):
    documents = [statement_doc(
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
        {"Effect": "Allow", "Action": "sqs:DeleteMessage", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}})]
    result = iam.simulate_custom_policy(
        PolicyInputList=documents, ActionNames=["sqs:DeleteMessage"],
        ContextEntries=[{"ContextKeyName": "aws:RequestedRegion", "ContextKeyValues": ["eu-west-1"],
                         "ContextKeyType": "string"}])["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed" and result["EvalResourceName"] == "*"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"
    missing = iam.simulate_custom_policy(PolicyInputList=documents, ActionNames=["sqs:SendMessage"])
    assert missing["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    assert missing["EvaluationResults"][0]["MissingContextValues"] == ["aws:SourceIp"]
    bounded = iam.simulate_custom_policy(
        PolicyInputList=[statement_doc({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})],
        PermissionsBoundaryPolicyInputList=[statement_doc(
            {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"})],
        ActionNames=["sqs:ReceiveMessage", "sqs:PurgeQueue"])["EvaluationResults"]
    assert [(r["EvalDecision"], r["PermissionsBoundaryDecisionDetail"]) for r in bounded] == [
        ("allowed", {"AllowedByPermissionsBoundary": True}),
        ("implicitDeny", {"AllowedByPermissionsBoundary": False})]
    first = iam.simulate_custom_policy(
        PolicyInputList=documents, ActionNames=["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
        MaxItems=2)
    assert first["IsTruncated"] and len(first["EvaluationResults"]) == 2
    rest = iam.simulate_custom_policy(
        PolicyInputList=documents, ActionNames=["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
        Marker=first["Marker"])
    assert [r["EvalActionName"] for r in rest["EvaluationResults"]] == ["sqs:DeleteMessage"]
    with pytest.raises(ClientError) as e:
        iam.simulate_custom_policy(PolicyInputList=['{"Statement": [}'], ActionNames=["sqs:SendMessage"])
    assert error_code(e) == "MalformedPolicyDocument"


def test_simulate_with_a_resource_policy_across_accounts(iam):
    caller = "arn:aws:iam::111111111111:user/alice"
    resource_policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": caller}, "Action": "sqs:SendMessage",
        "Resource": "arn:aws:sqs:us-east-1:222222222222:q"}]})
    allow_identity = statement_doc({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"})

    def decide(identity, owner):
        return iam.simulate_custom_policy(
            PolicyInputList=[identity], ResourcePolicy=resource_policy, CallerArn=caller,
            ResourceOwner=f"arn:aws:iam::{owner}:root", ActionNames=["sqs:SendMessage"],
            ResourceArns=["arn:aws:sqs:us-east-1:222222222222:q"])["EvaluationResults"][0]

    both = decide(allow_identity, "222222222222")
    assert both["EvalDecision"] == "allowed"
    assert {s["SourcePolicyType"] for s in both["MatchedStatements"]} == {"IAM Policy", "resource"}
    nothing = statement_doc({"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"})
    assert decide(nothing, "222222222222")["EvalDecision"] == "implicitDeny"
    assert decide(nothing, "111111111111")["EvalDecision"] == "allowed"


def test_aws_cli_simulates_a_custom_policy(server, iam):
    import os
    import subprocess
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "PATH": os.environ["PATH"]}
    out = subprocess.run(
        ["aws", "--endpoint-url", server.endpoint, "--output", "json", "iam", "simulate-custom-policy",
         "--policy-input-list", statement_doc({"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}),
         "--action-names", "sns:Publish", "sns:Subscribe"],
        env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [
        ("sns:Publish", "allowed"), ("sns:Subscribe", "implicitDeny")]


def test_openid_connect_providers(iam):
    arn = iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    assert arn == "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com"
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["Url"] == "token.actions.githubusercontent.com"
    assert provider["ClientIDList"] == ["sts.amazonaws.com"] and provider["ThumbprintList"] == ["a" * 40]
    assert provider["Tags"] == []
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url="https://token.actions.githubusercontent.com")
    assert error_code(e) == "EntityAlreadyExists"
    assert e.value.response["Error"]["Message"] == (
        "Provider with url https://token.actions.githubusercontent.com already exists.")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="second")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="second")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="absent")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["c" * 40, "d" * 40])
    updated = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert updated["ClientIDList"] == ["second"] and updated["ThumbprintList"] == ["c" * 40, "d" * 40]
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "k1", "Value": "v1"},
                                                                         {"Key": "k2", "Value": "v2"}])
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["k2"])
    tags = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    assert tags["Tags"] == [{"Key": "k1", "Value": "v1"}] and tags["IsTruncated"] is False
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [arn]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert e.value.response["Error"]["Message"] == f"OpenIDConnect Provider not found for arn {arn}"
    with pytest.raises(ClientError) as e:
        iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_code(e) == "NoSuchEntity"
    assert e.value.response["Error"]["Message"] == f"OpenId connect Provider {arn} cannot be found."


def test_openid_connect_provider_errors(iam):
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url="example.org")
    assert error_code(e) == "ValidationError"
    assert e.value.response["Error"]["Message"] == "Invalid Open ID Connect Provider URL"
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url="https://six.example.com", ThumbprintList=[str(i) * 40 for i in range(6)])
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "InvalidInput", "Thumbprint list must contain fewer than 5 entries.")
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url="https://many.example.com", ClientIDList=[f"c{i}" for i in range(101)])
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")


METADATA = ('<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            'entityID="https://idp.example.com" validUntil="2030-01-01T00:00:00Z">'
            + "<md:IDPSSODescriptor/>" * 60 + "</md:EntityDescriptor>")


def test_saml_providers(iam):
    arn = iam.create_saml_provider(Name="corporate", SAMLMetadataDocument=METADATA)["SAMLProviderArn"]
    assert arn == "arn:aws:iam::000000000000:saml-provider/corporate"
    provider = iam.get_saml_provider(SAMLProviderArn=arn)
    assert provider["SAMLMetadataDocument"] == METADATA
    assert provider["ValidUntil"].year == 2030
    assert provider["AssertionEncryptionMode"] == "Allowed" and provider["PrivateKeyList"] == []
    assert provider["SAMLProviderUUID"].isalnum() and provider["SAMLProviderUUID"].isupper()
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert [p["Arn"] for p in listed] == [arn]
    with pytest.raises(ClientError) as e:
        iam.create_saml_provider(Name="corporate", SAMLMetadataDocument=METADATA)
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "EntityAlreadyExists", "Provider with name corporate already exists.")
    assert iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=METADATA.replace("2030", "2031"))[
        "SAMLProviderArn"] == arn
    assert iam.get_saml_provider(SAMLProviderArn=arn)["ValidUntil"].year == 2031
    iam.delete_saml_provider(SAMLProviderArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_saml_provider(SAMLProviderArn=arn)
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "NoSuchEntity", f"Manifest not found for arn {arn}")


def test_login_profiles_and_the_password_policy(iam):
    iam.create_user(UserName="console-user")
    with pytest.raises(ClientError) as e:
        iam.get_account_password_policy()
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "NoSuchEntity", "The Password Policy with domain name 000000000000 cannot be found.")
    with pytest.raises(ClientError) as e:
        iam.delete_account_password_policy()
    assert e.value.response["Error"]["Message"] == "The account policy with name PasswordPolicy cannot be found."
    iam.update_account_password_policy()
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "AllowUsersToChangePassword": False, "ExpirePasswords": False, "MinimumPasswordLength": 6,
        "RequireLowercaseCharacters": False, "RequireNumbers": False, "RequireSymbols": False,
        "RequireUppercaseCharacters": False}
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireNumbers=True, RequireSymbols=True,
                                       MaxPasswordAge=60, PasswordReusePrevention=3, HardExpiry=True)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["ExpirePasswords"] and policy["MaxPasswordAge"] == 60 and policy["HardExpiry"]
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="console-user", Password="short1!")
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "PasswordPolicyViolation", "Password does not conform to the account password policy.")
    profile = iam.create_login_profile(UserName="console-user", Password="long-enough-123!")["LoginProfile"]
    assert profile["UserName"] == "console-user" and profile["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="console-user", Password="long-enough-123!")
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "EntityAlreadyExists", "Login Profile for user console-user already exists.")
    iam.update_login_profile(UserName="console-user", PasswordResetRequired=True)
    assert iam.get_login_profile(UserName="console-user")["LoginProfile"]["PasswordResetRequired"] is True
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="console-user")
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must delete login profile first."
    iam.delete_login_profile(UserName="console-user")
    with pytest.raises(ClientError) as e:
        iam.get_login_profile(UserName="console-user")
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "NoSuchEntity", "Login Profile for User console-user cannot be found.")
    iam.delete_user(UserName="console-user")
    iam.delete_account_password_policy()


def test_context_keys_of_policies(iam):
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "dynamodb:*",
        "Resource": "arn:aws:dynamodb:us-west-2:000000000000:table/${aws:username}",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2015-08-16T12:00:00Z"}}}]})
    assert iam.get_context_keys_for_custom_policy(PolicyInputList=[document])["ContextKeyNames"] == [
        "aws:username", "aws:CurrentTime"]
    iam.create_user(UserName="keyed")
    iam.put_user_policy(UserName="keyed", PolicyName="p", PolicyDocument=statement_doc(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
         "Condition": {"StringEquals": {"s3:prefix": "home/", "aws:username": "keyed"}}}))
    assert iam.get_context_keys_for_principal_policy(
        PolicySourceArn="arn:aws:iam::000000000000:user/keyed", PolicyInputList=[document])["ContextKeyNames"] == [
        "s3:prefix", "aws:username", "aws:CurrentTime"]


def doc(statement, version="2012-10-17"):
    body = {"Statement": statement}
    if version:
        body = {"Version": version, **body}
    return json.dumps(body)


ALLOW_LIST = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::a-bucket"}


@pytest.mark.parametrize("document,message", [
    ("not json at all", "Syntax errors in policy."),
    (doc(ALLOW_LIST, version=None), "Policy document must be version 2012-10-17 or greater."),
    (doc(ALLOW_LIST, version="2008-10-17"), "Policy document must be version 2012-10-17 or greater."),
    (doc({**ALLOW_LIST, "Unknown": 1}), "Syntax errors in policy."),
    (doc({**ALLOW_LIST, "Effect": "Maybe"}), "Syntax errors in policy."),
    (doc({**ALLOW_LIST, "Effect": "allow"}), "The policy failed legacy parsing"),
    (doc({**ALLOW_LIST, "Condition": {"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}}),
     "The policy failed legacy parsing"),
    (doc({**ALLOW_LIST, "Resource": "arn:aws:s3::a-bucket"}), "The policy failed legacy parsing"),
    (doc({**ALLOW_LIST, "Condition": {"NoSuchOperator": {"a": "b"}}}), "Syntax errors in policy."),
    (doc([ALLOW_LIST, {**ALLOW_LIST, "Sid": "x"}, {**ALLOW_LIST, "Sid": "x"}]),
     "Statement IDs (SID) in a single policy must be unique."),
    (doc({"Effect": "Allow", "Resource": "*"}), "Policy statement must contain actions."),
    (doc({"Effect": "Allow", "Action": "s3:ListBucket"}), "Policy statement must contain resources."),
    (doc({**ALLOW_LIST, "Resource": "bucket"}), 'Resource bucket must be in ARN format or "*".'),
    (doc({**ALLOW_LIST, "Resource": "aws:s3:::a-bucket"}),
     'Partition "s3" is not valid for resource "arn:s3:::a-bucket:*".'),
    (doc({**ALLOW_LIST, "Resource": "arn:aws:iam:::bucket"}),
     'IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, '
     'instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, '
     'access-report/.'),
    (doc({**ALLOW_LIST, "Resource": "arn:aws:s3:us-east-1::a-bucket"}),
     "Resource arn:aws:s3:us-east-1::a-bucket can not contain region information."),
    (doc({**ALLOW_LIST, "Action": "ListBucket"}),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    (doc({**ALLOW_LIST, "Action": "s3:List:Bucket"}), "Actions/Condition can contain only one colon."),
])
def test_managed_policy_documents_are_checked_as_iam_checks_them(iam, document, message):
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName="checked-policy-name", PolicyDocument=document)
    assert error_code(e) == "MalformedPolicyDocument"
    assert e.value.response["Error"]["Message"] == message


@pytest.mark.parametrize("document", [
    doc({**ALLOW_LIST, "Resource": "arn:aws:s3:us-west-2:123456789012:accesspoint/point"}),
    doc({**ALLOW_LIST, "Condition": {"DateLessThan": {"aws:CurrentTime": "-292275054"}}}),
    doc({**ALLOW_LIST, "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}}),
    doc({**ALLOW_LIST, "Action": "s3.s:ListBucket"}),
    doc([{**ALLOW_LIST, "Sid": ""}, {**ALLOW_LIST, "Sid": ""}]),
])
def test_managed_policy_documents_iam_accepts(iam, document):
    iam.create_policy(PolicyName="accepted-policy-name", PolicyDocument=document)


def test_managed_policy_tags_tell_case_apart(iam):
    arn = iam.create_policy(PolicyName="tagged-policy-name", PolicyDocument=doc(ALLOW_LIST), Tags=[
        {"Key": "abc", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "a", "Value": "3"}, {"Key": "A", "Value": "4"}])[
        "Policy"]["Arn"]
    assert [t["Key"] for t in iam.list_policy_tags(PolicyArn=arn)["Tags"]] == ["A", "a", "b", "abc"]
    with pytest.raises(ClientError) as e:
        iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "x", "Value": "1"}, {"Key": "x", "Value": "2"}])
    assert e.value.response["Error"]["Message"] == "Duplicate tag keys found."
    with pytest.raises(ClientError) as e:
        iam.get_policy_version(PolicyArn=arn + "-absent", VersionId="v1")
    assert e.value.response["Error"]["Message"] == f"Policy {arn}-absent version v1 does not exist or is not attachable."


def test_permissions_boundaries_must_name_existing_policies(iam):
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=TRUST_EC2,
                        PermissionsBoundary="arn:aws:iam::000000000000:not_a_policy/invalid")
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "InvalidInput", "ARN arn:aws:iam::000000000000:not_a_policy/invalid is not valid.")
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=TRUST_EC2,
                        PermissionsBoundary="arn:aws:iam::000000000000:policy/nonexistent-policy")
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "NoSuchEntity",
        "Scope ARN: arn:aws:iam::000000000000:policy/nonexistent-policy does not exist or is not attachable.")


def test_renamed_users_keep_their_service_credentials(iam):
    iam.create_user(UserName="before")
    iam.create_service_specific_credential(UserName="before", ServiceName="codecommit.amazonaws.com")
    iam.update_user(UserName="before", NewUserName="after")
    listed = iam.list_service_specific_credentials(UserName="after")["ServiceSpecificCredentials"]
    assert [(c["UserName"], c["ServiceUserName"]) for c in listed] == [("after", "before-at-000000000000")]


def test_trust_policies_name_sts_actions_only(iam):
    iam.create_role(RoleName="trusting", AssumeRolePolicyDocument=TRUST_EC2)
    bad = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:InvalidAction"}]})
    with pytest.raises(ClientError) as e:
        iam.update_assume_role_policy(RoleName="trusting", PolicyDocument=bad)
    assert e.value.response["Error"]["Message"] == "AssumeRole policy may only specify STS AssumeRole actions."
    iam.update_assume_role_policy(RoleName="trusting", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": ["sts:AssumeRole", "sts:TagSession"]}]}))


def test_last_use_of_a_key_that_is_not_the_accounts(iam):
    with pytest.raises(ClientError) as e:
        iam.get_access_key_last_used(AccessKeyId="AKIAIOSFODNN7EXAMPLE")
    assert error_code(e) == "AccessDenied" and e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert e.value.response["Error"]["Message"] == (
        "User: arn:aws:iam::000000000000:root is not authorized to perform iam:GetAccessKeyLastUsed on resource: "
        "access key AKIAIOSFODNN7EXAMPLE")


def test_group_membership_removal_is_idempotent_and_details_list_tags(iam):
    iam.create_group(GroupName="team")
    iam.create_user(UserName="member")
    iam.add_user_to_group(GroupName="team", UserName="member")
    iam.remove_user_from_group(GroupName="team", UserName="member")
    iam.remove_user_from_group(GroupName="team", UserName="member")
    details = iam.get_account_authorization_details(Filter=["User"])["UserDetailList"]
    user = next(u for u in details if u["UserName"] == "member")
    assert user["Tags"] == [] and "UserPolicyList" not in user
    iam.create_open_id_connect_provider(Url="https://issuer.example.com")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Providers"] == 1 and summary["AccountPasswordPresent"] == 1


def ssh_rsa_key(seed):
    import base64
    import struct

    def field(data):
        return struct.pack(">I", len(data)) + data
    blob = field(b"ssh-rsa") + field(b"\x01\x00\x01") + field(b"\x00" + bytes([seed]) * 256)
    return "ssh-rsa " + base64.b64encode(blob).decode() + " user@host", blob


def test_ssh_public_keys(iam):
    import hashlib
    iam.create_user(UserName="git")
    body, blob = ssh_rsa_key(7)
    key = iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody=body)["SSHPublicKey"]
    assert key["SSHPublicKeyId"].startswith("APKA") and len(key["SSHPublicKeyId"]) == 21
    digest = hashlib.md5(blob).hexdigest()
    assert key["Fingerprint"] == ":".join(digest[i:i + 2] for i in range(0, 32, 2))
    assert key["Status"] == "Active" and key["SSHPublicKeyBody"] == body
    pem = iam.get_ssh_public_key(UserName="git", SSHPublicKeyId=key["SSHPublicKeyId"], Encoding="PEM")["SSHPublicKey"]
    assert pem["SSHPublicKeyBody"].startswith("-----BEGIN PUBLIC KEY-----\n")
    iam.update_ssh_public_key(UserName="git", SSHPublicKeyId=key["SSHPublicKeyId"], Status="Inactive")
    listed = iam.list_ssh_public_keys(UserName="git")
    assert [(k["SSHPublicKeyId"], k["Status"]) for k in listed["SSHPublicKeys"]] == [(key["SSHPublicKeyId"], "Inactive")]
    iam.update_user(UserName="git", NewUserName="git2")
    assert iam.get_ssh_public_key(UserName="git2", SSHPublicKeyId=key["SSHPublicKeyId"], Encoding="SSH")[
        "SSHPublicKey"]["UserName"] == "git2"
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="git2")
    assert error_code(e) == "DeleteConflict"
    iam.delete_ssh_public_key(UserName="git2", SSHPublicKeyId=key["SSHPublicKeyId"])
    with pytest.raises(ClientError) as e:
        iam.get_ssh_public_key(UserName="git2", SSHPublicKeyId="APKAXXXXXXXXXXXXXXXXX", Encoding="SSH")
    assert (error_code(e), e.value.response["Error"]["Message"]) == (
        "NoSuchEntity", "The Public Key with id APKAXXXXXXXXXXXXXXXXX cannot be found.")
    with pytest.raises(ClientError) as e:
        iam.upload_ssh_public_key(UserName="git2", SSHPublicKeyBody="not a key")
    assert error_code(e) == "InvalidPublicKey"


def test_deleting_a_key_without_a_user_name_reaches_only_the_callers_own(server, iam):
    iam.create_user(UserName="keeper")
    key = iam.create_access_key(UserName="keeper")["AccessKey"]["AccessKeyId"]
    iam.create_role(RoleName="deleter", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"}]}))
    as_role = iam_as_role(server, "deleter")
    for call in (lambda: as_role.delete_access_key(AccessKeyId=key),
                 lambda: as_role.update_access_key(AccessKeyId=key, Status="Inactive")):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "ValidationError"
        assert e.value.response["Error"]["Message"] == "Must specify userName when calling with non-User credentials"
    # The root's own keys are those without a user: a user's key is not among them.
    with pytest.raises(ClientError) as e:
        iam.delete_access_key(AccessKeyId=key)
    assert error_code(e) == "NoSuchEntity"
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName="keeper")["AccessKeyMetadata"]] == [key]


def test_several_violations_are_listed_in_awss_order(iam):
    with pytest.raises(ClientError) as e:
        iam.update_account_password_policy(MaxPasswordAge=1096, MinimumPasswordLength=129, PasswordReusePrevention=25)
    assert e.value.response["Error"]["Message"] == (
        "3 validation errors detected: "
        "Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal "
        "to 128; Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than "
        "or equal to 24; Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than "
        "or equal to 1095")


def test_a_bad_tag_key_to_remove_is_reported_at_the_list(iam):
    iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=TRUST_EC2)
    for keys in (["k" * 129], ["invalid!key"]):
        with pytest.raises(ClientError) as e:
            iam.untag_role(RoleName="tagged", TagKeys=keys)
        assert e.value.response["Error"]["Message"] == (
            "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy "
            "constraint: [Member must have length less than or equal to 128, Member must have length greater than "
            "or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, "
            "Member must not be null]")


def test_aws_managed_policies_are_read_only_and_carry_awss_versions(iam):
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    for call, message in (
            (lambda: iam.delete_policy(PolicyArn=arn), "Cannot delete policies outside your own account."),
            (lambda: iam.delete_policy_version(PolicyArn=arn, VersionId="v2"),
             "Cannot delete policy versions for policies outside your own account."),
            (lambda: iam.set_default_policy_version(PolicyArn=arn, VersionId="v2"),
             "Cannot update policies outside your own account.")):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "AccessDenied" and e.value.response["Error"]["Message"] == message
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    change_password = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")["Policy"]
    assert (change_password["DefaultVersionId"], change_password["Tags"]) == ("v5", [])
    administrator = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/job-function/SystemAdministrator")["Policy"]
    assert (administrator["Path"], administrator["DefaultVersionId"]) == ("/job-function/", "v12")
    s3 = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    versions = iam.list_policy_versions(PolicyArn=s3)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v2", True), ("v1", False)]
    assert iam.get_policy_version(PolicyArn=s3, VersionId="v1")["PolicyVersion"]["Document"]["Statement"] == [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
