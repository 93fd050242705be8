"""Triage sets priority and sensitivity together with the assignment."""

from datetime import UTC, datetime

import pytest

from services.cases.workflow import Actor, CaseState, InvalidFieldError, decide

CLERK = Actor("u-1", "clerk")
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_assignment_may_set_priority_and_sensitivity():
    decision = decide(CaseState("new"), "assign", CLERK,
                      {"unit_code": "DB-001", "priority": "hot", "sensitivity": "restricted"},
                      NOW)
    assert decision.changes["priority"] == "hot"
    assert decision.changes["sensitivity"] == "restricted"
    assert decision.details["priority"] == "hot"


def test_blank_priority_leaves_it_unchanged():
    decision = decide(CaseState("new"), "assign", CLERK, {"unit_code": "DB-001",
                                                          "priority": " "}, NOW)
    assert "priority" not in decision.changes


@pytest.mark.parametrize(("name", "value"), [("priority", "critical"), ("sensitivity", "top")])
def test_unknown_priority_or_sensitivity_is_refused(name, value):
    with pytest.raises(InvalidFieldError) as info:
        decide(CaseState("new"), "assign", CLERK, {"unit_code": "DB-001", name: value}, NOW)
    assert name in info.value.fields
