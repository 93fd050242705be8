"""The case state machine: every (state, action) pair, every role, every required field."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from services.cases.workflow import (
    ACTIONS,
    OPEN_STATES,
    STATES,
    TERMINAL_STATES,
    ActionNotAllowedError,
    Actor,
    CaseState,
    Decision,
    InvalidFieldError,
    InvalidTransitionError,
    MissingFieldError,
    ReopenWindowClosedError,
    Settings,
    WorkflowError,
    allowed_actions,
    decide,
)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
UNIT, COORD, PARENT, OTHER, NEW_UNIT = "DB-012", "SO-YTE", "DUK-VP", "CS-099", "DB-034"

# The table of DESIGN.md §4, written out independently of the module: (state, action) -> to.
EXPECTED = {
    ("new", "assign"): "assigned",
    ("new", "reject"): "rejected",
    ("new", "merge"): "merged",
    ("assigned", "merge"): "merged",
    ("assigned", "accept"): "in_progress",
    ("assigned", "transfer"): "assigned",
    ("in_progress", "transfer"): "assigned",
    ("in_progress", "request_info"): "awaiting_info",
    ("awaiting_info", "provide_info"): "in_progress",
    ("in_progress", "resolve"): "resolved",
    ("resolved", "confirm"): "closed",
    ("resolved", "reject_resolution"): "in_progress",
    ("closed", "reopen"): "assigned",
    **{(state, "escalate"): state for state in OPEN_STATES},
    **{(state, "comment"): state for state in STATES if state != "merged"},
}

VALID_PARAMS = {
    "assign": {"unit_code": NEW_UNIT, "coordinating_units": [COORD]},
    "reject": {"reason": "Không thuộc thẩm quyền"},
    "merge": {"into_case_id": "case-2"},
    "accept": {},
    "transfer": {"unit_code": NEW_UNIT, "reason": "Đúng đơn vị phụ trách"},
    "request_info": {"question": "Địa chỉ cụ thể?"},
    "provide_info": {"note": "Đã bổ sung"},
    "resolve": {"resolution": "Đã khắc phục"},
    "confirm": {},
    "reject_resolution": {"reason": "Chưa đủ"},
    "reopen": {"reason": "Tái diễn"},
    "escalate": {"reason": "Quá hạn", "parent_unit": PARENT},
    "comment": {"text": "Ghi chú", "public": True},
}

REQUIRED = {
    "assign": ["unit_code"], "reject": ["reason"], "merge": ["into_case_id"], "accept": [],
    "transfer": ["unit_code", "reason"], "request_info": ["question"], "provide_info": [],
    "resolve": ["resolution"], "confirm": [], "reject_resolution": ["reason"],
    "reopen": ["reason"], "escalate": ["reason"], "comment": ["text"],
}

EVENT_TYPES = {
    "assign": "case_assigned", "transfer": "case_transferred", "resolve": "case_resolved",
    "confirm": "case_closed", "reopen": "case_reopened", "merge": "case_merged",
    "escalate": "case_escalated", "comment": "case_commented",
    "reject": "case_status_changed", "accept": "case_status_changed",
    "request_info": "case_status_changed", "provide_info": "case_status_changed",
    "reject_resolution": "case_status_changed",
}

ACTORS = {
    "clerk": Actor("u-clerk", "clerk"),
    "leader": Actor("u-leader", "leader"),
    "admin": Actor("u-admin", "admin"),
    "system": Actor("system", "system"),
    "officer_own": Actor("u-o1", "officer", UNIT),
    "officer_coordinating": Actor("u-o2", "officer", COORD),
    "officer_parent": Actor("u-o3", "officer", PARENT),
    "officer_other": Actor("u-o4", "officer", OTHER),
    "officer_without_unit": Actor("u-o5", "officer", None),
    "head_own": Actor("u-h1", "unit_head", UNIT),
    "head_coordinating": Actor("u-h2", "unit_head", COORD),
    "head_parent": Actor("u-h3", "unit_head", PARENT),
    "head_other": Actor("u-h4", "unit_head", OTHER),
    "unknown_role": Actor("u-x", "guest", UNIT),
}

OWN_OFFICERS = {"officer_own", "head_own"}
WHO_MAY = {
    "assign": {"clerk"}, "reject": {"clerk"}, "merge": {"clerk"}, "reopen": {"clerk"},
    "accept": OWN_OFFICERS, "request_info": OWN_OFFICERS, "provide_info": OWN_OFFICERS,
    "resolve": OWN_OFFICERS,
    "transfer": {"clerk", "head_own"}, "confirm": {"clerk", "head_own"},
    "reject_resolution": {"clerk", "head_own"},
    "escalate": {"clerk", "system"},
    "comment": {"clerk", "leader", "officer_own", "head_own", "officer_coordinating",
                "head_coordinating", "officer_parent", "head_parent"},
}

# An actor with the right role for each action, used where the role is not under test.
RIGHT_ACTOR = {
    "assign": "clerk", "reject": "clerk", "merge": "clerk", "accept": "officer_own",
    "transfer": "clerk", "request_info": "officer_own", "provide_info": "officer_own",
    "resolve": "officer_own", "confirm": "clerk", "reject_resolution": "clerk",
    "reopen": "clerk", "escalate": "clerk", "comment": "clerk",
}


def case_in(status, **overrides):
    """A case in `status`, assigned to UNIT (unless new) with one coordinating unit."""
    fields = {"status": status, "case_id": "case-1"}
    if status != "new":
        fields.update(assigned_unit=UNIT, coordinating_units=(COORD,), escalated_units=(PARENT,))
    if status == "closed":
        fields["closed_at"] = NOW - timedelta(days=1)
    fields.update(overrides)
    return CaseState(**fields)


PREFERRED = ("in_progress", "assigned", "awaiting_info", "resolved", "closed", "new", "rejected")


def state_for(action):
    """A state from which `action` is possible, one with units involved when there is a choice."""
    return next(state for state in PREFERRED if (state, action) in EXPECTED)


def apply(case, decision):
    """The case after a decision."""
    return dataclasses.replace(case, **decision.changes)


# -- every (state, action) pair ----------------------------------------------------------------

@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_exactly_the_table_pairs_succeed_and_all_others_are_invalid_transitions(state, action):
    case = case_in(state)
    actor = ACTORS[RIGHT_ACTOR[action]]
    if (state, action) in EXPECTED:
        decision = decide(case, action, actor, VALID_PARAMS[action], NOW)
        assert decision.from_status == state
        assert decision.to_status == EXPECTED[(state, action)]
        assert apply(case, decision).status == decision.to_status
    else:
        with pytest.raises(InvalidTransitionError) as caught:
            decide(case, action, actor, VALID_PARAMS[action], NOW)
        assert caught.value.code == "invalid_transition"
        assert caught.value.status == 409


def test_the_table_is_not_empty_for_any_action():
    assert {action for _, action in EXPECTED} == set(ACTIONS)


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_emits_its_event_type(action):
    state = state_for(action)
    decision = decide(case_in(state), action, ACTORS[RIGHT_ACTOR[action]],
                      VALID_PARAMS[action], NOW)
    assert isinstance(decision, Decision)
    assert decision.action == action
    assert decision.event_type == EVENT_TYPES[action]


@pytest.mark.parametrize("action", ACTIONS)
def test_changes_name_only_case_fields_and_status_only_when_it_moves(action):
    case = case_in(state_for(action))
    decision = decide(case, action, ACTORS[RIGHT_ACTOR[action]], VALID_PARAMS[action], NOW)
    field_names = {f.name for f in dataclasses.fields(CaseState)}
    assert set(decision.changes) <= field_names
    assert ("status" in decision.changes) == (decision.to_status != decision.from_status)
    for name, value in decision.changes.items():
        assert getattr(case, name) != value


# -- every role -----------------------------------------------------------------------------

@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_and_unit_may_take_exactly_its_actions(action, actor_name):
    case = case_in(state_for(action))
    actor = ACTORS[actor_name]
    if actor_name in WHO_MAY[action]:
        decide(case, action, actor, VALID_PARAMS[action], NOW)
    else:
        with pytest.raises(ActionNotAllowedError) as caught:
            decide(case, action, actor, VALID_PARAMS[action], NOW)
        assert caught.value.code == "action_not_allowed"
        assert caught.value.status == 403


def test_leaders_may_only_comment_and_on_every_case_but_a_merged_one():
    for state in STATES:
        offered = allowed_actions(case_in(state), ACTORS["leader"])
        assert offered == ([] if state == "merged" else ["comment"])


@pytest.mark.parametrize("actor_name", ["officer_coordinating", "head_coordinating"])
def test_coordinating_units_may_only_comment_once_the_case_involves_them(actor_name):
    for state in STATES:
        offered = allowed_actions(case_in(state), ACTORS[actor_name])
        assert offered == ([] if state in ("new", "merged") else ["comment"])


def test_admins_may_take_no_case_action_in_any_state():
    assert all(allowed_actions(case_in(state), ACTORS["admin"]) == [] for state in STATES)


def test_the_system_may_only_escalate_and_only_open_cases():
    for state in STATES:
        offered = allowed_actions(case_in(state), ACTORS["system"])
        assert offered == (["escalate"] if state in OPEN_STATES else [])


def test_a_unit_head_transfers_only_from_their_own_unit():
    case = case_in("in_progress", assigned_unit=OTHER, coordinating_units=())
    with pytest.raises(ActionNotAllowedError):
        decide(case, "transfer", ACTORS["head_own"], VALID_PARAMS["transfer"], NOW)
    decide(case, "transfer", ACTORS["head_other"], VALID_PARAMS["transfer"], NOW)


def test_nobody_counts_as_an_officer_of_a_case_that_has_no_unit():
    case = case_in("new")
    assert allowed_actions(case, ACTORS["officer_without_unit"]) == []


# -- check order ------------------------------------------------------------------------------

def test_an_unknown_action_is_a_400_before_anything_else():
    with pytest.raises(WorkflowError) as caught:
        decide(case_in("merged"), "explode", ACTORS["admin"], {}, NOW)
    assert caught.value.code == "unknown_action"
    assert caught.value.status == 400
    assert "action" in caught.value.fields
    assert not isinstance(caught.value, InvalidTransitionError | ActionNotAllowedError)


def test_a_non_string_action_is_unknown_too():
    with pytest.raises(WorkflowError) as caught:
        decide(case_in("new"), ["assign"], ACTORS["clerk"], {}, NOW)
    assert caught.value.code == "unknown_action"


def test_the_state_is_checked_before_the_role():
    with pytest.raises(InvalidTransitionError):
        decide(case_in("closed"), "assign", ACTORS["leader"], {}, NOW)


def test_the_role_is_checked_before_the_parameters():
    with pytest.raises(ActionNotAllowedError):
        decide(case_in("new"), "reject", ACTORS["leader"], {}, NOW)


def test_missing_fields_are_reported_before_invalid_ones():
    with pytest.raises(MissingFieldError):
        decide(case_in("assigned"), "transfer", ACTORS["clerk"], {"unit_code": UNIT}, NOW)


# -- parameters -----------------------------------------------------------------------------

MISSING_CASES = [(action, name) for action, names in REQUIRED.items() for name in names]


@pytest.mark.parametrize("blank", ["absent", None, "", "   \t\n"])
@pytest.mark.parametrize(("action", "name"), MISSING_CASES)
def test_a_missing_or_blank_required_field_is_named_in_a_missing_field_error(action, name, blank):
    params = dict(VALID_PARAMS[action])
    if blank == "absent":
        del params[name]
    else:
        params[name] = blank
    with pytest.raises(MissingFieldError) as caught:
        decide(case_in(state_for(action)), action, ACTORS[RIGHT_ACTOR[action]], params, NOW)
    assert list(caught.value.fields) == [name]
    assert caught.value.fields[name]
    assert caught.value.code == "missing_field"
    assert caught.value.status == 422


def test_every_missing_field_is_reported_at_once():
    with pytest.raises(MissingFieldError) as caught:
        decide(case_in("assigned"), "transfer", ACTORS["clerk"], {}, NOW)
    assert set(caught.value.fields) == {"unit_code", "reason"}


@pytest.mark.parametrize("action", [a for a in ACTIONS if not REQUIRED[a]])
def test_actions_without_required_fields_accept_no_parameters_at_all(action):
    decide(case_in(state_for(action)), action, ACTORS[RIGHT_ACTOR[action]], None, NOW)


def test_text_parameters_are_stripped():
    decision = decide(case_in("new"), "reject", ACTORS["clerk"], {"reason": "  Trùng lặp \n"}, NOW)
    assert decision.details == {"reason": "Trùng lặp"}


def test_a_text_parameter_that_is_not_text_is_an_invalid_field():
    with pytest.raises(InvalidFieldError) as caught:
        decide(case_in("new"), "reject", ACTORS["clerk"], {"reason": 42}, NOW)
    assert caught.value.fields == {"reason": ["Must be text."]}
    assert (caught.value.code, caught.value.status) == ("invalid_field", 422)


# -- assign, merge, transfer -------------------------------------------------------------------

def test_assign_sets_the_unit_and_deduplicated_coordinating_units_in_order():
    params = {"unit_code": f" {UNIT} ", "coordinating_units": [COORD, " B ", COORD, "", "A"]}
    decision = decide(case_in("new"), "assign", ACTORS["clerk"], params, NOW)
    assert decision.changes == {"status": "assigned", "assigned_unit": UNIT,
                                "coordinating_units": (COORD, "B", "A")}
    assert decision.details == {"unit_code": UNIT, "coordinating_units": [COORD, "B", "A"]}


def test_assign_without_coordinating_units_clears_none_and_adds_none():
    decision = decide(case_in("new"), "assign", ACTORS["clerk"], {"unit_code": UNIT}, NOW)
    assert decision.changes["coordinating_units"] == ()


def test_assign_refuses_the_assigned_unit_among_the_coordinating_units():
    params = {"unit_code": UNIT, "coordinating_units": [COORD, UNIT]}
    with pytest.raises(InvalidFieldError) as caught:
        decide(case_in("new"), "assign", ACTORS["clerk"], params, NOW)
    assert "coordinating_units" in caught.value.fields


@pytest.mark.parametrize("bad", ["SO-YTE", 7, {"SO-YTE": 1}, [3]])
def test_assign_refuses_coordinating_units_that_are_not_a_list_of_codes(bad):
    params = {"unit_code": UNIT, "coordinating_units": bad}
    with pytest.raises(InvalidFieldError) as caught:
        decide(case_in("new"), "assign", ACTORS["clerk"], params, NOW)
    assert "coordinating_units" in caught.value.fields


def test_a_case_cannot_be_merged_into_itself():
    with pytest.raises(InvalidFieldError) as caught:
        decide(case_in("new"), "merge", ACTORS["clerk"], {"into_case_id": " case-1 "}, NOW)
    assert "into_case_id" in caught.value.fields


def test_merge_records_the_target_case():
    decision = decide(case_in("assigned"), "merge", ACTORS["clerk"], {"into_case_id": "c-9"}, NOW)
    assert decision.details == {"into_case_id": "c-9"}
    assert decision.changes == {"status": "merged"}


@pytest.mark.parametrize("state", ["assigned", "in_progress"])
def test_transfer_to_the_same_unit_is_refused(state):
    params = {"unit_code": UNIT, "reason": "x"}
    with pytest.raises(InvalidFieldError) as caught:
        decide(case_in(state), "transfer", ACTORS["clerk"], params, NOW)
    assert "unit_code" in caught.value.fields
    assert caught.value.status == 422


def test_transfer_moves_the_case_and_records_both_units():
    decision = decide(case_in("in_progress"), "transfer", ACTORS["head_own"],
                      VALID_PARAMS["transfer"], NOW)
    assert decision.to_status == "assigned"
    assert decision.changes == {"status": "assigned", "assigned_unit": NEW_UNIT}
    assert decision.details == {"from_unit": UNIT, "to_unit": NEW_UNIT,
                                "reason": "Đúng đơn vị phụ trách"}


def test_transfer_to_a_coordinating_unit_drops_it_from_the_coordinating_units():
    case = case_in("assigned", coordinating_units=(COORD, "B"))
    decision = decide(case, "transfer", ACTORS["clerk"], {"unit_code": COORD, "reason": "x"}, NOW)
    assert apply(case, decision).assigned_unit == COORD
    assert apply(case, decision).coordinating_units == ("B",)


# -- confirm and reopen ---------------------------------------------------------------------

def test_confirm_stamps_the_closing_time():
    decision = decide(case_in("resolved"), "confirm", ACTORS["head_own"], {}, NOW)
    assert decision.changes == {"status": "closed", "closed_at": NOW}


def test_reopen_returns_the_case_to_its_unit_and_clears_the_closing_time():
    case = case_in("closed")
    decision = decide(case, "reopen", ACTORS["clerk"], {"reason": "Tái diễn"}, NOW)
    reopened = apply(case, decision)
    assert (reopened.status, reopened.assigned_unit, reopened.closed_at) == ("assigned", UNIT, None)
    assert decision.details == {"reason": "Tái diễn"}


def test_reopen_exactly_at_the_window_boundary_is_allowed():
    case = case_in("closed", closed_at=NOW - timedelta(days=30))
    assert decide(case, "reopen", ACTORS["clerk"], {"reason": "r"}, NOW).to_status == "assigned"


def test_reopen_one_second_after_the_window_is_refused():
    case = case_in("closed", closed_at=NOW - timedelta(days=30, seconds=1))
    with pytest.raises(ReopenWindowClosedError) as caught:
        decide(case, "reopen", ACTORS["clerk"], {"reason": "r"}, NOW)
    assert (caught.value.code, caught.value.status) == ("reopen_window_closed", 409)


def test_the_reopen_window_follows_the_settings():
    case = case_in("closed", closed_at=NOW - timedelta(days=8))
    decide(case, "reopen", ACTORS["clerk"], {"reason": "r"}, NOW, Settings(reopen_window_days=8))
    with pytest.raises(ReopenWindowClosedError):
        decide(case, "reopen", ACTORS["clerk"], {"reason": "r"}, NOW,
               Settings(reopen_window_days=7))


def test_a_closed_case_without_a_closing_time_cannot_be_reopened():
    with pytest.raises(ReopenWindowClosedError):
        decide(case_in("closed", closed_at=None), "reopen", ACTORS["clerk"], {"reason": "r"}, NOW)


# -- escalate -------------------------------------------------------------------------------

@pytest.mark.parametrize("state", sorted(OPEN_STATES))
def test_escalate_keeps_the_state_raises_the_level_and_adds_the_parent(state):
    case = case_in(state, escalated_units=(), escalation_level=1)
    decision = decide(case, "escalate", ACTORS["system"],
                      {"reason": " Quá hạn ", "parent_unit": PARENT}, NOW)
    assert decision.from_status == decision.to_status == state
    assert decision.changes == {"escalation_level": 2, "escalated_units": (PARENT,)}
    assert decision.details == {"reason": "Quá hạn", "parent_unit": PARENT, "level": 2}


@pytest.mark.parametrize("state", ["closed", *sorted(TERMINAL_STATES)])
def test_escalate_is_refused_for_closed_and_terminal_cases(state):
    with pytest.raises(InvalidTransitionError):
        decide(case_in(state), "escalate", ACTORS["clerk"], VALID_PARAMS["escalate"], NOW)


def test_escalating_twice_to_the_same_parent_adds_it_once():
    case = case_in("in_progress", escalated_units=())
    params = {"reason": "Quá hạn", "parent_unit": PARENT}
    once = apply(case, decide(case, "escalate", ACTORS["clerk"], params, NOW))
    twice = apply(once, decide(once, "escalate", ACTORS["clerk"], params, NOW))
    assert (twice.escalation_level, twice.escalated_units) == (2, (PARENT,))


@pytest.mark.parametrize("parent", [None, "", "  "])
def test_escalate_without_a_parent_only_raises_the_level(parent):
    params = {"reason": "Quá hạn", "parent_unit": parent}
    decision = decide(case_in("assigned"), "escalate", ACTORS["clerk"], params, NOW)
    assert decision.changes == {"escalation_level": 1}
    assert decision.details["parent_unit"] is None


# -- comment --------------------------------------------------------------------------------

def test_a_comment_is_internal_unless_marked_public_and_changes_nothing():
    decision = decide(case_in("closed"), "comment", ACTORS["officer_own"], {"text": "x"}, NOW)
    assert decision.details == {"text": "x", "public": False}
    assert decision.changes == {}
    public = decide(case_in("new"), "comment", ACTORS["leader"], {"text": "y", "public": True}, NOW)
    assert public.details["public"] is True


def test_the_public_flag_must_be_a_boolean():
    with pytest.raises(InvalidFieldError) as caught:
        decide(case_in("new"), "comment", ACTORS["clerk"], {"text": "x", "public": "yes"}, NOW)
    assert "public" in caught.value.fields


def test_provide_info_takes_an_optional_note():
    case = case_in("awaiting_info")
    assert decide(case, "provide_info", ACTORS["officer_own"], {}, NOW).details == {"note": None}
    decision = decide(case, "provide_info", ACTORS["head_own"], {"note": " ok "}, NOW)
    assert decision.details == {"note": "ok"}


# -- allowed_actions agrees with decide ----------------------------------------------------------

@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_allowed_actions_offers_exactly_what_decide_accepts(state, actor_name):
    case, actor = case_in(state), ACTORS[actor_name]
    offered = allowed_actions(case, actor, NOW)
    assert offered == [action for action in ACTIONS if action in offered]
    for action in ACTIONS:
        if action in offered:
            decide(case, action, actor, VALID_PARAMS[action], NOW)
        else:
            with pytest.raises((InvalidTransitionError, ActionNotAllowedError,
                                ReopenWindowClosedError)):
                decide(case, action, actor, VALID_PARAMS[action], NOW)


def test_allowed_actions_drops_reopen_after_the_window_only_when_told_the_time():
    case = case_in("closed", closed_at=NOW - timedelta(days=31))
    assert "reopen" in allowed_actions(case, ACTORS["clerk"])
    assert "reopen" not in allowed_actions(case, ACTORS["clerk"], NOW)
    assert "reopen" in allowed_actions(case, ACTORS["clerk"], NOW, Settings(reopen_window_days=31))


def test_a_clerk_is_offered_the_whole_intake_menu_for_a_new_case():
    assert allowed_actions(case_in("new"), ACTORS["clerk"]) == [
        "assign", "reject", "merge", "escalate", "comment"]


def test_the_assigned_units_officer_is_offered_the_work_menu():
    assert allowed_actions(case_in("in_progress"), ACTORS["officer_own"]) == [
        "request_info", "resolve", "comment"]
    assert allowed_actions(case_in("in_progress"), ACTORS["head_own"]) == [
        "transfer", "request_info", "resolve", "comment"]


# -- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("error", "code", "status"), [
    (WorkflowError, "workflow_error", 409),
    (ActionNotAllowedError, "action_not_allowed", 403),
    (InvalidTransitionError, "invalid_transition", 409),
    (MissingFieldError, "missing_field", 422),
    (InvalidFieldError, "invalid_field", 422),
    (ReopenWindowClosedError, "reopen_window_closed", 409),
])
def test_each_error_carries_its_code_status_message_and_fields(error, code, status):
    err = error("Nope.", {"reason": ["Required."]})
    assert isinstance(err, WorkflowError)
    assert (err.code, err.status, err.message, str(err)) == (code, status, "Nope.", "Nope.")
    assert err.fields == {"reason": ["Required."]}
    assert error("Nope.").fields == {}
