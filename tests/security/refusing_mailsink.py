"""An SMTP server that keeps mail like the dev mail sink but refuses some recipients, as a
mail server refuses an unknown mailbox (its reply repeats the address, as Postfix's does).

Runs as its own process, without eventlet:
`python -m tests.security.refusing_mailsink --port 2525 --dir DIR --refuse MARK`.
"""

import argparse
import signal
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller

from services.devtools.mailsink import MaildirHandler
from tests.support.mail import MailSink, wait_for_port


class RefusingHandler(MaildirHandler):
    """Keeps every message; refuses each recipient whose address contains `mark`."""

    def __init__(self, directory, mark):
        super().__init__(directory, quiet=True)
        self.mark = mark.lower()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        """Refuse the marked addresses with 550, accept the others."""
        if self.mark in address.lower():
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class RefusingMailSink(MailSink):
    """This server as a child process, with the dev sink's helpers to read what it kept."""

    def __init__(self, directory, mark):
        super().__init__(directory)
        self.mark = mark

    def start(self):
        """Start the server and wait until it listens."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.security.refusing_mailsink", "--port", str(self.port),
             "--dir", str(self.directory), "--refuse", self.mark],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self


def main():
    """Serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse", required=True, help="refuse addresses containing this")
    args = parser.parse_args()
    controller = Controller(RefusingHandler(args.dir, args.refuse), hostname="127.0.0.1",
                            port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
