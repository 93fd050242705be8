"""Bulk import benchmark: 100,000 typed-in forms through intake's import API.

Starts its own RabbitMQ vhost, a PostgreSQL database and intake as a process (loopback
only), generates N rows deterministically, and measures rows/s of: one upload of the whole
file, the same file uploaded again (every row already imported), and the CLI's chunked
upload of a second file. Checks that each row was stored once with one event, prints the
figures and writes bench/results/import.json. Bounded in count and time.

    .venv/bin/python bench/import.py [-n 100000] [--format csv|xlsx] [--timeout 900]
"""

import argparse
import csv
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services import import_cli  # noqa: E402
from services.common.auth import issue_token  # noqa: E402
from services.common.config import SERVICES  # noqa: E402
from services.common.db import make_engine  # noqa: E402
from services.common.tables import outbox  # noqa: E402
from services.intake.import_templates import headers  # noqa: E402
from services.intake.models import Submission  # noqa: E402
from tests.support import infra  # noqa: E402
from tests.support.cluster import Cluster  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SECRET = "bench-import-secret"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBJECTS = ["Chậm trả lương", "Nợ bảo hiểm xã hội", "Đường vào xưởng ngập", "Thiếu nước sạch",
            "Tiếng ồn ban đêm", "Khói bụi từ lò hơi", "Chưa phổ biến nghị quyết",
            "Đảng viên vi phạm", "Chế độ làm thêm giờ", "Nhà ở công nhân xuống cấp"]
DETAILS = ["Công nhân phân xưởng {n} phản ánh", "Tại cuộc họp chi bộ ngày {d}, đảng viên nêu",
           "Người dân tổ {n} gọi đường dây nóng cho biết", "Báo địa phương số {n} đưa tin"]
CATEGORIES = ["Tiền lương, bảo hiểm xã hội", "moi truong", "Xây dựng Đảng", "welfare", "",
              "An ninh, trật tự", "Khác"]
CHANNELS = ["phiếu", "họp", "đường dây nóng", "báo chí", ""]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "", ""]


def generate_rows(count, seed):
    """`count` distinct, valid rows in the template's layout, the same for the same seed."""
    rng = random.Random(seed)
    for n in range(count):
        day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 10):02d}/2026"
        name = rng.choice(NAMES)
        yield [f"{rng.choice(SUBJECTS)} ({seed}-{n})",
               rng.choice(DETAILS).format(n=rng.randint(1, 40), d=day)
               + f" việc số {n}: " + " ".join(rng.choices(SUBJECTS, k=3)).lower() + ".",
               rng.choice(CATEGORIES), f"DB-{rng.randint(1, 50):03d}", rng.choice(CHANNELS), day,
               name, f"09{rng.randint(10000000, 99999999)}" if name else "",
               rng.choice(["có", "không", "x", ""]) if name else "",
               f"P{seed}-{n:06d}" if n % 3 == 0 else ""]


def csv_bytes(rows):
    """A CSV file with the template's Vietnamese headers (UTF-8 with BOM, as Excel saves)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers())
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows):
    """An XLSX workbook of the rows (written in streaming mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Phiếu")
    sheet.append(headers())
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(url, token, data, content_type, name):
    """POST a whole file; return (seconds, report)."""
    t0 = time.perf_counter()
    response = requests.post(url, data=data, timeout=1800, headers={
        "Authorization": f"Bearer {token}", "Content-Type": content_type, "X-File-Name": name})
    seconds = time.perf_counter() - t0
    if response.status_code not in (200, 201):
        raise RuntimeError(f"upload refused: {response.status_code} {response.text[:300]}")
    return seconds, response.json()


def database_counts(url):
    """(submissions, events in the outbox, events not yet published)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        submissions = connection.scalar(select(func.count()).select_from(Submission))
        events = connection.scalar(select(func.count()).select_from(outbox))
        unsent = connection.scalar(select(func.count()).select_from(outbox)
                                   .where(outbox.c.sent_at.is_(None)))
    engine.dispose()
    return submissions, events, unsent


def measure(args, intake_url, database_url, token):
    """Run the three uploads; return the figures."""
    endpoint = f"{intake_url}/api/v1/imports"
    make, content_type = (xlsx_bytes, XLSX_TYPE) if args.format == "xlsx" else (csv_bytes,
                                                                                  CSV_TYPE)
    t0 = time.perf_counter()
    data = make(generate_rows(args.rows, seed=1))
    print(f"generated {args.rows:,} rows ({len(data) / 1e6:.1f} MB {args.format}) in "
          f"{time.perf_counter() - t0:.1f} s; uploading …", flush=True)
    first_s, first = upload(endpoint, token, data, content_type, f"bench.{args.format}")
    print(f"first upload: {first['imported']:,} imported in {first_s:.1f} s "
          f"= {args.rows / first_s:,.0f} rows/s", flush=True)
    again_s, again = upload(endpoint, token, data, content_type, f"bench.{args.format}")
    print(f"same file again: {again['already_imported']:,} already imported in {again_s:.1f} s "
          f"= {args.rows / again_s:,.0f} rows/s", flush=True)
    figures = {"first_upload": {"seconds": first_s, "rows_per_s": args.rows / first_s,
                                "imported": first["imported"], "rejected": first["rejected"]},
               "re_upload": {"seconds": again_s, "rows_per_s": args.rows / again_s,
                             "imported": again["imported"],
                             "already_imported": again["already_imported"]}}
    if args.cli_rows:
        path = Path(tempfile.mkdtemp(prefix="bench-import-")) / f"cli.{args.format}"
        path.write_bytes(make(generate_rows(args.cli_rows, seed=2)))
        t0 = time.perf_counter()
        report = import_cli.upload(requests.Session(), intake_url, token, str(path),
                                   chunk_rows=args.chunk_rows, show_progress=True)
        cli_s = time.perf_counter() - t0
        print(f"CLI in chunks of {args.chunk_rows:,}: {report['imported']:,} imported in "
              f"{cli_s:.1f} s = {args.cli_rows / cli_s:,.0f} rows/s", flush=True)
        figures["cli_chunked"] = {"rows": args.cli_rows, "chunk_rows": args.chunk_rows,
                                  "seconds": cli_s, "rows_per_s": args.cli_rows / cli_s,
                                  "imported": report["imported"]}
    expected = args.rows + (args.cli_rows or 0)
    submissions, events, unsent = database_counts(database_url)
    figures["stored"] = {"submissions": submissions, "events": events,
                         "exactly_once": submissions == events == expected}
    t0, drained = time.perf_counter(), unsent == 0
    while not drained and time.perf_counter() - t0 < args.drain_timeout:
        time.sleep(1)
        drained = database_counts(database_url)[2] == 0
    figures["outbox_unsent_after_imports"] = unsent
    figures["outbox_drained_within_s"] = (time.perf_counter() - t0) if drained else None
    return figures


def main():
    """Run the benchmark and write its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--cli-rows", type=int, default=20_000,
                        help="rows of the CLI's chunked upload (0 to skip)")
    parser.add_argument("--chunk-rows", type=int, default=1000)
    parser.add_argument("--drain-timeout", type=float, default=300,
                        help="seconds to wait for the outbox to be published")
    parser.add_argument("--out", default=str(RESULTS / "import.json"))
    args = parser.parse_args()

    vhost = infra.create_vhost()
    database = infra.create_database("bench_intake")
    url = infra.pg_url(database)
    cluster = None
    try:
        from services.common.migrations import upgrade
        upgrade("intake", url)
        cluster = Cluster.for_test(infra.amqp_uri(vhost), dict.fromkeys(SERVICES, url),
                                   "smtp://127.0.0.1:1", AUTH_SECRET=SECRET).start(("intake",))
        token = issue_token(SECRET, user_id="bench", username="bench", role="clerk",
                            unit_code=None)
        figures = measure(args, cluster.url("intake", ""), url, token)
    finally:
        if cluster:
            cluster.stop()
        infra.drop_database(database)
        infra.delete_vhost(vhost)

    figures = {"benchmark": "import",
               "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
               "rows": args.rows, "format": args.format, **figures}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"stored {figures['stored']['submissions']:,} submissions, "
          f"{figures['stored']['events']:,} events; exactly once: "
          f"{figures['stored']['exactly_once']}")
    drained = figures["outbox_drained_within_s"]
    print("outbox published " + (f"{drained:.0f} s after the last upload" if drained is not None
                                 else "not within the drain timeout"))
    print(f"written to {out}")
    return 0 if figures["stored"]["exactly_once"] and figures["first_upload"]["rejected"] == 0 \
        else 1


if __name__ == "__main__":
    sys.exit(main())
