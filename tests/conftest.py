"""Conformance-suite fixtures: a real Switchyard server, and boto3 / aws CLI clients pointed at it."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import boto3
import botocore
import pytest
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("SWITCHYARD_BIN", os.path.join(ROOT, ".build", "debug", "switchyard"))
ACCOUNT = "000000000000"
REGION = "us-east-1"

# botocore switched SQS from awsQuery to awsJson in 1.31.x; the legacy run uses an older one.
QUERY_PROTOCOL = tuple(int(p) for p in botocore.__version__.split(".")[:2]) < (1, 31)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One switchyard process on a free loopback port with its own data directory."""

    def __init__(self, *extra_args, data_dir=None, storage="sqlite", prefix=(), log_level="warning", env=None):
        self.port = free_port()
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="switchyard-test-")
        # prefix runs the binary through another command (e.g. setpriv, to run it as another user).
        self.args = [*prefix, BINARY, "serve", "--port", str(self.port), "--data-dir", self.data_dir,
                     "--storage", storage, "--log-level", log_level, *extra_args]
        self.env = env
        self.process = None
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/_switchyard/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("switchyard did not start: " + self.process.stderr.read().decode(errors="replace"))

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def reset(self):
        req = urllib.request.Request(self.endpoint + "/_switchyard/reset", method="POST")
        urllib.request.urlopen(req, timeout=5).read()

    def client(self, service="sqs", access_key="test", region=REGION, secret="test", **config):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret, config=Config(retries={"max_attempts": 0}, **config))


@pytest.fixture(scope="session")
def server():
    s = Server().start()
    yield s
    s.stop()
    shutil.rmtree(s.data_dir, ignore_errors=True)


@pytest.fixture
def sqs(server):
    server.reset()
    return server.client()


@pytest.fixture
def sns(server):
    server.reset()
    return server.client("sns")


@pytest.fixture
def queue_url(sqs):
    return sqs.create_queue(QueueName="q")["QueueUrl"]


@pytest.fixture
def fifo_url(sqs):
    return sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]
