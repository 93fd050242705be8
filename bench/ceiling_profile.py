"""py-spy profiles of pipeline processes under load, summarised by where the CPU goes.

`bench/pipeline.py --profile DIR` records each service process (product and ceiling) during
the fixed-rate run and writes collapsed stacks to DIR/<pipeline>-<process>.txt; the summary
puts each sample in one bucket (first match in BUCKETS order, over the whole stack).
"""

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

BUCKETS = (
    ("smtp+email", ("smtplib", "/email/")),
    ("db (sqlalchemy+psycopg2)", ("sqlalchemy", "psycopg2")),
    ("broker (kombu+amqp)", ("kombu", "/amqp/")),
    ("marshmallow", ("marshmallow",)),
    ("dedup", ("intake/dedup", "intake/duplicates")),
    ("http (eventlet wsgi+werkzeug)", ("eventlet/wsgi", "werkzeug")),
    ("json", ("/json/",)),
    ("nameko", ("nameko",)),
    ("eventlet", ("eventlet",)),
)


def py_spy():
    """Path of py-spy in the virtualenv or on PATH, or None."""
    beside = Path(sys.executable).parent / "py-spy"  # in the virtualenv running this
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start_profiles(processes, seconds, directory, prefix):
    """Start `py-spy record` on each process for `seconds`; return {label: (Popen, path)}."""
    binary = py_spy()
    if binary is None:
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    running = {}
    for label, process in processes.items():
        path = directory / f"{prefix}-{label}.txt"
        running[label] = (subprocess.Popen(
            [binary, "record", "--pid", str(process.pid), "--duration", str(int(seconds)),
             "--rate", "200", "--format", "raw", "--nonblocking", "--output", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), path)
    return running


def bucket_of(stack):
    """The bucket one collapsed stack belongs to."""
    for name, needles in BUCKETS:
        if any(needle in stack for needle in needles):
            return name
    return "other"


def summarise(path):
    """{bucket: share of samples} of one collapsed-stack file, largest first."""
    counts = Counter()
    for line in Path(path).read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if samples.isdigit():
            counts[bucket_of(stack)] += int(samples)
    total = sum(counts.values()) or 1
    return {name: round(n / total, 3) for name, n in counts.most_common()}


def finish_profiles(running):
    """Wait for the recorders; return {label: {bucket: share}} for those that wrote a file."""
    shares = {}
    for label, (process, path) in running.items():
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if path.exists():
            shares[label] = summarise(path)
    return shares
