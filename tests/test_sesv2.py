"""SES v2 (boto3 "sesv2", restJson under /v2/email) through boto3 and the aws CLI: email identities,
sending (simple, raw, templated and bulk content) and the captured outbox with its MIME, configuration
sets with SNS and EventBridge event destinations and the event records the mailbox simulator produces,
the account-level suppression list, account settings and quota, contact lists with list-management
headers and the unsubscribe link, resource tags, and custom verification emails.

Expected values come from AWS's documentation, the botocore model and answers real AWS gave (error
codes and texts, the message id format, the event records); see the notes beside each assertion."""
import email
import email.policy
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, error_code
from test_cli import aws

SENDER = "sender@example.com"
MESSAGE_ID = re.compile(r"^[0-9a-f]{16}-[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}-000000$")
DKIM_TOKEN = re.compile(r"^[a-z2-7]{32}$")
SUCCESS = "success@simulator.amazonses.com"
BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"
DEFAULT_BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
VALIDATION = "Successfully validated SNS topic for Amazon SES event publishing."


@pytest.fixture
def ses(server):
    server.reset()
    return server.client("sesv2")


@pytest.fixture
def sender(ses):
    """A verified address to send from."""
    ses.create_email_identity(EmailIdentity=SENDER)
    return SENDER


def simple(subject="Hello", text="Plain body", html=None, **extra):
    body = {"Text": {"Data": text}}
    if html is not None:
        body["Html"] = {"Data": html}
    return {"Simple": {"Subject": {"Data": subject}, "Body": body, **extra}}


def send(ses, to, sender=SENDER, **extra):
    """Sends a plain message and answers its MessageId."""
    extra.setdefault("Content", simple())
    destination = {"ToAddresses": to if isinstance(to, list) else [to]}
    return ses.send_email(FromEmailAddress=sender, Destination=destination, **extra)["MessageId"]


def get_json(server, path, **query):
    url = server.endpoint + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def outbox(server, **query):
    return get_json(server, "/_switchyard/ses/messages", **query)["messages"]


def captured(server, message_id):
    [message] = outbox(server, id=message_id)
    return message


def served_by(server, link, path):
    """Whether a link in captured mail points at this server's path (Switchyard names itself localhost)."""
    parts = urllib.parse.urlsplit(link)
    return (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1") and parts.port == server.port
            and parts.path == path)


def raw_bytes(server, message_id):
    url = f"{server.endpoint}/_switchyard/ses/messages/raw?id={urllib.parse.quote(message_id)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "message/rfc822"
        return response.read()


def mime(server, message_id):
    """The captured message as Python's email package reads it (headers decoded)."""
    return email.message_from_bytes(raw_bytes(server, message_id), policy=email.policy.default)


def make_queue(server, name):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def drain(sqs, url, count, timeout=10):
    """Bodies from the queue until `count` arrived or the deadline passed (delivery is asynchronous)."""
    bodies = []
    deadline = time.time() + timeout
    while len(bodies) < count and time.time() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for message in got:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


@pytest.fixture
def topic_queue(server, ses):
    """An SNS topic whose messages land, raw, in an SQS queue: (topic ARN, sqs client, queue URL)."""
    sns = server.client("sns")
    topic = sns.create_topic(Name="ses-events")["TopicArn"]
    sqs, url, arn = make_queue(server, "ses-events")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return topic, sqs, url


def sns_events(sqs, url, count):
    """The event records on the topic's queue, without the validation message SES publishes first."""
    bodies = drain(sqs, url, count + 1)
    assert bodies[0] == VALIDATION
    return [json.loads(body) for body in bodies[1:]]


# MARK: Identities


def test_an_email_address_identity_is_verified_at_once(ses):
    created = ses.create_email_identity(EmailIdentity="ann@example.com")
    assert created["IdentityType"] == "EMAIL_ADDRESS"
    # Outside the sandbox, Switchyard verifies identities immediately (no DNS, no link to follow).
    assert created["VerifiedForSendingStatus"] is True
    got = ses.get_email_identity(EmailIdentity="ann@example.com")
    assert got["IdentityType"] == "EMAIL_ADDRESS"
    assert got["FeedbackForwardingStatus"] is True
    assert got["VerifiedForSendingStatus"] is True
    assert got["VerificationStatus"] == "SUCCESS"
    # Easy DKIM is for domains: an address has no tokens and no signing.
    assert got["DkimAttributes"]["SigningEnabled"] is False
    assert got["DkimAttributes"]["Status"] == "NOT_STARTED"
    assert "Tokens" not in got["DkimAttributes"]
    assert got["Policies"] == {} and got["Tags"] == []


def test_a_domain_identity_gets_three_easy_dkim_tokens(ses):
    created = ses.create_email_identity(EmailIdentity="example.org")
    assert created["IdentityType"] == "DOMAIN"
    assert created["VerifiedForSendingStatus"] is True
    tokens = created["DkimAttributes"]["Tokens"]
    # Three selectors of 32 lower-case base32 characters, as AWS's CNAME records use them.
    assert len(tokens) == 3 and len(set(tokens)) == 3
    assert all(DKIM_TOKEN.match(token) for token in tokens)
    got = ses.get_email_identity(EmailIdentity="example.org")
    assert got["IdentityType"] == "DOMAIN"
    assert got["VerificationStatus"] == "SUCCESS"
    assert got["FeedbackForwardingStatus"] is True
    dkim = got["DkimAttributes"]
    assert dkim["Tokens"] == tokens
    assert dkim["SigningEnabled"] is True and dkim["Status"] == "SUCCESS"
    assert dkim["SigningAttributesOrigin"] == "AWS_SES"


def test_without_a_mail_from_domain_only_the_mx_failure_behaviour_is_reported(ses):
    ses.create_email_identity(EmailIdentity="example.org")
    # Real get-email-identity output for fresh identities (address and domain) shows just this member.
    got = ses.get_email_identity(EmailIdentity="example.org")
    assert got["MailFromAttributes"] == {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}


def test_list_email_identities_names_both_kinds(ses):
    ses.create_email_identity(EmailIdentity="ann@example.com")
    ses.create_email_identity(EmailIdentity="example.org")
    listed = {i["IdentityName"]: i for i in ses.list_email_identities()["EmailIdentities"]}
    assert listed == {
        "ann@example.com": {"IdentityType": "EMAIL_ADDRESS", "IdentityName": "ann@example.com",
                            "SendingEnabled": True, "VerificationStatus": "SUCCESS"},
        "example.org": {"IdentityType": "DOMAIN", "IdentityName": "example.org",
                        "SendingEnabled": True, "VerificationStatus": "SUCCESS"},
    }


def test_creating_an_identity_twice_is_already_exists(ses):
    ses.create_email_identity(EmailIdentity="example.org")
    with pytest.raises(ClientError) as twice:
        ses.create_email_identity(EmailIdentity="example.org")
    assert error_code(twice) == "AlreadyExistsException"
    assert twice.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # AWS's own wording, grammar included.
    assert twice.value.response["Error"]["Message"] == "Email identity example.org already exist."


def test_a_deleted_identity_is_not_found(ses):
    ses.create_email_identity(EmailIdentity="ann@example.com")
    ses.delete_email_identity(EmailIdentity="ann@example.com")
    with pytest.raises(ClientError) as gone:
        ses.get_email_identity(EmailIdentity="ann@example.com")
    assert error_code(gone) == "NotFoundException"
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert ses.list_email_identities()["EmailIdentities"] == []
    with pytest.raises(ClientError) as again:
        ses.delete_email_identity(EmailIdentity="ann@example.com")
    assert error_code(again) == "NotFoundException"


# MARK: Sending and the captured outbox


def test_send_email_answers_an_ses_message_id(ses, sender):
    before = int(time.time() * 1000)
    message_id = send(ses, "you@example.net")
    after = int(time.time() * 1000)
    assert MESSAGE_ID.match(message_id)
    # us-east-1's prefix, then the acceptance time in epoch milliseconds.
    assert message_id.startswith("0100")
    assert before <= int(message_id[4:16], 16) <= after


def test_an_unverified_sender_is_rejected_in_aws_words(server, ses):
    with pytest.raises(ClientError) as rejected:
        send(ses, "you@example.net", sender="stranger@example.com")
    assert error_code(rejected) == "MessageRejected"
    assert rejected.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert rejected.value.response["Error"]["Message"] == (
        "Email address is not verified. The following identities failed the check in region US-EAST-1: "
        "stranger@example.com")
    assert outbox(server) == []


def test_a_verified_domain_allows_any_address_in_it(server, ses):
    ses.create_email_identity(EmailIdentity="example.org")
    first = send(ses, "you@example.net", sender="alerts@example.org")
    second = send(ses, "you@example.net", sender="Billing Team <billing@example.org>")
    assert captured(server, first)["source"] == "alerts@example.org"
    # The envelope sender is the bare address; the From header keeps the display name.
    assert captured(server, second)["source"] == "billing@example.org"
    assert captured(server, second)["from"] == ["Billing Team <billing@example.org>"]
    # A sibling domain is not covered by the identity.
    with pytest.raises(ClientError) as other:
        send(ses, "you@example.net", sender="alerts@example.com")
    assert error_code(other) == "MessageRejected"


def test_the_outbox_lists_what_was_sent(server, ses, sender):
    message_id = ses.send_email(
        FromEmailAddress=sender, Destination={"ToAddresses": ["you@example.net"], "CcAddresses": ["cc@example.net"]},
        Content=simple(subject="Quarterly report", text="See the numbers.", html="<p>See the numbers.</p>"),
        EmailTags=[{"Name": "campaign", "Value": "q3"}])["MessageId"]
    send(ses, "other@example.net")
    listed = outbox(server)
    assert [m["id"] for m in listed][0] == message_id and len(listed) == 2
    message = captured(server, message_id)
    assert message["id"] == message_id
    assert message["source"] == sender
    assert message["destinations"] == ["you@example.net", "cc@example.net"]
    assert message["subject"] == "Quarterly report"
    assert message["text"].strip() == "See the numbers."
    assert message["html"].strip() == "<p>See the numbers.</p>"
    assert message["attachments"] == []
    assert message["outcomes"] == {"you@example.net": "delivered", "cc@example.net": "delivered"}
    assert message["tags"] == {"campaign": "q3"}


def test_the_captured_mime_carries_the_headers_ses_adds(server, ses, sender):
    subject = "Grüße aus Köln — 東京"
    message_id = ses.send_email(
        FromEmailAddress=f"Sender Name <{sender}>",
        Destination={"ToAddresses": ["you@example.net"], "BccAddresses": ["hidden@example.net"]},
        Content=simple(subject=subject, text="Hallo", html="<b>Hallo</b>"))["MessageId"]
    parsed = mime(server, message_id)
    assert parsed["From"] == f"Sender Name <{sender}>"
    assert parsed["To"] == "you@example.net"
    # Python decodes the RFC 2047 encoded words back to the subject as sent.
    assert parsed["Subject"] == subject
    # us-east-1's Message-ID form on delivered mail.
    assert parsed["Message-ID"] == f"<{message_id}@email.amazonses.com>"
    assert parsed["Date"] is not None
    assert parsed["MIME-Version"] == "1.0"
    # Bcc recipients get the mail (they are envelope recipients) but never see a Bcc header.
    assert parsed["Bcc"] is None
    assert b"hidden@example.net" not in raw_bytes(server, message_id)
    assert captured(server, message_id)["destinations"] == ["you@example.net", "hidden@example.net"]
    assert parsed.get_body(("plain",)).get_content().strip() == "Hallo"
    assert parsed.get_body(("html",)).get_content().strip() == "<b>Hallo</b>"


def test_simple_content_with_an_attachment_can_be_downloaded(server, ses, sender):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4
    message_id = send(ses, "you@example.net", Content=simple(
        subject="Invoice", Attachments=[{"FileName": "invoice.pdf", "RawContent": pdf,
                                         "ContentType": "application/pdf"}]))
    [attachment] = captured(server, message_id)["attachments"]
    assert attachment["filename"] == "invoice.pdf"
    assert attachment["contentType"] == "application/pdf"
    assert attachment["size"] == len(pdf)
    url = f"{server.endpoint}/_switchyard/ses/messages/attachment?id={message_id}&index=0"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == pdf
    [part] = list(mime(server, message_id).iter_attachments())
    assert part.get_filename() == "invoice.pdf" and part.get_content() == pdf


def test_raw_content_keeps_the_message_and_its_attachments(server, ses, sender):
    message = MIMEMultipart()
    message["From"] = sender
    message["To"] = "you@example.net"
    message["Subject"] = "Raw with files"
    message.attach(MIMEText("Two files attached.", "plain"))
    csv = b"id,name\n1,Ann\n2,Bob\n"
    blob = bytes(range(200))
    for name, data, subtype in [("people.csv", csv, "csv"), ("blob.bin", blob, "octet-stream")]:
        part = MIMEApplication(data, subtype)
        part.add_header("Content-Disposition", "attachment", filename=name)
        message.attach(part)
    message_id = ses.send_email(Content={"Raw": {"Data": message.as_bytes()}})["MessageId"]
    assert MESSAGE_ID.match(message_id)
    listed = captured(server, message_id)
    # Without FromEmailAddress or Destination, the envelope comes from the From and To headers.
    assert listed["source"] == sender
    assert listed["destinations"] == ["you@example.net"]
    assert listed["subject"] == "Raw with files"
    assert [(a["filename"], a["contentType"], a["size"]) for a in listed["attachments"]] == [
        ("people.csv", "application/csv", len(csv)), ("blob.bin", "application/octet-stream", len(blob))]
    for index, data in enumerate([csv, blob]):
        url = f"{server.endpoint}/_switchyard/ses/messages/attachment?id={message_id}&index={index}"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == data
    assert mime(server, message_id)["Message-ID"] == f"<{message_id}@email.amazonses.com>"


def test_a_missing_attachment_or_message_is_a_404(server, ses, sender):
    message_id = send(ses, "you@example.net")
    for path in [f"/_switchyard/ses/messages/attachment?id={message_id}&index=0",
                 "/_switchyard/ses/messages/raw?id=nope"]:
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.endpoint + path, timeout=10)
        assert missing.value.code == 404


# MARK: Templates and bulk sending


@pytest.fixture
def welcome(ses):
    ses.create_email_template(TemplateName="welcome", TemplateContent={
        "Subject": "Welcome, {{name}}!", "Text": "Hi {{name}}, your plan is {{plan}}.",
        "Html": "<p>Hi <b>{{name}}</b>, your plan is {{plan}}.</p>"})
    return "welcome"


def test_template_content_is_rendered_with_its_data(server, ses, sender, welcome):
    message_id = send(ses, "you@example.net", Content={"Template": {
        "TemplateName": welcome, "TemplateData": json.dumps({"name": "Ada", "plan": "Pro"})}})
    message = captured(server, message_id)
    assert message["subject"] == "Welcome, Ada!"
    assert message["text"].strip() == "Hi Ada, your plan is Pro."
    assert message["html"].strip() == "<p>Hi <b>Ada</b>, your plan is Pro.</p>"
    assert mime(server, message_id)["Subject"] == "Welcome, Ada!"


def test_render_email_template_answers_the_rendered_mime(ses, welcome):
    rendered = ses.test_render_email_template(
        TemplateName=welcome, TemplateData=json.dumps({"name": "Grace", "plan": "Free"}))["RenderedTemplate"]
    parsed = email.message_from_string(rendered, policy=email.policy.default)
    assert parsed["Subject"] == "Welcome, Grace!"
    assert parsed.get_body(("plain",)).get_content().strip() == "Hi Grace, your plan is Free."
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Hi <b>Grace</b>, your plan is Free.</p>"


def test_a_template_that_cannot_render_is_accepted_and_reported(server, ses, sender, welcome, topic_queue):
    topic, sqs, url = topic_queue
    ses.create_configuration_set(ConfigurationSetName="tracked")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "RENDERING_FAILURE"],
                          "SnsDestination": {"TopicArn": topic}})
    # SES accepts the send and answers a MessageId; the failure only shows as an event.
    message_id = send(ses, "you@example.net", ConfigurationSetName="tracked", Content={"Template": {
        "TemplateName": welcome, "TemplateData": json.dumps({"name": "Ada"})}})
    assert MESSAGE_ID.match(message_id)
    [record] = sns_events(sqs, url, 1)
    assert record["eventType"] == "Rendering Failure"
    assert record["mail"]["messageId"] == message_id
    assert record["failure"] == {"errorMessage": "Attribute 'plan' is not present in the rendering data.",
                                 "templateName": welcome}


def test_a_rendering_failure_record_has_no_headers(ses, sender, welcome, topic_queue):
    topic, sqs, url = topic_queue
    ses.create_configuration_set(ConfigurationSetName="tracked")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["RENDERING_FAILURE"],
                          "SnsDestination": {"TopicArn": topic}})
    send(ses, "you@example.net", ConfigurationSetName="tracked", Content={"Template": {
        "TemplateName": welcome, "TemplateData": "{}"}})
    [record] = sns_events(sqs, url, 1)
    assert record["mail"]["headersTruncated"] is False
    assert "headers" not in record["mail"] and "commonHeaders" not in record["mail"]


def test_a_missing_template_is_not_found(ses, sender):
    with pytest.raises(ClientError) as sending:
        send(ses, "you@example.net", Content={"Template": {"TemplateName": "nope", "TemplateData": "{}"}})
    assert error_code(sending) == "NotFoundException"
    assert sending.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as rendering:
        ses.test_render_email_template(TemplateName="nope", TemplateData="{}")
    assert error_code(rendering) == "NotFoundException"
    with pytest.raises(ClientError) as getting:
        ses.get_email_template(TemplateName="nope")
    assert error_code(getting) == "NotFoundException"


def test_bulk_email_renders_each_entry_with_its_own_data(server, ses, sender, welcome):
    people = [("ada@example.net", "Ada", "Pro"), ("bob@example.net", "Bob", "Team"), ("cy@example.net", None, None)]
    entries = []
    for address, name, plan in people:
        entry = {"Destination": {"ToAddresses": [address]}}
        if name:
            entry["ReplacementEmailContent"] = {"ReplacementTemplate": {
                "ReplacementTemplateData": json.dumps({"name": name, "plan": plan})}}
        entries.append(entry)
    results = ses.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent={"Template": {"TemplateName": welcome,
                                     "TemplateData": json.dumps({"name": "friend", "plan": "Basic"})}},
        BulkEmailEntries=entries)["BulkEmailEntryResults"]
    assert [r["Status"] for r in results] == ["SUCCESS"] * 3
    assert all(MESSAGE_ID.match(r["MessageId"]) for r in results)
    assert len({r["MessageId"] for r in results}) == 3
    # One message per entry, each with its own data; an entry without replacement data gets the default.
    expected = ["Welcome, Ada!", "Welcome, Bob!", "Welcome, friend!"]
    for result, (address, _, _), subject in zip(results, people, expected):
        message = captured(server, result["MessageId"])
        assert message["destinations"] == [address]
        assert message["subject"] == subject
    assert captured(server, results[1]["MessageId"])["text"].strip() == "Hi Bob, your plan is Team."
    assert captured(server, results[2]["MessageId"])["text"].strip() == "Hi friend, your plan is Basic."


# MARK: Configuration sets and event destinations


def test_configuration_set_lifecycle_and_options(ses):
    ses.create_configuration_set(ConfigurationSetName="marketing", Tags=[{"Key": "team", "Value": "growth"}])
    ses.create_configuration_set(ConfigurationSetName="receipts")
    assert sorted(ses.list_configuration_sets()["ConfigurationSets"]) == ["marketing", "receipts"]
    got = ses.get_configuration_set(ConfigurationSetName="marketing")
    assert got["ConfigurationSetName"] == "marketing"
    assert got["SendingOptions"] == {"SendingEnabled": True}
    assert got["Tags"] == [{"Key": "team", "Value": "growth"}]

    ses.put_configuration_set_delivery_options(ConfigurationSetName="marketing", TlsPolicy="REQUIRE",
                                               MaxDeliverySeconds=600)
    ses.put_configuration_set_reputation_options(ConfigurationSetName="marketing", ReputationMetricsEnabled=True)
    ses.put_configuration_set_sending_options(ConfigurationSetName="marketing", SendingEnabled=False)
    ses.put_configuration_set_suppression_options(ConfigurationSetName="marketing", SuppressedReasons=["BOUNCE"])
    ses.put_configuration_set_tracking_options(ConfigurationSetName="marketing",
                                               CustomRedirectDomain="track.example.com")
    got = ses.get_configuration_set(ConfigurationSetName="marketing")
    assert got["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"
    assert got["DeliveryOptions"]["MaxDeliverySeconds"] == 600
    assert got["ReputationOptions"]["ReputationMetricsEnabled"] is True
    assert got["SendingOptions"] == {"SendingEnabled": False}
    assert got["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE"]}
    assert got["TrackingOptions"]["CustomRedirectDomain"] == "track.example.com"

    with pytest.raises(ClientError) as twice:
        ses.create_configuration_set(ConfigurationSetName="marketing")
    assert error_code(twice) == "AlreadyExistsException"
    ses.delete_configuration_set(ConfigurationSetName="marketing")
    assert ses.list_configuration_sets()["ConfigurationSets"] == ["receipts"]
    with pytest.raises(ClientError) as gone:
        ses.get_configuration_set(ConfigurationSetName="marketing")
    assert error_code(gone) == "NotFoundException"
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_sending_through_an_unknown_configuration_set_is_not_found(ses, sender):
    with pytest.raises(ClientError) as missing:
        send(ses, "you@example.net", ConfigurationSetName="nope")
    assert error_code(missing) == "NotFoundException"


def test_event_destinations_are_created_updated_and_deleted(server, ses, topic_queue):
    topic, _, _ = topic_queue
    ses.create_configuration_set(ConfigurationSetName="tracked")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY"],
                          "SnsDestination": {"TopicArn": topic}})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-bus",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
                          "EventBridgeDestination": {"EventBusArn": DEFAULT_BUS}})
    destinations = {d["Name"]: d for d in ses.get_configuration_set_event_destinations(
        ConfigurationSetName="tracked")["EventDestinations"]}
    assert destinations == {
        "to-sns": {"Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY"],
                   "SnsDestination": {"TopicArn": topic}},
        "to-bus": {"Name": "to-bus", "Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
                   "EventBridgeDestination": {"EventBusArn": DEFAULT_BUS}},
    }
    with pytest.raises(ClientError) as twice:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="tracked", EventDestinationName="to-sns",
            EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": topic}})
    assert error_code(twice) == "AlreadyExistsException"

    ses.update_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": False, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": topic}})
    ses.delete_configuration_set_event_destination(ConfigurationSetName="tracked", EventDestinationName="to-bus")
    assert ses.get_configuration_set_event_destinations(ConfigurationSetName="tracked")["EventDestinations"] == [
        {"Name": "to-sns", "Enabled": False, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": topic}}]
    with pytest.raises(ClientError) as gone:
        ses.delete_configuration_set_event_destination(ConfigurationSetName="tracked", EventDestinationName="to-bus")
    assert error_code(gone) == "NotFoundException"


def test_an_sns_destination_needs_an_existing_topic(ses):
    ses.create_configuration_set(ConfigurationSetName="tracked")
    missing_topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:nope"
    with pytest.raises(ClientError) as missing:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="tracked", EventDestinationName="to-sns",
            EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND"],
                              "SnsDestination": {"TopicArn": missing_topic}})
    # v1 answers InvalidSNSDestination "SNS topic <arn> not found."; v2 carries the text as a bad request.
    assert error_code(missing) == "BadRequestException"
    assert missing.value.response["Error"]["Message"] == f"SNS topic <{missing_topic}> not found."


def test_simulator_outcomes_reach_an_sns_destination_as_event_records(ses, sender, topic_queue):
    topic, sqs, url = topic_queue
    ses.create_configuration_set(ConfigurationSetName="tracked")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT"],
                          "SnsDestination": {"TopicArn": topic}})
    ids = {address: send(ses, address, ConfigurationSetName="tracked") for address in [SUCCESS, BOUNCE, COMPLAINT]}
    # Send+Delivery, Send+Bounce, Send+Delivery+Complaint; the validation message comes first.
    records = sns_events(sqs, url, 7)
    by_message = {}
    for record in records:
        by_message.setdefault(record["mail"]["messageId"], {})[record["eventType"]] = record
    assert {address: sorted(by_message[message_id]) for address, message_id in ids.items()} == {
        SUCCESS: ["Delivery", "Send"], BOUNCE: ["Bounce", "Send"], COMPLAINT: ["Complaint", "Delivery", "Send"]}

    for address, message_id in ids.items():
        for record in by_message[message_id].values():
            mail = record["mail"]
            assert mail["messageId"] == message_id
            assert mail["source"] == sender
            assert mail["destination"] == [address]
            assert mail["sendingAccountId"] == ACCOUNT
            assert mail["tags"]["ses:configuration-set"] == ["tracked"]
            assert mail["tags"]["ses:operation"] == ["SendEmail"]
            assert mail["tags"]["ses:from-domain"] == ["example.com"]
            # Without a Message-ID of its own, the message is known by SES's id in the common headers.
            assert mail["commonHeaders"]["messageId"] == message_id
            assert mail["commonHeaders"]["subject"] == "Hello"
            assert mail["headersTruncated"] is False
            # The id embeds the acceptance time that mail.timestamp reports.
            accepted = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(message_id[4:16], 16) / 1000))
            assert mail["timestamp"].startswith(accepted) and mail["timestamp"].endswith("Z")
        # ses:outgoing-ip only exists once SES sent the mail out: never on the Send record.
        assert "ses:outgoing-ip" not in by_message[message_id]["Send"]["mail"]["tags"]
    assert "ses:outgoing-ip" in by_message[ids[SUCCESS]]["Delivery"]["mail"]["tags"]

    assert by_message[ids[SUCCESS]]["Send"]["send"] == {}
    delivery = by_message[ids[SUCCESS]]["Delivery"]["delivery"]
    assert delivery["recipients"] == [SUCCESS]
    assert isinstance(delivery["processingTimeMillis"], int)
    # A delivery's reporting MTA is a bare host name; a bounce's is "dns; <host>".
    assert not delivery["reportingMTA"].startswith("dns;")
    bounce = by_message[ids[BOUNCE]]["Bounce"]["bounce"]
    assert bounce["bounceType"] == "Permanent" and bounce["bounceSubType"] == "General"
    [bounced] = bounce["bouncedRecipients"]
    assert bounced["emailAddress"] == BOUNCE
    assert bounced["action"] == "failed" and bounced["status"] == "5.1.1"
    assert MESSAGE_ID.match(bounce["feedbackId"])
    assert bounce["reportingMTA"].startswith("dns; ")
    complaint = by_message[ids[COMPLAINT]]["Complaint"]["complaint"]
    assert complaint["complaintFeedbackType"] == "abuse"
    assert complaint["complainedRecipients"] == [{"emailAddress": COMPLAINT}]
    assert complaint["userAgent"] == "Amazon SES Mailbox Simulator"
    assert complaint["complaintSubType"] is None
    assert by_message[ids[COMPLAINT]]["Delivery"]["delivery"]["recipients"] == [COMPLAINT]


def test_a_send_record_shows_the_submitted_headers_only(ses, sender, topic_queue):
    topic, sqs, url = topic_queue
    ses.create_configuration_set(ConfigurationSetName="tracked")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": topic}})
    send(ses, "you@example.net", ConfigurationSetName="tracked")
    [record] = sns_events(sqs, url, 1)
    names = [header["name"] for header in record["mail"]["headers"]]
    # SES's own Message-ID and Date are not part of what was submitted (AWS's Send/Bounce/Delivery examples).
    assert names[:4] == ["From", "To", "Subject", "MIME-Version"]
    assert "Date" not in names and "Message-ID" not in names
    assert "date" not in record["mail"]["commonHeaders"]


def test_a_disabled_destination_or_an_unmatched_type_publishes_nothing(ses, sender, topic_queue):
    topic, sqs, url = topic_queue
    ses.create_configuration_set(ConfigurationSetName="quiet")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="quiet", EventDestinationName="bounces-only",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": topic}})
    send(ses, SUCCESS, ConfigurationSetName="quiet")
    send(ses, BOUNCE, ConfigurationSetName="quiet")
    [record] = sns_events(sqs, url, 1)
    assert record["eventType"] == "Bounce"
    assert drain(sqs, url, 1, timeout=1.5) == []


def test_eventbridge_destination_puts_events_on_the_default_bus(server, ses, sender):
    events = server.client("events")
    sqs, url, arn = make_queue(server, "ses-bus")
    events.put_rule(Name="ses", EventPattern=json.dumps({"source": ["aws.ses"]}))
    events.put_targets(Rule="ses", Targets=[{"Id": "q", "Arn": arn}])
    ses.create_configuration_set(ConfigurationSetName="bus")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="bus", EventDestinationName="to-bus",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY"],
                          "EventBridgeDestination": {"EventBusArn": DEFAULT_BUS}})
    message_id = send(ses, SUCCESS, ConfigurationSetName="bus")
    received = {e["detail-type"]: e for e in map(json.loads, drain(sqs, url, 2))}
    assert sorted(received) == ["Email Delivered", "Email Sent"]
    for detail_type, event_type in [("Email Sent", "Send"), ("Email Delivered", "Delivery")]:
        event = received[detail_type]
        assert event["source"] == "aws.ses"
        assert event["account"] == ACCOUNT and event["region"] == REGION
        # The configuration set is the event's resource; the detail is the event record itself.
        assert event["resources"] == [f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/bus"]
        assert event["detail"]["eventType"] == event_type
        assert event["detail"]["mail"]["messageId"] == message_id
        assert event["detail"]["mail"]["tags"]["ses:configuration-set"] == ["bus"]
    assert received["Email Delivered"]["detail"]["delivery"]["recipients"] == [SUCCESS]


# MARK: Suppression list


def test_suppression_list_entries_are_put_listed_and_deleted(ses):
    ses.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    ses.put_suppressed_destination(EmailAddress="angry@example.net", Reason="COMPLAINT")
    got = ses.get_suppressed_destination(EmailAddress="gone@example.net")["SuppressedDestination"]
    assert got["EmailAddress"] == "gone@example.net" and got["Reason"] == "BOUNCE"
    assert "LastUpdateTime" in got
    everything = ses.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert sorted((s["EmailAddress"], s["Reason"]) for s in everything) == [
        ("angry@example.net", "COMPLAINT"), ("gone@example.net", "BOUNCE")]
    complaints = ses.list_suppressed_destinations(Reasons=["COMPLAINT"])["SuppressedDestinationSummaries"]
    assert [s["EmailAddress"] for s in complaints] == ["angry@example.net"]
    ses.delete_suppressed_destination(EmailAddress="gone@example.net")
    with pytest.raises(ClientError) as gone:
        ses.get_suppressed_destination(EmailAddress="gone@example.net")
    assert error_code(gone) == "NotFoundException"
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert [s["EmailAddress"] for s in ses.list_suppressed_destinations()["SuppressedDestinationSummaries"]] == [
        "angry@example.net"]


def test_a_send_to_a_suppressed_address_is_accepted_and_bounced(server, ses, sender, topic_queue):
    topic, sqs, url = topic_queue
    # New accounts suppress both reasons by default.
    assert ses.get_account()["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE", "COMPLAINT"]
    ses.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    ses.create_configuration_set(ConfigurationSetName="tracked")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY", "BOUNCE"],
                          "SnsDestination": {"TopicArn": topic}})
    # SES accepts the message but does not send it.
    message_id = send(ses, "gone@example.net", ConfigurationSetName="tracked")
    assert captured(server, message_id)["outcomes"] == {"gone@example.net": "suppressed"}
    records = {r["eventType"]: r for r in sns_events(sqs, url, 2)}
    assert sorted(records) == ["Bounce", "Send"]
    bounce = records["Bounce"]["bounce"]
    assert records["Bounce"]["mail"]["messageId"] == message_id
    assert bounce["bounceType"] == "Permanent"
    assert bounce["bounceSubType"] == "OnAccountSuppressionList"
    [recipient] = bounce["bouncedRecipients"]
    assert recipient["emailAddress"] == "gone@example.net"
    assert recipient["action"] == "failed" and recipient["status"] == "5.1.1"
    assert bounce["reportingMTA"] == "dns; amazonses.com"


def test_the_suppression_bounce_explains_itself_in_aws_words(ses, sender, topic_queue):
    topic, sqs, url = topic_queue
    ses.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    ses.create_configuration_set(ConfigurationSetName="tracked")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": topic}})
    send(ses, "gone@example.net", ConfigurationSetName="tracked")
    [record] = sns_events(sqs, url, 1)
    # Real bounce records of suppressed addresses (2020, 2021) carry this text.
    assert record["bounce"]["bouncedRecipients"][0]["diagnosticCode"] == (
        "Amazon SES did not send the message to this address because it is on the suppression list for your "
        "account. For more information about removing addresses from the suppression list, see the Amazon SES "
        "Developer Guide at https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html")


def test_a_configuration_set_can_turn_suppression_off(server, ses, sender):
    ses.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    # An empty list in the configuration set's SuppressionOptions overrides the account's reasons.
    ses.create_configuration_set(ConfigurationSetName="no-suppression",
                                 SuppressionOptions={"SuppressedReasons": []})
    suppressed = send(ses, "gone@example.net")
    delivered = send(ses, "gone@example.net", ConfigurationSetName="no-suppression")
    assert captured(server, suppressed)["outcomes"] == {"gone@example.net": "suppressed"}
    assert captured(server, delivered)["outcomes"] == {"gone@example.net": "delivered"}


# MARK: Account


def test_get_account_describes_a_production_account(ses):
    account = ses.get_account()
    assert account["SendingEnabled"] is True
    assert account["ProductionAccessEnabled"] is True
    assert account["EnforcementStatus"] == "HEALTHY"
    assert account["SendQuota"]["SentLast24Hours"] == 0.0
    assert account["SendQuota"]["Max24HourSend"] > 200 and account["SendQuota"]["MaxSendRate"] > 1


def test_sent_last_24_hours_counts_recipients_but_not_the_simulator(ses, sender):
    ses.send_email(FromEmailAddress=sender, Destination={"ToAddresses": ["a@example.net", "b@example.net"],
                                                         "CcAddresses": ["c@example.net"]}, Content=simple())
    send(ses, "d@example.net")
    # The mailbox simulator does not count against the daily quota.
    send(ses, SUCCESS)
    send(ses, [BOUNCE, COMPLAINT])
    assert ses.get_account()["SendQuota"]["SentLast24Hours"] == 4.0


def test_paused_sending_refuses_to_send(ses, sender):
    ses.put_account_sending_attributes(SendingEnabled=False)
    assert ses.get_account()["SendingEnabled"] is False
    with pytest.raises(ClientError) as paused:
        send(ses, "you@example.net")
    assert error_code(paused) == "SendingPausedException"
    assert paused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    ses.put_account_sending_attributes(SendingEnabled=True)
    assert MESSAGE_ID.match(send(ses, "you@example.net"))


def test_account_details_show_in_get_account(ses):
    ses.put_account_details(MailType="TRANSACTIONAL", WebsiteURL="https://shop.example.com", ContactLanguage="EN",
                            UseCaseDescription="Order confirmations and receipts.",
                            AdditionalContactEmailAddresses=["ops@example.com"])
    details = ses.get_account()["Details"]
    assert details["MailType"] == "TRANSACTIONAL"
    assert details["WebsiteURL"] == "https://shop.example.com"
    assert details["ContactLanguage"] == "EN"
    assert details["UseCaseDescription"] == "Order confirmations and receipts."
    assert details["AdditionalContactEmailAddresses"] == ["ops@example.com"]


def test_account_suppression_reasons_can_be_changed(server, ses, sender):
    ses.put_suppressed_destination(EmailAddress="angry@example.net", Reason="COMPLAINT")
    ses.put_account_suppression_attributes(SuppressedReasons=["BOUNCE"])
    assert ses.get_account()["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE"]
    # The account no longer suppresses complaints, so the address is mailed.
    message_id = send(ses, "angry@example.net")
    assert captured(server, message_id)["outcomes"] == {"angry@example.net": "delivered"}


# MARK: Contact lists


TOPICS = [
    {"TopicName": "weekly", "DisplayName": "Weekly digest", "Description": "The week in review",
     "DefaultSubscriptionStatus": "OPT_IN"},
    {"TopicName": "offers", "DisplayName": "Offers", "Description": "Discounts and sales",
     "DefaultSubscriptionStatus": "OPT_OUT"},
]


@pytest.fixture
def news(ses):
    ses.create_contact_list(ContactListName="news", Topics=TOPICS, Description="Newsletter readers")
    return "news"


def test_a_contact_list_keeps_its_topics(ses, news):
    got = ses.get_contact_list(ContactListName=news)
    assert got["ContactListName"] == "news"
    assert got["Topics"] == TOPICS
    assert got["Description"] == "Newsletter readers"
    assert "CreatedTimestamp" in got and "LastUpdatedTimestamp" in got
    assert [c["ContactListName"] for c in ses.list_contact_lists()["ContactLists"]] == ["news"]


def test_an_account_has_at_most_one_contact_list(ses, news):
    with pytest.raises(ClientError) as second:
        ses.create_contact_list(ContactListName="other")
    assert second.value.response["Error"]["Message"] == "A maximum of 1 Lists allowed per account."
    assert error_code(second) == "BadRequestException"


def test_the_second_contact_list_is_refused_with_aws_text(ses, news):
    # The limit holds even for the name of the existing list (AWS checks the count first).
    for name in ["other", "news"]:
        with pytest.raises(ClientError) as second:
            ses.create_contact_list(ContactListName=name)
        assert second.value.response["Error"]["Message"] == "A maximum of 1 Lists allowed per account."
        assert second.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_contacts_keep_their_topic_preferences(ses, news):
    ses.create_contact(ContactListName=news, EmailAddress="ann@example.net",
                       TopicPreferences=[{"TopicName": "weekly", "SubscriptionStatus": "OPT_OUT"}],
                       AttributesData=json.dumps({"name": "Ann"}))
    ses.create_contact(ContactListName=news, EmailAddress="bob@example.net",
                       TopicPreferences=[{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}])
    ses.create_contact(ContactListName=news, EmailAddress="cy@example.net")
    ann = ses.get_contact(ContactListName=news, EmailAddress="ann@example.net")
    assert ann["ContactListName"] == "news" and ann["EmailAddress"] == "ann@example.net"
    assert ann["TopicPreferences"] == [{"TopicName": "weekly", "SubscriptionStatus": "OPT_OUT"}]
    # The topics Ann did not choose come with the list's defaults.
    assert ann["TopicDefaultPreferences"] == [{"TopicName": "offers", "SubscriptionStatus": "OPT_OUT"}]
    assert ann["UnsubscribeAll"] is False
    assert json.loads(ann["AttributesData"]) == {"name": "Ann"}

    def listed(**topic_filter):
        contacts = ses.list_contacts(ContactListName=news, Filter={
            "FilteredStatus": "OPT_IN", "TopicFilter": topic_filter})["Contacts"]
        return sorted(c["EmailAddress"] for c in contacts)

    assert listed(TopicName="offers") == ["bob@example.net"]
    # Falling back on the topic's default (OPT_IN) adds the contacts who never chose.
    assert listed(TopicName="weekly", UseDefaultIfPreferenceUnavailable=True) == ["bob@example.net",
                                                                                 "cy@example.net"]
    assert len(ses.list_contacts(ContactListName=news)["Contacts"]) == 3

    ses.update_contact(ContactListName=news, EmailAddress="ann@example.net",
                       TopicPreferences=[{"TopicName": "weekly", "SubscriptionStatus": "OPT_IN"},
                                         {"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}])
    ann = ses.get_contact(ContactListName=news, EmailAddress="ann@example.net")
    assert sorted((p["TopicName"], p["SubscriptionStatus"]) for p in ann["TopicPreferences"]) == [
        ("offers", "OPT_IN"), ("weekly", "OPT_IN")]
    assert ann["TopicDefaultPreferences"] == []
    assert listed(TopicName="offers") == ["ann@example.net", "bob@example.net"]

    with pytest.raises(ClientError) as twice:
        ses.create_contact(ContactListName=news, EmailAddress="ann@example.net")
    assert error_code(twice) == "AlreadyExistsException"
    ses.delete_contact(ContactListName=news, EmailAddress="ann@example.net")
    with pytest.raises(ClientError) as gone:
        ses.get_contact(ContactListName=news, EmailAddress="ann@example.net")
    assert error_code(gone) == "NotFoundException"
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_list_management_adds_a_working_unsubscribe_link(server, ses, sender, news):
    ses.create_contact(ContactListName=news, EmailAddress="ann@example.net")
    message_id = send(ses, "ann@example.net",
                      ListManagementOptions={"ContactListName": news, "TopicName": "weekly"})
    parsed = mime(server, message_id)
    # RFC 2369 and RFC 8058 one-click unsubscribe.
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(.+)>", str(parsed["List-Unsubscribe"])).group(1)
    assert served_by(server, link, "/_switchyard/ses/unsubscribe")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["list"] == ["news"] and query["topic"] == ["weekly"] and query["email"] == ["ann@example.net"]
    assert ses.get_contact(ContactListName=news, EmailAddress="ann@example.net")["TopicDefaultPreferences"] == [
        {"TopicName": "weekly", "SubscriptionStatus": "OPT_IN"},
        {"TopicName": "offers", "SubscriptionStatus": "OPT_OUT"}]
    with urllib.request.urlopen(link, timeout=10) as response:
        assert response.status == 200
    ann = ses.get_contact(ContactListName=news, EmailAddress="ann@example.net")
    assert ann["TopicPreferences"] == [{"TopicName": "weekly", "SubscriptionStatus": "OPT_OUT"}]
    assert ann["UnsubscribeAll"] is False


def test_list_management_needs_an_existing_list(ses, sender):
    with pytest.raises(ClientError) as missing:
        send(ses, "ann@example.net", ListManagementOptions={"ContactListName": "nope"})
    assert error_code(missing) == "NotFoundException"


def test_sending_with_list_management_adds_unknown_recipients_to_the_list(ses, sender, news):
    send(ses, "new@example.net", ListManagementOptions={"ContactListName": news, "TopicName": "weekly"})
    contacts = ses.list_contacts(ContactListName=news)["Contacts"]
    assert [c["EmailAddress"] for c in contacts] == ["new@example.net"]


def test_list_management_headers_are_only_for_a_single_recipient(server, ses, sender, news):
    message_id = send(ses, ["ann@example.net", "bob@example.net"],
                      ListManagementOptions={"ContactListName": news, "TopicName": "weekly"})
    parsed = mime(server, message_id)
    assert parsed["List-Unsubscribe"] is None and parsed["List-Unsubscribe-Post"] is None


# MARK: Tags


def test_tags_on_a_configuration_set_and_an_identity(ses, sender):
    ses.create_configuration_set(ConfigurationSetName="tagged")
    for arn in [f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/tagged",
                f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender}"]:
        assert ses.list_tags_for_resource(ResourceArn=arn)["Tags"] == []
        ses.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "mail"}, {"Key": "env", "Value": "test"}])
        ses.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
        tags = ses.list_tags_for_resource(ResourceArn=arn)["Tags"]
        assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "prod"), ("team", "mail")]
        ses.untag_resource(ResourceArn=arn, TagKeys=["team"])
        assert ses.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]
    # The resources' own descriptions show the same tags.
    assert ses.get_configuration_set(ConfigurationSetName="tagged")["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert ses.get_email_identity(EmailIdentity=sender)["Tags"] == [{"Key": "env", "Value": "prod"}]


# MARK: Custom verification emails


def verification_template(ses, sender_address=SENDER, name="verify-me"):
    ses.create_custom_verification_email_template(
        TemplateName=name, FromEmailAddress=sender_address, TemplateSubject="Please confirm your address",
        TemplateContent="<html><body><h1>Confirm</h1><p>Click the link below.</p></body></html>",
        SuccessRedirectionURL="https://example.com/verified", FailureRedirectionURL="https://example.com/failed")


def test_a_custom_verification_template_needs_a_verified_sender(ses):
    with pytest.raises(ClientError) as unverified:
        verification_template(ses, "nobody@example.com")
    # v2 answers a NotFoundException (404) where v1 says FromEmailAddressNotVerified.
    assert error_code(unverified) == "NotFoundException"
    assert unverified.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_custom_verification_templates_are_kept(ses, sender):
    verification_template(ses)
    got = ses.get_custom_verification_email_template(TemplateName="verify-me")
    assert got["TemplateName"] == "verify-me"
    assert got["FromEmailAddress"] == sender
    assert got["TemplateSubject"] == "Please confirm your address"
    assert got["TemplateContent"] == "<html><body><h1>Confirm</h1><p>Click the link below.</p></body></html>"
    assert got["SuccessRedirectionURL"] == "https://example.com/verified"
    assert got["FailureRedirectionURL"] == "https://example.com/failed"
    assert ses.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"] == [{
        "TemplateName": "verify-me", "FromEmailAddress": sender, "TemplateSubject": "Please confirm your address",
        "SuccessRedirectionURL": "https://example.com/verified", "FailureRedirectionURL": "https://example.com/failed"}]
    with pytest.raises(ClientError) as twice:
        verification_template(ses)
    assert error_code(twice) == "AlreadyExistsException"
    ses.delete_custom_verification_email_template(TemplateName="verify-me")
    with pytest.raises(ClientError) as gone:
        ses.get_custom_verification_email_template(TemplateName="verify-me")
    assert error_code(gone) == "NotFoundException"


def test_send_custom_verification_email_captures_the_link(server, ses, sender):
    verification_template(ses)
    message_id = ses.send_custom_verification_email(
        EmailAddress="newbie@example.net", TemplateName="verify-me")["MessageId"]
    assert MESSAGE_ID.match(message_id)
    message = captured(server, message_id)
    assert message["source"] == sender
    assert message["destinations"] == ["newbie@example.net"]
    assert message["subject"] == "Please confirm your address"
    assert "<h1>Confirm</h1>" in message["html"]
    link = re.search(r'href="([^"]+)"', message["html"]).group(1)
    assert served_by(server, link, "/_switchyard/ses/verify")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    with urllib.request.urlopen(link, timeout=10) as response:
        assert response.status == 200
    assert ses.get_email_identity(EmailIdentity="newbie@example.net")["VerificationStatus"] == "SUCCESS"
    with pytest.raises(ClientError) as missing:
        ses.send_custom_verification_email(EmailAddress="other@example.net", TemplateName="nope")
    assert error_code(missing) == "NotFoundException"


# MARK: aws CLI


def test_cli_creates_an_identity_and_sends(server, ses):
    created = aws(server, "sesv2", "create-email-identity", "--email-identity", "cli@example.com")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["IdentityType"] == "EMAIL_ADDRESS"
    got = aws(server, "sesv2", "get-email-identity", "--email-identity", "cli@example.com")
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["VerificationStatus"] == "SUCCESS"
    sent = aws(server, "sesv2", "send-email", "--from-email-address", "cli@example.com",
               "--destination", "ToAddresses=you@example.net",
               "--content", "Simple={Subject={Data=From the CLI},Body={Text={Data=Sent with aws sesv2}}}")
    assert sent.returncode == 0, sent.stderr
    message_id = json.loads(sent.stdout)["MessageId"]
    assert MESSAGE_ID.match(message_id)
    message = captured(server, message_id)
    assert message["subject"] == "From the CLI" and message["text"].strip() == "Sent with aws sesv2"
    missing = aws(server, "sesv2", "get-email-identity", "--email-identity", "nobody@example.com")
    assert missing.returncode != 0
    assert "NotFoundException" in missing.stderr
