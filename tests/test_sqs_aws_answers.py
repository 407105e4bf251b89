"""SQS behaviour as AWS answers it (LocalStack's AWS-validated snapshots and real AWS error reports are the
reference; these are our own cases of the same behaviours): queue addressing, FIFO rules, receive order,
wording of errors, and the forms of answers on the wire."""
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, error_code


def message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def http(server, path, *, data=None, method="GET", headers=None):
    """A raw request; returns (status, headers, body text) whatever the status."""
    request = urllib.request.Request(server.endpoint + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def query(server, path, params, accept=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http(server, path, data=urllib.parse.urlencode(params).encode(), method="POST", headers=headers)


def json_call(server, operation, payload):
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AmazonSQS.{operation}"}
    return http(server, "/", data=json.dumps(payload).encode(), method="POST", headers=headers)


# Addressing queues


def test_a_bare_queue_name_stands_for_the_queue_url(sqs, queue_url):
    sqs.send_message(QueueUrl="q", MessageBody="by name")
    got = sqs.receive_message(QueueUrl="q", WaitTimeSeconds=1)["Messages"]
    assert got[0]["Body"] == "by name"
    assert sqs.get_queue_attributes(QueueUrl="q", AttributeNames=["QueueArn"])["Attributes"]["QueueArn"].endswith(":q")


def test_queues_of_another_region_carry_it_in_their_url(server):
    eu = server.client("sqs", region="eu-west-1")
    server.reset()
    url = eu.create_queue(QueueName="regional")["QueueUrl"]
    assert url == f"{server.endpoint}/queue/eu-west-1/{ACCOUNT}/regional"
    eu.send_message(QueueUrl=url, MessageBody="hello")
    assert eu.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"] == "hello"
    arn = eu.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:regional"
    # The queue of the default region keeps the short form.
    assert server.client("sqs").create_queue(QueueName="home")["QueueUrl"] == f"{server.endpoint}/{ACCOUNT}/home"


def test_a_queue_url_without_an_action_is_an_unknown_operation(server, queue_url):
    status, _, body = http(server, f"/{ACCOUNT}/q", headers={"Accept": "application/json"})
    assert status == 404 and "<UnknownOperationException" in body


def test_actions_that_name_no_queue_are_invalid_on_a_queue_url(server, queue_url):
    for action in ("CreateQueue", "ListQueues"):
        status, _, body = query(server, f"/{ACCOUNT}/q", {"Action": action, "QueueName": "x"})
        assert status == 400
        assert "<Code>InvalidAction</Code>" in body
        assert f"<Message>The action {action} is not valid for this endpoint.</Message>" in body


def test_an_unknown_action_is_not_valid_for_this_endpoint(server, queue_url):
    status, _, body = query(server, f"/{ACCOUNT}/q", {"Action": "Frobnicate"})
    assert status == 400 and "The action Frobnicate is not valid for this endpoint." in body


def test_a_query_request_to_a_queue_url_acts_on_that_queue(server, queue_url):
    status, _, body = query(server, f"/{ACCOUNT}/q", {"Action": "SendMessage", "MessageBody": "posted"})
    assert status == 200 and "<MessageId>" in body
    status, _, body = query(server, f"/{ACCOUNT}/q", {"Action": "ReceiveMessage"})
    assert "<Body>posted</Body>" in body


# Answers on the wire


def test_query_answers_come_as_json_when_the_client_accepts_it(server, sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="json please")
    status, headers, body = query(server, f"/{ACCOUNT}/q", {"Action": "GetQueueAttributes", "AttributeName.1": "All"},
                                  accept="application/json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    result = json.loads(body)["GetQueueAttributesResponse"]["GetQueueAttributesResult"]
    attributes = {entry["Name"]: entry["Value"] for entry in result["Attributes"]}
    assert attributes["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    status, _, body = query(server, f"/{ACCOUNT}/q", {"Action": "ReceiveMessage"}, accept="application/json")
    assert json.loads(body)["ReceiveMessageResponse"]["ReceiveMessageResult"]["messages"][0]["Body"] == "json please"


def test_query_errors_come_as_json_when_the_client_accepts_it(server, queue_url):
    status, _, body = query(server, f"/{ACCOUNT}/q", {"Action": "ListQueues"}, accept="application/json")
    assert status == 400
    error = json.loads(body)["Error"]
    assert error["Code"] == "InvalidAction"
    assert error["Message"] == "The action ListQueues is not valid for this endpoint."


def test_an_empty_query_result_is_an_empty_element(server, sqs):
    status, _, body = query(server, "/", {"Action": "ListQueues"})
    assert status == 200 and "<ListQueuesResult/>" in body


def test_json_batch_answers_leave_out_an_empty_list(server, sqs, queue_url):
    status, _, body = json_call(server, "SendMessageBatch", {
        "QueueUrl": queue_url, "Entries": [{"Id": "a", "MessageBody": "1"}, {"Id": "b", "MessageBody": "2"}]})
    assert status == 200
    answer = json.loads(body)
    assert len(answer["Successful"]) == 2 and "Failed" not in answer


def test_json_errors_name_query_era_codes_as_exceptions(server, queue_url):
    status, headers, body = json_call(server, "SendMessage", {"QueueUrl": queue_url, "MessageBody": "x",
                                                              "DelaySeconds": 901})
    assert status == 400
    assert json.loads(body)["__type"].endswith("#InvalidParameterValueException")
    assert headers["x-amzn-query-error"] == "InvalidParameterValue;Sender"


# Queue attributes


@pytest.mark.parametrize("name,value", [("DeduplicationScope", "messageGroup"), ("FifoThroughputLimit", "perQueue")])
def test_fifo_throughput_attributes_need_a_fifo_queue(sqs, name, value):
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="standard", Attributes={name: value})
    assert error_code(e) == "InvalidAttributeName"
    assert message(e) == f"You can specify the {name} only when FifoQueue is set to true."


def test_a_fifo_name_needs_the_fifo_attribute(sqs):
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="looks-like.fifo")
    assert error_code(e) == "InvalidParameterValue"
    assert message(e) == "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"


def test_kms_and_sqs_managed_encryption_exclude_each_other(sqs):
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="both", Attributes={"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": "true"})
    assert error_code(e) == "InvalidAttributeName"
    assert message(e) == ("You can use one type of server-side encryption (SSE) at one time. "
                          "You can either enable KMS SSE or SQS SSE.")


# Messages


def test_a_batch_entry_too_long_cannot_be_validated(sqs):
    url = sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    answer = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "ok", "MessageBody": "x"},
                                                           {"Id": "big", "MessageBody": "x" * 1025}])
    assert [entry["Id"] for entry in answer["Successful"]] == ["ok"]
    failed = answer["Failed"][0]
    assert failed["Code"] == "InvalidParameterValue" and failed["SenderFault"]
    assert failed["Message"] == ("One or more parameters cannot be validated. "
                                 "Reason: Message must be shorter than 1024 bytes.")
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert message(e) == "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."


def test_attribute_names_may_hold_letters_beyond_ascii(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="m",
                     MessageAttributes={"attr.1øßä": {"DataType": "String", "StringValue": "v"}})
    got = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=["All"], WaitTimeSeconds=1)["Messages"]
    assert got[0]["MessageAttributes"]["attr.1øßä"]["StringValue"] == "v"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=queue_url, MessageBody="m",
                         MessageAttributes={"attr§": {"DataType": "String", "StringValue": "v"}})
    assert error_code(e) == "InvalidParameterValue"


@pytest.mark.parametrize("selection,expected", [(["*"], {"attr.a", "attr.b", "other"}),
                                                (["attr.*"], {"attr.a", "attr.b"}),
                                                (["other"], {"other"})])
def test_message_attribute_selection(sqs, queue_url, selection, expected):
    attributes = {name: {"DataType": "String", "StringValue": name} for name in ("attr.a", "attr.b", "other")}
    sqs.send_message(QueueUrl=queue_url, MessageBody="m", MessageAttributes=attributes)
    got = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=selection, WaitTimeSeconds=1)["Messages"][0]
    assert set(got.get("MessageAttributes", {})) == expected


def test_the_request_trace_header_becomes_aws_trace_header(sqs, queue_url):
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

    def add_header(request, **kwargs):
        request.headers["X-Amzn-Trace-Id"] = trace

    sqs.meta.events.register("before-sign.sqs.SendMessage", add_header)
    try:
        sent = sqs.send_message(QueueUrl=queue_url, MessageBody="traced")
    finally:
        sqs.meta.events.unregister("before-sign.sqs.SendMessage", add_header)
    got = sqs.receive_message(QueueUrl=queue_url, AttributeNames=["AWSTraceHeader"], WaitTimeSeconds=1)["Messages"]
    assert got[0]["Attributes"]["AWSTraceHeader"] == trace
    # The trace header is a system attribute: it is no part of the message attributes' digest.
    assert "MD5OfMessageSystemAttributes" not in sent


def test_a_message_back_from_its_timeout_comes_before_newer_ones(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="first")
    first = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=1)["Messages"][0]
    sqs.send_message(QueueUrl=queue_url, MessageBody="second")
    time.sleep(1.5)
    got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1)["Messages"]
    assert got[0]["MessageId"] == first["MessageId"]


# FIFO queues


def test_fifo_messages_take_an_explicit_zero_delay(sqs, fifo_url):
    sqs.send_message(QueueUrl=fifo_url, MessageBody="m", MessageGroupId="g", MessageDeduplicationId="d",
                     DelaySeconds=0)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=fifo_url, MessageBody="m", MessageGroupId="g", MessageDeduplicationId="e",
                         DelaySeconds=5)
    assert error_code(e) == "InvalidParameterValue"
    assert message(e) == ("Value 5 for parameter DelaySeconds is invalid. "
                          "Reason: The request include parameter that is not valid for this queue type.")


def test_a_fifo_batch_entry_without_a_group_fails_the_whole_batch(sqs, fifo_url):
    with pytest.raises(ClientError) as e:
        sqs.send_message_batch(QueueUrl=fifo_url, Entries=[
            {"Id": "a", "MessageBody": "1", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
            {"Id": "b", "MessageBody": "2", "MessageDeduplicationId": "2"}])
    assert error_code(e) == "InvalidParameterValue"
    assert message(e) == "The request must contain the parameter MessageGroupId."
    attributes = sqs.get_queue_attributes(QueueUrl=fifo_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_fifo_groups_are_served_in_the_order_they_became_receivable(sqs, fifo_url):
    sqs.send_message(QueueUrl=fifo_url, MessageBody="g1", MessageGroupId="g1", MessageDeduplicationId="1")
    sqs.send_message(QueueUrl=fifo_url, MessageBody="g2", MessageGroupId="g2", MessageDeduplicationId="2")
    taken = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=1)["Messages"][0]
    assert taken["Body"] == "g1"
    # g1's message returns now, after g2's became receivable: g2 comes first.
    sqs.change_message_visibility(QueueUrl=fifo_url, ReceiptHandle=taken["ReceiptHandle"], VisibilityTimeout=0)
    got = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=2)["Messages"]
    assert [m["Body"] for m in got] == ["g2", "g1"]


def test_purge_forgets_deduplication_ids(sqs, fifo_url):
    sqs.send_message(QueueUrl=fifo_url, MessageBody="m", MessageGroupId="g", MessageDeduplicationId="same")
    sqs.purge_queue(QueueUrl=fifo_url)
    sqs.send_message(QueueUrl=fifo_url, MessageBody="again", MessageGroupId="g", MessageDeduplicationId="same")
    got = sqs.receive_message(QueueUrl=fifo_url, WaitTimeSeconds=1)["Messages"]
    assert got[0]["Body"] == "again"


def test_deduplication_scope_is_the_one_the_queue_was_created_with(sqs):
    url = sqs.create_queue(QueueName="scoped.fifo", Attributes={
        "FifoQueue": "true", "DeduplicationScope": "queue"})["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "messageGroup",
                                                       "FifoThroughputLimit": "perMessageGroupId"})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DeduplicationScope"])["Attributes"]
    assert attributes["DeduplicationScope"] == "messageGroup"
    sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="a", MessageDeduplicationId="same")
    sqs.send_message(QueueUrl=url, MessageBody="b", MessageGroupId="b", MessageDeduplicationId="same")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in got] == ["a"]


def test_json_attributes_are_strict_json(sqs):
    """SQS reads Policy, RedrivePolicy and RedriveAllowPolicy as strict JSON: a trailing comma, which
    lenient readers accept, is refused like any other broken document."""
    url = sqs.create_queue(QueueName="strict-json")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(
        QueueUrl=sqs.create_queue(QueueName="strict-json-dlq")["QueueUrl"],
        AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    trailing = {
        "Policy": '{"Version": "2012-10-17", "Statement": [],}',
        "RedrivePolicy": '{"deadLetterTargetArn": "%s", "maxReceiveCount": 3,}' % dlq_arn,
        "RedriveAllowPolicy": '{"redrivePermission": "allowAll",}',
    }
    for name, value in trailing.items():
        with pytest.raises(ClientError) as broken:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value.replace(",}", "")})
        with pytest.raises(ClientError) as e:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value})
        assert error_code(e) == error_code(broken)
        sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value.replace(",}", "}")})
