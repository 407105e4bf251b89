"""The server process: runs as an unprivileged user, keeps its data private and to itself."""
import os
import shutil
import stat
import subprocess
import tempfile

import pytest

from conftest import BINARY, Server

NOBODY = 65534


def unprivileged_prefix():
    """How to run the server without root's capabilities: as-is when the tests are not root, else as nobody."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to drop root for this test")
    return (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all")


def test_serves_sqs_and_sns_as_an_unprivileged_user():
    # Socket options that need CAP_NET_ADMIN once reset every connection of a non-root server;
    # CI runs as root, so this runs the server as nobody with no capabilities at all.
    data_dir = tempfile.mkdtemp(prefix="switchyard-nonroot-")
    server = Server(data_dir=os.path.join(data_dir, "state"), prefix=unprivileged_prefix())
    if os.geteuid() == 0:
        # nobody may not be able to reach the build directory (a checkout under /root): run a copy.
        os.chmod(data_dir, 0o755)
        binary = os.path.join(data_dir, "switchyard")
        shutil.copy(BINARY, binary)
        os.chmod(binary, 0o755)
        server.args[server.args.index(BINARY)] = binary
        state = os.path.join(data_dir, "writable")
        os.mkdir(state)
        os.chown(state, NOBODY, NOBODY)
        server.args[server.args.index(server.data_dir)] = os.path.join(state, "state")
    server.start()
    try:
        sqs = server.client()
        url = sqs.create_queue(QueueName="unprivileged")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"
        sns = server.client("sns")
        topic = sns.create_topic(Name="unprivileged")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs",
                      Endpoint=sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])
        sns.publish(TopicArn=topic, Message="fan-out")
        assert "fan-out" in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"][0]["Body"]
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_data_directory_and_files_are_private():
    parent = tempfile.mkdtemp(prefix="switchyard-perm-")
    old_umask = os.umask(0o022)
    try:
        server = Server(data_dir=os.path.join(parent, "state")).start()
        try:
            sqs, sns = server.client(), server.client("sns")
            sqs.create_queue(QueueName="q")
            topic = sns.create_topic(Name="t")["TopicArn"]
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:000000000000:q")
            sns.publish(TopicArn=topic, Message="signed")  # the first signature makes the signing key
        finally:
            server.stop()
        state = os.path.join(parent, "state")
        assert stat.S_IMODE(os.stat(state).st_mode) == 0o700
        names = os.listdir(state)
        assert "switchyard.sqlite" in names and "sns-signing-key.pem" in names
        for name in names:
            mode = stat.S_IMODE(os.stat(os.path.join(state, name)).st_mode)
            assert mode & 0o077 == 0, f"{name} is readable by others: {oct(mode)}"
    finally:
        os.umask(old_umask)
        shutil.rmtree(parent, ignore_errors=True)


def test_second_server_on_one_data_directory_refuses_to_start():
    first = Server().start()
    try:
        second = subprocess.run(
            [BINARY, "serve", "--port", "0", "--data-dir", first.data_dir], capture_output=True, text=True,
            timeout=30)
        assert second.returncode != 0
        assert f"The data directory {first.data_dir} is in use by another Switchyard server" in second.stderr
        assert str(first.process.pid) in second.stderr
        # The first server is untouched.
        sqs = first.client()
        sqs.create_queue(QueueName="still-mine")
        assert any(u.endswith("/still-mine") for u in sqs.list_queues()["QueueUrls"])
    finally:
        first.stop()
    # Once the first has stopped, the directory is free again and its state is all there.
    again = Server(data_dir=first.data_dir).start()
    try:
        assert any(u.endswith("/still-mine") for u in again.client().list_queues()["QueueUrls"])
    finally:
        again.stop()
        shutil.rmtree(first.data_dir, ignore_errors=True)
