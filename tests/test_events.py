"""EventBridge through boto3 and the aws CLI: buses, rules, targets, events routed by pattern.

Expected values come from AWS's documentation and from answers AWS recorded (error codes, messages,
the event envelope, the rule ARN forms)."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, Server
from test_cli import aws


@pytest.fixture
def events(server):
    server.reset()
    return server.client("events")


@pytest.fixture
def queue(server, events):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def receive(sqs, url, count=1, wait=5):
    bodies = []
    deadline = time.time() + wait
    while len(bodies) < count and time.time() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in got.get("Messages", []):
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_an_event_that_matches_reaches_the_queue_in_the_envelope_aws_builds(events, queue):
    sqs, url, arn = queue
    events.put_rule(Name="big-orders", EventPattern=json.dumps(
        {"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}]}}))
    events.put_targets(Rule="big-orders", Targets=[{"Id": "q", "Arn": arn}])
    put = events.put_events(Entries=[
        {"Source": "shop", "DetailType": "order", "Detail": json.dumps({"total": 250, "items": ["a"]}),
         "Resources": ["arn:aws:shop:::order/1"]},
        {"Source": "shop", "DetailType": "order", "Detail": json.dumps({"total": 5})},
        {"Source": "other", "DetailType": "order", "Detail": json.dumps({"total": 500})},
    ])
    assert put["FailedEntryCount"] == 0 and all("EventId" in entry for entry in put["Entries"])
    bodies = receive(sqs, url)
    assert len(bodies) == 1
    event = json.loads(bodies[0])
    # The envelope's members in AWS's order, the detail as given.
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources",
                           "detail"]
    assert event["version"] == "0" and event["id"] == put["Entries"][0]["EventId"]
    assert event["detail-type"] == "order" and event["source"] == "shop"
    assert event["account"] == ACCOUNT and event["region"] == REGION
    assert event["resources"] == ["arn:aws:shop:::order/1"]
    assert event["detail"] == {"total": 250, "items": ["a"]}
    assert event["time"].endswith("Z") and len(event["time"]) == len("2026-01-01T00:00:00Z")
    assert receive(sqs, url, wait=1) == []


def test_input_transformer_fills_its_template_from_the_event(events, queue):
    sqs, url, arn = queue
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="r", Targets=[{
        "Id": "q", "Arn": arn,
        "InputTransformer": {
            "InputPathsMap": {"total": "$.detail.total", "who": "$.detail.customer", "missing": "$.detail.none"},
            "InputTemplate": '{"total": <total>, "who": <who>, "text": "<who> spent <total>", '
                             '"rule": "<aws.events.rule-name>", "none": <missing>}'}}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order",
                                "Detail": json.dumps({"total": 250, "customer": "Ann"})}])
    body = json.loads(receive(sqs, url)[0])
    # Outside quotes a string value comes as JSON, inside a string as its text; a missing one as "".
    assert body == {"total": 250, "who": "Ann", "text": "Ann spent 250", "rule": "r", "none": ""}


def test_text_templates_and_templates_that_cannot_be_delivered(events, queue):
    sqs, url, arn = queue
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))
    paths = {"who": "$.detail.customer", "order": "$.detail.order", "tags": "$.detail.tags"}
    events.put_targets(Rule="r", Targets=[
        {"Id": "text", "Arn": arn, "InputTransformer": {
            "InputPathsMap": paths, "InputTemplate": '"<who> ordered <order> tagged <tags>"'}},
        # An object inside a JSON string is not valid JSON: AWS delivers nothing for this target.
        {"Id": "broken", "Arn": arn, "InputTransformer": {
            "InputPathsMap": paths, "InputTemplate": '{"order": "<order>"}'}},
    ])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": json.dumps(
        {"customer": "Ann", "order": {"id": "o1", "n": 2}, "tags": ["a", "b"]})}])
    assert receive(sqs, url, count=2, wait=2) == ['"Ann ordered {id:o1,n:2} tagged [a,b]"']
    with pytest.raises(ClientError) as e:
        events.put_targets(Rule="r", Targets=[{"Id": "bad", "Arn": arn, "InputTransformer": {
            "InputPathsMap": paths, "InputTemplate": '{"x": <notmapped>}'}}])
    assert e.value.response["Error"]["Message"] == "InputTemplate for target bad contains invalid placeholder notmapped."


def test_input_and_input_path(events, queue):
    sqs, url, arn = queue
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="r", Targets=[
        {"Id": "constant", "Arn": arn, "Input": '{"fixed": true}'},
        {"Id": "path", "Arn": arn, "InputPath": "$.detail"},
    ])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": json.dumps({"a": 1})}])
    assert sorted(receive(sqs, url, count=2)) == sorted(['{"fixed": true}', '{"a":1}'])
    with pytest.raises(ClientError) as e:
        events.put_targets(Rule="r", Targets=[{"Id": "both", "Arn": arn, "Input": "{}", "InputPath": "$.detail"}])
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_rules_on_a_custom_bus_and_their_arns(events, queue):
    sqs, url, arn = queue
    created = events.create_event_bus(Name="shop-bus")
    assert created["EventBusArn"] == f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/shop-bus"
    rule = events.put_rule(Name="r", EventBusName="shop-bus", EventPattern=json.dumps({"source": ["shop"]}))
    assert rule["RuleArn"] == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/shop-bus/r"
    events.put_targets(Rule="r", EventBusName="shop-bus", Targets=[{"Id": "q", "Arn": arn}])
    # An event on the default bus does not reach a rule of another bus; one on that bus (named by ARN) does.
    events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": "{}"}])
    assert receive(sqs, url, wait=1) == []
    events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": "{}",
                                "EventBusName": created["EventBusArn"]}])
    assert len(receive(sqs, url)) == 1
    described = events.describe_rule(Name="r", EventBusName="shop-bus")
    assert described["EventBusName"] == "shop-bus" and described["State"] == "ENABLED"
    assert described["CreatedBy"] == ACCOUNT
    names = [bus["Name"] for bus in events.list_event_buses()["EventBuses"]]
    assert names == ["default", "shop-bus"]
    with pytest.raises(ClientError) as e:
        events.create_event_bus(Name="shop-bus")
    assert e.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    assert e.value.response["Error"]["Message"] == "Event bus shop-bus already exists."


def test_errors_as_aws_words_them(events, queue):
    _, _, arn = queue
    with pytest.raises(ClientError) as e:
        events.describe_event_bus(Name="nope")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["Error"]["Message"] == "Event bus nope does not exist."
    with pytest.raises(ClientError) as e:
        events.describe_rule(Name="nope")
    assert e.value.response["Error"]["Message"] == "Rule nope does not exist on EventBus default."
    with pytest.raises(ClientError) as e:
        events.put_rule(Name="r", EventBusName="nope", EventPattern='{"source": ["a"]}')
    assert e.value.response["Error"]["Message"] == "Event bus nope does not exist."
    with pytest.raises(ClientError) as e:
        events.put_rule(Name="r")
    assert e.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as e:
        events.delete_event_bus(Name="default")
    assert e.value.response["Error"]["Message"] == "Cannot delete event bus default."
    events.put_rule(Name="r", EventPattern='{"source": ["a"]}')
    events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": arn}])
    with pytest.raises(ClientError) as e:
        events.delete_rule(Name="r")
    assert e.value.response["Error"]["Message"] == "Rule can't be deleted since it has targets."
    events.remove_targets(Rule="r", Ids=["q"])
    events.delete_rule(Name="r")
    with pytest.raises(ClientError) as e:
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": arn}])
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    events.put_rule(Name="five", EventPattern='{"source": ["a"]}')
    events.put_targets(Rule="five", Targets=[{"Id": str(n), "Arn": arn} for n in range(5)])
    with pytest.raises(ClientError) as e:
        events.put_targets(Rule="five", Targets=[{"Id": "6", "Arn": arn}])
    assert e.value.response["Error"]["Code"] == "LimitExceededException"


def test_put_events_reports_each_bad_entry(events):
    put = events.put_events(Entries=[
        {"Source": "a", "DetailType": "t", "Detail": "{}"},
        {"DetailType": "t", "Detail": "{}"},
        {"Source": "a", "DetailType": "t", "Detail": "not json"},
        {"Source": "a", "DetailType": "t", "Detail": "{}", "EventBusName": "missing"},
    ])
    assert put["FailedEntryCount"] == 2
    entries = put["Entries"]
    assert "EventId" in entries[0]
    assert entries[1] == {"ErrorCode": "InvalidArgument",
                          "ErrorMessage": "Parameter Source is not valid. Reason: Source is a required argument."}
    assert entries[2] == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    # An event for a bus that does not exist is acknowledged (and goes nowhere), as AWS does.
    assert set(entries[3]) == {"EventId"}
    with pytest.raises(ClientError) as e:
        events.put_events(Entries=[{"Source": "a", "DetailType": "t", "Detail": "{}"}] * 11)
    assert e.value.response["Error"]["Code"] == "ValidationException"
    # AWS lists the entries as its Java model prints them.
    assert e.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value '[PutEventsRequestEntry(time=null, source=a, resources=null, "
        "detailType=t, detail={}, eventBusName=null, traceHeader=null, kmsKeyIdentifier=null, internalMetadata=null), ")
    assert e.value.response["Error"]["Message"].endswith(
        "]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10")
    with pytest.raises(ClientError) as e:
        events.put_events(Entries=[{"Source": "a", "DetailType": "t",
                                    "Detail": json.dumps({"p": "x" * (256 * 1024)})}])
    assert e.value.response["Error"]["Message"] == "Total size of the entries in the request is over the limit."


def test_patterns_are_checked_with_aws_messages(events):
    cases = [
        ('{"source": "shop"}',
         'Event pattern is not valid. Reason: "source" must be an object or an array\n'
         ' at [Source: (String)"{"source": "shop"}"; line: 1, column: 13]'),
        ('{"resources": []}',
         'Event pattern is not valid. Reason: Empty arrays are not allowed\n'
         ' at [Source: (String)"{"resources": []}"; line: 1, column: 17]'),
        ('{"a": [{"EXISTS": true}]}',
         'Event pattern is not valid. Reason: Unrecognized match type EXISTS\n'
         ' at [Source: (String)"{"a": [{"EXISTS": true}]}"; line: 1, column: 23]'),
        ('{"a": [{"anything-but": {"prefix": ""}}]}',
         'Event pattern is not valid. Reason: Null prefix/suffix not allowed\n'
         ' at [Source: (String)"{"a": [{"anything-but": {"prefix": ""}}]}"; line: 1, column: 38]'),
        ('{"ip": [{"cidr": "10.0.0.0"}]}', "Event pattern is not valid. Reason: Malformed CIDR, one '/' required"),
    ]
    for pattern, message in cases:
        with pytest.raises(ClientError) as e:
            events.put_rule(Name="bad", EventPattern=pattern)
        assert e.value.response["Error"]["Code"] == "InvalidEventPatternException"
        assert e.value.response["Error"]["Message"] == message
    # Inside an anything-but list the place is named twice, as AWS's parser reports it through two frames.
    with pytest.raises(ClientError) as e:
        events.test_event_pattern(EventPattern='{"a": [{"anything-but": ["x", null]}]}', Event="{}")
    message = e.value.response["Error"]["Message"]
    assert message.startswith("Event pattern is not valid. Reason: Inside anything but list, start|null|boolean is "
                              "not supported.")
    assert message.count(" at [Source: ") == 2


EVENT = {"id": "1", "account": ACCOUNT, "source": "shop", "time": "2026-01-01T00:00:00Z", "region": REGION,
         "detail-type": "order", "resources": [],
         "detail": {"state": "running", "count": 5, "ip": "10.0.3.4", "tags": ["a", "b"], "none": None,
                    "path": "/home/me/file.txt"}}


@pytest.mark.parametrize("pattern,matches", [
    ({"detail": {"state": ["running", "stopped"]}}, True),
    ({"detail": {"state": [{"prefix": "run"}]}}, True),
    ({"detail": {"state": [{"prefix": {"equals-ignore-case": "RUN"}}]}}, True),
    ({"detail": {"state": [{"suffix": "ing"}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "RUNNING"}]}}, True),
    ({"detail": {"state": [{"anything-but": ["running"]}]}}, False),
    ({"detail": {"state": [{"anything-but": {"prefix": ["st", "pa"]}}]}}, True),
    ({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["RUNNING"]}}]}}, False),
    ({"detail": {"none": [{"anything-but": {"prefix": "x"}}]}}, True),
    ({"detail": {"count": [{"numeric": [">", 1, "<=", 5]}]}}, True),
    ({"detail": {"count": [5.0]}}, True),
    ({"detail": {"count": ["5"]}}, False),
    ({"detail": {"ip": [{"cidr": "10.0.0.0/16"}]}}, True),
    ({"detail": {"ip": [{"cidr": "10.1.0.0/16"}]}}, False),
    ({"detail": {"tags": ["b"]}}, True),
    ({"detail": {"none": [None]}}, True),
    ({"detail": {"none": [{"exists": True}]}}, True),
    ({"detail": {"absent": [{"exists": False}]}}, True),
    ({"detail": {"absent": [{"anything-but": "x"}]}}, False),
    ({"detail": {"path": [{"wildcard": "/home/*/file.txt"}]}}, True),
    ({"detail": {"path": [{"wildcard": "/home/*.png"}]}}, False),
    ({"$or": [{"source": ["x"]}, {"detail": {"count": [{"numeric": ["=", 5]}]}}]}, True),
    ({"source": ["shop"], "detail": {"state": ["stopped"]}}, False),
])
def test_event_pattern_matching(events, pattern, matches):
    result = events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(EVENT))
    assert result["Result"] is matches


def test_disabled_rules_and_list_operations(events, queue):
    sqs, url, arn = queue
    for name in ["a", "b", "c"]:
        events.put_rule(Name=name, EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="b", Targets=[{"Id": "q", "Arn": arn}])
    events.disable_rule(Name="b")
    assert events.describe_rule(Name="b")["State"] == "DISABLED"
    events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": "{}"}])
    assert receive(sqs, url, wait=1) == []
    events.enable_rule(Name="b")
    events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": "{}"}])
    assert len(receive(sqs, url)) == 1
    first = events.list_rules(Limit=2)
    assert [rule["Name"] for rule in first["Rules"]] == ["a", "b"] and "NextToken" in first
    rest = events.list_rules(Limit=2, NextToken=first["NextToken"])
    assert [rule["Name"] for rule in rest["Rules"]] == ["c"] and "NextToken" not in rest
    assert events.list_rule_names_by_target(TargetArn=arn)["RuleNames"] == ["b"]
    targets = events.list_targets_by_rule(Rule="b")["Targets"]
    assert targets == [{"Id": "q", "Arn": arn}]
    # A pattern put again replaces the rule's pattern, its targets stay.
    events.put_rule(Name="b", EventPattern='{"source": ["other"]}')
    assert events.list_targets_by_rule(Rule="b")["Targets"] == targets


def test_tags_and_bus_permissions(events):
    bus = events.create_event_bus(Name="tagged", Tags=[{"Key": "team", "Value": "a"}])["EventBusArn"]
    events.tag_resource(ResourceARN=bus, Tags=[{"Key": "env", "Value": "dev"}])
    tags = events.list_tags_for_resource(ResourceARN=bus)["Tags"]
    assert tags == [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}]
    events.untag_resource(ResourceARN=bus, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=bus)["Tags"] == [{"Key": "env", "Value": "dev"}]
    rule = events.put_rule(Name="r", EventPattern='{"source": ["a"]}', Tags=[{"Key": "k", "Value": "v"}])["RuleArn"]
    assert events.list_tags_for_resource(ResourceARN=rule)["Tags"] == [{"Key": "k", "Value": "v"}]
    events.put_permission(EventBusName="tagged", Action="events:PutEvents", Principal="111111111111",
                          StatementId="partner")
    policy = json.loads(events.describe_event_bus(Name="tagged")["Policy"])
    assert policy["Statement"] == [{
        "Sid": "partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "events:PutEvents", "Resource": bus}]
    events.remove_permission(EventBusName="tagged", StatementId="partner")
    assert "Policy" not in events.describe_event_bus(Name="tagged")


def test_a_rule_forwards_to_another_bus_and_to_a_topic(server, events, queue):
    sqs, url, arn = queue
    other = events.create_event_bus(Name="downstream")["EventBusArn"]
    events.put_rule(Name="forward", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="forward", Targets=[{"Id": "bus", "Arn": other}])
    events.put_rule(Name="collect", EventBusName="downstream", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="collect", EventBusName="downstream", Targets=[{"Id": "q", "Arn": arn}])
    put = events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": '{"n": 1}'}])
    forwarded = json.loads(receive(sqs, url)[0])
    assert forwarded["id"] == put["Entries"][0]["EventId"] and forwarded["detail"] == {"n": 1}
    sns = server.client("sns")
    topic = sns.create_topic(Name="events-topic")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    events.put_rule(Name="to-topic", EventPattern='{"source": ["news"]}')
    events.put_targets(Rule="to-topic", Targets=[{"Id": "t", "Arn": topic}])
    events.put_events(Entries=[{"Source": "news", "DetailType": "t", "Detail": '{"n": 2}'}])
    assert json.loads(receive(sqs, url)[0])["detail"] == {"n": 2}


def test_rules_and_acknowledged_events_survive_kill_9(tmp_path):
    server = Server(data_dir=str(tmp_path)).start()
    try:
        events = server.client("events")
        sqs = server.client("sqs")
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.create_event_bus(Name="b")
        events.put_rule(Name="r", EventBusName="b", EventPattern='{"source": ["s"]}')
        events.put_targets(Rule="r", EventBusName="b", Targets=[{"Id": "q", "Arn": arn}])
        put = events.put_events(Entries=[{"Source": "s", "DetailType": "t", "Detail": '{"i": %d}' % i,
                                          "EventBusName": "b"} for i in range(10)])
        assert put["FailedEntryCount"] == 0
        server.kill9()
        server.start()
        events = server.client("events")
        sqs = server.client("sqs")
        assert events.describe_rule(Name="r", EventBusName="b")["EventPattern"] == '{"source": ["s"]}'
        assert events.list_targets_by_rule(Rule="r", EventBusName="b")["Targets"] == [{"Id": "q", "Arn": arn}]
        bodies = receive(sqs, url, count=10)
        assert sorted(json.loads(body)["detail"]["i"] for body in bodies) == list(range(10))
    finally:
        server.stop()


def test_aws_cli_puts_a_rule_target_and_event(server, events, queue):
    sqs, url, arn = queue
    out = aws(server, "events", "put-rule", "--name", "cli", "--event-pattern", '{"source":["cli"]}')
    assert out.returncode == 0, out.stderr
    out = aws(server, "events", "put-targets", "--rule", "cli", "--targets", f"Id=q,Arn={arn}")
    assert out.returncode == 0, out.stderr
    out = aws(server, "events", "put-events", "--entries", 'Source=cli,DetailType=t,Detail="{\\"x\\":1}"')
    assert out.returncode == 0 and json.loads(out.stdout)["FailedEntryCount"] == 0, out.stderr
    assert json.loads(receive(sqs, url)[0])["detail"] == {"x": 1}


def test_archives_keep_matching_events_and_replays_send_them_again(events, queue):
    sqs, url, arn = queue
    bus = events.create_event_bus(Name="archived")["EventBusArn"]
    archive = events.create_archive(ArchiveName="keep", EventSourceArn=bus, EventPattern='{"source": ["shop"]}',
                                    RetentionDays=1)
    assert archive["State"] == "ENABLED" and archive["ArchiveArn"].endswith(":archive/keep")
    rule = events.put_rule(Name="r", EventBusName="archived", EventPattern='{"source": ["shop"]}')["RuleArn"]
    events.put_targets(Rule="r", EventBusName="archived", Targets=[{"Id": "q", "Arn": arn}])
    start = time.time() - 60
    events.put_events(Entries=[{"Source": src, "DetailType": "t", "Detail": '{"n": %d}' % n, "EventBusName": "archived"}
                               for n, src in enumerate(["shop", "shop", "other"])])
    assert len(receive(sqs, url, count=2)) == 2
    described = events.describe_archive(ArchiveName="keep")
    assert described["EventCount"] == 2 and described["SizeBytes"] > 0
    assert described["EventPattern"] == '{"source": ["shop"]}'
    with pytest.raises(ClientError) as e:
        events.create_archive(ArchiveName="keep", EventSourceArn=bus)
    assert e.value.response["Error"]["Message"] == "Archive keep already exists."
    with pytest.raises(ClientError) as e:
        events.start_replay(ReplayName="x", EventSourceArn=archive["ArchiveArn"], EventStartTime=time.time(),
                            EventEndTime=time.time() - 10, Destination={"Arn": bus})
    assert e.value.response["Error"]["Message"] == \
        "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
    started = events.start_replay(ReplayName="again", EventSourceArn=archive["ArchiveArn"], EventStartTime=start,
                                  EventEndTime=time.time() + 60, Destination={"Arn": bus, "FilterArns": [rule]})
    assert started["State"] == "STARTING"
    replayed = [json.loads(body) for body in receive(sqs, url, count=2, wait=10)]
    assert sorted(event["detail"]["n"] for event in replayed) == [0, 1]
    # Replayed events carry the replay's name, after the region.
    assert all(event["replay-name"] == "again" for event in replayed)
    assert list(replayed[0])[6:9] == ["region", "replay-name", "resources"]
    deadline = time.time() + 10
    while events.describe_replay(ReplayName="again")["State"] != "COMPLETED" and time.time() < deadline:
        time.sleep(0.2)
    assert events.describe_replay(ReplayName="again")["State"] == "COMPLETED"
    # Replayed events are not archived again.
    assert events.describe_archive(ArchiveName="keep")["EventCount"] == 2
    assert [r["ReplayName"] for r in events.list_replays()["Replays"]] == ["again"]
    with pytest.raises(ClientError) as e:
        events.describe_replay(ReplayName="never")
    assert e.value.response["Error"]["Message"] == "Replay never does not exist."


class Recorder:
    """A local HTTP endpoint that records what it is sent."""

    def __init__(self):
        import http.server
        import threading
        self.requests = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append((self.path, dict(self.headers), self.rfile.read(length)))
                recorder.methods.append(self.command)
                answer = b'{"access_token": "tok-1", "expires_in": 3600}' if self.path == "/token" else b""
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_PUT = do_POST

            def log_message(self, *args):
                pass

        self.methods = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count=1, seconds=10):
        deadline = time.time() + seconds
        while len(self.requests) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.requests


def test_api_destination_targets_call_the_endpoint_with_the_connections_authorization(events):
    endpoint = Recorder()
    try:
        connection = events.create_connection(
            Name="basic", AuthorizationType="BASIC",
            AuthParameters={"BasicAuthParameters": {"Username": "user", "Password": "pass"},
                            "InvocationHttpParameters": {"HeaderParameters": [{"Key": "x-team", "Value": "a"}]}})
        assert connection["ConnectionState"] == "AUTHORIZED"
        assert ":connection/basic/" in connection["ConnectionArn"]
        described = events.describe_connection(Name="basic")
        # Secrets are never shown.
        assert described["AuthParameters"]["BasicAuthParameters"] == {"Username": "user"}
        assert described["SecretArn"].startswith("arn:aws:secretsmanager:")
        destination = events.create_api_destination(
            Name="hook", ConnectionArn=connection["ConnectionArn"], InvocationEndpoint=endpoint.url + "/orders/*",
            HttpMethod="POST")
        assert destination["ApiDestinationState"] == "ACTIVE"
        assert events.describe_api_destination(Name="hook")["InvocationRateLimitPerSecond"] == 300
        events.put_rule(Name="r", EventPattern='{"source": ["shop"]}')
        events.put_targets(Rule="r", Targets=[{
            "Id": "hook", "Arn": destination["ApiDestinationArn"],
            "HttpParameters": {"PathParameterValues": ["42"], "HeaderParameters": {"x-order": "o1"},
                               "QueryStringParameters": {"full": "true"}}}])
        events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": '{"n": 1}'}])
        (path, headers, body), = endpoint.wait()
        assert path == "/orders/42?full=true"
        assert headers["Authorization"] == "Basic dXNlcjpwYXNz"
        assert headers["x-team"] == "a" and headers["x-order"] == "o1"
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["detail"] == {"n": 1}
        with pytest.raises(ClientError) as e:
            events.describe_connection(Name="missing")
        assert e.value.response["Error"]["Message"] == \
            "Failed to describe the connection(s). Connection 'missing' does not exist."
        events.delete_api_destination(Name="hook")
        with pytest.raises(ClientError) as e:
            events.describe_api_destination(Name="hook")
        assert e.value.response["Error"]["Message"] == \
            "Failed to describe the api-destination(s). An api-destination 'hook' does not exist."
        assert events.delete_connection(Name="basic")["ConnectionState"] == "DELETING"
    finally:
        endpoint.server.shutdown()


@pytest.mark.parametrize("method", ["POST", "put"])
def test_oauth_connections_fetch_a_token_with_client_credentials(events, method):
    # AWS takes the OAuth HttpMethod in lower case too, though the model's enum is upper case.
    endpoint = Recorder()
    try:
        connection = events.create_connection(
            Name="oauth", AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
            AuthParameters={"OAuthParameters": {
                "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
                "AuthorizationEndpoint": endpoint.url + "/token", "HttpMethod": method}})
        assert connection["ConnectionState"] == "AUTHORIZING"
        destination = events.create_api_destination(
            Name="hook", ConnectionArn=connection["ConnectionArn"], InvocationEndpoint=endpoint.url + "/hook",
            HttpMethod="POST")
        events.put_rule(Name="r", EventPattern='{"source": ["shop"]}')
        events.put_targets(Rule="r", Targets=[{"Id": "hook", "Arn": destination["ApiDestinationArn"]}])
        events.put_events(Entries=[{"Source": "shop", "DetailType": "t", "Detail": "{}"}])
        token_request, call = endpoint.wait(count=2)
        assert token_request[0] == "/token" and token_request[1]["Authorization"] == "Basic aWQ6c2VjcmV0"
        assert endpoint.methods[0] == method.upper()
        assert token_request[2] == b"grant_type=client_credentials"
        assert call[0] == "/hook" and call[1]["Authorization"] == "Bearer tok-1"
        assert events.describe_connection(Name="oauth")["ConnectionState"] == "AUTHORIZED"
    finally:
        endpoint.server.shutdown()


def test_an_api_destinations_method_outside_the_set_is_refused_in_awss_order(events):
    connection = events.create_connection(
        Name="basic", AuthorizationType="BASIC",
        AuthParameters={"BasicAuthParameters": {"Username": "u", "Password": "p"}})
    with pytest.raises(ClientError) as e:
        events.create_api_destination(Name="hook", ConnectionArn=connection["ConnectionArn"],
                                      InvocationEndpoint="https://example.com/hook", HttpMethod="INVALID_METHOD")
    # The set in the order AWS's answer lists it, not the model's.
    assert e.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'INVALID_METHOD' at 'httpMethod' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]")


def test_an_oauth_method_outside_get_post_put_is_refused_in_any_case(events):
    with pytest.raises(ClientError) as e:
        events.create_connection(
            Name="oauth", AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
            AuthParameters={"OAuthParameters": {
                "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
                "AuthorizationEndpoint": "https://example.com/token", "HttpMethod": "delete"}})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "Member must satisfy enum value set: [GET, POST, PUT]" in e.value.response["Error"]["Message"]


def test_partner_event_sources_reach_the_customers_partner_bus(server, events, queue):
    sqs, url, arn = queue
    partner = server.client("events", access_key="111111111111")
    name = "aws.partner/saas.example/shop/orders"
    created = partner.create_partner_event_source(Name=name, Account=ACCOUNT)
    assert created["EventSourceArn"] == f"arn:aws:events:{REGION}::event-source/{name}"
    assert partner.list_partner_event_source_accounts(EventSourceName=name)["PartnerEventSourceAccounts"][0][
        "State"] == "PENDING"
    source = events.describe_event_source(Name=name)
    assert source["CreatedBy"] == "111111111111" and source["State"] == "PENDING"
    events.create_event_bus(Name=name, EventSourceName=name)
    assert events.describe_event_source(Name=name)["State"] == "ACTIVE"
    events.put_rule(Name="r", EventBusName=name, EventPattern=json.dumps({"source": [name]}))
    events.put_targets(Rule="r", EventBusName=name, Targets=[{"Id": "q", "Arn": arn}])
    put = partner.put_partner_events(Entries=[{"Source": name, "DetailType": "order", "Detail": '{"n": 1}'}])
    assert put["FailedEntryCount"] == 0
    event = json.loads(receive(sqs, url)[0])
    assert event["account"] == ACCOUNT and event["source"] == name and event["detail"] == {"n": 1}
    assert [s["Name"] for s in partner.list_partner_event_sources(NamePrefix="aws.partner/saas.example/")[
        "PartnerEventSources"]] == [name]


def test_global_endpoints_are_stored(events):
    buses = [{"EventBusArn": f"arn:aws:events:{region}:{ACCOUNT}:event-bus/global"}
             for region in ("us-east-1", "us-west-2")]
    routing = {"FailoverConfig": {"Primary": {"HealthCheck": f"arn:aws:route53:::healthcheck/abc"},
                                  "Secondary": {"Route": "us-west-2"}}}
    created = events.create_endpoint(Name="global", RoutingConfig=routing, EventBuses=buses)
    assert created["State"] == "ACTIVE" and created["Arn"].endswith(":endpoint/global")
    described = events.describe_endpoint(Name="global")
    assert described["RoutingConfig"] == routing and described["EventBuses"] == buses
    assert described["EndpointUrl"].startswith("https://") and described["EndpointId"]
    assert [e["Name"] for e in events.list_endpoints()["Endpoints"]] == ["global"]
    with pytest.raises(ClientError) as e:
        events.create_endpoint(Name="bad", RoutingConfig=routing, EventBuses=[buses[0], buses[0]])
    assert e.value.response["Error"]["Code"] == "ValidationException"
    events.delete_endpoint(Name="global")
    with pytest.raises(ClientError) as e:
        events.describe_endpoint(Name="global")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
