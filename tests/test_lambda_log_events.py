"""A function's log events in CloudWatch Logs as Lambda writes them (AWS's recorded answers: one
event per line, each ending in its newline, a carriage return kept inside a line; a cold start's
`INIT_START Runtime Version: ...\tRuntime Version ARN: ...` event before START)."""
import json
import time

from test_lambda import create, lam, zipped  # noqa: F401 (lam is a fixture)

PRINTER = """
def handler(event, context):
    print(event["body"])
    return "ok"
"""


def function_events(logs, name, expected):
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        if sum(e["message"].startswith("REPORT ") for e in events) >= expected:
            return [e["message"] for e in events]
        time.sleep(0.2)
    raise AssertionError("the function's log events did not arrive")


def test_each_printed_line_is_one_event_ending_in_its_newline(server, lam):
    create(lam, "printer", code=zipped({"app.py": (PRINTER, 0o644)}), runtime="python3.12")
    lam.invoke(FunctionName="printer", Payload=json.dumps({"body": "multi\nline\nanother\rline"}))
    lam.invoke(FunctionName="printer", Payload=json.dumps({"body": "warm"}))
    messages = function_events(server.client("logs"), "printer", expected=2)
    assert messages[0].startswith("INIT_START Runtime Version: python:3.12.v")
    assert "\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:" in messages[0] and messages[0].endswith("\n")
    first_request = messages[1].split()[2]
    assert messages[1:6] == [f"START RequestId: {first_request} Version: $LATEST\n", "multi\n", "line\n",
                             "another\rline\n", f"END RequestId: {first_request}\n"]
    assert messages[6].startswith(f"REPORT RequestId: {first_request}\tDuration: ") and messages[6].endswith("\t\n")
    # The warm invocation starts no environment: no second INIT_START.
    assert sum(m.startswith("INIT_START") for m in messages) == 1
    assert "warm\n" in messages
