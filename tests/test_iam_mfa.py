"""IAM MFA devices as AWS answers them: virtual devices with a TOTP seed and a QR code, enabled for
a user with two consecutive codes, following a renamed user, and counted in the account summary;
hardware tokens; and the credential report that shows them."""
import base64
import csv
import hashlib
import hmac
import io
import shutil
import struct
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Server


@pytest.fixture
def iam(server):
    server.reset()
    return server.client("iam")


def totp(seed, counter):
    """RFC 6238's code for a time step, computed independently of the server."""
    digest = hmac.new(base64.b32decode(seed), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def codes(seed):
    step = int(time.time() // 30)
    return totp(seed, step - 1), totp(seed, step)


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_a_virtual_device_has_a_seed_a_qr_code_and_its_path_in_the_serial(iam):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone", Path="/team//a/")["VirtualMFADevice"]
    assert device["SerialNumber"] == "arn:aws:iam::000000000000:mfa/team//a/phone"
    seed = device["Base32StringSeed"]
    assert len(seed) == 64 and len(base64.b32decode(seed)) == 40
    assert device["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")
    assert "User" not in device and "EnableDate" not in device

    with pytest.raises(ClientError) as e:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")
    assert error(e) == ("EntityAlreadyExists", "MFA device already exists.")
    for path in ("no-slash/", "/no-trailing"):
        with pytest.raises(ClientError) as e:
            iam.create_virtual_mfa_device(VirtualMFADeviceName="other", Path=path)
        assert error(e) == ("ValidationError", "The specified value for path is invalid. It must begin and end "
                            "with / and contain only alphanumeric characters and/or / characters.")


def test_enabling_takes_two_consecutive_codes_and_the_device_follows_its_user(iam):
    iam.create_user(UserName="alice")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    first, second = codes(seed)
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=second,
                              AuthenticationCode2=first)
    assert error(e) == ("InvalidAuthenticationCode", "Authentication code for device is not valid.")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(UserName="nobody", SerialNumber=serial, AuthenticationCode1=first,
                              AuthenticationCode2=second)
    assert error(e) == ("NoSuchEntity", "The user with name nobody cannot be found.")

    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=first,
                          AuthenticationCode2=second)
    iam.create_user(UserName="bob")
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(UserName="bob", SerialNumber=serial, AuthenticationCode1=first,
                              AuthenticationCode2=second)
    assert error(e) == ("EntityAlreadyExists", "MFA Device is already in use.")
    summary = iam.get_account_summary()["SummaryMap"]
    assert (summary["MFADevices"], summary["MFADevicesInUse"], summary["AccountMFAEnabled"]) == (1, 1, 0)

    iam.update_user(UserName="alice", NewUserName="alicia")
    listed = iam.list_mfa_devices(UserName="alicia")["MFADevices"]
    assert [(d["SerialNumber"], d["UserName"]) for d in listed] == [(serial, "alicia")]
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned[0]["User"]["UserName"] == "alicia" and "EnableDate" in assigned[0]
    assert set(assigned[0]["User"]) == {"Path", "UserName", "UserId", "Arn", "CreateDate"}
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"] == []

    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="alicia")
    assert error(e) == ("DeleteConflict", "Cannot delete entity, must delete MFA device first.")
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error(e) == ("DeleteConflict", "MFA VirtualDevice in use. Must deactivate first.")

    iam.deactivate_mfa_device(UserName="alicia", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="alicia")["MFADevices"] == []
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"] == [
        {"SerialNumber": serial}]
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error(e) == ("NoSuchEntity", f"MFA Device with serial number {serial} does not exist.")
    iam.delete_user(UserName="alicia")


def test_a_hardware_token_is_enabled_without_its_codes_being_known(iam):
    iam.create_user(UserName="carol")
    iam.enable_mfa_device(UserName="carol", SerialNumber="GAHT12345678", AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="carol")["MFADevices"]] == ["GAHT12345678"]
    assert iam.get_mfa_device(SerialNumber="GAHT12345678")["UserName"] == "carol"
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    iam.deactivate_mfa_device(UserName="carol", SerialNumber="GAHT12345678")
    assert iam.list_mfa_devices(UserName="carol")["MFADevices"] == []


def test_virtual_devices_page_and_refuse_a_bad_marker(iam):
    for index in range(3):
        iam.create_virtual_mfa_device(VirtualMFADeviceName=f"device-{index}")
    first = iam.list_virtual_mfa_devices(MaxItems=2)
    assert len(first["VirtualMFADevices"]) == 2 and first["IsTruncated"] is True
    rest = iam.list_virtual_mfa_devices(MaxItems=2, Marker=first["Marker"])
    assert len(rest["VirtualMFADevices"]) == 1 and rest["IsTruncated"] is False
    with pytest.raises(ClientError) as e:
        iam.list_virtual_mfa_devices(Marker="invalid-marker-value")
    assert error(e) == ("ValidationError", "Invalid Marker.")


def test_devices_and_their_state_survive_a_restart():
    server = Server().start()
    try:
        iam = server.client("iam")
        iam.create_user(UserName="dave")
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="dave-phone")["VirtualMFADevice"]
        first, second = codes(device["Base32StringSeed"].decode())
        iam.enable_mfa_device(UserName="dave", SerialNumber=device["SerialNumber"], AuthenticationCode1=first,
                              AuthenticationCode2=second)
        iam.tag_mfa_device(SerialNumber=device["SerialNumber"], Tags=[{"Key": "k", "Value": "v"}])
        server.kill9()
        server.start()
        iam = server.client("iam")
        assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="dave")["MFADevices"]] == [
            device["SerialNumber"]]
        assert iam.list_mfa_device_tags(SerialNumber=device["SerialNumber"])["Tags"] == [{"Key": "k", "Value": "v"}]
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_the_credential_report_shows_passwords_keys_and_mfa(iam):
    with pytest.raises(ClientError) as e:
        iam.get_credential_report()
    assert e.value.response["Error"]["Code"] == "ReportNotPresent"
    assert "Message" not in e.value.response["Error"]
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410

    iam.create_user(UserName="erin")
    iam.create_login_profile(UserName="erin", Password="Correct-Horse-9", PasswordResetRequired=False)
    old = iam.create_access_key(UserName="erin")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="erin", AccessKeyId=old, Status="Inactive")
    iam.create_access_key(UserName="erin")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="erin-phone")["VirtualMFADevice"]
    first, second = codes(device["Base32StringSeed"].decode())
    iam.enable_mfa_device(UserName="erin", SerialNumber=device["SerialNumber"], AuthenticationCode1=first,
                          AuthenticationCode2=second)

    started = iam.generate_credential_report()
    assert (started["State"], started["Description"]) == (
        "STARTED", "No report exists. Starting a new report generation task")
    complete = iam.generate_credential_report()
    assert complete["State"] == "COMPLETE" and "Description" not in complete
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    reader = csv.DictReader(io.StringIO(report["Content"].decode()))
    assert reader.fieldnames[:3] == ["user", "arn", "user_creation_time"] and len(reader.fieldnames) == 22
    rows = {row["user"]: row for row in reader}
    assert rows["<root_account>"]["password_enabled"] == "not_supported"
    erin = rows["erin"]
    assert (erin["password_enabled"], erin["password_last_used"], erin["mfa_active"]) == (
        "true", "no_information", "true")
    # The active key comes first though it is the newer.
    assert (erin["access_key_1_active"], erin["access_key_2_active"]) == ("true", "false")
    assert erin["access_key_2_last_used_date"] == "N/A" and erin["cert_1_last_rotated"] == "N/A"
    assert time.strptime(erin["user_creation_time"], "%Y-%m-%dT%H:%M:%SZ")
