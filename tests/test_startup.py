"""Starting and stopping: bad settings are refused with a message that says what to fix, wherever
they came from; SIGTERM and SIGINT stop the server cleanly; debug logging shows every request."""
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import BINARY, Server


def start_failure(*args, env=None):
    """Runs `switchyard serve` expecting it to refuse to start; returns its stderr."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHYARD_")}
    environment.update(env or {})
    data_dir = tempfile.mkdtemp(prefix="switchyard-start-")
    port = [] if "SWITCHYARD_PORT" in environment or "--port" in args else ["--port", "0"]
    result = subprocess.run([BINARY, "serve", "--data-dir", data_dir, *port, *args], env=environment,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0, result.stderr
    return result.stderr


@pytest.mark.parametrize("args,env,expected", [
    (["--port", "99999"], {}, "Invalid setting --port 99999: expected a whole number from 0 to 65535."),
    ([], {"SWITCHYARD_PORT": "abc"}, "Invalid setting SWITCHYARD_PORT=abc: expected a whole number from 0 to 65535."),
    ([], {"SWITCHYARD_STORAGE": "bogus"}, "Invalid setting SWITCHYARD_STORAGE=bogus: expected one of sqlite, memory."),
    (["--log-level", "bogus"], {}, "Invalid setting --log-level bogus: expected one of trace, debug, info"),
    (["--account", "abc"], {}, "Invalid setting --account abc: expected a 12-digit AWS account id"),
    (["--region", "!!!"], {}, "Invalid setting --region !!!: expected an AWS region name"),
    (["--credentials", "justakey"], {}, "Invalid setting --credentials: entry 1 (justakey) must be ACCESS_KEY_ID:SECRET"),
    (["--credentials", "AK:SECRET:12"], {}, "Invalid setting --credentials: entry 1 (AK): the account must be 12 digits."),
    ([], {"SWITCHYARD_AUTH": "strictly"}, "Invalid setting SWITCHYARD_AUTH=strictly: expected one of any, strict."),
    ([], {"SWITCHYARD_SYNC": "always"}, "Invalid setting SWITCHYARD_SYNC=always: expected one of normal, full."),
    (["--max-connections", "0"], {}, "Invalid setting --max-connections 0: expected a whole number from 1"),
    (["--admin-token", "short"], {}, "Invalid setting --admin-token: expected at least 16 printable ASCII characters"),
])
def test_bad_settings_are_refused_with_their_source(args, env, expected):
    assert expected in start_failure(*args, env=env)


def test_secrets_are_not_echoed():
    stderr = start_failure("--credentials", "AK:has space")
    assert "has space" not in stderr and "entry 1 (AK)" in stderr


def test_flag_wins_over_environment():
    server = Server(env={**os.environ, "SWITCHYARD_PORT": "abc"}).start()  # --port is given, so the variable is unused
    server.stop()


def test_port_in_use_names_the_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        stderr = start_failure("--port", str(port))
    assert f"Cannot listen on 127.0.0.1:{port}: the port is already in use" in stderr
    assert "--port" in stderr


def test_uncreatable_data_directory_is_named():
    with tempfile.NamedTemporaryFile() as file:
        stderr = start_failure("--data-dir", os.path.join(file.name, "state"))
        assert f"Cannot create the data directory {file.name}/state" in stderr
        stderr = start_failure("--data-dir", file.name)
        assert f"The data directory {file.name} is a file, not a directory" in stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_gracefully_with_exit_0(sig):
    server = Server(log_level="info").start()
    sqs = server.client()
    url = sqs.create_queue(QueueName="before-stop")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    server.process.send_signal(sig)
    assert server.process.wait(timeout=15) == 0
    stderr = server.process.stderr.read().decode()
    assert "switchyard shutting down" in stderr and "switchyard stopped" in stderr
    again = Server(data_dir=server.data_dir).start()
    try:
        assert again.client().receive_message(QueueUrl=url)["Messages"][0]["Body"] == "kept"
    finally:
        again.stop()


def test_signal_answers_a_long_poll_in_flight_before_stopping():
    import threading
    server = Server().start()
    sqs = server.client(read_timeout=30)
    url = sqs.create_queue(QueueName="polled")["QueueUrl"]
    answer = {}

    def poll():
        answer["response"] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    thread.join(timeout=15)
    assert server.process.wait(timeout=15) == 0
    assert time.monotonic() - started < 5
    assert answer["response"].get("Messages", []) == []


def test_sigterm_under_load_exits_0_within_5_seconds_and_keeps_every_acknowledged_message():
    import threading
    server = Server().start()
    url = server.client().create_queue(QueueName="loaded")["QueueUrl"]
    acknowledged = [[] for _ in range(8)]
    stop = threading.Event()

    def send(worker):
        sqs = server.client(read_timeout=10, connect_timeout=2)
        n = 0
        while not stop.is_set():
            body = f"{worker}-{n}"
            try:
                sqs.send_message(QueueUrl=url, MessageBody=body)
            except Exception:
                return  # the server stopped accepting: what was not acknowledged may be lost
            acknowledged[worker].append(body)
            n += 1

    def poll():
        sqs = server.client(read_timeout=30)
        try:
            sqs.receive_message(QueueUrl=server.client().create_queue(QueueName="idle")["QueueUrl"],
                                WaitTimeSeconds=20)
        except Exception:
            pass

    threads = [threading.Thread(target=send, args=(w,)) for w in range(8)] + [threading.Thread(target=poll)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=10) == 0
    elapsed = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    assert elapsed < 5, elapsed
    # A clean stop leaves the WAL checkpointed into the database file.
    wal = os.path.join(server.data_dir, "switchyard.sqlite-wal")
    assert not os.path.exists(wal) or os.path.getsize(wal) == 0
    sent = {body for bodies in acknowledged for body in bodies}
    assert len(sent) > 50
    again = Server(data_dir=server.data_dir).start()
    try:
        sqs = again.client()
        stored = int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                     ["Attributes"]["ApproximateNumberOfMessages"])
        received = set()
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages", [])
            if not messages:
                break
            received.update(m["Body"] for m in messages)
        assert sent <= received, len(sent - received)
        assert stored >= len(sent)
    finally:
        again.stop()


def test_debug_log_shows_each_request():
    log_path = tempfile.mktemp(prefix="switchyard-log-")
    with open(log_path, "w") as log:
        port_server = Server(log_level="debug")
        port_server.process = subprocess.Popen(port_server.args, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.time() + 15
        while True:
            try:
                urllib.request.urlopen(port_server.endpoint + "/_switchyard/health", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        try:
            sqs = port_server.client(access_key="123456789012")
            sqs.create_queue(QueueName="logged")
            try:
                sqs.get_queue_url(QueueName="missing")
            except Exception:
                pass
        finally:
            port_server.stop()
    text = open(log_path).read()
    os.unlink(log_path)
    lines = [line for line in text.splitlines() if line.rstrip().endswith("request")]

    def logged(**fields):
        return any(all(f"{key}={value}" in line for key, value in fields.items()) for line in lines)

    # One structured line per request: service, operation, caller, protocol, status, outcome, timing.
    assert logged(service="sqs", operation="CreateQueue", account="123456789012", region="us-east-1",
                  protocol="awsJson1_0", status="200", outcome="success")
    assert logged(service="sqs", operation="GetQueueUrl", account="123456789012", status="400",
                  outcome="QueueDoesNotExist")
    assert all(" ms=" in line and "requestId=" in line for line in lines)


def test_damaged_database_is_named():
    data_dir = tempfile.mkdtemp(prefix="switchyard-damaged-")
    with open(os.path.join(data_dir, "switchyard.sqlite"), "wb") as f:
        f.write(b"this is not a database" * 100)
    stderr = start_failure("--data-dir", data_dir)
    assert f"Cannot open the database {data_dir}/switchyard.sqlite" in stderr
