"""A local HTTP server that records each POST as a JSON file; it may refuse the first N.

Run as a process: `python -m tests.support.webhook_sink PORT DIR [FAIL_FIRST]`.
"""

import json
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve(port, directory, fail_first=0):
    """Serve until killed."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    state = {"seen": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state["seen"] += 1
            if state["seen"] <= fail_first:
                self.send_response(503)
                self.end_headers()
                return
            record = {"path": self.path, "headers": dict(self.headers),
                      "body": body.decode("utf-8")}
            name = f"{time.time_ns()}-{uuid.uuid4().hex}.json"
            (directory / name).write_text(json.dumps(record, ensure_ascii=False))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
