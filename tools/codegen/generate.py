#!/usr/bin/env python3
"""Switchyard's code generator.

Reads AWS service models (botocore's JSON) and writes Swift into Sources/SwitchyardModels/<Service>/:
  <S>Model.swift       the runtime model: shapes with constraints, operations, error traits
  <S>Shapes.swift      typed structures for every non-error structure shape
  <S>Operations.swift  a protocol with one method per operation and a dispatcher

The generated files are committed and never edited by hand; run tools/codegen/generate.sh.

Services that AWS moved from awsQuery to awsJson (SQS) keep speaking awsQuery to older SDKs. Their
current model dropped the query serialization traits (locationName, resultWrapper, error codes), so
the generator overlays them from the last botocore release whose model still spoke awsQuery.
"""
import argparse
import gzip
import json
import os
import re
import sys

SERVICES = {
    "sqs": {
        "swiftName": "SQS",
        "modelDir": "sqs/2012-11-05",
        "protocols": ["awsJson1_0", "awsQuery"],
        "queryOverlay": True,
        "validationStyle": "query",
        "errorNamespace": "com.amazonaws.sqs",
        # SQS's awsQuery errors end with an empty <Detail/>; the other query services' do not.
        "queryErrorDetail": True,
    },
    "sns": {
        "swiftName": "SNS",
        "modelDir": "sns/2010-03-31",
        "protocols": ["awsQuery"],
        # SNS answers model violations in Coral's words under the query-era code ValidationError.
        "validationStyle": "coral",
        "validationErrorCode": "ValidationError",
        "errorNamespace": "com.amazonaws.sns",
    },
    "sts": {
        "swiftName": "STS",
        "modelDir": "sts/2011-06-15",
        "protocols": ["awsQuery"],
        "validationStyle": "coral",
        "validationErrorCode": "ValidationError",
        "errorNamespace": "com.amazonaws.sts",
    },
    # IAM: what infrastructure tools create first is implemented; the rest answers NotImplemented.
    "iam": {
        "swiftName": "IAM",
        "modelDir": "iam/2010-05-08",
        "protocols": ["awsQuery"],
        # IAM leaves the offending values out of its validation messages.
        "validationStyle": "coralRedacted",
        "validationErrorCode": "ValidationError",
        "errorNamespace": "com.amazonaws.iam",
        "partial": True,
    },
}

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
    "inout", "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows",
    "static", "struct", "subscript", "typealias", "var", "break", "case", "continue", "default",
    "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch",
    "where", "while", "as", "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws",
    "true", "try", "Type", "Protocol", "any", "some",
}

SCALAR_SWIFT = {
    "string": "String", "integer": "Int", "long": "Int", "boolean": "Bool", "double": "Double",
    "float": "Double", "blob": "Data", "timestamp": "Date",
}


def load_model(path):
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rt", encoding="utf-8") as f:
                return json.load(f)
    raise SystemExit(f"model not found: {path}")


def swift_string(s):
    if s is None:
        return "nil"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def property_name(name):
    """Turns a model member name into a lowerCamelCase Swift property name (MD5OfBody -> md5OfBody)."""
    m = re.match(r"^[A-Z0-9]+", name)
    if not m:
        result = name
    else:
        prefix = m.group(0)
        rest = name[len(prefix):]
        if not rest:
            result = prefix.lower()
        elif len(prefix) > 1 and rest[0].islower():
            result = prefix[:-1].lower() + prefix[-1] + rest
        else:
            result = prefix.lower() + rest
    result = re.sub(r"[^A-Za-z0-9_]", "_", result)
    if result in SWIFT_KEYWORDS:
        return f"`{result}`"
    return result


def method_name(op_name):
    return property_name(op_name)


def overlay_query_traits(model, legacy):
    """Copies awsQuery serialization traits from a legacy model onto the current one."""
    model["metadata"]["xmlNamespace"] = legacy["metadata"].get("xmlNamespace")
    for name, shape in model["shapes"].items():
        old = legacy["shapes"].get(name)
        if not old:
            continue
        if "locationName" in old and "locationName" not in shape:
            shape["locationName"] = old["locationName"]
        if "error" in old and "error" not in shape:
            shape["error"] = old["error"]
        for ref_key in ("member", "key", "value"):
            if ref_key in old and ref_key in shape and "locationName" in old[ref_key]:
                shape[ref_key].setdefault("locationName", old[ref_key]["locationName"])
        for mname, member in shape.get("members", {}).items():
            old_member = old.get("members", {}).get(mname)
            if old_member and "locationName" in old_member:
                member.setdefault("locationName", old_member["locationName"])
    for name, op in model["operations"].items():
        old = legacy["operations"].get(name)
        if old and "output" in old and "resultWrapper" in old["output"] and "output" in op:
            op["output"].setdefault("resultWrapper", old["output"]["resultWrapper"])


def member_ref_swift(ref, name, index):
    parts = [f"name: {swift_string(name)}", f"target: {index[ref['shape']]}"]
    if ref.get("locationName"):
        parts.append(f"locationName: {swift_string(ref['locationName'])}")
    if ref.get("flattened"):
        parts.append("flattened: true")
    if ref.get("location"):
        parts.append(f"location: {swift_string(ref['location'])}")
    if ref.get("xmlAttribute"):
        parts.append("xmlAttribute: true")
    if ref.get("idempotencyToken"):
        parts.append("idempotencyToken: true")
    if ref.get("jsonvalue"):
        parts.append("jsonValue: true")
    return "MemberRef(" + ", ".join(parts) + ")"


def number_literal(v):
    if isinstance(v, float):
        return repr(v)
    return str(v)


def generate_model(cfg, model, index):
    sn = cfg["swiftName"]
    meta = model["metadata"]
    lines = [
        "// Generated by tools/codegen/generate.py from the botocore model. Do not edit.",
        "import SwitchyardWire",
        "",
        f"extension {sn} {{",
        f"    /// The runtime model of {meta.get('serviceFullName', sn)}: shapes, constraints and operations.",
        f"    public static let model: ServiceModel = makeModel()",
        "",
        "    private static func makeModel() -> ServiceModel {",
        "        var shapes: [Shape] = []",
        f"        shapes.reserveCapacity({len(index)})",
    ]
    for name in sorted(index, key=lambda n: index[n]):
        s = model["shapes"][name]
        kind = s["type"]
        args = [f"name: {swift_string(name)}", f"kind: .{kind}"]
        if kind == "structure":
            members = s.get("members", {})
            refs = [member_ref_swift(ref, m, index) for m, ref in members.items()]
            args.append("members: [" + ", ".join(refs) + "]")
            if s.get("required"):
                args.append("required: [" + ", ".join(swift_string(r) for r in s["required"]) + "]")
        elif kind == "list":
            args.append("member: " + member_ref_swift(s["member"], "member", index))
        elif kind == "map":
            args.append("key: " + member_ref_swift(s["key"], "key", index))
            args.append("value: " + member_ref_swift(s["value"], "value", index))
        if s.get("flattened"):
            args.append("flattened: true")
        if s.get("locationName"):
            args.append(f"locationName: {swift_string(s['locationName'])}")
        if "min" in s:
            args.append(f"min: {number_literal(s['min'])}")
        if "max" in s:
            args.append(f"max: {number_literal(s['max'])}")
        if s.get("pattern"):
            args.append(f"pattern: {swift_string(s['pattern'])}")
        if s.get("enum"):
            args.append("enumValues: [" + ", ".join(swift_string(e) for e in s["enum"]) + "]")
        if s.get("timestampFormat"):
            args.append(f"timestampFormat: {swift_string(s['timestampFormat'])}")
        if s.get("exception"):
            err = s.get("error", {})
            code = err.get("code", name)
            status = err.get("httpStatusCode", 400)
            sender = "true" if err.get("senderFault", True) else "false"
            args.append(f"error: ErrorTrait(code: {swift_string(code)}, httpStatus: {status}, senderFault: {sender})")
        lines.append(f"        shapes.append(Shape({', '.join(args)}))")
    lines.append("        let operations: [OperationModel] = [")
    for op_name in sorted(model["operations"]):
        op = model["operations"][op_name]
        args = [f"name: {swift_string(op_name)}"]
        if "input" in op:
            args.append(f"input: {index[op['input']['shape']]}")
        if "output" in op:
            args.append(f"output: {index[op['output']['shape']]}")
            if op["output"].get("resultWrapper"):
                args.append(f"resultWrapper: {swift_string(op['output']['resultWrapper'])}")
        errs = [index[e["shape"]] for e in op.get("errors", [])]
        if errs:
            args.append("errors: [" + ", ".join(str(e) for e in errs) + "]")
        http = op.get("http", {})
        args.append(f"httpMethod: {swift_string(http.get('method', 'POST'))}")
        args.append(f"requestURI: {swift_string(http.get('requestUri', '/'))}")
        lines.append(f"            OperationModel({', '.join(args)}),")
    lines.append("        ]")
    protocols = ", ".join("." + p for p in cfg["protocols"])
    lines += [
        "        return ServiceModel(",
        f"            name: {swift_string(sn)},",
        f"            signingName: {swift_string(meta.get('signingName', meta['endpointPrefix']))},",
        f"            apiVersion: {swift_string(meta['apiVersion'])},",
        f"            protocols: [{protocols}],",
        f"            targetPrefix: {swift_string(meta.get('targetPrefix'))},",
        f"            jsonVersion: {swift_string(meta.get('jsonVersion'))},",
        f"            xmlNamespace: {swift_string(meta.get('xmlNamespace'))},",
        f"            errorNamespace: {swift_string(cfg['errorNamespace'])},",
        f"            validationStyle: .{cfg['validationStyle']},",
        *([f"            validationErrorCode: {swift_string(cfg['validationErrorCode'])},"]
          if cfg.get("validationErrorCode") else []),
        *(["            queryErrorDetail: true,"] if cfg.get("queryErrorDetail") else []),
        "            shapes: shapes,",
        "            operations: operations",
        "        )",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)


def swift_type(model, shape_name):
    s = model["shapes"][shape_name]
    kind = s["type"]
    if kind in SCALAR_SWIFT:
        return SCALAR_SWIFT[kind]
    if kind == "list":
        return "[" + swift_type(model, s["member"]["shape"]) + "]"
    if kind == "map":
        return "[String: " + swift_type(model, s["value"]["shape"]) + "]"
    return shape_name


def doc_comment(text, indent):
    if not text:
        return []
    plain = re.sub(r"<[^>]+>", "", text)
    plain = re.sub(r"\s+", " ", plain).strip()
    if not plain:
        return []
    first = re.split(r"(?<=\.)\s", plain, maxsplit=1)[0]
    width = 120 - len(indent) - 4  # the project's line length, less indent and "/// "
    if len(first) > width:
        first = first[: width - 3].rstrip() + "..."
    return [f"{indent}/// {first}"]


def generate_shapes(cfg, model, struct_names):
    sn = cfg["swiftName"]
    out = [
        "// Generated by tools/codegen/generate.py from the botocore model. Do not edit.",
        "import Foundation",
        "import SwitchyardWire",
        "",
        f"extension {sn} {{",
    ]
    for name in struct_names:
        s = model["shapes"][name]
        members = s.get("members", {})
        required = set(s.get("required", []))
        out += doc_comment(s.get("documentation"), "    ")
        out.append(f"    public struct {name}: AWSValueConvertible, Sendable, Equatable {{")
        props = []
        for mname, ref in members.items():
            t = swift_type(model, ref["shape"])
            opt = "" if mname in required else "?"
            pname = property_name(mname)
            props.append((mname, pname, t, opt))
            out += doc_comment(ref.get("documentation"), "        ")
            out.append(f"        public var {pname}: {t}{opt}")
        # memberwise init
        params = ", ".join(
            f"{p.strip('`')}: {t}{opt}" + (" = nil" if opt else "") for (_, p, t, opt) in props
        )
        out.append("")
        out.append(f"        public init({params}) {{")
        for (_, p, _, _) in props:
            out.append(f"            self.{p.strip('`')} = {p}")
        out.append("        }")
        out.append("")
        out.append("        public init(awsValue: AWSValue) throws {")
        if props:
            out.append("            let members = try awsValue.structureMembers()")
        for (m, p, t, opt) in props:
            fn = "decode" if not opt else "decodeIfPresent"
            out.append(f"            self.{p.strip('`')} = try members.{fn}({swift_string(m)})")
        out.append("        }")
        out.append("")
        out.append("        public var awsValue: AWSValue {")
        if props:
            out.append(f"            var members = AWSStructure(minimumCapacity: {len(props)})")
            for (m, p, t, opt) in props:
                if opt:
                    out.append(f"            members.append({swift_string(m)}, {p}?.awsValue)")
                else:
                    out.append(f"            members.append({swift_string(m)}, {p}.awsValue)")
            out.append("            return .structure(members)")
        else:
            out.append("            .structure([:])")
        out.append("        }")
        out.append("    }")
        out.append("")
    out.append("}")
    out.append("")
    return "\n".join(out)


def generate_operations(cfg, model):
    sn = cfg["swiftName"]
    ops = sorted(model["operations"])
    out = [
        "// Generated by tools/codegen/generate.py from the botocore model. Do not edit.",
        "import SwitchyardWire",
        "",
        f"/// Every operation of {sn}, as a service implementation provides it.",
        "///",
        "/// The wire layer has parsed and validated the input against the model before a method is called;",
        "/// a method returns typed output or throws an `AWSError` naming a modelled or common error.",
        f"public protocol {sn}API: Sendable {{",
    ]
    for op_name in ops:
        op = model["operations"][op_name]
        out += doc_comment(op.get("documentation"), "    ")
        inp = f"_ input: {sn}.{op['input']['shape']}, " if "input" in op else ""
        ret = f" -> {sn}.{op['output']['shape']}" if "output" in op else ""
        out.append(f"    func {method_name(op_name)}({inp}context: RequestContext) async throws{ret}")
    out.append("}")
    out.append("")
    if cfg.get("partial"):
        out.append(f"/// {sn} is not complete yet: an operation its implementation does not provide answers")
        out.append("/// NotImplemented, naming the operation.")
        out.append(f"extension {sn}API {{")
        for op_name in ops:
            op = model["operations"][op_name]
            inp = f"_ input: {sn}.{op['input']['shape']}, " if "input" in op else ""
            ret = f" -> {sn}.{op['output']['shape']}" if "output" in op else ""
            out.append(f"    public func {method_name(op_name)}({inp}context: RequestContext) async throws{ret} {{")
            out.append(f"        throw AWSError.notImplemented({swift_string(sn)}, {swift_string(op_name)})")
            out.append("    }")
        out.append("}")
        out.append("")
    out.append(f"extension {sn} {{")
    out.append("    /// Decodes `input` for the named operation, calls the implementation and encodes its output.")
    out.append("    /// Returns nil for operations without output.")
    out.append("    public static func dispatch(")
    out.append(f"        _ api: some {sn}API, operation: String, input: AWSValue, context: RequestContext")
    out.append("    ) async throws -> AWSValue? {")
    out.append("        switch operation {")
    for op_name in ops:
        op = model["operations"][op_name]
        out.append(f"        case {swift_string(op_name)}:")
        call_in = f"{op['input']['shape']}(awsValue: input), " if "input" in op else ""
        if "input" in op:
            call = f"try await api.{method_name(op_name)}(try {call_in}context: context)"
        else:
            call = f"try await api.{method_name(op_name)}(context: context)"
        if "output" in op:
            out.append(f"            return {call}.awsValue")
        else:
            out.append(f"            {call}")
            out.append("            return nil")
    out.append("        default:")
    out.append("            throw AWSError.invalidAction(operation)")
    out.append("        }")
    out.append("    }")
    out.append("}")
    out.append("")
    return "\n".join(out)


def generate(service_key, botocore_dir, legacy_dir, out_root):
    cfg = SERVICES[service_key]
    model = load_model(os.path.join(botocore_dir, "botocore", "data", cfg["modelDir"], "service-2.json"))
    if cfg.get("queryOverlay"):
        legacy = load_model(os.path.join(legacy_dir, "botocore", "data", cfg["modelDir"], "service-2.json"))
        overlay_query_traits(model, legacy)
    names = sorted(model["shapes"])
    index = {n: i for i, n in enumerate(names)}
    struct_names = [n for n in names if model["shapes"][n]["type"] == "structure" and not model["shapes"][n].get("exception")]
    sn = cfg["swiftName"]
    out_dir = os.path.join(out_root, sn)
    os.makedirs(out_dir, exist_ok=True)
    files = {
        f"{sn}Model.swift": generate_model(cfg, model, index),
        f"{sn}Shapes.swift": generate_shapes(cfg, model, struct_names),
        f"{sn}Operations.swift": generate_operations(cfg, model),
        f"{sn}Namespace.swift": (
            "// Generated by tools/codegen/generate.py from the botocore model. Do not edit.\n\n"
            f"/// Namespace of the generated {model['metadata'].get('serviceFullName', sn)} types.\n"
            f"public enum {sn} {{}}\n"
        ),
    }
    for fname, text in files.items():
        with open(os.path.join(out_dir, fname), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"{sn}: {len(model['operations'])} operations, {len(names)} shapes -> {out_dir}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--botocore", required=True, help="folder that holds the pinned botocore package")
    ap.add_argument("--legacy-botocore", required=True, help="folder with the last awsQuery-era botocore")
    ap.add_argument("--out", required=True, help="Sources/SwitchyardModels")
    ap.add_argument("services", nargs="*", default=sorted(SERVICES))
    args = ap.parse_args()
    for key in args.services:
        generate(key, args.botocore, args.legacy_botocore, args.out)


if __name__ == "__main__":
    sys.exit(main())
