"""The public form in headless Chromium on a phone: send in Vietnamese, note the code, track it."""

import re

import pytest
import requests

from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "vi-VN"}
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}")
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def site(system):
    """intake's base URL, once its copy of the directory lists the sample units."""
    base = system.url("intake", "")
    wait_until(lambda: 'value="DB-001-CB01"' in requests.get(f"{base}/", timeout=5).text,
               timeout=30, message="directory copied to intake")
    return base


@pytest.fixture
def phone(browser):
    """A phone-sized page and the list of JavaScript dialogs it opened (there should be none)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    dialogs = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    yield page, dialogs
    context.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def fill_and_send(page, title, body):
    page.fill("#title", title)
    page.fill("#body", body)
    page.click("button[type=submit]")


def status_after_reload(page):
    page.reload()
    return page.inner_text("#status")


def test_a_reporter_sends_feedback_from_a_phone_and_tracks_it(site, phone, tmp_path):
    page, dialogs = phone
    page.goto(f"{site}/")
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("h1") == "Gửi phản ánh, kiến nghị"
    assert fits_the_screen(page)
    honeypot = page.locator("#website").bounding_box()
    assert honeypot is None or honeypot["x"] + honeypot["width"] <= 0
    assert page.locator("button[type=submit]").bounding_box()["height"] >= 44
    page.select_option("#category", "welfare")
    page.select_option("#unit_code", "DB-001-CB01")
    assert not page.is_checked("#consent")
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    fill_and_send(page, "Công nhân chưa được trả lương tháng 10",
                  "Phân xưởng 2 chưa nhận lương tháng 10.\nĐề nghị công đoàn can thiệp.")

    page.wait_for_url(re.compile(r".*/submitted/.*"))
    code = page.inner_text("#tracking-code")
    assert CODE.fullmatch(code)
    assert "Hãy ghi lại mã này" in page.inner_text("main")
    assert fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "submitted.png"), full_page=True)

    page.click("#track-link")
    page.wait_for_selector("#result")
    assert page.inner_text("#result-code") == code
    assert page.inner_text("#case-title") == "Công nhân chưa được trả lương tháng 10"
    wait_until(lambda: status_after_reload(page) == "Đã tiếp nhận, đang phân loại",
               timeout=30, message="case opened and shown on /track")
    assert "Tiếp nhận, phân loại" in page.inner_text("#timeline")

    page.goto(f"{site}/track")
    page.fill("#code", code.lower().replace("-", ""))
    page.click("button[type=submit]")
    page.wait_for_selector("#result")
    assert page.inner_text("#result-code") == code
    assert fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "track.png"), full_page=True)
    assert dialogs == []


def test_an_xss_payload_in_the_title_comes_back_as_text_and_no_dialog_fires(site, phone):
    page, dialogs = phone
    page.goto(f"{site}/")
    fill_and_send(page, XSS, f"Nội dung có mã độc: {XSS}")
    page.wait_for_selector("#tracking-code")
    assert page.inner_text("#title") == XSS
    page.click("#track-link")
    page.wait_for_selector("#result")
    assert page.inner_text("#case-title") == XSS
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("main img").count() == 0
    assert dialogs == []


def test_a_mistake_is_shown_next_to_its_field_with_the_text_kept(site, phone):
    page, _ = phone
    page.goto(f"{site}/")
    page.fill("#contact", "không có")
    fill_and_send(page, "ab", "Nội dung vẫn được giữ nguyên.")
    page.wait_for_selector("#title-error")
    assert page.inner_text("#title-error") == "Hãy ghi tiêu đề từ 3 đến 200 ký tự."
    assert "Hãy ghi số điện thoại" in page.inner_text("#contact-error")
    assert page.input_value("#body") == "Nội dung vẫn được giữ nguyên."
    assert page.input_value("#contact") == "không có"
    page.fill("#title", "Đường vào khu tập thể bị ngập")
    page.fill("#contact", "")
    page.click("button[type=submit]")
    page.wait_for_selector("#tracking-code")


def test_english_is_one_tap_away_and_remembered(site, phone):
    page, _ = phone
    page.goto(f"{site}/")
    page.click("text=English")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Send feedback or a petition"
    page.goto(f"{site}/track")
    assert page.inner_text("h1") == "Track your feedback"
