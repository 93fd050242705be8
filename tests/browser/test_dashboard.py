"""The leadership dashboard in headless Chromium behind the real nginx configuration (one
origin, as deployed): sign in at the console and come back, figures of seeded cases,
drill-down, charts without JavaScript, XLSX and PDF downloads, and a 403 for an officer."""

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from services.common.auth import issue_token
from services.common.db import make_engine
from services.common.workdays import local_day
from services.reporting.digest_periods import month_of
from services.reporting.digests import compile_digest
from services.reporting.settings import Settings
from tests.browser.conftest import PASSWORD, PEOPLE, seeded_cluster, submit
from tests.deploy.nginx import NginxProxy
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser

SVG = "svg#chart-trend"


@pytest.fixture
def bloc(amqp_uri, make_database, mail_sink):
    """intake, cases and reporting as processes behind nginx; a leader and an officer."""
    people = {**PEOPLE, "lanhdao": ("leader", None)}
    cluster = seeded_cluster(amqp_uri, make_database, mail_sink, people, MAX_WORKERS=4).start(
        ("intake", "cases", "reporting"))
    upstreams = {name: cluster.url(name, "").removeprefix("http://")
                 for name in ("intake", "cases", "reporting")}
    proxy = NginxProxy(upstreams).start()
    yield cluster, proxy
    proxy.stop()
    cluster.stop()


def reported_total(cluster):
    """The number of cases reporting's read model knows (asked through its API)."""
    token = issue_token(cluster.env.get("AUTH_SECRET", "dev-only-secret-change-me"),
                        user_id="u-check", username="check", role="leader", unit_code=None)
    response = requests.get(cluster.url("reporting", "/api/v1/reports/summary"),
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return response.json().get("total") if response.status_code == 200 else None


def sign_in(page, username):
    """Fill the console's sign-in form the browser was sent to."""
    page.wait_for_selector("#username")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def downloaded_pdf(page, selector, path):
    """Click a PDF download, save it at `path`; its text with spaces folded."""
    with page.expect_download() as download:
        page.click(selector)
    assert download.value.suggested_filename.endswith(".pdf")
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert shutil.which("pdftotext"), "pdftotext is needed: apt-get install poppler-utils"
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(text.split())


def figure(page, ident):
    """The number shown in a figure card."""
    return int(page.inner_text(f"#{ident} .value").replace(".", ""))


def test_a_leader_follows_the_figures_down_to_a_unit_and_downloads_them(bloc, browser,
                                                                        tmp_path):
    cluster, proxy = bloc
    for title in ("Đường vào khu tập thể bị ngập", "Đề nghị sửa nhà văn hóa"):
        submit(cluster, title, "Sau mưa lớn đường ngập sâu.")
    wait_until(lambda: reported_total(cluster) == 2, message="reporting knows both cases")

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(proxy.url("/reports?range=month"))
    assert "/console/login?next=" in page.url
    sign_in(page, "lanhdao")
    page.wait_for_url(proxy.url("/reports?range=month"))
    assert page.inner_text("h1") == "Bảng điều hành của lãnh đạo"
    assert figure(page, "fig-received") == 2
    assert page.locator(f"{SVG} title").first.text_content() == \
        "Số vụ việc tiếp nhận và giải quyết theo tuần"

    page.click("#units-below summary")  # over a hundred units: the list starts folded
    page.click("#units-below >> text=Đảng bộ Viễn thông Vân Lĩnh")
    page.wait_for_url(re.compile(r"unit=DB-001$"))
    assert "Đảng bộ Viễn thông Vân Lĩnh" in page.inner_text("#breadcrumb")
    assert figure(page, "fig-received") == 2
    page.click("#units-below >> text=Chi bộ")  # a cell below it: nothing came from there
    page.wait_for_url(re.compile(r"unit=DB-001-"))
    assert figure(page, "fig-received") == 0
    page.click("#breadcrumb >> text=Đảng bộ Viễn thông Vân Lĩnh")
    page.wait_for_url(re.compile(r"unit=DB-001$"))
    assert figure(page, "fig-received") == 2

    with page.expect_download() as xlsx_download:
        page.click("#downloads tr:has-text('Tổng hợp tình hình') >> text=XLSX")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    xlsx_download.value.save_as(tmp_path / "tong-hop.xlsx")
    sheet = load_workbook(tmp_path / "tong-hop.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tổng hợp tình hình tiếp nhận và giải quyết"
    assert "DB-001" in rows[1][0] and rows[5][0] == 2

    text = downloaded_pdf(page, "#downloads tr:has-text('Tổng hợp tình hình') >> text=PDF",
                          tmp_path / "tong-hop.pdf")
    assert "Tổng hợp tình hình tiếp nhận và giải quyết" in text
    assert "Đảng bộ Viễn thông Vân Lĩnh (DB-001)" in text

    without_js = browser.new_context(java_script_enabled=False)
    without_js.add_cookies(context.cookies())
    still = without_js.new_page()
    still.goto(proxy.url("/reports?range=month"))
    assert still.locator(SVG).is_visible()
    assert still.locator("svg#chart-on_time").is_visible()
    assert still.locator(f"{SVG} g.bar").count() > 0
    still.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    without_js.close()
    context.close()


def test_an_officer_is_refused_with_a_page_in_vietnamese(bloc, browser):
    cluster, proxy = bloc
    page = browser.new_page()
    page.goto(proxy.url("/console/login"))
    sign_in(page, "canbo")
    page.wait_for_url(proxy.url("/console"))
    response = page.goto(proxy.url("/reports"))
    assert response.status == 403
    assert page.inner_text("h1") == "Không có quyền truy cập"
    assert "chỉ dành cho lãnh đạo" in page.inner_text("main")


def compile_this_month(cluster):
    """The digest of the month so far, compiled on reporting's database; (id, title)."""
    engine = make_engine(cluster.env["REPORTING_DATABASE_URL"])
    now = datetime.now(UTC)
    try:
        with Session(engine, expire_on_commit=False) as session:
            digest = compile_digest(session, month_of(local_day(now)), now, Settings(),
                                    "http://localhost")
            session.commit()
            return digest.id, digest.title
    finally:
        engine.dispose()


def test_a_leader_opens_a_digest_from_the_dashboard_and_downloads_it(bloc, browser, tmp_path):
    cluster, proxy = bloc
    for title in ("Đường vào khu tập thể bị ngập", "Đề nghị sửa nhà văn hóa"):
        submit(cluster, title, "Sau mưa lớn đường ngập sâu.")
    wait_until(lambda: reported_total(cluster) == 2, message="reporting knows both cases")
    ident, title = compile_this_month(cluster)

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(proxy.url("/reports"))
    sign_in(page, "lanhdao")
    page.wait_for_url(proxy.url("/reports"))
    page.click("#nav-digests")
    page.wait_for_url(proxy.url("/reports/digests"))
    assert page.inner_text("h1") == "Báo cáo định kỳ"
    page.click(f"#digests >> text={title}")
    page.wait_for_url(proxy.url(f"/reports/digests/{ident}"))
    assert page.inner_text("#digest-title") == title
    assert figure(page, "fig-received") == 2
    assert page.locator(SVG).is_visible()

    text = downloaded_pdf(page, "#pdf-link", tmp_path / "digest.pdf")
    assert "Tình hình tiếp nhận và giải quyết phản ánh, kiến nghị tháng" in text

    page.click("#switch-lang")
    page.wait_for_url(re.compile(r"lang=en$"))
    assert page.inner_text("#digest-title").startswith("Monthly digest, ")
    context.close()
