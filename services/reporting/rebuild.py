"""Rebuild reporting's read model from the producers' outboxes (the engine behind
`python -m services replay-reporting`; see services/reporting/replay.py)."""

import heapq
import json
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from services.common.contracts import CASE_CHANGE_EVENTS, ContractError, load_event
from services.common.db import make_engine
from services.common.migrations import upgrade
from services.common.progress import Progress
from services.common.tables import outbox, processed_events
from services.common.workdays import VIETNAM

from . import feed
from .lag import lag_seconds
from .models import CaseFact, CaseStep, DailyCount, DirectoryUnit, PeriodicReportFact

SOURCES = {"cases": ("case_opened", *CASE_CHANGE_EVENTS, "unit_updated"),
           "intake": ("periodic_report_received",)}
READ_MODEL = (CaseStep, CaseFact, DailyCount, DirectoryUnit, PeriodicReportFact)


def count_events(engine, event_types):
    """How many outbox rows of these types a producer holds."""
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(outbox)
                                 .where(outbox.c.event_type.in_(event_types)))


def read_events(engine, event_types, page=1000):
    """(created_at, id, body) of a producer's outbox rows of these types, in emission order,
    read in pages so no long-lived cursor holds the producer's database."""
    last = 0
    while True:
        with engine.connect() as connection:
            rows = connection.execute(
                select(outbox.c.created_at, outbox.c.id, outbox.c.body)
                .where(outbox.c.event_type.in_(event_types), outbox.c.id > last)
                .order_by(outbox.c.id).limit(page)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def reset(session):
    """Empty the read model and reporting's record of processed events."""
    for model in READ_MODEL:
        session.execute(delete(model))
    session.execute(delete(processed_events))


def humane(seconds):
    """A duration as people say it: "42 s", "3 min 5 s", "2 h 10 min", "4 days 3 h"."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days > 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def replay(sources, into_url, settings, batch=500, progress=True, wipe=False, stream=None,
           now=None):
    """Fold every event of `sources` ({name: url}) into the read model at `into_url`.

    Returns a dict of counts and the newest event's time.
    """
    upgrade("reporting", into_url)
    engines = {name: make_engine(url) for name, url in sources.items()}
    target = make_engine(into_url)
    sessions = sessionmaker(target, expire_on_commit=False)
    counts = {"replayed": 0, "applied": 0, "skipped": 0, "unreadable": 0, "newest": None}
    try:
        if wipe:
            with sessions.begin() as session:
                reset(session)
        total = sum(count_events(engines[name], SOURCES[name]) for name in engines)
        bar = Progress(total, stream, progress, unit="events")
        streams = [read_events(engines[name], SOURCES[name]) for name in engines]
        merged = heapq.merge(*streams, key=lambda row: row.created_at)
        session = sessions()
        try:
            for row in merged:
                try:
                    event = load_event(json.loads(row.body))
                except (ContractError, ValueError):
                    counts["unreadable"] += 1
                else:
                    applied = feed.apply_event(session, event, settings)
                    counts["applied" if applied else "skipped"] += 1
                    if counts["newest"] is None or event.occurred_at > counts["newest"]:
                        counts["newest"] = event.occurred_at
                counts["replayed"] += 1
                if counts["replayed"] % batch == 0:
                    session.commit()
                bar.update(counts["replayed"])
            session.commit()
        finally:
            session.close()
        bar.close(counts["replayed"])
    finally:
        for engine in (*engines.values(), target):
            engine.dispose()
    # as /metrics measures it: from the newest applied event's occurrence to its commit
    counts["lag_seconds"] = lag_seconds(counts["newest"], now or datetime.now(UTC)) \
        if counts["newest"] else None
    return counts


def summary_line(counts):
    """What a replay did, in one line."""
    line = (f"replayed {counts['replayed']:,} events: {counts['applied']:,} applied, "
            f"{counts['skipped']:,} already there, {counts['unreadable']:,} unreadable")
    if counts["newest"] is None:
        return line + "; nothing to replay"
    newest = counts["newest"].astimezone(VIETNAM)
    return (line + f"; newest event {newest:%Y-%m-%d %H:%M:%S} (Vietnam time), "
            f"{humane(counts['lag_seconds'])} behind now (reporting lag "
            f"{counts['lag_seconds']:,.0f} s)")
