"""The digest pages of the dashboard over HTTP against reporting running on RabbitMQ and
PostgreSQL: digests compiled by the real compile function from a history delivered through
the broker, listed newest first, shown with the stored figures, in Vietnamese or English, as
a PDF read back with pdftotext; who may see them; unknown digests; the link in the email."""

import html
import re
import shutil
import subprocess

import pytest
from sqlalchemy.orm import sessionmaker

from services.common.db import make_engine
from services.reporting.digest_periods import parse_period
from services.reporting.digests import compile_digest
from services.reporting.settings import Settings
from tests.support.broker import publish_event
from tests.support.waiting import wait_until

from .history import CaseStory, vn
from .test_api import Client
from .test_dashboard import XSS, Reader, figure, links, svgs, texts
from .test_digests import week_47

pytestmark = pytest.mark.integration

LINK_BASE = "https://baocao.example.vn"
# (kind, period, when it was compiled): listed newest period first as W47, W46, 10/2026, 9M
COMPILED = (("nine_months", "2026", "2026-10-03 07:00"), ("monthly", "2026-10", "2026-11-03 07:00"),
            ("weekly", "2026-W46", "2026-11-16 07:00"), ("weekly", "2026-W47", "2026-11-23 07:00"))
TITLES = ["Báo cáo tuần 47/2026 (16/11 – 22/11/2026)", "Báo cáo tuần 46/2026 (09/11 – 15/11/2026)",
          "Báo cáo tháng 10/2026", "Báo cáo 9 tháng đầu năm 2026"]
SVG = "{http://www.w3.org/2000/svg}"


def compile_stored(database_url):
    """Compile the digests of COMPILED on reporting's own database; {period key: id}."""
    engine = make_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    made = {}
    try:
        for kind, key, moment in COMPILED:
            with sessions() as session:
                digest = compile_digest(session, parse_period(kind, key), vn(moment),
                                        Settings(), LINK_BASE)
                session.commit()
                made[key] = digest.id
    finally:
        engine.dispose()
    return made


@pytest.fixture
def digests(start_service, amqp_uri):
    """reporting fed week 47 plus a hot case whose title is a script, and four digests."""
    service = start_service("reporting", DIGEST_KINDS="none", REPORTING_PUBLIC_URL=LINK_BASE)
    script = CaseStory("2026-11-18 14:00", code="SCRIPT", priority="hot", title=XSS)
    script.assign("CB-002", "2026-11-18 15:00")
    events = [*week_47(), *script.events]
    for envelope in events:
        publish_event(amqp_uri, envelope)
    api = Client(service)
    wait_until(lambda: api.report("summary").json()["total"] == 8
               and api.report("summary").json()["by_status"]["assigned"] == 3
               and len(api.report("compliance", period="2026-10").json()["rows"]) == 4,
               message="the history folded into the read model")
    service.ids = compile_stored(service.database_url)
    service.case_ids = {e["payload"]["tracking_code"]: e["payload"]["case_id"]
                        for e in events if e["event_type"] == "case_opened"}
    service.api = api
    return service


def stored(service, key):
    """A digest as the API gives it, sections included."""
    response = service.api.get(f"/api/v1/digests/{service.ids[key]}")
    assert response.status_code == 200, response.text
    return response.json()


def listed(page):
    """(id, link, title) of each digest in the list page, in order."""
    return [(ident, href, html.unescape(title)) for ident, href, title in re.findall(
        r'<tr id="digest-([0-9a-f-]+)"><td><a href="([^"]+)">([^<]+)</a>', page)]


def shown(service, path, role="leader", **params):
    """A digest page's HTML for a reader of `role` (asserting it answered 200)."""
    response = Reader(service, role).get(path, **params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return response.text


def test_nobody_signed_in_is_sent_to_the_console_sign_in_and_back(digests):
    weekly = digests.ids["2026-W47"]
    for reader in (Reader(digests), Reader(digests, "clerk")):
        if reader.cookies:
            reader.cookies["session"] += "forged"
        response = reader.get(f"/reports/digests/{weekly}", lang="en")
        assert response.status_code == 303
        assert response.headers["Location"] == \
            f"/console/login?next=%2Freports%2Fdigests%2F{weekly}%3Flang%3Den"
    assert Reader(digests).get("/reports/digests", kind="weekly").headers["Location"] == \
        "/console/login?next=%2Freports%2Fdigests%3Fkind%3Dweekly"


def test_officers_and_unit_heads_get_the_403_page(digests):
    weekly = digests.ids["2026-W47"]
    for role in ("officer", "unit_head"):
        reader = Reader(digests, role, "CB-001")
        for path in ("/reports/digests", f"/reports/digests/{weekly}",
                     f"/reports/digests/{weekly}.pdf", "/reports/digests/no-such-digest"):
            response = reader.get(path)
            assert response.status_code == 403, (role, path)
            assert "Không có quyền truy cập" in response.text
            assert "Báo cáo tuần" not in response.text


def test_the_list_shows_every_digest_newest_period_first_linking_to_its_page(digests):
    for role in ("leader", "clerk", "admin"):
        page = shown(digests, "/reports/digests", role)
        found = texts(page)
        assert found["digest-count"] == "4 báo cáo"
        rows = listed(page)
        assert [title for _, _, title in rows] == TITLES
        assert [href for _, href, _ in rows] == [f"/reports/digests/{i}" for i, _, _ in rows]
        assert rows[0][0] == digests.ids["2026-W47"]
    weekly = stored(digests, "2026-W47")
    assert weekly["summary"] in found[f"digest-{weekly['id']}"]


def test_the_list_filters_by_kind_and_pages(digests):
    reader = Reader(digests, "leader")
    weekly = shown(digests, "/reports/digests", kind="weekly")
    assert texts(weekly)["digest-count"] == "2 báo cáo"
    assert [title for _, _, title in listed(weekly)] == TITLES[:2]
    first = shown(digests, "/reports/digests", per_page="3")
    assert texts(first)["paging"] == "Trang 1/2 Trang sau »"
    (following,) = links(first, r"^/reports/digests\?page=2")
    second = reader.get(following)
    assert second.status_code == 200
    assert [title for _, _, title in listed(second.text)] == TITLES[3:]
    assert links(second.text, r"^/reports/digests\?per_page=3$")  # back to the first page
    beyond = texts(shown(digests, "/reports/digests", page="9"))
    assert beyond["no-digests"] == "Chưa có báo cáo nào." and beyond["paging"].startswith(
        "« Trang trước Trang 9/1")


def test_bad_parameters_are_named_and_the_rest_still_shown(digests):
    response = Reader(digests, "leader").get("/reports/digests", kind="daily", page="0",
                                             per_page="20")
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    found = texts(response.text)
    assert found["digest-errors"] == \
        "Điều kiện không hợp lệ, đã bỏ qua: loại báo cáo, số trang."
    assert found["digest-count"] == "4 báo cáo"
    weekly = digests.ids["2026-W47"]
    odd = Reader(digests, "leader").get(f"/reports/digests/{weekly}", format="xlsx")
    assert odd.status_code == 422
    assert "định dạng (html hoặc pdf)" in texts(odd.text)["digest-errors"]
    assert "fig-received" in texts(odd.text)


def test_the_figures_on_the_page_are_the_stored_sections(digests):
    digest = stored(digests, "2026-W47")
    sections = digest["sections"]
    found = texts(shown(digests, f"/reports/digests/{digest['id']}"))
    assert found["digest-title"] == "Báo cáo tuần 47/2026 (16/11 – 22/11/2026)"
    assert found["period"] == "Kỳ báo cáo: từ ngày 16/11/2026 đến ngày 22/11/2026"
    assert found["compiled"] == "Lập lúc 23/11/2026 07:00 (giờ Việt Nam)"
    assert found["digest-summary"] == digest["summary"]
    summary = sections["summary"]["rows"][0]
    assert summary["received"] == 6  # five cases of week 47 and the script
    for key in ("received", "open", "resolved", "closed", "rejected", "overdue"):
        assert figure(found[f"fig-{key}"]) == summary[key], key
    assert figure(found["fig-on-time"]) == sections["on_time"]["rate"] == 50.0
    assert figure(found["fig-median"]) == sections["resolution_time"]["rows"][-1]["median"]
    for name in ("overdue", "hot"):
        section = sections[name]
        assert f"({section['total']})" in found[f"list-{name}"]
        for row in section["rows"]:
            assert row["tracking_code"] in found[f"list-{name}"]
    assert {r["tracking_code"] for r in sections["hot"]["rows"]} >= {"SCRIPT", "HOTLATE"}
    for row in sections["top_units"]["rows"]:
        assert row["unit_name"] in found["top-units"]
    counts = sections["compliance"]["counts"]
    assert found["compliance-counts"] == (
        f"Đúng hạn: {counts['on_time']} · Trễ hạn: {counts['late']} · "
        f"Chưa nộp (quá hạn): {counts['missing']} · Chưa đến hạn: {counts['pending']}")
    assert found["units-missing"] == \
        f"Tổ chức cơ sở chưa gửi báo cáo: {sections['compliance']['units_missing']}"
    for row in sections["compliance"]["rows"]:
        assert row["unit_name"] in found["compliance"]
    empty = texts(shown(digests, f"/reports/digests/{digests.ids['2026']}"))
    assert figure(empty["fig-received"]) == 0
    assert empty["fig-on-time"].endswith("chưa có số liệu")
    assert empty["fig-median"].endswith("chưa có số liệu")  # no «ngày làm việc» after it


def test_the_charts_draw_the_stored_trend_and_on_time_figures(digests):
    digest = stored(digests, "2026-W47")
    charts = svgs(shown(digests, f"/reports/digests/{digest['id']}"))
    assert set(charts) == {"chart-trend", "chart-on_time", "chart-summary"}
    bars = [g.find(f"{SVG}title").text for g in charts["chart-trend"].iter(f"{SVG}g")
            if g.get("class") == "bar"]
    trend = digest["sections"]["trend"]["rows"]
    assert len(trend) == 8
    for row in trend:
        week = int(row["period"].split("W")[1])
        assert f"T{week} – Tiếp nhận: {row['received']}" in bars
        assert f"T{week} – Giải quyết: {row['resolved']}" in bars
    every = digest["sections"]["on_time"]["rows"][-1]
    on_time = [g.find(f"{SVG}title").text for g in charts["chart-on_time"].iter(f"{SVG}g")]
    assert f"Tất cả – Đúng hạn: {every['on_time']} (50%)" in on_time


def test_case_titles_stay_text_and_codes_link_to_the_console(digests):
    page = shown(digests, f"/reports/digests/{digests.ids['2026-W47']}", "clerk")
    found = texts(page)
    assert XSS in found["list-hot"]
    assert XSS not in page and html.escape(XSS, quote=False) in page
    assert links(page, rf"^/console/cases/{digests.case_ids['SCRIPT']}$")
    assert links(page, rf"^/console/cases/{digests.case_ids['HOTLATE']}$")
    assert "(nội dung hạn chế)" in found["list-hot"]  # stored masked: every reader sees that
    assert "Tố cáo cán bộ" not in page


def test_the_page_is_in_english_on_request_and_remembers_it(digests):
    reader = Reader(digests, "leader")
    ident = digests.ids["2026-W47"]
    response = reader.get(f"/reports/digests/{ident}", lang="en")
    assert response.status_code == 200 and "lang=en" in response.headers["Set-Cookie"]
    found = texts(response.text)
    assert found["digest-title"] == "Weekly digest, week 47/2026 (16/11 – 22/11/2026)"
    assert found["digest-title-vi"] == "Báo cáo tuần 47/2026 (16/11 – 22/11/2026)"
    assert found["period"] == "Period: 16/11/2026 to 22/11/2026"
    assert "Key figures" in response.text and "Overdue cases" in found["list-overdue"]
    assert "Hot" in found["list-hot"] and "Nóng" not in found["list-hot"]
    assert links(response.text, rf"^/reports/digests/{ident}\?lang=vi$")
    reader.cookies["lang"] = "en"
    listing = texts(reader.get("/reports/digests").text)
    assert listing["digest-count"] == "4 digests"
    assert "Digest of the first nine months of 2026" in listing["digests"]
    assert "Monthly digest, 10/2026" in listing["digests"]


def test_an_unknown_digest_is_a_404_page(digests):
    for ident in ("no-such-digest", "0" * 36, "x" * 300, "a.pdf", "%3Cb%3E"):
        response = Reader(digests, "leader").get(f"/reports/digests/{ident}")
        assert response.status_code == 404, ident
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert texts(response.text)["missing"].startswith("Không có báo cáo định kỳ nào mang")
        assert links(response.text, r"^/reports/digests$")
        assert "<b>" not in response.text
    # a NUL character is refused before any page is looked for, as on every route
    refused = Reader(digests, "leader").get("/reports/digests/a%00b")
    assert refused.status_code == 422 and "digest_id" in refused.json()["fields"]


def test_the_dashboard_links_to_the_digests_and_the_email_link_opens_the_page(digests):
    dashboard = Reader(digests, "leader").page()
    assert links(dashboard, r"^/reports/digests$")
    assert texts(dashboard)["nav-digests"] == "Báo cáo định kỳ"
    listed = digests.api.get("/api/v1/digests", kind="monthly").json()["items"][0]
    assert listed["link"] == f"{LINK_BASE}/reports/digests/{listed['id']}"
    path = listed["link"].removeprefix(LINK_BASE)
    assert texts(shown(digests, path))["digest-title"] == "Báo cáo tháng 10/2026"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_the_digest_as_a_pdf_in_the_layout_of_a_party_report(digests, tmp_path):
    digest = stored(digests, "2026-W47")
    reader = Reader(digests, "clerk")
    also = reader.get(f"/reports/digests/{digest['id']}", format="pdf")
    assert also.status_code == 200 and also.content.startswith(b"%PDF-")
    response = reader.get(f"/reports/digests/{digest['id']}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20tu%E1%BA%A7n%2047-2026" in \
        response.headers["Content-Disposition"]
    (tmp_path / "digest.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "digest.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    words = " ".join(text.split())
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "VĂN PHÒNG ĐẢNG ỦY KHỐI", "BÁO CÁO",
                     "Tình hình tiếp nhận và giải quyết phản ánh, kiến nghị tuần 47/2026",
                     "23 tháng 11 năm 2026", "Kỳ báo cáo: từ ngày 16/11/2026 đến ngày "
                     "22/11/2026", digest["summary"], "CHÁNH VĂN PHÒNG", "Trang 1/"):
        assert expected in words, expected
    summary = digest["sections"]["summary"]["rows"][0]
    assert f"Tiếp nhận {summary['received']}" in words
    for row in digest["sections"]["hot"]["rows"]:
        assert row["tracking_code"] in words
    assert XSS in words
