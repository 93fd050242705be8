"""Fuzz a service's JSON endpoints from its OpenAPI document: anything may come in, no 5xx.

Bodies are built from each operation's request schema — known field names with values of
any JSON type (Vietnamese text, control characters, huge numbers, nesting) and stray fields —
then sent as they are. Every answer must be below 500 and, when an error, the JSON error shape.
"""

import json
import re

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
SAMPLES = st.sampled_from(["Nước sạch", "ABCD-EFGH-JKM", "DB-001", "2026-11", "", " ",
                           "<script>alert(1)</script>", "x" * 300, "\x00\x07", "đ" * 5000])
SCALARS = st.none() | st.booleans() | st.integers(-2**70, 2**70) | \
    st.floats(allow_nan=False, allow_infinity=False) | TEXT | SAMPLES
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) |
                    st.dictionaries(TEXT, inner, max_size=4), max_leaves=12)


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def body_strategy(document, schema, depth=0):
    """Objects with the schema's fields (each maybe missing) holding arbitrary JSON."""
    schema = _resolve(document, schema)
    properties = schema.get("properties") or {}
    if not properties or depth > 2:
        return JSON
    fields = {}
    for name, sub in properties.items():
        sub = _resolve(document, sub) if "$ref" in sub else sub
        nested = body_strategy(document, sub, depth + 1) if sub.get("properties") else JSON
        items = sub.get("items") or {}
        if items.get("$ref") or items.get("properties"):
            nested = st.lists(body_strategy(document, items, depth + 1), max_size=3) | JSON
        fields[name] = nested
    return st.fixed_dictionaries({}, optional=fields).flatmap(
        lambda known: st.dictionaries(TEXT, JSON, max_size=2).map(lambda extra: {**extra,
                                                                                 **known}))


def json_operations(document):
    """(method, path) of every operation that takes a JSON body."""
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            content = (operation.get("requestBody") or {}).get("content") or {}
            if "application/json" in content:
                yield method.upper(), path, content["application/json"]["schema"]


def concrete(path, values):
    """A path with its `{name}` parts filled from `values` (or a plausible default)."""
    return re.sub(r"{([a-z_]+)}", lambda m: values.get(m[1], "x"), path)


def fuzz_operation(base_url, document, method, path, schema, headers_for, examples=60):
    """Send `examples` generated bodies to one operation; fail on any 5xx or bad error."""
    @settings(max_examples=examples, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=body_strategy(document, schema) | JSON, raw=st.booleans())
    def run(body, raw):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if raw:
            data = data[: len(data) // 2] + b"\xff"  # truncated and not UTF-8
        headers = {"Content-Type": "application/json", **headers_for(data)}
        response = requests.request(method, base_url + path, data=data, headers=headers,
                                    timeout=10)
        assert response.status_code < 500, (method, path, body, response.text)
        if response.status_code >= 400:
            error = response.json()
            assert error["message"] and "Traceback" not in response.text, error

    run()
