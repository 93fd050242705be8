"""End-to-end pipeline benchmark: HTTP submissions in, emails out.

Starts its own RabbitMQ vhost, PostgreSQL databases, SMTP sink and the four services as
processes (loopback only), sends N submissions from C concurrent clients to intake, waits
until N emails have reached the sink, prints the figures and writes
bench/results/pipeline.json. Bounded in count and time.

    .venv/bin/python bench/pipeline.py [-n 2000] [-c 16] [--timeout 600]
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.common.config import SERVICES  # noqa: E402
from tests.support import infra  # noqa: E402
from tests.support.cluster import Cluster  # noqa: E402
from tests.support.mail import MailSink  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def percentile(values, pct):
    """The pct-th percentile (nearest rank) of a list of numbers."""
    ordered = sorted(values)
    if not ordered:
        return None
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def submit_all(url, total, clients, deadline):
    """POST `total` submissions from `clients` threads; return [(code, start_ns, seconds)]."""
    local = threading.local()
    results, errors = [], []

    def one(n):
        if time.monotonic() > deadline:
            return
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        body = {"title": f"Phản ánh thử tải số {n}", "body": "Nội dung kiểm thử hiệu năng.",
                "unit_code": f"CB-{n % 113:02d}", "channel": "api"}
        started_ns = time.time_ns()
        t0 = time.perf_counter()
        response = session.post(url, json=body, headers={"Idempotency-Key": f"bench-{n}"},
                                timeout=30)
        elapsed = time.perf_counter() - t0
        if response.status_code == 202:
            results.append((response.json()["tracking_code"], started_ns, elapsed))
        else:
            errors.append(response.status_code)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(total)))
    return results, errors


def arrivals(mail_dir):
    """Map tracking code → arrival time (ns) of every email in the sink's directory."""
    found = {}
    for path in Path(mail_dir).glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        code = str(message["Subject"]).rsplit(" ", 1)[-1]
        found[code] = int(path.name.split("-", 1)[0])
    return found


def wait_for_mail(mail_dir, expected, deadline):
    """Wait until `expected` emails are in the directory or the deadline passes."""
    while time.monotonic() < deadline:
        if sum(1 for _ in Path(mail_dir).glob("*.eml")) >= expected:
            return True
        time.sleep(0.1)
    return False


def main():
    """Run the benchmark and write its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--submissions", type=int, default=2000)
    parser.add_argument("-c", "--clients", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    parser.add_argument("--out", default=str(RESULTS / "pipeline.json"))
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    vhost = infra.create_vhost()
    databases = {s: infra.create_database(f"bench_{s}") for s in SERVICES}
    workdir = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    sink = MailSink(workdir / "mail").start()
    cluster = None
    try:
        from services.common.migrations import upgrade
        for service, name in databases.items():
            upgrade(service, infra.pg_url(name))
        cluster = Cluster.for_test(
            infra.amqp_uri(vhost), {s: infra.pg_url(n) for s, n in databases.items()},
            sink.url, OUTBOX_POLL_SECONDS="1.0").start()
        url = cluster.url("intake", "/api/v1/feedback")
        print(f"sending {args.submissions} submissions from {args.clients} clients …",
              flush=True)
        t0 = time.perf_counter()
        accepted, errors = submit_all(url, args.submissions, args.clients, deadline)
        submit_seconds = time.perf_counter() - t0
        complete = wait_for_mail(sink.directory, len(accepted), deadline)
        e2e_seconds = time.perf_counter() - t0
        arrived = arrivals(sink.directory)
    finally:
        if cluster:
            cluster.stop()
        sink.stop()
        for name in databases.values():
            infra.drop_database(name)
        infra.delete_vhost(vhost)

    latencies_ms = [elapsed * 1000 for _, _, elapsed in accepted]
    e2e_ms = [(arrived[code] - started) / 1e6 for code, started, _ in accepted if code in arrived]
    last_arrival = max(arrived.values()) if arrived else None
    first_start = min(s for _, s, _ in accepted) if accepted else None
    span = (last_arrival - first_start) / 1e9 if arrived and accepted else e2e_seconds
    figures = {
        "benchmark": "pipeline",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "submissions": args.submissions, "clients": args.clients,
        "accepted": len(accepted), "rejected": len(errors), "emails": len(arrived),
        "complete": complete and len(arrived) == len(accepted),
        "submit_latency_ms": {
            "p50": percentile(latencies_ms, 50), "p95": percentile(latencies_ms, 95),
            "p99": percentile(latencies_ms, 99),
            "mean": statistics.fmean(latencies_ms) if latencies_ms else None},
        "accepted_per_s": len(accepted) / submit_seconds if submit_seconds else None,
        "end_to_end_per_s": len(arrived) / span if span else None,
        "end_to_end_latency_ms": {"p50": percentile(e2e_ms, 50),
                                  "p95": percentile(e2e_ms, 95),
                                  "p99": percentile(e2e_ms, 99)},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    lat = figures["submit_latency_ms"]
    print(f"accepted {len(accepted)}/{args.submissions}, emails {len(arrived)}, "
          f"complete={figures['complete']}")
    print(f"submit latency ms: p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}  p99 {lat['p99']:.1f}")
    print(f"accepted/s at the edge: {figures['accepted_per_s']:.0f}")
    print(f"end-to-end completions/s: {figures['end_to_end_per_s']:.0f}")
    e2e = figures["end_to_end_latency_ms"]
    if e2e["p50"] is not None:
        print(f"submit→email latency ms: p50 {e2e['p50']:.0f}  p95 {e2e['p95']:.0f}  "
              f"p99 {e2e['p99']:.0f}")
    print(f"written to {out}")
    return 0 if figures["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
