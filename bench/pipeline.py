"""End-to-end pipeline benchmark, product against the bare nameko ceiling, same run, same load.

Starts a RabbitMQ vhost, PostgreSQL databases, an SMTP sink, then in turn the four product
services and the bare pipeline of bench/bare_services.py as processes (loopback only). For
each: a short open-loop ramp (fixed submission rates) finds the highest rate it sustains end
to end; both then run at the product's sustained rate (same offered load) and flat out from
C clients (saturation). Prints throughput, submit and submit→email latency, CPU per
submission and peak memory of every process, the product/ceiling ratios, and writes
bench/results/pipeline.json (pipeline-replicas2.json with --replicas 2). Bounded in time.

    .venv/bin/python bench/pipeline.py [-n 1000] [-c 16] [--duration 20] [--replicas 2]
                                       [--rate R] [--profile DIR]
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import platform
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ceiling import SCALED, BareCluster, CpuMeter, memory_mb  # noqa: E402
from bench.ceiling_profile import finish_profiles, start_profiles  # noqa: E402
from services.common.config import SERVICES  # noqa: E402
from services.launcher import spawn, wait_healthy  # noqa: E402
from tests.support import infra  # noqa: E402
from tests.support.cluster import Cluster  # noqa: E402
from tests.support.mail import MailSink, free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PATH = "/api/v1/feedback"
RAMP = (5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 115, 130, 145, 160, 180,
        200, 250)
TARGETS = {"ratio_of_ceiling": 0.6, "submit_p95_ms": 50, "peak_rss_mb": 150}
NUMBERS = itertools.count(1)


def percentile(values, pct):
    """The pct-th percentile (nearest rank) of a list of numbers."""
    ordered = sorted(values)
    if not ordered:
        return None
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Client:
    """One keep-alive HTTP connection per thread, posting submissions like the web form."""

    def __init__(self, port):
        self.port = port
        self.local = threading.local()

    def post(self, n):
        """POST submission number n; return its tracking code or None if refused."""
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = json.dumps({"title": f"Phản ánh thử tải số {n}",
                           "body": "Nội dung kiểm thử hiệu năng.",
                           "unit_code": f"CB-{n % 113:02d}", "channel": "api"})
        try:
            conn.request("POST", PATH, body.encode(), {
                "Content-Type": "application/json", "Idempotency-Key": f"bench-{n}"})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            return None
        return json.loads(data)["tracking_code"] if response.status == 202 else None


def open_loop(client, rate, seconds):
    """Send at a fixed rate for `seconds`; [(code, scheduled_ns, latency_s)], latency from
    the scheduled moment, so a slow server cannot hold back the offered load."""
    results, lock = [], threading.Lock()

    def one(n, scheduled):
        code = client.post(n)
        with lock:
            results.append((code, scheduled, time.perf_counter() - scheduled))

    count = max(1, round(rate * seconds))
    start = time.perf_counter()
    offset_ns = time.time_ns() - int(start * 1e9)
    with ThreadPoolExecutor(min(256, max(16, rate))) as pool:
        for i in range(count):
            scheduled = start + i / rate
            pause = scheduled - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(one, next(NUMBERS), scheduled)
    return [(code, offset_ns + int(s * 1e9), lat) for code, s, lat in results]


def closed_loop(client, total, clients):
    """`total` submissions from `clients` threads sending flat out."""
    def one(n):
        started = time.time_ns()
        t0 = time.perf_counter()
        return client.post(n), started, time.perf_counter() - t0

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, [next(NUMBERS) for _ in range(total)]))


class MailLog:
    """Arrival time (ns) of each tracking code's email in the sink's directory."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.arrived, self.seen = {}, set()
        self.parser = BytesHeaderParser(policy=policy.default)

    def poll(self):
        """Read the emails that arrived since the last poll; return the map."""
        for path in self.directory.glob("*.eml"):
            if path.name not in self.seen:
                self.seen.add(path.name)
                with path.open("rb") as fh:
                    code = str(self.parser.parse(fh)["Subject"]).rsplit(" ", 1)[-1]
                self.arrived[code] = int(path.name.split("-", 1)[0])
        return self.arrived

    def wait_for(self, codes, seconds):
        """Wait until every code's email arrived or `seconds` passed; True if all arrived."""
        deadline = time.monotonic() + seconds
        while True:
            missing = [c for c in codes if c not in self.poll()]
            if not missing or time.monotonic() > deadline:
                return not missing
            time.sleep(0.2)


def summarise(results, mail, seconds=None):
    """Throughput and latency figures of one run."""
    accepted = [(code, t, lat) for code, t, lat in results if code]
    lat_ms = [lat * 1000 for _, _, lat in accepted]
    arrived = mail.poll()
    e2e_ms = [(arrived[c] - t) / 1e6 for c, t, _ in accepted if c in arrived]
    first = min((t for _, t, _ in accepted), default=0)
    edge_end = max((t + lat * 1e9 for _, t, lat in accepted), default=first)
    last_mail = max((arrived[c] for c, _, _ in accepted if c in arrived), default=first)
    return {
        "sent": len(results), "accepted": len(accepted), "emails": len(e2e_ms),
        "offered_per_s": round(len(results) / seconds, 1) if seconds else None,
        "accepted_per_s": round(len(accepted) / max(1e-9, (edge_end - first) / 1e9), 1),
        "end_to_end_per_s": round(len(e2e_ms) / max(1e-9, (last_mail - first) / 1e9), 1),
        "submit_ms": {p: round(percentile(lat_ms, n), 1) if lat_ms else None
                      for p, n in (("p50", 50), ("p95", 95), ("p99", 99))},
        "email_ms": {p: round(percentile(e2e_ms, n)) if e2e_ms else None
                     for p, n in (("p50", 50), ("p95", 95), ("p99", 99))},
    }


def ramp(client, mail, step_seconds, drain_seconds, deadline):
    """Step up the rate until a step is not sustained; return (steps, best rate or None)."""
    steps, best = [], None
    for rate in RAMP:
        if time.monotonic() + step_seconds + drain_seconds > deadline:
            break
        results = open_loop(client, rate, step_seconds)
        codes = [c for c, _, _ in results if c]
        delivered = mail.wait_for(codes, drain_seconds)
        figures = summarise(results, mail, step_seconds)
        sustained = (delivered and len(codes) == len(results)
                     and figures["accepted_per_s"] >= 0.95 * rate)
        steps.append({"rate": rate, "sustained": sustained, **figures})
        print(f"  ramp {rate:>4}/s: accepted/s {figures['accepted_per_s']:>6}, submit p95 "
              f"{figures['submit_ms']['p95']} ms, emails {figures['emails']}/{len(results)}"
              f"{'' if sustained else '  ← not sustained'}", flush=True)
        if not sustained:
            mail.wait_for(codes, 120)  # let the backlog drain before the next phase
            break
        best = rate
    return steps, best


class Pipeline:
    """One running pipeline under test: its intake port, processes and figures."""

    def __init__(self, name, port, processes):
        self.name, self.processes, self.client = name, processes, Client(port)
        self.figures = {}


def warm_up_and_ramp(pipe, mail, args, deadline):
    """A few submissions to warm connections and caches, then the ramp."""
    warm = closed_loop(pipe.client, 20, 4)
    mail.wait_for([c for c, _, _ in warm if c], 60)
    print(f"{pipe.name}: ramp", flush=True)
    pipe.figures["ramp"], pipe.figures["sustained_rate"] = ramp(
        pipe.client, mail, args.step, args.drain, deadline)


def fixed_rate(pipe, mail, rate, args, deadline):
    """`rate` submissions/s for args.duration: latency, CPU per submission, profile."""
    print(f"{pipe.name}: {rate}/s for {args.duration:.0f}s", flush=True)
    profiles = start_profiles(pipe.processes, args.duration, args.profile, pipe.name) \
        if args.profile else {}
    meter = CpuMeter(pipe.processes)
    results = open_loop(pipe.client, rate, args.duration)
    codes = [c for c, _, _ in results if c]
    mail.wait_for(codes, max(10, deadline - time.monotonic()))
    cpu, busy = meter.read()  # every submission of the run has gone all the way through
    pipe.figures["fixed"] = {
        "rate": rate, **summarise(results, mail, args.duration), "machine_busy": round(busy, 2),
        "cpu_ms_per_submission": {k: round(v * 1000 / max(1, len(codes)), 2)
                                  for k, v in cpu.items()}}
    pipe.figures["profile"] = finish_profiles(profiles)


def saturation(pipe, mail, args, deadline):
    """args.submissions from args.clients clients sending flat out."""
    print(f"{pipe.name}: saturation, {args.submissions} from {args.clients} clients",
          flush=True)
    t0 = time.perf_counter()
    results = closed_loop(pipe.client, args.submissions, args.clients)
    seconds = time.perf_counter() - t0
    complete = mail.wait_for([c for c, _, _ in results if c],
                             max(10, deadline - time.monotonic()))
    pipe.figures["saturation"] = {
        **summarise(results, mail), "complete": complete,
        "accepted_per_s": round(sum(1 for r in results if r[0]) / seconds, 1)}
    pipe.figures["rss_mb"] = {label: memory_mb(p.pid) for label, p in pipe.processes.items()}


def product_processes(cluster, replicas):
    """Start extra cases and notify replicas beside a started product cluster."""
    processes = dict(cluster.processes)
    for service in SCALED:
        for n in range(2, replicas + 1):
            env = dict(cluster.env, **{f"{service.upper()}_PORT": str(free_port())})
            process = spawn(service, env)
            processes[f"{service}-{n}"] = process
            cluster.processes = processes  # so cluster.stop() stops the replicas too
            if not wait_healthy(service, env, process):
                raise RuntimeError(f"{service} replica {n} did not become healthy")
    return processes


def start_product(stack, args, vhost, sink):
    """The product's four services (and replicas) on fresh databases."""
    from services.common.migrations import upgrade

    databases = {s: infra.create_database(f"bench_{s}") for s in SERVICES}
    for name in databases.values():
        stack.callback(infra.drop_database, name)
    for service, name in databases.items():
        upgrade(service, infra.pg_url(name))
    cluster = Cluster.for_test(
        infra.amqp_uri(vhost), {s: infra.pg_url(n) for s, n in databases.items()},
        sink.url, OUTBOX_POLL_SECONDS="1.0")
    stack.callback(cluster.stop)
    cluster.start()
    processes = product_processes(cluster, args.replicas)
    return Pipeline("product", int(cluster.env["INTAKE_PORT"]), processes)


def start_ceiling(stack, args, vhost, sink):
    """The bare pipeline (and replicas) on fresh databases."""
    cluster = BareCluster(infra.amqp_uri(vhost), sink.url, args.replicas)
    stack.callback(cluster.stop)
    cluster.start()
    return Pipeline("ceiling", cluster.ports["intake"], cluster.processes)


def run_one(start, args, vhost, sink, mail, rate, deadline):
    """Start one pipeline, warm it up, ramp, run it at `rate` (or its own best), saturate it."""
    with contextlib.ExitStack() as stack:
        pipe = start(stack, args, vhost, sink)
        warm_up_and_ramp(pipe, mail, args, deadline if args.ramp else time.monotonic())
        fixed_rate(pipe, mail, rate or pipe.figures["sustained_rate"] or RAMP[0], args,
                   deadline)
        saturation(pipe, mail, args, deadline)
        return pipe.figures


def run_all(args, deadline):
    """The product, then the ceiling at the product's sustained rate, on one vhost and sink.

    One pipeline at a time: both up at once would hold too many PostgreSQL connections.
    """
    with contextlib.ExitStack() as stack:
        vhost = infra.create_vhost()
        stack.callback(infra.delete_vhost, vhost)
        sink = MailSink(Path(tempfile.mkdtemp(prefix="bench-pipeline-")) / "mail").start()
        stack.callback(sink.stop)
        mail = MailLog(sink.directory)
        product = run_one(start_product, args, vhost, sink, mail, args.rate,
                          deadline - args.timeout / 2)
        ceiling = run_one(start_ceiling, args, vhost, sink, mail,
                          args.rate or product["sustained_rate"], deadline)
        return product, ceiling


def ratio(product, ceiling, *path):
    """product/ceiling of one figure, or None."""
    for key in path:
        product, ceiling = (product or {}).get(key), (ceiling or {}).get(key)
    return round(product / ceiling, 2) if product and ceiling else None


def cpu_total(figures):
    """CPU ms per submission summed over a pipeline's processes (fixed-rate run)."""
    return sum(figures["fixed"]["cpu_ms_per_submission"].values())


def report(figures):
    """Print the comparison."""
    product, ceiling = figures["product"], figures["ceiling"]
    print(f"\n{'':<34}{'product':>12}{'ceiling':>12}{'ratio':>8}")
    rows = [("sustained rate /s", ("sustained_rate",)),
            ("fixed: accepted/s", ("fixed", "accepted_per_s")),
            ("fixed: end-to-end/s", ("fixed", "end_to_end_per_s")),
            ("saturation: accepted/s", ("saturation", "accepted_per_s")),
            ("saturation: end-to-end/s", ("saturation", "end_to_end_per_s"))]
    for run in ("fixed", "saturation"):
        for kind in ("submit_ms", "email_ms"):
            rows += [(f"{run}: {kind[:-3]} {p} ms", (run, kind, p)) for p in ("p50", "p95", "p99")]
    for title, path in rows:
        p, c = product, ceiling
        for key in path:
            p, c = (p or {}).get(key), (c or {}).get(key)
        r = ratio(product, ceiling, *path)
        print(f"{title:<34}{p if p is not None else '-':>12}{c if c is not None else '-':>12}"
              f"{r if r is not None else '':>8}")
    for name, out in (("product", product), ("ceiling", ceiling)):
        print(f"{name} CPU ms per submission: {out['fixed']['cpu_ms_per_submission']}")
        print(f"{name} RSS MB, peak/now: " + ", ".join(
            f"{label} {m['peak']}/{m['now']}" for label, m in out["rss_mb"].items()))
        for label, shares in out.get("profile", {}).items():
            print(f"  profile {label}: " + ", ".join(f"{k} {v:.0%}" for k, v in shares.items()))


def main():
    """Run both pipelines and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--submissions", type=int, default=1000,
                        help="saturation run: submissions")
    parser.add_argument("-c", "--clients", type=int, default=16, help="saturation run: clients")
    parser.add_argument("--rate", type=int, help="fixed rate (default: the product's ramp)")
    parser.add_argument("--duration", type=float, default=20, help="fixed-rate seconds")
    parser.add_argument("--step", type=float, default=5, help="seconds per ramp step")
    parser.add_argument("--no-ramp", dest="ramp", action="store_false",
                        help="skip the ramp (give --rate)")
    parser.add_argument("--drain", type=float, default=3,
                        help="a ramp step is sustained if its emails arrive within this")
    parser.add_argument("--replicas", type=int, default=1, help="processes of cases and notify")
    parser.add_argument("--profile", help="directory for py-spy profiles of the fixed run")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole run")
    parser.add_argument("--out")
    args = parser.parse_args()
    out = Path(args.out or RESULTS / ("pipeline.json" if args.replicas == 1
                                      else f"pipeline-replicas{args.replicas}.json"))
    deadline = time.monotonic() + args.timeout
    load_before = os.getloadavg()
    product, ceiling = run_all(args, deadline)
    figures = {
        "benchmark": "pipeline",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": [round(v, 2) for v in load_before]},
        "replicas": args.replicas, "targets": TARGETS, "product": product, "ceiling": ceiling,
        "ratio": {"sustained_rate": ratio(product, ceiling, "sustained_rate"),
                  "saturation_accepted": ratio(product, ceiling, "saturation", "accepted_per_s"),
                  "saturation_end_to_end": ratio(product, ceiling, "saturation",
                                                 "end_to_end_per_s"),
                  # ceiling CPU / product CPU per submission: the least noisy of the ratios
                  "cpu_per_submission": round(cpu_total(ceiling) / cpu_total(product), 2)},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    report(figures)
    print(f"ratios: {figures['ratio']}\nwritten to {out}")
    return 0 if product["saturation"]["complete"] and ceiling["saturation"]["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
