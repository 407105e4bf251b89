"""IAM's account-level operations beyond entities: a user changing its own console password (the
old one checked, the account policy and its reuse prevention applied, kept across a kill -9), STS
token preferences as the account summary reports them, and the Organizations features, which an
account outside any organization cannot use."""
import shutil

import pytest
from botocore.exceptions import ClientError

from conftest import Server


@pytest.fixture
def iam(server):
    server.reset()
    return server.client("iam")


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def as_user(server, iam, name):
    """An IAM client signed with a new access key of the named user."""
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return server.client("iam", access_key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def test_a_user_changes_its_own_password(server, iam):
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="first-Passw0rd", PasswordResetRequired=True)
    alice = as_user(server, iam, "alice")

    with pytest.raises(ClientError) as e:
        alice.change_password(OldPassword="not-the-password", NewPassword="second-Passw0rd")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    alice.change_password(OldPassword="first-Passw0rd", NewPassword="second-Passw0rd")
    # The reset that was required is done.
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    # The old password no longer is the current one.
    with pytest.raises(ClientError) as e:
        alice.change_password(OldPassword="first-Passw0rd", NewPassword="third-Passw0rd")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    alice.change_password(OldPassword="second-Passw0rd", NewPassword="third-Passw0rd")

    # An administrator's new password becomes the one to give.
    iam.update_login_profile(UserName="alice", Password="fourth-Passw0rd")
    with pytest.raises(ClientError):
        alice.change_password(OldPassword="third-Passw0rd", NewPassword="fifth-Passw0rd")
    alice.change_password(OldPassword="fourth-Passw0rd", NewPassword="fifth-Passw0rd")


def test_the_account_policy_governs_the_new_password(server, iam):
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Start-1234")
    bob = as_user(server, iam, "bob")
    iam.update_account_password_policy(MinimumPasswordLength=10, RequireNumbers=True, PasswordReusePrevention=2)

    with pytest.raises(ClientError) as e:
        bob.change_password(OldPassword="Start-1234", NewPassword="short-1")
    assert error(e) == ("PasswordPolicyViolation", "Password does not conform to the account password policy.")
    with pytest.raises(ClientError) as e:
        bob.change_password(OldPassword="Start-1234", NewPassword="no-digits-at-all")
    assert e.value.response["Error"]["Code"] == "PasswordPolicyViolation"

    bob.change_password(OldPassword="Start-1234", NewPassword="Second-1234")
    # The policy remembers two passwords: the current one and the one before it.
    for reused in ("Second-1234", "Start-1234"):
        with pytest.raises(ClientError) as e:
            bob.change_password(OldPassword="Second-1234", NewPassword=reused)
        assert e.value.response["Error"]["Code"] == "PasswordPolicyViolation"
    bob.change_password(OldPassword="Second-1234", NewPassword="Third-12345")
    bob.change_password(OldPassword="Third-12345", NewPassword="Start-1234")


def test_only_an_iam_user_with_a_password_can_change_it(server, iam):
    # The account's root is no IAM user.
    with pytest.raises(ClientError) as e:
        iam.change_password(OldPassword="a", NewPassword="b")
    assert e.value.response["Error"]["Code"] == "InvalidUserType"

    iam.create_user(UserName="carol")
    carol = as_user(server, iam, "carol")
    with pytest.raises(ClientError) as e:
        carol.change_password(OldPassword="a", NewPassword="b")
    assert error(e) == ("NoSuchEntity", "Login Profile for User carol cannot be found.")


def test_a_changed_password_survives_a_kill_9():
    server = Server().start()
    try:
        iam = server.client("iam")
        iam.create_user(UserName="dave")
        iam.create_login_profile(UserName="dave", Password="Before-1234")
        dave = as_user(server, iam, "dave")
        dave.change_password(OldPassword="Before-1234", NewPassword="After-12345")
        iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
        server.kill9()
        server.start()
        dave = server.client("iam", access_key=dave._request_signer._credentials.access_key,
                             secret=dave._request_signer._credentials.secret_key)
        with pytest.raises(ClientError):
            dave.change_password(OldPassword="Before-1234", NewPassword="Again-12345")
        dave.change_password(OldPassword="After-12345", NewPassword="Again-12345")
        assert server.client("iam").get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_sts_token_version_is_reported_in_the_account_summary(iam):
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    with pytest.raises(ClientError) as e:
        iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v3Token")
    assert e.value.response["Error"]["Code"] == "ValidationError"


def test_organizations_features_need_an_organization(iam):
    for call in (iam.list_organizations_features, iam.enable_organizations_root_credentials_management,
                 iam.enable_organizations_root_sessions, iam.disable_organizations_root_credentials_management,
                 iam.disable_organizations_root_sessions):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == ("OrganizationNotFoundException",
                            "The request was rejected because no organization is associated with your account.")
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        iam.generate_organizations_access_report(EntityPath="o-a1b2c3d4e5/r-f6g7h8i9j0example")
    assert e.value.response["Error"]["Code"] == "OrganizationNotFoundException"
    with pytest.raises(ClientError) as e:
        iam.get_organizations_access_report(JobId="a8b6c06f-aaa4-8xmp-28bc-81da71836359")
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
