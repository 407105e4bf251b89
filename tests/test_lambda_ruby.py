"""Lambda's Ruby runtimes through boto3: functions run by Switchyard's Ruby runtime client with the
machine's ruby.

Expected values come from the Lambda developer guide's pages on Ruby handlers, context and errors
("Define Lambda function handler in Ruby", "AWS Lambda function errors in Ruby") and from the
answers AWS recorded for ruby3.x functions (the `Function<Class>` error type, `GEM_HOME`)."""
import base64
import json
import shutil

import pytest

from test_lambda import create, invoke, zipped

pytestmark = pytest.mark.skipif(not shutil.which("ruby"), reason="Ruby functions run where ruby is installed")

FUNCTION = """
require 'json'
require 'helper'

def handler(event:, context:)
  puts "ruby got #{event.to_json}"
  raise "Error: " + event["error_msg"] if event.is_a?(Hash) && event["error_msg"]
  [1, 2, 3].frist if event.is_a?(Hash) && event["typo"]
  {
    "event" => event,
    "greeting" => Helper.greeting,
    "function_name" => context.function_name,
    "function_version" => context.function_version,
    "arn" => context.invoked_function_arn,
    "request" => context.aws_request_id,
    "memory" => context.memory_limit_in_mb,
    "remaining" => context.get_remaining_time_in_millis,
    "env" => ENV.to_h.slice("GEM_HOME", "GEM_PATH", "RUBYLIB", "AWS_EXECUTION_ENV", "_HANDLER"),
  }
end

module Shop
  class Orders
    def self.count(event:, context:)
      event["orders"].size
    end
  end
end
"""

HELPER = """
module Helper
  def self.greeting
    "hello from a required file"
  end
end
"""


@pytest.fixture
def lam(server):
    server.reset()
    return server.client("lambda")


@pytest.fixture
def ruby_code():
    return zipped({"function.rb": (FUNCTION, 0o644), "helper.rb": (HELPER, 0o644)})


def test_a_ruby_handler_gets_event_and_context_keywords(lam, ruby_code):
    create(lam, "ruby-fn", code=ruby_code, runtime="ruby3.3", handler="function.handler", MemorySize=256)
    answer = invoke(lam, "ruby-fn", {"n": 3}, LogType="Tail")
    assert "FunctionError" not in answer
    body = answer["Body"]
    assert body["event"] == {"n": 3} and body["greeting"] == "hello from a required file"
    assert body["function_name"] == "ruby-fn" and body["function_version"] == "$LATEST"
    assert body["arn"].endswith(":function:ruby-fn") and body["memory"] == "256"
    assert 0 < body["remaining"] <= 3000
    assert body["request"] == answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    # AWS's ruby3.3 environment: gems under /var/runtime, the bundled and layer gems of the release.
    assert body["env"]["GEM_HOME"] == "/var/runtime"
    assert body["env"]["GEM_PATH"].split(":")[1:] == [
        "/opt/ruby/gems/3.3.0", "/var/runtime", "/var/runtime/ruby/3.3.0"]
    assert body["env"]["GEM_PATH"].endswith("vendor/bundle/ruby/3.3.0:/opt/ruby/gems/3.3.0:/var/runtime:"
                                            "/var/runtime/ruby/3.3.0")
    assert body["env"]["RUBYLIB"].split(":")[1:] == ["/var/runtime/lib", "/opt/ruby/lib"]
    assert body["env"]["AWS_EXECUTION_ENV"] == "AWS_Lambda_ruby3.3"
    assert "ruby got {\"n\":3}" in base64.b64decode(answer["LogResult"]).decode()
    # Any JSON value is an event, and the handler's value is answered as JSON.
    for event in (True, None, [1, 2], 1, "text"):
        assert invoke(lam, "ruby-fn", event)["Body"]["event"] == event


def test_a_class_level_handler_is_named_file_namespace_method(lam, ruby_code):
    create(lam, "ruby-class", code=ruby_code, runtime="ruby3.4", handler="function.Shop::Orders.count")
    assert invoke(lam, "ruby-class", {"orders": [1, 2, 3]})["Body"] == 3


def test_ruby_errors_are_answered_as_aws_documents_them(lam, ruby_code):
    create(lam, "ruby-err", code=ruby_code, runtime="ruby3.2", handler="function.handler")
    failed = invoke(lam, "ruby-err", {"error_msg": "some_error_msg"}, LogType="Tail")
    assert failed["FunctionError"] == "Unhandled"
    assert failed["Body"]["errorMessage"] == "Error: some_error_msg"
    assert failed["Body"]["errorType"] == "Function<RuntimeError>"
    # The stack trace names the function's own frames only.
    trace = failed["Body"]["stackTrace"]
    assert trace and all("function.rb:" in frame for frame in trace)
    assert "Error raised from handler method" in base64.b64decode(failed["LogResult"]).decode()
    # A NoMethodError is reported, then ends the environment; the next invocation starts a new one.
    typo = invoke(lam, "ruby-err", {"typo": True})
    assert typo["FunctionError"] == "Unhandled" and typo["Body"]["errorType"] == "Function<NoMethodError>"
    assert "frist" in typo["Body"]["errorMessage"]
    assert invoke(lam, "ruby-err", {"n": 1})["Body"]["event"] == {"n": 1}


def test_a_handler_that_cannot_load_is_an_init_error(lam):
    create(lam, "ruby-missing", code=zipped({"other.rb": ("x = 1\n", 0o644)}), runtime="ruby3.3",
           handler="function.handler")
    answer = invoke(lam, "ruby-missing", {})
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Body"]["errorType"] == "Init<LoadError>"
    assert "function" in answer["Body"]["errorMessage"]


def test_a_layers_ruby_lib_is_on_the_load_path(lam):
    layer = lam.publish_layer_version(
        LayerName="ruby-shared", Content={"ZipFile": zipped({"ruby/lib/shared.rb": ("SHARED = 'from a layer'\n", 0o644)})})
    code = zipped({"function.rb": ("require 'shared'\ndef handler(event:, context:)\n  SHARED\nend\n", 0o644)})
    create(lam, "ruby-layered", code=code, runtime="ruby3.3", handler="function.handler",
           Layers=[layer["LayerVersionArn"]])
    assert invoke(lam, "ruby-layered", {})["Body"] == "from a layer"
