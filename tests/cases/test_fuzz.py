"""Fuzz every JSON endpoint of cases from its OpenAPI document: never a 5xx."""

import pytest
import requests

from tests.support.fuzz import concrete, fuzz_operation, json_operations

pytestmark = pytest.mark.integration


def test_no_generated_body_makes_any_json_endpoint_fail(cases_api):
    case_id = cases_api.submit()
    document = requests.get(cases_api.service.url("/api/v1/openapi.json"), timeout=5).json()
    admin, clerk = cases_api.token("admin"), cases_api.token("clerk")
    operations = list(json_operations(document))
    assert len(operations) >= 5
    for method, path, schema in operations:
        token = admin if "/units" in path or "/users" in path else clerk
        fuzz_operation(cases_api.service.base_url, document, method,
                       concrete(path, {"case_id": case_id, "action": "assign",
                                       "code": "DB-001"}),
                       schema, lambda data, token=token: {"Authorization": f"Bearer {token}"},
                       examples=40)
