"""Every HTTP route of the four services, read from the nameko `@http` entrypoints themselves."""

import inspect
import re
from dataclasses import dataclass

from services.common.config import SERVICES
from services.common.web import HttpEntrypoint
from services.registry import service_class


@dataclass(frozen=True, order=True)
class Route:
    """One method and URL rule (`/api/v1/cases/<case_id>`) served by one service."""

    service: str
    method: str
    rule: str

    @property
    def openapi_path(self):
        """The rule as an OpenAPI path: `<string:name>` becomes `{name}`."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.rule)

    def __str__(self):
        return f"{self.service} {self.method} {self.rule}"


def routes_of(service):
    """The routes of one service's class, including those of its mixins."""
    found = set()
    for _, member in inspect.getmembers(service_class(service), callable):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, HttpEntrypoint):
                found.update(Route(service, verb.strip().upper(), entrypoint.url)
                             for verb in entrypoint.method.split(","))
    return found


def all_routes():
    """The routes of the four services."""
    return set().union(*(routes_of(service) for service in SERVICES))


def api_operations(service, prefix="/api/"):
    """(method, OpenAPI path) of a service's API routes, lower-case methods as in documents."""
    return {(route.method.lower(), route.openapi_path) for route in routes_of(service)
            if route.rule.startswith(prefix)}


def documented_operations(document):
    """(method, path) of every operation an OpenAPI document describes."""
    return {(method, path) for path, operations in document["paths"].items()
            for method in operations}
