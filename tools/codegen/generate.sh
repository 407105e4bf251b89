#!/usr/bin/env bash
# Regenerates Sources/SwitchyardModels from the pinned botocore models (PyPI, at generation time only).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/.build-codegen"
current=1.43.11   # the wire spec: the botocore release whose models we implement
legacy=1.29.165   # the last release whose SQS model still spoke awsQuery (query traits overlay)
for v in "$current" "$legacy"; do
  [ -d "$work/botocore-$v/botocore" ] || python3 -m pip install -q --no-deps --target "$work/botocore-$v" "botocore==$v"
done
python3 "$root/tools/codegen/generate.py" --botocore "$work/botocore-$current" \
  --legacy-botocore "$work/botocore-$legacy" --out "$root/Sources/SwitchyardModels" "$@"
# Lay the output out in the project's style (.swift-format), so generated code passes the same lint.
# Model documents are data in a string literal: nothing to lay out.
find "$root/Sources/SwitchyardModels" -name '*.swift' ! -name '*ModelDocument.swift' -print0 | xargs -0 swift format -i
