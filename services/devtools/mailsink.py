"""A local SMTP server that keeps every message as a .eml file and prints its subject.

Run it without eventlet: `python -m services.devtools.mailsink --port 1025 --dir var/mail`.
"""

import argparse
import os
import signal
import ssl
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class MaildirHandler:
    """Stores each received message atomically in a directory."""

    def __init__(self, directory, quiet=False):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.quiet = quiet

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        """Write the message to `<dir>/<time>-<uuid>.eml` and acknowledge it."""
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        os.replace(tmp, self.directory / name)
        if not self.quiet:
            message = message_from_bytes(envelope.content, policy=policy.default)
            print(f"mail to {', '.join(envelope.rcpt_tos)}: {message['Subject']}", flush=True)
        return "250 Message accepted for delivery"


def password_check(username, password):
    """An aiosmtpd authenticator accepting exactly one username and password."""
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == username and auth_data.password.decode() == password
        return AuthResult(success=ok)
    return authenticate


def start(host, port, directory, quiet=False, cert=None, key=None, login=None):
    """Start the SMTP server in a background thread; returns the controller.

    With `cert` and `key` it offers STARTTLS and requires it; with `login` ("user:password")
    it requires AUTH (after STARTTLS when TLS is on).
    """
    options = {}
    if cert and key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options.update(tls_context=context, require_starttls=True)
    if login:
        username, _, password = login.partition(":")
        options.update(authenticator=password_check(username, password), auth_required=True,
                       auth_require_tls=bool(cert and key))
    controller = Controller(MaildirHandler(directory, quiet), hostname=host, port=port,
                            **options)
    controller.start()
    return controller


def main(argv=None):
    """Run until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail", help="where .eml files are written")
    parser.add_argument("--quiet", action="store_true", help="do not print each subject")
    parser.add_argument("--tls-cert", help="PEM certificate: offer and require STARTTLS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--login", help="require AUTH with this user:password")
    args = parser.parse_args(argv)
    controller = start(args.host, args.port, args.dir, args.quiet, args.tls_cert, args.tls_key,
                       args.login)
    print(f"SMTP sink listening on {args.host}:{args.port}, writing to {args.dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
