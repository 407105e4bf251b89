"""Scripts a function's environment starts, as Lambda's Amazon Linux starts them.

- A custom runtime's `bootstrap` written as AWS's custom runtime tutorial writes it: `#!/bin/sh` and
  `set -euo pipefail`. Amazon Linux's /bin/sh is bash, so that runs there; a host whose /bin/sh is
  a POSIX shell without pipefail (Debian's dash) must still run it.
- `AWS_LAMBDA_EXEC_WRAPPER` (Lambda developer guide, "Modifying the runtime environment: wrapper
  scripts"): a managed runtime starts the wrapper with the runtime's command as its arguments; the
  wrapper's path names the task root (`/var/task/...`) or the layers (`/opt/...`)."""
import json

from test_lambda import BOOTSTRAP, create, invoke, lam, zipped  # noqa: F401 (lam is a fixture)

TUTORIAL_BOOTSTRAP = """#!/bin/sh
set -euo pipefail
# Bash's arrays, which a POSIX shell does not have either.
runtime=(python3 "$LAMBDA_TASK_ROOT/loop.py")
exec "${runtime[@]}"
"""

SHOW_ENVIRONMENT = """
import os
def handler(event, context):
    return {"wrapped_by": os.environ.get("WRAPPED_BY"), "wrapper": os.environ.get("AWS_LAMBDA_EXEC_WRAPPER")}
"""


def test_a_sh_bootstrap_with_pipefail_runs_as_on_amazon_linux(lam):
    code = zipped({"bootstrap": (TUTORIAL_BOOTSTRAP, 0o755), "loop.py": (BOOTSTRAP, 0o644)})
    create(lam, "tutorial", code=code, runtime="provided.al2023", handler="function.handler")
    answer = invoke(lam, "tutorial", {"text": "hi"})
    assert "FunctionError" not in answer, answer["Body"]
    assert answer["Body"] == {"upper": "HI", "handler": "function.handler"}


def test_an_exec_wrapper_in_the_task_root_starts_the_runtime(lam):
    wrapper = '#!/bin/bash\nexport WRAPPED_BY="$0"\nexec "$@"\n'
    code = zipped({"app.py": (SHOW_ENVIRONMENT, 0o644), "wrapper": (wrapper, 0o755)})
    create(lam, "wrapped", code=code, Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrapper"}})
    answer = invoke(lam, "wrapped", {})
    assert answer["Body"]["wrapped_by"].endswith("/wrapper")
    # The function still sees the variable as it was set.
    assert answer["Body"]["wrapper"] == "/var/task/wrapper"


def test_an_exec_wrapper_from_a_layer_is_found_under_opt(lam):
    wrapper = '#!/bin/sh\nset -o pipefail\nexport WRAPPED_BY=layer\nexec "$@"\n'
    layer = lam.publish_layer_version(LayerName="wrappers", Content={"ZipFile": zipped({"wrap": (wrapper, 0o755)})},
                                      CompatibleRuntimes=["python3.12"])["LayerVersionArn"]
    create(lam, "layered", code=zipped({"app.py": (SHOW_ENVIRONMENT, 0o644)}), Layers=[layer],
           Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrap"}})
    assert invoke(lam, "layered", {})["Body"]["wrapped_by"] == "layer"


def test_custom_runtimes_take_no_exec_wrapper(lam):
    # OS-only runtimes do not support wrapper scripts: the bootstrap starts as it is.
    code = zipped({"bootstrap": (BOOTSTRAP, 0o755), "wrapper": ("#!/bin/sh\nexit 3\n", 0o755)})
    create(lam, "plain", code=code, runtime="provided.al2023", handler="h.h",
           Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrapper"}})
    assert json.dumps(invoke(lam, "plain", {"text": "x"})["Body"]) == json.dumps({"upper": "X", "handler": "h.h"})
