"""Lambda configuration as AWS answers it: SnapStart, versions published by an update, reserved
concurrency limits, oversized code uploads and lists of plain values that fail validation.

The expected answers come from the Lambda API reference and developer guide and from AWS's recorded
answers (LocalStack's AWS-validated snapshots)."""
import re

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT
from test_lambda import PYTHON_ZIP, ROLE, create


@pytest.fixture
def lam(server):
    server.reset()
    return server.client("lambda")


def refusal(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return e.value.response


def test_snapstart_is_kept_and_applies_to_published_versions(lam):
    created = create(lam, "snappy", SnapStart={"ApplyOn": "PublishedVersions"})
    assert created["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}

    # $LATEST never runs from a snapshot; a version published while SnapStart is on does.
    published = lam.publish_version(FunctionName="snappy")
    assert published["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    latest = lam.get_function_configuration(FunctionName="snappy")
    assert latest["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}

    # Turned on by an update too, and off again.
    create(lam, "later")
    lam.get_waiter("function_updated_v2").wait(FunctionName="later", WaiterConfig={"Delay": 0.2})
    updated = lam.update_function_configuration(FunctionName="later", SnapStart={"ApplyOn": "PublishedVersions"})
    assert updated["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}
    lam.get_waiter("function_updated_v2").wait(FunctionName="later", WaiterConfig={"Delay": 0.2})
    updated = lam.update_function_configuration(FunctionName="later", SnapStart={"ApplyOn": "None"})
    assert updated["SnapStart"] == {"ApplyOn": "None", "OptimizationStatus": "Off"}


def test_snapstart_needs_a_runtime_that_supports_it(lam):
    response = refusal(lam.create_function, FunctionName="old", Runtime="python3.11", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": PYTHON_ZIP}, SnapStart={"ApplyOn": "PublishedVersions"})
    assert response["Error"]["Code"] == "InvalidParameterValueException"
    assert response["Error"]["Message"] == "python3.11 is not supported for SnapStart enabled functions."
    response = refusal(lam.create_function, FunctionName="old", Runtime="python3.12", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": PYTHON_ZIP}, SnapStart={"ApplyOn": "Always"})
    assert response["Error"]["Message"] == (
        "1 validation error detected: Value 'Always' at 'snapStart.applyOn' failed to satisfy constraint: "
        "Member must satisfy enum value set: [PublishedVersions, None]")


def test_a_version_published_by_an_update_is_pending_with_a_revision_of_its_own(lam):
    create(lam, "busy")
    published = lam.update_function_code(FunctionName="busy", ZipFile=PYTHON_ZIP, Publish=True)
    assert published["Version"] == "1"
    assert published["State"] == "Pending"
    assert published["StateReason"] == "The function is being created."
    assert "LastUpdateStatus" not in published
    latest = lam.get_function(FunctionName="busy", Qualifier="$LATEST")["Configuration"]
    assert latest["RevisionId"] != published["RevisionId"]

    lam.get_waiter("published_version_active").wait(FunctionName="busy", Qualifier="1",
                                                    WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
    ready = lam.get_function(FunctionName="busy", Qualifier="1")["Configuration"]
    assert ready["State"] == "Active" and ready["LastUpdateStatus"] == "Successful"
    assert ready["RevisionId"] != published["RevisionId"]


def test_reserved_concurrency_over_the_account_limit(lam):
    create(lam, "greedy")
    response = refusal(lam.put_function_concurrency, FunctionName="greedy", ReservedConcurrentExecutions=1000)
    assert response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "Specified ReservedConcurrentExecutions for function decreases account's "
                   "UnreservedConcurrentExecution below its minimum value of [100]."}
    # This error alone of Lambda's parameter errors has no Type.
    assert "Type" not in response


def test_an_oversized_code_upload_is_request_entity_too_large(lam):
    # 53 MB of code is over 70 MB once base64 is in the JSON body: refused from the declared length,
    # in Lambda's error shape rather than as a bare HTTP status.
    response = refusal(lam.create_function, FunctionName="huge", Runtime="python3.12", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": b"\0" * 53_000_000})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert response["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": "Request must be smaller than 70167211 bytes for the CreateFunction operation"}


def test_a_list_of_plain_values_is_reported_once_with_every_constraint(lam):
    layer = f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:no-version"
    response = refusal(lam.create_function, FunctionName="layered", Runtime="python3.12", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": PYTHON_ZIP}, Layers=[layer])
    message = response["Error"]["Message"]
    # The bounds and pattern are the model's (newer models than ours allow longer ARNs).
    assert re.fullmatch(
        re.escape(f"1 validation error detected: Value '[{layer}]' at 'layers' failed to satisfy constraint: "
                  "Member must satisfy constraint: [Member must have length less than or equal to ") + r"\d+"
        + re.escape(", Member must have length greater than or equal to 1, "
                    "Member must satisfy regular expression pattern: ") + ".+"
        + re.escape(", Member must not be null]"), message)

    # Two bad values in one list are one violation; the enum's values are named.
    response = refusal(lam.publish_layer_version, LayerName="arch", Content={"ZipFile": PYTHON_ZIP},
                       CompatibleArchitectures=["sparc", "mips"])
    assert response["Error"]["Message"] == (
        "1 validation error detected: Value '[sparc, mips]' at 'compatibleArchitectures' failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], "
        "Member must not be null]")


def test_account_code_size_counts_every_function_version_and_layer_version(lam):
    def used():
        return lam.get_account_settings()["AccountUsage"]["TotalCodeSize"]

    assert used() == 0
    create(lam, "sized")
    assert used() == len(PYTHON_ZIP)
    lam.update_function_code(FunctionName="sized", ZipFile=PYTHON_ZIP, Publish=True)
    assert used() == 2 * len(PYTHON_ZIP)
    layer = lam.publish_layer_version(LayerName="sized-layer", Content={"ZipFile": PYTHON_ZIP})
    assert used() == 3 * len(PYTHON_ZIP)
    lam.delete_layer_version(LayerName="sized-layer", VersionNumber=layer["Version"])
    assert used() == 2 * len(PYTHON_ZIP)


def test_a_function_name_over_the_models_length_is_the_models_validation_error(lam):
    # Up to the model's 140 characters Lambda words a long name itself; beyond, the model's
    # constraint answers (AWS's recordings).
    response = refusal(lam.create_function, FunctionName="a" * 65, Runtime="python3.12", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": PYTHON_ZIP})
    assert response["Error"]["Code"] == "InvalidParameterValueException"
    assert response["Error"]["Message"].endswith("Member must have length less than or equal to 64")
    name = "my-function:" + "a" * 129
    response = refusal(lam.create_function, FunctionName=name, Runtime="python3.12", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": PYTHON_ZIP})
    assert response["Error"]["Code"] == "ValidationException"
    assert response["Error"]["Message"] == (
        f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: "
        "Member must have length less than or equal to 140")


def test_enum_refusals_list_values_in_lambdas_order(lam):
    # AWS's recorded answers list these enums' values in the Java service's order, not the model's.
    lam.create_function(FunctionName="enums", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": PYTHON_ZIP})
    refused = refusal(lam.put_function_recursion_config, FunctionName="enums", RecursiveLoop="InvalidValue")
    assert refused["Error"]["Message"].endswith("Member must satisfy enum value set: [Terminate, Allow]")
    refused = refusal(lam.create_function_url_config, FunctionName="enums", AuthType="NONE", InvokeMode="UNKNOWN")
    assert refused["Error"]["Message"].endswith("Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]")
    refused = refusal(lam.create_event_source_mapping, FunctionName="enums", StartingPosition="invalid",
                      EventSourceArn="arn:aws:kinesis:us-east-1:000000000000:stream/s")
    assert refused["Error"]["Message"].endswith("Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]")
