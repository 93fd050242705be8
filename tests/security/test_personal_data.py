"""Reporters' names, emails and phone numbers stay in intake and cases, and out of every log.

Reporters who consented give their details through every channel; their cases are resolved,
so notify fetches the address from cases and writes to them (one address the SMTP server
refuses). Then notify's and reporting's databases, every text column of every table, and every
line the four services logged are searched for those values in any usual form.
"""

import json
import time

import pytest

from services.intake.chatbot import signature
from tests.support.waiting import wait_until

from .callers import UNIT
from .matrix import form
from .personal_data import finder, scan_database
from .stack import CHATBOT_SECRET, OPEN311_KEY, REFUSED_MARK

pytestmark = pytest.mark.e2e

WRITTEN_TO = {"name": "Tôn Nữ Thị Huyền Trâm Kiểm", "contact": "tonnu.huyentram.kiem@example.vn"}
REFUSED = {"name": "Đặng Quốc Bảo Mật", "contact": f"dangquocbao.{REFUSED_MARK}@example.vn"}
BY_PHONE = {"name": "Lưu Thị Phượng Riêng", "contact": "0987 654 321"}
ON_THE_FORM = {"name": "Hà Văn Thường Biểu Mẫu", "contact": "bieumau.havanthuong@example.vn"}
OPEN311 = {"first_name": "Khánh Linh", "last_name": "Vương Thị",
           "email": "vuong.khanhlinh.open311@example.vn", "phone": "0912 000 777"}
ON_PAPER = {"name": "Mạc Đăng Dung Phiếu", "contact": "0903 111 222"}
BY_CHAT = {"name": "Lý Công Uẩn Trò Chuyện", "contact": "lycongan.zalo@example.vn"}
PERSONAL = [value for reporter in (WRITTEN_TO, REFUSED, BY_PHONE, ON_THE_FORM, ON_PAPER, BY_CHAT)
            for value in reporter.values()] + [
    "Vương Thị Khánh Linh", OPEN311["email"], OPEN311["phone"]]


def resolved_case(stack, n, reporter):
    """Submit with consent through the API and take the case to `resolved`."""
    code, case = stack.submit({
        "title": f"Phản ánh có người liên hệ số {n}", "body": "Đề nghị trả lời kết quả.",
        "unit_code": UNIT, "reporter": {**reporter, "consent_to_contact": True}})
    stack.act("clerk", case["id"], "assign", unit_code=UNIT)
    stack.act("officer", case["id"], "accept")
    stack.act("officer", case["id"], "resolve", resolution="Đã xử lý xong, trả lời công dân.")
    return case["id"]


def reporter_delivery(stack, case_id, done):
    """The email to a case's reporter once `done(delivery)` holds."""
    def find():
        items = stack.ok("clerk", "GET", "notify", "/api/v1/deliveries",
                         params={"recipient": f"reporter:{case_id}"})["items"]
        return next((d for d in items if done(d)), None)
    return wait_until(find, timeout=45, message=f"reporter delivery of {case_id}")


def submit_through_other_channels(stack):
    """The web form, Open311, a paper-form import and a chat-bot bridge, all with consent."""
    page = stack.call("anonymous", "POST", "intake", "/", **form(lambda *_: {
        "title": "Biểu mẫu có thông tin người gửi", "body": "Đề nghị liên hệ lại với tôi.",
        "nonce": "nonce-personal-data-check", "consent": "yes", **ON_THE_FORM})(stack, "anonymous"))
    assert page.status_code == 303, page.text
    stack.ok("anonymous", "POST", "intake", "/open311/v2/requests.json", data={
        "api_key": OPEN311_KEY, "service_code": "other", "address_string": "Số 2 Lê Lợi",
        "description": "Vỉa hè bị lấn chiếm", **OPEN311})
    csv = ("Tiêu đề,Nội dung,Họ tên người phản ánh,Liên hệ,Đồng ý liên hệ\n"
           f"Phiếu có người gửi,Nội dung phiếu,{ON_PAPER['name']},{ON_PAPER['contact']},có\n")
    stack.ok("clerk", "POST", "intake", "/api/v1/imports", 201, data=csv.encode(),
             headers={"Content-Type": "text/csv"})
    raw = json.dumps({"message_id": "tin-ca-nhan", "text": "Khu trọ công nhân mất điện",
                      "sender": {**BY_CHAT, "consent_to_contact": True}}).encode()
    stamp = str(int(time.time()))
    stack.ok("anonymous", "POST", "intake", "/api/v1/webhooks/zalo", 202, data=raw,
             headers={"Content-Type": "application/json", "X-Timestamp": stamp,
                      "X-Signature": signature(CHATBOT_SECRET, stamp, raw)})


def received(stack):
    """Cases reporting has counted so far (the stack is shared by the whole session)."""
    return stack.ok("leader", "GET", "reporting", "/api/v1/reports/summary")["total"]


def test_personal_data_stays_out_of_notify_reporting_and_every_log(stack):
    before = received(stack)
    written = resolved_case(stack, 1, WRITTEN_TO)
    refused = resolved_case(stack, 2, REFUSED)
    by_phone = resolved_case(stack, 3, BY_PHONE)
    submit_through_other_channels(stack)

    sent = reporter_delivery(stack, written, lambda d: d["status"] == "sent")
    failed = reporter_delivery(stack, refused, lambda d: d["last_error"])
    reporter_delivery(stack, by_phone, lambda d: d["status"] == "skipped")
    assert sent["attempts"] == 1 and "550" in failed["last_error"], failed
    assert any(WRITTEN_TO["contact"] in str(m["To"]) for m in stack.mail.messages())
    # the values did reach the system: cases holds them, as it should
    detail = stack.ok("clerk", "GET", "cases", f"/api/v1/cases/{written}")
    assert detail["reporter"]["contact"] == WRITTEN_TO["contact"]
    # three resolved cases and one through each of four other channels: all seven counted
    wait_until(lambda: received(stack) >= before + 7, timeout=45,
               message="reporting has every case of this test")

    find = finder(PERSONAL)
    hits = []
    for service in ("notify", "reporting"):
        columns, found = scan_database(stack.databases[service], find)
        assert len(columns) > 10, columns  # the inspection did see the tables
        hits += [f"{service}.{table}.{column}: {value}" for table, column, value in found]
    lines = list(stack.cluster.log_lines())
    assert lines, "the services logged nothing at all"
    hits += [f"{service} log: {value}: {line[:200]}" for service, line in lines
             for value in find(line)]
    assert not hits, "\n".join(hits)
