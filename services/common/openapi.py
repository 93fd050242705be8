"""OpenAPI 3 documents generated from the marshmallow schemas each service already uses."""

import re
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

ERROR = {
    "type": "object", "required": ["error", "message", "fields"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                   # messages per field; a nested object or list nests them (by key or index)
                   "fields": {"type": "object",
                              "additionalProperties": {"anyOf": [
                                  {"type": "array", "items": {"type": "string"}},
                                  {"type": "object"}]}}},
}
ERROR_STATUSES = {"400": "Malformed request", "401": "Not signed in",
                  "403": "Not allowed", "404": "Not found", "409": "Conflict or stale version",
                  "413": "Body too large", "415": "Body must be JSON",
                  "422": "A field is invalid", "429": "Too many attempts"}


@dataclass(frozen=True)
class Operation:
    """One HTTP operation: what it takes and what it returns."""

    method: str
    path: str
    summary: str
    body: type | None = None
    query: type | None = None
    status: str = "200"
    secured: bool = False
    errors: tuple = ("400",)
    parameters: tuple = field(default=())
    response: dict | None = None  # JSON schema of the success body, when documented


def _openapi_path(path):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", path)


def build_spec(title, version, description, operations):
    """The OpenAPI document (a dict) of a service's operations."""
    spec = APISpec(title=title, version=version, openapi_version="3.0.3",
                   info={"description": description}, plugins=[MarshmallowPlugin()])
    spec.components.schema("Error", ERROR)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths = {}
    for op in operations:
        path = _openapi_path(op.path)
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in re.findall(r"{([a-z_]+)}", path)]
        params += list(op.parameters)
        if op.query is not None:
            params.append({"in": "query", "schema": op.query})
        success = {"description": "Success"}
        if op.response is not None:
            success["content"] = {"application/json": {"schema": op.response}}
        entry = {"summary": op.summary, "parameters": params, "responses": {
            op.status: success,
            **{code: {"description": ERROR_STATUSES[code], "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}} for code in op.errors}}}
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": op.body}}}
        if op.secured:
            entry["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[op.method.lower()] = entry
    for path, methods in paths.items():
        spec.path(path=path, operations=methods)
    return spec.to_dict()
