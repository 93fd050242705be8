"""Checks that dependencies answer, each with a one-line verdict and how to fix it."""

import smtplib
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from kombu import Connection
from sqlalchemy import text

from services.common.db import make_engine
from services.notify.mailer import parse_smtp_url


@dataclass
class Verdict:
    """The outcome of one dependency check."""

    name: str
    ok: bool
    detail: str


def redact(url):
    """Hide the password in a URL."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def check_broker(amqp_uri):
    """Can we open a connection to RabbitMQ?"""
    try:
        with Connection(amqp_uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
        return Verdict("broker", True, f"RabbitMQ answers at {redact(amqp_uri)}")
    except Exception as exc:  # noqa: BLE001 - every failure becomes a verdict
        return Verdict("broker", False,
                       f"RabbitMQ is not reachable at {redact(amqp_uri)} ({type(exc).__name__}); "
                       "start it with `rabbitmq-server -detached` "
                       "(or `docker run -d -p 5672:5672 rabbitmq:3-management`)")


def check_database(service, url):
    """Can we open the service's database and run a query?"""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return Verdict(f"{service} database", True, f"{service} database answers at {redact(url)}")
    except Exception as exc:  # noqa: BLE001
        hint = ("start PostgreSQL with `pg_ctlcluster --skip-systemctl-redirect "
                "$(ls /etc/postgresql) main start` and check the database exists"
                if url.startswith("postgresql") else "check that the directory is writable")
        return Verdict(f"{service} database", False,
                       f"{service} database is not reachable at {redact(url)} "
                       f"({type(exc).__name__}); {hint}")
    finally:
        engine.dispose()


def check_smtp(url):
    """Does the SMTP server greet us?"""
    try:
        settings = parse_smtp_url(url)
        cls = smtplib.SMTP_SSL if settings["ssl"] else smtplib.SMTP
        client = cls(settings["host"], settings["port"], timeout=3)
        client.noop()
        client.quit()
        return Verdict("smtp", True, f"SMTP server answers at {redact(url)}")
    except Exception as exc:  # noqa: BLE001
        return Verdict("smtp", False,
                       f"SMTP server is not reachable at {redact(url)} ({type(exc).__name__}); "
                       "for local use run `make mailsink`")
