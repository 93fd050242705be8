"""Fuzz every JSON endpoint of intake from its OpenAPI document: never a 5xx."""

import time

import pytest
import requests

from services.common.auth import issue_token
from services.intake.chatbot import signature
from tests.support.fuzz import concrete, fuzz_operation, json_operations

pytestmark = pytest.mark.integration


def test_no_generated_body_makes_any_json_endpoint_fail(start_service):
    intake = start_service("intake", CHATBOT_SECRETS="zalo:fuzz-secret")
    document = requests.get(intake.url("/api/v1/openapi.json"), timeout=5).json()
    clerk = "Bearer " + issue_token(intake.settings["AUTH_SECRET"], user_id="u-f",
                                    username="clerk", role="clerk", unit_code=None)

    def headers_for(data):
        stamp = str(int(time.time()))
        return {"Authorization": clerk, "X-Timestamp": stamp,
                "X-Signature": signature("fuzz-secret", stamp, data)}

    operations = list(json_operations(document))
    assert {path for _, path, _ in operations} >= {
        "/api/v1/feedback", "/api/v1/webhooks/{source}", "/api/v1/periodic-reports"}
    for method, path, schema in operations:
        fuzz_operation(intake.base_url, document, method,
                       concrete(path, {"source": "zalo"}), schema, headers_for)
