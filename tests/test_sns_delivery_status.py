"""SNS delivery status logging to CloudWatch Logs, and SNS's deliveries to functions as asynchronous
invocations, through boto3.

Expected values come from the SNS Developer Guide ("Amazon SNS message delivery status": the
`<Protocol>SuccessFeedbackRoleArn`, `...SampleRate` and `...FailureFeedbackRoleArn` topic attributes,
log groups `sns/<region>/<account>/<topic>` and `.../Failure`), from an entry AWS recorded for a
Lambda subscription (status SUCCESS, statusCode 202, providerResponse naming `lambdaRequestId`, the
MD5 of the message, no attempt count), and from the Lambda Developer Guide (SNS invokes functions
asynchronously; a function's dead-letter queue gets the event with the RequestID, ErrorCode and
ErrorMessage attributes)."""
import hashlib
import json
import time

from conftest import ACCOUNT, REGION
from test_lambda import ROLE, create, drain, zipped

FEEDBACK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/sns-feedback"

FAILING_HANDLER = """
def handler(event, context):
    raise RuntimeError("the handler refused it")
"""


def log_entries(logs, group, expected=1, timeout=15):
    """The JSON entries of a log group's streams, once there are `expected` of them."""
    deadline = time.time() + timeout
    entries = []
    while time.time() < deadline:
        try:
            streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
        except logs.exceptions.ResourceNotFoundException:
            streams = []
        entries = [json.loads(event["message"]) for stream in streams
                   for event in logs.get_log_events(logGroupName=group,
                                                    logStreamName=stream["logStreamName"])["events"]]
        if len(entries) >= expected:
            return entries
        time.sleep(0.2)
    return entries


def group_exists(logs, group):
    return any(g["logGroupName"] == group for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"])


def test_lambda_delivery_success_is_logged_as_aws_writes_it(server):
    server.reset()
    lam, sns, logs = server.client("lambda"), server.client("sns"), server.client("logs")
    function_arn = create(lam, "logged", code=zipped({"app.py": ("def handler(e, c):\n    return 1\n", 0o644)}))[
        "FunctionArn"]
    topic = sns.create_topic(Name="status-lambda")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)
    group = f"sns/{REGION}/{ACCOUNT}/status-lambda"

    # Without the attributes nothing is logged.
    sns.publish(TopicArn=topic, Message="not logged")
    sns.set_topic_attributes(TopicArn=topic, AttributeName="LambdaSuccessFeedbackRoleArn",
                             AttributeValue=FEEDBACK_ROLE)
    sns.set_topic_attributes(TopicArn=topic, AttributeName="LambdaSuccessFeedbackSampleRate", AttributeValue="100")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["LambdaSuccessFeedbackRoleArn"] == FEEDBACK_ROLE
    assert attributes["LambdaSuccessFeedbackSampleRate"] == "100"

    message_id = sns.publish(TopicArn=topic, Message="Should be received")["MessageId"]
    entries = log_entries(logs, group)
    assert len(entries) == 1
    assert len(logs.describe_log_streams(logGroupName=group)["logStreams"]) == 1
    entry = entries[0]
    assert entry["status"] == "SUCCESS"
    assert entry["notification"]["messageId"] == message_id
    assert entry["notification"]["topicArn"] == topic
    assert entry["notification"]["messageMD5Sum"] == hashlib.md5(b"Should be received").hexdigest()
    delivery = entry["delivery"]
    assert delivery["destination"] == function_arn
    assert delivery["statusCode"] == 202
    assert set(json.loads(delivery["providerResponse"])) == {"lambdaRequestId"}
    assert "attempts" not in delivery and delivery["dwellTimeMs"] >= 0


def test_sqs_success_sampling_and_failures(server):
    server.reset()
    sns, sqs, logs = server.client("sns"), server.client("sqs"), server.client("logs")
    queue = sqs.create_queue(QueueName="status-target")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="status-sqs", Attributes={
        "SQSSuccessFeedbackRoleArn": FEEDBACK_ROLE, "SQSSuccessFeedbackSampleRate": "100",
        "SQSFailureFeedbackRoleArn": FEEDBACK_ROLE})["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic, Message="to the queue")
    received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"][0]

    entry = log_entries(logs, f"sns/{REGION}/{ACCOUNT}/status-sqs")[0]
    assert entry["status"] == "SUCCESS" and entry["delivery"]["statusCode"] == 200
    assert entry["delivery"]["destination"] == queue_arn
    assert entry["delivery"]["attempts"] == 1
    assert json.loads(entry["delivery"]["providerResponse"])["sqsMessageId"] == received["MessageId"]

    # A queue that is gone: the failure goes to the topic's Failure group.
    missing = f"arn:aws:sqs:{REGION}:{ACCOUNT}:no-such-queue"
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=missing)
    sns.publish(TopicArn=topic, Message="to nowhere")
    failure = log_entries(logs, f"sns/{REGION}/{ACCOUNT}/status-sqs/Failure")[0]
    assert failure["status"] == "FAILURE" and failure["delivery"]["destination"] == missing

    # A sample rate of 0 logs no success.
    quiet = sns.create_topic(Name="status-quiet", Attributes={
        "SQSSuccessFeedbackRoleArn": FEEDBACK_ROLE, "SQSSuccessFeedbackSampleRate": "0"})["TopicArn"]
    sns.subscribe(TopicArn=quiet, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=quiet, Message="unlogged")
    assert sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5).get("Messages")
    time.sleep(0.5)
    assert not group_exists(logs, f"sns/{REGION}/{ACCOUNT}/status-quiet")


def test_function_errors_go_to_the_functions_dead_letter_topic(server):
    """SNS hands the event to Lambda, which retries it as the function's event invoke config says and
    then sends it to the function's dead-letter queue, here a topic that forwards to a queue."""
    server.reset()
    lam, sns, sqs = server.client("lambda"), server.client("sns"), server.client("sqs")
    dead_letters = sns.create_topic(Name="function-dlq")["TopicArn"]
    queue = sqs.create_queue(QueueName="function-dlq-copy")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=dead_letters, Protocol="sqs", Endpoint=queue_arn)
    function_arn = create(lam, "refuser", code=zipped({"app.py": (FAILING_HANDLER, 0o644)}),
                          DeadLetterConfig={"TargetArn": dead_letters})["FunctionArn"]
    lam.put_function_event_invoke_config(FunctionName="refuser", MaximumRetryAttempts=0)
    source = sns.create_topic(Name="to-refuser")["TopicArn"]
    subscription = sns.subscribe(TopicArn=source, Protocol="lambda", Endpoint=function_arn)["SubscriptionArn"]
    message_id = sns.publish(TopicArn=source, Message=json.dumps({"order": 7}))["MessageId"]

    bodies = drain(sqs, queue, expected=1)
    assert len(bodies) == 1
    envelope = json.loads(bodies[0])
    assert envelope["TopicArn"] == dead_letters
    event = json.loads(envelope["Message"])
    record = event["Records"][0]
    assert record["EventSource"] == "aws:sns" and record["EventSubscriptionArn"] == subscription
    assert record["Sns"]["MessageId"] == message_id and json.loads(record["Sns"]["Message"]) == {"order": 7}
    attributes = envelope["MessageAttributes"]
    assert attributes["ErrorCode"] == {"Type": "Number", "Value": "200"}
    assert attributes["ErrorMessage"] == {"Type": "String", "Value": "the handler refused it"}
    assert attributes["RequestID"]["Type"] == "String" and attributes["RequestID"]["Value"]
