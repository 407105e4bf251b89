"""Every built operation, given inputs that a hand-made request could send and boto3 would not: each
valid input from the model (tests/model_inputs.py) is changed on its way out (a member of the wrong
type or out of any range, an extra or missing member, a broken body, a mangled query string or
header). Whatever AWS would answer, the server must answer in the protocol's form: never a 5xx
(501 NotImplemented aside), a dropped connection or a body the client cannot read, and it must still
be there afterwards. The changes are random with a fixed seed per operation, so a failure repeats.
"""
import json
import random

import botocore
import botocore.exceptions
import botocore.parsers
import pytest

from conftest import REGION, Server
from model_inputs import input_for
from test_every_operation import BUILT, service_model

# Operations that wait (long polls, subscriptions to shards) or start processes.
SKIPPED = {"ReceiveMessage", "GetRecords", "SubscribeToShard", "Invoke", "InvokeAsync", "InvokeWithResponseStream",
           "RunTask", "StartTask"}
ACCOUNT = "000000000000"

ODD_TEXT = ["", "-1", "0", "1e400", "NaN", "99999999999999999999", "9223372036854775808", "-9223372036854775809",
            "abc", "true", "\x00", "\x01\x1f", "é" * 500, "a" * 70_000, "%", "&", "]]>", "{", "[]", "*", "..",
            "arn:aws:", "::::::", "2026-13-45T99:99:99Z", "Sun, 29 Nov 99999 10:00:00 GMT", "1.5", "0x10"]
ODD_JSON = [None, [], {}, -1, 0, 1.5, 2**63, -(2**63), 2**64, 1e308, -1e308, "", "x" * 70_000, True, False,
            [[[[[]]]]], {"a": {"b": {"c": None}}}, "NaN", [None], [1, "a", None], {"": ""}]
ODD_BODIES = [b"{", b"[]", b"null", b"\"x\"", b"{\"a\":1,\"a\":2}", b"\xff\xfe", b"<x>", b"1" * 100_000]


class Mutator:
    """Changes one request at random, in its protocol's terms."""

    def __init__(self, protocol, rng):
        self.protocol = protocol
        self.rng = rng

    def __call__(self, request, **kwargs):
        if self.protocol in ("query", "ec2"):
            request.data = self.form(request.data)
        elif self.protocol == "json":
            request.data = self.json_body(request.data)
        else:
            choice = self.rng.random()
            if choice < 0.35:
                self.query_string(request)
            elif choice < 0.55:
                self.header(request)
            elif request.data and isinstance(request.data, bytes) and request.data.lstrip().startswith(b"<"):
                at = self.rng.randrange(len(request.data))
                request.data = request.data[:at] + self.rng.choice([b"<", b"&", b"\xff", b"</x>", b"]]>"]) + \
                    request.data[at:]
            elif request.data and self.protocol == "rest-json":
                request.data = self.json_body(request.data)
            else:
                self.query_string(request)

    def form(self, data):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        names = [name for name in data if name not in ("Action", "Version")]
        choice = self.rng.random()
        if names and choice < 0.6:
            for name in self.rng.sample(names, min(len(names), self.rng.randint(1, 3))):
                data[name] = self.rng.choice(ODD_TEXT)
        elif names and choice < 0.8:
            suffix = self.rng.choice([".1", ".member.1", ".entry.1.key", ".0", ".-1", ".99999999999", ".member.0",
                                      ".1.Name", ".member.1.", ".."])
            data[self.rng.choice(names).split(".")[0] + suffix] = self.rng.choice(ODD_TEXT)
        elif names:
            del data[self.rng.choice(names)]
        return data

    def json_body(self, data):
        if not data:
            return self.rng.choice(ODD_BODIES) if self.rng.random() < 0.5 else data
        try:
            document = json.loads(data)
        except ValueError:
            return data
        choice = self.rng.random()
        if choice < 0.1:
            return self.rng.choice(ODD_BODIES)
        if choice < 0.25 and isinstance(document, dict):
            document[f"Unknown{self.rng.randint(0, 9)}"] = self.rng.choice(ODD_JSON)
        else:
            document = self.value(document)
        return json.dumps(document).encode()

    def value(self, value):
        if isinstance(value, dict) and value and self.rng.random() < 0.7:
            name = self.rng.choice(list(value))
            return {**value, name: self.value(value[name])}
        if isinstance(value, list) and value and self.rng.random() < 0.7:
            at = self.rng.randrange(len(value))
            return value[:at] + [self.value(value[at])] + value[at + 1:]
        return self.rng.choice(ODD_JSON)

    def query_string(self, request):
        if "?" in request.url and self.rng.random() < 0.6:
            base, query = request.url.split("?", 1)
            pairs = query.split("&")
            at = self.rng.randrange(len(pairs))
            pairs[at] = pairs[at].split("=")[0] + "=" + self.rng.choice(
                ["", "-1", "abc", "%ff", "99999999999999999999", "%00", "true", "1e400"])
            request.url = base + "?" + "&".join(pairs)
        else:
            request.url += self.rng.choice(["%ff", "/%00", "/..", "/a" * 10])

    def header(self, request):
        names = [name for name in request.headers.keys() if name.lower().startswith("x-amz-")
                 and name.lower() not in ("x-amz-date", "x-amz-content-sha256", "x-amz-security-token")]
        if names:
            request.headers[self.rng.choice(names)] = self.rng.choice(["", "-1", "abc", "99999999999999999999", "é"])


def existing_resources(server):
    """Resources the mutated calls name, so that they reach past the lookup into the operation."""
    plain = lambda service: server.client(service)  # noqa: E731
    sqs, sns, iam, logs, s3 = plain("sqs"), plain("sns"), plain("iam"), plain("logs"), plain("s3")
    names = {"QueueUrl": sqs.create_queue(QueueName="mutated")["QueueUrl"]}
    names["TopicArn"] = sns.create_topic(Name="mutated")["TopicArn"]
    names["SubscriptionArn"] = sns.subscribe(
        TopicArn=names["TopicArn"], Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:mutated",
        ReturnSubscriptionArn=True)["SubscriptionArn"]
    iam.create_user(UserName="mutated")
    iam.create_group(GroupName="mutated")
    iam.create_role(RoleName="mutated", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')
    names.update(UserName="mutated", GroupName="mutated", RoleName="mutated")
    logs.create_log_group(logGroupName="mutated")
    logs.create_log_stream(logGroupName="mutated", logStreamName="mutated")
    names.update(logGroupName="mutated", logStreamName="mutated", logGroupIdentifier="mutated")
    plain("kinesis").create_stream(StreamName="mutated", ShardCount=1)
    names["StreamName"] = "mutated"
    s3.create_bucket(Bucket="mutated")
    s3.put_object(Bucket="mutated", Key="k", Body=b"x")
    names.update(Bucket="mutated", Key="k")
    events = plain("events")
    events.create_event_bus(Name="mutated")
    events.put_rule(Name="mutated", EventPattern='{"source":["a"]}')
    names.update(EventBusName="mutated", Rule="mutated")
    plain("firehose").create_delivery_stream(DeliveryStreamName="mutated", S3DestinationConfiguration={
        "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/mutated", "BucketARN": "arn:aws:s3:::mutated"})
    names["DeliveryStreamName"] = "mutated"
    sesv2 = plain("sesv2")
    sesv2.create_email_identity(EmailIdentity="mutated@example.com")
    sesv2.create_configuration_set(ConfigurationSetName="mutated")
    names.update(EmailIdentity="mutated@example.com", Identity="mutated@example.com", ConfigurationSetName="mutated")
    plain("ecs").create_cluster(clusterName="mutated")
    names["cluster"] = "mutated"
    return names


@pytest.fixture(scope="module")
def mutated_server():
    s = Server(storage="memory").start()
    s.names = existing_resources(s)
    yield s
    s.stop()


def unreadable(error):
    # Characters XML 1.0 admits nowhere are written as references, as S3 writes them in keys; a strict
    # parser refuses those on AWS's answers too.
    return "invalid character number" not in str(error)


@pytest.mark.parametrize("service", BUILT)
def test_mutated_requests_get_an_answer_in_the_protocol(mutated_server, service):
    api = mutated_server.client(service, inject_host_prefix=False, parameter_validation=False, read_timeout=30,
                                connect_timeout=5)
    model = service_model(service)
    failures = []
    for operation in model.operation_names:
        if operation in SKIPPED:
            continue
        operation_model = model.operation_model(operation)
        params = input_for(operation_model)
        members = operation_model.input_shape.members if operation_model.input_shape else {}
        params.update({name: value for name, value in mutated_server.names.items()
                       if name in members and members[name].type_name == "string"})
        method = getattr(api, botocore.xform_name(operation))
        for attempt in range(4):
            mutate = Mutator(model.protocol, random.Random(f"{service}.{operation}.{attempt}"))
            api.meta.events.register("before-sign", mutate)
            try:
                method(**params)
            except botocore.exceptions.ClientError as error:
                status = error.response["ResponseMetadata"].get("HTTPStatusCode", 0)
                code = error.response["Error"].get("Code")
                # botocore itself calls an S3 answer "500" when it is a 200 whose body is another
                # operation's: a mangled subresource is read as a listing, as S3 does.
                if status >= 500 and status != 501 and code != "500":
                    failures.append(f"{operation}: {status} {code} {error}")
            except (botocore.exceptions.ConnectionError, botocore.exceptions.ReadTimeoutError) as error:
                failures.append(f"{operation}: no answer ({type(error).__name__})")
            except botocore.parsers.ResponseParserError as error:
                if unreadable(error):
                    failures.append(f"{operation}: unreadable answer: {str(error)[:300]}")
            finally:
                api.meta.events.unregister("before-sign", mutate)
    assert failures == []
    assert mutated_server.process.poll() is None
