"""SES v1 (the awsQuery API) through boto3 and the aws CLI: identities, templates, configuration sets
and their event destinations, receipt rules, sending with its checks in AWS's words, the mailbox
simulator's events on an SNS topic, quotas and statistics that count what was sent, and the captured
outbox where every accepted message is kept."""
import json
import re
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, Server, error_code
from test_cli import aws

SIMPLE = {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "plain text"}, "Html": {"Data": "<p>html</p>"}}}
MESSAGE_ID = re.compile(r"^[0-9a-f]{16}-[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}-000000$")


@pytest.fixture
def ses(server):
    server.reset()
    return server.client("ses")


def captured(server, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    with urllib.request.urlopen(f"{server.endpoint}/_switchyard/ses/messages?{query}") as r:
        return json.loads(r.read())["messages"]


def raw_message(server, message_id):
    with urllib.request.urlopen(f"{server.endpoint}/_switchyard/ses/messages/raw?id={message_id}") as r:
        return r.read()


def events_queue(server, topic_name="ses-events"):
    """A topic whose notifications land raw in a queue: where SES's SNS event records are read."""
    sns, sqs = server.client("sns"), server.client("sqs")
    url = sqs.create_queue(QueueName=topic_name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name=topic_name)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return topic, url


def receive(server, url, count, timeout=15):
    sqs = server.client("sqs")
    bodies, deadline = [], time.time() + timeout
    while len(bodies) < count and time.time() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


def test_identities_are_verified_at_once_and_listed(ses):
    ses.verify_email_identity(EmailAddress="sender@example.com")
    token = ses.verify_domain_identity(Domain="Example.ORG")["VerificationToken"]
    assert token
    assert ses.list_identities()["Identities"] == ["sender@example.com", "example.org"]
    assert ses.list_identities(IdentityType="Domain")["Identities"] == ["example.org"]
    attributes = ses.get_identity_verification_attributes(Identities=["sender@example.com", "example.org"])
    attributes = attributes["VerificationAttributes"]
    # Email identities carry no token; domains carry the TXT record value.
    assert attributes["sender@example.com"] == {"VerificationStatus": "Success"}
    assert attributes["example.org"] == {"VerificationStatus": "Success", "VerificationToken": token}
    dkim = ses.verify_domain_dkim(Domain="example.org")["DkimTokens"]
    assert len(dkim) == 3 and all(re.fullmatch(r"[a-z2-7]{32}", t) for t in dkim)
    ses.delete_identity(Identity="sender@example.com")
    assert ses.list_identities()["Identities"] == ["example.org"]


def test_invalid_addresses_are_refused_in_javamails_words(ses):
    with pytest.raises(ClientError) as e:
        ses.verify_email_identity(EmailAddress="nobody")
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == "Missing final '@domain'"


def test_templates_list_get_update_delete(ses):
    # Recorded from AWS: an empty list is an empty element, and deleting a missing template succeeds.
    assert ses.list_templates()["TemplatesMetadata"] == []
    ses.create_template(Template={"TemplateName": "hello", "SubjectPart": "Hi {{name}}", "TextPart": "Dear {{name}}"})
    with pytest.raises(ClientError) as e:
        ses.create_template(Template={"TemplateName": "hello", "SubjectPart": "again"})
    assert error_code(e) == "AlreadyExists"
    listed = ses.list_templates()["TemplatesMetadata"]
    assert [t["Name"] for t in listed] == ["hello"] and listed[0]["CreatedTimestamp"]
    ses.update_template(Template={"TemplateName": "hello", "SubjectPart": "Hello {{name}}", "TextPart": "x"})
    assert ses.get_template(TemplateName="hello")["Template"]["SubjectPart"] == "Hello {{name}}"
    rendered = ses.test_render_template(TemplateName="hello", TemplateData='{"name": "Ann"}')["RenderedTemplate"]
    assert "Subject: Hello Ann" in rendered
    with pytest.raises(ClientError) as e:
        ses.test_render_template(TemplateName="hello", TemplateData="{}")
    assert error_code(e) == "MissingRenderingAttribute"
    assert e.value.response["Error"]["Message"] == "Attribute 'name' is not present in the rendering data."
    ses.delete_template(TemplateName="hello")
    ses.delete_template(TemplateName="hello")
    with pytest.raises(ClientError) as e:
        ses.get_template(TemplateName="hello")
    assert error_code(e) == "TemplateDoesNotExist"
    assert e.value.response["Error"]["Message"] == "Template hello does not exist."


def test_configuration_set_errors_as_aws_recorded_them(ses, server):
    with pytest.raises(ClientError) as e:
        ses.delete_configuration_set(ConfigurationSetName="none-here")
    assert error_code(e) == "ConfigurationSetDoesNotExist"
    assert e.value.response["Error"]["Message"] == "Configuration set <none-here> does not exist."
    assert e.value.response["Error"]["Type"] == "Sender"
    ses.create_configuration_set(ConfigurationSet={"Name": "set1"})
    with pytest.raises(ClientError) as e:
        ses.delete_configuration_set_event_destination(ConfigurationSetName="set1", EventDestinationName="nothing")
    assert error_code(e) == "EventDestinationDoesNotExist"
    assert e.value.response["Error"]["Message"] == "No EventDestination found for set1"
    missing = f"arn:aws:sns:{REGION}:{ACCOUNT}:missing-topic"
    with pytest.raises(ClientError) as e:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="set1",
            EventDestination={"Name": "d", "Enabled": True, "MatchingEventTypes": ["send"],
                              "SNSDestination": {"TopicARN": missing}})
    assert error_code(e) == "InvalidSNSDestination"
    assert e.value.response["Error"]["Message"] == f"SNS topic <{missing}> not found."
    # Nothing was stored: the set has no destinations.
    described = ses.describe_configuration_set(
        ConfigurationSetName="set1", ConfigurationSetAttributeNames=["eventDestinations"])
    assert described["EventDestinations"] == []


def test_event_destination_described_as_given(ses, server):
    topic, _ = events_queue(server)
    ses.create_configuration_set(ConfigurationSet={"Name": "described"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="described",
        EventDestination={"Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["send", "bounce", "delivery"],
                          "SNSDestination": {"TopicARN": topic}})
    described = ses.describe_configuration_set(
        ConfigurationSetName="described", ConfigurationSetAttributeNames=["eventDestinations"])
    assert described["ConfigurationSet"] == {"Name": "described"}
    assert described["EventDestinations"] == [{
        "Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["send", "bounce", "delivery"],
        "SNSDestination": {"TopicARN": topic}}]
    assert "TrackingOptions" not in described and "DeliveryOptions" not in described


def test_message_tags_checked_before_the_sender(ses):
    # Recorded from AWS: an unverified sender with a bad tag gets the tag's error, names before values.
    cases = [
        ({"Name": "bad:name", "Value": "v"},
         "Invalid tag name <bad:name>: only alphanumeric ASCII characters, '_',  '-' are allowed."),
        ({"Name": "n", "Value": "bad:value"},
         "Invalid tag value <bad:value>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."),
        ({"Name": "", "Value": "v"}, "The tag name must be specified."),
        ({"Name": "n", "Value": ""}, "The tag value must be specified."),
        ({"Name": "n" * 256, "Value": "v"}, "Tag name cannot exceed 255 characters."),
    ]
    for tag, message in cases:
        with pytest.raises(ClientError) as e:
            ses.send_email(Source="unverified@example.com", Destination={"ToAddresses": ["to@example.com"]},
                           Message=SIMPLE, Tags=[tag])
        assert (error_code(e), e.value.response["Error"]["Message"]) == ("InvalidParameterValue", message)
    # SES's own ses: prefix is allowed; then the unverified sender is refused.
    with pytest.raises(ClientError) as e:
        ses.send_email(Source="unverified@example.com", Destination={"ToAddresses": ["to@example.com"]},
                       Message=SIMPLE, Tags=[{"Name": "ses:feedback-id-a", "Value": "campaign"}])
    assert error_code(e) == "MessageRejected"
    assert e.value.response["Error"]["Message"] == (
        "Email address is not verified. The following identities failed the check in region US-EAST-1: "
        "unverified@example.com")


def test_send_email_lands_in_the_outbox(ses, server):
    ses.verify_email_identity(EmailAddress="from@example.com")
    sent = ses.send_email(
        Source="Sender Name <from@example.com>",
        Destination={"ToAddresses": ["to@example.com"], "BccAddresses": ["hidden@example.com"]},
        Message={"Subject": {"Data": "Grüße"}, "Body": {"Text": {"Data": "hello"}, "Html": {"Data": "<b>hi</b>"}}},
        ReplyToAddresses=["reply@example.com"])
    assert MESSAGE_ID.match(sent["MessageId"])
    [message] = captured(server, id=sent["MessageId"])
    assert message["source"] == "from@example.com"
    assert message["destinations"] == ["to@example.com", "hidden@example.com"]
    assert (message["subject"], message["text"], message["html"]) == ("Grüße", "hello", "<b>hi</b>")
    assert message["operation"] == "SendEmail"
    import email
    from email import policy
    mime = email.message_from_bytes(raw_message(server, sent["MessageId"]), policy=policy.default)
    assert mime["Subject"] == "Grüße" and mime["From"] == "Sender Name <from@example.com>"
    assert mime["Reply-To"] == "reply@example.com" and mime["Bcc"] is None
    assert mime["Message-ID"] == f"<{sent['MessageId']}@email.amazonses.com>"
    assert mime.get_body(("plain",)).get_content().strip() == "hello"


def test_raw_email_takes_its_sender_and_recipients_from_the_headers(ses, server):
    ses.verify_domain_identity(Domain="example.net")
    raw = (b"From: someone@example.net\r\nTo: a@example.com, B <b@example.com>\r\nCc: c@example.com\r\n"
           b"Subject: raw\r\nX-SES-CONFIGURATION-SET: raw-set\r\nX-SES-MESSAGE-TAGS: team=mail, kind=raw\r\n\r\nbody\r\n")
    with pytest.raises(ClientError) as e:
        ses.send_raw_email(RawMessage={"Data": raw})
    # The configuration set the header names must exist.
    assert error_code(e) == "ConfigurationSetDoesNotExist"
    ses.create_configuration_set(ConfigurationSet={"Name": "raw-set"})
    sent = ses.send_raw_email(RawMessage={"Data": raw})
    [message] = captured(server, id=sent["MessageId"])
    assert message["source"] == "someone@example.net"
    assert message["destinations"] == ["a@example.com", "b@example.com", "c@example.com"]
    assert message["configurationSet"] == "raw-set" and message["tags"] == {"team": "mail", "kind": "raw"}
    # SES reads and removes its own headers.
    assert b"X-SES-" not in raw_message(server, sent["MessageId"])
    with pytest.raises(ClientError) as e:
        ses.send_raw_email(RawMessage={"Data": b"From: origin@elsewhere.com\nTo: x@example.com\nSubject: t\n\nbody\n"})
    assert error_code(e) == "MessageRejected"


def test_templated_and_bulk_templated_email(ses, server):
    ses.verify_email_identity(EmailAddress="news@example.com")
    ses.create_template(Template={
        "TemplateName": "greet", "SubjectPart": "Hello {{name}}",
        "HtmlPart": "<p>{{#if vip}}Dear VIP {{/if}}{{name}}</p>", "TextPart": "{{name}} from {{city}}"})
    sent = ses.send_templated_email(
        Source="news@example.com", Destination={"ToAddresses": ["ann@example.com"]}, Template="greet",
        TemplateData=json.dumps({"name": "Ann", "city": "Oslo", "vip": True}))
    [message] = captured(server, id=sent["MessageId"])
    assert (message["subject"], message["text"]) == ("Hello Ann", "Ann from Oslo")
    assert message["html"] == "<p>Dear VIP Ann</p>"
    with pytest.raises(ClientError) as e:
        ses.send_templated_email(Source="news@example.com", Destination={"ToAddresses": ["a@example.com"]},
                                 Template="nope", TemplateData="{}")
    assert error_code(e) == "TemplateDoesNotExist"
    bulk = ses.send_bulk_templated_email(
        Source="news@example.com", Template="greet", DefaultTemplateData='{"name": "friend", "city": "Rome"}',
        Destinations=[
            {"Destination": {"ToAddresses": ["bo@example.com"]}, "ReplacementTemplateData": '{"name": "Bo"}'},
            {"Destination": {"ToAddresses": ["cy@example.com"]}},
        ])["Status"]
    assert [s["Status"] for s in bulk] == ["Success", "Success"]
    subjects = [captured(server, id=s["MessageId"])[0]["text"] for s in bulk]
    assert subjects == ["Bo from Rome", "friend from Rome"]


def test_rendering_failure_is_an_event_not_an_error(ses, server):
    topic, url = events_queue(server, "render-events")
    ses.verify_email_identity(EmailAddress="r@example.com")
    ses.create_configuration_set(ConfigurationSet={"Name": "render"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="render",
        EventDestination={"Name": "d", "Enabled": True, "MatchingEventTypes": ["renderingFailure", "send"],
                          "SNSDestination": {"TopicARN": topic}})
    ses.create_template(Template={"TemplateName": "needs-name", "SubjectPart": "Hi {{name}}", "TextPart": "x"})
    sent = ses.send_templated_email(Source="r@example.com", Destination={"ToAddresses": ["t@example.com"]},
                                    Template="needs-name", TemplateData="{}", ConfigurationSetName="render")
    bodies = receive(server, url, 2)
    assert bodies[0] == "Successfully validated SNS topic for Amazon SES event publishing."
    record = json.loads(bodies[1])
    assert record["eventType"] == "Rendering Failure"
    assert record["failure"] == {"errorMessage": "Attribute 'name' is not present in the rendering data.",
                                 "templateName": "needs-name"}
    assert record["mail"]["messageId"] == sent["MessageId"]


def test_simulator_events_on_an_sns_topic(ses, server):
    topic, url = events_queue(server, "simulator-events")
    ses.verify_email_identity(EmailAddress="sim@example.com")
    ses.create_configuration_set(ConfigurationSet={"Name": "sim"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="sim",
        EventDestination={"Name": "all", "Enabled": True,
                          "MatchingEventTypes": ["send", "delivery", "bounce", "complaint"],
                          "SNSDestination": {"TopicARN": topic}})
    assert receive(server, url, 1) == ["Successfully validated SNS topic for Amazon SES event publishing."]
    sent = ses.send_email(
        Source="sim@example.com", ConfigurationSetName="sim", Message=SIMPLE,
        Destination={"ToAddresses": ["success@simulator.amazonses.com", "bounce+x@simulator.amazonses.com",
                                     "complaint@simulator.amazonses.com"]},
        Tags=[{"Name": "campaign", "Value": "c1"}])
    records = [json.loads(b) for b in receive(server, url, 5)]
    by_type = {}
    for record in records:
        by_type.setdefault(record["eventType"], []).append(record)
    assert sorted(by_type) == ["Bounce", "Complaint", "Delivery", "Send"]
    assert len(by_type["Delivery"]) == 2 and len(by_type["Send"]) == 1
    mail = by_type["Send"][0]["mail"]
    assert mail["messageId"] == sent["MessageId"] and mail["source"] == "sim@example.com"
    assert mail["sourceArn"] == f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/sim@example.com"
    assert mail["sendingAccountId"] == ACCOUNT and mail["commonHeaders"]["subject"] == "Hello"
    assert mail["tags"]["ses:operation"] == ["SendEmail"] and mail["tags"]["ses:configuration-set"] == ["sim"]
    assert mail["tags"]["campaign"] == ["c1"] and mail["tags"]["ses:from-domain"] == ["example.com"]
    assert by_type["Send"][0]["send"] == {}
    bounce = by_type["Bounce"][0]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "General")
    assert bounce["bouncedRecipients"] == [{
        "emailAddress": "bounce+x@simulator.amazonses.com", "action": "failed", "status": "5.1.1",
        "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]
    complaint = by_type["Complaint"][0]["complaint"]
    assert complaint["complainedRecipients"] == [{"emailAddress": "complaint@simulator.amazonses.com"}]
    assert complaint["complaintFeedbackType"] == "abuse"
    delivered = sorted(r["delivery"]["recipients"][0] for r in by_type["Delivery"])
    assert delivered == ["complaint@simulator.amazonses.com", "success@simulator.amazonses.com"]
    [message] = captured(server, id=sent["MessageId"])
    assert message["outcomes"] == {"success@simulator.amazonses.com": "delivered",
                                   "bounce+x@simulator.amazonses.com": "bounced",
                                   "complaint@simulator.amazonses.com": "complained"}


def test_identity_notification_topics(ses, server):
    topic, url = events_queue(server, "identity-notes")
    ses.verify_email_identity(EmailAddress="notes@example.com")
    ses.set_identity_notification_topic(Identity="notes@example.com", NotificationType="Bounce", SnsTopic=topic)
    ses.set_identity_headers_in_notifications_enabled(
        Identity="notes@example.com", NotificationType="Bounce", Enabled=True)
    attributes = ses.get_identity_notification_attributes(Identities=["notes@example.com"])
    attributes = attributes["NotificationAttributes"]["notes@example.com"]
    assert attributes["BounceTopic"] == topic and attributes["HeadersInBounceNotificationsEnabled"] is True
    assert attributes["ForwardingEnabled"] is True
    ses.send_email(Source="notes@example.com", Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
                   Message=SIMPLE)
    [note] = [json.loads(b) for b in receive(server, url, 1)]
    assert note["notificationType"] == "Bounce" and note["bounce"]["bounceType"] == "Permanent"
    assert note["mail"]["headers"] and note["mail"]["source"] == "notes@example.com"
    # Recorded by the reference suite: an identity that does not exist, and a type that does not.
    with pytest.raises(ClientError) as e:
        ses.set_identity_headers_in_notifications_enabled(
            Identity="unknown@example.com", NotificationType="Bounce", Enabled=True)
    assert error_code(e) == "MessageRejected"
    assert e.value.response["Error"]["Message"] == "Identity unknown@example.com is not verified or does not exist."


def test_quota_and_statistics_count_what_was_sent(ses):
    ses.verify_email_identity(EmailAddress="count@example.com")
    before = ses.get_send_quota()
    assert before["Max24HourSend"] == 50000.0 and before["MaxSendRate"] == 14.0 and before["SentLast24Hours"] == 0.0
    ses.send_email(Source="count@example.com", Message=SIMPLE,
                   Destination={"ToAddresses": ["a@example.com", "b@example.com"]})
    # The mailbox simulator does not count against the daily quota.
    ses.send_email(Source="count@example.com", Message=SIMPLE,
                   Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]})
    assert ses.get_send_quota()["SentLast24Hours"] == 2.0
    [point] = ses.get_send_statistics()["SendDataPoints"]
    assert (point["DeliveryAttempts"], point["Bounces"], point["Complaints"], point["Rejects"]) == (3, 1, 0, 0)


def test_account_sending_paused(ses):
    ses.verify_email_identity(EmailAddress="p@example.com")
    ses.update_account_sending_enabled(Enabled=False)
    assert ses.get_account_sending_enabled()["Enabled"] is False
    with pytest.raises(ClientError) as e:
        ses.send_email(Source="p@example.com", Destination={"ToAddresses": ["a@example.com"]}, Message=SIMPLE)
    assert error_code(e) == "AccountSendingPausedException"
    ses.update_account_sending_enabled(Enabled=True)
    ses.send_email(Source="p@example.com", Destination={"ToAddresses": ["a@example.com"]}, Message=SIMPLE)


def test_receipt_rule_sets_clone_in_order(ses, server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="inbound-mail")
    ses.create_receipt_rule_set(RuleSetName="original")
    ses.create_receipt_rule(RuleSetName="original", Rule={
        "Name": "first", "Enabled": True, "ScanEnabled": True, "TlsPolicy": "Optional",
        "Actions": [{"AddHeaderAction": {"HeaderName": "x-test", "HeaderValue": "1"}}]})
    ses.create_receipt_rule(RuleSetName="original", After="first", Rule={
        "Name": "second", "Enabled": True, "ScanEnabled": True, "TlsPolicy": "Optional",
        "Actions": [{"S3Action": {"BucketName": "inbound-mail", "ObjectKeyPrefix": "mail"}}]})
    ses.clone_receipt_rule_set(RuleSetName="copy", OriginalRuleSetName="original")
    original = ses.describe_receipt_rule_set(RuleSetName="original")
    copy = ses.describe_receipt_rule_set(RuleSetName="copy")
    assert [r["Name"] for r in copy["Rules"]] == ["first", "second"]
    assert copy["Rules"] == original["Rules"] and "Recipients" not in copy["Rules"][0]
    assert copy["Metadata"]["Name"] == "copy"
    ses.set_active_receipt_rule_set(RuleSetName="copy")
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == "copy"
    with pytest.raises(ClientError) as e:
        ses.delete_receipt_rule_set(RuleSetName="copy")
    assert error_code(e) == "CannotDelete"
    ses.set_active_receipt_rule_set()
    ses.delete_receipt_rule_set(RuleSetName="copy")
    with pytest.raises(ClientError) as e:
        ses.describe_receipt_rule_set(RuleSetName="copy")
    assert error_code(e) == "RuleSetDoesNotExist"


def test_sent_messages_survive_a_restart(tmp_path):
    from conftest import Server
    server = Server(data_dir=str(tmp_path)).start()
    try:
        ses = server.client("ses")
        ses.verify_email_identity(EmailAddress="keep@example.com")
        sent = ses.send_email(Source="keep@example.com", Destination={"ToAddresses": ["a@example.com"]},
                              Message=SIMPLE)
        server.kill9()
        server.start()
        assert [m["id"] for m in captured(server)] == [sent["MessageId"]]
        assert server.client("ses").list_identities()["Identities"] == ["keep@example.com"]
    finally:
        server.stop()


def test_aws_cli_verifies_and_sends(server):
    server.reset()
    assert aws(server, "ses", "verify-email-identity", "--email-address", "cli@example.com").returncode == 0
    out = aws(server, "ses", "send-email", "--from", "cli@example.com", "--to", "to@example.com",
              "--subject", "from the CLI", "--text", "body")
    assert out.returncode == 0, out.stderr
    message_id = json.loads(out.stdout)["MessageId"]
    assert captured(server, id=message_id)[0]["subject"] == "from the CLI"


def test_a_schedule_sends_templated_email(ses, server):
    """Scheduled sending with the rest of the platform: a Scheduler universal target calls SES v2."""
    from test_scheduler import ROLE, soon
    ses.verify_email_identity(EmailAddress="digest@example.com")
    ses.create_template(Template={"TemplateName": "digest", "SubjectPart": "Your {{period}} digest",
                                  "TextPart": "{{count}} new items"})
    server.client("scheduler").create_schedule(
        Name="weekly-digest", ScheduleExpression=soon(2), FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:scheduler:::aws-sdk:sesv2:sendEmail", "RoleArn": ROLE,
                "Input": json.dumps({
                    "FromEmailAddress": "digest@example.com", "Destination": {"ToAddresses": ["reader@example.com"]},
                    "Content": {"Template": {"TemplateName": "digest",
                                             "TemplateData": json.dumps({"period": "weekly", "count": 3})}}})})
    deadline = time.time() + 10
    while not captured(server, destination="reader@example.com") and time.time() < deadline:
        time.sleep(0.2)
    [message] = captured(server, destination="reader@example.com")
    assert (message["subject"], message["text"]) == ("Your weekly digest", "3 new items")


def test_kill9_loses_no_accepted_message(tmp_path):
    import threading
    from conftest import Server
    server = Server(data_dir=str(tmp_path)).start()
    try:
        server.client("ses").verify_email_identity(EmailAddress="crash@example.com")
        accepted, stop = [], threading.Event()

        def sender(n):
            ses = server.client("ses")
            for i in range(10_000):
                if stop.is_set():
                    return
                try:
                    accepted.append(ses.send_email(
                        Source="crash@example.com", Destination={"ToAddresses": [f"r{n}-{i}@example.com"]},
                        Message=SIMPLE)["MessageId"])
                except Exception:
                    return

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        server.kill9()
        stop.set()
        for thread in threads:
            thread.join()
        assert len(accepted) > 20
        server.start()
        kept = {m["id"] for m in captured(server)}
        assert set(accepted) <= kept
    finally:
        server.stop()


def test_open_and_click_tracking(ses, server):
    topic, url = events_queue(server, "tracking-events")
    ses.verify_email_identity(EmailAddress="track@example.com")
    ses.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination={"Name": "d", "Enabled": True, "MatchingEventTypes": ["open", "click"],
                          "SNSDestination": {"TopicARN": topic}})
    assert receive(server, url, 1) == ["Successfully validated SNS topic for Amazon SES event publishing."]
    sent = ses.send_email(
        Source="track@example.com", Destination={"ToAddresses": ["reader@example.com"]}, ConfigurationSetName="tracked",
        Message={"Subject": {"Data": "links"}, "Body": {"Html": {"Data": (
            '<html><body><a href="https://example.com/offer?id=1">offer</a> '
            '<a ses:no-track href="https://example.com/private">private</a></body></html>')}}})
    html = captured(server, id=sent["MessageId"])[0]["html"]
    # The tracked link goes through Switchyard; the ses:no-track one is left alone; a pixel is added.
    assert 'href="https://example.com/private"' in html and 'href="https://example.com/offer?id=1"' not in html
    click = re.search(r'href="([^"]*/_switchyard/ses/click\?[^"]*)"', html).group(1).replace("&amp;", "&")
    pixel = re.search(r'src="([^"]*/_switchyard/ses/open\?[^"]*)"', html).group(1)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as e:
        opener.open(click)
    assert e.value.code == 302 and e.value.headers["Location"] == "https://example.com/offer?id=1"
    with urllib.request.urlopen(pixel) as r:
        assert r.headers["Content-Type"] == "image/gif"
    records = {json.loads(b)["eventType"]: json.loads(b) for b in receive(server, url, 2)}
    assert records["Click"]["click"]["link"] == "https://example.com/offer?id=1"
    assert records["Click"]["mail"]["messageId"] == sent["MessageId"]
    assert "open" in records["Open"] and records["Open"]["mail"]["messageId"] == sent["MessageId"]


def test_a_virus_is_rejected_after_acceptance(ses, server):
    """AWS's way to provoke a Reject event: the EICAR test file as an attachment."""
    topic, url = events_queue(server, "reject-events")
    ses.verify_email_identity(EmailAddress="av@example.com")
    ses.create_configuration_set(ConfigurationSet={"Name": "scanned"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="scanned",
        EventDestination={"Name": "d", "Enabled": True, "MatchingEventTypes": ["send", "reject", "delivery"],
                          "SNSDestination": {"TopicARN": topic}})
    from email.message import EmailMessage
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "av@example.com", "victim@example.com", "invoice"
    msg.set_content("see attachment")
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    msg.add_attachment(eicar, maintype="application", subtype="octet-stream", filename="eicar.com")
    sent = ses.send_raw_email(RawMessage={"Data": msg.as_bytes()}, ConfigurationSetName="scanned")
    records = [json.loads(b) for b in receive(server, url, 3) if b.startswith("{")]
    assert sorted(r["eventType"] for r in records) == ["Reject", "Send"]
    reject = next(r for r in records if r["eventType"] == "Reject")
    assert reject["reject"] == {"reason": "Bad content"} and reject["mail"]["messageId"] == sent["MessageId"]
    assert captured(server, id=sent["MessageId"])[0]["outcomes"] == {"victim@example.com": "rejected"}


def test_quotas_are_enforced_when_given():
    """With --ses-quota the quotas are reported and enforced, per recipient: the rate as a bucket
    holding one second's sends, the daily count over the last 24 hours; the simulator is free."""
    server = Server("--ses-quota", "6:2").start()
    try:
        ses, v2 = server.client("ses"), server.client("sesv2")
        ses.verify_email_identity(EmailAddress="q@example.com")
        quota = ses.get_send_quota()
        assert (quota["Max24HourSend"], quota["MaxSendRate"], quota["SentLast24Hours"]) == (6.0, 2.0, 0.0)

        def send(*to):
            return ses.send_email(Source="q@example.com", Destination={"ToAddresses": list(to)}, Message=SIMPLE)

        send("a@example.com")
        send("b@example.com")
        with pytest.raises(ClientError) as e:
            send("c@example.com")
        assert e.value.response["Error"] == {"Type": "Sender", "Code": "Throttling",
                                             "Message": "Maximum sending rate exceeded."}
        for _ in range(3):  # the simulator does not count
            send("success@simulator.amazonses.com")
        time.sleep(1.1)
        send("c@example.com", "d@example.com", "e@example.com")  # one message may overdraw the bucket
        with pytest.raises(ClientError) as e:
            v2.send_email(FromEmailAddress="q@example.com", Destination={"ToAddresses": ["f@example.com"]},
                          Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}})
        assert error_code(e) == "TooManyRequestsException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        time.sleep(2.1)
        send("f@example.com")
        time.sleep(1.1)
        with pytest.raises(ClientError) as e:
            send("g@example.com")
        assert e.value.response["Error"]["Message"] == "Daily message quota exceeded."
        assert ses.get_send_quota()["SentLast24Hours"] == 6.0
    finally:
        server.stop()


def test_localstack_retrospection_endpoint(ses, server):
    """Suites written against LocalStack read sent mail at /_aws/ses (filters id and email, DELETE)."""
    ses.verify_email_identity(EmailAddress="retro@example.com")
    simple = ses.send_email(Source="retro@example.com", Message=SIMPLE,
                            Destination={"ToAddresses": ["a@example.com"], "BccAddresses": ["hidden@example.com"]})
    ses.create_template(Template={"TemplateName": "retro", "SubjectPart": "Hi {{name}}", "TextPart": "t"})
    templated = ses.send_templated_email(Source="retro@example.com", Template="retro", TemplateData='{"name":"A"}',
                                         Destination={"ToAddresses": ["b@example.com"]})
    raw = ses.send_raw_email(RawMessage={"Data": b"From: retro@example.com\r\nTo: c@example.com\r\n"
                                                 b"Subject: raw\r\n\r\nraw body\r\n"})

    def get(**query):
        text = "&".join(f"{k}={v}" for k, v in query.items())
        with urllib.request.urlopen(f"{server.endpoint}/_aws/ses?{text}") as r:
            return json.loads(r.read())["messages"]

    by_id = {m["Id"]: m for m in get(email="retro@example.com")}
    first = by_id[simple["MessageId"]]
    assert first["Source"] == "retro@example.com" and first["Region"] == REGION
    assert first["Destination"] == {"ToAddresses": ["a@example.com"], "BccAddresses": ["hidden@example.com"]}
    assert first["Subject"] == "Hello"
    assert first["Body"] == {"text_part": "plain text", "html_part": "<p>html</p>"}
    assert by_id[templated["MessageId"]]["Template"] == "retro"
    assert by_id[templated["MessageId"]]["TemplateData"] == '{"name":"A"}'
    assert "raw body" in by_id[raw["MessageId"]]["RawData"]
    assert get(email="nobody@example.com") == []
    request = urllib.request.Request(f"{server.endpoint}/_aws/ses?id={simple['MessageId']}", method="DELETE")
    assert urllib.request.urlopen(request).status == 204
    assert sorted(m["Id"] for m in get()) == sorted([templated["MessageId"], raw["MessageId"]])
    request = urllib.request.Request(f"{server.endpoint}/_aws/ses", method="DELETE")
    urllib.request.urlopen(request)
    assert get() == []
