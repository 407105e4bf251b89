"""CloudWatch Logs Insights queries as AWS runs them: StartQuery over log groups, GetQueryResults
with the fields the query names and each event's `@ptr`, DescribeQueries, StopQuery, GetLogRecord
and saved query definitions.

The expected answers come from the CloudWatch Logs API reference (StartQuery, GetQueryResults,
GetLogRecord, DescribeQueries, PutQueryDefinition), the Logs Insights query syntax guide (fields,
filter, stats, sort, limit, parse, display, dedup; discovered fields of JSON events and Lambda
reports), the aws CLI's documented examples and AWS's recorded answers (LocalStack's AWS-validated
snapshots)."""
import json
import re
import subprocess
import os
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, Server


@pytest.fixture
def logs(server):
    server.reset()
    return server.client("logs")


def refusal(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response


def group_with(logs, name, messages, stream="app"):
    """A group whose stream holds the messages one second apart, the last one newest."""
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName=stream)
    now = int(time.time() * 1000)
    events = [{"timestamp": now - (len(messages) - i) * 1000, "message": m} for i, m in enumerate(messages)]
    logs.put_log_events(logGroupName=name, logStreamName=stream, logEvents=events)
    return events


def start(logs, query, group="app", **params):
    now = int(time.time())
    return logs.start_query(logGroupName=group, startTime=now - 600, endTime=now + 60, queryString=query,
                            **params)["queryId"]


def results(logs, query, group="app", **params):
    query_id = start(logs, query, group, **params)
    deadline = time.time() + 20
    while time.time() < deadline:
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] == "Complete":
            return answer
        assert answer["status"] in ("Scheduled", "Running")
        time.sleep(0.1)
    raise AssertionError("the query did not complete")


def rows(answer, ptr=False):
    return [{f["field"]: f["value"] for f in row if ptr or f["field"] != "@ptr"} for row in answer["results"]]


def test_a_query_answers_the_fields_it_names_newest_first_with_each_events_ptr(logs):
    events = group_with(logs, "app", ["first", "second", "third"])
    answer = results(logs, "fields @timestamp, @message")
    assert answer["queryLanguage"] == "CWLI"
    assert [r["@message"] for r in rows(answer)] == ["third", "second", "first"]
    for row, event in zip(answer["results"], reversed(events)):
        assert [f["field"] for f in row] == ["@timestamp", "@message", "@ptr"]
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(event["timestamp"] // 1000))
        assert row[0]["value"] == f"{stamp}.{event['timestamp'] % 1000:03d}"
    statistics = answer["statistics"]
    assert statistics["recordsScanned"] == 3 and statistics["recordsMatched"] == 3
    assert statistics["bytesScanned"] > 0


def test_without_fields_a_query_shows_timestamp_and_message(logs):
    group_with(logs, "app", ["boom: error", "all fine"])
    answer = results(logs, "filter @message like 'error'")
    assert [list(r) for r in rows(answer)] == [["@timestamp", "@message"]]
    assert rows(answer)[0]["@message"] == "boom: error"
    assert answer["statistics"]["recordsMatched"] == 1


def test_filter_like_is_a_case_sensitive_substring_or_regular_expression_match(logs):
    group_with(logs, "app", ["Exception in thread", "an exception", "fine", "code 503"])
    assert [r["@message"] for r in rows(results(logs, "fields @message | filter @message like 'Exception'"))] == [
        "Exception in thread"]
    assert len(rows(results(logs, "fields @message | filter @message like /(?i)exception/"))) == 2
    assert [r["@message"] for r in rows(results(logs, "fields @message | filter @message =~ /\\d{3}$/"))] == [
        "code 503"]
    assert len(rows(results(logs, "fields @message | filter @message not like /xception/"))) == 2


def test_json_members_are_fields_joined_with_dots_and_array_items_by_index(logs):
    group_with(logs, "app", [
        json.dumps({"level": "ERROR", "status": 500, "user": {"id": "u1"}, "tags": ["a", "b"], "@kind": "x"}),
        json.dumps({"level": "INFO", "status": 200, "user": {"id": "u2"}}),
    ])
    answer = results(logs, "filter status >= 300 | fields level, user.id, tags.1, @@kind, status + 1 as next")
    assert rows(answer) == [{"level": "ERROR", "user.id": "u1", "tags.1": "b", "@@kind": "x", "next": "501"}]
    # A field an event lacks is left out of its row.
    answer = results(logs, "fields user.id, tags.0 | sort user.id asc")
    assert rows(answer) == [{"user.id": "u1", "tags.0": "a"}, {"user.id": "u2"}]


def test_stats_groups_and_aggregates_and_bin_buckets_time(logs):
    group_with(logs, "app", [json.dumps({"level": lvl, "ms": ms})
                             for lvl, ms in [("INFO", 10), ("INFO", 20), ("ERROR", 5), ("INFO", 30)]])
    answer = results(logs, "stats count(*) as n, avg(ms), max(ms), sum(ms) / count(*) as mean by level "
                           "| sort n desc")
    assert rows(answer) == [
        {"level": "INFO", "n": "3", "avg(ms)": "20", "max(ms)": "30", "mean": "20"},
        {"level": "ERROR", "n": "1", "avg(ms)": "5", "max(ms)": "5", "mean": "5"},
    ]
    assert all(f["field"] != "@ptr" for row in answer["results"] for f in row)
    [bucket] = rows(results(logs, "stats count(*) by bin(1d)"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d 00:00:00\.000", bucket["bin(1d)"]) and bucket["count(*)"] == "4"
    assert rows(results(logs, "stats count_distinct(level) as levels, pct(ms, 50) as p50")) == [
        {"levels": "2", "p50": "10"}]


def test_sort_and_limit_make_top_n_queries(logs):
    group_with(logs, "app", [json.dumps({"n": n}) for n in (5, 40, 3, 12)])
    assert [r["n"] for r in rows(results(logs, "fields n | sort n desc | limit 2"))] == ["40", "12"]
    assert [r["n"] for r in rows(results(logs, "fields n | sort n asc"))] == ["3", "5", "12", "40"]
    # StartQuery's limit caps the answer as a limit command would.
    assert len(rows(results(logs, "fields n", limit=3))) == 3


def test_parse_extracts_fields_with_a_glob_or_named_groups(logs):
    group_with(logs, "app", ["user=bob action=login", "user=eve action=logout", "other"])
    answer = results(logs, "parse @message 'user=* action=*' as who, what | filter ispresent(who) "
                           "| display who, what")
    assert rows(answer) == [{"who": "eve", "what": "logout"}, {"who": "bob", "what": "login"}]
    answer = results(logs, "parse @message /user=(?<who>\\w+)/ | filter ispresent(who) | stats count(*) by who | sort who asc")
    assert rows(answer) == [{"who": "bob", "count(*)": "1"}, {"who": "eve", "count(*)": "1"}]


def test_lambda_reports_give_their_fields_with_memory_in_bytes(logs):
    group_with(logs, "/aws/lambda/f", [
        "START RequestId: r1 Version: $LATEST",
        "REPORT RequestId: r1\tDuration: 2.57 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 39 MB\tInit Duration: 120.50 ms\t",
    ])
    answer = results(logs, "filter @type = 'REPORT' | fields @requestId, @duration, @billedDuration, @memorySize, "
                           "@maxMemoryUsed / 1000 / 1000 as usedMB, @initDuration", group="/aws/lambda/f")
    assert rows(answer) == [{"@requestId": "r1", "@duration": "2.57", "@billedDuration": "3",
                             "@memorySize": "128000000", "usedMB": "39", "@initDuration": "120.50"}]
    # The user guide's sample query for over-provisioned memory: later items use earlier ones' names.
    answer = results(logs, "filter @type = 'REPORT' | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, "
                           "max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, count() as invocations, "
                           "provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB", group="/aws/lambda/f")
    assert rows(answer) == [{"provisonedMemoryMB": "128", "maxMemoryUsedMB": "39", "invocations": "1",
                             "overProvisionedMB": "89"}]


def test_dedup_keeps_the_first_row_of_each_value(logs):
    group_with(logs, "app", [json.dumps({"k": k, "i": i}) for i, k in enumerate("abab")])
    assert rows(results(logs, "fields k, i | dedup k")) == [{"k": "b", "i": "3"}, {"k": "a", "i": "2"}]


def test_a_query_reads_several_groups_newest_first(logs):
    group_with(logs, "one", ["a1", "a2"])
    time.sleep(0.01)
    group_with(logs, "two", ["b1"])
    now = int(time.time())
    query_id = logs.start_query(logGroupNames=["one", "two"], startTime=now - 600, endTime=now + 60,
                                queryString="fields @message, @log")["queryId"]
    deadline = time.time() + 20
    while (answer := logs.get_query_results(queryId=query_id))["status"] != "Complete":
        assert time.time() < deadline
        time.sleep(0.1)
    found = rows(answer)
    assert sorted(r["@message"] for r in found) == ["a1", "a2", "b1"]
    assert {r["@log"] for r in found} == {f"{ACCOUNT}:one", f"{ACCOUNT}:two"}


def test_events_outside_the_time_range_are_not_read(logs):
    logs.create_log_group(logGroupName="app")
    logs.create_log_stream(logGroupName="app", logStreamName="s")
    now = int(time.time())
    logs.put_log_events(logGroupName="app", logStreamName="s", logEvents=[
        {"timestamp": (now - 500) * 1000, "message": "old"}, {"timestamp": (now - 100) * 1000, "message": "new"}])
    query_id = logs.start_query(logGroupName="app", startTime=now - 200, endTime=now, queryString="fields @message")[
        "queryId"]
    time.sleep(0.5)
    assert rows(logs.get_query_results(queryId=query_id)) == [{"@message": "new"}]


def test_describe_queries_shows_the_query_as_aws_rewrites_it(logs):
    group_with(logs, "app", ["x"])
    start_time, end_time = int(time.time()) - 3600, int(time.time()) + 300
    query_id = logs.start_query(logGroupName="app", startTime=start_time, endTime=end_time,
                                queryString="fields @message")["queryId"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", query_id)
    [info] = logs.describe_queries(logGroupName="app")["queries"]
    assert info["queryId"] == query_id and info["logGroupName"] == "app" and info["queryLanguage"] == "CWLI"
    assert info["queryString"] == f'SOURCE "app" START={start_time}000 END={end_time}999 | fields @message'
    time.sleep(0.5)
    assert [q["queryId"] for q in logs.describe_queries(logGroupName="app", status="Complete")["queries"]] == [
        query_id]
    assert logs.describe_queries(logGroupName="app", status="Scheduled")["queries"] == []
    logs.create_log_group(logGroupName="quiet")
    assert logs.describe_queries(logGroupName="quiet")["queries"] == []


def test_refusals(logs):
    group_with(logs, "app", ["x"])
    missing = refusal(logs.start_query, logGroupName="nope", startTime=0, endTime=10, queryString="fields @message")
    assert missing["Error"]["Code"] == "ResourceNotFoundException"
    assert missing["Error"]["Message"].startswith(f"Log group 'nope' does not exist for account ID '{ACCOUNT}'")
    malformed = refusal(logs.start_query, logGroupName="app", startTime=0, endTime=10, queryString="fields foo bar")
    assert malformed["Error"]["Code"] == "MalformedQueryException"
    assert malformed["Error"]["Message"] == "unexpected symbol found bar at line 1 and position 12"
    assert malformed["queryCompileError"]["location"] == {"startCharOffset": 11, "endCharOffset": 13}
    # A query that nests deeper than any real one is refused, not run into the server's stack.
    deep = refusal(logs.start_query, logGroupName="app", startTime=0, endTime=10,
                   queryString="fields " + "(" * 4900 + "a" + ")" * 4900)
    assert deep["Error"]["Code"] == "MalformedQueryException"
    unknown = refusal(logs.get_query_results, queryId="00000000-0000-0000-0000-000000000000")
    assert unknown["Error"]["Code"] == "ResourceNotFoundException"
    both = refusal(logs.start_query, logGroupName="app", logGroupNames=["app"], startTime=0, endTime=10,
                   queryString="fields @message")
    assert both["Error"]["Code"] == "InvalidParameterException"


def test_stop_query_answers_only_for_a_running_query(logs):
    group_with(logs, "app", ["x"])
    answer = results(logs, "fields @message")
    [info] = logs.describe_queries(logGroupName="app")["queries"]
    assert answer["status"] == "Complete"
    refused = refusal(logs.stop_query, queryId=info["queryId"])
    assert refused["Error"]["Code"] == "InvalidParameterException"


def test_other_query_languages_answer_not_implemented(logs):
    group_with(logs, "app", ["x"])
    refused = refusal(logs.start_query, logGroupName="app", startTime=0, endTime=10, queryLanguage="SQL",
                      queryString="SELECT * FROM `app`")
    assert refused["Error"]["Code"] == "NotImplemented"
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_get_log_record_gives_every_field_of_the_event_a_ptr_names(logs):
    events = group_with(logs, "app", [json.dumps({"level": "WARN"})], stream="web")
    [row] = results(logs, "fields @message")["results"]
    pointer = row[-1]["value"]
    record = logs.get_log_record(logRecordPointer=pointer)["logRecord"]
    assert record == {"@timestamp": str(events[0]["timestamp"]), "@message": events[0]["message"],
                      "@logStream": "web", "@log": f"{ACCOUNT}:app",
                      "@ingestionTime": record["@ingestionTime"], "level": "WARN"}
    assert int(record["@ingestionTime"]) >= events[0]["timestamp"]
    assert refusal(logs.get_log_record, logRecordPointer="bm90aGluZw==")["Error"]["Code"] == \
        "ResourceNotFoundException"


def test_query_definitions_are_saved_replaced_listed_and_deleted(logs):
    first = logs.put_query_definition(name="errors/recent", queryString="filter level = 'ERROR'",
                                      logGroupNames=["app"])["queryDefinitionId"]
    second = logs.put_query_definition(name="all", queryString="fields @message")["queryDefinitionId"]
    listed = logs.describe_query_definitions()["queryDefinitions"]
    assert [d["name"] for d in listed] == ["all", "errors/recent"]
    assert listed[1]["logGroupNames"] == ["app"] and listed[1]["queryDefinitionId"] == first
    # Replacing a definition keeps nothing the request leaves out.
    assert logs.put_query_definition(queryDefinitionId=first, name="errors/recent",
                                     queryString="filter level = 'ERROR' | limit 5")["queryDefinitionId"] == first
    [replaced] = logs.describe_query_definitions(queryDefinitionNamePrefix="errors")["queryDefinitions"]
    assert replaced["queryString"] == "filter level = 'ERROR' | limit 5" and "logGroupNames" not in replaced
    assert logs.delete_query_definition(queryDefinitionId=second)["success"] is True
    assert refusal(logs.delete_query_definition, queryDefinitionId=second)["Error"]["Code"] == \
        "ResourceNotFoundException"
    assert [d["queryDefinitionId"] for d in logs.describe_query_definitions()["queryDefinitions"]] == [first]


def test_queries_and_definitions_survive_a_kill9():
    server = Server().start()
    try:
        logs = server.client("logs")
        group_with(logs, "app", ["kept"])
        answer = results(logs, "fields @message")
        [info] = logs.describe_queries()["queries"]
        definition = logs.put_query_definition(name="saved", queryString="fields @message")["queryDefinitionId"]
        server.kill9()
        server.start()
        logs = server.client("logs")
        assert logs.get_query_results(queryId=info["queryId"])["results"] == answer["results"]
        assert [d["queryDefinitionId"] for d in logs.describe_query_definitions()["queryDefinitions"]] == [
            definition]
    finally:
        server.stop()


def test_the_aws_cli_runs_a_query(server, logs):
    group_with(logs, "app", ["from the cli"])
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    now = int(time.time())

    def aws(*args):
        out = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", "logs", *args],
                             env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    query_id = aws("start-query", "--log-group-name", "app", "--start-time", str(now - 600), "--end-time",
                   str(now + 60), "--query-string", "fields @message")["queryId"]
    deadline = time.time() + 20
    while (answer := aws("get-query-results", "--query-id", query_id))["status"] != "Complete":
        assert time.time() < deadline
        time.sleep(0.2)
    assert rows(answer) == [{"@message": "from the cli"}]


def test_get_log_group_fields_gives_each_fields_share_of_recent_events(logs):
    group_with(logs, "app", [json.dumps({"level": "INFO", "user": {"id": "u1"}}), json.dumps({"level": "WARN"}),
                             "plain text", "more text"])
    fields = logs.get_log_group_fields(logGroupName="app")["logGroupFields"]
    shares = {f["name"]: f["percent"] for f in fields}
    assert shares == {"@timestamp": 100, "@message": 100, "@logStream": 100, "@log": 100, "@ingestionTime": 100,
                      "level": 50, "user.id": 25}
    assert [f["percent"] for f in fields] == sorted((f["percent"] for f in fields), reverse=True)
    # Only the 15 minutes before `time` are looked at.
    assert logs.get_log_group_fields(logGroupName="app", time=int(time.time()) - 3600)["logGroupFields"] == []


def test_list_log_groups_for_query_names_the_groups_it_reads(logs):
    group_with(logs, "one", ["a"])
    logs.create_log_group(logGroupName="two")
    now = int(time.time())
    query_id = logs.start_query(logGroupNames=["one", "two"], startTime=now - 60, endTime=now,
                                queryString="fields @message")["queryId"]
    assert logs.list_log_groups_for_query(queryId=query_id)["logGroupIdentifiers"] == [
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:one", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:two"]
