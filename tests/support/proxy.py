"""A TCP proxy on loopback, run as its own process, that a test can cut and restore.

Cutting kills the process, which drops every connection through it, as a broker outage
does; restoring starts it again on the same port.
"""

import contextlib
import socket
import subprocess
import sys
import threading

from tests.support.mail import free_port, wait_for_port


def _pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def serve(listen_port, target_port):
    """Forward 127.0.0.1:listen_port to 127.0.0.1:target_port until killed."""
    listener = socket.create_server(("127.0.0.1", listen_port), reuse_port=True)
    while True:
        client, _ = listener.accept()
        try:
            upstream = socket.create_connection(("127.0.0.1", target_port))
        except OSError:
            client.close()
            continue
        threading.Thread(target=_pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()


class TcpProxy:
    """Controls a proxy process forwarding to `target_port`."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.process = None

    def start(self):
        """Start forwarding and wait until the port listens."""
        if self.process and self.process.poll() is None:
            return self  # already forwarding
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.proxy", str(self.port), str(self.target_port)])
        wait_for_port(self.port)
        return self

    def cut(self):
        """Kill the proxy: every connection through it drops, new ones are refused."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    restore = start
    stop = cut


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
