"""Outbound identity federation: an account enables it (getting its issuer), then principals get
JWTs from STS GetWebIdentityToken, signed with ES384 or RS256 keys whose public halves the server
publishes; the tokens carry AWS's claims. Checked with an independent verifier (cryptography)."""
import base64
import json
import shutil
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from conftest import Server

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
     # Session tags need sts:TagSession as well.
     "Action": ["sts:AssumeRole", "sts:TagSession"]}]})


@pytest.fixture
def iam(server):
    server.reset()
    return server.client("iam")


def b64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def key_set(server):
    with urllib.request.urlopen(server.endpoint + "/_switchyard/sts/jwks.json") as response:
        return {key["kid"]: key for key in json.load(response)["keys"]}


def verified_claims(server, token):
    """The token's claims, once its signature checks out against the published key it names."""
    header_part, claims_part, signature_part = token.split(".")
    header = json.loads(b64(header_part))
    key = key_set(server)[header["kid"]]
    signed = f"{header_part}.{claims_part}".encode()
    signature = b64(signature_part)
    integer = lambda part: int.from_bytes(b64(part), "big")
    if header["alg"] == "ES384":
        assert key["kty"] == "EC" and key["crv"] == "P-384" and len(signature) == 96
        public = ec.EllipticCurvePublicNumbers(integer(key["x"]), integer(key["y"]), ec.SECP384R1()).public_key()
        der = encode_dss_signature(int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big"))
        public.verify(der, signed, ec.ECDSA(hashes.SHA384()))
    else:
        assert header["alg"] == "RS256" and key["kty"] == "RSA"
        public = rsa.RSAPublicNumbers(integer(key["e"]), integer(key["n"])).public_key()
        public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    assert header["typ"] == "JWT"
    return json.loads(b64(claims_part))


def test_tokens_need_the_feature_enabled(server, iam):
    sts = server.client("sts")
    with pytest.raises(ClientError) as e:
        sts.get_web_identity_token(Audience=["https://api.example.com"], SigningAlgorithm="ES384")
    assert e.value.response["Error"]["Code"] == "OutboundWebIdentityFederationDisabledException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        iam.get_outbound_web_identity_federation_info()
    assert e.value.response["Error"]["Code"] == "FeatureDisabled"
    with pytest.raises(ClientError) as e:
        iam.disable_outbound_web_identity_federation()
    assert e.value.response["Error"]["Code"] == "FeatureDisabled"

    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    assert issuer.startswith("https://") and issuer.endswith(".tokens.sts.global.api.aws")
    with pytest.raises(ClientError) as e:
        iam.enable_outbound_web_identity_federation()
    assert e.value.response["Error"]["Code"] == "FeatureEnabled"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    info = iam.get_outbound_web_identity_federation_info()
    assert info["IssuerIdentifier"] == issuer and info["JwtVendingEnabled"] is True

    iam.disable_outbound_web_identity_federation()
    info = iam.get_outbound_web_identity_federation_info()
    assert info["IssuerIdentifier"] == issuer and info["JwtVendingEnabled"] is False
    with pytest.raises(ClientError) as e:
        sts.get_web_identity_token(Audience=["https://api.example.com"], SigningAlgorithm="RS256")
    assert e.value.response["Error"]["Code"] == "OutboundWebIdentityFederationDisabledException"
    # Enabling again keeps the issuer.
    assert iam.enable_outbound_web_identity_federation()["IssuerIdentifier"] == issuer


def test_a_role_session_gets_a_signed_token_with_aws_claims(server, iam):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    iam.create_role(RoleName="exporter", AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "team", "Value": "data"}])
    credentials = server.client("sts").assume_role(
        RoleArn="arn:aws:iam::000000000000:role/exporter", RoleSessionName="nightly",
        Tags=[{"Key": "job", "Value": "export"}])["Credentials"]
    sts = boto3.client(
        "sts", endpoint_url=server.endpoint, region_name="eu-west-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], config=Config(retries={"max_attempts": 0}))

    before = int(time.time())
    for algorithm in ("ES384", "RS256"):
        answer = sts.get_web_identity_token(
            Audience=["https://api.example.com"], SigningAlgorithm=algorithm, DurationSeconds=900,
            Tags=[{"Key": "priority", "Value": "high"}])
        claims = verified_claims(server, answer["WebIdentityToken"])
        assert claims["iss"] == issuer and claims["aud"] == "https://api.example.com"
        assert claims["sub"] == "arn:aws:iam::000000000000:role/exporter"
        assert before - 1 <= claims["iat"] <= before + 5 and claims["exp"] == claims["iat"] + 900
        assert int(answer["Expiration"].timestamp()) == claims["exp"]
        assert claims["https://sts.amazonaws.com/"] == {
            "aws_account": "000000000000", "source_region": "eu-west-1",
            "principal_tags": {"team": "data", "job": "export"}, "request_tags": {"priority": "high"}}

    # A token may not outlive the session that asks for it (an hour here).
    with pytest.raises(ClientError) as e:
        sts.get_web_identity_token(Audience=["a"], SigningAlgorithm="ES384", DurationSeconds=3600)
    assert e.value.response["Error"]["Code"] == "SessionDurationEscalationException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    # Several audiences make a list; the default lifetime is five minutes.
    claims = verified_claims(server, sts.get_web_identity_token(
        Audience=["a", "b"], SigningAlgorithm="ES384")["WebIdentityToken"])
    assert claims["aud"] == ["a", "b"] and claims["exp"] - claims["iat"] == 300


def test_bad_token_requests_are_refused(server, iam):
    iam.enable_outbound_web_identity_federation()
    sts = server.client("sts")
    with pytest.raises(ClientError) as e:
        sts.get_web_identity_token(Audience=["x"], SigningAlgorithm="HS256")
    assert e.value.response["Error"]["Code"] == "ValidationError"
    with pytest.raises(ClientError) as e:
        sts.get_web_identity_token(Audience=["x"], SigningAlgorithm="ES384", DurationSeconds=3601)
    assert e.value.response["Error"]["Code"] == "ValidationError"


def test_the_issuer_and_its_keys_survive_a_kill_9():
    server = Server().start()
    try:
        iam = server.client("iam")
        issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
        token = server.client("sts").get_web_identity_token(
            Audience=["x"], SigningAlgorithm="RS256")["WebIdentityToken"]
        server.kill9()
        server.start()
        assert server.client("iam").get_outbound_web_identity_federation_info()["IssuerIdentifier"] == issuer
        assert verified_claims(server, token)["iss"] == issuer
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
