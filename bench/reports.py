"""Reports at a million cases: load a reporting read model, time every report and its bare SQL.

Creates its own PostgreSQL database, migrates it with reporting's real migrations, feeds it
the sample directory and two years of monthly reports through `feed.apply_event` (as the
consumers would), feeds a sample of case histories through `feed.apply_event` too, and loads
the remaining cases with `COPY` from the same generator (bench/reports_data.py), checking
that the bulk rows agree with what the consumer made of the sample. Then it times every
report through `reports.run` with realistic filters (a month, a quarter, a year, all time;
one grassroots unit's subtree, a category, a priority, a channel; the lists with their
limits; compliance), N times each, and in the same run the bare SQL each one stands on.
Prints p50/p95/max and writes bench/results/reports.json. Drops its database at the end.

    .venv/bin/python bench/reports.py [--cases 1000000] [--repeat 15] [--sample 300]
"""

import argparse
import io
import json
import os
import platform
import random
import signal
import statistics
import sys
import time
from datetime import date
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, func, select, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from bench.reports_data import (  # noqa: E402
    DAYS,
    FACT_COLUMNS,
    NOW,
    CaseWorld,
    envelopes,
    fact_row,
    unit_envelopes,
)
from services.common.contracts import load_event, new_event  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402
from services.reporting import feed, reports, summary  # noqa: E402
from services.reporting.compliance import period_of, shift_month  # noqa: E402
from services.reporting.filters import build_filter  # noqa: E402
from services.reporting.models import CaseFact, DailyCount  # noqa: E402
from services.reporting.schemas import ReportQuery  # noqa: E402
from services.reporting.settings import Settings  # noqa: E402
from tests.support import infra  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_MS = 300
CHUNK = 20_000
PERIODS = {"month": {"from": "2026-10-01", "to": "2026-10-31"},
           "quarter": {"from": "2026-07-01", "to": "2026-09-30"},
           "year": {"from": "2025-12-01", "to": "2026-11-30"}, "all time": {}}
SLICES = {"unit DB-001": {"unit": "DB-001"}, "category wages": {"category": "wages_insurance"},
          "priority hot": {"priority": "hot"}, "channel hotline": {"channel": "hotline"}}
FIGURES = ("summary", "on_time", "resolution_time", "ageing", "trend", "top_units")
OPEN = "('new', 'assigned', 'in_progress', 'awaiting_info')"
RUNNING = "('new', 'assigned', 'in_progress')"


def scenarios():
    """(report, label, query) for every timed request."""
    found = [(name, label, query) for name in FIGURES for label, query in PERIODS.items()]
    found += [(name, f"year, {label}", {**PERIODS["year"], **query})
              for name in FIGURES for label, query in SLICES.items()]
    found.append(("trend", "year by week", {**PERIODS["year"], "by": "week"}))
    for name, slice_label in (("overdue", "category wages"), ("hot", "channel hotline")):
        found += [(name, "all (limit 1000)", {}), (name, "limit 100", {"limit": "100"}),
                  (name, "unit DB-001", {"unit": "DB-001"}),
                  (name, slice_label, SLICES[slice_label])]
    found += [("compliance", "month 2026-10", {"period": "2026-10"}),
              ("compliance", "year", PERIODS["year"]),
              ("compliance", "month, unit DB-001", {"period": "2026-10", "unit": "DB-001"})]
    return found


def where(flt, day="opened_on"):
    """The WHERE clause of a filter in plain SQL, and its parameters."""
    parts, params = [], {}
    if flt.date_from:
        parts.append(f"{day} >= :date_from")
        params["date_from"] = flt.date_from
    if flt.date_to:
        parts.append(f"{day} <= :date_to")
        params["date_to"] = flt.date_to
    if flt.unit is not None:
        parts.append("(assigned_unit IN :units OR unit_code IN :units)")
        params["units"] = flt.unit_codes
    for name in ("category", "priority", "channel"):
        if getattr(flt, name):
            parts.append(f"{name} = :{name}")
            params[name] = getattr(flt, name)
    return " AND ".join(parts) or "TRUE", params


def bare_sql(name, flt):
    """The plain SQL statements a report stands on, with their parameters."""
    opened, params = where(flt)
    resolved, resolved_params = where(flt, "resolved_on")
    limit = flt.limit or 1000
    statements = {
        "summary": [f"SELECT status, count(*) FROM case_facts WHERE {opened} GROUP BY status"],
        "on_time": [f"SELECT priority, resolved_on_time, count(*) FROM case_facts WHERE "
                    f"{resolved} AND resolved_at IS NOT NULL GROUP BY 1, 2"],
        "resolution_time": [f"SELECT priority, count(*), avg(resolution_days), "
                            f"max(resolution_days) FROM case_facts WHERE {resolved} AND "
                            f"resolution_days IS NOT NULL GROUP BY priority"],
        "ageing": [f"SELECT opened_on, count(*) FROM case_facts WHERE {opened} AND status IN "
                   f"{OPEN} GROUP BY opened_on"],
        "trend": [f"SELECT opened_on, count(*) FROM case_facts WHERE {opened} GROUP BY 1",
                  f"SELECT resolved_on, count(*) FROM case_facts WHERE {resolved} AND "
                  f"resolved_on IS NOT NULL GROUP BY 1"],
        "top_units": [f"SELECT assigned_unit, count(*) FROM case_facts WHERE {opened} AND "
                      f"status IN {OPEN} GROUP BY assigned_unit"],
        "overdue": [f"SELECT count(*) FROM case_facts WHERE {opened} AND status IN {RUNNING} "
                    f"AND deadline_at < :now",
                    f"SELECT * FROM case_facts WHERE {opened} AND status IN {RUNNING} AND "
                    f"deadline_at < :now ORDER BY deadline_at, case_id LIMIT {limit}"],
        "hot": [f"SELECT count(*) FROM case_facts WHERE {opened} AND status IN {OPEN} AND "
                f"priority IN ('hot', 'urgent')",
                f"SELECT * FROM case_facts WHERE {opened} AND status IN {OPEN} AND priority IN "
                f"('hot', 'urgent') ORDER BY priority = 'hot' DESC, opened_at, case_id "
                f"LIMIT {limit}"],
        "compliance": ["SELECT unit_code, period, submitted_at FROM periodic_reports "
                       "WHERE period >= :first", "SELECT * FROM directory_units"],
    }[name]
    params = {**params, **resolved_params, "now": flt.now, "first": flt.period or "2025-12"}
    found = []
    for sql in statements:
        statement = text(sql)
        if ":units" in sql:
            statement = statement.bindparams(bindparam("units", expanding=True))
        found.append((statement, {k: v for k, v in params.items() if f":{k}" in sql}))
    return found


def copy_text(job):
    """Tab-separated case_facts rows (COPY's text format) of the given case numbers."""
    cases, indices = job
    calendar = Settings().calendar
    world = CaseWorld(calendar, cases)
    out = io.StringIO()
    for index in indices:
        fact = fact_row(world.life(index), calendar)
        out.write("\t".join(_copy_value(getattr(fact, column)) for column in FACT_COLUMNS))
        out.write("\n")
    return out.getvalue()


def _copy_value(value):
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def load_directory_and_reports(sessions, settings):
    """The sample directory and two years of monthly reports, through the consumer."""
    world_units = unit_envelopes(NOW.replace(year=NOW.year - 3))
    rng = random.Random(5)
    grassroots = [e["payload"]["code"] for e in world_units
                  if e["payload"]["kind"] in ("grassroots_committee", "grassroots_cell")]
    monthly = []
    for months_back in range(1, 25):
        period = shift_month(period_of(NOW.date()), -months_back)
        for code in grassroots:
            if rng.random() < 0.9:
                day = rng.choice((1, 2, 3, 4, 5, 5, 6, 8, 12))
                submitted = f"{shift_month(period, 1)}-{day:02d}T09:00:00+07:00"
                monthly.append(new_event("periodic_report_received", {
                    "report_id": f"r-{code}-{period}", "unit_code": code, "period": period,
                    "submitted_at": submitted, "items": 4, "items_needing_action": 1},
                    aggregate_id=f"report:{code}:{period}") | {"occurred_at": submitted})
    with sessions.begin() as session:
        for envelope in [*world_units, *monthly]:
            feed.apply_event(session, load_event(envelope), settings)
    return len(world_units), len(monthly)


def feed_sample(sessions, settings, world, indices):
    """Feed the sample's histories through the consumer, shuffled and partly repeated."""
    events = [e for index in indices for e in envelopes(world.life(index))]
    order = random.Random(11).sample(events, len(events)) + events[::7]
    with sessions() as session:
        for envelope in order:
            feed.apply_event(session, load_event(envelope), settings)
        session.commit()
    return len(events)


def compare_sample(sessions, world, indices, calendar):
    """Columns where the consumer's rows and the bulk generator's rows differ."""
    differences = []
    with sessions() as session:
        for index in indices:
            expected = fact_row(world.life(index), calendar)
            found = session.get(CaseFact, expected.case_id)
            for column in FACT_COLUMNS:
                if getattr(found, column) != getattr(expected, column):
                    differences.append((index, column, str(getattr(found, column)),
                                        str(getattr(expected, column))))
    return differences


def daily_counts(session):
    """{key: cases} of the daily counts (rows counting nothing left out)."""
    return {tuple(getattr(row, name) for name in summary.KEY): row.cases
            for row in session.scalars(select(DailyCount)) if row.cases}


def recount_agrees(sessions):
    """Whether the daily counts the consumer kept equal a recount of case_facts (which then
    stays)."""
    with sessions.begin() as session:
        kept = daily_counts(session)
        summary.recount(session)
        session.flush()
        return kept == daily_counts(session)


def bulk_load(engine, cases, skip):
    """COPY every case but the sample into case_facts, generated on two processes."""
    indices = [i for i in range(cases) if i not in skip]
    chunks = [indices[i:i + CHUNK] for i in range(0, len(indices), CHUNK)]
    connection = engine.raw_connection()
    try:
        with Pool(2) as pool, connection.cursor() as cursor:
            jobs = [(cases, chunk) for chunk in chunks]
            for done, chunk in enumerate(pool.imap(copy_text, jobs), 1):
                cursor.copy_expert(f"COPY case_facts ({', '.join(FACT_COLUMNS)}) FROM STDIN",
                                   io.StringIO(chunk))
                print(f"\r  loaded {min(done * CHUNK, len(indices)):,} cases", end="",
                      flush=True)
        connection.commit()
        print()
    finally:
        connection.close()


def timed(action, repeat):
    """Milliseconds of each of `repeat` runs of `action`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def stats(times):
    """p50, p95 and max of a list of milliseconds."""
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered) + 0.5) - 1)]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1)}


def time_reports(sessions, settings, repeat):
    """Time every scenario through reports.run and its bare SQL; print a line each."""
    rows = []
    print(f"{'report':<16}{'filters':<26}{'p50':>8}{'p95':>8}{'max':>8}{'bare p50':>10}"
          f"{'ratio':>7}{'rows':>7}")
    for name, label, query in scenarios():
        with sessions() as session:
            flt = build_filter(session, ReportQuery().load(query), "leader", NOW, settings)
            result = reports.run(session, name, flt)  # warm-up, and the row count
            statements = bare_sql(name, flt)
            report_ms = timed(lambda: reports.run(session, name, flt), repeat)  # noqa: B023
            bare_ms = timed(lambda: [session.execute(s, p).all()  # noqa: B023
                                     for s, p in statements], repeat)  # noqa: B023
        figures = {"report": name, "filters": label, "query": query, **stats(report_ms),
                   "bare": stats(bare_ms), "rows": len(result.rows)}
        figures["ratio"] = round(figures["p50"] / max(figures["bare"]["p50"], 0.01), 1)
        rows.append(figures)
        print(f"{name:<16}{label:<26}{figures['p50']:>8}{figures['p95']:>8}"
              f"{figures['max']:>8}{figures['bare']['p50']:>10}{figures['ratio']:>7}"
              f"{figures['rows']:>7}")
    return rows


def main():
    """Load, check, time, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15, help="runs of each report")
    parser.add_argument("--sample", type=int, default=300,
                        help="cases fed through feed.apply_event and compared with the bulk")
    parser.add_argument("--facts-only", action="store_true",
                        help="answer every report from case_facts, not the daily counts "
                             "(to measure what the indexes alone give)")
    parser.add_argument("--output", default=str(RESULTS / "reports.json"))
    args = parser.parse_args()
    if args.facts_only:
        summary.slice_of = lambda flt: None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drop the database
    settings = Settings()
    database = infra.create_database("bench_reports")
    url = infra.pg_url(database)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        started = time.perf_counter()
        upgrade("reporting", url)
        units, monthly = load_directory_and_reports(sessions, settings)
        world = CaseWorld(settings.calendar, args.cases)
        step = max(1, args.cases // max(args.sample, 1))
        sample = list(range(0, args.cases, step))[:args.sample]
        events = feed_sample(sessions, settings, world, sample)
        differences = compare_sample(sessions, world, sample, settings.calendar)
        counts_agree = recount_agrees(sessions)
        fed = time.perf_counter() - started
        print(f"directory: {units} units; {monthly:,} monthly reports; sample of "
              f"{len(sample)} cases ({events:,} events, shuffled and repeated) through "
              f"feed.apply_event in {fed:.1f} s; bulk rows agree with the consumer's: "
              f"{'yes' if not differences else f'NO, {len(differences)} differences'}; "
              f"daily counts equal a recount: {'yes' if counts_agree else 'NO'}")
        for difference in differences[:20]:
            print("  case #{} {}: consumer {}, generator {}".format(*difference))
        bulk_started = time.perf_counter()
        bulk_load(engine, args.cases, set(sample))
        copied = time.perf_counter() - bulk_started
        with sessions.begin() as session:
            recount_started = time.perf_counter()
            summary.recount(session)
        recounted = time.perf_counter() - recount_started
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            vacuum_started = time.perf_counter()
            connection.execute(text("VACUUM ANALYZE"))
            vacuumed = time.perf_counter() - vacuum_started
            size = connection.scalar(text("SELECT pg_size_pretty(pg_database_size("
                                          "current_database()))"))
        load_seconds = time.perf_counter() - started
        print(f"loaded {args.cases:,} cases over {DAYS} days in {load_seconds:.0f} s "
              f"(COPY {copied:.0f} s, daily counts {recounted:.0f} s, VACUUM ANALYZE "
              f"{vacuumed:.0f} s); database {size}")
        with sessions() as session:
            daily_rows = session.scalar(select(func.count()).select_from(DailyCount))
        print(f"daily counts: {daily_rows:,} rows")
        with sessions() as session:
            by_status = dict(session.execute(select(CaseFact.status, func.count())
                                             .group_by(CaseFact.status)).all())
        print("by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_status.items())))
        timings = time_reports(sessions, settings, args.repeat)
    finally:
        engine.dispose()
        infra.drop_database(database)
    worst = max(timings, key=lambda row: row["p95"])
    met = worst["p95"] < TARGET_MS
    print(f"slowest p95: {worst['report']} ({worst['filters']}) {worst['p95']} ms — target "
          f"p95 < {TARGET_MS} ms {'met' if met else 'NOT met'} for every report")
    figures = {
        "benchmark": "reports", "facts_only": args.facts_only, "cases": args.cases,
        "days": DAYS, "repeat": args.repeat,
        "now": NOW.isoformat(), "load_seconds": round(load_seconds, 1),
        "copy_seconds": round(copied, 1), "recount_seconds": round(recounted, 1),
        "database_size": size, "daily_count_rows": daily_rows, "by_status": by_status,
        "sample": {"cases": len(sample), "events": events, "differences": len(differences),
                   "daily_counts_equal_recount": counts_agree},
        "target_p95_ms": TARGET_MS, "target_met": met, "reports": timings,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"figures written to {out}")
    return 0 if not differences and counts_agree else 1


if __name__ == "__main__":
    sys.exit(main())
