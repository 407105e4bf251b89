"""IAM server certificates and users' signing certificates, as AWS answers them: PEM checked,
chains and key pairs matched, names and quotas enforced, and certificates that follow their user."""
import datetime
import shutil

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from conftest import Server, error_code


@pytest.fixture
def iam(server):
    server.reset()
    return server.client("iam")


def make_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_certificate(common_name, key, issuer=None, issuer_key=None, days=365):
    """A certificate for `key`, self-signed unless an issuer (certificate and key) is given."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    certificate = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(issuer.subject if issuer else subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=days))
                   .sign(issuer_key or key, hashes.SHA256()))
    return certificate


def pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key, form=serialization.PrivateFormat.TraditionalOpenSSL):
    return key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption()).decode()


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_server_certificate_lifecycle_keeps_the_body_without_its_trailing_newline(iam):
    key = make_key()
    certificate = make_certificate("example.test", key, days=30)
    uploaded = iam.upload_server_certificate(
        ServerCertificateName="site", Path="/edge/", CertificateBody=pem(certificate), PrivateKey=key_pem(key))
    metadata = uploaded["ServerCertificateMetadata"]
    assert metadata["Arn"] == "arn:aws:iam::000000000000:server-certificate/edge/site"
    assert metadata["Path"] == "/edge/"
    assert metadata["ServerCertificateId"].startswith("ASCA") and len(metadata["ServerCertificateId"]) == 21
    assert metadata["Expiration"] == certificate.not_valid_after_utc
    assert "Tags" not in uploaded

    got = iam.get_server_certificate(ServerCertificateName="site")["ServerCertificate"]
    assert got["CertificateBody"] == pem(certificate).rstrip("\n")
    assert got["Tags"] == []
    assert "CertificateChain" not in got
    assert got["ServerCertificateMetadata"] == metadata

    listed = iam.list_server_certificates(PathPrefix="/edge/")
    assert listed["ServerCertificateMetadataList"] == [metadata] and listed["IsTruncated"] is False
    assert iam.list_server_certificates(PathPrefix="/other/")["ServerCertificateMetadataList"] == []
    assert iam.get_account_summary()["SummaryMap"]["ServerCertificates"] == 1

    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(
            ServerCertificateName="site", CertificateBody=pem(certificate), PrivateKey=key_pem(key))
    assert error(e) == ("EntityAlreadyExists", "The Server Certificate with name site already exists.")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    iam.delete_server_certificate(ServerCertificateName="site")
    for call in (iam.get_server_certificate, iam.delete_server_certificate):
        with pytest.raises(ClientError) as e:
            call(ServerCertificateName="site")
        assert error(e) == ("NoSuchEntity", "The Server Certificate with name site cannot be found.")
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_server_certificate_with_its_chain_and_a_pkcs8_key(iam):
    root_key, leaf_key = make_key(), make_key()
    root = make_certificate("root", root_key)
    leaf = make_certificate("leaf", leaf_key, issuer=root, issuer_key=root_key)
    iam.upload_server_certificate(
        ServerCertificateName="chained", CertificateBody=pem(leaf), CertificateChain=pem(root),
        PrivateKey=key_pem(leaf_key, serialization.PrivateFormat.PKCS8))
    got = iam.get_server_certificate(ServerCertificateName="chained")["ServerCertificate"]
    assert got["CertificateChain"] == pem(root).rstrip("\n")

    # A chain must begin with the certificate that signed the body.
    stranger = make_certificate("stranger", make_key())
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(
            ServerCertificateName="broken", CertificateBody=pem(leaf), CertificateChain=pem(stranger),
            PrivateKey=key_pem(leaf_key))
    assert error_code(e) == "MalformedCertificate"
    assert "must start with the immediate signing certificate" in e.value.response["Error"]["Message"]


def test_server_certificate_refuses_what_it_cannot_read_or_a_key_of_another_pair(iam):
    key = make_key()
    certificate = make_certificate("example.test", key)
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName="c", CertificateBody="not a certificate",
                                      PrivateKey=key_pem(key))
    assert error(e) == ("MalformedCertificate",
                        "Unable to parse certificate. Please ensure the certificate is in PEM format.")
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName="c", CertificateBody=pem(certificate),
                                      PrivateKey=key_pem(make_key()))
    assert error_code(e) == "KeyPairMismatch"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_server_certificate_rename_tags_and_durability():
    server = Server().start()
    try:
        iam = server.client("iam")
        key = make_key()
        iam.upload_server_certificate(
            ServerCertificateName="old", CertificateBody=pem(make_certificate("a", key)), PrivateKey=key_pem(key),
            Tags=[{"Key": "team", "Value": "edge"}])
        certificate_id = iam.get_server_certificate(ServerCertificateName="old")["ServerCertificate"][
            "ServerCertificateMetadata"]["ServerCertificateId"]
        iam.update_server_certificate(ServerCertificateName="old", NewServerCertificateName="new", NewPath="/p/")
        iam.tag_server_certificate(ServerCertificateName="new", Tags=[{"Key": "tier", "Value": "1"}])
        iam.untag_server_certificate(ServerCertificateName="new", TagKeys=["team"])
        server.kill9()
        server.start()
        iam = server.client("iam")
        metadata = iam.get_server_certificate(ServerCertificateName="new")["ServerCertificate"][
            "ServerCertificateMetadata"]
        assert (metadata["ServerCertificateId"], metadata["Path"]) == (certificate_id, "/p/")
        assert metadata["Arn"].endswith(":server-certificate/p/new")
        assert iam.list_server_certificate_tags(ServerCertificateName="new")["Tags"] == [
            {"Key": "tier", "Value": "1"}]
        with pytest.raises(ClientError) as e:
            iam.get_server_certificate(ServerCertificateName="old")
        assert error_code(e) == "NoSuchEntity"
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_signing_certificates_two_per_user_and_their_errors(iam):
    iam.create_user(UserName="signer")
    body = pem(make_certificate("signer", make_key()))
    first = iam.upload_signing_certificate(UserName="signer", CertificateBody=body)["Certificate"]
    assert first["Status"] == "Active" and first["UserName"] == "signer"
    assert first["CertificateBody"] == body.rstrip("\n")
    assert len(first["CertificateId"]) >= 24 and first["CertificateId"].isalnum()
    iam.upload_signing_certificate(UserName="signer", CertificateBody=pem(make_certificate("two", make_key())))
    with pytest.raises(ClientError) as e:
        iam.upload_signing_certificate(UserName="signer", CertificateBody=pem(make_certificate("3", make_key())))
    assert error(e) == ("LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    with pytest.raises(ClientError) as e:
        iam.upload_signing_certificate(UserName="signer", CertificateBody="invalid-certificate-body")
    assert error(e) == ("MalformedCertificate", "Certificate invalid-certificate-body is malformed.")
    with pytest.raises(ClientError) as e:
        iam.upload_signing_certificate(UserName="nobody", CertificateBody=body)
    assert error(e) == ("NoSuchEntity", "The user with name nobody cannot be found.")
    # The user is looked up before the certificate.
    with pytest.raises(ClientError) as e:
        iam.update_signing_certificate(UserName="nobody", CertificateId="NONEXISTENTCERTID12345678901",
                                       Status="Inactive")
    assert error(e) == ("NoSuchEntity", "The user with name nobody cannot be found.")
    with pytest.raises(ClientError) as e:
        iam.delete_signing_certificate(UserName="signer", CertificateId="NONEXISTENTCERTID12345678901")
    assert error(e) == ("NoSuchEntity", "The Certificate with id NONEXISTENTCERTID12345678901 cannot be found.")

    iam.update_signing_certificate(UserName="signer", CertificateId=first["CertificateId"], Status="Inactive")
    listed = iam.list_signing_certificates(UserName="signer")
    assert [c["Status"] for c in listed["Certificates"]] == ["Inactive", "Active"]
    assert listed["IsTruncated"] is False


def test_signing_certificates_follow_a_renamed_user_and_block_its_deletion(iam):
    iam.create_user(UserName="before")
    certificate = iam.upload_signing_certificate(
        UserName="before", CertificateBody=pem(make_certificate("c", make_key())))["Certificate"]
    iam.update_user(UserName="before", NewUserName="after")
    listed = iam.list_signing_certificates(UserName="after")["Certificates"]
    assert [(c["CertificateId"], c["UserName"]) for c in listed] == [(certificate["CertificateId"], "after")]
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="after")
    assert error(e) == ("DeleteConflict", "Cannot delete entity, must delete certificates first.")
    iam.delete_signing_certificate(UserName="after", CertificateId=certificate["CertificateId"])
    assert iam.list_signing_certificates(UserName="after")["Certificates"] == []
    iam.delete_user(UserName="after")
