"""SNS behaviour as AWS recorded it (LocalStack's AWS-validated snapshots are the reference; these are
our own cases of the same behaviours): error shapes and wording, validation order, attribute rules,
what deliveries carry."""
import base64
import json
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, error_code


def message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def make_queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def receive(sqs, url, wait=5, **kwargs):
    return sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait, **kwargs).get("Messages", [])


def test_query_errors_carry_no_detail_element(server, sns):
    body = f"Action=GetTopicAttributes&TopicArn=arn:aws:sns:{REGION}:{ACCOUNT}:absent".encode()
    request = urllib.request.Request(server.endpoint + "/", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request, timeout=5)
    text = e.value.read().decode()
    assert "<Code>NotFound</Code>" in text and "<Detail" not in text


@pytest.mark.parametrize("arn,elements", [("test-topic", 1), ("", 1), ("randomstring:1", 2),
                                          (f"arn:aws:sns:{REGION}:random", 5)])
def test_arns_with_too_few_elements(sns, arn, elements):
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=arn, Message="m")
    assert error_code(e) == "InvalidParameter"
    assert message(e) == f"Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not {elements}"


def test_subscription_arn_rules(sns):
    with pytest.raises(ClientError) as e:
        sns.unsubscribe(SubscriptionArn="randomstring")
    assert message(e) == "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1"
    with pytest.raises(ClientError) as e:
        sns.unsubscribe(SubscriptionArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:random")
    assert message(e) == "Invalid parameter: SubscriptionId"


def test_arn_is_checked_before_other_members(sns):
    # AWS looks at the ARN before it notices the required Attributes are missing.
    from botocore.config import Config
    import boto3
    client = boto3.client("sns", endpoint_url=sns.meta.endpoint_url, region_name=REGION, aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as e:
        client.set_platform_application_attributes(PlatformApplicationArn="invalid-arn")
    assert message(e) == (
        "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1")


def test_topic_of_another_region_is_an_invalid_parameter(sns):
    topic = sns.create_topic(Name="here")["TopicArn"]
    elsewhere = topic.replace(REGION, "eu-west-1")
    for call in (lambda: sns.publish(TopicArn=elsewhere, Message="m"),
                 lambda: sns.get_topic_attributes(TopicArn=elsewhere),
                 lambda: sns.subscribe(TopicArn=elsewhere, Protocol="email", Endpoint="a@example.com")):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "InvalidParameter" and message(e) == "Invalid parameter: TopicArn"


@pytest.mark.parametrize("name,attribute,expected", [
    ("attr1", {"DataType": "String", "StringValue": ""},
     "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'."),
    ("attr1", {"DataType": "Binary", "BinaryValue": b""},
     "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'Binary'."),
    ("attr1", {"DataType": "String", "BinaryValue": b"x"},
     "The message attribute 'attr1' with type 'String' must use field 'String'."),
    ("attr1", {"DataType": "Binary", "StringValue": "x"},
     "The message attribute 'attr1' with type 'Binary' must use field 'Binary'."),
    ("attr1", {"DataType": "String.", "StringValue": "x"},
     "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is "
     "Binary, Number, and String."),
    ("a^*?", {"DataType": "String", "StringValue": "x"},
     "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include "
     "alphanumeric characters, hyphens, underscores, or dots."),
    (".abc", {"DataType": "String", "StringValue": "x"},
     "Invalid message attribute name starting with character '.' was found."),
    ("abc.", {"DataType": "String", "StringValue": "x"},
     "Invalid message attribute name ending with character '.' was found."),
    ("a..bc", {"DataType": "String", "StringValue": "x"}, "Message attribute name can not have successive '.' character."),
    ("a" * 257, {"DataType": "String", "StringValue": "x"}, "Length of message attribute name must be less than 256 bytes."),
])
def test_message_attribute_rules(sns, name, attribute, expected):
    topic = sns.create_topic(Name="attributes")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="m", MessageAttributes={name: attribute})
    assert error_code(e) == "ParameterValueInvalid" and message(e) == expected


def test_custom_attribute_types_are_accepted(sns):
    topic = sns.create_topic(Name="custom")["TopicArn"]
    sns.publish(TopicArn=topic, Message="m", MessageAttributes={
        "a": {"DataType": "String.prefixed", "StringValue": "x"}, "b": {"DataType": "Number.int", "StringValue": "1"}})


def test_missing_data_type_names_the_member_path(sns):
    import boto3
    from botocore.config import Config
    client = boto3.client("sns", endpoint_url=sns.meta.endpoint_url, region_name=REGION, aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(parameter_validation=False))
    topic = client.create_topic(Name="datatype")["TopicArn"]
    with pytest.raises(ClientError) as e:
        client.publish(TopicArn=topic, Message="m", MessageAttributes={"attr1": {"StringValue": "x"}})
    assert message(e) == ("1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' "
                          "failed to satisfy constraint: Member must not be null")


def test_publish_batch_is_checked_whole(sns, sqs):
    topic = sns.create_topic(Name="batch")["TopicArn"]
    url, arn = make_queue(sqs, "batch")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    with pytest.raises(ClientError) as e:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "ok", "Message": "fine"},
            {"Id": "bad", "Message": "m", "MessageAttributes": {"attr1": {"DataType": "String", "StringValue": ""}}}])
    assert error_code(e) == "ParameterValueInvalid"
    assert receive(sqs, url, wait=1) == []
    for entry_id, reason in [("a" * 81, "is too long"), ("a b", "contains an impermissible character")]:
        with pytest.raises(ClientError) as e:
            sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": entry_id, "Message": "m"}])
        assert error_code(e) == "InvalidBatchEntryId" and reason in message(e)
    with pytest.raises(ClientError) as e:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": "m"} for i in range(11)])
    assert message(e) == "The batch request contains more entries than permissible."
    big = "x" * 100_000
    with pytest.raises(ClientError) as e:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "a", "Message": big}, {"Id": "b", "Message": big},
            {"Id": "c", "Message": "x" * 60_000, "MessageAttributes": {
                "attr": {"DataType": "String", "StringValue": "y" * 3_000}}}])
    assert error_code(e) == "BatchRequestTooLong"


def test_message_structure_json_ignores_values_that_are_not_text(sns, sqs):
    topic = sns.create_topic(Name="structure")["TopicArn"]
    url, arn = make_queue(sqs, "structure")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "plain", "sqs": {"field": "value"}}))
    assert receive(sqs, url)[0]["Body"] == "plain"


def test_signing_cert_url_has_aws_file_name_and_is_served(sns, sqs):
    topic = sns.create_topic(Name="signed")["TopicArn"]
    url, arn = make_queue(sqs, "signed")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="m")
    envelope = json.loads(receive(sqs, url)[0]["Body"])
    name = envelope["SigningCertURL"].rsplit("/", 1)[1]
    assert name.startswith("SimpleNotificationService-") and name.endswith(".pem") and len(name) == 62
    with urllib.request.urlopen(envelope["SigningCertURL"], timeout=5) as r:
        assert b"BEGIN CERTIFICATE" in r.read()


def test_fifo_topic_notifications_are_not_signed(sns, sqs):
    topic = sns.create_topic(Name="ordered.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, arn = make_queue(sqs, "ordered.fifo", FifoQueue="true")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="m", MessageGroupId="g", MessageDeduplicationId="d")
    envelope = json.loads(receive(sqs, url)[0]["Body"])
    assert "SequenceNumber" in envelope and "UnsubscribeURL" in envelope
    assert not {"Signature", "SignatureVersion", "SigningCertURL"} & set(envelope)


def test_message_group_id_reaches_a_standard_queue_from_a_standard_topic(sns, sqs):
    topic = sns.create_topic(Name="groups")["TopicArn"]
    url, arn = make_queue(sqs, "groups")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="m", MessageGroupId="my-group-id-1")
    got = receive(sqs, url, AttributeNames=["MessageGroupId"])
    assert got[0]["Attributes"]["MessageGroupId"] == "my-group-id-1"


def test_xray_trace_header_passes_to_the_queue(sns, sqs):
    topic = sns.create_topic(Name="traced")["TopicArn"]
    url, arn = make_queue(sqs, "traced")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

    def add_header(request, **kwargs):
        request.headers["X-Amzn-Trace-Id"] = trace

    sns.meta.events.register("before-sign.sns.Publish", add_header)
    try:
        sns.publish(TopicArn=topic, Message="m")
    finally:
        sns.meta.events.unregister("before-sign.sns.Publish", add_header)
    got = receive(sqs, url, AttributeNames=["AWSTraceHeader"])
    assert got[0]["Attributes"]["AWSTraceHeader"] == trace


def test_subscription_attributes_are_stored_as_aws_keeps_them(sns, sqs):
    topic = sns.create_topic(Name="subs")["TopicArn"]
    _, arn = make_queue(sqs, "subs")
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True,
                                 Attributes={"RawMessageDelivery": "TrUe", "FilterPolicy": ""})["SubscriptionArn"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert "FilterPolicy" not in attributes and "FilterPolicyScope" not in attributes
    # The same subscription again: fine with equal attributes, defaults included.
    again = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True,
                          Attributes={"RawMessageDelivery": "true", "FilterPolicyScope": "MessageAttributes"})
    assert again["SubscriptionArn"] == subscription
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "false"})
    assert message(e) == "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"k": ["v"]}))
    assert sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["FilterPolicyScope"] == (
        "MessageAttributes")
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy", AttributeValue="")
    assert "FilterPolicy" not in sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]


def test_subscription_attribute_errors_are_worded_by_where_they_were_set(sns, sqs):
    topic = sns.create_topic(Name="wording")["TopicArn"]
    _, arn = make_queue(sqs, "wording")
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "maybe"})
    assert message(e) == "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [maybe]. Must be true or false."
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)[
        "SubscriptionArn"]
    cases = [
        ("RawMessageDelivery", "", "Invalid parameter: RawMessageDelivery: Invalid value []. Must be true or false."),
        ("RedrivePolicy", json.dumps({"deadLetterTargetArn": "fake-arn"}),
         "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn"),
        ("RedrivePolicy", "{invalidjson}", "Invalid parameter: RedrivePolicy: failed to parse JSON."),
        ("FilterPolicy", "{invalidjson}", "Invalid parameter: FilterPolicy: failed to parse JSON."),
        ("FilterPolicy", json.dumps({"key_a": "value_one"}),
         'Invalid parameter: FilterPolicy: "key_a" must be an object or an array'),
    ]
    for name, value, expected in cases:
        with pytest.raises(ClientError) as e:
            sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName=name, AttributeValue=value)
        assert message(e).startswith(expected), (name, value)


def test_fifo_subscription_rules(sns, sqs):
    standard = sns.create_topic(Name="standard")["TopicArn"]
    _, fifo_queue = make_queue(sqs, "q.fifo", FifoQueue="true")
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint=fifo_queue)
    assert message(e) == ("Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
                          "subscribed to standard SNS topics")
    fifo = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    _, standard_dlq = make_queue(sqs, "dlq")
    subscription = sns.subscribe(TopicArn=fifo, Protocol="sqs", Endpoint=fifo_queue, ReturnSubscriptionArn=True)[
        "SubscriptionArn"]
    with pytest.raises(ClientError) as e:
        sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RedrivePolicy",
                                        AttributeValue=json.dumps({"deadLetterTargetArn": standard_dlq}))
    assert message(e) == ("Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription "
                          "to a FIFO Topic.")


def test_topic_tags_on_recreate_and_duplicates(sns):
    topic = sns.create_topic(Name="tagged", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])["TopicArn"]
    assert sns.create_topic(Name="tagged", Tags=[{"Key": "a", "Value": "1"}])["TopicArn"] == topic
    assert sns.create_topic(Name="tagged")["TopicArn"] == topic
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="tagged", Tags=[{"Key": "c", "Value": "3"}])
    assert message(e) == "Invalid parameter: Tags Reason: Topic already exists with different tags"
    with pytest.raises(ClientError) as e:
        sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
    assert message(e) == "Invalid parameter: Duplicated keys are not allowed."


def test_fifo_topic_name_rule(sns):
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="not-fifo-name", Attributes={"FifoTopic": "true"})
    assert message(e) == "Invalid parameter: Topic Name"


@pytest.mark.parametrize("name,reason", [
    ("a" * 257, "must be at most 256 characters long"),
    ("", "cannot be empty"),
    ("@name", "must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"),
])
def test_platform_application_names(sns, name, reason):
    import boto3
    from botocore.config import Config
    client = boto3.client("sns", endpoint_url=sns.meta.endpoint_url, region_name=REGION, aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as e:
        client.create_platform_application(Name=name, Platform="GCM", Attributes={"PlatformCredential": "k"})
    assert message(e) == f"Invalid parameter: {name} Reason: {reason}"


def test_platform_application_credential_pairs(sns):
    with pytest.raises(ClientError) as e:
        sns.create_platform_application(Name="adm", Platform="ADM", Attributes={"PlatformPrincipal": "id"})
    assert message(e) == ("Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without "
                          "PlatformCredential")
    with pytest.raises(ClientError) as e:
        sns.create_platform_application(Name="adm", Platform="ADM", Attributes={"PlatformCredential": "secret"})
    assert message(e) == ("Invalid parameter: Attributes Reason: PlatformCredential attribute provided without "
                          "PlatformPrincipal")


def test_publish_to_a_missing_endpoint(sns):
    with pytest.raises(ClientError) as e:
        sns.publish(TargetArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/GCM/app/00000000-0000-0000-0000-000000000000",
                    Message="m")
    assert error_code(e) == "InvalidParameter"
    assert message(e) == "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"


def test_sms_wording(sns):
    with pytest.raises(ClientError) as e:
        sns.set_sms_attributes(attributes={"InvalidAttribute": "x"})
    assert message(e) == "InvalidAttribute is not a valid attribute"
    with pytest.raises(ClientError) as e:
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"})
    assert message(e) == "DefaultSMSType is invalid"
    with pytest.raises(ClientError) as e:
        sns.opt_in_phone_number(phoneNumber="NAA+15551234567")
    assert message(e) == "Invalid parameter: PhoneNumber Reason: input incorrectly formatted"
    topic = sns.create_topic(Name="sms")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15--551234567")
    assert message(e) == "Invalid SMS endpoint: +15--551234567"


def test_confirm_with_a_token_for_a_missing_topic(sns):
    with pytest.raises(ClientError) as e:
        sns.confirm_subscription(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:absent", Token="5a" * 144)
    assert error_code(e) == "InvalidParameter" and message(e) == "Invalid parameter: Token"


def test_confirm_with_something_that_is_no_token(sns):
    topic = sns.create_topic(Name="tokens")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.confirm_subscription(TopicArn=topic, Token="randomtoken")
    assert error_code(e) == "InvalidParameter" and message(e) == "Invalid token"
    with pytest.raises(ClientError) as e:
        sns.confirm_subscription(TopicArn=topic, Token="5a" * 144)
    assert message(e) == "Invalid parameter: Token"


def test_sms_endpoints_may_group_their_digits(sns):
    topic = sns.create_topic(Name="texts")["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+12/34-567.890")["SubscriptionArn"]
    for endpoint in ("+15551234567.", "/+15551234567", "NAA+15551234567"):
        with pytest.raises(ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=endpoint)
        assert message(e) == f"Invalid SMS endpoint: {endpoint}"


def test_topic_delivery_policy_is_kept_and_completed_as_aws_does(sns):
    policy = {"http": {"defaultRequestPolicy": {"headerContentType": "application/json"}}}
    topic = sns.create_topic(Name="delivery", Attributes={"DeliveryPolicy": json.dumps(policy)})["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert json.loads(attributes["DeliveryPolicy"]) == {"http": {
        "disableSubscriptionOverrides": False, "defaultRequestPolicy": {"headerContentType": "application/json"}}}
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])["http"]
    assert effective["defaultRequestPolicy"] == {"headerContentType": "application/json"}
    assert effective["defaultHealthyRetryPolicy"]["numRetries"] == 3

    retry = {"minDelayTarget": 5, "maxDelayTarget": 6, "numRetries": 1}
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy",
                             AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": retry}}))
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert json.loads(attributes["DeliveryPolicy"]) == {"http": {
        "defaultHealthyRetryPolicy": retry, "disableSubscriptionOverrides": False}}
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])["http"]
    assert effective["defaultHealthyRetryPolicy"] == {**retry, "numMaxDelayRetries": 0, "numNoDelayRetries": 0,
                                                      "numMinDelayRetries": 0, "backoffFunction": "linear"}
    # The whole policy was replaced: the request policy is SNS's default again.
    assert effective["defaultRequestPolicy"] == {"headerContentType": "text/plain; charset=UTF-8"}

    # A part given as null is dropped.
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy",
                             AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": None}}))
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert json.loads(attributes["DeliveryPolicy"]) == {"http": {"disableSubscriptionOverrides": False}}

    # An empty policy removes it.
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy", AttributeValue="")
    assert "DeliveryPolicy" not in sns.get_topic_attributes(TopicArn=topic)["Attributes"]


def test_subscription_delivery_policy_names_every_part(sns):
    topic = sns.create_topic(Name="sub-delivery")["TopicArn"]
    arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/nowhere",
                        Attributes={"DeliveryPolicy": json.dumps({"requestPolicy": {"headerContentType": "text/csv"}})},
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert json.loads(attributes["DeliveryPolicy"]) == {
        "healthyRetryPolicy": None, "sicklyRetryPolicy": None, "throttlePolicy": None,
        "requestPolicy": {"headerContentType": "text/csv"}, "guaranteed": False}
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective["healthyRetryPolicy"]["minDelayTarget"] == 20 and effective["sicklyRetryPolicy"] is None
    assert effective["requestPolicy"] == {"headerContentType": "text/csv"} and effective["guaranteed"] is False


def test_data_protection_policy_is_not_a_listed_attribute(sns):
    topic = sns.create_topic(Name="protected")["TopicArn"]
    policy = {"Name": "p", "Version": "2021-06-01", "Statement": [{
        "Sid": "deny", "DataDirection": "Inbound", "Principal": ["*"],
        "DataIdentifier": [f"arn:aws:dataprotection:{REGION}::data-identifier/EmailAddress"],
        "Operation": {"Deny": {}}}]}
    sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy=json.dumps(policy))
    assert "DataProtectionPolicy" not in sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert json.loads(sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"]) == policy


def test_json_documents_are_strict_json(sns):
    """A JSON message structure or attribute with a trailing comma is refused, as SNS's reader refuses
    it, with the same answer as any other unreadable document."""
    arn = sns.create_topic(Name="strict-json")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=arn, MessageStructure="json", Message='{"default": "hello",}')
    assert error_code(e) == "InvalidParameter"
    assert message(e) == "Invalid parameter: Message Structure - JSON message body failed to parse"
    sns.publish(TopicArn=arn, MessageStructure="json", Message='{"default": "hello"}')
    with pytest.raises(ClientError) as e:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy",
                                 AttributeValue='{"Version": "2012-10-17", "Statement": [],}')
    assert error_code(e) == "InvalidParameter"
    answers = []
    for broken in ('["a", "b",]', '["a", "b"'):
        with pytest.raises(ClientError) as e:
            sns.publish(TopicArn=arn, Message="m", MessageAttributes={
                "list": {"DataType": "String.Array", "StringValue": broken}})
        answers.append((error_code(e), message(e)))
    assert answers[0] == answers[1]
