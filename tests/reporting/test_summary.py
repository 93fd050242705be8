"""The daily counts always equal a count of the case facts from scratch, and every figure
report gives the same numbers from them as from the facts."""

import random
from datetime import date

import pytest
from alembic import command
from sqlalchemy import select

from services.common.migrations import alembic_config, upgrade
from services.reporting import summary
from services.reporting.filters import build_filter
from services.reporting.models import DailyCount
from services.reporting.schemas import ReportQuery

from .conftest import ReadModel
from .history import CaseStory, directory_events, vn
from .test_read_model import all_events

CATEGORIES = ("welfare", "security", "environment")
CHANNELS = ("web", "hotline", "meeting")


def daily_counts(model):
    """The daily counts as {key: cases}, rows counting nothing left out."""
    with model.sessions() as session:
        return {tuple(getattr(row, name) for name in summary.KEY): row.cases
                for row in session.scalars(select(DailyCount)) if row.cases}


def recounted(model):
    """The daily counts a from-scratch count of case_facts gives (the table is left as it
    was)."""
    with model.sessions() as session:
        summary.recount(session)
        session.flush()
        found = {tuple(getattr(row, name) for name in summary.KEY): row.cases
                 for row in session.scalars(select(DailyCount))}
        session.rollback()
    return found


def many_stories(seed=3, count=40):
    """Cases of every kind over November, some still open, some reopened or paused."""
    rng = random.Random(seed)
    stories = []
    for n in range(count):
        day = 2 + n % 25
        story = CaseStory(f"2026-11-{day:02d} 08:{n % 60:02d}", code=f"C{n:03d}",
                          priority=rng.choice(("normal", "normal", "urgent", "hot")),
                          category=rng.choice(CATEGORIES), channel=rng.choice(CHANNELS),
                          unit_code=rng.choice(("CB-001", "DB-001-CB01", "CB-003")))
        fate = rng.random()
        if fate < 0.1:
            story.merge(stories[0].case_id if stories else story.case_id,
                        f"2026-11-{day:02d} 10:00")
        elif fate < 0.2:
            story.reject(f"2026-11-{day:02d} 10:00")
        else:
            story.assign("CB-001", f"2026-11-{day:02d} 09:00").accept(
                f"2026-11-{day:02d} 10:00")
            if fate < 0.35:
                story.request_info(f"2026-11-{day:02d} 11:00").provide_info(
                    f"2026-11-{min(day + 3, 28):02d} 11:00")
            if fate < 0.9:
                story.resolve(f"2026-11-{min(day + rng.randint(0, 6), 28):02d} 15:00")
                if fate < 0.8:
                    story.confirm("2026-11-29 09:00")
                if fate < 0.3:
                    story.reopen("2026-11-29 10:00").accept("2026-11-29 11:00")
        stories.append(story)
    return stories


def every_event(seed=3):
    return [*directory_events(), *[e for s in many_stories(seed) for e in s.events]]


@pytest.mark.parametrize("arrangement", ["in order", "shuffled", "shuffled, each twice",
                                         "reversed with repeats"])
def test_daily_counts_equal_a_count_from_scratch_whatever_the_delivery(arrangement,
                                                                        make_read_model):
    events = every_event()
    rng = random.Random(arrangement)
    order = {"in order": events,
             "shuffled": rng.sample(events, len(events)),
             "shuffled, each twice": rng.sample(events * 2, len(events) * 2),
             "reversed with repeats": [*reversed(events), *events[::3]]}[arrangement]
    model = make_read_model().feed(order)
    maintained = daily_counts(model)
    assert maintained == recounted(model)
    assert maintained == daily_counts(make_read_model().feed(events))
    assert sum(n for key, n in maintained.items() if key[:2] == ("opened", "all")) == 40


def test_on_postgresql_too_the_counts_kept_equal_the_counts_from_scratch(make_database,
                                                                         settings):
    events = every_event(seed=11)
    model = ReadModel(make_database("reporting"), settings)
    try:
        model.feed(random.Random(2).sample(events * 2, len(events) * 2))
        maintained = daily_counts(model)
        assert maintained == recounted(model)
        command.downgrade(alembic_config("reporting", model.url), "0003")
        upgrade("reporting", model.url)
        assert daily_counts(model) == maintained
    finally:
        model.engine.dispose()


def test_a_partial_history_is_counted_as_far_as_it_goes(make_read_model):
    events = every_event(seed=9)
    model = make_read_model().feed(random.Random(1).sample(events, len(events) // 2))
    assert daily_counts(model) == recounted(model)


FILTERS = [{}, {"from": "2026-11-01", "to": "2026-11-15"}, {"category": "security"},
           {"priority": "hot", "from": "2026-11-10"}, {"channel": "hotline"},
           {"priority": "urgent", "channel": "web"}, {"unit": "DB-001"}]


@pytest.mark.parametrize("query", FILTERS, ids=[str(f) for f in FILTERS])
def test_the_daily_counts_and_the_facts_give_the_same_figures(query, make_read_model):
    model = make_read_model().feed(every_event(seed=5))
    with model.sessions() as session:
        flt = build_filter(session, ReportQuery().load(query), "leader", vn("2026-11-30 10:00"),
                           model.settings)
        for by in ("status", "day"):
            daily = summary.received_counts(session, flt, by)
            assert daily == summary.received_counts(session, flt, by, daily=False)
        for by in (("priority", "on_time"), ("priority", "days"), ("day",)):
            daily = summary.resolved_counts(session, flt, by)
            assert daily == summary.resolved_counts(session, flt, by, daily=False)
    assert sum(daily.values()) > 0


def test_only_filters_the_daily_counts_hold_are_answered_from_them(read_model):
    with read_model.sessions() as session:
        read_model.feed(directory_events())
        def slice_for(**query):
            return summary.slice_of(build_filter(session, ReportQuery().load(query)))
        assert slice_for() == ("all", "")
        assert slice_for(category="security", **{"from": "2026-01-01"}) == (
            "category", "security")
        assert slice_for(priority="hot", channel="web") is None
        assert slice_for(unit="CB-001") is None


def test_upgrading_a_database_with_facts_fills_the_daily_counts(make_read_model):
    model = make_read_model().feed(all_events()).feed(every_event(seed=7))
    before = daily_counts(model)
    command.downgrade(alembic_config("reporting", model.url), "0003")  # no daily counts...
    upgrade("reporting", model.url)  # ...and forward again: 0004 counts the facts there
    assert daily_counts(model) == before
    assert any(key[0] == "resolved" and key[3] == date(2026, 11, 6) for key in before)
