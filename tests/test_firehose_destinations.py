"""Data Firehose's other destinations and sources, each against a real peer the tests start: an HTTP
endpoint that checks AWS's request format and answers its response contract, an OpenSearch-style
`_bulk` endpoint, a Splunk HTTP Event Collector, a PostgreSQL server loaded as Redshift would be; a
Kinesis stream as the source; SNS subscriptions and EventBridge rules as producers."""
import base64
import glob
import gzip
import http.server
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import ACCOUNT, REGION, free_port
from test_firehose import FIREHOSE_ROLE, firehose, objects, s3_config  # noqa: F401 (firehose: a fixture)


@pytest.fixture
def s3(server):
    client = server.client("s3")
    client.create_bucket(Bucket="backup")
    return client


class Receiver:
    """An HTTP server on a free loopback port that records each request and answers with `answer`."""

    def __init__(self, answer):
        self.requests = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), body))
                status, payload = answer(self.path, dict(self.headers), body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, count, timeout=15):
        deadline = time.time() + timeout
        while len(self.requests) < count and time.time() < deadline:
            time.sleep(0.1)
        return self.requests

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def firehose_contract(path, headers, body):
    """AWS's response contract: 200 and the request id of the request."""
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    document = json.loads(body)
    return 200, {"requestId": document["requestId"], "timestamp": int(time.time() * 1000)}


def http_destination(url, **extra):
    return {
        "EndpointConfiguration": {"Url": url, "Name": "receiver", "AccessKey": "secret-key"},
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
        "S3Configuration": s3_config("backup"),
        **extra,
    }


def test_http_endpoint_receives_every_record_in_aws_request_format(firehose, s3):
    receiver = Receiver(firehose_contract)
    try:
        firehose.create_delivery_stream(DeliveryStreamName="to-http", HttpEndpointDestinationConfiguration=http_destination(
            receiver.url + "/ingest", RequestConfiguration={
                "ContentEncoding": "GZIP", "CommonAttributes": [{"AttributeName": "env", "AttributeValue": "test"}]},
            RetryOptions={"DurationInSeconds": 0}))
        [destination] = firehose.describe_delivery_stream(DeliveryStreamName="to-http")["DeliveryStreamDescription"][
            "Destinations"]
        described = destination["HttpEndpointDestinationDescription"]
        assert described["EndpointConfiguration"] == {"Url": receiver.url + "/ingest", "Name": "receiver"}
        assert described["S3BackupMode"] == "FailedDataOnly"
        sent = [b"record %d" % i for i in range(120)]
        for start in range(0, 120, 40):
            firehose.put_record_batch(DeliveryStreamName="to-http", Records=[{"Data": d} for d in sent[start:start + 40]])
        received = []
        deadline = time.time() + 15
        while len(received) < 120 and time.time() < deadline:
            received = []
            for path, headers, body in list(receiver.requests):
                assert path == "/ingest"
                assert headers["Content-Type"] == "application/json" and headers["Content-Encoding"] == "gzip"
                assert headers["X-Amz-Firehose-Protocol-Version"] == "1.0"
                assert headers["X-Amz-Firehose-Access-Key"] == "secret-key"
                assert headers["X-Amz-Firehose-Source-Arn"] == f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/to-http"
                assert json.loads(headers["X-Amz-Firehose-Common-Attributes"]) == {"commonAttributes": {"env": "test"}}
                document = json.loads(gzip.decompress(body))
                assert document["requestId"] == headers["X-Amz-Firehose-Request-Id"]
                assert isinstance(document["timestamp"], int)
                received += [base64.b64decode(r["data"]) for r in document["records"]]
            time.sleep(0.1)
        assert received == sent
    finally:
        receiver.close()


def test_http_endpoint_failures_go_to_the_s3_backup(firehose, s3):
    receiver = Receiver(lambda path, headers, body: (500, {"errorMessage": "Unauthorized"}))
    try:
        firehose.create_delivery_stream(DeliveryStreamName="failing", HttpEndpointDestinationConfiguration=http_destination(
            receiver.url, RetryOptions={"DurationInSeconds": 0}))
        firehose.put_record_batch(DeliveryStreamName="failing", Records=[{"Data": b"lost?"}, {"Data": b"no"}])
        found = objects(s3, "backup")
        [(key, obj)] = found.items()
        assert key.startswith("http-endpoint-failed/")
        lines = [json.loads(line) for line in obj["Body"].read().decode().splitlines()]
        assert [base64.b64decode(line["rawData"]) for line in lines] == [b"lost?", b"no"]
        assert all("Unauthorized" in line["errorMessage"] for line in lines)
        assert len(receiver.requests) >= 1
    finally:
        receiver.close()


def test_opensearch_bulk_indexes_into_the_rotated_index_and_backs_up_refused_documents(firehose, s3):
    def bulk(path, headers, body):
        lines = body.decode().splitlines()
        items = []
        for action, document in zip(lines[::2], lines[1::2]):
            index = json.loads(action)["index"]
            refused = json.loads(document).get("bad")
            items.append({"index": {"_index": index["_index"], "status": 400 if refused else 201,
                                    **({"error": {"reason": "mapper_parsing_exception"}} if refused else {})}})
        return 200, {"took": 1, "errors": any(i["index"]["status"] >= 300 for i in items), "items": items}

    receiver = Receiver(bulk)
    try:
        firehose.create_delivery_stream(
            DeliveryStreamName="to-search", AmazonopensearchserviceDestinationConfiguration={
                "RoleARN": FIREHOSE_ROLE, "ClusterEndpoint": receiver.url, "IndexName": "orders",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}, "S3Configuration": s3_config("backup")})
        described = firehose.describe_delivery_stream(DeliveryStreamName="to-search")["DeliveryStreamDescription"]
        search = described["Destinations"][0]["AmazonopensearchserviceDestinationDescription"]
        assert search["IndexRotationPeriod"] == "OneDay" and search["S3BackupMode"] == "FailedDocumentsOnly"
        firehose.put_record_batch(DeliveryStreamName="to-search", Records=[
            {"Data": b'{"id": 1}\n'}, {"Data": b'{"bad": true}'}, {"Data": b'{"id": 3}'}])
        [(path, headers, body)] = receiver.wait(1)
        assert path == "/_bulk" and headers["Content-Type"] == "application/x-ndjson"
        lines = body.decode().splitlines()
        assert len(lines) == 6 and body.endswith(b"\n")
        index = "orders-" + time.strftime("%Y-%m-%d", time.gmtime())
        actions = [json.loads(line)["index"] for line in lines[::2]]
        assert all(a["_index"] == index and a["_id"] for a in actions)
        assert [json.loads(line) for line in lines[1::2]] == [{"id": 1}, {"bad": True}, {"id": 3}]
        [(key, obj)] = objects(s3, "backup").items()
        assert key.startswith("AmazonOpenSearchService-failed/")
        [line] = obj["Body"].read().decode().splitlines()
        assert base64.b64decode(json.loads(line)["rawData"]) == b'{"bad": true}'
    finally:
        receiver.close()


def test_splunk_receives_events_with_the_hec_token(firehose, s3):
    receiver = Receiver(lambda path, headers, body: (200, {"text": "Success", "code": 0}))
    try:
        firehose.create_delivery_stream(DeliveryStreamName="to-splunk", SplunkDestinationConfiguration={
            "HECEndpoint": receiver.url, "HECEndpointType": "Event", "HECToken": "token-1",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}, "S3Configuration": s3_config("backup")})
        firehose.put_record(DeliveryStreamName="to-splunk", Record={"Data": b'{"event": "hello"}'})
        [(path, headers, body)] = receiver.wait(1)
        assert path == "/services/collector/event" and headers["Authorization"] == "Splunk token-1"
        assert body == b'{"event": "hello"}'
    finally:
        receiver.close()


def postgres_binary(name):
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server of the tests' own (as a non-root user when the tests run as root), with a
    password-authenticated user `firehose` and database `warehouse`."""
    initdb, server_binary, psql = postgres_binary("initdb"), postgres_binary("postgres"), postgres_binary("psql")
    if not (initdb and server_binary and psql):
        pytest.skip("PostgreSQL is not installed (scripts/test installs it)")
    directory = tempfile.mkdtemp(prefix="switchyard-pg-")
    prefix = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run it as its own user, or nobody where that is missing.
        names = [entry.pw_name for entry in pwd.getpwall()]
        user = pwd.getpwnam("postgres" if "postgres" in names else "nobody")
        os.chown(directory, user.pw_uid, user.pw_gid)
        prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    password_file = os.path.join(directory, "password")
    with open(password_file, "w") as f:
        f.write("s3cret-password")
    os.chmod(password_file, 0o644)
    data = os.path.join(directory, "data")
    subprocess.run([*prefix, initdb, "-D", data, "-U", "firehose", "--pwfile", password_file,
                    "--auth", "scram-sha-256"], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([*prefix, server_binary, "-D", data, "-p", str(port), "-k", directory,
                                "-c", "listen_addresses=127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, PGPASSWORD="s3cret-password")

    def sql(statement, database="warehouse"):
        out = subprocess.run([psql, "-h", "127.0.0.1", "-p", str(port), "-U", "firehose", "-d", database, "-At",
                              "-c", statement], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return out.stdout

    deadline = time.time() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            sql("CREATE DATABASE warehouse", database="postgres")
            break
        except (OSError, AssertionError):
            if time.time() > deadline:
                process.kill()
                raise
            time.sleep(0.2)
    yield port, sql
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)


def redshift_destination(port, table, columns, options, **extra):
    return {
        "RoleARN": FIREHOSE_ROLE, "ClusterJDBCURL": f"jdbc:redshift://127.0.0.1:{port}/warehouse",
        "CopyCommand": {"DataTableName": table, "DataTableColumns": columns, "CopyOptions": options},
        "Username": "firehose", "Password": "s3cret-password",
        "S3Configuration": s3_config("backup", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0}),
        "RetryOptions": {"DurationInSeconds": 0}, **extra,
    }


def rows(sql, query, expected, timeout=20):
    deadline = time.time() + timeout
    while True:
        found = [line.split("|") for line in sql(query).splitlines() if line]
        if len(found) >= expected or time.time() > deadline:
            return found
        time.sleep(0.2)


def test_redshift_loads_json_and_csv_records_into_postgresql(firehose, s3, postgres):
    port, sql = postgres
    sql("CREATE TABLE orders (id integer, customer text, total numeric)")
    firehose.create_delivery_stream(DeliveryStreamName="to-redshift", RedshiftDestinationConfiguration=redshift_destination(
        port, "orders", "id,customer,total", "JSON 'auto'"))
    [destination] = firehose.describe_delivery_stream(DeliveryStreamName="to-redshift")["DeliveryStreamDescription"][
        "Destinations"]
    described = destination["RedshiftDestinationDescription"]
    assert "Password" not in described and described["Username"] == "firehose"
    assert described["S3DestinationDescription"]["BucketARN"] == "arn:aws:s3:::backup"
    records = [{"id": i, "customer": f"c{i % 3}\ttab", "total": i * 1.5} for i in range(50)]
    firehose.put_record_batch(DeliveryStreamName="to-redshift",
                              Records=[{"Data": json.dumps(r).encode() + b"\n"} for r in records])
    loaded = rows(sql, "SELECT id, customer, total FROM orders ORDER BY id", 50)
    assert [(int(i), c, float(t)) for i, c, t in loaded] == [(r["id"], r["customer"], r["total"]) for r in records]
    # The batch was also written to the intermediate bucket, as AWS does.
    assert objects(s3, "backup")
    sql("CREATE TABLE visits (page text, count integer)")
    firehose.create_delivery_stream(DeliveryStreamName="csv", RedshiftDestinationConfiguration=redshift_destination(
        port, "visits", "", "CSV"))
    firehose.put_record_batch(DeliveryStreamName="csv", Records=[
        {"Data": b'"/home, page",3\n/about,\n'}])
    assert rows(sql, "SELECT page, coalesce(count, -1) FROM visits ORDER BY page", 2) == [["/about", "-1"],
                                                                                           ["/home, page", "3"]]


def test_redshift_load_failures_go_to_error_output(firehose, s3, postgres):
    port, sql = postgres
    firehose.create_delivery_stream(DeliveryStreamName="no-table", RedshiftDestinationConfiguration=redshift_destination(
        port, "missing_table", "a", "JSON 'auto'"))
    firehose.put_record(DeliveryStreamName="no-table", Record={"Data": b'{"a": 1}'})
    found = objects(s3, "backup", expected=2)
    [failed] = [obj for key, obj in found.items() if key.startswith("redshift-failed/")]
    [line] = failed["Body"].read().decode().splitlines()
    assert json.loads(line)["errorCode"] == "Redshift.LoadFailed"


def test_a_kinesis_stream_source_delivers_every_record_written_after_creation(server, firehose, s3):
    kinesis = server.client("kinesis")
    s3.create_bucket(Bucket="from-kinesis")
    kinesis.create_stream(StreamName="source", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="source", WaiterConfig={"Delay": 0.2})
    stream_arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/source"
    kinesis.put_record(StreamName="source", Data=b"before", PartitionKey="p")
    time.sleep(0.05)
    firehose.create_delivery_stream(
        DeliveryStreamName="reader", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream_arn, "RoleARN": FIREHOSE_ROLE},
        ExtendedS3DestinationConfiguration=s3_config("from-kinesis", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 1},
                                                     ProcessingConfiguration={"Enabled": True, "Processors": [
                                                         {"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    described = firehose.describe_delivery_stream(DeliveryStreamName="reader")["DeliveryStreamDescription"]
    assert described["DeliveryStreamType"] == "KinesisStreamAsSource"
    source = described["Source"]["KinesisStreamSourceDescription"]
    assert source["KinesisStreamARN"] == stream_arn and "DeliveryStartTimestamp" in source
    assert "DeliveryStreamEncryptionConfiguration" not in described
    with pytest.raises(Exception) as refused:
        firehose.put_record(DeliveryStreamName="reader", Record={"Data": b"direct"})
    assert refused.value.response["Error"]["Message"] == (
        "This operation is not permitted on KinesisStreamAsSource delivery stream type.")
    sent = [f"record-{i}".encode() for i in range(300)]
    for start in range(0, 300, 100):
        kinesis.put_records(StreamName="source", Records=[{"Data": d, "PartitionKey": d.decode()} for d in sent[start:start + 100]])
    deadline = time.time() + 20
    delivered = []
    while sorted(delivered) != sorted(sent) and time.time() < deadline:
        delivered = [line for obj in objects(s3, "from-kinesis", timeout=0).values()
                     for line in obj["Body"].read().split(b"\n")]
        time.sleep(0.3)
    assert sorted(delivered) == sorted(sent)


def test_sns_subscriptions_and_eventbridge_rules_put_into_delivery_streams(server, firehose, s3):
    s3.create_bucket(Bucket="fanout")
    firehose.create_delivery_stream(DeliveryStreamName="sink", ExtendedS3DestinationConfiguration=s3_config(
        "fanout", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 1},
        ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    stream_arn = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/sink"
    sns = server.client("sns")
    topic = sns.create_topic(Name="news")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="firehose", Endpoint=stream_arn,
                  Attributes={"SubscriptionRoleArn": FIREHOSE_ROLE, "RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="from sns")
    enveloped = sns.create_topic(Name="enveloped")["TopicArn"]
    sns.subscribe(TopicArn=enveloped, Protocol="firehose", Endpoint=stream_arn,
                  Attributes={"SubscriptionRoleArn": FIREHOSE_ROLE})
    sns.publish(TopicArn=enveloped, Message="from sns", Subject="hi",
                MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    events = server.client("events")
    events.put_rule(Name="to-firehose", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="to-firehose", Targets=[{"Id": "f", "Arn": stream_arn}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": '{"total": 5}'}])
    deadline = time.time() + 15
    lines = []
    while len(lines) < 3 and time.time() < deadline:
        lines = [line for obj in objects(s3, "fanout", timeout=0).values() for line in obj["Body"].read().split(b"\n")
                 if line]
        time.sleep(0.2)
    # A raw subscription puts the message; the other a one-line notification without signature.
    assert b"from sns" in lines
    documents = [json.loads(line) for line in lines if line != b"from sns"]
    [notification] = [d for d in documents if d.get("Type") == "Notification"]
    assert list(notification) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "UnsubscribeURL",
                                  "MessageAttributes"]
    assert notification["Message"] == "from sns" and notification["MessageAttributes"] == {
        "k": {"Type": "String", "Value": "v"}}
    [event] = [d for d in documents if d.get("source") == "shop"]
    assert event["detail"] == {"total": 5}


def test_cloudwatch_logs_subscriptions_feed_firehose_and_kinesis(server, firehose, s3):
    logs, kinesis = server.client("logs"), server.client("kinesis")
    s3.create_bucket(Bucket="logs-archive")
    firehose.create_delivery_stream(DeliveryStreamName="log-sink", ExtendedS3DestinationConfiguration=s3_config(
        "logs-archive", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 1},
        ProcessingConfiguration={"Enabled": True, "Processors": [
            {"Type": "AppendDelimiterToRecord", "Parameters": []},
            {"Type": "CloudWatchLogProcessing", "Parameters": [
                {"ParameterName": "DataMessageExtraction", "ParameterValue": "true"}]},
            {"Type": "Decompression", "Parameters": [{"ParameterName": "CompressionFormat", "ParameterValue": "GZIP"}]},
        ]}))
    kinesis.create_stream(StreamName="log-stream", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="log-stream", WaiterConfig={"Delay": 0.2})
    logs.create_log_group(logGroupName="app")
    logs.create_log_stream(logGroupName="app", logStreamName="web-1")
    with pytest.raises(Exception) as missing:
        logs.put_subscription_filter(logGroupName="app", filterName="nowhere", filterPattern="",
                                     destinationArn=f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/none",
                                     roleArn=FIREHOSE_ROLE)
    assert "Could not deliver test message to specified Firehose stream" in str(missing.value)
    logs.put_subscription_filter(logGroupName="app", filterName="errors", filterPattern="ERROR",
                                 destinationArn=f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/log-sink",
                                 roleArn=FIREHOSE_ROLE)
    logs.put_subscription_filter(logGroupName="app", filterName="all", filterPattern="",
                                 destinationArn=f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/log-stream",
                                 roleArn=FIREHOSE_ROLE)
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName="app", logStreamName="web-1", logEvents=[
        {"timestamp": now, "message": "INFO started"}, {"timestamp": now + 1, "message": "ERROR disk full"},
        {"timestamp": now + 2, "message": "ERROR again"}])
    # Firehose: decompressed, the control message dropped, each matching event's message one line.
    deadline = time.time() + 15
    lines = []
    while len(lines) < 2 and time.time() < deadline:
        lines = [line for obj in objects(s3, "logs-archive", timeout=0).values() for line in obj["Body"].read().split(b"\n")
                 if line]
        time.sleep(0.2)
    assert lines == [b"ERROR disk full", b"ERROR again"]
    # Kinesis: the control message, then the gzipped DATA_MESSAGE with every event, keyed by log stream.
    iterator = kinesis.get_shard_iterator(StreamName="log-stream", ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    deadline = time.time() + 10
    records = []
    while len(records) < 2 and time.time() < deadline:
        answer = kinesis.get_records(ShardIterator=iterator)
        records += answer["Records"]
        iterator = answer["NextShardIterator"]
        time.sleep(0.1)
    documents = [json.loads(gzip.decompress(r["Data"])) for r in records]
    assert documents[0]["messageType"] == "CONTROL_MESSAGE"
    assert documents[1]["messageType"] == "DATA_MESSAGE" and records[1]["PartitionKey"] == "web-1"
    assert [e["message"] for e in documents[1]["logEvents"]] == ["INFO started", "ERROR disk full", "ERROR again"]
    assert documents[1]["logGroup"] == "app" and documents[1]["subscriptionFilters"] == ["all"]


def test_pipes_and_schedules_put_into_delivery_streams(server, firehose, s3):
    from test_scheduler import soon
    from test_pipes import wait_state
    s3.create_bucket(Bucket="targets")
    firehose.create_delivery_stream(DeliveryStreamName="target", ExtendedS3DestinationConfiguration=s3_config(
        "targets", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 1},
        ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    stream_arn = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/target"
    sqs, pipes, scheduler = server.client("sqs"), server.client("pipes"), server.client("scheduler")
    source_url = sqs.create_queue(QueueName="pipe-source")["QueueUrl"]
    source = sqs.get_queue_attributes(QueueUrl=source_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pipes.create_pipe(Name="to-firehose", Source=source, Target=stream_arn, RoleArn=FIREHOSE_ROLE,
                      TargetParameters={"InputTemplate": '{"piped": <$.body.n>}'})
    wait_state(pipes, "to-firehose", "RUNNING")
    sqs.send_message(QueueUrl=source_url, MessageBody='{"n": 7}')
    scheduler.create_schedule(Name="to-firehose", ScheduleExpression=soon(1), FlexibleTimeWindow={"Mode": "OFF"},
                              Target={"Arn": stream_arn, "RoleArn": FIREHOSE_ROLE, "Input": '{"scheduled": true}'})
    deadline = time.time() + 20
    lines = []
    while len(lines) < 2 and time.time() < deadline:
        lines = [line for obj in objects(s3, "targets", timeout=0).values() for line in obj["Body"].read().split(b"\n")
                 if line]
        time.sleep(0.3)
    assert sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines) == [
        '{"piped": 7}', '{"scheduled": true}']
