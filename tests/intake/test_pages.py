"""The public pages of a running intake, over plain HTTP: form, confirmation and /track."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import requests
from markupsafe import escape
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.contracts import Event
from services.common.db import make_engine
from services.intake import store
from services.intake.domain import check_character, format_code
from services.intake.models import DirectoryUnit, Submission
from tests.intake.test_service import outbox_rows

pytestmark = pytest.mark.integration

UNITS = [("DUK", "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "bloc_committee", None),
         ("DB-001", "Đảng bộ Viễn thông Vân Lĩnh", "grassroots_committee", "DUK"),
         ("DB-001-CB01", "Chi bộ Trung tâm Kinh doanh VNPT", "sub_cell", "DB-001"),
         ("CB-001", "Chi bộ Bảo tàng tỉnh", "grassroots_cell", "DUK"),
         ("SO-NV", "Sở Nội vụ tỉnh Vân Lĩnh", "department", None)]
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'
TITLE = "Đường vào khu tập thể bị ngập"
BODY = "Mỗi khi mưa lớn, đường vào khu tập thể\nngập sâu nửa mét."


@pytest.fixture
def intake(start_service):
    return start_service("intake")


@pytest.fixture
def directory(intake):
    """intake's directory copy with a few units, as `unit_updated` would have left it."""
    with db_session(intake) as session:
        for code, name, kind, parent in UNITS:
            session.add(DirectoryUnit(code=code, name=name, kind=kind, parent=parent,
                                      active=True, version=1))
        session.add(DirectoryUnit(code="CB-999", name="Chi bộ đã giải thể", kind="grassroots_cell",
                                  parent="DUK", active=False, version=2))
    return intake


@contextmanager
def db_session(service):
    """A session on the service's database, committed when the block ends without error."""
    engine = make_engine(service.database_url)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    finally:
        session.close()
        engine.dispose()


def submissions(service):
    with db_session(service) as session:
        return session.scalars(select(Submission)).all()


def hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def open_form(service, path="/"):
    """A browser-like session that has loaded the form; returns (session, page, fields)."""
    browser = requests.Session()
    page = browser.get(service.url(path), timeout=5)
    return browser, page, {"csrf_token": hidden(page.text, "csrf_token"),
                           "nonce": hidden(page.text, "nonce")}


def send(service, browser, fields, **values):
    data = {"title": TITLE, "body": BODY, "category": "", "unit_code": "", "name": "",
            "contact": "", "website": "", **fields, **values}
    return browser.post(service.url("/"), data=data, allow_redirects=False, timeout=5)


def tracking_code(response):
    return response.headers["Location"].split("/submitted/")[1].split("?")[0]


def case_event(submission, event_type, version, status, **details):
    return Event(event_id=str(uuid.uuid4()), event_type=event_type, schema_version=1,
                 occurred_at=datetime.now(UTC) + timedelta(minutes=version), producer="cases",
                 correlation_id=submission.id, causation_id=submission.id, aggregate_id="case-1",
                 aggregate_version=version,
                 payload={"case_id": "case-1", "submission_id": submission.id, "status": status,
                          "tracking_code": submission.tracking_code,
                          "actor_id": "u-7", "details": details})


def test_form_has_its_fields_a_csrf_cookie_and_a_token(directory):
    browser, page, fields = open_form(directory)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert '<html lang="vi">' in page.text
    assert browser.cookies.get("csrf") and len(fields["csrf_token"]) == 64
    assert len(fields["nonce"]) >= 16
    for name in ("title", "body", "category", "unit_code", "name", "contact", "website"):
        assert f'name="{name}"' in page.text
    assert 'name="consent" value="yes" aria-describedby="consent-hint">' in page.text
    assert "Tôi đồng ý để cơ quan liên hệ lại" in page.text
    assert '<optgroup label="Đảng bộ cơ sở và chi bộ trực thuộc">' in page.text
    assert "Xây dựng Đảng" in page.text and "CB-999" not in page.text
    committee, cell = page.text.index('value="DB-001"'), page.text.index('value="DB-001-CB01"')
    assert committee < cell < page.text.index('value="CB-001"')
    assert "<script" not in page.text


def test_form_works_without_a_unit_list_on_a_fresh_install(intake):
    browser, page, fields = open_form(intake)
    assert 'name="unit_code"' not in page.text
    response = send(intake, browser, fields)
    assert response.status_code == 303
    [stored] = submissions(intake)
    assert stored.unit_code is None and stored.channel == "web"


def test_a_post_without_its_csrf_token_is_refused_and_stores_nothing(intake):
    browser, _, fields = open_form(intake)
    response = send(intake, browser, {"nonce": fields["nonce"]})
    assert response.status_code == 403
    assert "phiên làm việc đã hết hạn" in response.text
    assert f'value="{TITLE}"' in response.text
    forged = requests.post(intake.url("/"), data={"title": TITLE, "body": BODY,
                                                  "csrf_token": fields["csrf_token"]}, timeout=5)
    assert forged.status_code == 403
    accented = send(intake, browser, {"nonce": fields["nonce"], "csrf_token": "mã-giả-ạ"})
    assert accented.status_code == 403
    assert submissions(intake) == [] and outbox_rows(intake) == []


def test_field_errors_are_shown_next_to_the_fields_with_the_input_kept(directory):
    browser, _, fields = open_form(directory)
    response = send(directory, browser, fields, title="ab", body="  ", category="nope",
                    unit_code="XX-404", name="Lê Văn C", contact="không có", consent="yes")
    assert response.status_code == 422
    page = response.text
    for field, message in [("title", "Hãy ghi tiêu đề từ 3 đến 200 ký tự."),
                           ("body", "Hãy ghi nội dung phản ánh"),
                           ("category", "Hãy chọn lĩnh vực trong danh sách."),
                           ("unit_code", "Đơn vị này không có trong danh mục"),
                           ("contact", "Hãy ghi số điện thoại")]:
        assert re.search(rf'<p class="field-error" id="{field}-error">{message}', page), field
        assert page.index(f'id="{field}-error"') < page.index(f'id="{field}"')
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page), field
    assert 'value="ab"' in page and 'value="Lê Văn C"' in page and 'value="không có"' in page
    assert 'value="yes" aria-describedby="consent-hint" checked' in page
    assert hidden(page, "nonce") == fields["nonce"]
    assert submissions(directory) == [] and outbox_rows(directory) == []


def test_a_valid_form_redirects_to_a_confirmation_showing_the_tracking_code(directory):
    browser, _, fields = open_form(directory)
    response = send(directory, browser, fields, category="welfare", unit_code="db-001-cb01")
    assert response.status_code == 303
    code = tracking_code(response)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}", code)
    confirmation = browser.get(directory.url(response.headers["Location"]), timeout=5)
    assert confirmation.status_code == 200
    assert f'<p class="code" id="tracking-code">{code}</p>' in confirmation.text
    assert "Hãy ghi lại mã này" in confirmation.text
    assert f'href="/track?code={code}"' in confirmation.text
    [stored] = submissions(directory)
    assert (stored.tracking_code, stored.channel, stored.unit_code, stored.category) == (
        code, "web", "DB-001-CB01", "welfare")
    assert stored.body == BODY and stored.reporter_name is None
    assert stored.idempotency_key.startswith("web:") and not stored.consent_to_contact
    assert [row.event_type for row in outbox_rows(directory)] == ["feedback_received"]


def test_a_contact_without_consent_is_kept_but_not_consented(intake):
    browser, _, fields = open_form(intake)
    assert send(intake, browser, fields, name="Trần Thị B",
                contact="0912 345 678").status_code == 303
    [stored] = submissions(intake)
    assert (stored.reporter_name, stored.reporter_contact) == ("Trần Thị B", "0912 345 678")
    assert stored.consent_to_contact is False


def test_consent_without_a_contact_is_a_field_error(intake):
    browser, _, fields = open_form(intake)
    response = send(intake, browser, fields, consent="yes")
    assert response.status_code == 422
    assert "hãy ghi số điện thoại hoặc email, hoặc bỏ đánh dấu" in response.text
    assert submissions(intake) == []


def test_consent_with_an_email_is_stored(intake):
    browser, _, fields = open_form(intake)
    send(intake, browser, fields, contact="b.tran@example.vn", consent="yes")
    [stored] = submissions(intake)
    assert stored.reporter_contact == "b.tran@example.vn" and stored.consent_to_contact


def test_a_double_click_stores_one_submission(intake):
    browser, _, fields = open_form(intake)
    first, second = send(intake, browser, fields), send(intake, browser, fields)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(submissions(intake)) == 1 and len(outbox_rows(intake)) == 1


def test_simultaneous_posts_of_one_form_store_one_submission(intake):
    browser, _, fields = open_form(intake)
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: send(intake, browser, fields), range(4)))
    assert {r.status_code for r in responses} == {303}
    assert len({r.headers["Location"] for r in responses}) == 1
    assert len(submissions(intake)) == 1 and len(outbox_rows(intake)) == 1


def test_the_same_form_sent_again_with_other_text_is_refused_then_accepted(intake):
    browser, _, fields = open_form(intake)
    send(intake, browser, fields)
    again = send(intake, browser, fields, title="Một phản ánh khác hẳn")
    assert again.status_code == 409
    assert "đã được gửi trước đó với nội dung khác" in again.text
    assert 'value="Một phản ánh khác hẳn"' in again.text
    assert hidden(again.text, "nonce") != fields["nonce"]
    assert len(submissions(intake)) == 1
    resent = send(intake, browser, dict(fields, nonce=hidden(again.text, "nonce")),
                  title="Một phản ánh khác hẳn")
    assert resent.status_code == 303 and len(submissions(intake)) == 2


def test_a_filled_honeypot_is_refused_with_a_clear_message_and_stores_nothing(intake):
    browser, _, fields = open_form(intake)
    response = send(intake, browser, fields, website="http://spam.example")
    assert response.status_code == 422
    assert "Ô này phải để trống" in response.text
    assert 'value="http://spam.example"' in response.text
    assert '<div class="hp"' not in response.text
    assert submissions(intake) == [] and outbox_rows(intake) == []


@pytest.mark.parametrize("body", [b"title=%FF%FE%FD&body=x", b"title=T\xe1\xbb&body=xyz"])
def test_invalid_utf8_is_refused_with_400_and_stores_nothing(intake, body):
    browser, _, fields = open_form(intake)
    data = body + f"&csrf_token={fields['csrf_token']}".encode()
    response = browser.post(intake.url("/"), data=data, timeout=5,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "không phải UTF-8" in response.text
    assert submissions(intake) == [] and outbox_rows(intake) == []


def test_a_form_over_the_size_limit_is_refused_with_413(intake):
    browser, _, fields = open_form(intake)
    response = send(intake, browser, fields, body="x" * (130 * 1024))
    assert response.status_code == 413
    assert "lớn hơn 128 KB" in response.text
    assert submissions(intake) == []


def test_the_longest_allowed_vietnamese_body_fits_the_size_limit(intake):
    browser, _, fields = open_form(intake)
    assert send(intake, browser, fields, body="ệ" * 10000).status_code == 303


def test_a_body_that_is_not_a_form_is_refused_with_415(intake):
    browser, _, fields = open_form(intake)
    response = browser.post(intake.url("/"), json={"title": TITLE, "body": BODY, **fields},
                            timeout=5)
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.text
    assert submissions(intake) == []


def test_control_characters_are_stripped_before_storing(intake):
    browser, _, fields = open_form(intake)
    response = send(intake, browser, fields, title="Mất\x00 điện\x1b kéo\x85 dài",
                    body="Dòng một\x07\r\nDòng hai\x0b")
    assert response.status_code == 303
    [stored] = submissions(intake)
    assert (stored.title, stored.body) == ("Mất điện kéo dài", "Dòng một\nDòng hai")


def test_an_xss_payload_comes_back_as_text_on_confirmation_and_track_pages(intake):
    browser, _, fields = open_form(intake)
    response = send(intake, browser, fields, title=XSS)
    code = tracking_code(response)
    for path in (f"/submitted/{code}", f"/track?code={code}"):
        page = browser.get(intake.url(path), timeout=5).text
        assert XSS not in page and "<script>alert" not in page
        assert str(escape(XSS)) in page


def test_track_shows_status_public_comments_and_answer_but_no_personal_data(intake):
    browser, _, fields = open_form(intake)
    code = tracking_code(send(intake, browser, fields, name="Trần Thị B",
                              contact="0912345678", consent="yes", category="environment"))
    with db_session(intake) as session:
        [submission] = session.scalars(select(Submission)).all()
        for event in [
            case_event(submission, "case_opened", 1, "new"),
            case_event(submission, "case_assigned", 2, "assigned", unit_officer="Nguyễn Văn X"),
            case_event(submission, "case_status_changed", 3, "in_progress"),
            case_event(submission, "case_commented", 4, "in_progress", public=True,
                       text="Đơn vị đã khảo sát hiện trường."),
            case_event(submission, "case_commented", 5, "in_progress", public=False,
                       text="Ghi chú nội bộ: chưa báo lãnh đạo"),
            case_event(submission, "case_resolved", 6, "resolved",
                       resolution="Đã nạo vét cống thoát nước."),
        ]:
            store.apply_case_event(session, event)
    typed = code.lower().replace("-", "")
    response = browser.get(intake.url(f"/track?code={typed}"), timeout=5)
    assert response.status_code == 200
    page = response.text
    assert f'value="{code}"' in page and f'<dd id="result-code">{code}</dd>' in page
    assert TITLE in page and "Môi trường" in page
    assert "<strong>Đã có kết quả, đang xác nhận</strong>" in page
    assert 'class="current" aria-current="step">Có kết quả' in page
    assert 'class="done"' in page and 'class="todo">Kết thúc' in page
    assert "Đơn vị đã khảo sát hiện trường." in page
    assert "Đã nạo vét cống thoát nước." in page
    assert re.search(r'id="submitted-at">\d\d/\d\d/\d{4} \d\d:\d\d', page)
    for secret in ("Trần Thị B", "0912345678", "Ghi chú nội bộ", "Nguyễn Văn X", "u-7"):
        assert secret not in page


def test_track_reads_o_as_zero_and_ignores_case_and_dashes(intake):
    browser, _, fields = open_form(intake)
    code = tracking_code(send(intake, browser, fields))
    known = format_code("00AB1C0DE0" + check_character("00AB1C0DE0"))
    with db_session(intake) as session:
        session.execute(update(Submission).where(Submission.tracking_code == code)
                        .values(tracking_code=known))
    typed = known.replace("0", "o").replace("-", " ").lower()
    response = browser.get(intake.url("/track"), params={"code": typed}, timeout=5)
    assert response.status_code == 200
    assert f'<dd id="result-code">{known}</dd>' in response.text
    assert "<strong>Đã gửi, chờ tiếp nhận</strong>" in response.text


@pytest.mark.parametrize(("typed", "message"), [
    ("ABCD", "Mã chưa đúng"), ("7K2M-9QXD-4T?", "Mã chưa đúng"),
    (format_code("ZZZZZZZZZZ" + check_character("ZZZZZZZZZZ")), "Không tìm thấy phản ánh"),
])
def test_an_unknown_or_invalid_code_gets_a_friendly_404(intake, typed, message):
    response = requests.get(intake.url("/track"), params={"code": typed}, timeout=5)
    assert response.status_code == 404
    assert message in response.text and 'id="result"' not in response.text
    assert str(escape(typed)) in response.text


def test_track_without_a_code_shows_the_lookup_form(intake):
    response = requests.get(intake.url("/track"), timeout=5)
    assert response.status_code == 200
    assert 'name="code"' in response.text and 'id="result"' not in response.text


def test_a_confirmation_for_an_unknown_code_is_404(intake):
    response = requests.get(intake.url("/submitted/not-a-code"), timeout=5)
    assert response.status_code == 404
    assert "Không có phản ánh nào mang mã này" in response.text


def test_english_is_chosen_with_lang_and_remembered_in_a_cookie(intake):
    browser, page, fields = open_form(intake, "/?lang=en")
    assert '<html lang="en">' in page.text and "Send feedback or a petition" in page.text
    assert "I agree to be contacted" in page.text
    assert browser.cookies.get("lang") == "en"
    assert "Tiếng Việt" in page.text and 'href="/?lang=vi"' in page.text
    failed = browser.post(intake.url("/"), data={**fields, "title": "ab", "body": BODY},
                          timeout=5)
    assert failed.status_code == 422 and "Write a title of 3 to 200 characters." in failed.text
    response = send(intake, browser, fields)
    confirmation = browser.get(intake.url(response.headers["Location"]), timeout=5)
    assert "Your tracking code" in confirmation.text and '<html lang="en">' in confirmation.text
    track = browser.get(intake.url(f"/track?code={tracking_code(response)}"), timeout=5)
    assert "Sent, waiting to be received" in track.text


def test_a_client_flooding_the_form_gets_a_page_saying_to_wait(start_service):
    limited = start_service("intake", RATE_LIMIT_PER_MINUTE=2)
    answers = [requests.get(limited.url("/track"), params={"code": "ABCD-EFGH-JKM"},
                            timeout=5) for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert "Gửi quá nhiều lần" in answers[-1].text
