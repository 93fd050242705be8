"""Daily counts of cases, kept by the consumer in the same transaction as the facts they count,
so a year's figures add up a few thousand rows instead of half a million.

Each case is counted on the day it was received (by status) and, once resolved, on the day of
its last resolution (by priority, working days taken and whether on time) -- once for the
whole bloc and once under each of its category, priority and channel. When a case's facts
change, its old counts are taken off and its new ones added (`shift`), so the table always
equals a count of `case_facts` from scratch (`recount`), whatever order events came in.
Filters the counts do not hold (a unit subtree, or two of category, priority and channel at
once) are answered from `case_facts` itself; both give the same numbers.
"""

from collections import Counter

from sqlalchemy import case, delete, func, literal, select

from services.common.db import insert_for

from .filters import case_conditions
from .models import CaseFact, DailyCount

DIMENSIONS = ("category", "priority", "channel")
KEY = ("basis", "dimension", "value", "day", "status", "priority", "days", "on_time")
NO_DAYS = -1  # resolution days unknown
ON_TIME = {True: "y", False: "n", None: ""}
FROM_ON_TIME = {flag: value for value, flag in ON_TIME.items()}


def _slices(fact):
    return (("all", ""), ("category", fact.category or ""), ("priority", fact.priority),
            ("channel", fact.channel or ""))


def keys_of(fact):
    """The daily-count keys one case adds to (its received day, and its resolution day)."""
    keys = [("opened", dimension, value, fact.opened_on, fact.status, "", NO_DAYS, "")
            for dimension, value in _slices(fact)]
    if fact.resolved_on is not None:
        days = NO_DAYS if fact.resolution_days is None else fact.resolution_days
        keys += [("resolved", dimension, value, fact.resolved_on, "", fact.priority, days,
                  ON_TIME[fact.resolved_on_time]) for dimension, value in _slices(fact)]
    return keys


def shift(session, before, after):
    """Take the `before` keys' counts off and add the `after` ones, in one statement, in key
    order (so concurrent transactions lock rows in the same order)."""
    deltas = Counter(after)
    deltas.subtract(Counter(before))
    rows = [dict(zip(KEY, key, strict=True), cases=count)
            for key, count in sorted(deltas.items()) if count]
    if not rows:
        return
    statement = insert_for(session, DailyCount).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=list(KEY), set_={"cases": DailyCount.cases + statement.excluded.cases}))


def recount(session):
    """Rebuild the daily counts from `case_facts` from scratch (after a bulk load)."""
    session.execute(delete(DailyCount))
    for dimension, value in (("all", literal("")), *((name, func.coalesce(
            getattr(CaseFact, name), "")) for name in DIMENSIONS)):
        grouped = [] if dimension == "all" else [value]  # PostgreSQL groups by no constant
        opened = select(literal("opened"), literal(dimension), value, CaseFact.opened_on,
                        CaseFact.status, literal(""), literal(NO_DAYS), literal(""),
                        func.count()).group_by(*grouped, CaseFact.opened_on, CaseFact.status)
        days = func.coalesce(CaseFact.resolution_days, NO_DAYS)
        on_time = func.coalesce(_on_time_code(), "")
        resolved = select(literal("resolved"), literal(dimension), value, CaseFact.resolved_on,
                          literal(""), CaseFact.priority, days, on_time, func.count()).where(
            CaseFact.resolved_on.is_not(None)).group_by(
            *grouped, CaseFact.resolved_on, CaseFact.priority, days, on_time)
        for query in (opened, resolved):
            session.execute(DailyCount.__table__.insert().from_select(
                [*KEY, "cases"], query))


def _on_time_code():
    return case((CaseFact.resolved_on_time.is_(True), "y"),
                (CaseFact.resolved_on_time.is_(False), "n"))


def slice_of(flt):
    """The (dimension, value) the daily counts hold for a filter, or None when only
    `case_facts` can answer it."""
    if flt.unit is not None:
        return None
    given = [(name, getattr(flt, name)) for name in DIMENSIONS if getattr(flt, name)]
    if len(given) > 1:
        return None
    return given[0] if given else ("all", "")


def _daily_conditions(flt, basis, found):
    conditions = [DailyCount.basis == basis, DailyCount.dimension == found[0],
                  DailyCount.value == found[1]]
    if flt.date_from:
        conditions.append(DailyCount.day >= flt.date_from)
    if flt.date_to:
        conditions.append(DailyCount.day <= flt.date_to)
    return conditions


RECEIVED_FACTS = {"status": CaseFact.status, "day": CaseFact.opened_on}
RESOLVED_FACTS = {"priority": CaseFact.priority, "days": CaseFact.resolution_days,
                  "on_time": CaseFact.resolved_on_time, "day": CaseFact.resolved_on}


def received_counts(session, flt, by, daily=True):
    """{status or day: cases received in the period} (`by` is "status" or "day"), from the
    daily counts when they hold the filter and `daily`, else from `case_facts`."""
    found = slice_of(flt) if daily else None
    if found is None:
        column = RECEIVED_FACTS[by]
        query = select(column, func.count()).where(*case_conditions(flt)).group_by(column)
    else:
        column = getattr(DailyCount, by)
        query = select(column, func.sum(DailyCount.cases)).where(
            *_daily_conditions(flt, "opened", found)).group_by(column)
    return {key: int(count) for key, count in session.execute(query) if count}


def resolved_counts(session, flt, by, daily=True):
    """{(values of `by`): cases last resolved in the period} for `by` among "priority",
    "days" (None when unknown), "on_time" (True, False or None) and "day"."""
    found = slice_of(flt) if daily else None
    if found is None:
        columns = [RESOLVED_FACTS[name] for name in by]
        query = select(*columns, func.count()).where(
            *case_conditions(flt, CaseFact.resolved_on),
            CaseFact.resolved_on.is_not(None)).group_by(*columns)
        return {tuple(row[:-1]): int(row[-1]) for row in session.execute(query) if row[-1]}
    columns = [getattr(DailyCount, name) for name in by]
    query = select(*columns, func.sum(DailyCount.cases)).where(
        *_daily_conditions(flt, "resolved", found)).group_by(*columns)
    counts = {}
    for *values, count in session.execute(query):
        if count:
            key = tuple(_from_daily(name, value) for name, value in zip(by, values, strict=True))
            counts[key] = int(count)
    return counts


def _from_daily(name, value):
    if name == "days":
        return None if value == NO_DAYS else value
    if name == "on_time":
        return FROM_ON_TIME[value]
    return value
