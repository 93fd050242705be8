"""Digests compiled from a hand-built read model (no broker): the figures of each section are
the reports' own, the Vietnamese summary says them right, and a period is stored once."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from services.common.contracts import load_event
from services.common.tables import outbox
from services.reporting import digest_text, reports
from services.reporting.digest_periods import parse_period
from services.reporting.digests import (
    LIST_CAP,
    compile_digest,
    compliance_months,
    digest_ids,
    trend_window,
)
from services.reporting.filters import ReportFilter
from services.reporting.labels import RESTRICTED_TITLE
from services.reporting.models import Digest
from services.reporting.results import json_rows

from .history import CaseStory, directory_events, report_event, vn

LINK_BASE = "https://baocao.example.vn/"
COMPILED_AT = vn("2026-11-23 07:00")
WEEK = parse_period("weekly", "2026-W47")  # 16/11 to 22/11/2026


def week_47():
    """Five cases received in week 47, one received earlier and resolved late in it, one
    received after it; October's monthly reports from two of the four grassroots units."""
    in_time = CaseStory("2026-11-16 09:00", code="INTIME")
    in_time.assign("CB-001", "2026-11-16 10:00").accept("2026-11-16 11:00")
    in_time.resolve("2026-11-18 10:00")
    hot = CaseStory("2026-11-17 09:00", code="HOTLATE", priority="hot")  # due 18/11 09:00
    hot.assign("DB-001-CB01", "2026-11-17 10:00")
    urgent = CaseStory("2026-11-18 09:00", code="URGENT", priority="urgent")  # due 23/11 09:00
    urgent.assign("SO-NV", "2026-11-18 10:00").accept("2026-11-18 11:00")
    secret = CaseStory("2026-11-19 09:00", code="SECRET", priority="hot",
                       sensitivity="confidential", title="Tố cáo cán bộ Nguyễn Văn B")
    secret.assign("CB-001", "2026-11-19 10:00")
    refused = CaseStory("2026-11-20 09:00", code="REFUSED")
    refused.reject("2026-11-20 10:00")
    earlier = CaseStory("2026-11-02 09:00", code="EARLIER")  # due 16/11 09:00
    earlier.assign("CB-003", "2026-11-02 10:00").accept("2026-11-02 11:00")
    earlier.resolve("2026-11-17 10:00")
    after = CaseStory("2026-11-23 06:00", code="AFTER")
    stories = (in_time, hot, urgent, secret, refused, earlier, after)
    return [*directory_events(), *[e for story in stories for e in story.events],
            report_event("CB-001", "2026-10", "2026-11-03 09:00"),
            report_event("DB-001", "2026-10", "2026-11-10 09:00")]


@pytest.fixture
def model(read_model):
    """The read model of week 47."""
    return read_model.feed(week_47())


def compiled(model, period=WEEK, now=COMPILED_AT):
    """Compile and commit a digest; the stored row (or None when it already existed)."""
    with model.sessions() as session:
        digest = compile_digest(session, period, now, model.settings, LINK_BASE)
        session.commit()
        return digest


def outbox_rows(model):
    with model.sessions() as session:
        return session.execute(select(outbox.c.event_type, outbox.c.body)).all()


def report_rows(model, name, **filters):
    """A report's JSON rows and extras, run as a clerk at the compile moment."""
    with model.sessions() as session:
        result = reports.run(session, name, ReportFilter(
            now=COMPILED_AT, settings=model.settings, viewer_role="clerk", **filters))
        return json_rows(result), result.extra


def test_the_weekly_summary_says_the_weeks_figures_in_vietnamese(model):
    digest = compiled(model)
    assert digest.title == "Báo cáo tuần 47/2026 (16/11 – 22/11/2026)"
    assert digest.summary == (
        "Trong tuần từ 16/11 đến 22/11/2026: tiếp nhận 5 vụ việc, giải quyết 2 (đúng hạn 50%); "
        "hiện có 2 vụ việc quá hạn, 3 vụ việc nóng, khẩn đang xử lý; 2 tổ chức cơ sở chưa gửi "
        "báo cáo tháng 10/2026.")


def test_every_section_holds_the_figures_of_its_report(model):
    sections = compiled(model).sections
    week = {"date_from": WEEK.start, "date_to": WEEK.end}
    for name in ("summary", "on_time", "resolution_time"):
        rows, extra = report_rows(model, name, **week)
        assert sections[name]["rows"] == rows
        assert {k: sections[name][k] for k in extra} == json.loads(json.dumps(extra))
    assert sections["summary"]["filters"] == {"from": "2026-11-16", "to": "2026-11-22"}
    for name in ("overdue", "hot", "top_units"):
        rows, extra = report_rows(model, name, limit=LIST_CAP)
        assert sections[name]["rows"] == rows and sections[name]["filters"] == {}
    assert sections["overdue"]["total"] == 2 and sections["hot"]["total"] == 3
    assert [r["tracking_code"] for r in sections["overdue"]["rows"]] == ["HOTLATE", "SECRET"]
    rows, _ = report_rows(model, "trend", date_from=date(2026, 9, 28), date_to=WEEK.end,
                          by="week")
    assert sections["trend"]["rows"] == rows and len(rows) == 8
    assert rows[-1] == {"period": "2026-W47", "starts_on": "2026-11-16", "received": 5,
                        "resolved": 2}


def test_the_weekly_digest_shows_compliance_of_the_month_whose_reports_fell_due(model):
    compliance = compiled(model).sections["compliance"]
    assert compliance["periods"] == ["2026-10"]
    assert compliance["counts"] == {"on_time": 1, "late": 1, "missing": 2, "pending": 0}
    assert compliance["by_period"] == {"2026-10": compliance["counts"]}
    assert compliance["units_missing"] == 2 and compliance["rows_total"] == 3
    assert sorted((r["unit_code"], r["status"]) for r in compliance["rows"]) == [
        ("CB-002", "missing"), ("CB-003", "missing"), ("DB-001", "late")]


@pytest.mark.parametrize(("week", "due_day", "month"), [
    ("2026-W47", 5, "2026-10"),  # ends 22/11: October's fell due on 5/11
    ("2026-W45", 5, "2026-10"),  # ends 08/11
    ("2026-W44", 5, "2026-09"),  # ends 01/11: October's are not due until 5/11
    ("2026-W44", 1, "2026-10"),  # ... unless they are due on the 1st
    ("2026-W53", 5, "2026-11"),  # ends 03/01/2027: December's are due on 5/01/2027
    ("2027-W01", 5, "2026-12"),  # ends 10/01/2027
])
def test_a_weekly_digest_shows_the_latest_month_whose_reports_fell_due(week, due_day, month):
    assert compliance_months(parse_period("weekly", week), due_day) == [month]


@pytest.mark.parametrize(("kind", "key", "first", "last", "by"), [
    ("weekly", "2027-W01", date(2026, 11, 16), date(2027, 1, 10), "week"),
    ("monthly", "2027-01", date(2026, 8, 1), date(2027, 1, 31), "month"),
    ("monthly", "2026-06", date(2026, 1, 1), date(2026, 6, 30), "month"),
    ("half_year", "2026", date(2026, 1, 1), date(2026, 6, 30), "month"),
])
def test_the_trend_reaches_back_eight_weeks_or_six_months(kind, key, first, last, by):
    assert trend_window(parse_period(kind, key)) == (first, last, by)


def test_a_digest_holds_no_title_a_clerk_may_not_read_and_no_contact(model):
    digest = compiled(model)
    text = json.dumps(digest.sections, ensure_ascii=False)
    assert "Nguyễn Văn B" not in text and "@example.vn" not in text
    secret = next(r for r in digest.sections["hot"]["rows"] if r["tracking_code"] == "SECRET")
    assert secret["title"] == RESTRICTED_TITLE


def test_a_period_is_stored_once_with_one_digest_compiled_in_the_same_transaction(model):
    first = compiled(model)
    assert compiled(model) is None
    assert compiled(model, now=vn("2026-11-24 07:00")) is None
    with model.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Digest)) == 1
    [(event_type, body)] = outbox_rows(model)
    event = load_event(json.loads(body))
    assert event_type == "digest_compiled"
    assert (event.event_id, first.id) == (first.event_id, digest_ids(WEEK)[0])
    assert event.payload["digest_id"] == first.id
    assert event.payload["kind"] == "weekly"
    assert (str(event.payload["period_start"]), str(event.payload["period_end"])) == (
        "2026-11-16", "2026-11-22")
    assert (event.payload["title"], event.payload["summary"]) == (first.title, first.summary)
    assert event.payload["link"] == f"https://baocao.example.vn/reports/digests/{first.id}"
    assert event.payload["period_label"] == "16/11/2026 – 22/11/2026"
    assert event.occurred_at == COMPILED_AT


def test_a_rolled_back_compilation_leaves_neither_digest_nor_event(model):
    with model.sessions() as session:
        assert compile_digest(session, WEEK, COMPILED_AT, model.settings, LINK_BASE)
        session.rollback()
    assert outbox_rows(model) == []
    assert compiled(model) is not None and len(outbox_rows(model)) == 1


def test_the_ids_of_a_period_are_the_same_everywhere_and_differ_between_periods():
    assert digest_ids(WEEK) == digest_ids(parse_period("weekly", "2026-W47"))
    assert digest_ids(WEEK)[0] != digest_ids(parse_period("weekly", "2026-W48"))[0]
    assert digest_ids(parse_period("quarter1", "2026"))[0] != \
        digest_ids(parse_period("half_year", "2026"))[0]


def test_a_monthly_digest_covers_the_month_and_its_own_reports(read_model):
    read_model.feed([*directory_events(), report_event("CB-001", "2026-10", "2026-11-02 09:00")])
    digest = compiled(read_model, parse_period("monthly", "2026-10"), vn("2026-11-03 07:00"))
    assert digest.title == "Báo cáo tháng 10/2026"
    compliance = digest.sections["compliance"]
    # at 07:00 on 3 November October's reports are not due yet (5 November); one came early
    assert compliance["counts"] == {"on_time": 1, "late": 0, "missing": 0, "pending": 3}
    assert digest.summary == ("Trong tháng 10/2026: tiếp nhận 0 vụ việc, giải quyết 0; hiện "
                              "có 0 vụ việc quá hạn, 0 vụ việc nóng, khẩn đang xử lý; báo cáo "
                              "tháng 10/2026 chưa đến hạn nộp.")
    assert [r["period"] for r in digest.sections["trend"]["rows"]] == [
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def test_a_yearly_digest_shows_every_month_of_its_period(model):
    digest = compiled(model, parse_period("nine_months", "2026"), vn("2026-11-23 07:00"))
    assert digest.title == "Báo cáo 9 tháng đầu năm 2026"
    assert digest.sections["compliance"]["periods"] == [f"2026-{m:02d}" for m in range(1, 10)]
    assert len(digest.sections["trend"]["rows"]) == 9
    # nobody sent a report for January to September: four units owe them
    assert digest.summary.endswith("4 tổ chức cơ sở chưa gửi báo cáo các tháng 01–09/2026.")


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (0, 0, "0"), (999, 0, "999"), (1234, 0, "1.234"), (1234567, 0, "1.234.567"),
    (87.0, 1, "87"), (87.46, 1, "87,5"), (1234.5, 1, "1.234,5"), (100, 1, "100"),
])
def test_numbers_are_written_the_vietnamese_way(value, decimals, text):
    assert digest_text.vi_number(value, decimals) == text


@pytest.mark.parametrize(("kind", "key", "title", "lead"), [
    ("weekly", "2026-W53", "Báo cáo tuần 53/2026 (28/12/2026 – 03/01/2027)",
     "Trong tuần từ 28/12/2026 đến 03/01/2027"),
    ("monthly", "2026-01", "Báo cáo tháng 01/2026", "Trong tháng 01/2026"),
    ("quarter1", "2026", "Báo cáo quý I năm 2026", "Trong quý I/2026"),
    ("half_year", "2026", "Báo cáo 6 tháng đầu năm 2026", "Trong 6 tháng đầu năm 2026"),
    ("year", "2026", "Báo cáo năm 2026", "Trong năm 2026"),
])
def test_titles_and_leads_name_the_period_in_vietnamese(kind, key, title, lead):
    period = parse_period(kind, key)
    assert (digest_text.title(period), digest_text.lead(period)) == (title, lead)
