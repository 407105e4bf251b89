#!/usr/bin/env python3
"""Switchyard's code generator.

Reads AWS service models (botocore's JSON) and writes Swift into Sources/SwitchyardModels/<Service>/:
  <S>Model.swift          the service's descriptor (names, protocols, error style) and its lazily read model
  <S>ModelDocument.swift  botocore's model without documentation, as a string the wire layer reads on first use
  <S>Shapes.swift         typed structures for every non-error structure shape (implemented services only)
  <S>Operations.swift     a protocol with one method per operation and a dispatcher (implemented services only)

The model is data rather than code: a Swift function that builds thousands of shapes costs the
compiler minutes (QuickSight alone has about 2,500), a string literal costs it nothing, and a service
nobody calls never pays for reading it.

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

# Services whose operations Switchyard implements get typed shapes and an `<Service>API` protocol;
# the others ("modelOnly") get their model alone: every operation is routed, parsed and validated, and
# answers NotImplemented naming itself until the service is built. Protocols come from the model's
# `metadata.protocols`; "extraProtocols" adds those a service still speaks beyond its current model.
SERVICES = {
    "sqs": {
        "swiftName": "SQS",
        "modelDir": "sqs/2012-11-05",
        "extraProtocols": ["query"],
        "queryOverlay": True,
        "validationStyle": "query",
        "errorNamespace": "com.amazonaws.sqs",
        # SQS's awsQuery errors end with an empty <Detail/>; the other query services' do not.
        "queryErrorDetail": True,
    },
    "sns": {
        "swiftName": "SNS",
        "modelDir": "sns/2010-03-31",
        # SNS answers model violations in Coral's words under the query-era code ValidationError.
        "validationStyle": "coral",
        "errorNamespace": "com.amazonaws.sns",
    },
    "sts": {"swiftName": "STS", "modelDir": "sts/2011-06-15", "errorNamespace": "com.amazonaws.sts"},
    # IAM: what infrastructure tools create first is implemented; the rest answers NotImplemented.
    "iam": {
        "swiftName": "IAM",
        "modelDir": "iam/2010-05-08",
        # IAM leaves the offending values out of its validation messages.
        "validationStyle": "coralRedacted",
        "errorNamespace": "com.amazonaws.iam",
        "partial": True,
    },
    # EventBridge: buses, rules, targets and PutEvents are implemented; the rest answers NotImplemented.
    # AWS accepts a connection's OAuth HttpMethod in lower case ("put"), which the model's enum
    # refuses (LocalStack's AWS-validated test_api_destinations[auth2]); its validation message
    # lists an API destination's methods in its own order (test_create_api_destination_invalid_parameters).
    "events": {
        "swiftName": "EventBridge", "modelDir": "events/2015-10-07", "partial": True,
        "enumIgnoringCase": ["ConnectionOAuthHttpMethod"],
        "enumOrder": {"ApiDestinationHttpMethod": ["HEAD", "POST", "PATCH", "DELETE", "PUT", "GET", "OPTIONS"]}},
    "scheduler": {"swiftName": "Scheduler", "modelDir": "scheduler/2021-06-30", "partial": True},
    "pipes": {"swiftName": "Pipes", "modelDir": "pipes/2015-10-07", "partial": True},
    # S3's errors are a bare <Error> element, not the <ErrorResponse> of other XML services.
    # S3 Express (directory buckets) signs as s3express on the same API.
    "s3": {
        "swiftName": "S3", "modelDir": "s3/2006-03-01", "partial": True, "xmlErrorRoot": "Error",
        "signingAliases": ["s3express"],
                "xmlRootNames": "S3_XML_ROOT_NAMES",
        # S3 writes Owner before Buckets in ListAllMyBucketsResult, and the Java SDK reads it so; the
        # listings name their bucket first and their entries last (the order of S3's sample answers),
        # which the Java SDK also relies on.
        "memberOrder": {
            "ListBucketsOutput": ["Owner", "Buckets", "ContinuationToken", "Prefix"],
            "ListObjectsOutput": [
                "Name", "Prefix", "Marker", "NextMarker", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated",
                "Contents", "CommonPrefixes"],
            "ListObjectsV2Output": [
                "Name", "Prefix", "ContinuationToken", "NextContinuationToken", "KeyCount", "MaxKeys", "Delimiter",
                "EncodingType", "StartAfter", "IsTruncated", "Contents", "CommonPrefixes"],
            "ListObjectVersionsOutput": [
                "Name", "Prefix", "KeyMarker", "VersionIdMarker", "NextKeyMarker", "NextVersionIdMarker", "MaxKeys",
                "Delimiter", "EncodingType", "IsTruncated", "Versions", "DeleteMarkers", "CommonPrefixes"],
        },
        # Members S3 answers that botocore's model leaves out: the bucket's region on its listings, the
        # status of a restore.
        "addMembers": {
            "ListObjectsV2Output": {
                "BucketRegion": {"shape": "Region", "location": "header", "locationName": "x-amz-bucket-region"}},
            # RestoreObject answers 202 for a restore it starts and 200 for one already done.
            "RestoreObjectOutput": {"StatusCode": {"shape": "GetObjectResponseStatusCode", "location": "statusCode"}},
        },
        # S3 declares its namespace on the document element of its answers; botocore leaves it out.
        "xmlNamespace": "http://s3.amazonaws.com/doc/2006-03-01/",
    },
    # Lambda: functions, invocation and event source mappings; the rest answers NotImplemented.
    # "membersNotNull": lists whose elements Lambda's own model requires, which botocore's leaves out;
    # AWS names "Member must not be null" among their constraints (its recorded answers).
    "lambda": {
        "swiftName": "Lambda", "modelDir": "lambda/2015-03-31", "partial": True,
        "membersNotNull": ["ArchitecturesList", "CompatibleArchitectures", "LayerList"],
        # A function without a code signing configuration answers GetFunctionCodeSigningConfig with
        # an empty document (AWS's recordings), though the model requires both members.
        "optionalMembers": {"GetFunctionCodeSigningConfigResponse": ["CodeSigningConfigArn", "FunctionName"]},
        # Lambda's validation messages list an enum's values in its Java service's order, not the
        # model's: these are the orders AWS's recorded answers show (LocalStack's snapshots).
        "enumOrder": {
            "RecursiveLoop": ["Terminate", "Allow"],
            "InvokeMode": ["RESPONSE_STREAM", "BUFFERED"],
            "EventSourcePosition": ["LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"],
        },
    },
    # ECS: clusters, task definitions and tasks run as local processes; the rest answers NotImplemented.
    "ecs": {"swiftName": "ECS", "modelDir": "ecs/2014-11-13", "partial": True},
    # CloudWatch Logs: groups, streams, events, filters and subscriptions; the rest answers NotImplemented.
    # CloudWatch Logs answers constraint violations as InvalidParameterException, in Coral's words.
    # A metric namespace may hold a colon, though the model's pattern excludes one: AWS accepted
    # "A.B-c_d/1#2:metricNamespace" (LocalStack's AWS-validated metric filter tests).
    "logs": {
        "swiftName": "CloudWatchLogs", "modelDir": "logs/2014-03-28", "partial": True,
        "validationErrorCode": "InvalidParameterException",
        "patternOverrides": {"MetricNamespace": "[^*$]*"},
        # The order AWS's validation message lists a delivery's output formats in (its recordings).
        "enumOrder": {"OutputFormat": ["w3c", "raw", "json", "plain", "parquet"]}},
    # The Java and Kotlin SDKs and the KCL send Kinesis CBOR bodies over awsJson.
    # Kinesis writes a bare code as its errors' __type (no namespace), in JSON and CBOR alike.
    "kinesis": {"swiftName": "Kinesis", "modelDir": "kinesis/2013-12-02", "jsonCBOR": True, "errorNamespace": ""},
    # Firehose, of the Kinesis family, writes a bare code as its errors' __type, as Kinesis does.
    # Its destinations' endpoints are relaxed on purpose (docs/FIDELITY.md): AWS takes only HTTPS
    # endpoints and Redshift hosts, while a machine that runs Switchyard points them at local servers.
    "firehose": {
        "swiftName": "Firehose", "modelDir": "firehose/2015-08-04", "errorNamespace": "",
        "patternOverrides": {
            "HttpEndpointUrl": "https?://.*",
            "ElasticsearchClusterEndpoint": "https?:.*",
            "AmazonopensearchserviceClusterEndpoint": "https?:.*",
            "AmazonOpenSearchServerlessCollectionEndpoint": "https?:.*",
            "ClusterJDBCURL": "jdbc:(redshift|postgresql)://[A-Za-z0-9.\\-]+(:\\d{1,5})?/[a-zA-Z0-9_$-]+.*",
        },
    },
    # SES v1 (awsQuery) and v2 (restJson under /v2/email) share one domain model; what neither
    # implements answers NotImplemented.
    "ses": {"swiftName": "SES", "modelDir": "ses/2010-12-01", "partial": True},
    # GetEmailIdentity leaves MailFromDomain and its status out until a MAIL FROM domain is set,
    # although the model requires them.
    "sesv2": {
        "swiftName": "SESv2", "modelDir": "sesv2/2019-09-27", "partial": True,
        "optionalMembers": {"MailFromAttributes": ["MailFromDomain", "MailFromDomainStatus"]},
    },
    "cloudwatch": {"swiftName": "CloudWatch", "modelDir": "cloudwatch/2010-08-01", "modelOnly": True},
    "application-autoscaling": {
        "swiftName": "ApplicationAutoScaling", "modelDir": "application-autoscaling/2016-02-06", "modelOnly": True},
    "autoscaling": {"swiftName": "AutoScaling", "modelDir": "autoscaling/2011-01-01", "modelOnly": True},
    "appflow": {"swiftName": "Appflow", "modelDir": "appflow/2020-08-23", "modelOnly": True},
    "quicksight": {"swiftName": "QuickSight", "modelDir": "quicksight/2018-04-01", "modelOnly": True},
}

# botocore's protocol names, as the wire layer's `WireProtocol` cases.
PROTOCOL_CASES = {
    "query": "awsQuery", "rest-json": "restJson1", "rest-xml": "restXml", "smithy-rpc-v2-cbor": "rpcv2Cbor",
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


# The document element of S3's XML answers, from the "Response Syntax" of each operation in the S3 API
# reference. botocore's model leaves these names out (its parser ignores the root), but clients that
# read the XML themselves look for them.
S3_XML_ROOT_NAMES = {
    "ListBucketsOutput": "ListAllMyBucketsResult",
    "ListDirectoryBucketsOutput": "ListAllMyDirectoryBucketsResult",
    "ListObjectsOutput": "ListBucketResult",
    "ListObjectsV2Output": "ListBucketResult",
    "ListObjectVersionsOutput": "ListVersionsResult",
    "ListMultipartUploadsOutput": "ListMultipartUploadsResult",
    "ListPartsOutput": "ListPartsResult",
    "CreateMultipartUploadOutput": "InitiateMultipartUploadResult",
    "CompleteMultipartUploadOutput": "CompleteMultipartUploadResult",
    "DeleteObjectsOutput": "DeleteResult",
    "GetBucketLocationOutput": "LocationConstraint",
    "GetBucketVersioningOutput": "VersioningConfiguration",
    "GetBucketTaggingOutput": "Tagging",
    "GetObjectTaggingOutput": "Tagging",
    "GetBucketCorsOutput": "CORSConfiguration",
    "GetBucketLifecycleConfigurationOutput": "LifecycleConfiguration",
    "GetBucketLifecycleOutput": "LifecycleConfiguration",
    "GetBucketAclOutput": "AccessControlPolicy",
    "GetObjectAclOutput": "AccessControlPolicy",
    "GetBucketLoggingOutput": "BucketLoggingStatus",
    "GetBucketWebsiteOutput": "WebsiteConfiguration",
    "GetBucketAccelerateConfigurationOutput": "AccelerateConfiguration",
    "GetBucketRequestPaymentOutput": "RequestPaymentConfiguration",
    "GetObjectAttributesOutput": "GetObjectAttributesResponse",
    "ListBucketAnalyticsConfigurationsOutput": "ListBucketAnalyticsConfigurationResult",
    "ListBucketInventoryConfigurationsOutput": "ListInventoryConfigurationsResult",
    "ListBucketMetricsConfigurationsOutput": "ListMetricsConfigurationsResult",
    "ListBucketIntelligentTieringConfigurationsOutput": "ListBucketIntelligentTieringConfigurationsOutput",
    "CreateSessionOutput": "CreateSessionResult",
    "NotificationConfigurationDeprecated": "NotificationConfiguration",
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


MEMBER_KEYS = (
    "shape", "location", "locationName", "flattened", "xmlAttribute", "xmlNamespace", "idempotencyToken",
    "jsonvalue", "hostLabel", "eventpayload", "eventheader", "timestampFormat", "streaming",
)
SHAPE_KEYS = (
    "type", "required", "flattened", "locationName", "min", "max", "pattern", "enum", "timestampFormat",
    "exception", "fault", "error", "union", "streaming", "eventstream", "event", "requiresLength", "document",
    "payload", "xmlNamespace", "sensitive", "membersNotNull", "enumIgnoringCase",
)


def protocols_of(cfg, model):
    """The service's protocols as `WireProtocol` case names, in the model's order of preference."""
    meta = model["metadata"]
    names = list(meta.get("protocols") or [meta["protocol"]]) + cfg.get("extraProtocols", [])
    cases = []
    for name in names:
        if name == "json":
            case = "awsJson1_1" if meta.get("jsonVersion") == "1.1" else "awsJson1_0"
        else:
            case = PROTOCOL_CASES[name]
        if case not in cases:
            cases.append(case)
    return cases


def compact_document(model):
    """The model without documentation or examples: what the wire layer reads at run time.

    One shape or operation per line, so that a regenerated model diffs readably."""
    def ref(r):
        return {k: r[k] for k in MEMBER_KEYS if k in r}

    shapes = []
    for name in sorted(model["shapes"]):
        s = model["shapes"][name]
        out = {k: s[k] for k in SHAPE_KEYS if k in s}
        if "members" in s:
            out["members"] = {m: ref(r) for m, r in s["members"].items()}
        for part in ("member", "key", "value"):
            if part in s:
                out[part] = ref(s[part])
        shapes.append(json.dumps(name) + ":" + json.dumps(out, separators=(",", ":"), ensure_ascii=False))
    operations = []
    for name in sorted(model["operations"]):
        o = model["operations"][name]
        out = {"http": o.get("http", {})}
        for part in ("input", "output"):
            if part in o:
                out[part] = {k: v for k, v in o[part].items() if k != "documentation"}
        if o.get("errors"):
            out["errors"] = [e["shape"] for e in o["errors"]]
        if o.get("deprecated"):
            out["deprecated"] = True
        if o.get("endpoint", {}).get("hostPrefix"):
            out["hostPrefix"] = o["endpoint"]["hostPrefix"]
        operations.append(json.dumps(name) + ":" + json.dumps(out, separators=(",", ":"), ensure_ascii=False))
    text = '{"shapes":{\n' + ",\n".join(shapes) + '\n},\n"operations":{\n' + ",\n".join(operations) + "\n}}"
    if '"##' in text or "\\##" in text:
        raise SystemExit("model text would end the raw string literal early")
    return text


def generate_model(key, cfg, model):
    sn = cfg["swiftName"]
    meta = model["metadata"]
    protocols = protocols_of(cfg, model)
    query_era = protocols[0] == "awsQuery"
    style = cfg.get("validationStyle", "coral")
    code = cfg.get("validationErrorCode", "ValidationError" if query_era else "ValidationException")
    namespace = cfg.get("errorNamespace", "com.amazonaws." + meta["endpointPrefix"])
    args = [
        f"name: {swift_string(sn)}",
        f"clientName: {swift_string(key)}",
        f"serviceId: {swift_string(meta.get('serviceId', sn))}",
        f"signingName: {swift_string(meta.get('signingName', meta['endpointPrefix']))}",
        f"endpointPrefix: {swift_string(meta['endpointPrefix'])}",
        f"apiVersion: {swift_string(meta['apiVersion'])}",
        "protocols: [" + ", ".join("." + p for p in protocols) + "]",
        f"targetPrefix: {swift_string(meta.get('targetPrefix'))}",
        f"jsonVersion: {swift_string(meta.get('jsonVersion'))}",
        f"xmlNamespace: {swift_string(meta.get('xmlNamespace'))}",
        f"errorNamespace: {swift_string(namespace)}",
        f"validationStyle: .{style}",
        f"validationErrorCode: {swift_string(code)}",
    ]
    if cfg.get("queryErrorDetail"):
        args.append("queryErrorDetail: true")
    if "awsQueryCompatible" in meta or cfg.get("queryOverlay"):
        args.append("queryCompatible: true")
    if cfg.get("xmlErrorRoot"):
        args.append(f"xmlErrorRoot: {swift_string(cfg['xmlErrorRoot'])}")
    if cfg.get("jsonCBOR"):
        args.append("acceptsCBOR: true")
    if cfg.get("signingAliases"):
        args.append("signingAliases: [" + ", ".join(swift_string(a) for a in cfg["signingAliases"]) + "]")
    descriptor = ",\n            ".join(args)
    return "\n".join([
        "// Generated by tools/codegen/generate.py from the botocore model. Do not edit.",
        "import SwitchyardWire",
        "",
        f"extension {sn} {{",
        f"    /// What routing needs to know of {meta.get('serviceFullName', sn)} before its model is loaded.",
        "    public static let descriptor = ServiceDescriptor(",
        f"            {descriptor}",
        "    )",
        "",
        "    /// The runtime model (shapes with constraints, operations, error traits), read from the",
        "    /// document on first use.",
        "    public static let model = ServiceModel(descriptor: descriptor, document: modelDocument)",
        "}",
        "",
    ])


def generate_document(cfg, model):
    sn = cfg["swiftName"]
    return "\n".join([
        "// Generated by tools/codegen/generate.py from the botocore model. Do not edit.",
        "",
        f"extension {sn} {{",
        "    /// botocore's model without documentation: one shape or operation per line.",
        "    static let modelDocument = ##\"\"\"",
        # Indented like the code around it: Swift strips the closing delimiter's indentation.
        "\n".join("        " + line for line in compact_document(model).split("\n")),
        "        \"\"\"##",
        "}",
        "",
    ])


def swift_type(model, shape_name, streaming=False):
    s = model["shapes"][shape_name]
    kind = s["type"]
    # A streaming blob (an S3 object's body) is never held whole: it is read or produced in chunks.
    if kind == "blob" and (streaming or s.get("streaming")):
        return "ByteStream"
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


def reaches(model, start, target, seen=None):
    """Whether structure `start` contains `target` by value (through structure members, not through
    lists or maps, whose storage is already indirect)."""
    seen = seen if seen is not None else set()
    if start == target:
        return True
    if start in seen:
        return False
    seen.add(start)
    shape = model["shapes"][start]
    if shape["type"] != "structure":
        return False
    return any(reaches(model, ref["shape"], target, seen) for ref in shape.get("members", {}).values())


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
        # Members the model requires that AWS still leaves out of its answers are optional here.
        required = set(s.get("required", [])) - set(cfg.get("optionalMembers", {}).get(name, []))
        out += doc_comment(s.get("documentation"), "    ")
        out.append(f"    public struct {name}: AWSValueConvertible, Sendable, Equatable {{")
        props = []
        for mname, ref in members.items():
            # An event stream's error events are errors, not values: they have no member here.
            if model["shapes"][ref["shape"]].get("exception"):
                continue
            t = swift_type(model, ref["shape"], ref.get("streaming", False))
            opt = "" if mname in required else "?"
            pname = property_name(mname)
            props.append((mname, pname, t, opt))
            out += doc_comment(ref.get("documentation"), "        ")
            # A structure that contains itself by value keeps that member boxed.
            boxed = model["shapes"][ref["shape"]]["type"] == "structure" and reaches(model, ref["shape"], name)
            out.append(f"        {'@Indirect ' if boxed else ''}public var {pname}: {t}{opt}")
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
    if cfg.get("xmlNamespace"):
        model["metadata"].setdefault("xmlNamespace", cfg["xmlNamespace"])
    for shape_name, pattern in cfg.get("patternOverrides", {}).items():
        model["shapes"][shape_name]["pattern"] = pattern
    for shape_name, order in cfg.get("enumOrder", {}).items():
        if sorted(order) != sorted(model["shapes"][shape_name]["enum"]):
            raise SystemExit(f"enumOrder of {shape_name} does not name the model's values")
        model["shapes"][shape_name]["enum"] = order
    for shape_name in cfg.get("membersNotNull", []):
        model["shapes"][shape_name]["membersNotNull"] = True
    for shape_name in cfg.get("enumIgnoringCase", []):
        model["shapes"][shape_name]["enumIgnoringCase"] = True
    for shape_name, order in cfg.get("memberOrder", {}).items():
        members = model["shapes"][shape_name]["members"]
        model["shapes"][shape_name]["members"] = {name: members[name] for name in order if name in members} | {
            name: ref for name, ref in members.items() if name not in order}
    for shape_name, extra in cfg.get("addMembers", {}).items():
        model["shapes"][shape_name]["members"].update(extra)
    if cfg.get("xmlRootNames"):
        for shape_name, root in globals()[cfg["xmlRootNames"]].items():
            if shape_name in model["shapes"]:
                model["shapes"][shape_name].setdefault("locationName", root)
    if cfg.get("queryOverlay"):
        legacy = load_model(os.path.join(legacy_dir, "botocore", "data", cfg["modelDir"], "service-2.json"))
        overlay_query_traits(model, legacy)
    names = sorted(model["shapes"])
    struct_names = [n for n in names if model["shapes"][n]["type"] == "structure" and not model["shapes"][n].get("exception")]
    sn = cfg["swiftName"]
    out_dir = os.path.join(out_root, sn)
    os.makedirs(out_dir, exist_ok=True)
    for stale in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, stale))
    files = {
        f"{sn}Model.swift": generate_model(service_key, cfg, model),
        f"{sn}ModelDocument.swift": generate_document(cfg, model),
        f"{sn}Namespace.swift": (
            "// Generated by tools/codegen/generate.py from the botocore model. Do not edit.\n\n"
            f"/// Namespace of the generated {model['metadata'].get('serviceFullName', sn)} types.\n"
            f"public enum {sn} {{}}\n"
        ),
    }
    if not cfg.get("modelOnly"):
        files[f"{sn}Shapes.swift"] = generate_shapes(cfg, model, struct_names)
        files[f"{sn}Operations.swift"] = generate_operations(cfg, model)
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
