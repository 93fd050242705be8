"""The OpenAPI document covers every API route of the notify service, and only those."""

from services.notify.openapi import document
from tests.security.routes import api_operations, documented_operations

# the document's own route; `/preferences/me` is the `<owner>` route with another body
UNDOCUMENTED = {("get", "/api/v1/openapi.json")}
DOCUMENTED_APART = {("get", "/api/v1/preferences/me"), ("put", "/api/v1/preferences/me")}


def test_every_api_route_is_documented_and_nothing_else():
    assert documented_operations(document()) - DOCUMENTED_APART == \
        api_operations("notify") - UNDOCUMENTED


def test_bodies_and_queries_come_from_the_marshmallow_schemas():
    spec = document()
    me = spec["paths"]["/api/v1/preferences/me"]["put"]["requestBody"]
    audience = spec["paths"]["/api/v1/preferences/{owner}"]["put"]["requestBody"]
    schemas = spec["components"]["schemas"]
    mine = schemas[me["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
    theirs = schemas[audience["content"]["application/json"]["schema"]["$ref"]
                     .rsplit("/", 1)[-1]]
    assert {"email", "digests"} <= set(mine["properties"])
    assert not {"email", "digests"} & set(theirs["properties"])
    query = {p["name"] for p in spec["paths"]["/api/v1/deliveries"]["get"]["parameters"]}
    assert query == {"case_id", "recipient", "status", "channel", "page", "per_page"}


def test_secured_operations_say_so_and_public_counts_do_not():
    paths = document()["paths"]
    assert "security" not in paths["/api/v1/deliveries/stats"]["get"]
    assert paths["/api/v1/webhook-secrets/{code}"]["get"]["security"] == [{"bearer": []}]
    assert "401" in paths["/api/v1/inbox"]["get"]["responses"]
