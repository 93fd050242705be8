"""deploy/proxy/nginx.conf run by a real nginx on loopback, in front of given upstreams.

The test copy changes only what ties the file to its container, each line exactly once:
no `user` (the container's `nginx` user does not exist here), pid, logs and temporary files
under a scratch directory, a loopback port instead of 8080, and each `set $<service>
<service>:<port>;` pointed at 127.0.0.1 and a port of the test's choosing.
"""

import json
import shutil
import signal
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy import support
from tests.support.mail import free_port, wait_for_port


def nginx_binary():
    """The nginx executable, or skip the test when it is not installed."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
    if found is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


def replace_once(text, old, new):
    """Replace a line that must occur exactly once in the configuration."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in nginx.conf"
    return text.replace(old, new)


def configuration_for_tests(scratch, port, upstreams):
    """The shipped configuration, made to run here (see the module docstring)."""
    ports = support.compose_ports(support.compose())
    text = support.NGINX_CONF.read_text()
    text = replace_once(text, "user nginx;\n", "")
    text = replace_once(text, "pid /var/run/nginx.pid;", f"pid {scratch}/nginx.pid;")
    text = replace_once(text, "error_log /dev/stderr warn;", f"error_log {scratch}/error.log;")
    temp_paths = "".join(f"    {kind}_temp_path {scratch}/{kind};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = replace_once(text, "    access_log /dev/stdout main;\n",
                        f"    access_log {scratch}/access.log main;\n{temp_paths}")
    text = replace_once(text, "listen 8080;", f"listen 127.0.0.1:{port};")
    for service, target in upstreams.items():
        text = replace_once(text, f"set ${service} {service}:{ports[service]};",
                            f"set ${service} {target};")
    return text


class NginxProxy:
    """One nginx master process serving the test copy on a free loopback port."""

    def __init__(self, upstreams):
        self.upstreams = upstreams
        self.port = free_port()
        self.scratch = Path(tempfile.mkdtemp(prefix="grassroots-nginx-"))
        # nginx's workers may run as `nobody`: they must reach the temporary directories
        self.scratch.chmod(0o755)
        self.conf = self.scratch / "nginx.conf"
        self.conf.write_text(configuration_for_tests(self.scratch, self.port, upstreams))
        self.binary = nginx_binary()
        self.process = None

    def check(self):
        """`nginx -t` on the test copy: (exit status, output)."""
        result = subprocess.run([self.binary, "-t", "-p", str(self.scratch), "-c", str(self.conf)],
                                capture_output=True, text=True, timeout=30)
        return result.returncode, result.stderr

    def start(self):
        """Start nginx in the foreground of a child process; wait for its port."""
        status, output = self.check()
        assert status == 0, output
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.scratch), "-c", str(self.conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port(self.port, timeout=10)
        return self

    def url(self, path):
        """Absolute URL of a path on the proxy."""
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        """Stop nginx (SIGQUIT lets workers finish), then remove the scratch directory."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


class EchoBackend:
    """An HTTP server that answers every request with what it received, as JSON."""

    def __init__(self, name):
        backend_name = name

        class Handler(BaseHTTPRequestHandler):
            """Echo the request line, the proxy headers and the body length."""

            def _echo(self):
                """Read the whole body, answer with what arrived."""
                length = int(self.headers.get("Content-Length") or 0)
                received = 0
                while received < length:
                    chunk = self.rfile.read(min(1 << 20, length - received))
                    if not chunk:
                        break
                    received += len(chunk)
                body = json.dumps({
                    "service": backend_name, "method": self.command, "path": self.path,
                    "x_forwarded_for": self.headers.get("X-Forwarded-For"),
                    "x_request_id": self.headers.get("X-Request-Id"),
                    "host": self.headers.get("Host"), "received": received,
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _echo  # noqa: N815

            def log_message(self, *args):
                """Keep test output quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        """Serve in a background thread."""
        self.thread.start()
        return self

    def stop(self):
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
