"""Container health check without curl: `grassroots-healthcheck [PATH] [SERVICE]`.

GETs PATH (default /healthz) on the HTTP port of SERVICE and exits 0 on a 200, else 1.
SERVICE defaults to the one this container serves, read from PID 1's command line
(`... serve <name>`), so one image-level HEALTHCHECK fits all four services.
"""

import sys
import urllib.error
import urllib.request

from services.common.config import http_port


def served_service(cmdline_file="/proc/1/cmdline"):
    """The service named after `serve` on a process's command line."""
    with open(cmdline_file, "rb") as handle:
        args = handle.read().split(b"\0")
    return args[args.index(b"serve") + 1].decode()


def healthy(path, service, timeout=4.0):
    """True when the service answers 200 on path."""
    url = f"http://127.0.0.1:{http_port(service)}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def main(argv):
    """Check one path of one service; the exit status is the verdict."""
    path = argv[1] if len(argv) > 1 else "/healthz"
    service = argv[2] if len(argv) > 2 else served_service()
    return 0 if healthy(path, service) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
