"""Lambda's Java runtimes through boto3: functions compiled here with javac and run by Switchyard's
Java runtime client with the machine's JDK.

Expected values come from the Lambda developer guide's Java pages ("Define Lambda function handler
in Java", "Using the Lambda context object to retrieve Java function information", "AWS Lambda
function errors in Java") and from the answers AWS recorded for java17 functions (an uncaught
`RuntimeException` as `errorType` `java.lang.RuntimeException` with its message)."""
import base64
import datetime
import io
import json
import pathlib
import shutil
import subprocess
import time
import zipfile

import pytest

from test_lambda import create, invoke, zipped
from test_lambda_log_events import function_events

pytestmark = pytest.mark.skipif(not (shutil.which("java") and shutil.which("javac")),
                                reason="Java functions run where a JDK is installed")

# The interfaces of aws-lambda-java-core that the handlers below use, as a function bundles them
# (their published signatures; the library itself comes from Maven Central, out of reach here).
CORE = {
    "com/amazonaws/services/lambda/runtime/Context.java": """
package com.amazonaws.services.lambda.runtime;
public interface Context {
    String getAwsRequestId();
    String getLogGroupName();
    String getLogStreamName();
    String getFunctionName();
    String getFunctionVersion();
    String getInvokedFunctionArn();
    CognitoIdentity getIdentity();
    ClientContext getClientContext();
    int getRemainingTimeInMillis();
    int getMemoryLimitInMB();
    LambdaLogger getLogger();
}
""",
    "com/amazonaws/services/lambda/runtime/CognitoIdentity.java": """
package com.amazonaws.services.lambda.runtime;
public interface CognitoIdentity {
    String getIdentityId();
    String getIdentityPoolId();
}
""",
    "com/amazonaws/services/lambda/runtime/ClientContext.java": """
package com.amazonaws.services.lambda.runtime;
public interface ClientContext {
    Client getClient();
    java.util.Map<String, String> getCustom();
    java.util.Map<String, String> getEnvironment();
}
""",
    "com/amazonaws/services/lambda/runtime/Client.java": """
package com.amazonaws.services.lambda.runtime;
public interface Client {
    String getInstallationId();
    String getAppTitle();
    String getAppVersionName();
    String getAppVersionCode();
    String getAppPackageName();
}
""",
    "com/amazonaws/services/lambda/runtime/LambdaLogger.java": """
package com.amazonaws.services.lambda.runtime;
public interface LambdaLogger {
    void log(String message);
    void log(byte[] message);
}
""",
    "com/amazonaws/services/lambda/runtime/RequestHandler.java": """
package com.amazonaws.services.lambda.runtime;
public interface RequestHandler<I, O> {
    O handleRequest(I input, Context context);
}
""",
    "com/amazonaws/services/lambda/runtime/RequestStreamHandler.java": """
package com.amazonaws.services.lambda.runtime;
import java.io.*;
public interface RequestStreamHandler {
    void handleRequest(InputStream input, OutputStream output, Context context) throws IOException;
}
""",
}

SOURCES = {
    "example/Handler.java": """
package example;
import com.amazonaws.services.lambda.runtime.*;
import java.util.*;
public class Handler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        context.getLogger().log("java got " + event + "\\n");
        if (event.containsKey("error_msg")) {
            throw new RuntimeException("Error: " + event.get("error_msg"),
                                       new IllegalStateException("the cause"));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event", event);
        answer.put("greeting", example.lib.Greeter.greet());
        answer.put("function", context.getFunctionName());
        answer.put("version", context.getFunctionVersion());
        answer.put("arn", context.getInvokedFunctionArn());
        answer.put("request", context.getAwsRequestId());
        answer.put("memory", context.getMemoryLimitInMB());
        answer.put("remaining", context.getRemainingTimeInMillis());
        answer.put("group", context.getLogGroupName());
        answer.put("identity", String.valueOf(context.getIdentity()));
        ClientContext client = context.getClientContext();
        if (client != null) {
            answer.put("clientCustom", client.getCustom());
            answer.put("clientApp", client.getClient() == null ? null : client.getClient().getAppTitle());
        }
        // What a library that prints the context by reflection (Gson, say) reads: its plain fields.
        List<String> fields = new ArrayList<>();
        for (java.lang.reflect.Field field : context.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isTransient(field.getModifiers())) continue;
            field.setAccessible(true);
            try {
                fields.add(field.getName() + "=" + field.get(context));
            } catch (IllegalAccessException e) {
                throw new RuntimeException(e);
            }
        }
        answer.put("fields", fields);
        Map<String, String> shell = new LinkedHashMap<>();
        for (String name : List.of("PWD", "SHLVL", "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV")) shell.put(name, System.getenv(name));
        answer.put("env", shell);
        return answer;
    }
}
""",
    "example/Orders.java": """
package example;
import java.util.*;
public class Orders {
    public static class Order {
        private String customer;
        private List<Integer> items;
        public void setCustomer(String customer) { this.customer = customer; }
        public void setItems(List<Integer> items) { this.items = items; }
        public String getCustomer() { return customer; }
        public List<Integer> getItems() { return items; }
    }
    public static class Summary {
        public String customer;
        public String note;
        public int total;
        public boolean isLarge() { return total > 10; }
    }
    public Summary count(Order order) {
        Summary summary = new Summary();
        summary.customer = order.getCustomer().toUpperCase();
        for (int item : order.getItems()) summary.total += item;
        return summary;
    }
}
""",
    "example/Counting.java": """
package example;
import com.amazonaws.services.lambda.runtime.*;
public abstract class Counting<T> implements RequestHandler<T, String> {
    @Override
    public String handleRequest(T input, Context context) { return describe(input); }
    protected abstract String describe(T input);
}
""",
    "example/OrderCounter.java": """
package example;
public class OrderCounter extends Counting<Orders.Order> {
    @Override
    protected String describe(Orders.Order order) { return order.getCustomer() + ":" + order.getItems().size(); }
}
""",
    "example/Shout.java": """
package example;
import com.amazonaws.services.lambda.runtime.*;
import java.io.*;
import java.nio.charset.StandardCharsets;
public class Shout implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String text = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        output.write(text.toUpperCase().getBytes(StandardCharsets.UTF_8));
    }
}
""",
}

# Classes shaped as aws-lambda-java-events shapes its SQS event (setters named after the members
# in another case: `Records`, `eventSourceARN`; binary attributes as ByteBuffer) and a date-time
# type made from its text, as Joda-Time's DateTime is in the SNS event.
EVENTS = {
    "example/events/QueueEvent.java": """
package example.events;
import java.nio.ByteBuffer;
import java.util.*;
public class QueueEvent {
    public static class Attribute {
        private String stringValue;
        private ByteBuffer binaryValue;
        private String dataType;
        public void setStringValue(String value) { stringValue = value; }
        public void setBinaryValue(ByteBuffer value) { binaryValue = value; }
        public void setDataType(String value) { dataType = value; }
        public String getStringValue() { return stringValue; }
        public ByteBuffer getBinaryValue() { return binaryValue; }
        public String getDataType() { return dataType; }
    }
    public static class Message {
        private String messageId, body, eventSourceArn;
        private Map<String, String> attributes;
        private Map<String, Attribute> messageAttributes;
        public void setMessageId(String value) { messageId = value; }
        public void setBody(String value) { body = value; }
        public void setEventSourceArn(String value) { eventSourceArn = value; }
        public void setAttributes(Map<String, String> value) { attributes = value; }
        public void setMessageAttributes(Map<String, Attribute> value) { messageAttributes = value; }
        public String getMessageId() { return messageId; }
        public String getBody() { return body; }
        public String getEventSourceArn() { return eventSourceArn; }
        public Map<String, String> getAttributes() { return attributes; }
        public Map<String, Attribute> getMessageAttributes() { return messageAttributes; }
    }
    public static class Stamp {
        private final java.time.Instant instant;
        public Stamp(Object text) { instant = java.time.Instant.parse(text.toString()); }
        public long millis() { return instant.toEpochMilli(); }
    }
    private List<Message> records;
    private Stamp sent;
    public void setRecords(List<Message> value) { records = value; }
    public List<Message> getRecords() { return records; }
    public void setSent(Stamp value) { sent = value; }
    public Stamp getSent() { return sent; }
}
""",
    "example/QueueReader.java": """
package example;
import example.events.QueueEvent;
import java.nio.charset.StandardCharsets;
import java.util.*;
public class QueueReader {
    public List<String> handleRequest(QueueEvent event) {
        List<String> seen = new ArrayList<>();
        for (QueueEvent.Message message : event.getRecords()) {
            QueueEvent.Attribute blob = message.getMessageAttributes().get("blob");
            byte[] bytes = new byte[blob.getBinaryValue().remaining()];
            blob.getBinaryValue().get(bytes);
            seen.add(message.getMessageId() + " " + message.getBody() + " " + message.getEventSourceArn() + " "
                     + message.getAttributes().get("ApproximateReceiveCount") + " "
                     + new String(bytes, StandardCharsets.UTF_8) + " " + event.getSent().millis());
        }
        return seen;
    }
}
""",
}

# Classes shaped as aws-lambda-java-events 3 shapes three events Switchyard's services send: the S3
# event's records only through constructors with parameters, into final fields (`x-amz-request-id`
# fills `xAmzRequestId`, `eventTime` becomes a ZonedDateTime); a Kinesis record's arrival time as a
# Date and its data as a ByteBuffer; EventBridge's `detail-type` through `setDetailType`.
AWS_EVENTS = {
    "com/amazonaws/services/lambda/runtime/events/models/s3/S3EventNotification.java": """
package com.amazonaws.services.lambda.runtime.events.models.s3;
import java.time.ZonedDateTime;
import java.util.List;
public class S3EventNotification {
    private final List<S3EventNotificationRecord> records;
    public S3EventNotification(List<S3EventNotificationRecord> records) { this.records = records; }
    public List<S3EventNotificationRecord> getRecords() { return records; }
    public static class BucketEntity {
        private final String name, arn;
        public BucketEntity(String name, String arn) { this.name = name; this.arn = arn; }
        public String getName() { return name; }
        public String getArn() { return arn; }
    }
    public static class ObjectEntity {
        private final String key, eTag;
        private final Long size;
        public ObjectEntity(String key, Long size, String eTag) { this.key = key; this.size = size; this.eTag = eTag; }
        public String getKey() { return key; }
        public Long getSizeAsLong() { return size; }
        public String geteTag() { return eTag; }
    }
    public static class S3Entity {
        private final BucketEntity bucket;
        private final ObjectEntity object;
        public S3Entity(BucketEntity bucket, ObjectEntity object) { this.bucket = bucket; this.object = object; }
        public BucketEntity getBucket() { return bucket; }
        public ObjectEntity getObject() { return object; }
    }
    public static class ResponseElementsEntity {
        private final String xAmzId2, xAmzRequestId;
        public ResponseElementsEntity(String xAmzId2, String xAmzRequestId) { this.xAmzId2 = xAmzId2; this.xAmzRequestId = xAmzRequestId; }
        public String getxAmzRequestId() { return xAmzRequestId; }
    }
    public static class S3EventNotificationRecord {
        private final String eventName;
        private ZonedDateTime eventTime;
        private final ResponseElementsEntity responseElements;
        private final S3Entity s3;
        public S3EventNotificationRecord(String eventName, String eventTime, ResponseElementsEntity responseElements, S3Entity s3) {
            this.eventName = eventName;
            if (eventTime != null) this.eventTime = ZonedDateTime.parse(eventTime);
            this.responseElements = responseElements;
            this.s3 = s3;
        }
        public String getEventName() { return eventName; }
        public ZonedDateTime getEventTime() { return eventTime; }
        public ResponseElementsEntity getResponseElements() { return responseElements; }
        public S3Entity getS3() { return s3; }
    }
}
""",
    "com/amazonaws/services/lambda/runtime/events/S3Event.java": """
package com.amazonaws.services.lambda.runtime.events;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import java.util.List;
public class S3Event extends S3EventNotification {
    public S3Event(List<S3EventNotificationRecord> records) { super(records); }
}
""",
    "com/amazonaws/services/lambda/runtime/events/KinesisEvent.java": """
package com.amazonaws.services.lambda.runtime.events;
import java.nio.ByteBuffer;
import java.util.*;
public class KinesisEvent {
    public static class Record {
        private String partitionKey;
        private Date approximateArrivalTimestamp;
        private ByteBuffer data;
        public void setPartitionKey(String value) { partitionKey = value; }
        public void setApproximateArrivalTimestamp(Date value) { approximateArrivalTimestamp = value; }
        public void setData(ByteBuffer value) { data = value; }
        public String getPartitionKey() { return partitionKey; }
        public Date getApproximateArrivalTimestamp() { return approximateArrivalTimestamp; }
        public ByteBuffer getData() { return data; }
    }
    public static class KinesisEventRecord {
        private Record kinesis;
        private String eventSourceArn;
        public void setKinesis(Record value) { kinesis = value; }
        public void setEventSourceARN(String value) { eventSourceArn = value; }
        public Record getKinesis() { return kinesis; }
        public String getEventSourceARN() { return eventSourceArn; }
    }
    private List<KinesisEventRecord> records;
    public void setRecords(List<KinesisEventRecord> value) { records = value; }
    public List<KinesisEventRecord> getRecords() { return records; }
}
""",
    "com/amazonaws/services/lambda/runtime/events/ScheduledEvent.java": """
package com.amazonaws.services.lambda.runtime.events;
import java.time.ZonedDateTime;
import java.util.*;
public class ScheduledEvent {
    private String source, detailType;
    private ZonedDateTime time;
    private Map<String, Object> detail;
    public void setSource(String value) { source = value; }
    public void setDetailType(String value) { detailType = value; }
    public void setTime(ZonedDateTime value) { time = value; }
    public void setDetail(Map<String, Object> value) { detail = value; }
    public String getSource() { return source; }
    public String getDetailType() { return detailType; }
    public ZonedDateTime getTime() { return time; }
    public Map<String, Object> getDetail() { return detail; }
}
""",
    "example/EventPrinter.java": """
package example;
import com.amazonaws.services.lambda.runtime.events.*;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import java.nio.charset.StandardCharsets;
public class EventPrinter {
    public void s3(S3Event event) {
        for (S3EventNotificationRecord record : event.getRecords()) {
            System.out.println("S3 " + record.getEventName() + " " + record.getS3().getBucket().getName() + "/"
                + record.getS3().getObject().getKey() + " size=" + record.getS3().getObject().getSizeAsLong()
                + " etag=" + record.getS3().getObject().geteTag()
                + " request=" + record.getResponseElements().getxAmzRequestId()
                + " year=" + record.getEventTime().getYear());
        }
    }
    public void kinesis(KinesisEvent event) {
        for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
            byte[] bytes = new byte[record.getKinesis().getData().remaining()];
            record.getKinesis().getData().get(bytes);
            long age = System.currentTimeMillis() - record.getKinesis().getApproximateArrivalTimestamp().getTime();
            System.out.println("KINESIS " + record.getKinesis().getPartitionKey() + " "
                + new String(bytes, StandardCharsets.UTF_8) + " recent=" + (age >= 0 && age < 600000)
                + " from=" + record.getEventSourceARN());
        }
    }
    public void scheduled(ScheduledEvent event) {
        System.out.println("EVENT " + event.getSource() + " " + event.getDetailType() + " " + event.getDetail()
            + " year=" + event.getTime().getYear());
    }
}
""",
}

GREETER = {
    "example/lib/Greeter.java": """
package example.lib;
public class Greeter {
    public static String greet() { return "hello from a jar in lib/"; }
}
""",
}


def compiled(tmp_path, sources, classpath=None):
    """The class files javac makes of the sources, by their paths under the output directory."""
    source_dir, out = tmp_path / "src", tmp_path / "out"
    for name, text in sources.items():
        path = source_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    out.mkdir(parents=True, exist_ok=True)
    command = ["javac", "-nowarn", "-d", str(out)] + (["-cp", str(classpath)] if classpath else [])
    subprocess.run(command + [str(p) for p in source_dir.rglob("*.java")], check=True, capture_output=True)
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.class")}


@pytest.fixture(scope="module")
def java_code(tmp_path_factory):
    base = tmp_path_factory.mktemp("java")
    # A library jar, as a build tool puts dependencies under lib/ of the deployment package.
    library = compiled(base / "library", GREETER)
    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w") as archive:
        for name, data in library.items():
            archive.writestr(name, data)
    (base / "greeter.jar").write_bytes(jar.getvalue())
    classes = compiled(base / "function", {**CORE, **SOURCES, **EVENTS, **AWS_EVENTS}, classpath=base / "greeter.jar")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in classes.items():
            archive.writestr(name, data)
        archive.writestr("lib/greeter.jar", jar.getvalue())
    return buffer.getvalue()


@pytest.fixture
def lam(server):
    server.reset()
    return server.client("lambda")


def test_a_request_handler_gets_the_event_and_a_context(lam, java_code):
    create(lam, "java-fn", code=java_code, runtime="java17", handler="example.Handler", MemorySize=512)
    answer = invoke(lam, "java-fn", {"n": 3, "tags": ["a"]}, LogType="Tail")
    assert "FunctionError" not in answer
    body = answer["Body"]
    assert body["event"] == {"n": 3, "tags": ["a"]}
    assert body["greeting"] == "hello from a jar in lib/"
    assert body["function"] == "java-fn" and body["version"] == "$LATEST"
    assert body["arn"].endswith(":function:java-fn") and body["memory"] == 512
    assert 0 < body["remaining"] <= 3000 and body["group"] == "/aws/lambda/java-fn"
    assert body["request"] == answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert body["identity"] == "null"
    # Lambda starts the JVM directly: no PWD and no SHLVL (AWS's recording of a java17 environment).
    assert body["env"]["PWD"] is None and body["env"]["SHLVL"] is None
    assert body["env"]["AWS_EXECUTION_ENV"] == "AWS_Lambda_java17"
    assert f"awsRequestId={body['request']}" in body["fields"] and "functionName=java-fn" in body["fields"]
    assert "java got {n=3, tags=[a]}" in base64.b64decode(answer["LogResult"]).decode()
    assert "clientCustom" not in body
    # The invoker's client context, in the AWS Mobile SDK's form (developer guide, "Using the Lambda
    # context object to retrieve Java function information": getClientContext).
    client_context = {"client": {"app_title": "Notes", "installation_id": "i-1"}, "custom": {"tenant": "t1"},
                      "env": {"platform": "Android"}}
    answer = invoke(lam, "java-fn", {"n": 4}, ClientContext=base64.b64encode(json.dumps(client_context).encode()).decode())
    assert answer["Body"]["clientCustom"] == {"tenant": "t1"} and answer["Body"]["clientApp"] == "Notes"


def test_a_named_method_converts_the_event_to_a_bean_and_answers_one(lam, java_code):
    # The method form `package.Class::method`; the event's members fill the bean through its
    # setters, and the answer is the bean's properties (getters and public fields).
    # A property that is null is left out of the answer (`note`), as AWS's runtime writes answers.
    create(lam, "java-orders", code=java_code, runtime="java21", handler="example.Orders::count")
    answer = invoke(lam, "java-orders", {"customer": "ada", "items": [4, 5, 6]})
    assert answer["Body"] == {"large": True, "customer": "ADA", "total": 15}
    # Read as leniently as AWS's runtime reads events: a number for a string is its text, a single
    # value for a list is a list of one, a list of one for a single value is that value.
    answer = invoke(lam, "java-orders", {"customer": [7], "items": 4})
    assert answer["Body"] == {"large": False, "customer": "7", "total": 4}
    # A generic base class's handleRequest(T, Context): T as the handler class binds it.
    create(lam, "java-generic", code=java_code, runtime="java17", handler="example.OrderCounter")
    assert invoke(lam, "java-generic", {"customer": "ada", "items": [1, 2]})["Body"] == "ada:2"
    # A value that cannot become the parameter's type is a function error.
    failed = invoke(lam, "java-orders", {"customer": "ada", "items": "many"})
    assert failed["FunctionError"] == "Unhandled"


def test_an_sqs_event_fills_beans_named_in_another_case(lam, java_code):
    # An SQS event as Lambda delivers it (developer guide, "Using Lambda with Amazon SQS"): members
    # reach setters whose names differ in case, a binary attribute in base64 becomes a ByteBuffer,
    # and a type made from its text (a date-time) is made from the member's string.
    create(lam, "java-queue", code=java_code, runtime="java17", handler="example.QueueReader")
    event = {"sent": "2026-11-29T10:00:00Z", "Records": [{
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d", "body": "Test message.",
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1545082649183"},
        "messageAttributes": {"blob": {"binaryValue": base64.b64encode(b"raw bytes").decode(), "dataType": "Binary"}},
        "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:my-queue",
        "awsRegion": "us-east-1"}]}
    assert invoke(lam, "java-queue", event)["Body"] == [
        "059f36b4-87a3-44ab-83d2-661975830a7d Test message. arn:aws:sqs:us-east-1:123456789012:my-queue 1 "
        "raw bytes 1795946400000"]


def test_a_stream_handler_writes_its_answer(lam, java_code):
    create(lam, "java-stream", code=java_code, runtime="java17", handler="example.Shout")
    answer = lam.invoke(FunctionName="java-stream", Payload=b'"quiet words"')
    assert answer["Payload"].read() == b'"QUIET WORDS"'


def test_java_exceptions_are_answered_as_aws_documents_them(lam, java_code):
    create(lam, "java-err", code=java_code, runtime="java17", handler="example.Handler")
    failed = invoke(lam, "java-err", {"error_msg": "some_error_msg"}, LogType="Tail")
    assert failed["FunctionError"] == "Unhandled"
    body = failed["Body"]
    assert body["errorMessage"] == "Error: some_error_msg"
    assert body["errorType"] == "java.lang.RuntimeException"
    assert body["stackTrace"][0].startswith("example.Handler.handleRequest(Handler.java:")
    assert body["cause"]["errorType"] == "java.lang.IllegalStateException"
    assert body["cause"]["errorMessage"] == "the cause"
    assert "java.lang.RuntimeException: Error: some_error_msg" in base64.b64decode(failed["LogResult"]).decode()
    # The environment goes on: the next invocation succeeds.
    assert invoke(lam, "java-err", {"n": 1})["Body"]["event"] == {"n": 1}


def test_a_missing_handler_class_is_an_init_error(lam, java_code):
    create(lam, "java-missing", code=java_code, runtime="java17", handler="example.Missing::handleRequest")
    answer = invoke(lam, "java-missing", {})
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Body"]["errorType"] == "java.lang.ClassNotFoundException"
    assert answer["Body"]["errorMessage"] == "Class not found: example.Missing"


def printed(logs, name, prefix):
    """The lines a function printed that start with the prefix, once one has arrived."""
    deadline = time.time() + 30
    while time.time() < deadline:
        lines = [line.strip() for line in function_events(logs, name, 1) if line.startswith(prefix)]
        if lines:
            return lines
        time.sleep(0.3)
    raise AssertionError(f"no {prefix!r} line from {name}")


def test_aws_event_classes_are_filled_from_what_s3_kinesis_and_eventbridge_send(server, lam, java_code):
    # aws-lambda-java-events' classes as AWS's runtime fills them (Lambda developer guide, "Using
    # Lambda with Amazon S3", "... with Kinesis Data Streams", "... with EventBridge"): the S3 event's
    # records have no setters and no constructor without parameters, `x-amz-request-id` fills
    # `xAmzRequestId`, `detail-type` fills `detailType`, a Kinesis arrival time is seconds.
    logs = server.client("logs")
    for name, method in [("java-s3", "s3"), ("java-kinesis", "kinesis"), ("java-rule", "scheduled")]:
        create(lam, name, code=java_code, runtime="java17", handler=f"example.EventPrinter::{method}")
    arn = lambda name: lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    year = datetime.datetime.now(datetime.timezone.utc).year

    s3 = server.client("s3")
    s3.create_bucket(Bucket="java-uploads")
    s3.put_bucket_notification_configuration(Bucket="java-uploads", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn("java-s3"), "Events": ["s3:ObjectCreated:*"]}]})
    put = s3.put_object(Bucket="java-uploads", Key="notes.txt", Body=b"twelve bytes")
    request_id = put["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"]
    assert printed(logs, "java-s3", "S3 ") == [
        f"S3 ObjectCreated:Put java-uploads/notes.txt size=12 etag={put['ETag'].strip(chr(34))} "
        f"request={request_id} year={year}"]

    kinesis = server.client("kinesis")
    kinesis.create_stream(StreamName="java-stream", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="java-stream", WaiterConfig={"Delay": 0.2})
    stream_arn = kinesis.describe_stream(StreamName="java-stream")["StreamDescription"]["StreamARN"]
    kinesis.put_record(StreamName="java-stream", Data=b"reading 7", PartitionKey="sensor-1")
    lam.create_event_source_mapping(FunctionName="java-kinesis", EventSourceArn=stream_arn,
                                    StartingPosition="TRIM_HORIZON")
    assert printed(logs, "java-kinesis", "KINESIS ") == [f"KINESIS sensor-1 reading 7 recent=true from={stream_arn}"]

    events = server.client("events")
    events.put_rule(Name="to-java", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="to-java", Targets=[{"Id": "fn", "Arn": arn("java-rule")}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order placed", "Detail": json.dumps({"total": 3})}])
    assert printed(logs, "java-rule", "EVENT ") == [f"EVENT shop order placed {{total=3}} year={year}"]
