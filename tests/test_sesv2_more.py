"""SES v2's account-level resources beyond sending, through boto3: import jobs that read contacts and
suppressed addresses from S3, message insights from the captured outbox, BYODKIM signing attributes,
VDM and archiving options, dedicated IP pools (no dedicated IPs are leased here), tenants and their
resource associations, multi-region endpoints and the deliverability dashboard option."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, error_code


@pytest.fixture
def ses(server):
    server.reset()
    return server.client("sesv2")


def put_object(server, bucket, key, body):
    s3 = server.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return f"s3://{bucket}/{key}"


def test_import_suppressed_addresses_from_csv_and_json(ses, server):
    url = put_object(server, "imports", "suppressed.csv",
                     b"emailAddress,reason\nhard@example.com,BOUNCE\nangry@example.com,COMPLAINT\nnot-an-address,BOUNCE\n")
    job = ses.create_import_job(
        ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
        ImportDataSource={"S3Url": url, "DataFormat": "CSV"})["JobId"]
    described = ses.get_import_job(JobId=job)
    assert described["JobStatus"] == "COMPLETED"
    assert (described["ProcessedRecordsCount"], described["FailedRecordsCount"]) == (2, 1)
    assert described["ImportDataSource"] == {"S3Url": url, "DataFormat": "CSV"}
    listed = ses.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert sorted((d["EmailAddress"], d["Reason"]) for d in listed) == [
        ("angry@example.com", "COMPLAINT"), ("hard@example.com", "BOUNCE")]
    removal = put_object(server, "imports", "remove.json", b'{"emailAddress": "hard@example.com"}\n')
    ses.create_import_job(
        ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "DELETE"}},
        ImportDataSource={"S3Url": removal, "DataFormat": "JSON"})
    listed = ses.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert [d["EmailAddress"] for d in listed] == ["angry@example.com"]
    jobs = ses.list_import_jobs(ImportDestinationType="SUPPRESSION_LIST")["ImportJobs"]
    assert [j["JobStatus"] for j in jobs] == ["COMPLETED", "COMPLETED"]


def test_import_contacts_into_a_list(ses, server):
    ses.create_contact_list(ContactListName="news", Topics=[
        {"TopicName": "weekly", "DisplayName": "Weekly", "DefaultSubscriptionStatus": "OPT_OUT"}])
    url = put_object(server, "imports", "contacts.json", b"\n".join([
        json.dumps({"emailAddress": "ann@example.com", "attributesData": '{"name":"Ann"}',
                    "topicPreferences": [{"topicName": "weekly", "subscriptionStatus": "OPT_IN"}]}).encode(),
        json.dumps({"emailAddress": "bob@example.com", "unsubscribeAll": True}).encode()]))
    job = ses.create_import_job(
        ImportDestination={"ContactListDestination": {"ContactListName": "news", "ContactListImportAction": "PUT"}},
        ImportDataSource={"S3Url": url, "DataFormat": "JSON"})["JobId"]
    assert ses.get_import_job(JobId=job)["ProcessedRecordsCount"] == 2
    ann = ses.get_contact(ContactListName="news", EmailAddress="ann@example.com")
    assert ann["TopicPreferences"] == [{"TopicName": "weekly", "SubscriptionStatus": "OPT_IN"}]
    assert ann["AttributesData"] == '{"name":"Ann"}'
    assert ses.get_contact(ContactListName="news", EmailAddress="bob@example.com")["UnsubscribeAll"] is True
    with pytest.raises(ClientError) as e:
        ses.create_import_job(
            ImportDestination={"ContactListDestination": {"ContactListName": "nope", "ContactListImportAction": "PUT"}},
            ImportDataSource={"S3Url": url, "DataFormat": "JSON"})
    assert error_code(e) == "NotFoundException"


def test_an_import_from_a_missing_object_fails_as_a_job(ses, server):
    server.client("s3").create_bucket(Bucket="empty-imports")
    job = ses.create_import_job(
        ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
        ImportDataSource={"S3Url": "s3://empty-imports/none.csv", "DataFormat": "CSV"})["JobId"]
    described = ses.get_import_job(JobId=job)
    assert described["JobStatus"] == "FAILED" and described["FailureInfo"]["ErrorMessage"]


def test_message_insights_follow_each_recipient(ses, server):
    ses.create_email_identity(EmailIdentity="insight@example.com")
    sent = ses.send_email(
        FromEmailAddress="insight@example.com",
        Destination={"ToAddresses": ["success@simulator.amazonses.com", "bounce@simulator.amazonses.com"]},
        Content={"Simple": {"Subject": {"Data": "watched"}, "Body": {"Text": {"Data": "b"}}}},
        EmailTags=[{"Name": "campaign", "Value": "spring"}])["MessageId"]
    insights = ses.get_message_insights(MessageId=sent)
    assert insights["Subject"] == "watched" and insights["FromEmailAddress"] == "insight@example.com"
    assert insights["EmailTags"] == [{"Name": "campaign", "Value": "spring"}]
    by_destination = {i["Destination"]: [e["Type"] for e in i["Events"]] for i in insights["Insights"]}
    assert by_destination == {"success@simulator.amazonses.com": ["SEND", "DELIVERY"],
                              "bounce@simulator.amazonses.com": ["SEND", "PERMANENT_BOUNCE"]}
    with pytest.raises(ClientError) as e:
        ses.get_message_insights(MessageId="0100000000000000-00000000-0000-0000-0000-000000000000-000000")
    assert error_code(e) == "NotFoundException"


def test_byodkim_signing_attributes(ses):
    ses.create_email_identity(EmailIdentity="signed.example")
    answer = ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="signed.example", SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "sel1", "DomainSigningPrivateKey": "MIIBVwIBADANBgkq"})
    assert answer["DkimStatus"] == "SUCCESS" and "DkimTokens" not in answer
    dkim = ses.get_email_identity(EmailIdentity="signed.example")["DkimAttributes"]
    assert dkim["SigningAttributesOrigin"] == "EXTERNAL" and dkim["SigningEnabled"] is True
    back = ses.put_email_identity_dkim_signing_attributes(EmailIdentity="signed.example", SigningAttributesOrigin="AWS_SES")
    assert len(back["DkimTokens"]) == 3
    with pytest.raises(ClientError) as e:
        ses.put_email_identity_dkim_signing_attributes(EmailIdentity="nobody.example", SigningAttributesOrigin="AWS_SES")
    assert error_code(e) == "BadRequestException"


def test_vdm_archiving_and_dashboard_options(ses):
    ses.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "ENABLED",
                                                  "DashboardAttributes": {"EngagementMetrics": "ENABLED"}})
    assert ses.get_account()["VdmAttributes"]["VdmEnabled"] == "ENABLED"
    ses.create_configuration_set(ConfigurationSetName="vdm")
    ses.put_configuration_set_vdm_options(
        ConfigurationSetName="vdm", VdmOptions={"GuardianOptions": {"OptimizedSharedDelivery": "ENABLED"}})
    archive = f"arn:aws:ses:{REGION}:{ACCOUNT}:mailmanager-archive/a-0123456789abcdefghijklmnop"
    ses.put_configuration_set_archiving_options(ConfigurationSetName="vdm", ArchiveArn=archive)
    described = ses.get_configuration_set(ConfigurationSetName="vdm")
    assert described["VdmOptions"] == {"GuardianOptions": {"OptimizedSharedDelivery": "ENABLED"}}
    assert described["ArchivingOptions"] == {"ArchiveArn": archive}
    assert ses.get_deliverability_dashboard_options()["DashboardEnabled"] is False
    ses.put_deliverability_dashboard_option(DashboardEnabled=True, SubscribedDomains=[{"Domain": "example.com"}])
    options = ses.get_deliverability_dashboard_options()
    assert options["DashboardEnabled"] is True and options["ActiveSubscribedDomains"][0]["Domain"] == "example.com"
    assert ses.list_recommendations()["Recommendations"] == []


def test_dedicated_ip_pools_without_dedicated_ips(ses):
    ses.create_dedicated_ip_pool(PoolName="transactional", ScalingMode="STANDARD")
    with pytest.raises(ClientError) as e:
        ses.create_dedicated_ip_pool(PoolName="transactional")
    assert error_code(e) == "AlreadyExistsException"
    assert ses.list_dedicated_ip_pools()["DedicatedIpPools"] == ["transactional"]
    ses.put_dedicated_ip_pool_scaling_attributes(PoolName="transactional", ScalingMode="MANAGED")
    assert ses.get_dedicated_ip_pool(PoolName="transactional")["DedicatedIpPool"] == {
        "PoolName": "transactional", "ScalingMode": "MANAGED"}
    assert ses.get_dedicated_ips(PoolName="transactional")["DedicatedIps"] == []
    with pytest.raises(ClientError) as e:
        ses.get_dedicated_ip(Ip="192.0.2.1")
    assert error_code(e) == "NotFoundException"
    ses.delete_dedicated_ip_pool(PoolName="transactional")
    with pytest.raises(ClientError) as e:
        ses.get_dedicated_ip_pool(PoolName="transactional")
    assert error_code(e) == "NotFoundException"


def test_tenants_and_their_resources(ses):
    created = ses.create_tenant(TenantName="acme", Tags=[{"Key": "team", "Value": "mail"}])
    assert created["TenantArn"] == f"arn:aws:ses:{REGION}:{ACCOUNT}:tenant/acme/{created['TenantId']}"
    assert created["SendingStatus"] == "ENABLED"
    ses.create_configuration_set(ConfigurationSetName="acme-set")
    set_arn = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/acme-set"
    ses.create_tenant_resource_association(TenantName="acme", ResourceArn=set_arn)
    resources = ses.list_tenant_resources(TenantName="acme")["TenantResources"]
    assert resources == [{"ResourceType": "CONFIGURATION_SET", "ResourceArn": set_arn}]
    tenants = ses.list_resource_tenants(ResourceArn=set_arn)["ResourceTenants"]
    assert [t["TenantName"] for t in tenants] == ["acme"]
    assert ses.get_tenant(TenantName="acme")["Tenant"]["TenantName"] == "acme"
    assert [t["TenantName"] for t in ses.list_tenants()["Tenants"]] == ["acme"]
    ses.delete_tenant_resource_association(TenantName="acme", ResourceArn=set_arn)
    assert ses.list_tenant_resources(TenantName="acme")["TenantResources"] == []
    ses.delete_tenant(TenantName="acme")
    with pytest.raises(ClientError) as e:
        ses.get_tenant(TenantName="acme")
    assert error_code(e) == "NotFoundException"


def test_multi_region_endpoints(ses):
    created = ses.create_multi_region_endpoint(
        EndpointName="global", Details={"RoutesDetails": [{"Region": "us-west-2"}]})
    assert created["Status"] == "READY"
    endpoint = ses.get_multi_region_endpoint(EndpointName="global")
    assert endpoint["EndpointId"] == created["EndpointId"]
    assert [r["Region"] for r in endpoint["Routes"]] == [REGION, "us-west-2"]
    assert [e["EndpointName"] for e in ses.list_multi_region_endpoints()["MultiRegionEndpoints"]] == ["global"]
    assert ses.delete_multi_region_endpoint(EndpointName="global")["Status"] == "DELETING"
    assert ses.list_multi_region_endpoints()["MultiRegionEndpoints"] == []


def test_metrics_and_domain_statistics_count_what_was_sent(ses, server):
    import datetime
    ses.create_email_identity(EmailIdentity="metrics.example")
    ses.create_configuration_set(ConfigurationSetName="counted")
    for to in ["success@simulator.amazonses.com", "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"]:
        ses.send_email(FromEmailAddress="news@metrics.example", Destination={"ToAddresses": [to]},
                       ConfigurationSetName="counted",
                       Content={"Simple": {"Subject": {"Data": "m"}, "Body": {"Text": {"Data": "b"}}}})
    now = datetime.datetime.now(datetime.timezone.utc)
    window = {"StartDate": now - datetime.timedelta(days=1), "EndDate": now + datetime.timedelta(minutes=5)}
    queries = [{"Id": metric.lower(), "Namespace": "VDM", "Metric": metric,
                "Dimensions": {"CONFIGURATION_SET": "counted"}, **window}
               for metric in ["SEND", "DELIVERY", "PERMANENT_BOUNCE", "COMPLAINT"]]
    queries.append({"Id": "other", "Namespace": "VDM", "Metric": "SEND",
                    "Dimensions": {"EMAIL_IDENTITY": "elsewhere.example"}, **window})
    answer = ses.batch_get_metric_data(Queries=queries)
    values = {r["Id"]: sum(r["Values"]) for r in answer["Results"]}
    assert values == {"send": 3, "delivery": 2, "permanent_bounce": 1, "complaint": 1, "other": 0}
    report = ses.get_domain_statistics_report(Domain="metrics.example", **window)
    assert report["OverallVolume"]["VolumeStatistics"]["InboxRawCount"] == 2
    assert sum(d["VolumeStatistics"]["InboxRawCount"] for d in report["DailyVolumes"]) == 2
