"""SES email receiving through the inbound SMTP interface (`--smtp-inbound-port`): mail for a verified
domain runs the active receipt rule set's actions in order (add a header, store in S3, publish to SNS,
invoke Lambda, whose answer may stop the rule set, bounce), receipt filters refuse clients, and
SendBounce answers a received message with a delivery status notification. Driven by smtplib and
boto3."""
import json
import smtplib
import urllib.request
from email.message import EmailMessage

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, Server, error_code, free_port
from test_lambda import ROLE, zipped
from test_ses import events_queue, receive

HANDLER = """
def handler(event, context):
    subject = event["Records"][0]["ses"]["mail"]["commonHeaders"]["subject"]
    return {"disposition": "STOP_RULE_SET" if subject == "stop" else "CONTINUE"}
"""


@pytest.fixture(scope="module")
def inbound():
    port = free_port()
    server = Server("--smtp-inbound-port", str(port)).start()
    server.smtp_port = port
    yield server
    server.stop()


def drain(server, url, count, timeout=20):
    return [json.loads(body) for body in receive(server, url, count, timeout=timeout)]


def deliver(server, subject, to, sender="friend@outside.example"):
    msg = EmailMessage()
    msg["From"] = f"Friend <{sender}>"
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg.set_content("hello inbound\n")
    with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=10) as smtp:
        smtp.ehlo("client.example")
        smtp.mail(sender)
        for recipient in to:
            smtp.rcpt(recipient)
        code, reply = smtp.data(msg.as_bytes())
    return code, reply.decode()


@pytest.fixture
def rules(inbound):
    server = inbound
    server.reset()
    ses = server.client("ses")
    ses.verify_domain_identity(Domain="inbound.example")
    ses.verify_email_identity(EmailAddress="mailer@inbound.example")
    server.client("s3").create_bucket(Bucket="mail")
    stored_topic, stored_url = events_queue(server, "stored")
    after_topic, after_url = events_queue(server, "after")
    lam = server.client("lambda")
    lam.create_function(FunctionName="triage", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": zipped({"app.py": (HANDLER, 0o644)})})
    lam.get_waiter("function_active_v2").wait(FunctionName="triage", WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:triage"
    ses.create_receipt_rule_set(RuleSetName="main")
    ses.create_receipt_rule(RuleSetName="main", Rule={
        "Name": "store", "Enabled": True, "Recipients": ["inbound.example"], "ScanEnabled": True,
        "Actions": [{"AddHeaderAction": {"HeaderName": "X-Triaged", "HeaderValue": "yes"}},
                    {"S3Action": {"BucketName": "mail", "ObjectKeyPrefix": "in/"}},
                    {"SNSAction": {"TopicArn": stored_topic, "Encoding": "UTF-8"}}]})
    ses.create_receipt_rule(RuleSetName="main", After="store", Rule={
        "Name": "triage", "Enabled": True,
        "Actions": [{"LambdaAction": {"FunctionArn": function, "InvocationType": "RequestResponse"}}]})
    ses.create_receipt_rule(RuleSetName="main", After="triage", Rule={
        "Name": "after", "Enabled": True, "Actions": [{"SNSAction": {"TopicArn": after_topic}}]})
    ses.create_receipt_rule(RuleSetName="main", After="after", Rule={
        "Name": "refuse", "Enabled": True, "Recipients": ["nobody@inbound.example"],
        "Actions": [{"BounceAction": {"SmtpReplyCode": "550", "StatusCode": "5.1.1",
                                      "Message": "Mailbox does not exist", "Sender": "mailer@inbound.example"}}]})
    ses.set_active_receipt_rule_set(RuleSetName="main")
    return {"server": server, "ses": ses, "stored": stored_url, "after": after_url}


def outbox(server, **query):
    text = "&".join(f"{k}={v}" for k, v in query.items())
    with urllib.request.urlopen(f"{server.endpoint}/_switchyard/ses/messages?{text}") as r:
        return json.loads(r.read())["messages"]


def raw(server, message_id):
    with urllib.request.urlopen(f"{server.endpoint}/_switchyard/ses/messages/raw?id={message_id}") as r:
        return r.read().decode()


def test_received_mail_runs_the_rules_in_order(rules):
    server = rules["server"]
    code, reply = deliver(server, "go", ["sales@inbound.example"])
    assert code == 250
    message_id = reply.split()[-1]
    assert len(message_id) == 40
    # S3 holds the message with the header the first action added.
    body = server.client("s3").get_object(Bucket="mail", Key=f"in/{message_id}")["Body"].read().decode()
    assert body.startswith("X-Triaged: yes\r\n") and "hello inbound" in body
    [notification] = drain(server, rules["stored"], 1)
    assert notification["notificationType"] == "Received"
    assert notification["mail"]["messageId"] == message_id
    assert notification["mail"]["source"] == "friend@outside.example"
    assert notification["mail"]["destination"] == ["sales@inbound.example"]
    assert notification["mail"]["commonHeaders"]["subject"] == "go"
    assert notification["mail"]["commonHeaders"]["from"] == ["Friend <friend@outside.example>"]
    receipt = notification["receipt"]
    assert receipt["recipients"] == ["sales@inbound.example"]
    assert receipt["action"] == {"type": "SNS", "topicArn": receipt["action"]["topicArn"], "encoding": "UTF8"}
    assert receipt["spamVerdict"] == {"status": "PASS"} and receipt["virusVerdict"] == {"status": "PASS"}
    assert "X-Triaged: yes" in notification["content"]
    # The Lambda answered CONTINUE, so the rule after it ran.
    [after] = drain(server, rules["after"], 1)
    assert after["mail"]["messageId"] == message_id
    # Received mail is not sent mail.
    assert outbox(server) == []


def test_lambda_can_stop_the_rule_set(rules):
    server = rules["server"]
    code, _ = deliver(server, "stop", ["sales@inbound.example"])
    assert code == 250
    assert len(drain(server, rules["stored"], 1)) == 1
    assert drain(server, rules["after"], 1, timeout=3) == []


def test_mail_for_unknown_domains_and_blocked_clients_is_refused(rules):
    server, ses = rules["server"], rules["ses"]
    assert deliver(server, "lost", ["someone@elsewhere.example"]) == (
        550, "5.1.1 Requested action not taken: mailbox unavailable")
    ses.create_receipt_filter(Filter={"Name": "block-local", "IpFilter": {"Policy": "Block", "Cidr": "127.0.0.0/8"}})
    assert deliver(server, "blocked", ["sales@inbound.example"])[0] == 550
    # An allow filter that covers the client too wins over the block.
    ses.create_receipt_filter(Filter={"Name": "allow-me", "IpFilter": {"Policy": "Allow", "Cidr": "127.0.0.1"}})
    assert deliver(server, "allowed", ["sales@inbound.example"])[0] == 250


def test_bounce_action_and_send_bounce(rules):
    server, ses = rules["server"], rules["ses"]
    code, reply = deliver(server, "for nobody", ["nobody@inbound.example"])
    assert code == 250
    [bounce] = outbox(server, destination="friend@outside.example")
    assert bounce["source"] == "mailer@inbound.example" and bounce["operation"] == "BounceAction"
    text = raw(server, bounce["id"])
    assert "multipart/report; report-type=delivery-status" in text
    assert "Status: 5.1.1" in text and "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist" in text
    # SendBounce answers a message received within the last day.
    received = reply.split()[-1]
    answered = ses.send_bounce(
        OriginalMessageId=received, BounceSender="mailer@inbound.example", Explanation="No such person here.",
        MessageDsn={"ReportingMta": "dns; mx.inbound.example",
                    "ExtensionFields": [{"Name": "Trace", "Value": "abc"}]},
        BouncedRecipientInfoList=[{"Recipient": "nobody@inbound.example", "BounceType": "DoesNotExist"}])
    [sent] = outbox(server, id=answered["MessageId"])
    assert sent["destinations"] == ["friend@outside.example"] and sent["operation"] == "SendBounce"
    text = raw(server, answered["MessageId"])
    assert "No such person here." in text and "Reporting-MTA: dns; mx.inbound.example" in text
    assert "X-Trace: abc" in text and "Final-Recipient: rfc822; nobody@inbound.example" in text
    assert "Subject: for nobody" in text  # the original's headers
    with pytest.raises(ClientError) as e:
        ses.send_bounce(OriginalMessageId="0" * 40, BounceSender="mailer@inbound.example",
                        BouncedRecipientInfoList=[{"Recipient": "x@inbound.example", "BounceType": "Undefined"}])
    assert error_code(e) == "MessageRejected"
    with pytest.raises(ClientError) as e:
        ses.send_bounce(OriginalMessageId=received, BounceSender="mailer@inbound.example",
                        BouncedRecipientInfoList=[{"Recipient": "x@inbound.example"}])
    assert error_code(e) == "InvalidParameterValue"
