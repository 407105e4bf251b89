"""Requests that once killed the server, kept as regression inputs: each gets an AWS error, and the
server is still there afterwards."""
import base64
import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def post_form(server, body):
    req = urllib.request.Request(server.endpoint + "/", data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def assert_alive(server):
    with urllib.request.urlopen(server.endpoint + "/_switchyard/health", timeout=5) as r:
        assert r.status == 200


def test_query_member_name_of_fifty_thousand_dots(server):
    # Parameter names are split on dots into a tree; this one was 50,000 levels deep (a stack overflow).
    for action in ("SendMessage", "Publish"):
        status, body = post_form(server, b"Action=" + action.encode() + b"&" + b"." * 50_000 + b"=x")
        assert status == 400, body
    status, body = post_form(server, b"Action=ListQueues&" + b"a." * 25_000 + b"a=1")
    assert status == 200, body
    assert_alive(server)


@pytest.mark.parametrize("offset", [2**63 - 1, 2**62, 10**18])
def test_next_token_with_a_huge_offset(sqs, queue_url, offset):
    # A token forged to name a position far past the end: an empty page, never an overflow.
    token = base64.b64encode(str(offset).encode()).decode()
    assert sqs.list_queues(MaxResults=10, NextToken=token).get("QueueUrls", []) == []
    assert sqs.list_dead_letter_source_queues(QueueUrl=queue_url, MaxResults=10, NextToken=token)["queueUrls"] == []


def http_policy(**retry):
    return json.dumps({"http": {"defaultHealthyRetryPolicy": retry}})


BASE = {"minDelayTarget": 1, "maxDelayTarget": 20, "numRetries": 3}


@pytest.mark.parametrize("change,reason", [
    ({"minDelayTarget": 1e300}, "http.defaultHealthyRetryPolicy.minDelayTarget must be less than or equal to 3600"),
    ({"maxDelayTarget": 1e19}, "http.defaultHealthyRetryPolicy.maxDelayTarget must be less than or equal to 3600"),
    ({"numNoDelayRetries": -(2**63)}, "http.defaultHealthyRetryPolicy.numNoDelayRetries must be greater than or equal to 0"),
    ({"numRetries": 300}, "http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100"),
    ({"minDelayTarget": 0}, "http.defaultHealthyRetryPolicy.minDelayTarget must be greater than or equal to 1"),
    ({"minDelayTarget": 30}, "http.defaultHealthyRetryPolicy.maxDelayTarget must be greater than or equal to minDelayTarget"),
    ({"numNoDelayRetries": 2, "numMaxDelayRetries": 2},
     "http.defaultHealthyRetryPolicy.numRetries must be greater than or equal to total of numMinDelayRetries, "
     "numNoDelayRetries and numMaxDelayRetries"),
])
def test_topic_delivery_policy_out_of_range_is_refused(sns, change, reason):
    topic = sns.create_topic(Name="policy")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy",
                                 AttributeValue=http_policy(**{**BASE, **change}))
    assert error_code(e) == "InvalidParameter"
    assert e.value.response["Error"]["Message"] == f"Invalid parameter: DeliveryPolicy: {reason}"
    # Nothing was stored: publishing to the topic works.
    assert "DeliveryPolicy" not in sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    sns.publish(TopicArn=topic, Message="still here")


def test_delivery_policy_problems_at_create_topic_and_subscribe(sns, sqs):
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="policy", Attributes={"DeliveryPolicy": http_policy(**{**BASE, "numRetries": 300})})
    assert e.value.response["Error"]["Message"] == (
        "Invalid parameter: Attributes Reason: DeliveryPolicy: "
        "http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100")
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="policy", Attributes={"DeliveryPolicy": json.dumps(
            {"http": {"defaultHealthyRetryPolicy": {"maxDelayTarget": 20, "numRetries": 3}}})})
    assert e.value.response["Error"]["Message"].endswith("http.defaultHealthyRetryPolicy.minDelayTarget must be specified")
    topic = sns.create_topic(Name="policy")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/", Attributes={
            "DeliveryPolicy": json.dumps({"healthyRetryPolicy": {**BASE, "maxDelayTarget": 1e19}})})
    assert error_code(e) == "InvalidParameter"
    assert "healthyRetryPolicy.maxDelayTarget must be less than or equal to 3600" in e.value.response["Error"]["Message"]


def test_a_valid_delivery_policy_is_kept_as_given(sns):
    policy = json.dumps({"http": {
        "defaultHealthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 0,
                                      "numNoDelayRetries": 0, "numMinDelayRetries": 0, "numMaxDelayRetries": 0,
                                      "backoffFunction": "linear"},
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}})
    topic = sns.create_topic(Name="policy", Attributes={"DeliveryPolicy": policy})["TopicArn"]
    assert json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DeliveryPolicy"]) == json.loads(policy)


def test_invalid_utf8_in_a_query_body_is_stored_as_aws_does(server, sqs, queue_url):
    # AWS replaces bytes that are not UTF-8 with U+FFFD and answers the MD5 of what it stored (clients
    # that hash the bytes they sent see a checksum mismatch: aws/aws-sdk-go#339 and #875). The same
    # here: no error, no silent difference between what is answered and what is kept.
    import hashlib
    import urllib.parse
    body = ("Action=SendMessage&Version=2012-11-05&QueueUrl=" + urllib.parse.quote(queue_url, safe="") +
            "&MessageBody=ok%FFend").encode()
    status, text = post_form(server, body)
    assert status == 200, text
    stored = "ok\ufffdend"
    assert hashlib.md5(stored.encode()).hexdigest() in text
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == stored


def with_request_rewritten(client, rewrite):
    """The client's requests changed after validation, as a hand-made request would send them."""
    client.meta.events.register("before-sign", lambda request, **kwargs: rewrite(request))
    return client


def start_date_in_seconds(seconds):
    import re

    def rewrite(request):
        request.url = re.sub(r"StartDate=[^&]*", f"StartDate={seconds}", request.url)
    return rewrite


@pytest.mark.parametrize("seconds", ["1e308", "-1e308", "99999999999999999999", "253402300800", "inf"])
def test_a_timestamp_no_calendar_holds_is_refused(server, seconds):
    # It once reached the SES statistics, whose count of milliseconds overflowed and ended the server.
    import datetime
    days = {"Domain": "example.com", "StartDate": datetime.datetime(2026, 11, 1),
            "EndDate": datetime.datetime(2026, 11, 2)}
    sesv2 = with_request_rewritten(server.client("sesv2"), start_date_in_seconds(seconds))
    with pytest.raises(ClientError) as e:
        sesv2.get_domain_statistics_report(**days)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # The last second of the year 9999 is still a date.
    sesv2 = with_request_rewritten(server.client("sesv2"), start_date_in_seconds("253402300799"))
    report = sesv2.get_domain_statistics_report(**days)
    assert report["OverallVolume"]["VolumeStatistics"]["InboxRawCount"] == 0
    assert_alive(server)


@pytest.mark.parametrize("seconds", [1e308, -1e19, 1e19])
def test_a_timestamp_no_calendar_holds_is_refused_in_json(server, seconds):
    def rewrite(request):
        body = json.loads(request.data)
        body["Entries"][0]["Time"] = seconds
        request.data = json.dumps(body).encode()
    events = with_request_rewritten(server.client("events"), rewrite)
    with pytest.raises(ClientError) as e:
        events.put_events(Entries=[{"Source": "a", "DetailType": "b", "Detail": "{}"}])
    assert error_code(e) == "SerializationException"
    assert_alive(server)


def test_characters_xml_does_not_admit_are_written_as_references(server):
    # A control character echoed in a validation message: written as S3 writes such characters in
    # object keys, never as a raw byte that no XML parser reads.
    status, body = post_form(server, b"Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=ab%00%01%7F")
    assert status == 400, body
    assert "Value &apos;ab&#x0;&#x1;\x7f&apos; at &apos;accessKeyId&apos;" in body
    assert "\x00" not in body and "\x01" not in body
