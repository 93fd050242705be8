"""A local SMTP server that keeps every message as a .eml file and prints its subject.

Run it without eventlet: `python -m services.devtools.mailsink --port 1025 --dir var/mail`.
"""

import argparse
import os
import signal
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


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


def start(host, port, directory, quiet=False):
    """Start the SMTP server in a background thread; returns the controller."""
    controller = Controller(MaildirHandler(directory, quiet), hostname=host, port=port)
    controller.start()
    return controller


def main(argv=None):
    """Run until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail", help="where .eml files are written")
    parser.add_argument("--quiet", action="store_true", help="do not print each subject")
    args = parser.parse_args(argv)
    controller = start(args.host, args.port, args.dir, args.quiet)
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
