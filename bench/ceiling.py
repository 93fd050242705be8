"""The bare nameko pipeline (bench/bare_services.py) as processes, and per-process probes.

`bench/pipeline.py` runs it beside the product at the same offered load; alone:

    .venv/bin/python bench/ceiling.py        # starts it, prints its URL, stops on Enter
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bare_services import ROLES, create_schema  # noqa: E402
from services.launcher import stop_all, wait_healthy  # noqa: E402
from tests.support import infra  # noqa: E402
from tests.support.mail import free_port  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
SCALED = ("cases", "notify")  # the consumers `--replicas` multiplies


def replica_labels(replicas):
    """Process labels of a pipeline: one per service, `replicas` of cases and notify."""
    return [f"{role}-{n}" if replicas > 1 and role in SCALED else role
            for role in ROLES for n in range(1, (replicas if role in SCALED else 1) + 1)]


class BareCluster:
    """The four bare services (cases and notify `replicas` times), each in its own process."""

    def __init__(self, amqp_uri, smtp_url, replicas=1):
        self.amqp_uri, self.smtp_url, self.replicas = amqp_uri, smtp_url, replicas
        self.databases = {}
        self.processes = {}
        self.ports = {}

    def url(self, path):
        """Absolute URL of a path on the bare intake."""
        return f"http://127.0.0.1:{self.ports['intake']}{path}"

    def start(self):
        """Create the databases and schemas, start every process, wait until all answer."""
        for role in ROLES:
            self.databases[role] = infra.create_database(f"bench_bare_{role}")
            create_schema(role, infra.pg_url(self.databases[role]))
        script = str(Path(__file__).with_name("bare_services.py"))
        for label in replica_labels(self.replicas):
            role = label.split("-")[0]
            self.ports[label] = free_port()
            env = dict(os.environ, AMQP_URI=self.amqp_uri, SMTP_URL=self.smtp_url,
                       DATABASE_URL=infra.pg_url(self.databases[role]),
                       PORT=str(self.ports[label]), PYTHONPATH=str(ROOT),
                       PYTHONWARNINGS="ignore")
            self.processes[label] = subprocess.Popen([sys.executable, script, role], env=env)
            # traffic starts only once every consumer, and so every queue, is up
            if not wait_healthy(role, {f"{role.upper()}_PORT": str(self.ports[label])},
                                self.processes[label]):
                self.stop()
                raise RuntimeError(f"bare {label} did not become healthy")
        return self

    def stop(self):
        """Stop the processes and drop the databases."""
        stop_all(self.processes, grace=10)
        for name in self.databases.values():
            infra.drop_database(name)
        self.databases = {}


def cpu_seconds(pid):
    """CPU time (user + system) a process has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def memory_mb(pid):
    """A process's peak (VmHWM) and current (VmRSS) resident set size in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found[name] = round(int(value.split()[0]) / 1024, 1)
    return {"peak": found.get("VmHWM"), "now": found.get("VmRSS")}


def machine_busy():
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU seconds used by each process, and the machine's busy share, over one interval."""

    def __init__(self, processes):
        self.processes = processes
        self.start_cpu = {label: cpu_seconds(p.pid) for label, p in processes.items()}
        self.start_machine = machine_busy()

    def read(self):
        """{label: CPU seconds since start}, and the machine's busy fraction since start."""
        used = {label: cpu_seconds(p.pid) - self.start_cpu[label]
                for label, p in self.processes.items()}
        busy, total = machine_busy()
        share = (busy - self.start_machine[0]) / max(1, total - self.start_machine[1])
        return used, share


def main():
    """Start the bare pipeline on a fresh vhost until Enter is pressed."""
    from tests.support.mail import MailSink

    vhost = infra.create_vhost()
    sink = MailSink(Path("/tmp") / f"bare-mail-{os.getpid()}").start()
    cluster = BareCluster(infra.amqp_uri(vhost), sink.url)
    try:
        cluster.start()
        print(f"POST {cluster.url('/api/v1/feedback')}; mail in {sink.directory}; "
              "Enter stops", flush=True)
        input()
    finally:
        cluster.stop()
        sink.stop()
        infra.delete_vhost(vhost)


if __name__ == "__main__":
    main()
