"""Every operation of every service Switchyard implements or plans answers through boto3.

For each operation of each botocore model below, boto3 serializes a valid input built from the model
(tests/model_inputs.py); Switchyard routes it, parses it in the service's protocol (awsQuery, awsJson,
restJson1, restXml, rpcv2Cbor) and validates it against the model; botocore then parses the answer.
Operations of services not built yet must answer 501 NotImplemented naming service and operation;
those of built services answer whatever the operation answers to such an input, never a failure to
parse, validate or serve it.
"""
import functools

import boto3
import botocore
import botocore.exceptions
import pytest
from botocore.config import Config

from conftest import REGION, Server
from model_inputs import input_for

BUILT = ["sqs", "sns", "sts", "iam", "events", "scheduler", "pipes", "s3", "lambda", "logs", "ecs", "kinesis",
         "firehose", "ses", "sesv2"]
PLANNED = [
    "cloudwatch", "application-autoscaling", "autoscaling", "appflow", "quicksight",
]
# Answers that mean the request itself was not understood, whatever the operation does.
NOT_UNDERSTOOD = {
    "SerializationException", "UnknownOperationException", "InvalidAction", "InternalFailure", "MalformedXML",
    "MissingParameter", "MissingRequiredParameterException",
}


def operations(service_names):
    for name in service_names:
        model = service_model(name)
        for operation in model.operation_names:
            yield name, operation


@pytest.fixture(scope="module")
def every_server():
    s = Server(storage="memory").start()
    yield s
    s.stop()


def call(server, service, operation):
    client = boto3.client(
        service, endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id="test",
        aws_secret_access_key="test",
        # Host prefixes (`{RequestRoute}.`, `streaming-`) would send the request to another host name.
        config=Config(retries={"max_attempts": 0}, inject_host_prefix=False, parameter_validation=True,
                      read_timeout=10))
    operation_model = client.meta.service_model.operation_model(operation)
    params = input_for(operation_model)
    method = getattr(client, botocore.xform_name(operation))
    try:
        response = method(**params)
    except botocore.exceptions.ClientError as error:
        return error.response, params
    return response, params


@functools.lru_cache(maxsize=None)
def service_model(service):
    return boto3.session.Session()._session.get_service_model(service)


def same_request(service, operation):
    model = service_model(service)
    http = model.operation_model(operation).http
    return [name for name in model.operation_names
            if model.operation_model(name).http.get("requestUri") == http.get("requestUri")
            and model.operation_model(name).http.get("method") == http.get("method")]


@pytest.mark.parametrize("service,operation", list(operations(PLANNED)))
def test_planned_operation_answers_not_implemented(every_server, service, operation):
    if service_model(service).operation_model(operation).deprecated and len(same_request(service, operation)) > 1:
        pytest.skip("a deprecated operation sent exactly as its successor is (S3's PutBucketNotification); "
                    "the request is its successor's")
    response, params = call(every_server, service, operation)
    error = response.get("Error", {})
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    assert status == 501, (params, response)
    if operation.startswith("Head") or error.get("Code") == "501":
        return  # HEAD answers carry no body, so no code or message
    assert error.get("Code") == "NotImplemented", (params, response)
    # A few operations share their method and URI with another (S3's ListDirectoryBuckets is
    # ListBuckets signed for S3 Express); AWS's own routing cannot tell them apart either.
    assert any(name in error.get("Message", "") for name in same_request(service, operation)), response


@pytest.mark.parametrize("service,operation", list(operations(BUILT)))
def test_built_operation_is_understood(every_server, service, operation):
    if service_model(service).operation_model(operation).deprecated and len(same_request(service, operation)) > 1:
        pytest.skip("a deprecated operation sent exactly as its successor is (S3's PutBucketLifecycle); "
                    "the request is its successor's")
    response, params = call(every_server, service, operation)
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    error = response.get("Error", {})
    assert status < 500 or error.get("Code") == "NotImplemented", (params, response)
    # S3 answers MalformedXML for a configuration left out of a PUT (the minimal input leaves it out).
    input_shape = service_model(service).operation_model(operation).input_shape
    payload = input_shape.serialization.get("payload") if input_shape else None
    if not (error.get("Code") == "MalformedXML" and payload and payload not in params):
        assert error.get("Code") not in NOT_UNDERSTOOD, (params, response)
    # Semantic checks of the service itself may refuse such an input, the model's constraints not.
    assert "failed to satisfy constraint" not in error.get("Message", ""), (params, response)
