"""CloudWatch Logs export tasks as AWS runs them: a group's events of a time range written to an S3
bucket, one gzipped object of `<time> <message>` lines per log stream, with the task's status
described, cancelled, and finished after a kill -9.

The expected answers come from the CloudWatch Logs API reference and user guide ("Exporting log
data to Amazon S3") and from AWS's recorded answers (LocalStack's AWS-validated snapshots)."""
import gzip
import time
from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from conftest import Server


@pytest.fixture
def clients(server):
    server.reset()
    return server.client("logs"), server.client("s3")


def finished(logs, task_id):
    deadline = time.time() + 20
    while time.time() < deadline:
        [task] = logs.describe_export_tasks(taskId=task_id)["exportTasks"]
        if task["status"]["code"] not in ("PENDING", "RUNNING"):
            return task
        time.sleep(0.2)
    raise AssertionError("the export did not finish")


def iso(milliseconds):
    return datetime.fromtimestamp(milliseconds / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def refusal(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response["Error"]


def test_an_export_writes_each_streams_events_of_the_range(clients):
    logs, s3 = clients
    s3.create_bucket(Bucket="archive")
    logs.create_log_group(logGroupName="app")
    base = (int(time.time()) - 600) * 1000  # PutLogEvents keeps events of the last 14 days only
    for stream in ("web-1", "web-2", "worker"):
        logs.create_log_stream(logGroupName="app", logStreamName=stream)
        logs.put_log_events(logGroupName="app", logStreamName=stream, logEvents=[
            {"timestamp": base + i * 1000, "message": f"{stream} event {i}"} for i in range(3)])
    # Up to, not including, the third event; only the streams of a prefix.
    task_id = logs.create_export_task(taskName="nightly", logGroupName="app", logStreamNamePrefix="web",
                                      fromTime=base, to=base + 2000, destination="archive",
                                      destinationPrefix="exports")["taskId"]
    task = finished(logs, task_id)
    assert task["status"] == {"code": "COMPLETED", "message": "Completed successfully"}
    assert (task["taskName"], task["logGroupName"], task["destination"], task["destinationPrefix"]) == (
        "nightly", "app", "archive", "exports")
    assert (task["from"], task["to"]) == (base, base + 2000)
    assert task["executionInfo"]["completionTime"] >= task["executionInfo"]["creationTime"]

    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="archive")["Contents"])
    assert keys == sorted(["exports/aws-logs-write-test", f"exports/{task_id}/web-1/000000.gz",
                           f"exports/{task_id}/web-2/000000.gz"])
    body = gzip.decompress(s3.get_object(Bucket="archive", Key=f"exports/{task_id}/web-1/000000.gz")["Body"].read())
    assert body.decode().splitlines() == [f"{iso(base)} web-1 event 0", f"{iso(base + 1000)} web-1 event 1"]
    # The task is found by its id and by its status; another id finds nothing.
    assert [t["taskId"] for t in logs.describe_export_tasks(statusCode="COMPLETED")["exportTasks"]] == [task_id]
    assert logs.describe_export_tasks(taskId="non-existent-task-id")["exportTasks"] == []
    # A finished task cannot be cancelled.
    assert refusal(logs.cancel_export_task, taskId=task_id)["Code"] == "InvalidOperationException"


def test_export_errors_in_aws_words(clients):
    logs, s3 = clients
    s3.create_bucket(Bucket="archive")
    logs.create_log_group(logGroupName="app")
    error = refusal(logs.create_export_task, logGroupName="app", fromTime=1611316574, to=1642852574,
                    destination="non-existent-bucket")
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterException", "The given bucket does not exist. Please make sure the bucket is valid.")
    error = refusal(logs.create_export_task, logGroupName="missing", fromTime=1611316574, to=1642852574,
                    destination="archive")
    assert (error["Code"], error["Message"]) == ("ResourceNotFoundException", "The specified log group does not exist.")
    error = refusal(logs.cancel_export_task, taskId="abc-def")
    assert (error["Code"], error["Message"]) == ("ResourceNotFoundException", "The specified export task does not exist.")


def test_an_acknowledged_export_finishes_after_a_kill9():
    server = Server().start()
    try:
        logs, s3 = server.client("logs"), server.client("s3")
        s3.create_bucket(Bucket="archive")
        logs.create_log_group(logGroupName="app")
        logs.create_log_stream(logGroupName="app", logStreamName="s")
        stamp = (int(time.time()) - 60) * 1000
        logs.put_log_events(logGroupName="app", logStreamName="s", logEvents=[{"timestamp": stamp, "message": "kept"}])
        task_id = logs.create_export_task(logGroupName="app", fromTime=0, to=1_800_000_000_000,
                                          destination="archive")["taskId"]
        server.kill9()
        server.start()
        logs, s3 = server.client("logs"), server.client("s3")
        assert finished(logs, task_id)["status"]["code"] == "COMPLETED"
        body = s3.get_object(Bucket="archive", Key=f"exportedlogs/{task_id}/s/000000.gz")["Body"].read()
        assert gzip.decompress(body).decode() == f"{iso(stamp)} kept\n"
    finally:
        server.stop()
