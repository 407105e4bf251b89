"""Lambda through boto3 and the aws CLI: functions whose code really runs, as local processes
behind the Runtime API (a Python handler through AWS's runtime interface client, a `bootstrap`
executable for the provided runtimes), versions, aliases, policies, and synchronous, asynchronous and
dry-run invocations.

Expected values come from AWS's Lambda API reference and developer guide and from answers AWS
recorded (field names and defaults, error codes and messages, the shapes of function errors)."""
import base64
import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, Server
from test_cli import aws

ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"

HANDLER = """
import json, os, time

def handler(event, context):
    print("event", json.dumps(event))
    if event.get("fail"):
        raise ValueError("it went wrong")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("queue"):
        import boto3
        boto3.client("sqs").send_message(QueueUrl=event["queue"], MessageBody=json.dumps(event))
    return {
        "echo": event,
        "function": context.function_name,
        "version": context.function_version,
        "arn": context.invoked_function_arn,
        "request": context.aws_request_id,
        "memory": context.memory_limit_in_mb,
        "env": {k: os.environ.get(k) for k in ("AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "GREETING",
                                               "AWS_LAMBDA_LOG_GROUP_NAME", "_HANDLER")},
        "task_root_is_cwd": os.getcwd() == os.environ["LAMBDA_TASK_ROOT"],
        "custom": context.client_context.custom if context.client_context else None,
    }
"""

# A custom runtime: a bootstrap executable that speaks the Runtime API itself.
BOOTSTRAP = """#!/usr/bin/env python3
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
while True:
    with urllib.request.urlopen(api + "/invocation/next") as answer:
        request_id = answer.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(answer.read())
    print("bootstrap got", event, flush=True)
    body = json.dumps({"upper": str(event.get("text", "")).upper(), "handler": os.environ["_HANDLER"]}).encode()
    urllib.request.urlopen(urllib.request.Request(api + f"/invocation/{request_id}/response", data=body,
                                                  method="POST")).read()
"""


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, (text, mode) in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, text)
    return buffer.getvalue()


PYTHON_ZIP = zipped({"app.py": (HANDLER, 0o644)})
BOOTSTRAP_ZIP = zipped({"bootstrap": (BOOTSTRAP, 0o755)})


@pytest.fixture
def lam(server):
    server.reset()
    return server.client("lambda")


def create(lam, name, code=PYTHON_ZIP, runtime="python3.12", handler="app.handler", **extra):
    created = lam.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                                  Code={"ZipFile": code}, **extra)
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    return created


def refusal(call, **params):
    """The error code and message of a call that must fail."""
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def invoke(lam, name, event, **extra):
    answer = lam.invoke(FunctionName=name, Payload=json.dumps(event), **extra)
    answer["Body"] = json.loads(answer["Payload"].read() or b"null")
    return answer


def test_create_and_describe_function(server, lam):
    created = lam.create_function(FunctionName="describe-me", Runtime="python3.12", Role=ROLE,
                                  Handler="app.handler", Code={"ZipFile": PYTHON_ZIP}, Description="d",
                                  Environment={"Variables": {"GREETING": "hi"}}, Tags={"team": "a"})
    # A new function is Pending while its code is prepared, as on AWS.
    assert created["State"] == "Pending"
    assert created["StateReasonCode"] == "Creating"
    assert "LastUpdateStatus" not in created
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:describe-me"
    assert created["Version"] == "$LATEST"
    assert created["MemorySize"] == 128 and created["Timeout"] == 3
    assert created["PackageType"] == "Zip" and created["Architectures"] == ["x86_64"]
    assert created["EphemeralStorage"] == {"Size": 512}
    assert created["TracingConfig"] == {"Mode": "PassThrough"}
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/describe-me"}
    assert created["CodeSize"] == len(PYTHON_ZIP)
    import hashlib
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(PYTHON_ZIP).digest()).decode()
    assert created["Environment"] == {"Variables": {"GREETING": "hi"}}
    lam.get_waiter("function_active_v2").wait(FunctionName="describe-me", WaiterConfig={"Delay": 0.2})
    got = lam.get_function(FunctionName="describe-me")
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert "StateReason" not in got["Configuration"]
    # Becoming Active is itself a new revision.
    assert got["Configuration"]["RevisionId"] != created["RevisionId"]
    assert got["Tags"] == {"team": "a"}
    assert got["Code"]["RepositoryType"] == "S3"
    with urllib.request.urlopen(got["Code"]["Location"], timeout=5) as answer:
        assert answer.read() == PYTHON_ZIP
    by_arn = lam.get_function_configuration(FunctionName=created["FunctionArn"])
    assert by_arn["FunctionName"] == "describe-me"
    listed = lam.list_functions()["Functions"][0]
    assert listed["FunctionName"] == "describe-me"
    # Listings leave out state and runtime version.
    assert "State" not in listed and "LastUpdateStatus" not in listed and "RuntimeVersionConfig" not in listed


def test_python_handler_runs_with_lambda_context(lam):
    create(lam, "echo", Environment={"Variables": {"GREETING": "hello"}}, MemorySize=256)
    answer = invoke(lam, "echo", {"n": 1}, LogType="Tail")
    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert answer["ExecutedVersion"] == "$LATEST"
    body = answer["Body"]
    assert body["echo"] == {"n": 1}
    assert body["function"] == "echo" and body["version"] == "$LATEST" and body["memory"] == "256"
    assert body["arn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:echo"
    assert body["env"] == {"AWS_REGION": "us-east-1", "AWS_LAMBDA_FUNCTION_NAME": "echo", "GREETING": "hello",
                           "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/echo", "_HANDLER": "app.handler"}
    assert body["task_root_is_cwd"] is True
    log = base64.b64decode(answer["LogResult"]).decode()
    assert log.startswith(f"START RequestId: {body['request']} Version: $LATEST\n")
    assert 'event {"n": 1}' in log
    assert f"END RequestId: {body['request']}\n" in log
    assert f"REPORT RequestId: {body['request']}\tDuration: " in log
    # The client context reaches the handler decoded.
    client = base64.b64encode(json.dumps({"custom": {"who": "tester"}}).encode()).decode()
    assert invoke(lam, "echo", {}, ClientContext=client)["Body"]["custom"] == {"who": "tester"}
    # The worker stays warm: a second invocation reuses it (no Init Duration reported).
    second = invoke(lam, "echo", {"n": 2}, LogType="Tail")
    assert second["Body"]["echo"] == {"n": 2}
    assert "Init Duration" not in base64.b64decode(second["LogResult"]).decode()


VERSION_ZIP = zipped({"app.py": ("import sys\ndef handler(event, context):\n    return list(sys.version_info[:2])\n",
                                  0o644)})


def host_pythons(release):
    """Interpreters of one Python release on this host that start: on PATH, or pyenv's installs."""
    candidates = [shutil.which(f"python{release}")]
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    if os.path.isdir(f"{pyenv}/versions"):
        candidates += [f"{pyenv}/versions/{v}/bin/python{release}" for v in os.listdir(f"{pyenv}/versions")]
    working = []
    for candidate in filter(None, candidates):
        try:
            subprocess.run([candidate, "-c", "import venv"], check=True, capture_output=True, timeout=30)
            working.append(candidate)
        except (OSError, subprocess.SubprocessError):
            pass
    return working


@pytest.mark.parametrize("release", ["3.12", "3.9"])
def test_python_runtime_runs_its_own_release_where_the_host_has_it(lam, release):
    # Lambda's python3.12 runs Python 3.12. A host whose 3.12 is installed by pyenv (its shim on
    # PATH answers "command not found" unless 3.12 is selected) runs it too, not the default python3.
    # 3.9 is older than the pinned runtime client supports: it gets the newest client that installs.
    if not host_pythons(release):
        pytest.skip(f"this host has no Python {release}")
    name = "which-python-" + release.replace(".", "-")
    create(lam, name, code=VERSION_ZIP, runtime=f"python{release}", Timeout=120)
    assert invoke(lam, name, {})["Body"] == [int(part) for part in release.split(".")]


def test_function_error_is_reported_as_unhandled(lam):
    create(lam, "failing")
    answer = invoke(lam, "failing", {"fail": True})
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Body"]["errorType"] == "ValueError"
    assert answer["Body"]["errorMessage"] == "it went wrong"
    assert isinstance(answer["Body"]["stackTrace"], list)
    # The worker survives a handled error.
    assert invoke(lam, "failing", {"ok": 1})["Body"]["echo"] == {"ok": 1}


def test_timeout_kills_the_invocation(lam):
    create(lam, "slow", Timeout=1)
    started = time.time()
    answer = invoke(lam, "slow", {"sleep": 5}, LogType="Tail")
    assert time.time() - started < 4
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Body"]["errorType"] == "Sandbox.Timedout"
    assert answer["Body"]["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert "Task timed out after 1.00 seconds" in base64.b64decode(answer["LogResult"]).decode()
    # A new worker takes the next invocation.
    assert invoke(lam, "slow", {"after": 1})["Body"]["echo"] == {"after": 1}


def test_import_error_is_an_init_error(lam):
    create(lam, "broken", code=zipped({"app.py": ("import not_a_module\n", 0o644)}))
    answer = invoke(lam, "broken", {})
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Body"]["errorType"] == "Runtime.ImportModuleError"
    assert "not_a_module" in answer["Body"]["errorMessage"]


def test_custom_runtime_bootstrap(lam):
    create(lam, "custom", code=BOOTSTRAP_ZIP, runtime="provided.al2023", handler="my.handler")
    answer = invoke(lam, "custom", {"text": "shout"}, LogType="Tail")
    assert answer["Body"] == {"upper": "SHOUT", "handler": "my.handler"}
    assert "bootstrap got {'text': 'shout'}" in base64.b64decode(answer["LogResult"]).decode()
    # Lambda starts the bootstrap directly: no PWD and no SHLVL in its environment (AWS's recordings
    # of provided.al2 and provided.al2023 functions), though it runs in the task root. The
    # interpreter is named by its real path: a `python3` found on PATH may be a shell script (a
    # pyenv shim) that sets both.
    environment = f"#!{os.path.realpath(sys.executable)}\n" + BOOTSTRAP.split("\n", 1)[1].replace(
        '"handler": os.environ["_HANDLER"]',
        '"PWD": os.environ.get("PWD"), "SHLVL": os.environ.get("SHLVL"), "cwd": os.getcwd()')
    create(lam, "custom-env", code=zipped({"bootstrap": (environment, 0o755)}), runtime="provided.al2", handler="h")
    body = invoke(lam, "custom-env", {})["Body"]
    assert body["PWD"] is None and body["SHLVL"] is None
    # /var/task where the server may mount the code there, else the unpacked code's directory.
    assert body["cwd"] == "/var/task" or os.path.exists(os.path.join(body["cwd"], "bootstrap"))


NODE_HANDLER = """
export const handler = async (event, context) => {
  console.log("node got", JSON.stringify(event));
  if (event.fail) throw new TypeError("bad input");
  return { echo: event, requestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() > 0,
           nodePath: process.env.NODE_PATH, home: process.env.HOME ?? null,
           trace: process.env._X_AMZN_TRACE_ID ?? null };
};
"""


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js functions run where node is installed")
def test_nodejs_handler(lam):
    create(lam, "node-fn", code=zipped({"index.mjs": (NODE_HANDLER, 0o644)}), runtime="nodejs20.x",
           handler="index.handler")
    answer = invoke(lam, "node-fn", {"n": 3}, LogType="Tail")
    assert answer["Body"]["echo"] == {"n": 3} and answer["Body"]["remaining"] is True
    # NODE_PATH as AWS recorded it for nodejs20.x (the task root last), and no HOME.
    assert answer["Body"]["nodePath"].split(":")[:4] == [
        "/opt/nodejs/node20/node_modules", "/opt/nodejs/node_modules", "/var/runtime/node_modules", "/var/runtime"]
    assert answer["Body"]["home"] is None
    # The invocation's trace header, where AWS's Node.js client sets it.
    assert answer["Body"]["trace"].startswith("Root=1-")
    log = base64.b64decode(answer["LogResult"]).decode()
    assert f"\t{answer['Body']['requestId']}\tINFO\tnode got {{\"n\":3}}" in log
    failed = invoke(lam, "node-fn", {"fail": True})
    assert failed["FunctionError"] == "Unhandled"
    assert failed["Body"]["errorType"] == "TypeError" and failed["Body"]["errorMessage"] == "bad input"
    assert isinstance(failed["Body"]["trace"], list)


def test_custom_runtime_without_bootstrap(lam):
    create(lam, "no-bootstrap", code=zipped({"README": ("nothing here", 0o644)}), runtime="provided.al2023",
           handler="x")
    answer = invoke(lam, "no-bootstrap", {})
    # As AWS records it: the runtime cannot start, and exits with 127.
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Body"]["errorType"] == "Runtime.ExitError"
    assert answer["Body"]["errorMessage"].endswith("Runtime exited with error: exit status 127")


def test_dry_run_and_event_invocations(server, lam):
    create(lam, "async")
    assert lam.invoke(FunctionName="async", InvocationType="DryRun")["StatusCode"] == 204
    sqs = server.client("sqs")
    queue = sqs.create_queue(QueueName="from-lambda")["QueueUrl"]
    accepted = lam.invoke(FunctionName="async", InvocationType="Event", Payload=json.dumps({"queue": queue, "k": 7}))
    assert accepted["StatusCode"] == 202
    assert accepted["Payload"].read() == b""
    # The function's own SDK call (AWS_ENDPOINT_URL points at Switchyard) sends the event on.
    messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=20).get("Messages", [])
    assert json.loads(messages[0]["Body"])["k"] == 7


def test_update_code_and_configuration(lam):
    create(lam, "changing")
    updated = lam.update_function_configuration(FunctionName="changing", Timeout=10,
                                                Environment={"Variables": {"GREETING": "new"}})
    assert updated["Timeout"] == 10
    assert updated["State"] == "Active"
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["LastUpdateStatusReasonCode"] == "Creating"
    lam.get_waiter("function_updated_v2").wait(FunctionName="changing", WaiterConfig={"Delay": 0.2})
    assert invoke(lam, "changing", {})["Body"]["env"]["GREETING"] == "new"
    with pytest.raises(ClientError) as e:
        lam.update_function_code(FunctionName="changing", ZipFile=BOOTSTRAP_ZIP, RevisionId="not-the-revision")
    assert e.value.response["Error"]["Code"] == "PreconditionFailedException"
    other = zipped({"app.py": ("def handler(event, context):\n    return 'v2'\n", 0o644)})
    lam.update_function_code(FunctionName="changing", ZipFile=other)
    lam.get_waiter("function_updated_v2").wait(FunctionName="changing", WaiterConfig={"Delay": 0.2})
    assert invoke(lam, "changing", {})["Body"] == "v2"


def test_versions_and_aliases(lam):
    create(lam, "versioned")
    first = lam.publish_version(FunctionName="versioned", Description="first")
    assert first["Version"] == "1"
    # Published from a ready $LATEST, the version is ready at once (as AWS answers).
    assert (first["State"], first["LastUpdateStatus"]) == ("Active", "Successful")
    assert first["FunctionArn"].endswith(":versioned:1")
    # Publishing again without a change answers the same version.
    assert lam.publish_version(FunctionName="versioned")["Version"] == "1"
    lam.update_function_code(FunctionName="versioned",
                             ZipFile=zipped({"app.py": ("def handler(e, c):\n    return 'two'\n", 0o644)}))
    lam.get_waiter("function_updated_v2").wait(FunctionName="versioned", WaiterConfig={"Delay": 0.2})
    assert lam.publish_version(FunctionName="versioned")["Version"] == "2"
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName="versioned")["Versions"]]
    assert versions == ["$LATEST", "1", "2"]
    alias = lam.create_alias(FunctionName="versioned", Name="live", FunctionVersion="1")
    assert alias["AliasArn"].endswith(":versioned:live")
    answer = invoke(lam, "versioned", {"v": 1}, Qualifier="live")
    assert answer["ExecutedVersion"] == "1"
    assert answer["Body"]["version"] == "1"
    assert invoke(lam, "versioned:2", {})["Body"] == "two"
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName="versioned", Qualifier="9")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        lam.delete_function(FunctionName="versioned", Qualifier="1")
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    assert lam.get_function(FunctionName="versioned", Qualifier="live")["Configuration"]["FunctionArn"].endswith(
        ":versioned:live")
    listed = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert [f["FunctionArn"].rsplit(":", 1)[1] for f in listed] == ["$LATEST", "1", "2"]
    lam.delete_alias(FunctionName="versioned", Name="live")
    assert lam.delete_function(FunctionName="versioned", Qualifier="1")["ResponseMetadata"]["HTTPStatusCode"] == 204
    # Deleting a version that is not there succeeds.
    lam.delete_function(FunctionName="versioned", Qualifier="7")
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName="versioned")["Versions"]]
    assert versions == ["$LATEST", "2"]


def test_errors_as_lambda_words_them(lam):
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName="missing")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["Error"]["Message"] == f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:missing"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName="missing")
    assert e.value.response["Error"]["Message"] == (
        f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:missing:$LATEST")
    create(lam, "twice")
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="twice", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": PYTHON_ZIP})
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    assert e.value.response["Error"]["Message"] == "Function already exist: twice"
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="not-a-zip", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": b"plain text"})
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert e.value.response["Error"]["Message"] == (
        "Could not unzip uploaded file. Please check your file, then try to upload again.")
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="old", Runtime="python2.7", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": PYTHON_ZIP})
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "python2.7 is no longer supported" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="odd", Runtime="cobol85", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": PYTHON_ZIP})
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert e.value.response["Error"]["Message"].startswith(
        "Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [")
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName="twice", Payload=b"{not json")
    assert e.value.response["Error"]["Code"] == "InvalidRequestContentException"
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="badrole", Runtime="python3.12", Role="not-a-role", Handler="app.handler",
                            Code={"ZipFile": PYTHON_ZIP})
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_permissions_tags_and_listing(lam):
    create(lam, "guarded")
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:guarded"
    added = lam.add_permission(FunctionName="guarded", StatementId="s3-invoke", Action="lambda:InvokeFunction",
                               Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::my-bucket")
    statement = json.loads(added["Statement"])
    assert statement == {"Sid": "s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                         "Action": "lambda:InvokeFunction", "Resource": arn,
                         "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::my-bucket"}}}
    policy = json.loads(lam.get_policy(FunctionName="guarded")["Policy"])
    assert policy["Version"] == "2012-10-17" and policy["Statement"] == [statement]
    with pytest.raises(ClientError) as e:
        lam.add_permission(FunctionName="guarded", StatementId="s3-invoke", Action="lambda:InvokeFunction",
                           Principal="s3.amazonaws.com")
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    lam.remove_permission(FunctionName="guarded", StatementId="s3-invoke")
    with pytest.raises(ClientError) as e:
        lam.get_policy(FunctionName="guarded")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        lam.remove_permission(FunctionName="guarded", StatementId="gone")
    assert e.value.response["Error"]["Message"] == "No policy is associated with the given resource."
    with pytest.raises(ClientError) as e:
        lam.add_permission(FunctionName="guarded", StatementId="x", Action="lambda:InvokeFunction",
                           Principal="invalid.nonaws.com")
    assert e.value.response["Error"]["Message"] == (
        "The provided principal was invalid. Please check the principal and try again.")
    lam.tag_resource(Resource=arn, Tags={"a": "1", "b": "2"})
    lam.untag_resource(Resource=arn, TagKeys=["a"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"b": "2"}
    for name in ("list-b", "list-a"):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": PYTHON_ZIP})
    page = lam.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in page["Functions"]] == ["guarded", "list-a"]
    rest = lam.list_functions(Marker=page["NextMarker"])
    assert [f["FunctionName"] for f in rest["Functions"]] == ["list-b"]
    settings = lam.get_account_settings()
    assert settings["AccountUsage"]["FunctionCount"] == 3
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000


def test_cli_invoke_writes_the_payload(server, lam, tmp_path):
    create(lam, "cli-fn", code=BOOTSTRAP_ZIP, runtime="provided.al2023", handler="h")
    out = tmp_path / "out.json"
    result = aws(server, "lambda", "invoke", "--function-name", "cli-fn",
                 "--payload", '{"text": "cli"}', str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["StatusCode"] == 200
    assert json.loads(out.read_text()) == {"upper": "CLI", "handler": "h"}
    queued = aws(server, "lambda", "invoke", "--function-name", "cli-fn", "--invocation-type", "Event",
                 "--payload", '{"text": "later"}', str(tmp_path / "async.json"))
    assert queued.returncode == 0, queued.stderr
    assert json.loads(queued.stdout)["StatusCode"] == 202


def test_asynchronous_invocation_survives_kill9():
    """An Event invocation acknowledged with 202 is stored before the answer: a kill -9 while it
    runs loses nothing, and the invocation runs again after the restart (at least once)."""
    server = Server().start()
    try:
        lam = server.client("lambda")
        sqs = server.client("sqs")
        queue = sqs.create_queue(QueueName="after-crash")["QueueUrl"]
        create(lam, "durable")
        lam.invoke(FunctionName="durable", InvocationType="Event", Payload=json.dumps({"sleep": 3, "queue": queue}))
        time.sleep(1)
        server.kill9()
        server.start()
        messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=20).get("Messages", [])
        assert messages and json.loads(messages[0]["Body"])["queue"] == queue
    finally:
        server.stop()


BATCH_HANDLER = """
import json, os
import boto3

def handler(event, context):
    sqs = boto3.client("sqs")
    failures = []
    for record in event["Records"]:
        if "fail" in record["body"]:
            failures.append({"itemIdentifier": record["messageId"]})
        else:
            sqs.send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(record))
    return {"batchItemFailures": failures}
"""


def drain(sqs, queue, wait=5, expected=None):
    bodies = []
    deadline = time.time() + 30
    while time.time() < deadline:
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        if not messages and (expected is None or len(bodies) >= expected):
            break
    return bodies


def test_sqs_event_source_mapping_with_partial_batch_failures(server, lam):
    sqs = server.client("sqs")
    # Long enough for a cold start on a loaded machine: a batch that outlasts it is received again
    # (at least once), which this test does not look for.
    source = sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "6"})["QueueUrl"]
    seen = sqs.create_queue(QueueName="seen")["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "consumer", code=zipped({"app.py": (BATCH_HANDLER, 0o644)}), Timeout=30,
           Environment={"Variables": {"SEEN": seen}})
    mapping = lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="consumer", BatchSize=5,
                                              FunctionResponseTypes=["ReportBatchItemFailures"])
    assert mapping["State"] == "Creating"
    assert mapping["BatchSize"] == 5 and mapping["MaximumBatchingWindowInSeconds"] == 0
    assert mapping["FunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:consumer"
    assert mapping["EventSourceMappingArn"].endswith(":event-source-mapping:" + mapping["UUID"])
    assert mapping["StateTransitionReason"] == "USER_INITIATED"
    assert lam.get_event_source_mapping(UUID=mapping["UUID"])["State"] == "Enabled"
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="consumer")
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    assert mapping["UUID"] in e.value.response["Error"]["Message"]
    sqs.send_message(QueueUrl=source, MessageBody="ok-1",
                     MessageAttributes={"Author": {"DataType": "String", "StringValue": "me"}})
    for body in ("ok-2", "please fail", "ok-3"):
        sqs.send_message(QueueUrl=source, MessageBody=body)
    records = [json.loads(body) for body in drain(sqs, seen, expected=3)]
    assert sorted(r["body"] for r in records) == ["ok-1", "ok-2", "ok-3"]
    record = next(r for r in records if r["body"] == "ok-1")
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == source_arn
    assert record["awsRegion"] == "us-east-1"
    assert record["messageAttributes"]["Author"] == {
        "stringValue": "me", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    assert len(record["md5OfMessageAttributes"]) == 32
    assert set(record["attributes"]) >= {"ApproximateReceiveCount", "SentTimestamp", "SenderId",
                                         "ApproximateFirstReceiveTimestamp"}
    # Exactly the failed message stays on the queue: stop the mapping and look once it is visible again.
    disabled = lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    assert disabled["State"] == "Disabling"
    time.sleep(7)
    assert drain(sqs, source, wait=3) == ["please fail"]
    deleted = lam.delete_event_source_mapping(UUID=mapping["UUID"])
    assert deleted["State"] == "Deleting"
    with pytest.raises(ClientError) as e:
        lam.get_event_source_mapping(UUID=mapping["UUID"])
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_sqs_records_without_attributes_name_their_digest_only_when_batched(server, lam):
    # AWS's recordings: with no batching window the record of a message without attributes has no
    # md5OfMessageAttributes; gathered over a window it has a null one.
    sqs = server.client("sqs")
    seen = sqs.create_queue(QueueName="digest-seen")["QueueUrl"]
    create(lam, "digest-consumer", code=zipped({"app.py": (BATCH_HANDLER, 0o644)}), Timeout=30,
           Environment={"Variables": {"SEEN": seen}})
    for window in (0, 1):
        source = sqs.create_queue(QueueName=f"digest-source-{window}")["QueueUrl"]
        source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        mapping = lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="digest-consumer",
                                                  BatchSize=1, MaximumBatchingWindowInSeconds=window)
        sqs.send_message(QueueUrl=source, MessageBody=f"plain-{window}")
        [record] = [json.loads(body) for body in drain(sqs, seen, expected=1)]
        assert record["body"] == f"plain-{window}" and record["messageAttributes"] == {}
        if window:
            assert "md5OfMessageAttributes" in record and record["md5OfMessageAttributes"] is None
        else:
            assert "md5OfMessageAttributes" not in record
        lam.delete_event_source_mapping(UUID=mapping["UUID"])


def test_event_source_mapping_filters_and_checks(server, lam):
    sqs = server.client("sqs")
    source = sqs.create_queue(QueueName="filtered")["QueueUrl"]
    seen = sqs.create_queue(QueueName="seen-filtered")["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "picky", code=zipped({"app.py": (BATCH_HANDLER, 0o644)}), Environment={"Variables": {"SEEN": seen}})
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="picky", BatchSize=50)
    assert e.value.response["Error"]["Message"] == (
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(EventSourceArn=source_arn + "-missing", FunctionName="picky")
    assert "AWS.SimpleQueueService.NonExistentQueue" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="nobody")
    assert e.value.response["Error"]["Message"] == "Function does not exist"
    lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="picky",
                                    FilterCriteria={"Filters": [{"Pattern": '{"body": {"kind": ["order"]}}'}]})
    sqs.send_message(QueueUrl=source, MessageBody=json.dumps({"kind": "noise"}))
    sqs.send_message(QueueUrl=source, MessageBody=json.dumps({"kind": "order", "n": 1}))
    records = [json.loads(body) for body in drain(sqs, seen, expected=1)]
    assert [json.loads(r["body"]) for r in records] == [{"kind": "order", "n": 1}]
    # The record that matched no filter is deleted without an invocation, as on AWS.
    time.sleep(1)
    attributes = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
    mapping = lam.list_event_source_mappings(FunctionName="picky")["EventSourceMappings"]
    assert len(mapping) == 1
    lam.tag_resource(Resource=mapping[0]["EventSourceMappingArn"], Tags={"team": "a"})
    assert lam.list_tags(Resource=mapping[0]["EventSourceMappingArn"])["Tags"] == {"team": "a"}


FORWARD_HANDLER = """
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(event))
"""


def test_functions_as_targets_of_sns_eventbridge_and_s3(server, lam):
    """Every producer reaches functions through the delivery engine, with the event AWS gives them."""
    sqs = server.client("sqs")
    seen = sqs.create_queue(QueueName="forwarded")["QueueUrl"]
    function_arn = create(lam, "forwarder", code=zipped({"app.py": (FORWARD_HANDLER, 0o644)}),
                          Environment={"Variables": {"SEEN": seen}})["FunctionArn"]
    sns = server.client("sns")
    topic = sns.create_topic(Name="to-lambda")["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="hello", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    event = json.loads(drain(sqs, seen, expected=1)[0])
    record = event["Records"][0]
    assert record["EventSource"] == "aws:sns" and record["EventVersion"] == "1.0"
    assert record["EventSubscriptionArn"] == subscription
    assert record["Sns"]["Message"] == "hello" and record["Sns"]["Subject"] is None
    assert record["Sns"]["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
    assert {"SigningCertUrl", "UnsubscribeUrl", "Signature", "Timestamp"} <= set(record["Sns"])

    events = server.client("events")
    events.put_rule(Name="to-lambda", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="to-lambda", Targets=[{"Id": "fn", "Arn": function_arn}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": json.dumps({"total": 3})}])
    event = json.loads(drain(sqs, seen, expected=1)[0])
    assert event["source"] == "shop" and event["detail"] == {"total": 3}

    s3 = server.client("s3")
    s3.create_bucket(Bucket="uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket="uploads", Key="a.txt", Body=b"x")
    bodies = [json.loads(b) for b in drain(sqs, seen, expected=1)]
    records = [r for body in bodies for r in body.get("Records", []) if r.get("eventSource") == "aws:s3"]
    assert records[0]["s3"]["object"]["key"] == "a.txt"
    assert records[0]["eventName"] == "ObjectCreated:Put"


def test_lambda_answers_as_aws_recorded(lam):
    """Differences the AWS-validated suites showed, each as AWS recorded it."""
    published = lam.create_function(FunctionName="pub", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                    Code={"ZipFile": PYTHON_ZIP}, Publish=True)
    # Published at creation: version 1, answered under the unqualified ARN, and Active once ready.
    assert published["Version"] == "1"
    assert published["FunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:pub"
    lam.get_waiter("function_active_v2").wait(FunctionName="pub", WaiterConfig={"Delay": 0.2})
    deadline = time.time() + 10
    while lam.get_function(FunctionName="pub", Qualifier="1")["Configuration"]["State"] != "Active":
        assert time.time() < deadline
        time.sleep(0.1)
    assert invoke(lam, "pub", {"v": 1}, Qualifier="1")["ExecutedVersion"] == "1"
    # Publishing with nothing changed answers version 1 again; a changed description makes version 2.
    assert lam.publish_version(FunctionName="pub", Description="ignored")["Version"] == "1"
    lam.update_function_configuration(FunctionName="pub", Description="changed")
    lam.get_waiter("function_updated_v2").wait(FunctionName="pub", WaiterConfig={"Delay": 0.2})
    before = lam.get_function(FunctionName="pub")["Configuration"]["RevisionId"]
    assert lam.publish_version(FunctionName="pub")["Version"] == "2"
    assert lam.get_function(FunctionName="pub")["Configuration"]["RevisionId"] != before
    latest = lam.get_function(FunctionName="pub", Qualifier="$LATEST")["Configuration"]
    assert latest["FunctionArn"].endswith(":function:pub:$LATEST")
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName="pub", Qualifier="9")
    assert e.value.response["Error"]["Message"].endswith(":function:pub:9")
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName=f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:pub")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["Error"]["Message"] == (
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')")
    with pytest.raises(ClientError) as e:
        lam.delete_function(FunctionName="missing-too", Qualifier="$LATEST")
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"
    # The invocation's request id is the Invoke request's, and an alias is what the function sees.
    lam.create_alias(FunctionName="pub", Name="live", FunctionVersion="1")
    answer = invoke(lam, "pub", {}, Qualifier="live")
    assert answer["Body"]["request"] == answer["ResponseMetadata"]["RequestId"]
    assert answer["Body"]["arn"].endswith(":function:pub:live")
    # Statements keep AWS's member order; each version has a policy of its own.
    statement = lam.add_permission(FunctionName="pub", StatementId="s", Action="lambda:InvokeFunction",
                                   Principal="sns.amazonaws.com")["Statement"]
    assert list(json.loads(statement)) == ["Sid", "Effect", "Principal", "Action", "Resource"]
    lam.add_permission(FunctionName="pub", Qualifier="1", StatementId="s", Action="lambda:InvokeFunction",
                       Principal="sns.amazonaws.com")
    # JSON logs get the default levels.
    configured = lam.update_function_configuration(FunctionName="pub", LoggingConfig={"LogFormat": "JSON"})
    assert configured["LoggingConfig"]["ApplicationLogLevel"] == "INFO"
    assert configured["LoggingConfig"]["SystemLogLevel"] == "INFO"
    lam.get_waiter("function_updated_v2").wait(FunctionName="pub", WaiterConfig={"Delay": 0.2})
    # Reserved concurrency 0 throttles.
    lam.put_function_concurrency(FunctionName="pub", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName="pub", Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert e.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    with pytest.raises(ClientError) as e:
        lam.put_function_concurrency(FunctionName="pub:1", ReservedConcurrentExecutions=1)
    assert e.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_code_from_s3(server, lam):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="fn.zip", Body=BOOTSTRAP_ZIP)
    created = lam.create_function(FunctionName="from-s3", Runtime="provided.al2023", Role=ROLE, Handler="h",
                                  Code={"S3Bucket": "code", "S3Key": "fn.zip"})
    import hashlib
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(BOOTSTRAP_ZIP).digest()).decode()
    lam.get_waiter("function_active_v2").wait(FunctionName="from-s3", WaiterConfig={"Delay": 0.2})
    assert invoke(lam, "from-s3", {"text": "s3"})["Body"]["upper"] == "S3"
    with pytest.raises(ClientError) as e:
        lam.update_function_code(FunctionName="from-s3", S3Bucket="code", S3Key="missing.zip")
    assert e.value.response["Error"]["Message"] == (
        "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="no-bucket", Runtime="provided.al2023", Role=ROLE, Handler="h",
                            Code={"S3Bucket": "nothing-here", "S3Key": "fn.zip"})
    assert e.value.response["Error"]["Message"] == (
        "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist")


def test_asynchronous_invocation_destinations(server, lam):
    sqs = server.client("sqs")
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("succeeded", "failed")}
    arns = {name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            for name, url in urls.items()}
    function_arn = create(lam, "destined")["FunctionArn"]
    with pytest.raises(ClientError) as e:
        lam.get_function_event_invoke_config(FunctionName="destined")
    assert e.value.response["Error"]["Message"] == (
        f"The function {function_arn}:$LATEST doesn't have an EventInvokeConfig")
    config = lam.put_function_event_invoke_config(
        FunctionName="destined", MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": arns["succeeded"]},
                           "OnFailure": {"Destination": arns["failed"]}})
    assert config["FunctionArn"] == function_arn + ":$LATEST" and config["MaximumRetryAttempts"] == 0
    with pytest.raises(ClientError) as e:
        lam.put_function_event_invoke_config(
            FunctionName="destined", DestinationConfig={"OnFailure": {"Destination": function_arn + "-missing"}})
    assert e.value.response["Error"]["Message"] == f"The destination ARN {function_arn}-missing is invalid."
    with pytest.raises(ClientError) as e:
        lam.put_function_event_invoke_config(
            FunctionName="destined", DestinationConfig={"OnSuccess": {"Destination": function_arn}})
    assert e.value.response["Error"]["Message"] == "You can't specify the function as a destination for itself."
    accepted = lam.invoke(FunctionName="destined", InvocationType="Event", Payload=json.dumps({"ok": 1}))
    record = json.loads(drain(sqs, urls["succeeded"], expected=1)[0])
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["requestId"] == accepted["ResponseMetadata"]["RequestId"]
    assert record["requestPayload"] == {"ok": 1} and record["responsePayload"]["echo"] == {"ok": 1}
    # An unqualified invocation is recorded as $LATEST's.
    assert record["requestContext"]["functionArn"] == function_arn + ":$LATEST"
    lam.invoke(FunctionName="destined", InvocationType="Event", Payload=json.dumps({"fail": True}))
    record = json.loads(drain(sqs, urls["failed"], expected=1)[0])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["requestContext"]["functionArn"] == function_arn + ":$LATEST"
    assert record["requestPayload"] == {"fail": True}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    # The failed attempt's error document is the record's response payload.
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["responsePayload"]["errorMessage"] == "it went wrong"
    assert [c["FunctionArn"] for c in lam.list_function_event_invoke_configs(
        FunctionName="destined")["FunctionEventInvokeConfigs"]] == [function_arn + ":$LATEST"]
    lam.delete_function_event_invoke_config(FunctionName="destined")


def test_failure_records_name_the_event_age_and_zero_reserved_concurrency(server, lam):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="failures")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "aging")
    # The first retry would come a minute after the failure, past the maximum event age of 60 s:
    # Lambda gives up at once.
    lam.put_function_event_invoke_config(FunctionName="aging", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60,
                                         DestinationConfig={"OnFailure": {"Destination": arn}})
    lam.invoke(FunctionName="aging", InvocationType="Event", Payload=json.dumps({"fail": True}))
    record = json.loads(drain(sqs, url, expected=1)[0])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responsePayload"]["errorMessage"] == "it went wrong"
    # Reserved concurrency 0: the invocation is accepted and goes to the destination without running.
    lam.put_function_concurrency(FunctionName="aging", ReservedConcurrentExecutions=0)
    accepted = lam.invoke(FunctionName="aging", InvocationType="Event", Payload=json.dumps({"ok": 1}))
    assert accepted["StatusCode"] == 202
    record = json.loads(drain(sqs, url, expected=1)[0])
    assert record["requestContext"]["condition"] == "ZeroReservedConcurrency"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["requestContext"]["requestId"] == accepted["ResponseMetadata"]["RequestId"]
    assert record["requestPayload"] == {"ok": 1}
    assert "responseContext" not in record and "responsePayload" not in record


def test_eventbridge_invokes_asynchronously_so_the_functions_config_handles_errors(server, lam):
    """EventBridge hands the event to Lambda (a function that runs and fails is a delivery made): the
    function's retries and on-failure destination apply, and the rule target's dead-letter queue,
    which is for events EventBridge could not deliver, gets nothing."""
    sqs, events = server.client("sqs"), server.client("events")
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("function-failed", "rule-dlq")}
    arns = {name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            for name, url in urls.items()}
    refusing = "def handler(event, context):\n    raise RuntimeError('refused')\n"
    function_arn = create(lam, "fails-on-events", code=zipped({"app.py": (refusing, 0o644)}))["FunctionArn"]
    lam.put_function_event_invoke_config(
        FunctionName="fails-on-events", MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": arns["function-failed"]}})
    events.put_rule(Name="failing", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="failing", Targets=[{
        "Id": "fn", "Arn": function_arn, "DeadLetterConfig": {"Arn": arns["rule-dlq"]},
        "RetryPolicy": {"MaximumRetryAttempts": 0}}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": json.dumps({"fail": True})}])
    record = json.loads(drain(sqs, urls["function-failed"], expected=1)[0])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"]["detail"] == {"fail": True}
    assert drain(sqs, urls["rule-dlq"], wait=1) == []

    # A function that does not exist is EventBridge's failure: its dead-letter queue gets the event.
    events.put_targets(Rule="failing", Targets=[{
        "Id": "fn", "Arn": function_arn + "-gone", "DeadLetterConfig": {"Arn": arns["rule-dlq"]},
        "RetryPolicy": {"MaximumRetryAttempts": 0}}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": json.dumps({"n": 2})}])
    assert json.loads(drain(sqs, urls["rule-dlq"], expected=1)[0])["detail"] == {"n": 2}


TRACE_HANDLER = """
import json, os
import boto3

def handler(event, context):
    seen = os.environ.get("SEEN")
    trace = os.environ.get("_X_AMZN_TRACE_ID")
    if seen:
        boto3.client("sqs").send_message(QueueUrl=seen, MessageBody=json.dumps({"trace": trace}))
    return {"trace": trace}
"""


def test_every_invocation_has_a_trace_header_and_eventbridge_passes_the_callers_on(server, lam):
    """Lambda passes the caller's X-Ray header on as `_X_AMZN_TRACE_ID`, and starts a trace of its own
    (not sampled) for an invocation that came without one; PutEvents' X-Amzn-Trace-Id header travels
    with the event to the rule's function."""
    sqs, events = server.client("sqs"), server.client("events")
    seen = sqs.create_queue(QueueName="traces")["QueueUrl"]
    function_arn = create(lam, "traced", code=zipped({"app.py": (TRACE_HANDLER, 0o644)}))["FunctionArn"]
    first, second = (invoke(lam, "traced", {})["Body"]["trace"] for _ in range(2))
    for trace in (first, second):
        assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0", trace)
    assert first.split(";")[0] != second.split(";")[0]

    header = "Root=1-67f4141f-e1cd7672871da115129f8b19;Parent=d0ee9531727135a0;Sampled=1"

    def add_header(request, **_):
        request.headers["X-Amzn-Trace-Id"] = header

    lam.meta.events.register("before-send.lambda.Invoke", add_header)
    assert invoke(lam, "traced", {})["Body"]["trace"] == header
    lam.meta.events.unregister("before-send.lambda.Invoke", add_header)

    lam.update_function_configuration(FunctionName="traced", Environment={"Variables": {"SEEN": seen}})
    lam.get_waiter("function_updated_v2").wait(FunctionName="traced", WaiterConfig={"Delay": 0.2})
    events.put_rule(Name="traced", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="traced", Targets=[{"Id": "fn", "Arn": function_arn}])
    events.meta.events.register("before-send.events.PutEvents", add_header)
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": "{}"}])
    trace = json.loads(drain(sqs, seen, expected=1)[0])["trace"]
    assert trace.split(";")[0] == "Root=1-67f4141f-e1cd7672871da115129f8b19"

    # An SQS message's AWSTraceHeader: the event record shows it, and the invocation continues it.
    source = sqs.create_queue(QueueName="traced-source")["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam.create_event_source_mapping(FunctionName="traced", EventSourceArn=source_arn, BatchSize=1)
    other = "Root=1-67f41420-0123456789abcdef01234567;Parent=1111111111111111;Sampled=1"
    sqs.send_message(QueueUrl=source, MessageBody="m",
                     MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": other}})
    assert json.loads(drain(sqs, seen, expected=1)[0])["trace"] == other


URL_HANDLER = """
import json

def handler(event, context):
    if event["rawPath"] == "/plain":
        return {"just": "json"}
    if event["rawPath"] == "/text":
        return "hello"
    if event["rawPath"] == "/teapot":
        return {"statusCode": "418", "body": "i'm a teapot"}
    if event["rawPath"] == "/object":
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": {"method": event["requestContext"]["http"]["method"], "n": [1, 2]}}
    return {"statusCode": 201, "headers": {"x-answer": "yes"}, "cookies": ["a=1"], "body": json.dumps(event)}
"""


def test_function_urls(server, lam):
    create(lam, "web", code=zipped({"app.py": (URL_HANDLER, 0o644)}))
    created = lam.create_function_url_config(FunctionName="web", AuthType="NONE",
                                             Cors={"AllowOrigins": ["https://example.com"]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:web"
    url = created["FunctionUrl"]
    assert ".lambda-url.us-east-1.localhost:" in url and url.endswith("/")
    with pytest.raises(ClientError) as e:
        lam.create_function_url_config(FunctionName="web", AuthType="NONE")
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    assert lam.get_function_url_config(FunctionName="web")["InvokeMode"] == "BUFFERED"
    host = url.split("//", 1)[1].rstrip("/")
    request = urllib.request.Request(server.endpoint + "/orders/7?x=1&y=2", data=b'{"n": 1}', method="POST",
                                     headers={"Host": host, "Content-Type": "application/json",
                                              "Cookie": "c=3", "Origin": "https://example.com"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 201
        assert answer.headers["x-answer"] == "yes" and answer.headers["Set-Cookie"] == "a=1"
        assert answer.headers["Access-Control-Allow-Origin"] == "https://example.com"
        event = json.loads(answer.read())
    assert event["version"] == "2.0" and event["rawPath"] == "/orders/7" and event["rawQueryString"] == "x=1&y=2"
    assert event["queryStringParameters"] == {"x": "1", "y": "2"} and event["cookies"] == ["c=3"]
    assert event["requestContext"]["http"]["method"] == "POST" and event["body"] == '{"n": 1}'
    assert event["isBase64Encoded"] is False
    # What Lambda's front end adds to the request's headers, and not the connection's own.
    headers = event["headers"]
    assert headers["x-forwarded-for"] == "127.0.0.1" == event["requestContext"]["http"]["sourceIp"]
    assert headers["x-forwarded-proto"] == "http" and headers["x-forwarded-port"] == host.rsplit(":", 1)[1]
    assert headers["x-amzn-trace-id"].startswith("Root=1-") and "connection" not in headers
    # The context's path is decoded; the raw path is as sent.
    encoded = urllib.request.Request(server.endpoint + "/a%20b/%25x", headers={"Host": host})
    with urllib.request.urlopen(encoded, timeout=30) as answer:
        event = json.loads(answer.read())
    assert event["rawPath"] == "/a%20b/%25x" and event["requestContext"]["http"]["path"] == "/a b/%x"
    # A body that is not a string is written as JSON.
    with urllib.request.urlopen(urllib.request.Request(server.endpoint + "/object", headers={"Host": host})) as answer:
        assert json.loads(answer.read()) == {"method": "GET", "n": [1, 2]}
    plain = urllib.request.Request(server.endpoint + "/plain", headers={"Host": host})
    with urllib.request.urlopen(plain, timeout=30) as answer:
        # Other answers are the body, JSON written compactly, a string as itself.
        assert answer.status == 200 and answer.read() == b'{"just":"json"}'
    with urllib.request.urlopen(urllib.request.Request(server.endpoint + "/text", headers={"Host": host})) as answer:
        assert answer.read() == b"hello"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(server.endpoint + "/teapot", headers={"Host": host}))
    assert e.value.code == 418 and e.value.read() == b"i'm a teapot"
    lam.delete_function_url_config(FunctionName="web")
    with pytest.raises(ClientError) as e:
        lam.get_function_url_config(FunctionName="web")
    assert e.value.response["Error"]["Message"] == "The resource you requested does not exist."


def test_function_url_errors_as_aws_answers_them(server, lam):
    create(lam, "failing", code=zipped({"app.py": ("def handler(event, context):\n    raise ValueError('no')\n", 0o644)}))
    lam.get_waiter("function_active_v2").wait(FunctionName="failing", WaiterConfig={"Delay": 0.2})
    version = lam.publish_version(FunctionName="failing")["Version"]
    lam.create_alias(FunctionName="failing", Name="live", FunctionVersion=version)
    latest = lam.create_function_url_config(FunctionName="failing", AuthType="NONE")["FunctionUrl"]
    aliased = lam.create_function_url_config(FunctionName="failing", Qualifier="live", AuthType="NONE")["FunctionUrl"]

    def call(url, body):
        host = url.split("//", 1)[1].rstrip("/")
        request = urllib.request.Request(server.endpoint + "/", data=body, method="POST", headers={"Host": host})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(request, timeout=30)
        return e.value

    # A function error is a bare 502 "Internal Server Error".
    failed = call(latest, b"{}")
    assert failed.code == 502 and failed.read() == b"Internal Server Error"
    # The URL of a deleted alias stays, and refuses requests.
    lam.delete_alias(FunctionName="failing", Name="live")
    refused = call(aliased, b"{}")
    assert refused.code == 403 and refused.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert json.loads(refused.read())["Message"].startswith("Forbidden.")
    # A URL id no function has is refused the same way, without a message (AWS's recording).
    unknown = call("http://0123456789abcdefghijklmnopqrstuv.lambda-url.us-east-1.localhost/", b"{}")
    assert unknown.code == 403 and unknown.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert unknown.headers["Content-Type"] == "application/json" and unknown.read() == b'{"Message":null}'


def test_layers(lam):
    layer_zip = zipped({"python/greeting.py": ("def greet():\n    return 'hello from a layer'\n", 0o644)})
    first = lam.publish_layer_version(LayerName="shared", Content={"ZipFile": layer_zip},
                                      CompatibleRuntimes=["python3.12"], Description="greetings")
    assert first["Version"] == 1
    assert first["LayerVersionArn"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:shared:1"
    assert first["Content"]["CodeSize"] == len(layer_zip)
    second = lam.publish_layer_version(LayerName="shared", Content={"ZipFile": layer_zip})
    assert second["Version"] == 2
    assert [v["Version"] for v in lam.list_layer_versions(LayerName="shared")["LayerVersions"]] == [2, 1]
    assert lam.list_layers()["Layers"][0]["LatestMatchingVersion"]["Version"] == 2
    assert lam.get_layer_version_by_arn(Arn=first["LayerVersionArn"])["Description"] == "greetings"
    handler = "import greeting\n\ndef handler(event, context):\n    return greeting.greet()\n"
    created = create(lam, "layered", code=zipped({"app.py": (handler, 0o644)}), Layers=[first["LayerVersionArn"]])
    assert created["Layers"] == [{"Arn": first["LayerVersionArn"], "CodeSize": len(layer_zip)}]
    assert invoke(lam, "layered", {})["Body"] == "hello from a layer"
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName="layered",
                                          Layers=[first["LayerVersionArn"], second["LayerVersionArn"]])
    assert "are versions of the same layer" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName="layered", Layers=[first["LayerVersionArn"][:-1] + "9"])
    assert e.value.response["Error"]["Message"] == (
        f"Layer version arn:aws:lambda:us-east-1:{ACCOUNT}:layer:shared:9 does not exist.")
    lam.delete_layer_version(LayerName="shared", VersionNumber=2)
    with pytest.raises(ClientError) as e:
        lam.get_layer_version(LayerName="shared", VersionNumber=2)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_layers_named_by_arn_and_shared_with_another_account(server, lam):
    # LayerName is "the name or Amazon Resource Name (ARN) of the layer". Another account may read a
    # version (GetLayerVersion, GetLayerVersionByArn, a function's Layers) only as the version's
    # policy grants it lambda:GetLayerVersion; the owner's other operations stay the owner's.
    layer_zip = zipped({"python/shared_greeting.py": ("def greet():\n    return 'shared'\n", 0o644)})
    arn = lam.publish_layer_version(LayerName="by-arn", Content={"ZipFile": layer_zip})["LayerArn"]
    assert arn == f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:by-arn"
    assert lam.get_layer_version(LayerName=arn, VersionNumber=1)["LayerVersionArn"] == arn + ":1"
    assert lam.publish_layer_version(LayerName=arn, Content={"ZipFile": layer_zip})["Version"] == 2
    assert [v["Version"] for v in lam.list_layer_versions(LayerName=arn)["LayerVersions"]] == [2, 1]

    other = server.client("lambda", access_key="111111111111")
    for call in (lambda: other.get_layer_version(LayerName=arn, VersionNumber=1),
                 lambda: other.get_layer_version_by_arn(Arn=arn + ":1")):
        assert refusal(call) == ("AccessDeniedException", "")
    added = lam.add_layer_version_permission(LayerName=arn, VersionNumber=1, StatementId="other",
                                             Action="lambda:GetLayerVersion", Principal="111111111111")
    assert json.loads(added["Statement"])["Resource"] == arn + ":1"
    assert other.get_layer_version(LayerName=arn, VersionNumber=1)["LayerVersionArn"] == arn + ":1"
    assert other.get_layer_version_by_arn(Arn=arn + ":1")["Version"] == 1
    # Version 2 grants nothing; the policy and the listing are the owner's alone.
    assert refusal(other.get_layer_version, LayerName=arn, VersionNumber=2) == ("AccessDeniedException", "")
    assert refusal(other.get_layer_version_policy, LayerName=arn, VersionNumber=1) == (
        "AccessDeniedException", "")
    assert refusal(other.list_layer_versions, LayerName=arn) == ("AccessDeniedException", "")
    # The other account's function runs with the shared version.
    handler = "import shared_greeting\n\ndef handler(event, context):\n    return shared_greeting.greet()\n"
    create(other, "uses-shared", code=zipped({"app.py": (handler, 0o644)}), Layers=[arn + ":1"])
    assert invoke(other, "uses-shared", {})["Body"] == "shared"
    assert refusal(other.update_function_configuration, FunctionName="uses-shared",
                   Layers=[arn + ":2"]) == ("AccessDeniedException", "")


ROLE_SESSION = """
import boto3
def handler(event, context):
    return boto3.client("sts").get_caller_identity()["Arn"]
"""


def test_a_one_character_function_acts_in_a_session_named_with_at_lambda_function(lam):
    # A role session name has at least two characters: AWS's recordings show the session of a
    # function named with one letter as "<letter>@lambda_function", longer names as themselves.
    code = zipped({"app.py": (ROLE_SESSION, 0o644)})
    for name, session in (("u", "u@lambda_function"), ("zz", "zz")):
        create(lam, name, code=code)
        arn = invoke(lam, name, {})["Body"]
        assert arn.startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/") and arn.endswith("/" + session)


def private_mounts_allowed():
    import subprocess
    if not shutil.which("unshare"):
        return False
    extra = [] if os.getuid() == 0 else ["--map-root-user"]
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", *extra, "--", "sh", "-c",
                            'mount --bind "$0" /opt', "/tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not private_mounts_allowed(), reason="this machine gives processes no mount namespace")
def test_layers_are_merged_under_opt(lam):
    base = lam.publish_layer_version(LayerName="base", Content={"ZipFile": zipped({
        "config/settings.json": ('{"from": "base"}', 0o644), "config/base-only.txt": ("base", 0o644)})})
    override = lam.publish_layer_version(LayerName="override", Content={"ZipFile": zipped({
        "config/settings.json": ('{"from": "override"}', 0o644), "bin/tool": ("#!/bin/sh\necho tool\n", 0o755)})})
    handler = (
        "import json, os, subprocess\n\n"
        "def handler(event, context):\n"
        "    return {'settings': json.load(open('/opt/config/settings.json')),\n"
        "            'base': open('/opt/config/base-only.txt').read(),\n"
        "            'tool': subprocess.run(['/opt/bin/tool'], capture_output=True, text=True).stdout.strip()}\n")
    create(lam, "opt-reader", code=zipped({"app.py": (handler, 0o644)}),
           Layers=[base["LayerVersionArn"], override["LayerVersionArn"]])
    assert invoke(lam, "opt-reader", {})["Body"] == {
        "settings": {"from": "override"}, "base": "base", "tool": "tool"}


@pytest.mark.skipif(not private_mounts_allowed() or os.geteuid() != 0,
                    reason="/var/task needs a mount namespace and a server that may create the mount point")
def test_the_code_is_at_var_task_as_on_aws(lam):
    # AWS unpacks the code at /var/task: the working directory, LAMBDA_TASK_ROOT, module paths and
    # so the stack traces of error documents name it, and code may open files there by that path.
    handler = (
        "import os\n\n"
        "def handler(event, context):\n"
        "    if event.get('fail'):\n"
        "        raise RuntimeError('it failed')\n"
        "    names = ('PWD', 'OLDPWD', 'HOME', 'SHLVL', 'PYTHONPATH', 'LAMBDA_RUNTIME_DIR', 'PYTHONUNBUFFERED')\n"
        "    return {'cwd': os.getcwd(), 'root': os.environ['LAMBDA_TASK_ROOT'], 'file': __file__,\n"
        "            'data': open('/var/task/data.txt').read(),\n"
        "            'environment': {name: os.environ.get(name) for name in names}}\n")
    create(lam, "task-root", code=zipped({"app.py": (handler, 0o644), "data.txt": ("packaged", 0o644)}))
    # The environment as AWS recorded it for Python: no HOME, no OLDPWD, shell level 0, the
    # runtime's directory as PYTHONPATH and LAMBDA_RUNTIME_DIR.
    assert invoke(lam, "task-root", {})["Body"] == {
        "cwd": "/var/task", "root": "/var/task", "file": "/var/task/app.py", "data": "packaged",
        "environment": {"PWD": "/var/task", "OLDPWD": None, "HOME": None, "SHLVL": "0", "PYTHONPATH": "/var/runtime",
                        "LAMBDA_RUNTIME_DIR": "/var/runtime", "PYTHONUNBUFFERED": None}}
    error = invoke(lam, "task-root", {"fail": True})["Body"]
    assert error["stackTrace"][0].startswith('  File "/var/task/app.py", line 5, in handler')


def test_invoke_with_response_stream(lam):
    create(lam, "streamed")
    answer = lam.invoke_with_response_stream(FunctionName="streamed", Payload=json.dumps({"s": 1}), LogType="Tail")
    assert answer["StatusCode"] == 200 and answer["ExecutedVersion"] == "$LATEST"
    chunks, complete = b"", None
    for event in answer["EventStream"]:
        if "PayloadChunk" in event:
            chunks += event["PayloadChunk"]["Payload"]
        if "InvokeComplete" in event:
            complete = event["InvokeComplete"]
    assert json.loads(chunks)["echo"] == {"s": 1}
    assert "ErrorCode" not in complete and "START RequestId" in base64.b64decode(complete["LogResult"]).decode()
    failed = lam.invoke_with_response_stream(FunctionName="streamed", Payload=json.dumps({"fail": True}))
    complete = [e["InvokeComplete"] for e in failed["EventStream"] if "InvokeComplete" in e][0]
    assert complete["ErrorCode"] == "ValueError" and "it went wrong" in complete["ErrorDetails"]


def test_validation_in_lambdas_words(lam):
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="arch", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": PYTHON_ZIP}, Architectures=["x86_64", "arm64"])
    assert e.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: "
        "Member must have length less than or equal to 1")
    create(lam, "weighted")
    lam.publish_version(FunctionName="weighted")
    with pytest.raises(ClientError) as e:
        lam.create_alias(FunctionName="weighted", Name="a", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 2.0}})
    assert e.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to "
        "satisfy constraint: Map value must satisfy constraint:")


def test_other_accounts_need_the_functions_policy(server, lam):
    create(lam, "shared-fn")
    other = server.client("lambda", access_key="111111111111")
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:shared-fn"
    with pytest.raises(ClientError) as e:
        other.get_function(FunctionName=arn)
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"
    lam.add_permission(FunctionName="shared-fn", StatementId="other", Action="lambda:*", Principal="111111111111")
    assert other.get_function(FunctionName=arn)["Configuration"]["FunctionName"] == "shared-fn"
    assert json.loads(other.invoke(FunctionName=arn, Payload=b'{"x": 1}')["Payload"].read())["echo"] == {"x": 1}


def test_name_patterns_as_aws_quotes_them(lam):
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName="my-function!")
    message = e.value.response["Error"]["Message"]
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert ":lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-" in message
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function")
    assert e.value.response["Error"]["Message"] == (
        f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:function")


def test_memory_size_is_enforced(lam):
    hungry = "import time\n\ndef handler(event, context):\n    block = bytearray(300 * 1024 * 1024)\n    time.sleep(1)\n    return len(block)\n"
    create(lam, "hungry", code=zipped({"app.py": (hungry, 0o644)}), MemorySize=128, Timeout=10)
    answer = invoke(lam, "hungry", {})
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Body"]["errorType"] == "Runtime.OutOfMemory"
    assert answer["Body"]["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")


def test_recursion_config_and_policy_revisions(lam):
    create(lam, "recursive")
    assert lam.get_function_recursion_config(FunctionName="recursive")["RecursiveLoop"] == "Terminate"
    assert lam.put_function_recursion_config(FunctionName="recursive", RecursiveLoop="Allow")["RecursiveLoop"] == "Allow"
    assert lam.get_function_recursion_config(FunctionName="recursive")["RecursiveLoop"] == "Allow"
    lam.publish_version(FunctionName="recursive")
    alias = lam.create_alias(FunctionName="recursive", Name="live", FunctionVersion="1")
    # A policy change on an alias may name the alias's revision.
    lam.add_permission(FunctionName="recursive", Qualifier="live", StatementId="s", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", RevisionId=alias["RevisionId"])


def test_throttled_event_invocation_waits_for_capacity(server, lam):
    # A throttled asynchronous invocation goes back to the queue and is tried again, backing off
    # from a second, without spending the function's retry attempts (here none).
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="after-throttle")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create(lam, "throttled", Timeout=30)
    lam.put_function_event_invoke_config(FunctionName="throttled", MaximumRetryAttempts=0,
                                         DestinationConfig={"OnSuccess": {"Destination": arn}})
    # Its one environment is busy for four seconds: the event waits for it.
    lam.put_function_concurrency(FunctionName="throttled", ReservedConcurrentExecutions=1)
    busy = threading.Thread(target=lambda: lam.invoke(FunctionName="throttled", Payload=json.dumps({"sleep": 4})))
    busy.start()
    time.sleep(1)
    lam.invoke(FunctionName="throttled", InvocationType="Event", Payload=json.dumps({"n": 1}))
    time.sleep(1.5)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages") is None
    busy.join()
    record = json.loads(drain(sqs, url, expected=1)[0])
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestPayload"] == {"n": 1}


def test_missing_things_in_the_words_aws_answers_them(server, lam):
    """Each operation names what is missing as AWS recorded it (LocalStack's AWS-validated suite)."""
    missing = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:nowhere"
    # Reserved concurrency names the missing function with its $LATEST qualifier.
    assert refusal(lam.put_function_concurrency, FunctionName="nowhere", ReservedConcurrentExecutions=1) == (
        "ResourceNotFoundException", f"Function not found: {missing}:$LATEST")
    # Event invoke configs: Put, Update and List say the function does not exist; Get and Delete
    # that it has no config.
    for call in (lam.put_function_event_invoke_config, lam.update_function_event_invoke_config):
        assert refusal(call, FunctionName="nowhere", MaximumRetryAttempts=1) == (
            "ResourceNotFoundException", "The function doesn't exist.")
    assert refusal(lam.list_function_event_invoke_configs, FunctionName="nowhere") == (
        "ResourceNotFoundException", "The function doesn't exist.")
    # Put checks that something is asked before it looks the function up.
    assert refusal(lam.put_function_event_invoke_config, FunctionName="nowhere") == (
        "InvalidParameterValueException", "You must specify at least one of error handling or destination setting.")
    # An alias of a missing function names the version it was to point at.
    assert refusal(lam.create_alias, FunctionName="nowhere", Name="live", FunctionVersion="1") == (
        "ResourceNotFoundException", f"Function not found: {missing}:1")
    assert refusal(lam.get_function_event_invoke_config, FunctionName="nowhere") == (
        "ResourceNotFoundException", f"The function {missing}:$LATEST doesn't have an EventInvokeConfig")
    # Function URLs: Create and Update say the function does not exist; Get and Delete answer the
    # general words.
    assert refusal(lam.create_function_url_config, FunctionName="nowhere", AuthType="NONE") == (
        "ResourceNotFoundException", "Function does not exist")
    assert refusal(lam.update_function_url_config, FunctionName="nowhere", AuthType="NONE") == (
        "ResourceNotFoundException", "Function does not exist")
    assert refusal(lam.list_function_url_configs, FunctionName="nowhere") == (
        "ResourceNotFoundException", "Function does not exist")
    assert refusal(lam.get_function_url_config, FunctionName="nowhere") == (
        "ResourceNotFoundException", "The resource you requested does not exist.")
    # Layer policies name the missing layer version by its ARN.
    for call, extra in ((lam.get_layer_version_policy, {}),
                        (lam.add_layer_version_permission, {"StatementId": "s", "Action": "lambda:GetLayerVersion",
                                                            "Principal": "*"}),
                        (lam.remove_layer_version_permission, {"StatementId": "s"})):
        assert refusal(call, LayerName="no-layer", VersionNumber=3, **extra) == (
            "ResourceNotFoundException",
            f"Layer version arn:aws:lambda:us-east-1:{ACCOUNT}:layer:no-layer:3 does not exist.")
    # Tagging an event source mapping that does not exist names it.
    mapping = f"arn:aws:lambda:us-east-1:{ACCOUNT}:event-source-mapping:8f1e2c3d-0000-4000-8000-000000000000"
    assert refusal(lam.list_tags, Resource=mapping) == (
        "ResourceNotFoundException", f"Event source mapping not found: {mapping}")

    # A permission on a qualifier that cannot be an alias name (it holds a `$`) names a missing
    # version; a missing alias is named as one.
    create(lam, "guarded")
    assert refusal(lam.add_permission, FunctionName="guarded", Qualifier="v-with-$", StatementId="s",
                   Action="lambda:InvokeFunction", Principal="s3.amazonaws.com") == (
        "ResourceNotFoundException", f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:guarded:v-with-$")
    assert refusal(lam.add_permission, FunctionName="guarded", Qualifier="no-alias", StatementId="s",
                   Action="lambda:InvokeFunction", Principal="s3.amazonaws.com") == (
        "ResourceNotFoundException",
        f"Cannot find alias arn: arn:aws:lambda:us-east-1:{ACCOUNT}:function:guarded:no-alias")

    # A version published at creation becomes ready as a revision of its own, apart from $LATEST's.
    created = lam.create_function(FunctionName="published", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                  Code={"ZipFile": PYTHON_ZIP}, Publish=True)
    lam.get_waiter("function_active_v2").wait(FunctionName="published:1", WaiterConfig={"Delay": 0.2})
    revisions = {lam.get_function(FunctionName="published", Qualifier=q)["Configuration"]["RevisionId"]
                 for q in ("$LATEST", "1")}
    assert len(revisions | {created["RevisionId"]}) == 3

    # Code that unpacks to 250 MB or more is refused, whatever its zipped size.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("app.py", HANDLER)
        archive.writestr("padding.bin", bytes(262_144_000))
    assert refusal(lam.create_function, FunctionName="huge", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                   Code={"ZipFile": buffer.getvalue()}) == (
        "InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes")

    # No one creates a function in another account.
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName="arn:aws:lambda:us-east-1:123456789012:function:theirs", Runtime="python3.12",
                            Role=ROLE, Handler="app.handler", Code={"ZipFile": PYTHON_ZIP})
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    # Layers are checked before the function's name: a layer of another region is refused even
    # when the name is taken.
    other = server.client("lambda", region="eu-west-1")
    layer = other.publish_layer_version(LayerName="far", Content={"ZipFile": zipped({"python/x.py": ("", 0o644)})})
    assert refusal(lam.create_function, FunctionName="guarded", Runtime="python3.12", Role=ROLE,
                   Handler="app.handler", Code={"ZipFile": PYTHON_ZIP}, Layers=[layer["LayerVersionArn"]]) == (
        "InvalidParameterValueException",
        "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.")


RAISER = """
def handler(event, context):
    raise ValueError(event["error_msg"])
"""


def test_python38_error_documents_carry_no_request_id(lam):
    # AWS's recordings (2026): python3.8's runtime writes errorMessage, errorType and stackTrace;
    # every later Python runtime adds requestId.
    code = zipped({"app.py": (RAISER, 0o644)})
    for runtime, expected in (("python3.8", ["errorMessage", "errorType", "stackTrace"]),
                              ("python3.12", ["errorMessage", "errorType", "requestId", "stackTrace"])):
        name = "raiser-" + runtime.replace(".", "")
        create(lam, name, code=code, runtime=runtime)
        answer = invoke(lam, name, {"error_msg": "some_error_msg"})
        assert answer["FunctionError"] == "Unhandled"
        assert sorted(answer["Body"]) == expected
        assert answer["Body"]["errorMessage"] == "some_error_msg" and answer["Body"]["errorType"] == "ValueError"


LIMITS = """
import resource
def handler(event, context):
    return {name: list(resource.getrlimit(getattr(resource, name)))
            for name in ("RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_MEMLOCK", "RLIMIT_NPROC")}
"""


def test_an_environment_has_lambdas_resource_limits(lam):
    # Lambda quotas: "File descriptors: 1,024" per execution environment. AWS's getrlimit answers
    # inside a function (2025): open files 1,024, core files 10 GiB, locked memory 64 KiB and 742
    # processes, each soft and hard.
    create(lam, "limits", code=zipped({"app.py": (LIMITS, 0o644)}))
    limits = invoke(lam, "limits", {})["Body"]
    assert limits["RLIMIT_NOFILE"] == [1024, 1024]
    assert limits["RLIMIT_CORE"] == [10737418240, 10737418240]
    assert limits["RLIMIT_MEMLOCK"] == [65536, 65536]
    # The process limit counts all of a user's processes, so it is set only where the kernel does
    # not hold the server's user to it: as root.
    if os.geteuid() == 0:
        assert limits["RLIMIT_NPROC"] == [742, 742]


STREAMING_HANDLER = """
export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  if (event.rawPath === "/page") {
    responseStream = awslambda.HttpResponseStream.from(responseStream, {
      statusCode: 201, headers: { "Content-Type": "text/html", "Cache-Control": "no-cache" }, cookies: ["s=1"] });
  }
  responseStream.write("Hello,");
  responseStream.write(" world!");
  responseStream.end();
});
"""


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js functions run where node is installed")
def test_nodejs_response_streaming(server, lam):
    # Developer guide, "Response streaming for Lambda functions": a handler wrapped in
    # awslambda.streamifyResponse writes to a stream; awslambda.HttpResponseStream.from puts a
    # function URL's status, headers and cookies before the body.
    create(lam, "streamer", code=zipped({"index.mjs": (STREAMING_HANDLER, 0o644)}), runtime="nodejs20.x",
           handler="index.handler")
    url = lam.create_function_url_config(FunctionName="streamer", AuthType="NONE",
                                         InvokeMode="RESPONSE_STREAM")["FunctionUrl"]
    host = url.split("//", 1)[1].rstrip("/")
    with urllib.request.urlopen(urllib.request.Request(server.endpoint + "/page", headers={"Host": host}),
                                timeout=30) as answer:
        assert answer.status == 201 and answer.read() == b"Hello, world!"
        assert answer.headers["Content-Type"] == "text/html" and answer.headers["Cache-Control"] == "no-cache"
        assert answer.headers["Set-Cookie"] == "s=1"
    # Without a prelude the body is the bytes written, as a stream of octets.
    with urllib.request.urlopen(urllib.request.Request(server.endpoint + "/raw", headers={"Host": host}),
                                timeout=30) as answer:
        assert answer.status == 200 and answer.read() == b"Hello, world!"
        assert answer.headers["Content-Type"] == "application/octet-stream"
    # Invoked through the API, the payload is what the handler wrote.
    streamed = lam.invoke_with_response_stream(FunctionName="streamer", Payload=b"{}")
    chunks = [e["PayloadChunk"]["Payload"] for e in streamed["EventStream"] if "PayloadChunk" in e]
    assert b"".join(chunks) == b"Hello, world!"
    assert lam.invoke(FunctionName="streamer", Payload=b"{}")["Payload"].read() == b"Hello, world!"


SLOW_STREAMING_HANDLER = """
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  if (event.rawPath === "/page") {
    responseStream = awslambda.HttpResponseStream.from(responseStream, {
      statusCode: 202, headers: { "Content-Type": "text/plain" } });
  }
  responseStream.write("first;");
  await pause(1500);
  if (event.fail) throw new TypeError("gave up halfway");
  responseStream.write("second");
  responseStream.end();
});
"""


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js functions run where node is installed")
def test_streamed_responses_arrive_as_they_are_written(server, lam):
    # What a streaming handler writes reaches the caller while the handler still runs: through
    # InvokeWithResponseStream and through a function URL in RESPONSE_STREAM mode.
    create(lam, "slow-streamer", code=zipped({"index.mjs": (SLOW_STREAMING_HANDLER, 0o644)}),
           runtime="nodejs20.x", handler="index.handler")
    started = time.monotonic()
    answer = lam.invoke_with_response_stream(FunctionName="slow-streamer", Payload=b"{}", LogType="Tail")
    arrivals = []
    for event in answer["EventStream"]:
        if "PayloadChunk" in event:
            arrivals.append((time.monotonic() - started, event["PayloadChunk"]["Payload"]))
        if "InvokeComplete" in event:
            complete = event["InvokeComplete"]
            ended = time.monotonic() - started
    assert b"".join(chunk for _, chunk in arrivals) == b"first;second"
    assert arrivals[0][1] == b"first;" and ended - arrivals[0][0] >= 1.0
    assert "ErrorCode" not in complete and "REPORT RequestId" in base64.b64decode(complete["LogResult"]).decode()

    # An error after the stream began ends it with the error, after what was written.
    failed = lam.invoke_with_response_stream(FunctionName="slow-streamer", Payload=b'{"fail": true}')
    events = list(failed["EventStream"])
    assert b"".join(e["PayloadChunk"]["Payload"] for e in events if "PayloadChunk" in e) == b"first;"
    complete = events[-1]["InvokeComplete"]
    assert complete["ErrorCode"] == "TypeError"
    assert json.loads(complete["ErrorDetails"])["errorMessage"] == "gave up halfway"

    # Through a URL: the prelude's status and headers, then the body's first part, before the end.
    lam.create_function_url_config(FunctionName="slow-streamer", AuthType="NONE", InvokeMode="RESPONSE_STREAM")
    host = lam.get_function_url_config(FunctionName="slow-streamer")["FunctionUrl"].split("//", 1)[1].rstrip("/")
    connection = http.client.HTTPConnection(server.endpoint.split("//", 1)[1], timeout=30)
    started = time.monotonic()
    connection.request("GET", "/page", headers={"Host": host})
    response = connection.getresponse()
    assert response.status == 202 and response.getheader("Content-Type") == "text/plain"
    assert response.getheader("Transfer-Encoding") == "chunked"
    first = response.read1(100)
    first_at = time.monotonic() - started
    rest = response.read()
    assert first + rest == b"first;second"
    assert first == b"first;" and time.monotonic() - started - first_at >= 1.0
    connection.close()


LEGACY_NODE_HANDLER = """
exports.handler = function (event, context) {
  context.succeed({ custom: context.clientContext ? context.clientContext.custom : null,
                    identity: context.identity === undefined ? "none" : context.identity });
};
"""


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js functions run where node is installed")
def test_nodejs_context_client_context_and_succeed(lam):
    # Developer guide, "Using the Lambda context object to retrieve Node.js function information":
    # clientContext is the invoker's client context; context.succeed still answers.
    create(lam, "node-legacy", code=zipped({"index.js": (LEGACY_NODE_HANDLER, 0o644)}), runtime="nodejs20.x",
           handler="index.handler")
    client_context = base64.b64encode(json.dumps({"custom": {"tenant": "t1"}}).encode()).decode()
    answer = invoke(lam, "node-legacy", {}, ClientContext=client_context)
    assert answer["Body"] == {"custom": {"tenant": "t1"}, "identity": "none"}


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js functions run where node is installed")
def test_nodejs_code_that_does_not_load(lam):
    # Developer guide, "AWS Lambda function errors in Node.js": code that does not parse is
    # Runtime.UserCodeSyntaxError ("SyntaxError: ..."), a missing module Runtime.ImportModuleError,
    # and what the code throws while it loads is answered as its own error.
    cases = {
        "node-syntax": ({"index.mjs": ("export const handler = async (event) => {\n", 0o644)},
                        "Runtime.UserCodeSyntaxError", "SyntaxError: "),
        "node-missing-dependency": ({"index.js": ("const x = require('not-installed');\nexports.handler = async () => 1;\n",
                                                  0o644)}, "Runtime.ImportModuleError", "Error: Cannot find module 'not-installed'"),
        "node-throws": ({"index.js": ("throw new TypeError('no config');\n", 0o644)}, "TypeError", "no config"),
    }
    for name, (files, error_type, message) in cases.items():
        create(lam, name, code=zipped(files), runtime="nodejs20.x", handler="index.handler")
        answer = invoke(lam, name, {})
        assert answer["FunctionError"] == "Unhandled", name
        assert answer["Body"]["errorType"] == error_type, (name, answer["Body"])
        assert answer["Body"]["errorMessage"].startswith(message), (name, answer["Body"])


SIZED_BOOTSTRAP = """#!/usr/bin/env python3
import http.client, json, os
host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
while True:
    connection = http.client.HTTPConnection(host, int(port))
    connection.request("GET", "/2018-06-01/runtime/invocation/next")
    answer = connection.getresponse()
    request_id = answer.getheader("Lambda-Runtime-Aws-Request-Id")
    event = json.loads(answer.read())
    pattern = bytes(range(251)) * (65536 // 251 + 1)
    pieces = [pattern[:min(65536, event["size"] - start)] for start in range(0, event["size"], 65536)]
    path = f"/2018-06-01/runtime/invocation/{request_id}/response"
    if event.get("stream"):
        connection.request("POST", path, body=iter(pieces), encode_chunked=True,
                           headers={"Lambda-Runtime-Function-Response-Mode": "streaming",
                                    "Content-Type": "application/octet-stream"})
    else:
        connection.request("POST", path, body=b"".join(pieces))
    connection.getresponse().read()
    connection.close()
"""


def sized_payload(size):
    """What SIZED_BOOTSTRAP answers for `size`: 64 KiB pieces of the bytes 0 to 250 repeated."""
    piece = (bytes(range(251)) * (65536 // 251 + 1))[:65536]
    return b"".join(piece[:min(65536, size - start)] for start in range(0, size, 65536))


def test_response_payload_limits(lam):
    # Developer guide, "Lambda quotas": a response given whole may be 6 MB; one the function streams
    # (InvokeWithResponseStream, a custom runtime posting in `streaming` mode) up to 200 MB. Over the
    # limit, Invoke answers the function error Function.ResponseSizeTooLarge.
    create(lam, "sized", code=zipped({"bootstrap": (SIZED_BOOTSTRAP, 0o755)}), runtime="provided.al2023",
           handler="unused")
    whole = lam.invoke(FunctionName="sized", Payload=json.dumps({"size": 5_000_000}))
    assert "FunctionError" not in whole and whole["Payload"].read() == sized_payload(5_000_000)
    for size in (6_500_000, 12_000_000):
        too_large = lam.invoke(FunctionName="sized", Payload=json.dumps({"size": size}))
        assert too_large["FunctionError"] == "Unhandled"
        assert json.loads(too_large["Payload"].read()) == {
            "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
            "errorType": "Function.ResponseSizeTooLarge"}
    # Streamed, every byte arrives in order, beyond what a buffered response may have.
    streamed = lam.invoke_with_response_stream(FunctionName="sized",
                                               Payload=json.dumps({"size": 12_000_000, "stream": True}))
    events = list(streamed["EventStream"])
    assert b"".join(e["PayloadChunk"]["Payload"] for e in events if "PayloadChunk" in e) == sized_payload(12_000_000)
    assert "ErrorCode" not in events[-1]["InvokeComplete"]
    # The same stream taken by Invoke is buffered, and over its limit.
    buffered = lam.invoke(FunctionName="sized", Payload=json.dumps({"size": 12_000_000, "stream": True}))
    assert json.loads(buffered["Payload"].read())["errorType"] == "Function.ResponseSizeTooLarge"


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the server's memory from /proc")
def test_a_slow_reader_holds_back_a_streamed_response():
    # Developer guide, "Response streaming for Lambda functions": streaming means the function need
    # not hold its whole response, and a caller that reads slowly slows it down. The server holds a
    # few MiB of a stream its caller has not taken, not the stream.
    from conftest import Server
    from test_protocols import memory_high_water_mark
    own = Server().start()
    try:
        lam = own.client("lambda")
        create(lam, "sized", code=zipped({"bootstrap": (SIZED_BOOTSTRAP, 0o755)}), runtime="provided.al2023",
               handler="unused", MemorySize=1024, Timeout=60)
        lam.invoke(FunctionName="sized", Payload=json.dumps({"size": 1000}))
        before = memory_high_water_mark(own.process.pid)
        size = 64 << 20
        streamed = lam.invoke_with_response_stream(FunctionName="sized",
                                                   Payload=json.dumps({"size": size, "stream": True}))
        time.sleep(2)  # the function writes; no one reads
        received = sum(len(e["PayloadChunk"]["Payload"]) for e in streamed["EventStream"] if "PayloadChunk" in e)
        assert received == size
        assert memory_high_water_mark(own.process.pid) - before < 40 << 20
    finally:
        own.stop()


def test_a_caller_that_goes_away_lets_a_streaming_function_finish(lam, server):
    # The function runs on to its end, as on AWS, when its caller closes the connection partway:
    # what it still writes is dropped instead of waiting for a reader that will never come.
    create(lam, "sized", code=zipped({"bootstrap": (SIZED_BOOTSTRAP, 0o755)}), runtime="provided.al2023",
           handler="unused", MemorySize=1024, Timeout=30)
    streamed = lam.invoke_with_response_stream(FunctionName="sized",
                                               Payload=json.dumps({"size": 64 << 20, "stream": True}))
    events = iter(streamed["EventStream"])
    assert "PayloadChunk" in next(events)
    streamed["EventStream"].close()
    logs = server.client("logs")
    deadline = time.monotonic() + 15
    lines = []
    while time.monotonic() < deadline and not any(line.startswith("REPORT") for line in lines):
        time.sleep(0.5)
        try:
            lines = [e["message"] for e in logs.filter_log_events(logGroupName="/aws/lambda/sized")["events"]]
        except logs.exceptions.ResourceNotFoundException:
            pass  # nothing written yet
    assert any(line.startswith("REPORT") for line in lines), lines
    assert not any("Task timed out" in line for line in lines)
