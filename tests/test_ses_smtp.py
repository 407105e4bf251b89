"""SES's SMTP side: the SMTP interface (`--smtp-port`) that standard clients submit mail to, with
STARTTLS and AUTH by SMTP credentials derived from access keys as SES derives them; the relay
(`--smtp-relay`) that hands accepted mail to a real SMTP server the tests start; and the sandbox
(`--ses-sandbox`), where identities wait for their verification link."""
import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.request
from email.message import EmailMessage

import pytest
from botocore.exceptions import ClientError

from conftest import Server, error_code, free_port
from test_ses import events_queue, receive

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def smtp_password(secret, region):
    """SES's SMTP password: a SigV4-style HMAC chain over fixed inputs, version byte 4, base64."""
    def sign(key, text):
        return hmac.new(key, text.encode(), hashlib.sha256).digest()
    signature = sign(sign(sign(sign(sign(("AWS4" + secret).encode(), "11111111"), region), "ses"), "aws4_request"),
                     "SendRawEmail")
    return base64.b64encode(b"\x04" + signature).decode()


def test_smtp_password_matches_aws_documented_example():
    # AWS's documentation derives this password from its example secret in us-east-1.
    assert smtp_password(SECRET, "us-east-1") == "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"


ADMIN = "ses-smtp-admin-token-0123"


def admin_get(server, path):
    request = urllib.request.Request(server.endpoint + path, headers={"Authorization": f"Bearer {ADMIN}"})
    with urllib.request.urlopen(request) as r:
        return r.read()


def captured(server, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return json.loads(admin_get(server, f"/_switchyard/ses/messages?{query}"))["messages"]


def message(subject="over SMTP", to="to@example.com"):
    msg = EmailMessage()
    msg["From"] = "Sender <smtp@example.com>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("line one\n.leading dot\n")
    msg.add_attachment(b"\x00\x01binary", maintype="application", subtype="octet-stream", filename="data.bin")
    return msg


@pytest.fixture(scope="module")
def strict_smtp():
    port = free_port()
    server = Server("--auth", "strict", "--credentials", f"AKIASMTPTEST:{SECRET}", "--smtp-port", str(port),
                    "--admin-token", ADMIN).start()
    server.smtp_port = port
    yield server
    server.stop()


def test_submission_with_starttls_and_derived_credentials(strict_smtp):
    ses = strict_smtp.client("ses", access_key="AKIASMTPTEST", secret=SECRET)
    ses.verify_email_identity(EmailAddress="smtp@example.com")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP("127.0.0.1", strict_smtp.smtp_port, timeout=10) as client:
        code, banner = client.ehlo()
        assert code == 250 and b"STARTTLS" in banner
        client.starttls(context=context)
        with pytest.raises(smtplib.SMTPAuthenticationError) as e:
            client.login("AKIASMTPTEST", "not-the-password")
        assert e.value.smtp_code == 535 and e.value.smtp_error == b"Authentication Credentials Invalid"
        client.login("AKIASMTPTEST", smtp_password(SECRET, "us-east-1"))
        client.send_message(message(), to_addrs=["to@example.com", "bcc@example.com"])
        # An unverified sender is refused as SES refuses it over SMTP.
        with pytest.raises(smtplib.SMTPDataError) as e:
            client.sendmail("stranger@elsewhere.com", ["to@example.com"], b"Subject: x\r\n\r\nbody\r\n")
        assert e.value.smtp_code == 554
        assert e.value.smtp_error.decode().startswith(
            "Message rejected: Email address is not verified. The following identities failed the check in "
            "region US-EAST-1: stranger@elsewhere.com")
    [sent] = [m for m in captured(strict_smtp) if m["subject"] == "over SMTP"]
    assert sent["operation"] == "SendSmtpEmail" and sent["source"] == "smtp@example.com"
    assert sent["destinations"] == ["to@example.com", "bcc@example.com"]
    assert sent["text"].replace("\r\n", "\n") == "line one\n.leading dot\n"
    assert sent["attachments"] == [{"index": 0, "filename": "data.bin", "contentType": "application/octet-stream",
                                    "size": 8}]
    assert admin_get(strict_smtp, f"/_switchyard/ses/messages/attachment?id={sent['id']}&index=0") == b"\x00\x01binary"


def test_mail_without_authentication_is_refused(strict_smtp):
    with smtplib.SMTP("127.0.0.1", strict_smtp.smtp_port, timeout=10) as client:
        client.ehlo()
        with pytest.raises(smtplib.SMTPSenderRefused) as e:
            client.sendmail("smtp@example.com", ["to@example.com"], b"Subject: x\r\n\r\nbody\r\n")
        assert e.value.smtp_code == 530


class Inbox:
    """An aiosmtpd handler that keeps what it receives, refusing recipients at refused.example."""

    def __init__(self):
        self.messages = []
        self.peers = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Ok: queued as RELAYED1"


@pytest.fixture
def relay():
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def test_relay_delivers_and_reports_bounces(relay):
    server = Server("--smtp-relay", f"127.0.0.1:{relay.port}").start()
    try:
        ses, sns, sqs = server.client("ses"), server.client("sns"), server.client("sqs")
        url = sqs.create_queue(QueueName="relay-events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        topic = sns.create_topic(Name="relay-events")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        ses.verify_email_identity(EmailAddress="relay@example.com")
        ses.create_configuration_set(ConfigurationSet={"Name": "relay"})
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="relay",
            EventDestination={"Name": "d", "Enabled": True, "MatchingEventTypes": ["delivery", "bounce"],
                              "SNSDestination": {"TopicARN": topic}})
        sent = ses.send_email(
            Source="relay@example.com", ConfigurationSetName="relay",
            Destination={"ToAddresses": ["friend@example.com", "ghost@refused.example"],
                         "BccAddresses": ["secret@example.com"]},
            Message={"Subject": {"Data": "relayed"}, "Body": {"Text": {"Data": "through the relay"}}})
        deadline = time.time() + 15
        while not relay.messages and time.time() < deadline:
            time.sleep(0.1)
        [(mail_from, recipients, content)] = relay.messages
        assert mail_from == "relay@example.com"
        assert sorted(recipients) == ["friend@example.com", "secret@example.com"]
        assert b"Subject: relayed" in content and b"Bcc" not in content
        assert f"<{sent['MessageId']}@email.amazonses.com>".encode() in content
        records, deadline = [], time.time() + 15
        while len(records) < 3 and time.time() < deadline:
            for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
                if m["Body"].startswith("{"):
                    records.append(json.loads(m["Body"]))
        delivery = next(r for r in records if r["eventType"] == "Delivery")
        assert sorted(delivery["delivery"]["recipients"]) == ["friend@example.com", "secret@example.com"]
        assert delivery["delivery"]["smtpResponse"] == "250 2.0.0 Ok: queued as RELAYED1"
        bounce = next(r for r in records if r["eventType"] == "Bounce")["bounce"]
        assert bounce["bouncedRecipients"][0]["emailAddress"] == "ghost@refused.example"
        assert bounce["bouncedRecipients"][0]["status"] == "5.1.1"
        assert bounce["bouncedRecipients"][0]["diagnosticCode"] == "smtp; 550 5.1.1 No such user here"
        # The hard bounce put the address on the account's suppression list.
        v2 = server.client("sesv2")
        assert v2.get_suppressed_destination(EmailAddress="ghost@refused.example")[
            "SuppressedDestination"]["Reason"] == "BOUNCE"
        [outbox] = captured(server, id=sent["MessageId"])
        assert outbox["outcomes"]["friend@example.com"] == "delivered"
        assert outbox["outcomes"]["ghost@refused.example"] == "bounced"
    finally:
        server.stop()


def event_queue(server, name, set_name, types):
    """A configuration set whose events reach an SQS queue through SNS; answers the queue URL."""
    ses = server.client("sesv2")
    topic, url = events_queue(server, name)
    ses.create_configuration_set(ConfigurationSetName=set_name)
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=set_name, EventDestinationName="d",
        EventDestination={"Enabled": True, "MatchingEventTypes": types, "SnsDestination": {"TopicArn": topic}})
    return url


def event_records(server, url, count, timeout=30):
    """The next `count` event records (JSON) of the queue; SNS's plain-text validation message is skipped."""
    records, deadline = [], time.time() + timeout
    while len(records) < count and time.time() < deadline:
        bodies = receive(server, url, 1, timeout=max(1, deadline - time.time()))
        records += [json.loads(body) for body in bodies if body.startswith("{")]
    return records


def test_relay_connections_are_kept_for_the_next_message(relay):
    server = Server("--smtp-relay", f"127.0.0.1:{relay.port}").start()
    try:
        ses = server.client("ses")
        ses.verify_email_identity(EmailAddress="many@example.com")
        for n in range(5):
            ses.send_email(Source="many@example.com", Destination={"ToAddresses": [f"r{n}@example.com"]},
                           Message={"Subject": {"Data": f"m{n}"}, "Body": {"Text": {"Data": "b"}}})
            deadline = time.time() + 10
            while len(relay.messages) <= n and time.time() < deadline:
                time.sleep(0.05)
        assert sorted(m[1][0] for m in relay.messages) == [f"r{n}@example.com" for n in range(5)]
        # One after the other, the messages went over one connection (one client port).
        assert len(set(relay.peers)) == 1
    finally:
        server.stop()


def test_a_kept_connection_the_relay_closed_is_replaced():
    from aiosmtpd.controller import Controller
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    server = Server("--smtp-relay", f"127.0.0.1:{port}").start()
    try:
        ses = server.client("ses")
        ses.verify_email_identity(EmailAddress="kept@example.com")

        def send_and_wait(n):
            ses.send_email(Source="kept@example.com", Destination={"ToAddresses": [f"k{n}@example.com"]},
                           Message={"Subject": {"Data": "k"}, "Body": {"Text": {"Data": "b"}}})
            deadline = time.time() + 15
            while len(inbox.messages) <= n and time.time() < deadline:
                time.sleep(0.05)

        send_and_wait(0)
        controller.stop()  # drops the connection Switchyard kept
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        send_and_wait(1)
        assert [m[1] for m in inbox.messages] == [["k0@example.com"], ["k1@example.com"]]
    finally:
        controller.stop()
        server.stop()


def test_relay_down_is_retried_until_it_answers():
    port = free_port()
    server = Server("--smtp-relay", f"127.0.0.1:{port}").start()
    try:
        ses = server.client("ses")
        url = event_queue(server, "later-events", "later", ["DELIVERY_DELAY", "DELIVERY"])
        ses.verify_email_identity(EmailAddress="later@example.com")
        sent = ses.send_email(Source="later@example.com", Destination={"ToAddresses": ["x@example.com"]},
                              ConfigurationSetName="later",
                              Message={"Subject": {"Data": "later"}, "Body": {"Text": {"Data": "b"}}})
        # The first failed attempt is reported once as a DeliveryDelay event.
        [delay] = event_records(server, url, 1)
        assert delay["eventType"] == "DeliveryDelay" and delay["mail"]["messageId"] == sent["MessageId"]
        assert delay["deliveryDelay"]["delayType"] == "TransientCommunicationFailure"
        assert delay["deliveryDelay"]["delayedRecipients"] == [{
            "emailAddress": "x@example.com", "status": "4.4.1",
            "diagnosticCode": "smtp; 421 4.4.1 Unable to connect to remote host"}]
        [outbox] = captured(server, id=sent["MessageId"])
        assert outbox["outcomes"] == {"x@example.com": "delayed"}
        time.sleep(1.5)
        from aiosmtpd.controller import Controller
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            deadline = time.time() + 30
            while not inbox.messages and time.time() < deadline:
                time.sleep(0.2)
            assert [m[1] for m in inbox.messages] == [["x@example.com"]]
            [delivery] = event_records(server, url, 1)
            assert delivery["eventType"] == "Delivery"
            [outbox] = captured(server, id=sent["MessageId"])
            assert outbox["outcomes"] == {"x@example.com": "delivered"}
        finally:
            controller.stop()
    finally:
        server.stop()


def test_sandbox_needs_the_verification_link():
    server = Server("--ses-sandbox").start()
    try:
        ses = server.client("ses")
        ses.verify_email_identity(EmailAddress="new@example.com")
        status = ses.get_identity_verification_attributes(Identities=["new@example.com"])
        assert status["VerificationAttributes"]["new@example.com"]["VerificationStatus"] == "Pending"
        quota = ses.get_send_quota()
        assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (200.0, 1.0)
        with pytest.raises(ClientError) as e:
            ses.send_email(Source="new@example.com", Destination={"ToAddresses": ["new@example.com"]},
                           Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
        assert error_code(e) == "MessageRejected"
        [mail] = captured(server, destination="new@example.com")
        assert mail["subject"].startswith("Amazon Web Services – Email Address Verification Request")
        link = next(word for word in mail["text"].split() if "/_switchyard/ses/verify?token=" in word)
        with urllib.request.urlopen(link) as r:
            assert r.status == 200
        status = ses.get_identity_verification_attributes(Identities=["new@example.com"])
        assert status["VerificationAttributes"]["new@example.com"]["VerificationStatus"] == "Success"
        # Recipients must be verified too in the sandbox; the mailbox simulator is always allowed.
        with pytest.raises(ClientError) as e:
            ses.send_email(Source="new@example.com", Destination={"ToAddresses": ["other@example.com"]},
                           Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
        assert e.value.response["Error"]["Message"].endswith("US-EAST-1: other@example.com")
        ses.send_email(Source="new@example.com",
                       Destination={"ToAddresses": ["new@example.com", "success@simulator.amazonses.com"]},
                       Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    finally:
        server.stop()
