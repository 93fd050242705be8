"""All four services as processes with their logs kept, a small directory and some history.

The security checks share one such stack: real RabbitMQ, PostgreSQL, SMTP and HTTP.
"""

import subprocess
import sys

import requests
from sqlalchemy import select

from services.common.config import SERVICES, service_config
from services.common.db import make_engine
from services.intake.models import Submission
from services.launcher import wait_healthy
from tests.support.cluster import Cluster
from tests.support.waiting import wait_until

from .callers import OTHER_UNIT, UNIT, make_callers

PASSWORD = "mat-khau-kiem-thu-an-ninh"
UNITS = (
    {"code": "DUK", "name": "Đảng ủy Khối", "kind": "bloc_committee"},
    {"code": "VP", "name": "Văn phòng Đảng ủy Khối", "kind": "advisory_body", "parent": "DUK"},
    {"code": UNIT, "name": "Đảng bộ Sở Y tế", "kind": "grassroots_committee",
     "sector": "state_agency", "parent": "DUK", "emails": ["dangbo.syt@example.vn"]},
    {"code": OTHER_UNIT, "name": "Chi bộ Công ty Cấp nước", "kind": "grassroots_cell",
     "sector": "state_enterprise_majority", "parent": "DUK"},
    {"code": "SEC-TMP", "name": "Tổ công tác tạm thời", "kind": "advisory_body",
     "parent": "DUK"},
)
CHATBOT_SECRET = "bi-mat-cua-cau-noi-zalo"
OPEN311_KEY = "khoa-open311-kiem-thu"
REFUSED_MARK = "hop-thu-khong-ton-tai"  # the test SMTP server refuses these addresses


class LoggedCluster(Cluster):
    """The four services as processes, each one's stdout and stderr kept in its own file."""

    log_dir = None

    def log_path(self, service):
        """The file a service's output goes to."""
        return self.log_dir / f"{service}.log"

    def start(self, services=SERVICES):
        """Start the services with their output in files; wait until each answers /healthz."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in services:
            with open(self.log_path(service), "ab") as log:
                self.processes[service] = subprocess.Popen(
                    [sys.executable, "-m", "services", "serve", service], env=self.env,
                    stdout=log, stderr=subprocess.STDOUT)
        for service in services:
            if not wait_healthy(service, self.env, self.processes[service]):
                self.stop()
                raise RuntimeError(f"{service} did not become healthy; see "
                                   f"{self.log_path(service)}")
        return self

    def log_lines(self):
        """(service, line) of everything the services have written so far."""
        for service in SERVICES:
            text = self.log_path(service).read_text(encoding="utf-8", errors="replace")
            yield from ((service, line) for line in text.splitlines())


class Stack:
    """The running services, a caller of each kind, and ids of things they hold."""

    def __init__(self, cluster, databases, mail):
        self.cluster = cluster
        self.mail = mail
        self.databases = databases
        self.secret = service_config("cases", cluster.env)["AUTH_SECRET"]
        self.callers = make_callers(self.secret)
        self.ids = {}

    def url(self, service, path):
        """Absolute URL of a path on one service."""
        return self.cluster.url(service, path)

    def call(self, caller, method, service, path, **kwargs):
        """An HTTP request as a caller (by name), with its bearer token if it has one."""
        headers = {**self.callers[caller].headers(), **kwargs.pop("headers", {})}
        return requests.request(method, self.url(service, path), headers=headers, timeout=15,
                                allow_redirects=False, **kwargs)

    def ok(self, caller, method, service, path, status=200, **kwargs):
        """The JSON answer of a request that must succeed with `status`."""
        response = self.call(caller, method, service, path, **kwargs)
        assert response.status_code == status, (method, path, response.text)
        return response.json()

    def submit(self, feedback):
        """Submit feedback at intake and wait for its case; returns (tracking code, case)."""
        code = self.ok("anonymous", "POST", "intake", "/api/v1/feedback", 202,
                       json=feedback)["tracking_code"]
        return code, self.case_of(code)

    def case_of(self, tracking_code):
        """The case opened for a submission, once cases has it."""
        def find():
            items = self.ok("leader", "GET", "cases", "/api/v1/cases",
                            params={"per_page": 200})["items"]
            return next((c for c in items if c["tracking_code"] == tracking_code), None)
        return wait_until(find, timeout=30, message=f"case of {tracking_code}")

    def case_version(self):
        """The sample case's current version."""
        return self.ok("leader", "GET", "cases", f"/api/v1/cases/{self.ids['case_id']}")["version"]

    def act(self, caller, case_id, action, **params):
        """Carry out a workflow action at the case's current version."""
        version = self.ok("leader", "GET", "cases", f"/api/v1/cases/{case_id}")["version"]
        return self.ok(caller, "POST", "cases", f"/api/v1/cases/{case_id}/actions/{action}",
                       json={"version": version, **params})

    def inbox_item(self, caller, event_type, case_id):
        """The id of an inbox notification of a caller, once notify has written it."""
        def find():
            items = self.ok(caller, "GET", "notify", "/api/v1/inbox")["items"]
            return next((i["id"] for i in items if i["event_type"] == event_type
                         and i["case_id"] == case_id), None)
        return wait_until(find, timeout=30, message=f"{event_type} in {caller}'s inbox")

    def submission_id(self, tracking_code):
        """A submission's own id, which Open311 hands out as its token."""
        engine = make_engine(self.databases["intake"])
        try:
            with engine.connect() as connection:
                return connection.scalar(select(Submission.id).where(
                    Submission.tracking_code == tracking_code))
        finally:
            engine.dispose()

    def seed(self):
        """A small directory, a login, one assigned case with inbox items, an import."""
        for unit in UNITS:
            self.ok("admin", "POST", "cases", "/api/v1/units", 201, json=unit)
        self.ok("admin", "POST", "cases", "/api/v1/users", 201, json={
            "username": "thuky-kiemthu", "password": PASSWORD, "full_name": "Nguyễn Thị Thư",
            "role": "clerk"})
        code, case = self.submit({
            "title": "Trạm y tế phường thiếu thuốc thiết yếu",
            "body": "Nhiều tuần nay trạm y tế không có thuốc hạ sốt cho trẻ em.",
            "unit_code": UNIT, "category": "other"})
        self.act("clerk", case["id"], "assign", unit_code=UNIT)
        self.ids.update(
            tracking_code=code, case_id=case["id"],
            office_item=self.inbox_item("clerk", "case_opened", case["id"]),
            unit_item=self.inbox_item("officer", "case_assigned", case["id"]),
            token=self.submission_id(code))
        csv = "Tiêu đề,Nội dung\nPhiếu nhập thử,Nội dung phiếu nhập thử\n".encode()
        self.ids["import_id"] = self.ok(
            "clerk", "POST", "intake", "/api/v1/imports", 201, data=csv,
            headers={"Content-Type": "text/csv", "X-File-Name": "phieu.csv"})["import_id"]
        return self
