"""Queue lifecycle, attributes, tags, permissions and listing, through boto3."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, error_code


def test_create_queue_returns_url_with_host_account_and_name(sqs, server):
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    assert url == f"{server.endpoint}/{ACCOUNT}/jobs"
    assert sqs.get_queue_url(QueueName="jobs")["QueueUrl"] == url


def test_create_queue_is_idempotent_and_rejects_different_attributes(sqs):
    a = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "40"})["QueueUrl"]
    b = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "40"})["QueueUrl"]
    assert a == b
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "41"})
    assert error_code(e) == "QueueAlreadyExists"


def test_default_attributes(sqs, queue_url):
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["MaximumMessageSize"] == "1048576"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["DelaySeconds"] == "0"
    assert attrs["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attrs["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert "FifoQueue" not in attrs


def test_get_selected_attributes(sqs, queue_url):
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn", "DelaySeconds"])["Attributes"]
    assert set(attrs) == {"QueueArn", "DelaySeconds"}


def test_get_queue_attributes_without_names_returns_none(sqs, queue_url):
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=queue_url)


def test_set_attributes_and_last_modified(sqs, queue_url):
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"DelaySeconds": "5", "MaximumMessageSize": "2048"})
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attrs["DelaySeconds"] == "5"
    assert attrs["MaximumMessageSize"] == "2048"


@pytest.mark.parametrize("name,value", [
    ("DelaySeconds", "901"), ("DelaySeconds", "-1"), ("MaximumMessageSize", "1023"),
    ("MaximumMessageSize", "1048577"), ("MessageRetentionPeriod", "59"), ("MessageRetentionPeriod", "1209601"),
    ("ReceiveMessageWaitTimeSeconds", "21"), ("VisibilityTimeout", "43201"), ("VisibilityTimeout", "abc"),
    ("Policy", "not json"), ("KmsDataKeyReusePeriodSeconds", "59"),
])
def test_invalid_attribute_values(sqs, queue_url, name, value):
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={name: value})
    assert error_code(e) == "InvalidAttributeValue"
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="bad", Attributes={name: value})
    assert error_code(e) == "InvalidAttributeValue"


def test_unknown_and_read_only_attribute_names(sqs, queue_url):
    for name in ["Bogus", "QueueArn", "ApproximateNumberOfMessages", "ContentBasedDeduplication"]:
        with pytest.raises(ClientError) as e:
            sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={name: "1"})
        assert error_code(e) == "InvalidAttributeName", name
    with pytest.raises(ClientError) as e:
        sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Bogus"])
    assert error_code(e) == "InvalidAttributeName"


@pytest.mark.parametrize("name", ["", "a" * 81, "has space", "dot.name", "x.fifo.fifo", "ü"])
def test_invalid_queue_names(sqs, name):
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=name)
    assert error_code(e) in ("InvalidParameterValue", "MissingParameter")


def test_fifo_attribute_requires_fifo_suffix(sqs):
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="nofifo", Attributes={"FifoQueue": "true"})
    assert error_code(e) == "InvalidParameterValue"


def test_fifo_queue_attributes(sqs, fifo_url):
    attrs = sqs.get_queue_attributes(QueueUrl=fifo_url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    assert attrs["DeduplicationScope"] == "queue"
    assert attrs["FifoThroughputLimit"] == "perQueue"
    sqs.set_queue_attributes(QueueUrl=fifo_url, Attributes={
        "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
    attrs = sqs.get_queue_attributes(QueueUrl=fifo_url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoThroughputLimit"] == "perMessageGroupId"


def test_delete_queue(sqs, queue_url):
    sqs.delete_queue(QueueUrl=queue_url)
    with pytest.raises(ClientError) as e:
        sqs.get_queue_url(QueueName="q")
    assert error_code(e) == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    assert error_code(e) == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="q")
    assert error_code(e) == "AWS.SimpleQueueService.QueueDeletedRecently"


def test_reset_forgets_deleted_queue_names(sqs, server, queue_url):
    sqs.delete_queue(QueueUrl=queue_url)
    server.reset()
    assert sqs.create_queue(QueueName="q")["QueueUrl"] == queue_url


def test_queue_url_accepts_any_host_form(sqs, queue_url):
    for url in [f"http://localhost:4566/{ACCOUNT}/q", f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/q",
                f"http://example.internal/{ACCOUNT}/q"]:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "3"


def test_list_queues_prefix_and_pagination(sqs):
    for i in range(7):
        sqs.create_queue(QueueName=f"page-{i}")
    sqs.create_queue(QueueName="other")
    assert len(sqs.list_queues()["QueueUrls"]) == 8
    assert len(sqs.list_queues(QueueNamePrefix="page-")["QueueUrls"]) == 7
    first = sqs.list_queues(QueueNamePrefix="page-", MaxResults=3)
    assert len(first["QueueUrls"]) == 3 and "NextToken" in first
    seen = list(first["QueueUrls"])
    token = first["NextToken"]
    while token:
        page = sqs.list_queues(QueueNamePrefix="page-", MaxResults=3, NextToken=token)
        seen += page["QueueUrls"]
        token = page.get("NextToken")
    assert len(seen) == 7 and len(set(seen)) == 7
    paginator = sqs.get_paginator("list_queues")
    urls = [u for p in paginator.paginate(QueueNamePrefix="page-", PaginationConfig={"PageSize": 2}) for u in p.get("QueueUrls", [])]
    assert len(urls) == 7


def test_list_queues_empty(sqs):
    assert "QueueUrls" not in sqs.list_queues()


def test_tags(sqs):
    url = sqs.create_queue(QueueName="tagged", tags={"team": "a"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "dev", "team": "b"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b", "env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_permissions_are_reflected_in_policy(sqs, queue_url):
    sqs.add_permission(QueueUrl=queue_url, Label="send", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    statement = policy["Statement"][0]
    assert statement["Sid"] == "send"
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Action"] == "SQS:SendMessage"
    assert statement["Resource"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=queue_url, Label="send", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert error_code(e) == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=queue_url, Label="send")
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"]).get("Attributes", {})
    with pytest.raises(ClientError) as e:
        sqs.remove_permission(QueueUrl=queue_url, Label="send")
    assert error_code(e) == "InvalidParameterValue"


def test_accounts_and_regions_are_isolated(server):
    server.reset()
    a = server.client(access_key="111111111111")
    b = server.client(access_key="222222222222")
    west = server.client(region="eu-west-1")
    url = a.create_queue(QueueName="mine")["QueueUrl"]
    assert "/111111111111/mine" in url
    assert "QueueUrls" not in b.list_queues()
    assert "QueueUrls" not in west.list_queues()
    with pytest.raises(ClientError):
        b.get_queue_url(QueueName="mine")
    # Another account's queue is found only where its policy allows (see test_cross_account.py).
    with pytest.raises(ClientError):
        b.get_queue_url(QueueName="mine", QueueOwnerAWSAccountId="111111111111")
    a.add_permission(QueueUrl=url, Label="b", AWSAccountIds=["222222222222"], Actions=["GetQueueUrl"])
    assert b.get_queue_url(QueueName="mine", QueueOwnerAWSAccountId="111111111111")["QueueUrl"] == url
    arn = a.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == "arn:aws:sqs:us-east-1:111111111111:mine"
