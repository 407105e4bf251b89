"""Regions are isolated: a resource of the caller's own account in another region is not reachable
through this region's endpoint, whatever its ARN says (AWS serves each region separately)."""
import pytest
from botocore.exceptions import ClientError


def test_platform_applications_and_endpoints_of_another_region_are_not_found(server):
    server.reset()
    east = server.client("sns", region="us-east-1")
    west = server.client("sns", region="eu-west-1")
    app = east.create_platform_application(
        Name="app", Platform="GCM", Attributes={"PlatformCredential": "key"})["PlatformApplicationArn"]
    endpoint = east.create_platform_endpoint(PlatformApplicationArn=app, Token="device")["EndpointArn"]
    assert east.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]
    for call in [
        lambda: west.get_platform_application_attributes(PlatformApplicationArn=app),
        lambda: west.set_platform_application_attributes(PlatformApplicationArn=app, Attributes={"Enabled": "false"}),
        lambda: west.list_endpoints_by_platform_application(PlatformApplicationArn=app),
        lambda: west.create_platform_endpoint(PlatformApplicationArn=app, Token="other"),
        lambda: west.get_endpoint_attributes(EndpointArn=endpoint),
        lambda: west.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"}),
    ]:
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == "NotFound"
    # Nothing changed in the application's own region.
    assert east.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"]["Enabled"] == "true"
    assert len(east.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]) == 1


def test_message_move_tasks_do_not_reach_queues_of_another_region(server):
    server.reset()
    east = server.client("sqs", region="us-east-1")
    west = server.client("sqs", region="eu-west-1")
    dlq = east.create_queue(QueueName="dead")["QueueUrl"]
    dlq_arn = east.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    east.create_queue(QueueName="work", Attributes={
        "RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"1"}}'})
    for call in [lambda: west.start_message_move_task(SourceArn=dlq_arn),
                 lambda: west.list_message_move_tasks(SourceArn=dlq_arn)]:
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # In its own region the task starts.
    assert east.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
