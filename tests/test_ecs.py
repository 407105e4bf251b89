"""ECS through boto3 and the aws CLI: clusters, task definitions, and tasks whose containers run as
local processes (no container engine), their output in CloudWatch Logs through the awslogs driver,
their state changes on the default event bus, and tasks that EventBridge rules run.

Expected values come from AWS's ECS API reference and developer guide (task lifecycle, stop codes,
exit codes of signalled containers, awslogs stream names, the ECS Task State Change event)."""
import json
import os
import sys
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, Server
from test_lambda import drain

PYTHON = sys.executable


def awslogs(group, prefix="app"):
    return {"logDriver": "awslogs", "options": {"awslogs-group": group, "awslogs-region": "us-east-1",
                                                "awslogs-stream-prefix": prefix, "awslogs-create-group": "true"}}


@pytest.fixture
def ecs(server):
    server.reset()
    return server.client("ecs")


def wait_stopped(ecs, cluster, arn):
    ecs.get_waiter("tasks_stopped").wait(cluster=cluster, tasks=[arn], WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    return ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]


def test_clusters(ecs):
    created = ecs.create_cluster(clusterName="work")["cluster"]
    assert created["clusterArn"] == f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/work"
    assert created["status"] == "ACTIVE" and created["runningTasksCount"] == 0
    assert ecs.create_cluster(clusterName="work")["cluster"]["clusterArn"] == created["clusterArn"]
    described = ecs.describe_clusters(clusters=["work", "nope"])
    assert [c["clusterName"] for c in described["clusters"]] == ["work"]
    assert described["failures"] == [{"arn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/nope", "reason": "MISSING"}]
    assert ecs.list_clusters()["clusterArns"] == [created["clusterArn"]]
    assert ecs.delete_cluster(cluster="work")["cluster"]["status"] == "INACTIVE"
    with pytest.raises(ClientError) as e:
        ecs.delete_cluster(cluster="work")
    assert e.value.response["Error"]["Code"] == "ClusterNotFoundException"
    with pytest.raises(ClientError) as e:
        ecs.run_task(taskDefinition="x")
    assert e.value.response["Error"] == {"Code": "ClusterNotFoundException", "Message": "Cluster not found."}


def test_task_definitions(ecs):
    container = {"name": "main", "image": "busybox", "command": ["true"]}
    first = ecs.register_task_definition(family="job", containerDefinitions=[container])["taskDefinition"]
    assert first["revision"] == 1 and first["status"] == "ACTIVE"
    assert first["taskDefinitionArn"] == f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/job:1"
    assert first["containerDefinitions"][0]["essential"] is True
    second = ecs.register_task_definition(family="job", containerDefinitions=[container])["taskDefinition"]
    assert second["revision"] == 2
    assert ecs.describe_task_definition(taskDefinition="job")["taskDefinition"]["revision"] == 2
    assert ecs.describe_task_definition(taskDefinition="job:1")["taskDefinition"]["revision"] == 1
    assert ecs.describe_task_definition(taskDefinition=first["taskDefinitionArn"])["taskDefinition"]["revision"] == 1
    ecs.deregister_task_definition(taskDefinition="job:2")
    assert ecs.describe_task_definition(taskDefinition="job")["taskDefinition"]["revision"] == 1
    assert ecs.list_task_definitions(familyPrefix="jo")["taskDefinitionArns"] == [first["taskDefinitionArn"]]
    assert ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"] == [second["taskDefinitionArn"]]
    assert ecs.list_task_definition_families()["families"] == ["job"]
    with pytest.raises(ClientError) as e:
        ecs.describe_task_definition(taskDefinition="nothing")
    assert e.value.response["Error"] == {"Code": "ClientException", "Message": "Unable to describe task definition."}


def test_task_runs_as_local_processes_with_logs(server, ecs):
    ecs.create_cluster(clusterName="jobs")
    script = "import os; print('hello from', os.environ['WHO']); print('region', os.environ['AWS_REGION'])"
    ecs.register_task_definition(family="hello", containerDefinitions=[{
        "name": "main", "image": "python:3", "command": [PYTHON, "-c", script],
        "environment": [{"name": "WHO", "value": "definition"}], "logConfiguration": awslogs("/ecs/hello")}])
    task = ecs.run_task(cluster="jobs", taskDefinition="hello", overrides={"containerOverrides": [
        {"name": "main", "environment": [{"name": "WHO", "value": "override"}]}]})["tasks"][0]
    assert task["lastStatus"] == "PROVISIONING" and task["desiredStatus"] == "RUNNING"
    assert task["clusterArn"] == f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/jobs"
    stopped = wait_stopped(ecs, "jobs", task["taskArn"])
    assert stopped["stopCode"] == "EssentialContainerExited"
    assert stopped["stoppedReason"] == "Essential container in task exited"
    assert stopped["containers"][0]["exitCode"] == 0
    assert stopped["containers"][0]["lastStatus"] == "STOPPED"
    task_id = task["taskArn"].rsplit("/", 1)[1]
    logs = server.client("logs")
    deadline = time.time() + 10
    messages = []
    while time.time() < deadline and len(messages) < 2:
        try:
            messages = [e["message"] for e in logs.get_log_events(
                logGroupName="/ecs/hello", logStreamName=f"app/main/{task_id}", startFromHead=True)["events"]]
        except ClientError:
            pass
        time.sleep(0.2)
    assert messages == ["hello from override", "region us-east-1"]
    assert ecs.list_tasks(cluster="jobs", desiredStatus="STOPPED")["taskArns"] == [task["taskArn"]]
    assert ecs.list_tasks(cluster="jobs")["taskArns"] == []


def test_stop_task_and_exit_codes(ecs):
    ecs.create_cluster(clusterName="jobs")
    ecs.register_task_definition(family="sleepy", containerDefinitions=[
        {"name": "main", "image": "local", "command": [PYTHON, "-c", "import time; time.sleep(60)"]}])
    ecs.register_task_definition(family="failing", containerDefinitions=[
        {"name": "main", "image": "local", "command": [PYTHON, "-c", "raise SystemExit(3)"]}])
    sleepy = ecs.run_task(cluster="jobs", taskDefinition="sleepy")["tasks"][0]["taskArn"]
    ecs.get_waiter("tasks_running").wait(cluster="jobs", tasks=[sleepy], WaiterConfig={"Delay": 0.2})
    assert ecs.list_tasks(cluster="jobs")["taskArns"] == [sleepy]
    ecs.stop_task(cluster="jobs", task=sleepy, reason="enough")
    stopped = wait_stopped(ecs, "jobs", sleepy)
    assert stopped["stopCode"] == "UserInitiated" and stopped["stoppedReason"] == "enough"
    assert stopped["containers"][0]["exitCode"] == 143  # SIGTERM
    failing = ecs.run_task(cluster="jobs", taskDefinition="failing")["tasks"][0]["taskArn"]
    assert wait_stopped(ecs, "jobs", failing)["containers"][0]["exitCode"] == 3
    with pytest.raises(ClientError) as e:
        ecs.stop_task(cluster="jobs", task="0123456789abcdef")
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"


def test_task_state_changes_reach_eventbridge(server, ecs):
    sqs = server.client("sqs")
    queue = sqs.create_queue(QueueName="ecs-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = server.client("events")
    events.put_rule(Name="ecs-stopped", EventPattern=json.dumps(
        {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"], "detail": {"lastStatus": ["STOPPED"]}}))
    events.put_targets(Rule="ecs-stopped", Targets=[{"Id": "q", "Arn": queue_arn}])
    ecs.create_cluster(clusterName="jobs")
    ecs.register_task_definition(family="quick", containerDefinitions=[
        {"name": "main", "image": "local", "command": [PYTHON, "-c", "pass"]}])
    arn = ecs.run_task(cluster="jobs", taskDefinition="quick")["tasks"][0]["taskArn"]
    event = json.loads(drain(sqs, queue, expected=1)[0])
    assert event["source"] == "aws.ecs" and event["resources"] == [arn]
    assert event["detail"]["taskArn"] == arn and event["detail"]["lastStatus"] == "STOPPED"
    assert event["detail"]["stopCode"] == "EssentialContainerExited"


def test_s3_upload_runs_a_task_through_eventbridge(tmp_path):
    """A PUT into a bucket runs an ECS task through an EventBridge rule; the task's output is in
    CloudWatch Logs. The image is mapped to a local program (SWITCHYARD_ECS_IMAGES)."""
    program = tmp_path / "process.py"
    program.write_text("import os\nprint('processing', os.environ['OBJECT_KEY'], 'from', os.environ['BUCKET'])\n")
    images = tmp_path / "images.json"
    images.write_text(json.dumps({"example/processor": {"entryPoint": [PYTHON, str(program)]}}))
    server = Server(env=dict(os.environ, SWITCHYARD_ECS_IMAGES=str(images))).start()
    try:
        ecs = server.client("ecs")
        cluster = ecs.create_cluster(clusterName="uploads")["cluster"]["clusterArn"]
        definition = ecs.register_task_definition(family="processor", containerDefinitions=[{
            "name": "worker", "image": "example/processor:1.2", "logConfiguration": awslogs("/ecs/processor", "p")}]
        )["taskDefinition"]["taskDefinitionArn"]
        s3 = server.client("s3")
        s3.create_bucket(Bucket="incoming")
        s3.put_bucket_notification_configuration(Bucket="incoming", NotificationConfiguration={
            "EventBridgeConfiguration": {}})
        events = server.client("events")
        events.put_rule(Name="on-upload", EventPattern=json.dumps(
            {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["incoming"]}}}))
        template = ('{"containerOverrides": [{"name": "worker", "environment": ['
                    '{"name": "OBJECT_KEY", "value": <key>}, {"name": "BUCKET", "value": <bucket>}]}]}')
        events.put_targets(Rule="on-upload", Targets=[{
            "Id": "run", "Arn": cluster, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/events",
            "EcsParameters": {"TaskDefinitionArn": definition, "TaskCount": 1, "LaunchType": "FARGATE"},
            "InputTransformer": {"InputPathsMap": {"key": "$.detail.object.key", "bucket": "$.detail.bucket.name"},
                                 "InputTemplate": template}}])
        s3.put_object(Bucket="incoming", Key="reports/q3.csv", Body=b"a,b\n")
        logs = server.client("logs")
        deadline = time.time() + 20
        found = []
        while time.time() < deadline and not found:
            found = [e["message"] for e in logs.filter_log_events(logGroupName="/ecs/processor")["events"]] \
                if logs.describe_log_groups(logGroupNamePrefix="/ecs/processor")["logGroups"] else []
            time.sleep(0.3)
        assert found == ["processing reports/q3.csv from incoming"]
        # The task stops just after its last output.
        stopped = []
        while time.time() < deadline + 10 and not stopped:
            stopped = ecs.list_tasks(cluster="uploads", desiredStatus="STOPPED")["taskArns"]
            time.sleep(0.1)
        task = wait_stopped(ecs, "uploads", stopped[0])
        assert task["startedBy"] == "events-rule/on-upload"
        assert task["launchType"] == "FARGATE" and task["containers"][0]["exitCode"] == 0
    finally:
        server.stop()
