"""Delivery status logs that are configured outside topics, through boto3: an account's SMS settings
log SMS published to a phone number, and a platform application's attributes log the messages to its
endpoints (published to the endpoint or through a topic).

Expected values come from the SNS Developer Guide: SetSMSAttributes' `DeliveryStatusIAMRole` and
`DeliveryStatusSuccessSamplingRate`; log groups `sns/<region>/<account>/DirectPublishToPhoneNumber`
and `.../Failure`, with entries holding the message id, the destination, the SMS type, the number of
message parts, the provider's response and dwell times ("Monitoring SMS deliveries"); the application
attributes `SuccessFeedbackRoleArn`, `SuccessFeedbackSampleRate` and `FailureFeedbackRoleArn`, logging
to `sns/<region>/<account>/app/<platform>/<name>`, with entries holding the status code, the device
token, the attempts and the endpoint as destination ("Amazon SNS mobile app attributes")."""
import json
import time
import urllib.request

import pytest

from conftest import ACCOUNT, REGION
from test_sns_delivery_status import FEEDBACK_ROLE, group_exists, log_entries


@pytest.fixture
def clients(server):
    server.reset()
    return server.client("sns"), server.client("logs")


def test_direct_sms_is_logged_when_the_account_asks(clients):
    sns, logs = clients
    group = f"sns/{REGION}/{ACCOUNT}/DirectPublishToPhoneNumber"
    sns.publish(PhoneNumber="+15555550100", Message="not logged")
    # A role with a sample rate of 0 logs no success either.
    sns.set_sms_attributes(attributes={"DeliveryStatusIAMRole": FEEDBACK_ROLE,
                                       "DeliveryStatusSuccessSamplingRate": "0"})
    sns.publish(PhoneNumber="+15555550100", Message="not logged either")
    time.sleep(0.3)
    assert not group_exists(logs, group)

    sns.set_sms_attributes(attributes={"DeliveryStatusSuccessSamplingRate": "100"})
    first = sns.publish(PhoneNumber="+15555550100", Message="x" * 200)["MessageId"]
    [entry] = log_entries(logs, group)
    assert entry["status"] == "SUCCESS"
    assert entry["notification"]["messageId"] == first
    assert set(entry["notification"]) == {"messageId", "timestamp"}
    delivery = entry["delivery"]
    assert delivery["destination"] == "+15555550100"
    assert delivery["smsType"] == "Promotional"  # AWS's default type
    assert delivery["numberOfMessageParts"] == 2  # 200 GSM characters: 153 + 47
    assert delivery["providerResponse"] == "Message has been accepted by phone carrier"
    assert delivery["dwellTimeMs"] >= 0 and delivery["dwellTimeMsUntilDeviceAck"] >= delivery["dwellTimeMs"]

    # The message's own type wins over the account's default; text outside GSM goes as UCS-2.
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Promotional"})
    sns.publish(PhoneNumber="+15555550101", Message="\u00e7a va \u2603" * 11, MessageAttributes={
        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
    entries = log_entries(logs, group, expected=2)
    second = next(e for e in entries if e["delivery"]["destination"] == "+15555550101")
    assert second["delivery"]["smsType"] == "Transactional"
    assert second["delivery"]["numberOfMessageParts"] == 2  # 77 UTF-16 units: 67 + 10
    assert not group_exists(logs, group + "/Failure")


def pushes(server):
    with urllib.request.urlopen(server.endpoint + "/_switchyard/sns/messages?kind=application", timeout=10) as r:
        return json.load(r)["messages"]


def test_pushes_are_logged_in_the_applications_group(server, clients):
    sns, logs = clients
    app = sns.create_platform_application(Name="status-app", Platform="GCM", Attributes={
        "PlatformCredential": "key", "SuccessFeedbackRoleArn": FEEDBACK_ROLE, "SuccessFeedbackSampleRate": "100",
        "FailureFeedbackRoleArn": FEEDBACK_ROLE})["PlatformApplicationArn"]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-7")["EndpointArn"]
    group = f"sns/{REGION}/{ACCOUNT}/app/GCM/status-app"

    direct = sns.publish(TargetArn=endpoint, Message="straight to the device")["MessageId"]
    [entry] = log_entries(logs, group)
    assert entry["status"] == "SUCCESS"
    assert entry["notification"]["messageId"] == direct
    delivery = entry["delivery"]
    assert delivery["destination"] == endpoint and delivery["token"] == "device-7"
    assert delivery["statusCode"] == 200 and delivery["attempts"] == 1 and delivery["dwellTimeMs"] >= 0

    # Through a topic: the application logs the delivery too.
    topic = sns.create_topic(Name="status-push")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint)
    sns.set_topic_attributes(TopicArn=topic, AttributeName="ApplicationFailureFeedbackRoleArn",
                             AttributeValue=FEEDBACK_ROLE)
    through = sns.publish(TopicArn=topic, Message="through the topic")["MessageId"]
    entries = log_entries(logs, group, expected=2)
    assert {e["notification"]["messageId"] for e in entries} == {direct, through}

    # A disabled endpoint takes nothing: the delivery fails, and both the application and the topic log it.
    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
    refused = sns.publish(TopicArn=topic, Message="to a disabled device")["MessageId"]
    [failure] = log_entries(logs, group + "/Failure")
    assert failure["status"] == "FAILURE" and failure["notification"]["messageId"] == refused
    assert failure["delivery"]["statusCode"] == 400 and failure["delivery"]["token"] == "device-7"
    assert "disabled" in failure["delivery"]["providerResponse"]
    [topic_failure] = log_entries(logs, f"sns/{REGION}/{ACCOUNT}/status-push/Failure")
    assert topic_failure["notification"]["messageId"] == refused
    assert [m["body"] for m in pushes(server)] == ["straight to the device", "through the topic"]
