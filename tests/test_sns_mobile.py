"""Mobile push through boto3: platform applications and endpoints, Publish to a TargetArn and
application subscriptions, with pushes captured in the outbox."""
import json
import time
import urllib.request

import botocore.exceptions
import pytest

from conftest import error_code


@pytest.fixture
def sns(server):
    server.reset()
    return server.client("sns")


def pushes(server, expected):
    deadline = time.time() + 10
    while True:
        url = server.endpoint + "/_switchyard/sns/messages?kind=application"
        messages = json.load(urllib.request.urlopen(url, timeout=10))["messages"]
        if len(messages) >= expected or time.time() > deadline:
            return messages
        time.sleep(0.05)


def test_platform_applications_and_endpoints(sns):
    app = sns.create_platform_application(Name="app", Platform="GCM",
                                          Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"]
    assert app.endswith(":app/GCM/app")
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]
    assert attributes["Enabled"] == "true" and "PlatformCredential" not in attributes
    sns.set_platform_application_attributes(PlatformApplicationArn=app,
                                             Attributes={"EventEndpointCreated": "arn:aws:sns:us-east-1:000000000000:t"})
    assert [a["PlatformApplicationArn"] for a in sns.list_platform_applications()["PlatformApplications"]] == [app]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1",
                                            CustomUserData="user 7")["EndpointArn"]
    assert ":endpoint/GCM/app/" in endpoint
    assert sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1",
                                        CustomUserData="user 7")["EndpointArn"] == endpoint
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="someone else")
    assert error_code(excinfo) == "InvalidParameter"
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"] == {
        "Token": "device-1", "Enabled": "true", "CustomUserData": "user 7"}
    listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
    assert [e["EndpointArn"] for e in listed] == [endpoint]
    sns.delete_platform_application(PlatformApplicationArn=app)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.get_endpoint_attributes(EndpointArn=endpoint)
    assert error_code(excinfo) == "NotFound"


def test_application_rules(sns):
    for platform, attributes in [("GCM", {"EventEndpointCreated": "x"}), ("APNS", {"PlatformCredential": "cert"}), ("CARRIER_PIGEON", {"PlatformCredential": "x"})]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.create_platform_application(Name="a", Platform=platform, Attributes=attributes)
        assert error_code(excinfo) == "InvalidParameter"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.get_platform_application_attributes(
            PlatformApplicationArn="arn:aws:sns:us-east-1:000000000000:app/GCM/absent")
    assert error_code(excinfo) == "NotFound"


def test_pushes_land_in_the_outbox(server, sns):
    app = sns.create_platform_application(Name="app", Platform="GCM",
                                          Attributes={"PlatformCredential": "key"})["PlatformApplicationArn"]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1")["EndpointArn"]
    payload = json.dumps({"notification": {"title": "hi"}})
    sns.publish(TargetArn=endpoint, MessageStructure="json",
                Message=json.dumps({"default": "plain", "GCM": payload}))
    topic = sns.create_topic(Name="t")["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint)["SubscriptionArn"]
    assert subscription.startswith(topic + ":")
    sns.publish(TopicArn=topic, Message="from the topic")
    messages = pushes(server, 2)
    assert [(m["address"], m["body"]) for m in messages] == [(endpoint, payload), (endpoint, "from the topic")]
    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.publish(TargetArn=endpoint, Message="nope")
    assert error_code(excinfo) == "EndpointDisabled"
