"""STS AssumeRoleWithSAML as the STS API reference and the IAM User Guide's SAML pages describe it:
what the answer reports of the assertion, the SAML condition keys a role's trust policy sees, the
RoleSessionName attribute AWS requires, the issuer the provider's metadata names, session tags and
source identity (each an action the trust policy must allow) and SessionNotOnOrAfter."""
import base64
import datetime
import hashlib
import json

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
IDP = "https://idp.example.test/metadata"
ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"
METADATA = f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
      <ds:X509Certificate>{base64.b64encode(b"not a certificate: signatures are not verified " * 16).decode()}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="https://idp.example.test/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def assertion(session_name="alice@example.test", issuer=IDP, name_format="persistent", extra=None,
              session_not_on_or_after=None):
    """A SAML response as identity providers send it (unsigned: Switchyard does not verify signatures)."""
    attributes = dict(extra or {})
    if session_name is not None:
        attributes[ATTRIBUTES + "RoleSessionName"] = session_name
    body = "".join(
        f'<saml:Attribute Name="{name}">'
        + "".join(f"<saml:AttributeValue>{v}</saml:AttributeValue>" for v in ([value] if isinstance(value, str) else value))
        + "</saml:Attribute>"
        for name, value in attributes.items())
    if name_format.startswith("urn:"):
        form = name_format
    else:
        form = f"urn:oasis:names:tc:SAML:2.0:nameid-format:{name_format}"
    limit = f' SessionNotOnOrAfter="{session_not_on_or_after}"' if session_not_on_or_after else ""
    xml = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1" Version="2.0">
<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{issuer}</saml:Issuer>
<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1" Version="2.0">
  <saml:Issuer>{issuer}</saml:Issuer>
  <saml:Subject>
    <saml:NameID Format="{form}">alice-0042</saml:NameID>
    <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
      <saml:SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml"/>
    </saml:SubjectConfirmation>
  </saml:Subject>
  <saml:Conditions><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience>
  </saml:AudienceRestriction></saml:Conditions>
  <saml:AuthnStatement AuthnInstant="2026-01-01T00:00:00Z"{limit}/>
  <saml:AttributeStatement>{body}</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>"""
    return base64.b64encode(xml.encode()).decode()


def console_trust(provider, actions=("sts:AssumeRoleWithSAML",)):
    """The trust policy IAM's console writes for a SAML role."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider}, "Action": list(actions),
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]})


@pytest.fixture
def federation(server):
    server.reset()
    iam = server.client("iam")
    provider = iam.create_saml_provider(Name="Corporate", SAMLMetadataDocument=METADATA)["SAMLProviderArn"]
    sts = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                       config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))
    return iam, sts, provider


def assume(sts, provider, role, saml, **extra):
    return sts.assume_role_with_saml(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", PrincipalArn=provider,
                                     SAMLAssertion=saml, **extra)


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_the_answer_reports_the_assertion_and_the_credentials_act_as_the_role(federation, server):
    iam, sts, provider = federation
    iam.create_role(RoleName="engineers", AssumeRolePolicyDocument=console_trust(provider))

    answer = assume(sts, provider, "engineers", assertion())
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/engineers/alice@example.test"
    assert answer["Subject"] == "alice-0042"
    assert answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == IDP
    assert answer["Audience"] == "https://signin.aws.amazon.com/saml"
    digest = hashlib.sha1(f"{IDP}{ACCOUNT}/Corporate".encode()).digest()
    assert answer["NameQualifier"] == base64.b64encode(digest).decode()

    credentials = answer["Credentials"]
    as_role = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id=credentials["AccessKeyId"],
                           aws_secret_access_key=credentials["SecretAccessKey"],
                           aws_session_token=credentials["SessionToken"])
    assert as_role.get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]

    # A name-id format outside SAML 2.0's own is reported whole.
    email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert assume(sts, provider, "engineers", assertion(name_format=email))["SubjectType"] == email


def test_trust_policies_see_the_saml_keys(federation):
    iam, sts, provider = federation
    iam.create_role(RoleName="persistent-only", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:sub_type": "persistent", "SAML:iss": IDP,
                                           "SAML:sub": "alice-0042", "SAML:doc": f"{ACCOUNT}/Corporate"}}}]}))
    assert assume(sts, provider, "persistent-only", assertion())["SubjectType"] == "persistent"
    with pytest.raises(ClientError) as e:
        assume(sts, provider, "persistent-only", assertion(name_format="transient"))
    assert error(e) == ("AccessDenied", f"User: {provider} is not authorized to perform: sts:AssumeRoleWithSAML "
                                        f"on resource: arn:aws:iam::{ACCOUNT}:role/persistent-only")


def test_the_session_name_attribute_is_required_and_checked(federation):
    iam, sts, provider = federation
    iam.create_role(RoleName="engineers", AssumeRolePolicyDocument=console_trust(provider))
    with pytest.raises(ClientError) as e:
        assume(sts, provider, "engineers", assertion(session_name=None))
    assert error(e) == ("InvalidIdentityToken", "RoleSessionName is required in AuthnResponse")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        assume(sts, provider, "engineers", assertion(session_name="alice smith"))
    assert error(e) == ("InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")


def test_the_issuer_must_be_the_providers(federation):
    iam, sts, provider = federation
    iam.create_role(RoleName="engineers", AssumeRolePolicyDocument=console_trust(provider))
    with pytest.raises(ClientError) as e:
        assume(sts, provider, "engineers", assertion(issuer="https://other-idp.example.test/metadata"))
    assert error(e) == ("InvalidIdentityToken", "Issuer not present in specified provider")


def test_session_tags_and_source_identity_need_their_own_permissions(federation):
    iam, sts, provider = federation
    tagged = assertion(extra={ATTRIBUTES + "PrincipalTag:team": "data",
                              ATTRIBUTES + "TransitiveTagKeys": ["team"],
                              ATTRIBUTES + "SourceIdentity": "alice"})
    iam.create_role(RoleName="plain", AssumeRolePolicyDocument=console_trust(provider))
    with pytest.raises(ClientError) as e:
        assume(sts, provider, "plain", tagged)
    assert error(e) == ("AccessDenied", f"User: {provider} is not authorized to perform: sts:TagSession "
                                        f"on resource: arn:aws:iam::{ACCOUNT}:role/plain")

    iam.create_role(RoleName="tagging", AssumeRolePolicyDocument=console_trust(
        provider, ("sts:AssumeRoleWithSAML", "sts:TagSession")))
    with pytest.raises(ClientError) as e:
        assume(sts, provider, "tagging", tagged)
    assert "sts:SetSourceIdentity" in error(e)[1]

    iam.create_role(RoleName="full", AssumeRolePolicyDocument=console_trust(
        provider, ("sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity")))
    answer = assume(sts, provider, "full", tagged)
    assert answer["SourceIdentity"] == "alice"
    assert answer["PackedPolicySize"] > 0


def test_assume_role_with_tags_needs_tag_session(server):
    server.reset()
    iam, sts = server.client("iam"), server.client("sts")
    only_assume = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps(only_assume))
    arn = f"arn:aws:iam::{ACCOUNT}:role/worker"
    assert sts.assume_role(RoleArn=arn, RoleSessionName="s1")["AssumedRoleUser"]["Arn"].endswith("/worker/s1")
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=arn, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "data"}])
    assert error(e)[0] == "AccessDenied" and "sts:TagSession" in error(e)[1]
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=arn, RoleSessionName="s1", SourceIdentity="alice")
    assert error(e)[0] == "AccessDenied" and "sts:SetSourceIdentity" in error(e)[1]

    # A condition on the requested tag's value applies to sts:TagSession.
    only_assume["Statement"].append({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:TagSession",
                                     "Condition": {"StringEquals": {"aws:RequestTag/team": "data"}}})
    iam.update_assume_role_policy(RoleName="worker", PolicyDocument=json.dumps(only_assume))
    assert sts.assume_role(RoleArn=arn, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "data"}])["Credentials"]
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=arn, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "ops"}])
    assert "sts:TagSession" in error(e)[1]


def test_no_session_outlives_the_assertions_session_limit(federation):
    iam, sts, provider = federation
    iam.create_role(RoleName="engineers", AssumeRolePolicyDocument=console_trust(provider))
    now = datetime.datetime.now(datetime.timezone.utc)
    limit = (now + datetime.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = assume(sts, provider, "engineers", assertion(session_not_on_or_after=limit), DurationSeconds=3600)
    expiration = answer["Credentials"]["Expiration"]
    assert expiration <= now + datetime.timedelta(minutes=20, seconds=1)
    assert expiration >= now + datetime.timedelta(minutes=19)

    past = (now - datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(ClientError) as e:
        assume(sts, provider, "engineers", assertion(session_not_on_or_after=past))
    assert error(e)[0] == "ExpiredTokenException"
