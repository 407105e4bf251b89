"""CloudWatch Logs metric filters as AWS answers them: kept with their log group, described by
group, name prefix or metric, deleted, validated in AWS's words, and tried by TestMetricFilter.

The expected answers come from the CloudWatch Logs API reference and from AWS's recorded answers
(LocalStack's AWS-validated snapshots)."""
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def logs(server):
    server.reset()
    return server.client("logs")


def transformation(name="errors", namespace="app", value="1", **extra):
    return {"metricName": name, "metricNamespace": namespace, "metricValue": value, **extra}


def refusal(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response["Error"]


def test_metric_filters_are_kept_described_and_deleted(logs):
    for group in ("web", "worker"):
        logs.create_log_group(logGroupName=group)
    logs.put_metric_filter(logGroupName="web", filterName="errors-web", filterPattern="ERROR",
                           metricTransformations=[transformation(defaultValue=0)])
    logs.put_metric_filter(logGroupName="worker", filterName="errors-worker", filterPattern="{ $.level = \"error\" }",
                           metricTransformations=[transformation(namespace="A.B-c_d/1#2:ns", value="$.count")])
    logs.put_metric_filter(logGroupName="worker", filterName="latency", filterPattern="[ip, user, ms]",
                           metricTransformations=[transformation(name="latency", value="$ms", unit="Milliseconds")])

    [web] = logs.describe_metric_filters(logGroupName="web")["metricFilters"]
    assert web["filterName"] == "errors-web" and web["logGroupName"] == "web"
    assert web["filterPattern"] == "ERROR" and web["applyOnTransformedLogs"] is False
    assert web["metricTransformations"] == [
        {"metricName": "errors", "metricNamespace": "app", "metricValue": "1", "defaultValue": 0.0}]
    assert isinstance(web["creationTime"], int)

    # Across the account's groups, by name prefix or by metric.
    by_prefix = logs.describe_metric_filters(filterNamePrefix="errors-")["metricFilters"]
    assert [(f["logGroupName"], f["filterName"]) for f in by_prefix] == [
        ("web", "errors-web"), ("worker", "errors-worker")]
    by_metric = logs.describe_metric_filters(metricName="errors", metricNamespace="A.B-c_d/1#2:ns")["metricFilters"]
    assert [f["filterName"] for f in by_metric] == ["errors-worker"]

    # Putting a filter of the same name replaces it.
    logs.put_metric_filter(logGroupName="web", filterName="errors-web", filterPattern="FATAL",
                           metricTransformations=[transformation()])
    assert [f["filterPattern"] for f in logs.describe_metric_filters(logGroupName="web")["metricFilters"]] == ["FATAL"]

    logs.delete_metric_filter(logGroupName="web", filterName="errors-web")
    assert logs.describe_metric_filters(logGroupName="web")["metricFilters"] == []
    error = refusal(logs.delete_metric_filter, logGroupName="web", filterName="errors-web")
    assert (error["Code"], error["Message"]) == ("ResourceNotFoundException", "The specified metric filter does not exist.")


def test_metric_filter_errors_in_aws_words(logs):
    logs.create_log_group(logGroupName="web")
    error = refusal(logs.put_metric_filter, logGroupName="missing", filterName="f", filterPattern="x",
                    metricTransformations=[transformation()])
    assert (error["Code"], error["Message"]) == ("ResourceNotFoundException", "The specified log group does not exist.")
    error = refusal(logs.put_metric_filter, logGroupName="web", filterName="f", filterPattern="x",
                    metricTransformations=[transformation(name="metric1", namespace="namespace1"),
                                           transformation(name="metric2", namespace="namespace2")])
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"] == (
        "1 validation error detected: Value '[MetricTransformation(metricName=metric1, metricNamespace=namespace1, "
        "metricValue=1, defaultValue=null, unit=null, dimensions=null), MetricTransformation(metricName=metric2, "
        "metricNamespace=namespace2, metricValue=1, defaultValue=null, unit=null, dimensions=null)]' at "
        "'metricTransformations' failed to satisfy constraint: Member must have length less than or equal to 1")
    error = refusal(logs.delete_metric_filter, logGroupName="x" * 513, filterName="f")
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterException", "Invalid LogGroup or LogStream, both must have length less than or equal to 512.")
    error = refusal(logs.describe_metric_filters, metricName="x" * 256, metricNamespace="n")
    assert error["Message"] == (
        f"1 validation error detected: Value '{'x' * 256}' at 'metricName' failed to satisfy constraint: "
        "Member must have length less than or equal to 255")


def test_test_metric_filter_reports_matches_and_named_fields(logs):
    answer = logs.test_metric_filter(
        filterPattern="[ip, user, status=5*, ms]",
        logEventMessages=["10.0.0.1 alice 200 12", "10.0.0.2 bob 503 40", "10.0.0.3 carol 500 7"])
    assert answer["matches"] == [
        {"eventNumber": 2, "eventMessage": "10.0.0.2 bob 503 40",
         "extractedValues": {"$ip": "10.0.0.2", "$user": "bob", "$status": "503", "$ms": "40"}},
        {"eventNumber": 3, "eventMessage": "10.0.0.3 carol 500 7",
         "extractedValues": {"$ip": "10.0.0.3", "$user": "carol", "$status": "500", "$ms": "7"}},
    ]
    answer = logs.test_metric_filter(filterPattern="{ $.val = * }", logEventMessages=['{"val": 3}', '{"other": 1}'])
    assert [m["eventNumber"] for m in answer["matches"]] == [1]
