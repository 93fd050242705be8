"""The OpenAPI document covers every API route of the reporting service, and only those."""

from services.reporting.openapi import document
from services.reporting.reports import CATALOGUE
from services.reporting.schemas import FORMATS
from tests.security.routes import api_operations, documented_operations

UNDOCUMENTED = {("get", "/api/v1/openapi.json")}


def test_every_api_route_is_documented_and_nothing_else():
    assert documented_operations(document()) == api_operations("reporting") - UNDOCUMENTED


def test_the_report_query_comes_from_the_marshmallow_schema_and_names_every_report():
    operation = document()["paths"]["/api/v1/reports/{name}"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"name", "from", "to", "unit", "category", "priority", "channel",
                               "format", "by", "period", "limit"}
    assert parameters["name"]["schema"]["enum"] == [report.name for report in CATALOGUE]
    assert parameters["format"]["schema"]["enum"] == list(FORMATS)
    assert set(operation["responses"]) == {"200", "401", "403", "404", "422"}
