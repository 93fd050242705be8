"""SMTP delivery: one connection per batch, TLS and auth when the URL asks for them."""

import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlparse


def parse_smtp_url(url):
    """Split `smtp[s]://[user:pass@]host[:port][?starttls=true]` into settings."""
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps"):
        raise ValueError(f"SMTP_URL must start with smtp:// or smtps://, got {url!r}")
    query = parse_qs(parsed.query)
    return {
        "host": parsed.hostname or "localhost",
        "port": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "ssl": parsed.scheme == "smtps",
        "starttls": query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"),
        "username": unquote(parsed.username) if parsed.username else None,
        "password": unquote(parsed.password) if parsed.password else None,
    }


def build_email(sender, to, subject, text, html, message_id):
    """A multipart/alternative email with UTF-8 subject and a stable Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(text, charset="utf-8")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


class Mailer:
    """Opens an SMTP session for a batch of messages."""

    def __init__(self, url, timeout=10.0):
        self.settings = parse_smtp_url(url)
        self.timeout = timeout

    def open(self):
        """Connect (and log in) to the SMTP server; the caller closes it with quit()."""
        s = self.settings
        cls = smtplib.SMTP_SSL if s["ssl"] else smtplib.SMTP
        client = cls(s["host"], s["port"], timeout=self.timeout)
        if s["starttls"]:
            client.starttls()
        if s["username"]:
            client.login(s["username"], s["password"] or "")
        return client
