"""Bare nameko services with the product's hops and broker settings, none of its logic.

The framework ceiling for `bench/pipeline.py`: an HTTP intake that writes a submission and an
outbox row in one PostgreSQL transaction and publishes `feedback_received`; a cases-like
consumer that writes a case and an outbox row and publishes `case_opened`; consumers of
`case_opened` like the product's (intake's status follower, notify writing a delivery row
and sending one email over SMTP, reporting writing a fact row). Events are persistent and
published with confirms; queues are durable; each message is acked after its handler
committed (nameko's default). No validation, dedup, contracts, retries or templates.

    python bench/bare_services.py intake|cases|notify|reporting   # env: see bare_config()
"""

import json
import os
import smtplib
import sys
import uuid
from email.message import EmailMessage
from urllib.parse import urlsplit

from nameko.events import EventDispatcher, event_handler
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http
from sqlalchemy import create_engine, text
from werkzeug.wrappers import Response

SCHEMA = {
    "intake": ["CREATE TABLE IF NOT EXISTS submissions (id bigserial PRIMARY KEY, "
               "code text UNIQUE NOT NULL, idempotency_key text UNIQUE, title text, body text, "
               "unit_code text, status text, submitted_at timestamptz DEFAULT now())",
               "CREATE TABLE IF NOT EXISTS outbox (id bigserial PRIMARY KEY, "
               "event_id text UNIQUE NOT NULL, body text NOT NULL, sent_at timestamptz)"],
    "cases": ["CREATE TABLE IF NOT EXISTS cases (id bigserial PRIMARY KEY, "
              "code text UNIQUE NOT NULL, title text, body text, status text, "
              "opened_at timestamptz DEFAULT now())",
              "CREATE TABLE IF NOT EXISTS outbox (id bigserial PRIMARY KEY, "
              "event_id text UNIQUE NOT NULL, body text NOT NULL, sent_at timestamptz)"],
    "notify": ["CREATE TABLE IF NOT EXISTS deliveries (id bigserial PRIMARY KEY, "
               "code text UNIQUE NOT NULL, recipient text, sent_at timestamptz)"],
    "reporting": ["CREATE TABLE IF NOT EXISTS facts (id bigserial PRIMARY KEY, "
                  "code text UNIQUE NOT NULL, status text, at timestamptz DEFAULT now())"],
}
ADD_SUBMISSION = text("INSERT INTO submissions (code, idempotency_key, title, body, unit_code) "
                      "VALUES (:code, :key, :title, :body, :unit_code)")
ADD_CASE = text("INSERT INTO cases (code, title, body, status) VALUES (:code, :title, :body, "
                "'new') ON CONFLICT (code) DO NOTHING")
ADD_EVENT = text("INSERT INTO outbox (event_id, body) VALUES (:event_id, :body)")
FOLLOW_CASE = text("UPDATE submissions SET status = :status WHERE code = :code")
ADD_DELIVERY = text("INSERT INTO deliveries (code, recipient) VALUES (:code, :to) "
                    "ON CONFLICT (code) DO NOTHING")
ADD_FACT = text("INSERT INTO facts (code, status) VALUES (:code, :status) "
                "ON CONFLICT (code) DO NOTHING")
OFFICE = "vanphong@dangbokhoi.example.vn"


class Postgres(DependencyProvider):
    """One pooled psycopg2 engine per container, as the product's services have."""

    def setup(self):
        """Create the engine from DATABASE_URL."""
        url = self.container.config["DATABASE_URL"].replace("postgresql://",
                                                            "postgresql+psycopg2://", 1)
        self.engine = create_engine(url, pool_size=10, max_overflow=0)  # = max_workers

    def stop(self):
        """Close pooled connections."""
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        """Return the engine; handlers use `engine.begin()` as one transaction."""
        return self.engine


def write_with_event(conn, insert, row, event):
    """Insert `row` and the event's outbox row in the caller's transaction."""
    conn.execute(insert, row)
    conn.execute(ADD_EVENT, {"event_id": str(uuid.uuid4()), "body": json.dumps(event)})


class BareIntake:
    """HTTP edge: a submission and its outbox row in one transaction, then the event."""

    name = "bare_intake"
    db = Postgres()
    dispatch = EventDispatcher()

    @http("GET", "/healthz")
    def healthz(self, request):
        """Liveness."""
        return 200, "ok"

    @http("POST", "/api/v1/feedback")
    def submit(self, request):
        """Store one submission and publish `feedback_received`; 202 with its code."""
        data = json.loads(request.get_data(as_text=True))
        code = uuid.uuid4().hex[:12].upper()
        event = {"code": code, "title": data["title"], "body": data["body"],
                 "unit_code": data.get("unit_code")}
        with self.db.begin() as conn:
            write_with_event(conn, ADD_SUBMISSION, {
                **event, "key": request.headers.get("Idempotency-Key")}, event)
        self.dispatch("feedback_received", event)
        return Response(json.dumps({"tracking_code": code, "status": "received"}),
                        status=202, mimetype="application/json")

    @event_handler("bare_cases", "case_opened")
    def follow_case(self, event):
        """Keep the submission's case status, as intake's follower does."""
        with self.db.begin() as conn:
            conn.execute(FOLLOW_CASE, {"code": event["code"], "status": event["status"]})


class BareCases:
    """Opens a case row with its outbox row, then publishes `case_opened`."""

    name = "bare_cases"
    db = Postgres()
    dispatch = EventDispatcher()

    @http("GET", "/healthz")
    def healthz(self, request):
        """Liveness."""
        return 200, "ok"

    @event_handler("bare_intake", "feedback_received")
    def open_case(self, event):
        """One case per submission."""
        opened = {**event, "status": "new"}
        with self.db.begin() as conn:
            write_with_event(conn, ADD_CASE, event, opened)
        self.dispatch("case_opened", opened)


class BareNotify:
    """Writes a delivery row and sends one email to the office over SMTP."""

    name = "bare_notify"
    db = Postgres()

    @http("GET", "/healthz")
    def healthz(self, request):
        """Liveness."""
        return 200, "ok"

    @event_handler("bare_cases", "case_opened")
    def notify(self, event):
        """Record the delivery, then send it."""
        with self.db.begin() as conn:
            conn.execute(ADD_DELIVERY, {"code": event["code"], "to": OFFICE})
        message = EmailMessage()
        message["From"], message["To"] = "no-reply@dangbokhoi.example.vn", OFFICE
        message["Subject"] = f"Vụ việc mới {event['code']}"
        message.set_content(f"{event['title']}\n\n{event['body']}")
        smtp = urlsplit(os.environ["SMTP_URL"])
        with smtplib.SMTP(smtp.hostname, smtp.port, timeout=10) as client:
            client.send_message(message)


class BareReporting:
    """Writes one fact row per event."""

    name = "bare_reporting"
    db = Postgres()

    @http("GET", "/healthz")
    def healthz(self, request):
        """Liveness."""
        return 200, "ok"

    @event_handler("bare_cases", "case_opened")
    def record(self, event):
        """One fact row."""
        with self.db.begin() as conn:
            conn.execute(ADD_FACT, {"code": event["code"], "status": event["status"]})


ROLES = {"intake": BareIntake, "cases": BareCases, "notify": BareNotify,
         "reporting": BareReporting}


def bare_config(env):
    """The nameko config of a bare service: AMQP_URI, DATABASE_URL and PORT from `env`."""
    return {"AMQP_URI": env["AMQP_URI"], "DATABASE_URL": env["DATABASE_URL"],
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{env['PORT']}", "max_workers": 10}


def create_schema(role, database_url):
    """Create the bare service's tables (idempotent)."""
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.begin() as conn:
        for statement in SCHEMA[role]:
            conn.execute(text(statement))
    engine.dispose()


def main(role):
    """Run one bare service in this process until SIGTERM."""
    from nameko.cli.run import run

    run([ROLES[role]], bare_config(os.environ))


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    main(sys.argv[1])
