"""The officer console in headless Chromium: triage, work and close a case; text stays text."""

import pytest
import requests

from tests.browser.conftest import PASSWORD, submit

pytestmark = pytest.mark.browser

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 1">'


def sign_in(page, base, username):
    page.goto(f"{base}/console/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console")


def sign_out(page):
    page.click("header button")


def open_case(page, code):
    page.click(f"text={code}")
    page.wait_for_selector("#tracking-code")


def take(page, action, expected_status):
    """Press an action's button and check the case's new status."""
    page.click(f"button[value={action}]")
    page.wait_for_selector(".notice")
    assert page.inner_text("#status") == expected_status


def test_clerk_assigns_officer_resolves_head_confirms(system, browser, tmp_path):
    code = submit(system, "Đề nghị hỗ trợ công nhân bị tai nạn lao động",
                  f"Công nhân phân xưởng 2 bị thương.\n{XSS}")
    base = system.url("cases", "")
    page = browser.new_page()

    sign_in(page, base, "clerk")
    assert "Chờ phân loại" in page.inner_text("main")
    open_case(page, code)
    assert XSS in page.inner_text("#body")
    assert page.evaluate("window.__xss") is None
    page.fill("#assign-unit_code", "DB-001")
    page.select_option("#assign-priority", "urgent")
    take(page, "assign", "Đã giao")
    assert page.inner_text("#priority") == "Khẩn"
    sign_out(page)

    sign_in(page, base, "canbo")
    open_case(page, code)
    take(page, "accept", "Đang xử lý")
    page.fill("#resolve-resolution", "Công đoàn đã thăm hỏi, hỗ trợ 5 triệu đồng.")
    take(page, "resolve", "Đã xử lý, chờ xác nhận")
    sign_out(page)

    sign_in(page, base, "truongdv")
    open_case(page, code)
    take(page, "confirm", "Đã kết thúc")
    history = page.inner_text("#history")
    for step in ("Mở hồ sơ", "Giao xử lý", "Tiếp nhận", "Báo cáo kết quả", "Xác nhận kết thúc"):
        assert step in history
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    assert page.evaluate("window.__xss") is None


def test_wrong_password_is_shown_next_to_the_form_in_english_on_request(system, browser):
    page = browser.new_page()
    page.goto(system.url("cases", "/console/login?lang=en"))
    page.fill("#username", "clerk")
    page.fill("#password", "wrong-password-1")
    page.click("button[type=submit]")
    assert page.inner_text("[role=alert]") == "Wrong username or password."
    assert page.input_value("#username") == "clerk"


def test_a_form_posted_without_its_csrf_token_changes_nothing(system):
    code = submit(system, "Kiểm tra bảo vệ CSRF", "Nội dung")
    session = requests.Session()
    login = system.url("cases", "/console/login")
    page = session.get(login, timeout=5).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    session.post(login, data={"csrf_token": token, "username": "clerk", "password": PASSWORD},
                 timeout=5)
    queue = session.get(system.url("cases", "/console"), timeout=5).text
    case_path = queue.split('href="/console/cases/')[1].split('"')[0]
    assert code in queue
    forged = session.post(system.url("cases", f"/console/cases/{case_path}/actions/assign"),
                          data={"version": "1", "unit_code": "DB-001"}, timeout=5)
    assert forged.status_code == 403
    after = session.get(system.url("cases", f"/console/cases/{case_path}"), timeout=5).text
    assert "Mới tiếp nhận" in after


def test_a_reworded_repeat_is_flagged_and_merged_with_one_click(system, browser):
    first = submit(system, "Công ty May Hòa Bình nợ lương công nhân 3 tháng",
                   "Công nhân Công ty May Hòa Bình ở KCN Phố Nối chưa được trả lương 3 tháng.")
    repeat = submit(system, "Cong nhan cty may Hoa Binh bi no luong 3 thang",
                    "Da 3 thang nay cong nhan cong ty May Hoa Binh (khu cong nghiep Pho Noi) "
                    "khong duoc tra luong.")
    base = system.url("cases", "")
    page = browser.new_page()
    sign_in(page, base, "clerk")
    open_case(page, repeat)
    flagged = page.inner_text("#possible-duplicate")
    assert "Có thể trùng với hồ sơ" in flagged and first in flagged
    page.click("#possible-duplicate button[value=merge]")
    page.wait_for_selector(".notice[role=status]")
    assert page.inner_text("#status") == "Đã gộp"
    assert requests.get(system.url("intake", f"/api/v1/feedback/{repeat}"), timeout=5).json()[
        "status"] in ("new", "merged")
