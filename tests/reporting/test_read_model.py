"""The read model depends only on which events arrived: not on their order nor on repeats."""

import random

import pytest
from sqlalchemy import select

from services.reporting.models import (
    CaseFact,
    CaseStep,
    DailyCount,
    DirectoryUnit,
    PeriodicReportFact,
)

from .history import CaseStory, directory_events, report_event, unit_event, vn

TABLES = (CaseFact, CaseStep, DailyCount, DirectoryUnit, PeriodicReportFact)


def snapshot(model):
    """Every row of the read model's tables, as comparable tuples."""
    with model.sessions() as session:
        state = {}
        for model in TABLES:
            columns = [c.key for c in model.__table__.columns]
            rows = session.scalars(select(model)).all()
            state[model.__tablename__] = sorted(
                tuple(str(getattr(row, c)) for c in columns) for row in rows
                if getattr(row, "cases", 1))  # a daily count taken back to 0 counts nothing
        return state


def histories():
    """A handful of cases covering reopen, merge, transfer, pause, overdue and escalation."""
    plain = CaseStory("2026-11-02 09:00", code="PLAIN")
    plain.assign("CB-001", "2026-11-02 10:00").accept("2026-11-03 08:00")
    plain.resolve("2026-11-06 15:00").confirm("2026-11-09 09:00")
    paused = CaseStory("2026-11-02 09:00", code="PAUSED", unit_code="DB-001-CB01")
    paused.assign("DB-001", "2026-11-02 09:30").accept("2026-11-02 11:00")
    paused.request_info("2026-11-04 10:00").comment("2026-11-05 10:00")
    paused.provide_info("2026-11-09 10:00").resolve("2026-11-12 16:00")
    reopened = CaseStory("2026-11-02 09:00", code="REOPENED", priority="urgent")
    reopened.assign("SO-NV", "2026-11-02 10:00").accept("2026-11-02 11:00")
    reopened.resolve("2026-11-04 10:00").confirm("2026-11-05 10:00")
    reopened.reopen("2026-11-16 09:00").accept("2026-11-16 10:00")
    reopened.resolve("2026-11-19 10:00")
    moved = CaseStory("2026-11-03 09:00", code="MOVED", priority="hot")
    moved.assign("DB-001-CB01", "2026-11-03 10:00").transfer("SO-NV", "2026-11-04 10:00")
    moved.overdue("2026-11-05 00:10").escalate("2026-11-06 00:10")
    merged = CaseStory("2026-11-03 09:00", code="MERGED")
    merged.merge(plain.case_id, "2026-11-03 11:00")
    rejected = CaseStory("2026-11-03 09:00", code="REJECTED")
    rejected.reject("2026-11-03 12:00")
    return [plain, paused, reopened, moved, merged, rejected]


def all_events():
    stories = histories()
    return [*directory_events(), unit_event("CB-002", "Chi bộ (đổi tên)", "grassroots_cell",
                                            "DUK", version=2, active=False),
            *[event for story in stories for event in story.events],
            report_event("DB-001", "2026-10", "2026-11-04 09:00"),
            report_event("CB-001", "2026-10", "2026-11-06 09:00")]


def test_delivering_every_event_twice_gives_the_same_read_model(read_model):
    events = all_events()
    once = snapshot(read_model.feed(events))
    assert snapshot(read_model.feed(events)) == once


@pytest.mark.parametrize("arrangement", ["reversed", "shuffled", "interleaved duplicates"])
def test_any_delivery_order_gives_the_same_read_model(arrangement, make_read_model):
    events = all_events()
    expected = snapshot(make_read_model().feed(events))
    if arrangement == "reversed":
        order = list(reversed(events))
    elif arrangement == "shuffled":
        order = random.Random(7).sample(events, len(events))
    else:
        order = [e for pair in zip(events, reversed(events), strict=True) for e in pair]
    assert snapshot(make_read_model().feed(order)) == expected


def test_an_older_event_never_overwrites_newer_state_but_fills_in_opening_facts(read_model):
    story = CaseStory("2026-11-02 09:00", channel="hotline", unit_code="CB-001")
    story.assign("CB-001", "2026-11-02 10:00").transfer("SO-NV", "2026-11-03 10:00")
    opened, assigned, transferred = story.events
    read_model.feed([transferred])
    with read_model.sessions() as session:
        fact = session.get(CaseFact, story.case_id)
        assert (fact.assigned_unit, fact.channel, fact.opened) == ("SO-NV", None, False)
    read_model.feed([assigned, opened])
    with read_model.sessions() as session:
        fact = session.get(CaseFact, story.case_id)
        assert fact.assigned_unit == "SO-NV"
        assert fact.status == "assigned"
        assert fact.version == 3
        assert fact.channel == "hotline"
        assert fact.opened_at == vn("2026-11-02 09:00")
        assert fact.transfer_count == 1


def test_no_personal_data_reaches_the_read_model(read_model):
    read_model.feed(all_events())
    text = str(snapshot(read_model))
    assert "Nguyễn Văn A" not in text
    assert "@example.vn" not in text


def test_unit_paths_are_right_whatever_order_the_directory_arrives_in(read_model):
    read_model.feed(list(reversed(directory_events())))
    with read_model.sessions() as session:
        units = {u.code: u for u in session.scalars(select(DirectoryUnit))}
    assert units["DB-001-CB01"].path == "/DUK/DB-001/DB-001-CB01/"
    assert units["DB-001-CB01"].grassroots_code == "DB-001"
    assert units["CB-001"].path == "/DUK/CB-001/"
    assert units["CB-001"].grassroots_code == "CB-001"
    assert units["SO-NV"].path == "/SO-NV/"
    assert units["SO-NV"].grassroots_code is None
    assert units["VP"].grassroots_code is None


def test_moving_a_unit_moves_its_whole_subtree(read_model):
    read_model.feed(directory_events())
    read_model.feed([unit_event("DB-001", "Đảng bộ Viễn thông Vân Lĩnh", "grassroots_committee",
                            "VP", version=2)])
    with read_model.sessions() as session:
        moved = session.get(DirectoryUnit, "DB-001-CB02")
        assert moved.path == "/DUK/VP/DB-001/DB-001-CB02/"


def test_the_earliest_submission_of_a_monthly_report_stands(read_model):
    later = report_event("CB-001", "2026-10", "2026-11-07 09:00")
    earlier = report_event("CB-001", "2026-10", "2026-11-03 09:00")
    read_model.feed([later, earlier, later])
    with read_model.sessions() as session:
        row = session.get(PeriodicReportFact, ("CB-001", "2026-10"))
        assert row.submitted_at == vn("2026-11-03 09:00")
