"""The OpenAPI document covers every API route of the cases service."""

import inspect

from services.cases.openapi import document
from services.cases.service import CasesService
from services.common.web import HttpEntrypoint

UNDOCUMENTED = {"/api/v1/openapi.json", "/api/v1/cases/stats"}


def api_routes():
    routes = set()
    for _, method in inspect.getmembers(CasesService, callable):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, HttpEntrypoint) and entrypoint.url.startswith("/api/"):
                path = entrypoint.url.replace("<", "{").replace(">", "}")
                for verb in entrypoint.method.split(","):
                    routes.add((verb.lower(), path))
    return routes


def test_every_api_route_is_documented_and_nothing_else():
    documented = {(verb, path) for path, ops in document()["paths"].items() for verb in ops}
    assert documented == {(v, p) for v, p in api_routes() if p not in UNDOCUMENTED}


def test_request_bodies_come_from_the_marshmallow_schemas():
    spec = document()
    body = spec["paths"]["/api/v1/cases/{case_id}/actions/{action}"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert schema["required"] == ["version"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
