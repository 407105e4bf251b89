#!/usr/bin/env python3
"""Parses Switchyard's answers to botocore's protocol output vectors with botocore itself.

Usage, with the vectors (botocore's tests/unit/protocols) in FOLDER:
  BOTOCORE_PROTOCOL_TESTS=FOLDER swift test --filter BotocoreProtocolVectors   # writes FOLDER/switchyard-answers.json
  python3 tools/protocol-vectors/parse_answers.py FOLDER

For every output case (error cases aside) it builds the case's model, parses Switchyard's answer with
the protocol's botocore parser and compares what comes out with the result the case expects.
"""
import base64
import datetime
import json
import math
import sys

from botocore.awsrequest import HeadersDict
from botocore.model import ServiceModel
from botocore.parsers import create_parser

PROTOCOLS = {"json": "json", "json_1_0": "json", "query": "query", "rest-json": "rest-json",
             "rest-xml": "rest-xml", "smithy-rpc-v2-cbor": "smithy-rpc-v2-cbor"}


def normalized(value):
    """Parsed values in the vectors' form: timestamps as epoch seconds, blobs as text."""
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    if hasattr(value, "read"):
        return value.read().decode("utf-8", "replace")
    return value


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(b, str):
            b = float(b)
        if isinstance(a, str):
            a = float(a)
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    return a == b


def main(folder):
    answers = json.load(open(f"{folder}/switchyard-answers.json"))
    # Cases botocore's own runner skips (its parsers do not meet them either).
    ignore = json.load(open(f"{folder}/protocol-tests-ignore-list.json"))
    ignored = {case for entry in ignore.get("protocols", {}).values()
               for case in entry.get("output", {}).get("cases", [])}
    suites = {}
    totals = {}
    failures = []
    for answer in answers:
        file = answer["file"]
        suites.setdefault(file, json.load(open(f"{folder}/output/{file}.json")))
        suite = suites[file][answer["suite"]]
        case = suite["cases"][answer["case"]]
        if case["id"] in ignored:
            continue
        passed, total = totals.get(file, (0, 0))
        total += 1
        try:
            if "failure" in answer:
                raise AssertionError(answer["failure"])
            metadata = dict(suite["metadata"])
            metadata.setdefault("protocol", PROTOCOLS[file])
            model = ServiceModel({"metadata": metadata, "shapes": suite["shapes"],
                                  "operations": {case["given"]["name"]: case["given"]}})
            operation = model.operation_model(case["given"]["name"])
            if metadata["protocol"] == "query" and operation.output_shape is not None:
                # As botocore's own protocol test runner does: query answers wrap the result.
                operation.output_shape.serialization.setdefault("resultWrapper", f"{operation.name}Result")
            parser = create_parser(metadata["protocol"])
            response = {"status_code": answer["status"],
                        "headers": HeadersDict(answer["headers"]),
                        "body": base64.b64decode(answer["body"])}
            parsed = parser.parse(response, operation.output_shape)
            got = normalized(parsed)
            expected = normalized(case.get("result", {}))
            if not same(got, expected):
                raise AssertionError(f"parsed {got}, expected {expected}")
            passed += 1
        except Exception as error:  # noqa: BLE001 - a measuring device reports every failure
            failures.append(f"{file} {case['id']}: {str(error)[:300]}")
        totals[file] = (passed, total)
    for file, (passed, total) in totals.items():
        print(f"{file}: {passed}/{total}")
    for failure in failures:
        print("  " + failure)


if __name__ == "__main__":
    main(sys.argv[1])
