"""STS AssumeRoleWithWebIdentity as AWS checks it: a token's issuer must be an OpenID Connect
provider registered in the role's account (Login with Amazon, Facebook, Google and Cognito excepted),
one of its audiences a client id of that provider, and the role's trust policy must allow it."""
import base64
import json
import time

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


def jwt(**claims):
    part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    # Signatures are not verified here (identity providers' keys cannot be fetched offline).
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def trust(federated, conditions=None):
    statement = {"Effect": "Allow", "Principal": {"Federated": federated},
                 "Action": "sts:AssumeRoleWithWebIdentity"}
    if conditions:
        statement["Condition"] = conditions
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def clients(server):
    server.reset()
    unsigned = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))
    return server.client("iam"), unsigned


def assume(sts, role, token):
    return sts.assume_role_with_web_identity(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}",
                                             RoleSessionName="ci-job", WebIdentityToken=token)


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_a_registered_provider_and_its_audience_are_required(clients):
    iam, sts = clients
    provider = iam.create_open_id_connect_provider(
        Url="https://tokens.ci.example.com", ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust(provider, {
        "StringEquals": {"tokens.ci.example.com:sub": "repo:shop:ref:refs/heads/main"}}))

    good = jwt(iss="https://tokens.ci.example.com", aud="sts.amazonaws.com", sub="repo:shop:ref:refs/heads/main")
    answer = assume(sts, "deployer", good)
    assert answer["SubjectFromWebIdentityToken"] == "repo:shop:ref:refs/heads/main"
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-job"
    assert answer["Audience"] == "sts.amazonaws.com"

    # An issuer with no provider in the role's account, named as the token names it.
    with pytest.raises(ClientError) as e:
        assume(sts, "deployer", jwt(iss="https://elsewhere.example.com/", aud="sts.amazonaws.com", sub="x"))
    assert error(e) == ("InvalidIdentityToken",
                        "No OpenIDConnect provider found in your account for https://elsewhere.example.com/")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    # An audience that is not one of the provider's client ids.
    with pytest.raises(ClientError) as e:
        assume(sts, "deployer", jwt(iss="https://tokens.ci.example.com", aud="someone-else",
                                    sub="repo:shop:ref:refs/heads/main"))
    assert error(e) == ("InvalidIdentityToken", "Incorrect token audience")

    # One of several audiences suffices; the trust policy's conditions still apply.
    listed = jwt(iss="https://tokens.ci.example.com", aud=["other", "sts.amazonaws.com"],
                 sub="repo:shop:ref:refs/heads/main")
    assert assume(sts, "deployer", listed)["Credentials"]["AccessKeyId"].startswith("ASIA")
    with pytest.raises(ClientError) as e:
        assume(sts, "deployer", jwt(iss="https://tokens.ci.example.com", aud="sts.amazonaws.com", sub="fork"))
    assert error(e)[0] == "AccessDenied"

    # A client id added later is accepted from then on.
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=provider, ClientID="someone-else")
    assume(sts, "deployer", jwt(iss="https://tokens.ci.example.com", aud="someone-else",
                                sub="repo:shop:ref:refs/heads/main"))


def test_built_in_providers_need_no_registration(clients):
    iam, sts = clients
    iam.create_role(RoleName="google-users", AssumeRolePolicyDocument=trust("accounts.google.com"))
    token = jwt(iss="https://accounts.google.com", aud="1234.apps.googleusercontent.com", sub="110169484474386276334")
    assert assume(sts, "google-users", token)["SubjectFromWebIdentityToken"] == "110169484474386276334"


def test_an_expired_token_is_refused(clients):
    iam, sts = clients
    iam.create_open_id_connect_provider(Url="https://tokens.ci.example.com", ClientIDList=["sts.amazonaws.com"],
                                        ThumbprintList=["a" * 40])
    iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust(
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/tokens.ci.example.com"))
    expired = int(time.time()) - 60
    token = jwt(iss="https://tokens.ci.example.com", aud="sts.amazonaws.com", sub="job", exp=expired)
    with pytest.raises(ClientError) as e:
        assume(sts, "deployer", token)
    code, message = error(e)
    assert code == "ExpiredTokenException"
    assert message.startswith("Token expired: current date/time ")
    assert message.endswith(f" must be before the expiration date/time {expired}")
    fresh = jwt(iss="https://tokens.ci.example.com", aud="sts.amazonaws.com", sub="job", exp=int(time.time()) + 600)
    assert assume(sts, "deployer", fresh)["SubjectFromWebIdentityToken"] == "job"


def test_session_tags_from_the_token_need_tag_session(clients, server):
    iam, sts = clients
    tagged = jwt(iss="https://cognito-identity.amazonaws.com", sub="user-7", aud="app-client", **{"https://aws.amazon.com/tags": {
        "principal_tags": {"team": ["data"], "tier": ["gold"]}, "transitive_tag_keys": ["team"]}})
    provider = "cognito-identity.amazonaws.com"
    iam.create_role(RoleName="plain", AssumeRolePolicyDocument=trust(provider))
    with pytest.raises(ClientError) as e:
        assume(sts, "plain", tagged)
    assert error(e) == ("AccessDenied", f"User: {provider} is not authorized to perform: sts:TagSession "
                                        f"on resource: arn:aws:iam::{ACCOUNT}:role/plain")

    iam.create_role(RoleName="tagging", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": provider},
         "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]}]}))
    answer = assume(sts, "tagging", tagged)
    assert answer["PackedPolicySize"] > 0

    # The session carries the tags: a token it asks for lists them among its principal tags.
    iam.enable_outbound_web_identity_federation()
    credentials = answer["Credentials"]
    as_session = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id=credentials["AccessKeyId"],
                              aws_secret_access_key=credentials["SecretAccessKey"],
                              aws_session_token=credentials["SessionToken"])
    token = as_session.get_web_identity_token(Audience=["a"], SigningAlgorithm="ES384")["WebIdentityToken"]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["https://sts.amazonaws.com/"]["principal_tags"] == {"team": "data", "tier": "gold"}
