"""SMTP delivery: one connection per batch, TLS and auth when the URL asks for them."""

import base64
import smtplib
import ssl
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

    def __init__(self, url, timeout=10.0, ca_file=None):
        self.settings = parse_smtp_url(url)
        self.timeout = timeout
        self.ca_file = ca_file or None

    def tls_context(self):
        """A context that verifies the server's certificate and name (SMTP_CA_FILE for a
        private authority)."""
        return ssl.create_default_context(cafile=self.ca_file)

    def open(self):
        """Connect (and log in) to the SMTP server; the caller closes it with quit()."""
        s = self.settings
        if s["ssl"]:
            client = smtplib.SMTP_SSL(s["host"], s["port"], timeout=self.timeout,
                                      context=self.tls_context())
        else:
            client = smtplib.SMTP(s["host"], s["port"], timeout=self.timeout)
        if s["starttls"]:
            client.starttls(context=self.tls_context())
        if s["username"]:
            login(client, s["username"], s["password"] or "")
        return client


def login(client, username, password):
    """Log in; a non-ASCII name or password goes as AUTH PLAIN in UTF-8 (RFC 4616), which
    smtplib's own login cannot send."""
    if (username + password).isascii():
        client.login(username, password)
        return
    client.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)
