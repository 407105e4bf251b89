"""SES v2's deliverability and reputation operations through boto3 and the aws CLI: export jobs that write
message insights and VDM metrics from the captured outbox (to a download URL and into S3), predictive
inbox placement tests, dashboard campaigns, blacklist reports, email address insights and tenants as
reputation entities. Also what sending does for the sender: the mailbox simulator's out-of-office
auto-response, feedback forwarded by email, and a bounce for contacts who opted out."""
import csv
import datetime
import io
import json
import subprocess
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, error_code

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def ses(server):
    server.reset()
    return server.client("sesv2")


def outbox(server, **query):
    text = "&".join(f"{k}={v}" for k, v in query.items())
    with urllib.request.urlopen(f"{server.endpoint}/_switchyard/ses/messages?{text}") as r:
        return json.loads(r.read())["messages"]


def send(ses, to, subject="hello", sender="news@example.com", **extra):
    return ses.send_email(
        FromEmailAddress=sender, Destination={"ToAddresses": to},
        Content={"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "body"}}}}, **extra)["MessageId"]


def window(days=1):
    now = datetime.datetime.now(datetime.timezone.utc)
    return now - datetime.timedelta(days=days), now + datetime.timedelta(minutes=5)


def download(url):
    with urllib.request.urlopen(url) as r:
        return r.headers["Content-Type"], r.read().decode()


def test_message_insights_export_as_csv_with_filters(ses, server):
    ses.create_email_identity(EmailIdentity="example.com")
    send(ses, ["ann@example.com"], subject="Weekly digest")
    send(ses, ["bounce@simulator.amazonses.com"], subject="Weekly digest")
    send(ses, ["bob@example.com"], subject="Receipt #1", sender="billing@example.com")
    start, end = window()
    job = ses.create_export_job(
        ExportDataSource={"MessageInsightsDataSource": {
            "StartDate": start, "EndDate": end, "Include": {"Subject": ["Weekly*"]},
            "Exclude": {"LastDeliveryEvent": ["PERMANENT_BOUNCE"]}}},
        ExportDestination={"DataFormat": "CSV"})["JobId"]
    described = ses.get_export_job(JobId=job)
    assert described["JobStatus"] == "COMPLETED"
    assert described["ExportSourceType"] == "MESSAGE_INSIGHTS"
    assert described["Statistics"] == {"ProcessedRecordsCount": 3, "ExportedRecordsCount": 1}
    assert described["ExportDataSource"]["MessageInsightsDataSource"]["Include"] == {"Subject": ["Weekly*"]}
    # A completed job's destination carries the URL of the file, which needs no credentials.
    content_type, text = download(described["ExportDestination"]["S3Url"])
    assert content_type == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["destination"], row["subject"], row["last_delivery_event"]) == (
        "ann@example.com", "Weekly digest", "DELIVERY")
    assert row["from_email_address"] == "news@example.com"
    listed = ses.list_export_jobs(ExportSourceType="MESSAGE_INSIGHTS")["ExportJobs"]
    assert [(j["JobId"], j["JobStatus"]) for j in listed] == [(job, "COMPLETED")]
    assert ses.list_export_jobs(JobStatus="FAILED")["ExportJobs"] == []
    # A finished job cannot be cancelled; an unknown one does not exist.
    with pytest.raises(ClientError) as e:
        ses.cancel_export_job(JobId=job)
    assert error_code(e) == "BadRequestException"
    with pytest.raises(ClientError) as e:
        ses.get_export_job(JobId="no-such-job")
    assert error_code(e) == "NotFoundException"


def test_metrics_export_to_s3_as_json(ses, server):
    ses.create_email_identity(EmailIdentity="example.com")
    ses.create_configuration_set(ConfigurationSetName="promo")
    send(ses, ["a@example.com", "b@example.com"], ConfigurationSetName="promo")
    send(ses, ["bounce@simulator.amazonses.com"], ConfigurationSetName="promo")
    s3 = server.client("s3")
    s3.create_bucket(Bucket="exports")
    start, end = window(0)
    job = ses.create_export_job(
        ExportDataSource={"MetricsDataSource": {
            "Dimensions": {"CONFIGURATION_SET": ["promo"]}, "Namespace": "VDM",
            "Metrics": [{"Name": "SEND", "Aggregation": "VOLUME"}, {"Name": "DELIVERY", "Aggregation": "RATE"}],
            "StartDate": start, "EndDate": end}},
        ExportDestination={"DataFormat": "JSON", "S3Url": "s3://exports/vdm/today.json"})["JobId"]
    assert ses.get_export_job(JobId=job)["ExportSourceType"] == "METRICS_DATA"
    body = s3.get_object(Bucket="exports", Key="vdm/today.json")["Body"].read().decode()
    rows = [json.loads(line) for line in body.splitlines()]
    today = [r for r in rows if r["value"] not in ("0", "0.0")]
    assert {(r["metric"], r["aggregation"], r["value"], r["configuration_set"]) for r in today} == {
        ("SEND", "VOLUME", "3", "promo"), ("DELIVERY", "RATE", str(2 / 3), "promo")}
    # A bucket that does not exist fails the job, with the reason.
    failed = ses.create_export_job(
        ExportDataSource={"MessageInsightsDataSource": {"StartDate": start, "EndDate": end}},
        ExportDestination={"DataFormat": "CSV", "S3Url": "s3://no-such-bucket/x.csv"})["JobId"]
    described = ses.get_export_job(JobId=failed)
    assert described["JobStatus"] == "FAILED" and described["FailureInfo"]["ErrorMessage"]
    with pytest.raises(ClientError) as e:
        ses.create_export_job(ExportDataSource={}, ExportDestination={"DataFormat": "CSV"})
    assert error_code(e) == "BadRequestException"


def test_metrics_export_over_all_of_time_answers_at_once(ses, server):
    # Rows cover the days mail was sent in the range asked for, so a range of ten millennia is no
    # longer a row per day of it (it once kept the request busy for minutes).
    ses.create_email_identity(EmailIdentity="example.com")
    send(ses, ["a@example.com"])
    s3 = server.client("s3")
    s3.create_bucket(Bucket="exports")
    job = ses.create_export_job(
        ExportDataSource={"MetricsDataSource": {
            "Dimensions": {"EMAIL_IDENTITY": ["example.com"]}, "Namespace": "VDM",
            "Metrics": [{"Name": "SEND", "Aggregation": "VOLUME"}],
            "StartDate": datetime.datetime(1, 1, 2, tzinfo=datetime.timezone.utc),
            "EndDate": datetime.datetime(9999, 12, 30, tzinfo=datetime.timezone.utc)}},
        ExportDestination={"DataFormat": "JSON", "S3Url": "s3://exports/all.json"})["JobId"]
    assert ses.get_export_job(JobId=job)["JobStatus"] == "COMPLETED"
    rows = [json.loads(line) for line in s3.get_object(Bucket="exports", Key="all.json")["Body"].read().splitlines()]
    assert [(r["metric"], r["value"]) for r in rows] == [("SEND", "1")]


def test_inbox_placement_tests_need_the_dashboard(ses, server):
    ses.create_email_identity(EmailIdentity="example.com")
    content = {"Simple": {"Subject": {"Data": "Placement"}, "Body": {"Html": {"Data": "<p>hi</p>"}}}}
    with pytest.raises(ClientError) as e:
        ses.create_deliverability_test_report(FromEmailAddress="news@example.com", Content=content)
    assert error_code(e) == "BadRequestException"
    ses.put_deliverability_dashboard_option(DashboardEnabled=True)
    with pytest.raises(ClientError) as e:
        ses.create_deliverability_test_report(FromEmailAddress="news@unverified.example", Content=content)
    assert error_code(e) == "MessageRejected"
    created = ses.create_deliverability_test_report(
        ReportName="launch", FromEmailAddress="news@example.com", Content=content, Tags=[{"Key": "k", "Value": "v"}])
    assert created["DeliverabilityTestStatus"] == "COMPLETED"
    report = ses.get_deliverability_test_report(ReportId=created["ReportId"])
    assert report["DeliverabilityTestReport"]["ReportName"] == "launch"
    assert report["DeliverabilityTestReport"]["Subject"] == "Placement"
    # The captured outbox is the only mailbox: no spam folder, no providers; Easy DKIM signs.
    assert report["OverallPlacement"] == {"InboxPercentage": 100.0, "SpamPercentage": 0.0, "MissingPercentage": 0.0,
                                          "SpfPercentage": 100.0, "DkimPercentage": 100.0}
    assert report["IspPlacements"] == [] and "Subject: Placement" in report["Message"]
    assert report["Tags"] == [{"Key": "k", "Value": "v"}]
    # A message SES would reject (a virus) goes missing.
    raw = (b"From: news@example.com\r\nTo: x@example.com\r\nSubject: infected\r\n\r\n" + EICAR + b"\r\n")
    infected = ses.create_deliverability_test_report(FromEmailAddress="news@example.com", Content={"Raw": {"Data": raw}})
    placement = ses.get_deliverability_test_report(ReportId=infected["ReportId"])["OverallPlacement"]
    assert placement["MissingPercentage"] == 100.0 and placement["InboxPercentage"] == 0.0
    listed = ses.list_deliverability_test_reports()["DeliverabilityTestReports"]
    assert [r["ReportId"] for r in listed] == [created["ReportId"], infected["ReportId"]]
    # Nothing was sent: a placement test does not reach the outbox.
    assert outbox(server) == []


def test_campaigns_of_a_subscribed_domain(ses, server):
    ses.create_email_identity(EmailIdentity="example.com")
    ses.put_deliverability_dashboard_option(
        DashboardEnabled=True, SubscribedDomains=[{"Domain": "example.com"}])
    send(ses, ["a@example.com", "b@example.com"], subject="Spring sale")
    send(ses, ["c@example.com"], subject="Spring sale")
    send(ses, ["d@example.com"], subject="Other")
    start, end = window()
    campaigns = ses.list_domain_deliverability_campaigns(
        SubscribedDomain="example.com", StartDate=start, EndDate=end)["DomainDeliverabilityCampaigns"]
    spring = next(c for c in campaigns if c["Subject"] == "Spring sale")
    assert (spring["InboxCount"], spring["ProjectedVolume"], spring["SpamCount"]) == (3, 3, 0)
    assert spring["FromAddress"] == "news@example.com" and len(campaigns) == 2
    fetched = ses.get_domain_deliverability_campaign(CampaignId=spring["CampaignId"])["DomainDeliverabilityCampaign"]
    assert fetched == spring
    with pytest.raises(ClientError) as e:
        ses.list_domain_deliverability_campaigns(SubscribedDomain="other.example", StartDate=start, EndDate=end)
    assert error_code(e) == "NotFoundException"
    with pytest.raises(ClientError) as e:
        ses.list_domain_deliverability_campaigns(
            SubscribedDomain="example.com", StartDate=start - datetime.timedelta(days=40), EndDate=end)
    assert error_code(e) == "BadRequestException"
    with pytest.raises(ClientError) as e:
        ses.get_domain_deliverability_campaign(CampaignId="0000000000000000")
    assert error_code(e) == "NotFoundException"
    # Blacklist reports cover dedicated IPs, and none are leased here.
    with pytest.raises(ClientError) as e:
        ses.get_blacklist_reports(BlacklistItemNames=["192.0.2.1"])
    assert error_code(e) == "NotFoundException"


@pytest.mark.parametrize("address, expected", [
    ("success@simulator.amazonses.com", {"IsValid": "HIGH", "MailboxExists": "HIGH", "IsRoleAddress": "LOW"}),
    ("bounce@simulator.amazonses.com", {"IsValid": "LOW", "MailboxExists": "LOW"}),
    ("not an address", {"IsValid": "LOW", "HasValidSyntax": "LOW"}),
    ("someone@example.com", {"IsValid": "LOW", "HasValidDnsRecords": "LOW", "HasValidSyntax": "HIGH"}),
    ("support@company.io", {"IsValid": "MEDIUM", "IsRoleAddress": "HIGH", "HasValidDnsRecords": "MEDIUM"}),
    ("ann@mailinator.com", {"IsDisposable": "HIGH", "IsValid": "MEDIUM"}),
    ("xkqzvbwrt@company.io", {"IsRandomInput": "HIGH"}),
])
def test_email_address_insights(ses, address, expected):
    validation = ses.get_email_address_insights(EmailAddress=address)["MailboxValidation"]
    verdicts = {"IsValid": validation["IsValid"]["ConfidenceVerdict"]}
    verdicts.update({k: v["ConfidenceVerdict"] for k, v in validation["Evaluations"].items()})
    assert set(verdicts) == {"IsValid", "HasValidSyntax", "HasValidDnsRecords", "MailboxExists", "IsRoleAddress",
                             "IsDisposable", "IsRandomInput"}
    assert {k: verdicts[k] for k in expected} == expected


def test_tenants_are_reputation_entities_whose_status_gates_sending(ses, server):
    ses.create_email_identity(EmailIdentity="example.com")
    arn = ses.create_tenant(TenantName="shop")["TenantArn"]
    entity = ses.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference=arn)[
        "ReputationEntity"]
    assert entity["ReputationEntityReference"] == arn and entity["SendingStatusAggregate"] == "ENABLED"
    assert entity["ReputationManagementPolicy"] == f"arn:aws:ses:{REGION}:aws:reputation-policy/standard"
    assert entity["AwsSesManagedStatus"]["Status"] == "ENABLED"
    send(ses, ["a@example.com"], TenantName="shop")
    ses.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
        ReputationEntityPolicy=f"arn:aws:ses:{REGION}:aws:reputation-policy/strict")
    with pytest.raises(ClientError) as e:
        ses.update_reputation_entity_policy(
            ReputationEntityType="RESOURCE", ReputationEntityReference=arn, ReputationEntityPolicy="arn:aws:ses:x")
    assert error_code(e) == "BadRequestException"
    ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn, SendingStatus="DISABLED")
    entity = ses.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference=arn)[
        "ReputationEntity"]
    assert entity["CustomerManagedStatus"]["Status"] == "DISABLED" and entity["SendingStatusAggregate"] == "DISABLED"
    assert entity["ReputationManagementPolicy"].endswith("/strict")
    with pytest.raises(ClientError) as e:
        send(ses, ["a@example.com"], TenantName="shop")
    assert error_code(e) == "SendingPausedException"
    with pytest.raises(ClientError) as e:
        send(ses, ["a@example.com"], TenantName="no-such-tenant")
    assert error_code(e) == "NotFoundException"
    ses.create_tenant(TenantName="blog")
    disabled = ses.list_reputation_entities(Filter={"SENDING_STATUS": "DISABLED"})["ReputationEntities"]
    assert [e["ReputationEntityReference"] for e in disabled] == [arn]
    assert len(ses.list_reputation_entities()["ReputationEntities"]) == 2
    with pytest.raises(ClientError) as e:
        ses.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference="arn:aws:ses:nope")
    assert error_code(e) == "NotFoundException"


def test_out_of_office_reply_and_feedback_by_email(ses, server):
    ses.create_email_identity(EmailIdentity="example.com")
    send(ses, ["ooto@simulator.amazonses.com"], subject="Are you there?")
    [reply] = outbox(server, source="ooto@simulator.amazonses.com")
    assert reply["destinations"] == ["news@example.com"] and reply["operation"] == "AutoResponse"
    # Bounces and complaints come back by email while the identity forwards feedback (the default),
    # to the feedback address when one is given.
    send(ses, ["bounce@simulator.amazonses.com"], FeedbackForwardingEmailAddress="feedback@example.com")
    send(ses, ["complaint@simulator.amazonses.com"])
    [bounce] = outbox(server, source="MAILER-DAEMON@amazonses.com")
    assert bounce["destinations"] == ["feedback@example.com"]
    [complaint] = outbox(server, source="complaints@email-abuse.amazonses.com")
    assert complaint["destinations"] == ["news@example.com"]
    # None of that counts as the account's sending.
    assert server.client("ses").get_send_quota()["SentLast24Hours"] == 0.0
    ses.put_email_identity_feedback_attributes(EmailIdentity="example.com", EmailForwardingEnabled=False)
    send(ses, ["bounce@simulator.amazonses.com"])
    assert len(outbox(server, source="MAILER-DAEMON@amazonses.com")) == 1


def test_contacts_who_opted_out_get_a_bounce_not_the_mail(ses, server):
    ses.create_email_identity(EmailIdentity="example.com")
    ses.create_contact_list(ContactListName="news", Topics=[
        {"TopicName": "weekly", "DisplayName": "Weekly", "DefaultSubscriptionStatus": "OPT_IN"}])
    ses.create_contact(ContactListName="news", EmailAddress="out@example.com",
                       TopicPreferences=[{"TopicName": "weekly", "SubscriptionStatus": "OPT_OUT"}])
    ses.create_contact(ContactListName="news", EmailAddress="gone@example.com", UnsubscribeAll=True)
    ses.create_contact(ContactListName="news", EmailAddress="in@example.com")
    options = {"ContactListName": "news", "TopicName": "weekly"}
    sent = [send(ses, [to], ListManagementOptions=options)
            for to in ["out@example.com", "gone@example.com", "in@example.com"]]
    outcomes = [outbox(server, id=m)[0]["outcomes"] for m in sent]
    assert outcomes == [{"out@example.com": "unsubscribed"}, {"gone@example.com": "unsubscribed"},
                        {"in@example.com": "delivered"}]
    insight = ses.get_message_insights(MessageId=sent[0])["Insights"][0]
    assert [e["Type"] for e in insight["Events"]] == ["SEND", "PERMANENT_BOUNCE"]


def test_cli_exports_and_insights(server):
    server.reset()
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": REGION,
           "PATH": __import__("os").environ["PATH"]}
    base = ["aws", "--endpoint-url", server.endpoint, "sesv2", "--output", "json"]
    start, end = window()
    created = json.loads(subprocess.run(
        base + ["create-export-job", "--export-data-source", json.dumps({"MessageInsightsDataSource": {
            "StartDate": start.isoformat(), "EndDate": end.isoformat()}}),
                "--export-destination", '{"DataFormat": "JSON"}'],
        check=True, capture_output=True, env=env).stdout)
    job = json.loads(subprocess.run(base + ["get-export-job", "--job-id", created["JobId"]],
                                    check=True, capture_output=True, env=env).stdout)
    assert job["JobStatus"] == "COMPLETED" and job["Statistics"]["ExportedRecordsCount"] == 0
    insights = json.loads(subprocess.run(
        base + ["get-email-address-insights", "--email-address", "info@example.org"],
        check=True, capture_output=True, env=env).stdout)
    assert insights["MailboxValidation"]["Evaluations"]["IsRoleAddress"]["ConfidenceVerdict"] == "HIGH"
