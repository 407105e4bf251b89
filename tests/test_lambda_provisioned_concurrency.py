"""Provisioned concurrency as AWS answers it: configurations on published versions and aliases,
their allocation (IN_PROGRESS, READY, FAILED), invocations served by provisioned environments
(`AWS_LAMBDA_INITIALIZATION_TYPE`), and how they share the function's reserved concurrency.

The expected answers come from the Lambda API reference and developer guide and from AWS's recorded
answers (LocalStack's AWS-validated snapshots)."""
import json
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, Server
from test_lambda import create, zipped

INIT_TYPE = """
import os, time

def handler(event, context):
    time.sleep(event.get("wait", 0))
    return os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]
"""

FAILS_WHEN_PROVISIONED = """
import os

if os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] == "provisioned-concurrency":
    raise Exception("no provisioned start for me")

def handler(event, context):
    return os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]
"""


@pytest.fixture
def lam(server):
    server.reset()
    return server.client("lambda")


def function_with(lam, name, source=INIT_TYPE, **extra):
    create(lam, name, code=zipped({"app.py": (source, 0o644)}), Timeout=30, **extra)
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2})
    return lam.publish_version(FunctionName=name)["Version"]


def refusal(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response


def settled(lam, name, qualifier):
    deadline = time.time() + 60
    while time.time() < deadline:
        config = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        if config["Status"] != "IN_PROGRESS":
            return config
        time.sleep(0.2)
    raise AssertionError("provisioning did not settle")


def init_type(lam, name, qualifier, **payload):
    answer = lam.invoke(FunctionName=name, Qualifier=qualifier, Payload=json.dumps(payload))
    return json.load(answer["Payload"])


def test_a_version_keeps_provisioned_environments_that_serve_its_invocations_first(lam):
    version = function_with(lam, "warm")
    put = lam.put_provisioned_concurrency_config(FunctionName="warm", Qualifier=version,
                                                 ProvisionedConcurrentExecutions=2)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (put["Status"], put["RequestedProvisionedConcurrentExecutions"],
            put["AllocatedProvisionedConcurrentExecutions"], put["AvailableProvisionedConcurrentExecutions"]) == (
        "IN_PROGRESS", 2, 0, 0)
    ready = settled(lam, "warm", version)
    assert (ready["Status"], ready["AllocatedProvisionedConcurrentExecutions"],
            ready["AvailableProvisionedConcurrentExecutions"]) == ("READY", 2, 2)
    assert "StatusReason" not in ready

    assert init_type(lam, "warm", version) == "provisioned-concurrency"
    assert init_type(lam, "warm", "$LATEST") == "on-demand"

    # Two busy provisioned environments: a third invocation at the same time runs on demand.
    results = []
    threads = [threading.Thread(target=lambda: results.append(init_type(lam, "warm", version, wait=3)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    assert init_type(lam, "warm", version) == "on-demand"
    for thread in threads:
        thread.join()
    assert results == ["provisioned-concurrency", "provisioned-concurrency"]

    listed = lam.list_provisioned_concurrency_configs(FunctionName="warm")["ProvisionedConcurrencyConfigs"]
    assert [(c["FunctionArn"], c["Status"]) for c in listed] == [
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:warm:{version}", "READY")]

    deleted = lam.delete_provisioned_concurrency_config(FunctionName="warm", Qualifier=version)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    gone = refusal(lam.get_provisioned_concurrency_config, FunctionName="warm", Qualifier=version)
    assert gone["Error"] == {"Code": "ProvisionedConcurrencyConfigNotFoundException",
                             "Message": "No Provisioned Concurrency Config found for this function"}
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert init_type(lam, "warm", version) == "on-demand"


def test_an_alias_provisions_the_version_it_points_to(lam):
    version = function_with(lam, "aliased")
    lam.create_alias(FunctionName="aliased", Name="live", FunctionVersion=version)
    lam.put_provisioned_concurrency_config(FunctionName="aliased", Qualifier="live", ProvisionedConcurrentExecutions=1)
    assert settled(lam, "aliased", "live")["Status"] == "READY"
    assert init_type(lam, "aliased", "live") == "provisioned-concurrency"
    assert init_type(lam, "aliased", version) == "provisioned-concurrency"

    # The version itself has no configuration, and cannot get one while the alias holds it.
    response = refusal(lam.get_provisioned_concurrency_config, FunctionName="aliased", Qualifier=version)
    assert response["Error"]["Code"] == "ProvisionedConcurrencyConfigNotFoundException"
    response = refusal(lam.put_provisioned_concurrency_config, FunctionName="aliased", Qualifier=version,
                       ProvisionedConcurrentExecutions=1)
    assert response["Error"] == {"Code": "ResourceConflictException",
                                 "Message": "Version is pointed by a Provisioned Concurrency alias"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409

    # Deleting the alias deletes its configuration.
    lam.delete_alias(FunctionName="aliased", Name="live")
    assert lam.list_provisioned_concurrency_configs(FunctionName="aliased")["ProvisionedConcurrencyConfigs"] == []
    assert init_type(lam, "aliased", version) == "on-demand"

    # The other way round: a provisioned version cannot be provisioned again through an alias.
    lam.create_alias(FunctionName="aliased", Name="live", FunctionVersion=version)
    lam.put_provisioned_concurrency_config(FunctionName="aliased", Qualifier=version, ProvisionedConcurrentExecutions=1)
    response = refusal(lam.put_provisioned_concurrency_config, FunctionName="aliased", Qualifier="live",
                       ProvisionedConcurrentExecutions=1)
    assert response["Error"]["Message"] == (
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")


def test_a_failing_initialization_fails_the_configuration_and_invocations_run_on_demand(server, lam):
    version = function_with(lam, "fragile", source=FAILS_WHEN_PROVISIONED)
    lam.put_provisioned_concurrency_config(FunctionName="fragile", Qualifier=version,
                                           ProvisionedConcurrentExecutions=1)
    failed = settled(lam, "fragile", version)
    assert (failed["Status"], failed["StatusReason"], failed["AllocatedProvisionedConcurrentExecutions"]) == (
        "FAILED", "FUNCTION_ERROR_INIT_FAILURE", 0)
    assert init_type(lam, "fragile", version) == "on-demand"
    # Each initialization's output is in the function's log group.
    logs = server.client("logs")
    deadline = time.time() + 10
    while time.time() < deadline:
        events = logs.filter_log_events(logGroupName="/aws/lambda/fragile")["events"]
        if any("no provisioned start for me" in event["message"] for event in events):
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the failed initialization was not logged")


def test_provisioned_concurrency_errors_in_lambdas_words(lam):
    version = function_with(lam, "strict")
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function"
    cases = [
        (lam.get_provisioned_concurrency_config, {"FunctionName": "strict", "Qualifier": version},
         "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function"),
        (lam.get_provisioned_concurrency_config, {"FunctionName": "missing", "Qualifier": "noalias"},
         "ResourceNotFoundException", f"Cannot find alias arn: {arn}:missing:noalias"),
        (lam.get_provisioned_concurrency_config, {"FunctionName": "strict", "Qualifier": "10"},
         "ResourceNotFoundException", f"Function not found: {arn}:strict:10"),
        (lam.get_provisioned_concurrency_config, {"FunctionName": "strict", "Qualifier": "$LATEST"},
         "InvalidParameterValueException", "The function resource provided must be an alias or a published version."),
        (lam.list_provisioned_concurrency_configs, {"FunctionName": "missing"},
         "ResourceNotFoundException", f"Function not found: {arn}:missing"),
        (lam.delete_provisioned_concurrency_config, {"FunctionName": "missing", "Qualifier": "1"},
         "ResourceNotFoundException", f"Function not found: {arn}:missing:1"),
        (lam.put_provisioned_concurrency_config,
         {"FunctionName": "strict", "Qualifier": "$LATEST", "ProvisionedConcurrentExecutions": 1},
         "InvalidParameterValueException", "Provisioned Concurrency Configs cannot be applied to unpublished function versions."),
        (lam.put_provisioned_concurrency_config,
         {"FunctionName": "strict", "Qualifier": "nope", "ProvisionedConcurrentExecutions": 1},
         "ResourceNotFoundException", f"Cannot find alias arn: {arn}:strict:nope"),
        (lam.put_provisioned_concurrency_config,
         {"FunctionName": "strict", "Qualifier": version, "ProvisionedConcurrentExecutions": 1001},
         "InvalidParameterValueException",
         "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [1000]."),
        (lam.put_provisioned_concurrency_config,
         {"FunctionName": "strict", "Qualifier": version, "ProvisionedConcurrentExecutions": 1000},
         "InvalidParameterValueException",
         "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its "
         "minimum value of [100]."),
    ]
    for call, params, code, message in cases:
        response = refusal(call, **params)
        assert (response["Error"]["Code"], response["Error"]["Message"]) == (code, message), params
    # Deleting a configuration that is not there succeeds.
    answer = lam.delete_provisioned_concurrency_config(FunctionName="strict", Qualifier=version)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_provisioned_and_reserved_concurrency_share_the_functions_limit(lam):
    version = function_with(lam, "shared")
    lam.put_provisioned_concurrency_config(FunctionName="shared", Qualifier=version, ProvisionedConcurrentExecutions=2)
    assert settled(lam, "shared", version)["Status"] == "READY"
    # Provisioned environments of a function without reserved concurrency come out of the account's pool.
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 998

    response = refusal(lam.put_function_concurrency, FunctionName="shared", ReservedConcurrentExecutions=1)
    assert response["Error"]["Message"] == (
        " ReservedConcurrentExecutions  1 should not be lower than function's total provisioned concurrency [2].")
    lam.put_function_concurrency(FunctionName="shared", ReservedConcurrentExecutions=2)

    # Everything reserved is provisioned: $LATEST has nothing left, the version runs provisioned.
    response = refusal(lam.invoke, FunctionName="shared")
    assert response["Error"]["Code"] == "TooManyRequestsException"
    assert response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert response["Type"] == "User"
    assert init_type(lam, "shared", version) == "provisioned-concurrency"

    response = refusal(lam.put_provisioned_concurrency_config, FunctionName="shared", Qualifier=version,
                       ProvisionedConcurrentExecutions=3)
    assert response["Error"]["Message"] == (
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function")


def test_provisioned_environments_are_started_again_after_a_kill9():
    """A configuration acknowledged is stored: after a kill -9 and a restart its environments are
    provisioned again and serve the version."""
    server = Server().start()
    try:
        lam = server.client("lambda")
        version = function_with(lam, "lasting")
        lam.put_provisioned_concurrency_config(FunctionName="lasting", Qualifier=version,
                                               ProvisionedConcurrentExecutions=1)
        server.kill9()
        server.start()
        lam = server.client("lambda")
        assert settled(lam, "lasting", version)["Status"] == "READY"
        assert init_type(lam, "lasting", version) == "provisioned-concurrency"
    finally:
        server.stop()
