"""SNS filter policies through boto3: each operator, attribute- and body-scoped, $or, limits."""
import json
import time

import botocore.exceptions
import pytest

from conftest import error_code


@pytest.fixture
def clients(server):
    server.reset()
    return server.client("sns"), server.client("sqs")


def subscribed_queue(sns, sqs, topic, name, policy, scope=None):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {"RawMessageDelivery": "true", "FilterPolicy": json.dumps(policy)}
    if scope:
        attributes["FilterPolicyScope"] = scope
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return url


def bodies(sqs, url, settle=1.0):
    time.sleep(settle)
    found = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return sorted(found)
        for message in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        found += [m["Body"] for m in got]


def s(value):
    return {"DataType": "String", "StringValue": value}


def n(value):
    return {"DataType": "Number", "StringValue": str(value)}


def test_attribute_policies_route_each_message_to_the_queues_that_want_it(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    queues = {
        "exact": subscribed_queue(sns, sqs, topic, "exact", {"kind": ["order", "refund"]}),
        "prefix": subscribed_queue(sns, sqs, topic, "prefix", {"region": [{"prefix": "eu-"}]}),
        "suffix": subscribed_queue(sns, sqs, topic, "suffix", {"region": [{"suffix": "-1"}]}),
        "anything_but": subscribed_queue(sns, sqs, topic, "anything_but", {"kind": [{"anything-but": ["order"]}]}),
        "numeric": subscribed_queue(sns, sqs, topic, "numeric", {"price": [{"numeric": [">=", 10, "<", 100]}]}),
        "exists": subscribed_queue(sns, sqs, topic, "exists", {"vip": [{"exists": True}]}),
        "absent": subscribed_queue(sns, sqs, topic, "absent", {"vip": [{"exists": False}]}),
        "cidr": subscribed_queue(sns, sqs, topic, "cidr", {"ip": [{"cidr": "10.0.0.0/8"}]}),
        "ignore_case": subscribed_queue(sns, sqs, topic, "ignore_case", {"kind": [{"equals-ignore-case": "REFUND"}]}),
        "wildcard": subscribed_queue(sns, sqs, topic, "wildcard", {"sku": [{"wildcard": "A-*-x"}]}),
        "either": subscribed_queue(sns, sqs, topic, "either",
                                   {"$or": [{"kind": ["refund"]}, {"price": [{"numeric": [">", 1000]}]}]}),
        "array": subscribed_queue(sns, sqs, topic, "array", {"tags": ["red"]}),
    }
    sns.publish(TopicArn=topic, Message="m1", MessageAttributes={
        "kind": s("order"), "region": s("eu-west-1"), "price": n(50), "ip": s("10.1.2.3"), "sku": s("A-7-x")})
    sns.publish(TopicArn=topic, Message="m2", MessageAttributes={
        "kind": s("refund"), "region": s("us-east-2"), "price": n(5000), "vip": s("yes"),
        "tags": {"DataType": "String.Array", "StringValue": json.dumps(["blue", "red"])}})
    sns.publish(TopicArn=topic, Message="m3")
    expected = {
        "exact": ["m1", "m2"], "prefix": ["m1"], "suffix": ["m1"], "anything_but": ["m2"], "numeric": ["m1"],
        "exists": ["m2"], "absent": ["m1", "m3"], "cidr": ["m1"], "ignore_case": ["m2"], "wildcard": ["m1"],
        "either": ["m2"], "array": ["m2"],
    }
    for name, url in queues.items():
        assert bodies(sqs, url, settle=0.3 if name != "exact" else 1.0) == expected[name], name


def test_body_policies_match_nested_keys(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    url = subscribed_queue(sns, sqs, topic, "body", {"order": {"status": ["paid"], "total": [{"numeric": [">", 10]}]}},
                           scope="MessageBody")
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "paid", "total": 25}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "open", "total": 25}}))
    sns.publish(TopicArn=topic, Message="not json at all")
    assert [json.loads(b)["order"]["status"] for b in bodies(sqs, url)] == ["paid"]


def test_policies_can_be_changed_and_removed(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                 Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"kind": ["a"]}))
    sns.publish(TopicArn=topic, Message="filtered out", MessageAttributes={"kind": s("b")})
    sns.publish(TopicArn=topic, Message="let through", MessageAttributes={"kind": s("a")})
    assert bodies(sqs, url) == ["let through"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert json.loads(attributes["FilterPolicy"]) == {"kind": ["a"]}
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy", AttributeValue="{}")
    sns.publish(TopicArn=topic, Message="anything", MessageAttributes={"kind": s("b")})
    assert bodies(sqs, url) == ["anything"]


@pytest.mark.parametrize("policy", [
    {"a": [1, 2, 3, 4, 5, 6], "b": [1, 2, 3, 4, 5, 6], "c": [1, 2, 3, 4, 5]},  # 180 combinations
    {"a": ["x"], "b": ["x"], "c": ["x"], "d": ["x"], "e": ["x"], "f": ["x"]},  # 6 keys
    {"a": [{"numeric": ["<", 10, ">", 5]}]},
    {"a": [{"prefix": 5}]},
    {"a": {"nested": ["only in MessageBody scope"]}},
])
def test_invalid_policies_are_refused(clients, policy):
    sns, _ = clients
    topic = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:000000000000:q",
                      Attributes={"FilterPolicy": json.dumps(policy)})
    assert error_code(excinfo) == "InvalidParameter"
    text = excinfo.value.response["Error"]["Message"]
    assert text.startswith("Invalid parameter: Attributes Reason: FilterPolicy: ") or "Filter policy scope" in text


# Validation and matching as AWS recorded them.

def filter_error(sns, sqs, policy, scope=None):
    topic = sns.create_topic(Name="validated")["TopicArn"]
    sqs.create_queue(QueueName="validated")
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", ReturnSubscriptionArn=True,
                                 Endpoint=f"arn:aws:sqs:us-east-1:000000000000:validated")["SubscriptionArn"]
    if scope:
        sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicyScope",
                                        AttributeValue=scope)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy",
                                        AttributeValue=json.dumps(policy))
    return excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize("policy,reason", [
    ({"key": {"suffix": "value", "prefix": "value"}}, '"suffix" must be an object or an array'),
    ({"key": [{"prefix": "a", "suffix": "b"}]}, "Only one key allowed in match expression"),
    ({"key": [{"cidr": 1}]}, "prefix match pattern must be a string"),
    ({"key": [{"cidr": "10.0.0.0"}]}, "Malformed CIDR, one '/' required"),
    ({"key": [{"cidr": "10.0.0.0/x"}]}, "Malformed CIDR, mask bits must be an integer"),
    ({"key": [{"cidr": "xx.11.xx/8"}]}, "Nonstandard IP address: xx.11.xx"),
    ({"key": [{"numeric": []}]}, "Invalid member in numeric match: ]"),
    ({"key": [{"numeric": [1]}]}, "Invalid member in numeric match: 1"),
    ({"key": [{"numeric": ["=", "x"]}]}, "Value of equals must be numeric"),
    ({"key": [{"numeric": ["<", 100, ">", 10]}]}, "Too many elements in numeric expression"),
    ({"key": [{"numeric": [">", 20, 30]}]}, "Bad value in numeric range: 30"),
    ({"key": [{"numeric": [">", 20, "test", 30]}]}, "Bad numeric range operator: test"),
    ({"key": [{"numeric": [">", 20, "<=", "x"]}]}, "Value of <= must be numeric"),
    ({"key": [{"numeric": [">", 20, "<", 30, "<", 40]}]}, "Too many terms in numeric range expression"),
    ({"key": [{"numeric": [">", 30, "<", 20]}]}, "Bottom must be less than top"),
    ({"key": [{"numeric": ["operator", 1]}]}, "Unrecognized numeric range operator: operator"),
    ({"key": [{"anything-but": {"suffix": "x"}}]}, "Unsupported anything-but pattern: suffix"),
    ({"key": [{"anything-but": {"prefix": 1}}]}, "prefix match pattern must be a string"),
])
def test_filter_policy_errors_in_aws_words(sns, sqs, policy, reason):
    assert filter_error(sns, sqs, policy, scope="MessageBody").startswith(f"Invalid parameter: FilterPolicy: {reason}")


def test_nested_policies_need_the_message_body_scope(sns, sqs):
    assert filter_error(sns, sqs, {"a": {"b": ["c"]}}) == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy")


def test_complexity_counts_nesting_depth(sns, sqs):
    policy = {"a": {"b": {"c": ["1", "2", "3", "4"]}, "d": ["1", "2", "3"]}, "e": ["1", "2", "3"]}  # 12 * 6 * 3
    assert filter_error(sns, sqs, policy, scope="MessageBody") == (
        "Invalid parameter: FilterPolicy: Filter policy is too complex")


def test_body_policies_match_each_key_across_arrays_and_dotted_keys(clients):
    sns, sqs = clients
    topic = sns.create_topic(Name="body")["TopicArn"]
    url = sqs.create_queue(QueueName="body")["QueueUrl"]
    policy = {"Records": {"eventName": ["ObjectCreated:Put"], "s3": {"object": {"key": [{"prefix": "img/"}]}}},
              "object.nested": ["x"]}
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:000000000000:body",
                  Attributes={"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageBody",
                              "RawMessageDelivery": "true"})
    bodies = [
        # Each key satisfied by a different record still passes, as AWS matches keys one by one.
        {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "doc/a"}}},
                     {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "img/b"}}}],
         "object": {"nested": "x"}},
        {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "img/c"}}}], "object.nested": "x"},
        {"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "img/d"}}}],
         "object": {"nested": "x"}},
        {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "img/e"}}}]},
    ]
    for body in bodies:
        sns.publish(TopicArn=topic, Message=json.dumps(body))
    received = []
    for _ in range(10):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        received += [json.loads(m["Body"]) for m in got]
        if len(received) >= 2:
            break
    assert sorted(json.dumps(b, sort_keys=True) for b in received) == sorted(
        json.dumps(b, sort_keys=True) for b in bodies[:2])


# Where the policy compiler stood: AWS ends its messages with Jackson's location in the policy as SNS
# rewrote it compactly (spaces gone, numbers as Java prints them), quoting that text.

@pytest.mark.parametrize("policy,reason,column", [
    ({"key": [{"wrong-operator": True}]}, "Unrecognized match type wrong-operator", 31),
    ({"key": [{"suffix": "value", "prefix": "value2"}]}, "Only one key allowed in match expression", 37),
    ({"key": [["value"]]}, "Match value must be String, number, true, false, or null", 10),
    ({"key": []}, "Empty arrays are not allowed", 10),
    ({"key": {"suffix": "value"}}, '"suffix" must be an object or an array', 19),
    ({"key": [{"suffix": 100}]}, "suffix match pattern must be a string", 22),
    ({"key": [{"exists": "no"}]}, "exists match pattern must be either true or false.", 20),
    ({"key": [{"numeric": ["operator"]}]}, "Unrecognized numeric range operator: operator", 32),
    ({"key": [{"numeric": [">", 20, "test"]}]}, "Bad numeric range operator: test", 34),
    ({"key": [{"numeric": [">", 20, "<", "30"]}]}, "Value of < must be numeric", 33),
    ({"key": [{"numeric": [">", 3, "<", 1]}]}, "Bottom must be less than top", 33),
    ({"key": [{"anything-but": {"exists": False}}]}, "Unsupported anything-but pattern: exists", 40),
])
def test_filter_policy_errors_say_where(sns, sqs, policy, reason, column):
    compact = json.dumps(policy, separators=(",", ":"))
    assert filter_error(sns, sqs, policy, scope="MessageBody") == (
        f"Invalid parameter: FilterPolicy: {reason}\n at [Source: (String)\"{compact}\"; line: 1, column: {column}]")


def test_numbers_are_quoted_as_java_writes_them(sns, sqs):
    message = filter_error(sns, sqs, {"key": [{"numeric": [">", 1.50, "<", 1e9, "x"]}]}, scope="MessageBody")
    assert '(String)"{"key":[{"numeric":[">",1.5,"<",1.0E9,"x"]}]}"' in message


def test_unparsable_policies_get_jacksons_words(sns, sqs):
    topic = sns.create_topic(Name="syntax")["TopicArn"]
    sqs.create_queue(QueueName="syntax")
    endpoint = "arn:aws:sqs:us-east-1:000000000000:syntax"
    redacted = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=endpoint, Attributes={"FilterPolicy": "invalid-json"})
    assert excinfo.value.response["Error"]["Message"] == (
        "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON. Unrecognized token 'invalid': "
        "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n"
        f" at {redacted}; line: 1, column: 8]")
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=endpoint, ReturnSubscriptionArn=True)["SubscriptionArn"]
    for name in ("FilterPolicy", "RedrivePolicy"):
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue="{invalid}")
        assert excinfo.value.response["Error"]["Message"] == (
            f"Invalid parameter: {name}: failed to parse JSON. Unexpected character ('i' (code 105)): "
            f"was expecting double-quote to start field name\n at {redacted}; line: 1, column: 2]")
