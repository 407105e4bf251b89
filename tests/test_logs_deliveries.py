"""CloudWatch Logs vended-log deliveries as AWS answers them: delivery sources (resources of other
services that vend logs), delivery destinations (a bucket, log group or Firehose stream), their
policies, and the deliveries that pair them, kept across a kill -9.

The expected answers come from the CloudWatch Logs API reference (PutDeliverySource,
PutDeliveryDestination, CreateDelivery, ...) and from AWS's recorded answers (LocalStack's
AWS-recorded snapshots of these operations). The services that vend these logs (CloudFront,
WorkMail, ...) do not run here, so no delivery carries any logs: what is tested is the
configuration."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import Server

ACCOUNT = "000000000000"
REGION = "us-east-1"
DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1EXAMPLE"


@pytest.fixture
def logs(server):
    server.reset()
    return server.client("logs")


def refusal(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response["Error"]


def destination_arn(name, account=ACCOUNT):
    return f"arn:aws:logs:{REGION}:{account}:delivery-destination:{name}"


def test_a_destination_is_kept_as_given_and_its_type_follows_the_resource(logs):
    answer = logs.put_delivery_destination(
        name="to-bucket", outputFormat="json", tags={"team": "a"},
        deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::logs-bucket"})["deliveryDestination"]
    # AWS's answer to the put leaves the tags out.
    assert answer == {
        "name": "to-bucket", "arn": destination_arn("to-bucket"), "deliveryDestinationType": "S3",
        "outputFormat": "json",
        "deliveryDestinationConfiguration": {"destinationResourceArn": "arn:aws:s3:::logs-bucket"}}
    got = logs.get_delivery_destination(name="to-bucket")["deliveryDestination"]
    assert got["tags"] == {"team": "a"}
    for name, arn, kind in [
            ("to-group", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:vended", "CWL"),
            ("to-stream", f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/vended", "FH")]:
        answer = logs.put_delivery_destination(
            name=name, deliveryDestinationConfiguration={"destinationResourceArn": arn})["deliveryDestination"]
        assert answer["deliveryDestinationType"] == kind
        assert "outputFormat" not in answer  # no default is stated
    # X-Ray takes no resource.
    xray = logs.put_delivery_destination(name="traces", deliveryDestinationType="XRAY")["deliveryDestination"]
    assert xray["deliveryDestinationType"] == "XRAY" and "deliveryDestinationConfiguration" not in xray


def test_a_put_replaces_the_destination_and_listings_keep_creation_order(logs):
    for name in ("zeta", "alpha"):
        logs.put_delivery_destination(
            name=name, deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::first"})
    answer = logs.put_delivery_destination(
        name="zeta", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::second"})
    assert answer["deliveryDestination"]["deliveryDestinationConfiguration"] == {
        "destinationResourceArn": "arn:aws:s3:::second"}
    listed = logs.describe_delivery_destinations()["deliveryDestinations"]
    assert [d["name"] for d in listed] == ["zeta", "alpha"]


def test_destination_errors_are_answered_in_awss_words(logs):
    # The delivery operations answer constraint violations as ValidationException (CloudWatch
    # Logs' older operations: InvalidParameterException), with the output formats in AWS's order.
    error = refusal(logs.put_delivery_destination, name="d", outputFormat="foobar",
                    deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
    assert error == {"Code": "ValidationException", "Message": (
        "1 validation error detected: Value 'foobar' at 'outputFormat' failed to satisfy constraint: "
        "Member must satisfy enum value set: [w3c, raw, json, plain, parquet]")}
    missing = {"Code": "ResourceNotFoundException",
               "Message": "Requested Delivery Destination does not exist in this account."}
    assert refusal(logs.get_delivery_destination, name="foobar") == missing
    assert refusal(logs.delete_delivery_destination, name="foobar") == missing
    assert refusal(logs.get_delivery_destination_policy, deliveryDestinationName="foobar") == missing
    assert refusal(logs.put_delivery_destination, name="d",
                   deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:sqs:us-east-1:1:q"}
                   )["Code"] == "ValidationException"
    assert refusal(logs.put_delivery_destination, name="d")["Code"] == "ValidationException"
    logs.put_delivery_destination(name="gone", deliveryDestinationConfiguration={
        "destinationResourceArn": "arn:aws:s3:::b"})
    logs.delete_delivery_destination(name="gone")
    assert refusal(logs.get_delivery_destination, name="gone") == missing


def test_a_destination_policy_is_kept_as_text_and_deleted_to_an_empty_policy(logs):
    logs.put_delivery_destination(
        name="shared", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "logs:CreateDelivery",
        "Resource": destination_arn("shared")}]})
    put = logs.put_delivery_destination_policy(deliveryDestinationName="shared", deliveryDestinationPolicy=policy)
    assert put["policy"] == {"deliveryDestinationPolicy": policy}
    got = logs.get_delivery_destination_policy(deliveryDestinationName="shared")
    assert got["policy"] == {"deliveryDestinationPolicy": policy}
    logs.delete_delivery_destination_policy(deliveryDestinationName="shared")
    assert logs.get_delivery_destination_policy(deliveryDestinationName="shared")["policy"] == {}


def test_a_source_names_a_resource_of_a_service_that_vends_logs(logs):
    answer = logs.put_delivery_source(name="cdn", resourceArn=DISTRIBUTION, logType="ACCESS_LOGS",
                                      tags={"key1": "value1"})["deliverySource"]
    assert answer == {
        "name": "cdn", "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:delivery-source:cdn", "resourceArns": [DISTRIBUTION],
        "service": "cloudfront", "logType": "ACCESS_LOGS", "tags": {"key1": "value1"}}
    assert logs.get_delivery_source(name="cdn")["deliverySource"]["service"] == "cloudfront"
    assert [s["name"] for s in logs.describe_delivery_sources()["deliverySources"]] == ["cdn"]
    # An S3 bucket vends no logs this way.
    assert refusal(logs.put_delivery_source, name="bucket", resourceArn="arn:aws:s3:::test-s3-bucket",
                   logType="ACCESS_LOGS") == {
        "Code": "ResourceNotFoundException", "Message": "Cannot access provided service."}
    # A log type the service does not vend.
    assert refusal(logs.put_delivery_source, name="cdn2", resourceArn=DISTRIBUTION,
                   logType="EVENT_LOGS")["Code"] == "ValidationException"
    assert refusal(logs.get_delivery_source, name="foobar") == {
        "Code": "ResourceNotFoundException", "Message": "Requested Delivery Source does not exist in this account."}


def test_a_delivery_takes_the_sources_defaults_where_settings_are_left_out(logs):
    logs.put_delivery_source(name="cdn", resourceArn=DISTRIBUTION, logType="ACCESS_LOGS")
    logs.put_delivery_destination(
        name="bucket", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
    created = logs.create_delivery(deliverySourceName="cdn",
                                   deliveryDestinationArn=destination_arn("bucket"))["delivery"]
    delivery_id = created["id"]
    assert delivery_id.isalnum()
    got = logs.get_delivery(id=delivery_id)["delivery"]
    assert got == created
    # CloudFront's access log fields and S3 path, as AWS answered for a delivery made without settings.
    assert got["recordFields"][:4] == ["date", "time", "x-edge-location", "sc-bytes"]
    assert len(got["recordFields"]) == 33
    assert got["s3DeliveryConfiguration"] == {
        "suffixPath": "AWSLogs/{account-id}/CloudFront/", "enableHiveCompatiblePath": False}
    assert (got["arn"], got["deliverySourceName"], got["deliveryDestinationArn"], got["deliveryDestinationType"]) == (
        f"arn:aws:logs:{REGION}:{ACCOUNT}:delivery:{delivery_id}", "cdn", destination_arn("bucket"), "S3")
    assert "fieldDelimiter" not in got and "tags" not in got
    assert [d["id"] for d in logs.describe_deliveries()["deliveries"]] == [delivery_id]


def test_a_delivery_keeps_its_settings_and_updates_them(logs):
    logs.put_delivery_source(name="cdn", resourceArn=DISTRIBUTION, logType="ACCESS_LOGS")
    logs.put_delivery_destination(
        name="bucket", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
    created = logs.create_delivery(
        deliverySourceName="cdn", deliveryDestinationArn=destination_arn("bucket"), recordFields=["date"],
        fieldDelimiter=",", tags={"key1": "value1"},
        s3DeliveryConfiguration={"suffixPath": f"AWSLogs/{ACCOUNT}/CloudFront/", "enableHiveCompatiblePath": True}
    )["delivery"]
    assert (created["recordFields"], created["fieldDelimiter"], created["tags"]) == (["date"], ",", {"key1": "value1"})
    assert created["s3DeliveryConfiguration"] == {
        "suffixPath": f"AWSLogs/{ACCOUNT}/CloudFront/", "enableHiveCompatiblePath": True}
    logs.update_delivery_configuration(id=created["id"], recordFields=["date", "time"], fieldDelimiter="\t")
    got = logs.get_delivery(id=created["id"])["delivery"]
    assert (got["recordFields"], got["fieldDelimiter"]) == (["date", "time"], "\t")
    assert got["s3DeliveryConfiguration"]["enableHiveCompatiblePath"] is True
    # Tags of deliveries, sources and destinations through the tagging operations.
    logs.tag_resource(resourceArn=created["arn"], tags={"key2": "value2"})
    assert logs.list_tags_for_resource(resourceArn=created["arn"])["tags"] == {"key1": "value1", "key2": "value2"}
    logs.untag_resource(resourceArn=created["arn"], tagKeys=["key1"])
    assert logs.list_tags_for_resource(resourceArn=created["arn"])["tags"] == {"key2": "value2"}


def test_what_a_delivery_uses_cannot_be_deleted_and_a_pair_is_delivered_once(logs):
    logs.put_delivery_source(name="cdn", resourceArn=DISTRIBUTION, logType="ACCESS_LOGS")
    logs.put_delivery_destination(
        name="bucket", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
    delivery_id = logs.create_delivery(deliverySourceName="cdn",
                                       deliveryDestinationArn=destination_arn("bucket"))["delivery"]["id"]
    assert refusal(logs.create_delivery, deliverySourceName="cdn",
                   deliveryDestinationArn=destination_arn("bucket"))["Code"] == "ConflictException"
    assert refusal(logs.delete_delivery_source, name="cdn")["Code"] == "ConflictException"
    assert refusal(logs.delete_delivery_destination, name="bucket")["Code"] == "ConflictException"
    assert refusal(logs.create_delivery, deliverySourceName="missing",
                   deliveryDestinationArn=destination_arn("bucket"))["Message"] == (
        "Requested Delivery Source does not exist in this account.")
    assert refusal(logs.create_delivery, deliverySourceName="cdn",
                   deliveryDestinationArn=destination_arn("missing"))["Message"] == (
        "Requested Delivery Destination does not exist in this account.")
    logs.delete_delivery(id=delivery_id)
    assert refusal(logs.get_delivery, id=delivery_id) == {
        "Code": "ResourceNotFoundException", "Message": "Requested Delivery does not exist in this account."}
    logs.delete_delivery_source(name="cdn")
    logs.delete_delivery_destination(name="bucket")


def test_another_accounts_destination_takes_deliveries_its_policy_allows(server):
    server.reset()
    owner = server.client("logs", access_key="222222222222", secret="x")
    sender = server.client("logs", access_key="111111111111", secret="x")
    owner.put_delivery_destination(
        name="central", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::central"})
    sender.put_delivery_source(name="cdn", resourceArn="arn:aws:cloudfront::111111111111:distribution/E1",
                               logType="ACCESS_LOGS")
    arn = destination_arn("central", account="222222222222")
    assert refusal(sender.create_delivery, deliverySourceName="cdn",
                   deliveryDestinationArn=arn)["Code"] == "AccessDeniedException"
    owner.put_delivery_destination_policy(deliveryDestinationName="central", deliveryDestinationPolicy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111111111111"},
                                                "Action": "logs:CreateDelivery", "Resource": arn}]}))
    delivery = sender.create_delivery(deliverySourceName="cdn", deliveryDestinationArn=arn)["delivery"]
    assert delivery["arn"].startswith("arn:aws:logs:us-east-1:111111111111:delivery:")
    assert owner.describe_deliveries()["deliveries"] == []


def test_delivery_configuration_survives_a_kill9():
    server = Server().start()
    try:
        logs = server.client("logs")
        logs.put_delivery_source(name="cdn", resourceArn=DISTRIBUTION, logType="ACCESS_LOGS")
        logs.put_delivery_destination(
            name="bucket", deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::b"})
        delivery = logs.create_delivery(deliverySourceName="cdn",
                                        deliveryDestinationArn=destination_arn("bucket"))["delivery"]
        server.kill9()
        server.start()
        logs = server.client("logs")
        assert logs.get_delivery(id=delivery["id"])["delivery"] == delivery
        assert logs.get_delivery_source(name="cdn")["deliverySource"]["resourceArns"] == [DISTRIBUTION]
        assert logs.get_delivery_destination(name="bucket")["deliveryDestination"]["deliveryDestinationType"] == "S3"
    finally:
        server.stop()
