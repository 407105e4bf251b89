"""SNS topics through boto3 and the aws CLI: creation rules, attributes, tags, listing, errors.

Also the SMS account operations and data protection policies."""
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import botocore.exceptions
import pytest

from conftest import ACCOUNT, REGION, error_code


def topic_arn(name):
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def test_create_topic_is_idempotent_and_answers_the_arn(sns):
    first = sns.create_topic(Name="orders")["TopicArn"]
    assert first == topic_arn("orders")
    assert sns.create_topic(Name="orders")["TopicArn"] == first
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [first]


def test_default_attributes(sns):
    arn = sns.create_topic(Name="t")["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["TopicArn"] == arn
    assert attributes["Owner"] == ACCOUNT
    assert attributes["DisplayName"] == ""
    assert attributes["SubscriptionsConfirmed"] == "0"
    assert attributes["SubscriptionsPending"] == "0"
    assert attributes["SubscriptionsDeleted"] == "0"
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Resource"] == arn
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"AWS:SourceOwner": ACCOUNT}}
    delivery = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert delivery["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert "FifoTopic" not in attributes


def test_subscription_counts_follow_subscribe_and_unsubscribe(sns, sqs):
    arn = sns.create_topic(Name="counted")["TopicArn"]
    subscriptions = []
    for name in ("counted-a", "counted-b"):
        sqs.create_queue(QueueName=name)
        endpoint = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        subscriptions.append(sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=endpoint)["SubscriptionArn"])
    sns.subscribe(TopicArn=arn, Protocol="http", Endpoint="http://127.0.0.1:9/never")
    sns.unsubscribe(SubscriptionArn=subscriptions[0])
    sns.unsubscribe(SubscriptionArn=subscriptions[0])  # already gone: not counted twice
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["SubscriptionsConfirmed"] == "1"
    assert attributes["SubscriptionsPending"] == "1"
    assert attributes["SubscriptionsDeleted"] == "1"


def test_fifo_topics(sns):
    arn = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})[
        "TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    for name, attributes in [("t.fifo", {}), ("plain", {"FifoTopic": "true"})]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.create_topic(Name=name, Attributes=attributes)
        assert error_code(excinfo) == "InvalidParameter"


def test_set_topic_attributes(sns):
    arn = sns.create_topic(Name="t", Attributes={"DisplayName": "Orders"})["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Shipping")
    policy = json.dumps({"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 30, "numRetries": 5}}})
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DeliveryPolicy", AttributeValue=policy)
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Shipping"
    # Kept with disableSubscriptionOverrides filled in; the effective policy completes the rest (as AWS answers).
    stored = json.loads(policy)
    stored["http"]["disableSubscriptionOverrides"] = False
    assert json.loads(attributes["DeliveryPolicy"]) == stored
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])["http"]
    assert effective["defaultHealthyRetryPolicy"]["maxDelayTarget"] == 30
    assert effective["defaultHealthyRetryPolicy"]["backoffFunction"] == "linear"


@pytest.mark.parametrize("name,value", [
    ("NoSuchAttribute", "1"),
    ("SignatureVersion", "3"),
    ("TracingConfig", "Sometimes"),
    ("Policy", "{not json"),
    ("ContentBasedDeduplication", "true"),  # only for FIFO topics
])
def test_bad_attributes_are_invalid_parameters(sns, name, value):
    arn = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.set_topic_attributes(TopicArn=arn, AttributeName=name, AttributeValue=value)
    assert error_code(excinfo) == "InvalidParameter"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_existing_topic_with_other_attributes_is_refused(sns):
    sns.create_topic(Name="t", Attributes={"DisplayName": "a"})
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.create_topic(Name="t", Attributes={"DisplayName": "b"})
    assert error_code(excinfo) == "InvalidParameter"
    assert "already exists with different attributes" in str(excinfo.value)


@pytest.mark.parametrize("name", ["", "has space", "x" * 257, "ümlaut"])
def test_bad_names(sns, name):
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.create_topic(Name=name)
    assert error_code(excinfo) == "InvalidParameter"


def test_missing_and_malformed_topics(sns):
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn=topic_arn("absent"))
    assert error_code(excinfo) == "NotFound"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn="not-an-arn")
    assert error_code(excinfo) == "InvalidParameter"
    assert excinfo.value.response["Error"]["Message"] == (
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1")
    # A topic of another region is an invalid parameter, not a missing topic.
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn=topic_arn("t").replace("us-east-1", "eu-west-1"))
    assert error_code(excinfo) == "InvalidParameter"
    assert excinfo.value.response["Error"]["Message"] == "Invalid parameter: TopicArn"
    sns.delete_topic(TopicArn=topic_arn("absent"))  # deleting what is not there succeeds


def test_delete_topic(sns):
    arn = sns.create_topic(Name="t")["TopicArn"]
    sns.delete_topic(TopicArn=arn)
    assert sns.list_topics()["Topics"] == []


def test_list_topics_pages_by_100(sns):
    for index in range(105):
        sns.create_topic(Name=f"t{index:03}")
    first = sns.list_topics()
    assert len(first["Topics"]) == 100
    second = sns.list_topics(NextToken=first["NextToken"])
    assert len(second["Topics"]) == 5 and "NextToken" not in second
    paginated = [t for page in sns.get_paginator("list_topics").paginate() for t in page["Topics"]]
    assert len(paginated) == 105


def test_tags(sns):
    arn = sns.create_topic(Name="t", Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}]
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_code(excinfo) == "TagLimitExceeded"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.list_tags_for_resource(ResourceArn=topic_arn("absent"))
    assert error_code(excinfo) == "ResourceNotFound"


def test_accounts_and_regions_are_isolated(server, sns):
    sns.create_topic(Name="shared")
    other_account = server.client("sns", access_key="111122223333")
    other_region = server.client("sns", region="eu-west-1")
    assert other_account.list_topics()["Topics"] == []
    assert other_region.list_topics()["Topics"] == []
    assert other_account.create_topic(Name="shared")["TopicArn"] == f"arn:aws:sns:{REGION}:111122223333:shared"


def test_model_validation_speaks_coral_under_validation_error(server, sns):
    request = urllib.request.Request(
        server.endpoint + "/", data=urllib.parse.urlencode({"Action": "CreateTopic", "Version": "2010-03-31"}).encode(),
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/aws4_request, "
                                  "SignedHeaders=host, Signature=0",
                 "X-Amz-Date": "20260101T000000Z", "Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request, timeout=10)
    assert excinfo.value.code == 400
    text = excinfo.value.read().decode().replace("&apos;", "'")
    assert "<Code>ValidationError</Code>" in text
    assert "Value null at 'name'" in text


def test_sms_account_operations(server, sns):
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "DefaultSenderID": "Shop"})
    assert sns.get_sms_attributes()["attributes"] == {"DefaultSMSType": "Transactional", "DefaultSenderID": "Shop"}
    assert sns.get_sms_attributes(attributes=["DefaultSenderID"])["attributes"] == {"DefaultSenderID": "Shop"}
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"})
    assert error_code(excinfo) == "InvalidParameter"
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == []
    sns.opt_in_phone_number(phoneNumber="+15555550100")
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is False
    assert sns.list_origination_numbers()["PhoneNumbers"] == []
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550123")
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == [{"PhoneNumber": "+15555550123", "Status": "Pending"}]
    url = server.endpoint + "/_switchyard/sns/messages?address=%2B15555550123"
    code = json.load(urllib.request.urlopen(url, timeout=10))["messages"][0]["body"].split()[-1]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550123",
                                            OneTimePassword="000000" if code != "000000" else "111111")
    assert error_code(excinfo) == "VerificationException"
    sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550123", OneTimePassword=code)
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"][0]["Status"] == "Verified"
    sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550123")
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == []


def test_data_protection_policy(sns):
    arn = sns.create_topic(Name="t")["TopicArn"]
    policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": []})
    sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=policy)
    assert json.loads(sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"]) == json.loads(policy)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy="{not json")
    assert error_code(excinfo) == "InvalidParameter"


def test_topics_survive_a_restart(tmp_path):
    from conftest import Server
    server = Server(data_dir=str(tmp_path)).start()
    try:
        client = server.client("sns")
        arn = client.create_topic(Name="durable", Attributes={"DisplayName": "D"},
                                  Tags=[{"Key": "k", "Value": "v"}])["TopicArn"]
        server.kill9()
        server.start()
        client = server.client("sns")
        assert client.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "D"
        assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    finally:
        server.stop()


def test_cli_creates_and_lists_topics(server):
    server.reset()
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=REGION)
    run = lambda *args: subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", *args],
                                       env=env, capture_output=True, text=True, timeout=60)
    created = run("sns", "create-topic", "--name", "cli-topic")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["TopicArn"] == topic_arn("cli-topic")
    listed = run("sns", "list-topics")
    assert [t["TopicArn"] for t in json.loads(listed.stdout)["Topics"]] == [topic_arn("cli-topic")]


def test_add_and_remove_permission_edit_the_topic_policy(sns):
    arn = sns.create_topic(Name="t")["TopicArn"]
    sns.add_permission(TopicArn=arn, Label="partners", AWSAccountId=["111122223333"], ActionName=["Publish"])
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    added = [s for s in statements if s["Sid"] == "partners"]
    assert added == [{"Sid": "partners", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                      "Action": "SNS:Publish", "Resource": arn}]
    assert any(s["Sid"] == "__default_statement_ID" for s in statements)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.add_permission(TopicArn=arn, Label="partners", AWSAccountId=["111122223333"], ActionName=["Publish"])
    assert error_code(excinfo) == "InvalidParameter"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.add_permission(TopicArn=arn, Label="x", AWSAccountId=["111122223333"], ActionName=["Frobnicate"])
    assert error_code(excinfo) == "InvalidParameter"
    sns.remove_permission(TopicArn=arn, Label="partners")
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["__default_statement_ID"]
