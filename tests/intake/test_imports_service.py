"""Bulk import through intake's HTTP API, in a nameko container on RabbitMQ and PostgreSQL."""

import argparse
import io
import json
import threading

import pytest
import requests
from openpyxl import Workbook
from sqlalchemy import select

from services import import_cli
from services.common.auth import issue_token
from services.common.db import make_engine
from services.common.tables import outbox
from services.intake import imports_store
from services.intake.import_files import read_table
from services.intake.imports import map_headers
from services.intake.models import DirectoryUnit, Submission
from tests.support.broker import drain
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

CASES_QUEUE = "evt-intake-feedback_received--cases"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "Tiêu đề,Nội dung,Lĩnh vực,Mã đơn vị,Kênh,Họ tên người phản ánh,Liên hệ,Đồng ý liên hệ\n"
GOOD_ROWS = [
    'Chậm trả lương,"Công ty chậm trả lương tháng 9, tháng 10.",'
    '"Tiền lương, bảo hiểm xã hội",CB-01,,Lê Văn C,0912345678,có\n',
    "Đường ngập,Đường vào xưởng ngập sau mưa,moi truong,CB-02,họp,,,\n",
    "Thiếu nước,Khu tập thể thiếu nước sinh hoạt,,,đường dây nóng,,,\n",
]
BAD_ROWS = [
    "ab,,,,,,,\n",
    "Tiêu đề đủ dài,Nội dung,không rõ,,fax,,,có lẽ\n",
]


@pytest.fixture
def intake(start_service):
    return start_service("intake", IMPORT_MAX_BYTES=200_000)


def auth(service, role="clerk", username="vanphong"):
    """Bearer header of a user with a role."""
    token = issue_token(service.settings["AUTH_SECRET"], user_id=f"u-{username}",
                        username=username, role=role, unit_code=None)
    return {"Authorization": f"Bearer {token}"}


def upload(service, data, content_type=CSV, headers=None, params=None, role="clerk"):
    """POST a file as the raw body."""
    return requests.post(service.url("/api/v1/imports"), data=data, params=params, timeout=60,
                         headers={"Content-Type": content_type, "X-File-Name": "phieu.csv",
                                  **auth(service, role), **(headers or {})})


def stored(service):
    """(submissions by external key, number of feedback_received rows in the outbox)."""
    engine = make_engine(service.database_url)
    with engine.connect() as connection:
        submissions = {s.external_key: s for s in connection.execute(select(Submission.__table__))}
        events = connection.execute(select(outbox.c.event_type)).scalars().all()
    engine.dispose()
    assert set(events) <= {"feedback_received"}
    return submissions, len(events)


def csv_file(rows):
    return (HEADER + "".join(rows)).encode("utf-8")


def test_csv_rows_are_imported_and_bad_rows_reported_with_their_row_numbers(intake, amqp_uri):
    response = upload(intake, csv_file([GOOD_ROWS[0], BAD_ROWS[0], *GOOD_ROWS[1:], BAD_ROWS[1]]))
    assert response.status_code == 201
    report = response.json()
    assert (report["rows_total"], report["imported"], report["rejected"]) == (5, 3, 2)
    assert report["file_name"] == "phieu.csv"
    assert [e["row"] for e in report["errors"]] == [3, 6]
    assert set(report["errors"][0]["fields"]) == {"title", "body"}
    assert set(report["errors"][1]["fields"]) == {"category", "channel", "consent_to_contact"}
    submissions, events = stored(intake)
    assert events == 3
    assert {s.channel for s in submissions.values()} == {"import", "meeting", "hotline"}
    assert {s.import_id for s in submissions.values()} == {report["import_id"]}
    first = next(s for s in submissions.values() if s.title == "Chậm trả lương")
    assert (first.category, first.reporter_name, first.consent_to_contact) == (
        "wages_insurance", "Lê Văn C", True)
    received = drain(amqp_uri, CASES_QUEUE, expect=3)
    assert sorted(e["payload"]["title"] for e in received) == [
        "Chậm trả lương", "Thiếu nước", "Đường ngập"]
    again = requests.get(intake.url(f"/api/v1/imports/{report['import_id']}"),
                         headers=auth(intake, "leader"))
    assert again.status_code == 200
    assert again.json()["errors"] == report["errors"]
    assert again.json()["imported"] == 3


def test_the_same_file_uploaded_twice_imports_each_row_once(intake, amqp_uri):
    data = csv_file(GOOD_ROWS + BAD_ROWS)
    first = upload(intake, data).json()
    second = upload(intake, data)
    assert second.status_code == 200
    report = second.json()
    assert (report["imported"], report["already_imported"], report["rejected"]) == (0, 3, 2)
    assert first["import_id"] in report["warnings"][0]
    submissions, events = stored(intake)
    assert len(submissions) == events == 3
    received = drain(amqp_uri, CASES_QUEUE, expect=4, timeout=3)
    assert len(received) == 3
    assert len({e["payload"]["submission_id"] for e in received}) == 3


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phiếu"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_as_a_multipart_field_imports_and_matches_the_same_rows_sent_as_csv(intake):
    rows = [["Tieu de", "Noi dung", "Ma don vi"], ["Đường ngập", "Đường vào xưởng ngập", "cb-02"],
            ["Thiếu nước", "Khu tập thể thiếu nước", None]]
    response = requests.post(
        intake.url("/api/v1/imports"), headers=auth(intake), timeout=30,
        files={"file": ("Phiếu tháng 3.xlsx", xlsx_file(rows), XLSX)})
    assert response.status_code == 201
    assert response.json()["file_name"] == "Phiếu tháng 3.xlsx"
    assert response.json()["imported"] == 2
    same_as_csv = "title,body,unit_code\nĐường ngập,Đường vào xưởng ngập,CB-02\n".encode()
    assert upload(intake, same_as_csv).json()["already_imported"] == 1
    assert stored(intake)[1] == 2


def test_rows_sent_in_chunks_build_one_import_with_the_spreadsheet_row_numbers(intake):
    first = upload(intake, csv_file(GOOD_ROWS[:2]), params={"first_row": 2}).json()
    more = upload(intake, csv_file([BAD_ROWS[0], GOOD_ROWS[2]]),
                  params={"first_row": 4, "import_id": first["import_id"]}).json()
    assert more["import_id"] == first["import_id"]
    assert [e["row"] for e in more["errors"]] == [4]
    combined = requests.get(intake.url(f"/api/v1/imports/{first['import_id']}"),
                            headers=auth(intake)).json()
    assert (combined["rows_total"], combined["imported"], combined["rejected"]) == (4, 3, 1)
    other_clerk = upload(intake, csv_file(GOOD_ROWS), params={"import_id": first["import_id"]},
                         headers=auth(intake, "clerk", "someone-else"))
    assert other_clerk.status_code == 403


def test_an_import_broken_off_midway_and_uploaded_again_stores_every_row_once(
        intake, monkeypatch):
    rows = [f"Phản ánh số {n},Nội dung phản ánh số {n}\n" for n in range(1, 1201)]
    data = ("title,body\n" + "".join(rows)).encode()
    real, calls = imports_store.store_rows, []

    def failing_third_batch(session, outbox_writer, import_id, batch):
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(session, outbox_writer, import_id, batch)

    monkeypatch.setattr(imports_store, "store_rows", failing_third_batch)
    assert upload(intake, data).status_code == 500
    assert stored(intake)[1] == 1000
    monkeypatch.setattr(imports_store, "store_rows", real)
    report = upload(intake, data).json()
    assert (report["imported"], report["already_imported"]) == (200, 1000)
    submissions, events = stored(intake)
    assert len(submissions) == events == 1200


def test_concurrent_uploads_of_one_file_store_each_row_once(intake):
    data = ("title,body\n" + "".join(f"Việc {n},Chi tiết {n}\n" for n in range(600))).encode()
    results = []
    threads = [threading.Thread(target=lambda: results.append(upload(intake, data).json()))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["imported"] for r in results) == 600
    assert sum(r["already_imported"] for r in results) == 1200
    submissions, events = stored(intake)
    assert len(submissions) == events == 600


def test_a_form_number_imports_once_and_changed_content_is_flagged(intake):
    first = "Số phiếu,Tiêu đề,Nội dung\nPH-7,Mất điện,Cả khu mất điện\n".encode()
    changed = "Số phiếu,Tiêu đề,Nội dung\nPH-7,Mất điện,Đã sửa nội dung\n".encode()
    assert upload(intake, first).json()["imported"] == 1
    report = upload(intake, changed).json()
    assert report["already_imported"] == 1
    assert "«PH-7» was imported before with different content" in report["warnings"][0]
    submissions, _ = stored(intake)
    assert submissions["import:form:PH-7"].body == "Cả khu mất điện"


def test_rows_naming_a_unit_missing_from_the_directory_are_refused(intake):
    engine = make_engine(intake.database_url)
    with engine.begin() as connection:
        connection.execute(DirectoryUnit.__table__.insert(), [
            {"code": "CB-01", "name": "Chi bộ 1", "kind": "grassroots_cell", "active": True,
             "version": 1}])
    engine.dispose()
    report = upload(intake, "Tiêu đề,Nội dung,Mã đơn vị\nMất điện,Cả khu,cb-01\n"
                            "Mất nước,Cả khu,CB-77\n".encode()).json()
    assert report["imported"] == 1
    assert report["errors"][0]["fields"] == {"unit_code": ["No active unit has the code «CB-77»."]}


REFUSED = [
    (b"x" * 200_001, CSV, 413, "too_large"),
    (b"%PDF-1.4 not a table", "application/pdf", 415, "unsupported_media_type"),
    (b"PK\x03\x04 truncated", XLSX, 422, "unreadable_file"),
    ("Tiêu đề,Kênh\nMất điện,họp\n".encode(), CSV, 422, "bad_columns"),
    (b"", CSV, 422, "empty_file"),
    (b"title,body\n\xff\xfe\xfa,x\n", "text/csv", 422, "undecodable_file"),
]


def test_files_that_cannot_be_imported_are_refused_whole_and_write_nothing(intake):
    for data, content_type, status, error in REFUSED:
        response = upload(intake, data, content_type)
        assert (response.status_code, response.json()["error"]) == (status, error), error
        assert response.json()["message"]
        if error == "bad_columns":
            assert response.json()["fields"]["columns"] == [
                "Missing required column «Nội dung»."]
    assert stored(intake) == ({}, 0)


def test_only_clerks_and_admins_may_import(intake):
    data = csv_file(GOOD_ROWS)
    assert requests.post(intake.url("/api/v1/imports"), data=data,
                         headers={"Content-Type": CSV}).status_code == 401
    assert upload(intake, data, role="officer").status_code == 403
    assert upload(intake, data, role="admin").status_code == 201
    assert requests.get(intake.url("/api/v1/imports/nope")).status_code == 401
    assert requests.get(intake.url("/api/v1/imports/" + "0" * 36),
                        headers=auth(intake)).status_code == 404


def test_templates_download_with_a_utf8_name_and_parse_back(intake):
    for suffix, content_type in ((".csv", "text/csv"), (".xlsx", XLSX)):
        response = requests.get(intake.url(f"/api/v1/imports/template{suffix}"))
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(content_type)
        disposition = response.headers["Content-Disposition"]
        assert f'filename="mau-nhap-phieu-phan-anh{suffix}"' in disposition
        assert "filename*=UTF-8''M%E1%BA%ABu%20nh%E1%BA%ADp" in disposition
        table = read_table(response.content, suffix[1:])
        assert set(map_headers(table.header).positions) >= {"title", "body", "form_number"}
        report = upload(intake, response.content, content_type).json()
        assert report["rows_total"] == 0 and "example row" in report["warnings"][0]
    wait_until(lambda: stored(intake)[1] == 0, message="nothing imported")


def test_the_cli_sends_a_file_in_chunks_and_reports_spreadsheet_row_numbers(
        intake, tmp_path, capsys):
    rows = [["Tiêu đề", "Nội dung", "Ghi chú"], ["Mất điện", "Cả khu", "x"], [None, None, None],
            ["ab", "Nội dung", None], ["Mất nước", "Tầng 5", None], ["Ổ gà", "Đường tổ 3", None]]
    path = tmp_path / "Biên bản họp.xlsx"
    path.write_bytes(xlsx_file(rows))
    parser = argparse.ArgumentParser()
    import_cli.add_parser(parser.add_subparsers())
    token = auth(intake)["Authorization"].split()[1]
    args = parser.parse_args(["import", str(path), "--url", intake.base_url, "--token", token,
                              "--chunk-rows", "2", "--json"])
    assert args.func(args) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["rows_total"], report["imported"], report["rejected"]) == (4, 3, 1)
    assert [e["row"] for e in report["errors"]] == [4]
    assert "«Ghi chú»" in report["warnings"][0]
    combined = requests.get(intake.url(f"/api/v1/imports/{report['import_id']}"),
                            headers=auth(intake)).json()
    assert (combined["rows_total"], combined["imported"]) == (4, 3)
    assert combined["file_name"] == "Biên bản họp.xlsx"
    assert args.func(args) == 1
    assert json.loads(capsys.readouterr().out)["already_imported"] == 3
    assert stored(intake)[1] == 3
