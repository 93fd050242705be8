"""A real SMTP server in a child process (no eventlet in it) and helpers to read its mail."""

import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path


def free_port():
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=15.0):
    """Wait until something accepts connections on the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


class MailSink:
    """The mailsink dev tool running as a process, with its maildir."""

    def __init__(self, directory, port=None, extra_args=()):
        self.directory = Path(directory)
        self.port = port or free_port()
        self.process = None
        self.extra_args = list(extra_args)

    @property
    def url(self):
        """SMTP_URL pointing at this sink."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        """Start the server and wait until it listens."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.devtools.mailsink", "--port", str(self.port),
             "--dir", str(self.directory), "--quiet", *self.extra_args],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self):
        """Stop the server."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def messages(self):
        """Every message received so far, parsed, oldest first."""
        if not self.directory.exists():
            return []
        files = sorted(p for p in self.directory.glob("*.eml"))
        return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]

    def wait_for(self, count, timeout=30.0):
        """Wait until at least `count` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.messages()
            if len(messages) >= count:
                return messages
            time.sleep(0.05)
        raise TimeoutError(f"{len(self.messages())} of {count} messages after {timeout}s")
