"""Code signing configurations as AWS answers them: their lifecycle, their assignment to
functions, the errors in Lambda's words, and deployments under them (no code is signed here, so
`Enforce` refuses a deployment and `Warn` lets it through).

The expected answers come from the Lambda API reference and developer guide and from AWS's recorded
answers (LocalStack's AWS-validated snapshots)."""
import re

from conftest import ACCOUNT
from test_lambda import PYTHON_ZIP, ROLE, create
from test_lambda_configuration import lam, refusal  # noqa: F401 (lam is a fixture)

PROFILE = f"arn:aws:signer:us-east-1:{ACCOUNT}:/signing-profiles/test"


def test_a_code_signing_config_lifecycle(lam):
    created = lam.create_code_signing_config(
        Description="signed only", AllowedPublishers={"SigningProfileVersionArns": [PROFILE]},
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    config = created["CodeSigningConfig"]
    assert re.fullmatch(r"csc-[0-9a-f]{17}", config["CodeSigningConfigId"])
    arn = config["CodeSigningConfigArn"]
    assert arn == f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:{config['CodeSigningConfigId']}"
    assert config["AllowedPublishers"] == {"SigningProfileVersionArns": [PROFILE]}
    assert config["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Enforce"}
    assert config["Description"] == "signed only"

    updated = lam.update_code_signing_config(
        CodeSigningConfigArn=arn, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Warn"})
    assert updated["CodeSigningConfig"]["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}
    assert lam.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"] == updated["CodeSigningConfig"]
    assert [c["CodeSigningConfigArn"] for c in lam.list_code_signing_configs()["CodeSigningConfigs"]] == [arn]

    create(lam, "signed")
    put = lam.put_function_code_signing_config(FunctionName="signed", CodeSigningConfigArn=arn)
    assert (put["CodeSigningConfigArn"], put["FunctionName"]) == (arn, "signed")
    got = lam.get_function_code_signing_config(FunctionName="signed")
    assert (got["CodeSigningConfigArn"], got["FunctionName"]) == (arn, "signed")
    assert lam.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)["FunctionArns"] == [
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:signed"]

    # A configuration in use cannot be deleted.
    assert refusal(lam.delete_code_signing_config, CodeSigningConfigArn=arn)["Error"]["Code"] == (
        "ResourceConflictException")
    deleted = lam.delete_function_code_signing_config(FunctionName="signed")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    # A function without a configuration answers an empty document.
    got = lam.get_function_code_signing_config(FunctionName="signed")
    assert "CodeSigningConfigArn" not in got and "FunctionName" not in got
    assert lam.delete_code_signing_config(CodeSigningConfigArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lam.list_code_signing_configs()["CodeSigningConfigs"] == []


def test_code_signing_errors_in_lambdas_words(lam):
    arn = lam.create_code_signing_config(
        AllowedPublishers={"SigningProfileVersionArns": [PROFILE]})["CodeSigningConfig"]["CodeSigningConfigArn"]
    missing = arn[:-1] + ("x" if arn[-1] != "x" else "y")
    create(lam, "plain")
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:nowhere"
    not_found = f"The Lambda code signing configuration {missing} can not be found."
    cases = [
        (lam.get_code_signing_config, {"CodeSigningConfigArn": missing}, "ResourceNotFoundException", not_found),
        (lam.delete_code_signing_config, {"CodeSigningConfigArn": missing}, "ResourceNotFoundException", not_found),
        (lam.update_code_signing_config, {"CodeSigningConfigArn": missing}, "ResourceNotFoundException", not_found),
        (lam.list_functions_by_code_signing_config, {"CodeSigningConfigArn": missing},
         "ResourceNotFoundException", not_found),
        (lam.put_function_code_signing_config, {"FunctionName": "nowhere", "CodeSigningConfigArn": arn},
         "ResourceNotFoundException", f"Function not found: {function}"),
        # The configuration is looked for first.
        (lam.put_function_code_signing_config, {"FunctionName": "nowhere", "CodeSigningConfigArn": missing},
         "CodeSigningConfigNotFoundException",
         f"The code signing configuration cannot be found. Check that the provided configuration is not deleted: {missing}."),
        (lam.get_function_code_signing_config, {"FunctionName": "nowhere"},
         "ResourceNotFoundException", f"Function not found: {function}"),
        (lam.delete_function_code_signing_config, {"FunctionName": "nowhere"},
         "ResourceNotFoundException", f"Function not found: {function}"),
    ]
    for call, params, code, message in cases:
        response = refusal(call, **params)
        assert (response["Error"]["Code"], response["Error"]["Message"]) == (code, message), params
    # Nothing to remove is no error; a function without a configuration is listed by none.
    assert lam.delete_function_code_signing_config(FunctionName="plain")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lam.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)["FunctionArns"] == []


def test_deployments_under_a_code_signing_config(lam):
    warn = lam.create_code_signing_config(
        AllowedPublishers={"SigningProfileVersionArns": [PROFILE]})["CodeSigningConfig"]
    assert warn["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}
    enforce = lam.create_code_signing_config(
        AllowedPublishers={"SigningProfileVersionArns": [PROFILE]},
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})["CodeSigningConfig"]
    # Warn: unsigned code is deployed.
    create(lam, "warned", CodeSigningConfigArn=warn["CodeSigningConfigArn"])
    assert lam.get_function_code_signing_config(FunctionName="warned")["CodeSigningConfigArn"] == (
        warn["CodeSigningConfigArn"])
    # Enforce: unsigned code is refused, at creation and at a code update.
    response = refusal(lam.create_function, FunctionName="enforced", Runtime="python3.12", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": PYTHON_ZIP},
                       CodeSigningConfigArn=enforce["CodeSigningConfigArn"])
    assert response["Error"]["Code"] == "CodeVerificationFailedException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    lam.put_function_code_signing_config(FunctionName="warned", CodeSigningConfigArn=enforce["CodeSigningConfigArn"])
    lam.get_waiter("function_updated_v2").wait(FunctionName="warned", WaiterConfig={"Delay": 0.2})
    response = refusal(lam.update_function_code, FunctionName="warned", ZipFile=PYTHON_ZIP)
    assert response["Error"]["Code"] == "CodeVerificationFailedException"
