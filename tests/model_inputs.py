"""Builds a valid input for any operation from its botocore model: required members only, each value
satisfying the model's enum, length, range and pattern constraints, so that a server that parses and
validates like AWS gets past validation to the operation itself."""
import datetime
import re

try:  # Python 3.11+: the parser moved
    import re._parser as sre_parse
    import re._constants as sre_constants
except ImportError:  # pragma: no cover
    import sre_parse
    import sre_constants

# Java (AWS) regex features Python's re lacks, mapped to close equivalents for generation and checks.
JAVA_CLASSES = [
    (r"\p{L}", "a-zA-Z"), (r"\p{Lu}", "A-Z"), (r"\p{Ll}", "a-z"), (r"\p{N}", "0-9"), (r"\p{Z}", " "),
    (r"\p{M}", "a"), (r"\p{P}", "."), (r"\p{S}", "+"), (r"\p{Alnum}", "a-zA-Z0-9"), (r"\p{Alpha}", "a-zA-Z"),
    (r"\p{Digit}", "0-9"), (r"\p{Punct}", "."), (r"\p{ASCII}", "a-z"), (r"\p{XDigit}", "0-9a-f"),
    (r"\p{Print}", "a-z"), (r"\p{Graph}", "a-z"), (r"\p{Space}", " "),
    (r"\p{IsAlphabetic}", "a-zA-Z"), (r"\p{IsDigit}", "0-9"),
]


def python_pattern(pattern):
    """Java's Unicode classes (\\p{L}, ...) as ASCII ranges Python's re reads, inside or outside [...]."""
    ranges = {java[3:-1]: py for java, py in JAVA_CLASSES}
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] in "pP" and i + 2 < len(pattern) and pattern[i + 2] == "{":
                end = pattern.index("}", i)
                name = pattern[i + 3:end]
                text = ranges.get(name, "a") if pattern[i + 1] == "p" else "!"
                out.append(text if in_class else "[" + text + "]")
                i = end + 1
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out).replace("(?s)", "")


def _category_char(category):
    return {
        sre_constants.CATEGORY_DIGIT: "1", sre_constants.CATEGORY_NOT_DIGIT: "a",
        sre_constants.CATEGORY_SPACE: " ", sre_constants.CATEGORY_NOT_SPACE: "a",
        sre_constants.CATEGORY_WORD: "a", sre_constants.CATEGORY_NOT_WORD: "-",
    }.get(category, "a")


def _in_char(items):
    negate = any(op == sre_constants.NEGATE for op, _ in items)
    if negate:
        excluded = set()
        for op, av in items:
            if op == sre_constants.LITERAL:
                excluded.add(chr(av))
            elif op == sre_constants.RANGE:
                excluded.update(chr(c) for c in range(av[0], min(av[1], 0x3000) + 1))
        for candidate in "aA1-_.x":
            if candidate not in excluded:
                return candidate
        return "~"
    preferred = None
    for op, av in items:
        if op == sre_constants.RANGE:
            lo, hi = av
            for candidate in "a1A":
                if lo <= ord(candidate) <= hi:
                    return candidate
            preferred = preferred or chr(lo)
        elif op == sre_constants.LITERAL:
            preferred = preferred or chr(av)
        elif op == sre_constants.CATEGORY:
            preferred = preferred or _category_char(av)
    return preferred or "a"


def _generate(parsed, repeat):
    out = []
    for op, av in parsed:
        if op == sre_constants.LITERAL:
            out.append(chr(av))
        elif op == sre_constants.NOT_LITERAL:
            out.append("a" if av != ord("a") else "b")
        elif op == sre_constants.ANY:
            out.append("a")
        elif op == sre_constants.IN:
            out.append(_in_char(av))
        elif op == sre_constants.BRANCH:
            out.append(_generate(av[1][0], repeat))
        elif op == sre_constants.SUBPATTERN:
            out.append(_generate(av[-1], repeat))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, sub = av
            high = low + 1000 if high == sre_constants.MAXREPEAT else high
            count = min(high, max(low, repeat))
            out.append("".join(_generate(sub, repeat) for _ in range(count)))
        elif op == sre_constants.CATEGORY:
            out.append(_category_char(av))
        # AT (anchors), ASSERT, ASSERT_NOT, GROUPREF: contribute nothing
    return "".join(out)


def string_for(shape):
    """A string that satisfies the shape's enum, length and pattern."""
    if shape.enum:
        return shape.enum[0]
    low = shape.metadata.get("min", 0)
    high = shape.metadata.get("max", 1 << 20)
    pattern = shape.metadata.get("pattern")
    if pattern:
        try:
            compiled = re.compile(python_pattern(pattern))
            parsed = sre_parse.parse(python_pattern(pattern))
        except (re.error, ValueError, OverflowError):
            compiled = parsed = None
        if parsed is not None:
            for repeat in range(1, 129):
                text = _generate(parsed, repeat)
                if low <= len(text) <= high and compiled.search(text):
                    return text
    text = "a" * max(1, low)
    return text[:high] if high else text


def value_for(shape, depth=0):
    kind = shape.type_name
    if kind == "structure":
        result = {}
        members = shape.members
        required = list(shape.required_members)
        if shape.metadata.get("union") or shape.is_document_type or (not required and depth > 0):
            # A union needs one member; a structure the caller must give needs some content to be sent.
            required = required or list(members)[:1]
        if depth > 12:
            return result
        for name in required:
            result[name] = value_for(members[name], depth + 1)
        return result
    if kind == "list":
        # Empty lists of query strings, headers and query protocols are not sent at all.
        count = max(1, shape.metadata.get("min", 0))
        return [value_for(shape.member, depth + 1) for _ in range(count)]
    if kind == "map":
        count = max(1, shape.metadata.get("min", 0))
        return {string_for(shape.key) + str(i) * (i > 0): value_for(shape.value, depth + 1) for i in range(count)}
    if kind == "string":
        return string_for(shape)
    if kind in ("integer", "long"):
        low = shape.metadata.get("min", 1)
        high = shape.metadata.get("max", max(low, 1))
        return int(min(max(low, 1), high))
    if kind in ("double", "float"):
        low = shape.metadata.get("min", 1)
        high = shape.metadata.get("max", max(low, 1))
        return float(min(max(low, 1), high))
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"x" * max(1, shape.metadata.get("min", 1))
    if kind == "timestamp":
        return datetime.datetime.now(datetime.timezone.utc)
    return {}


def input_for(operation_model):
    if operation_model.input_shape is None:
        return {}
    return value_for(operation_model.input_shape)
