"""The aws CLI against the server: the user's first commands from the README."""
import json
import os
import subprocess

import pytest

from conftest import ACCOUNT


def aws(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWS_ENDPOINT_URL=server.endpoint)
    # aws CLI v1 replaces the SQS endpoint in us-east-1 unless --endpoint-url is given on the command line.
    out = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", *args],
                         env=env, capture_output=True, text=True, timeout=60)
    return out


@pytest.fixture
def fresh(server):
    server.reset()
    return server


def test_cli_round_trip(fresh):
    created = aws(fresh, "sqs", "create-queue", "--queue-name", "jobs")
    assert created.returncode == 0, created.stderr
    url = json.loads(created.stdout)["QueueUrl"]
    assert url.endswith(f"/{ACCOUNT}/jobs")
    sent = aws(fresh, "sqs", "send-message", "--queue-url", url, "--message-body", "hi")
    assert sent.returncode == 0, sent.stderr
    got = json.loads(aws(fresh, "sqs", "receive-message", "--queue-url", url).stdout)
    assert got["Messages"][0]["Body"] == "hi"
    deleted = aws(fresh, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", got["Messages"][0]["ReceiptHandle"])
    assert deleted.returncode == 0, deleted.stderr
    listed = json.loads(aws(fresh, "sqs", "list-queues").stdout)
    assert listed["QueueUrls"] == [url]


def test_cli_reports_aws_errors(fresh):
    out = aws(fresh, "sqs", "get-queue-url", "--queue-name", "missing")
    assert out.returncode != 0
    assert "AWS.SimpleQueueService.NonExistentQueue" in out.stderr


def test_cli_attributes(fresh):
    url = json.loads(aws(fresh, "sqs", "create-queue", "--queue-name", "f.fifo", "--attributes",
                         "FifoQueue=true,ContentBasedDeduplication=true").stdout)["QueueUrl"]
    attrs = json.loads(aws(fresh, "sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All").stdout)
    assert attrs["Attributes"]["FifoQueue"] == "true"
    assert attrs["Attributes"]["ContentBasedDeduplication"] == "true"
