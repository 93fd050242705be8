"""`python -m services import FILE`: send typed-in forms to intake in chunks, with progress.

The file is read here with the same reader as intake's, then sent as CSV chunks of rows
that continue one import (`?import_id=`) and keep the spreadsheet's row numbers
(`?first_row=`). A chunk that failed is sent again: intake imports every row once.
"""

import csv
import getpass
import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

from services.common import config
from services.common.progress import Progress

RETRIES = 3
TOKEN_HELP = ("Pass --token, set GRASSROOTS_TOKEN, or sign in with --user "
              "(a clerk's account on cases).")


class ImportCliError(Exception):
    """Something the user must fix before (or while) importing; printed without a traceback."""


def add_parser(subparsers):
    """Add the `import` sub-command to the CLI's sub-parsers."""
    parser = subparsers.add_parser(
        "import", help="import typed-in paper forms or meeting minutes (CSV or XLSX)",
        description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a .csv or .xlsx file laid out as the template")
    parser.add_argument("--url", default=f"http://localhost:{config.http_port('intake')}",
                        help="intake's base URL (default: %(default)s)")
    parser.add_argument("--token", default=os.environ.get("GRASSROOTS_TOKEN"),
                        help="bearer token of a clerk or admin (or GRASSROOTS_TOKEN)")
    parser.add_argument("--user", help="sign in on cases as this user instead of --token")
    parser.add_argument("--cases-url", default=f"http://localhost:{config.http_port('cases')}",
                        help="cases' base URL, for --user (default: %(default)s)")
    parser.add_argument("--chunk-rows", type=int, default=1000, help="rows per request")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)
    return parser


def sign_in(session, cases_url, username):
    """A bearer token for a user, the password prompted for (or GRASSROOTS_PASSWORD)."""
    password = os.environ.get("GRASSROOTS_PASSWORD") or getpass.getpass(
        f"Password of {username}: ")
    response = session.post(f"{cases_url.rstrip('/')}/api/v1/auth/token", timeout=30,
                            json={"username": username, "password": password})
    if response.status_code != 200:
        raise ImportCliError(f"Sign-in refused: {_message(response)}")
    return response.json()["token"]


def load_rows(path):
    """(header map, [(row number, cells)], sha256, notes) of a local file, read as intake does."""
    from services.intake.import_files import detect_format, read_table
    from services.intake.imports import ImportFileError, map_headers

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportCliError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        table = read_table(data, detect_format(data, None, path))
        header = map_headers(table.header)
        rows = list(table.rows)
    except ImportFileError as exc:
        details = " ".join(m for texts in exc.fields.values() for m in texts)
        raise ImportCliError(f"{exc.message} {details}".strip()) from None
    notes = list(table.notes)
    if header.unknown:
        notes.append("Columns not in the layout were not sent: "
                     + ", ".join(f"«{u}»" for u in header.unknown) + ".")
    while rows and not any(c.strip() for c in rows[-1][1]):
        rows.pop()
    return header, rows, hashlib.sha256(data).hexdigest(), notes


def chunk_csv(header, rows):
    """CSV text of some rows under the canonical column names (blank rows kept as lines)."""
    keys = list(header.positions)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(keys)
    for _, cells in rows:
        values = header.values(cells)
        writer.writerow([values[k] for k in keys] if any(c.strip() for c in cells) else [])
    return out.getvalue().encode("utf-8")


def _message(response):
    try:
        body = response.json()
        fields = body.get("fields") or {}
        extra = " ".join(str(m) for texts in fields.values() for m in texts)
        return f"{response.status_code} {body.get('message', '')} {extra}".strip()
    except ValueError:
        return f"{response.status_code} {response.text[:200]}"


def send_chunk(session, url, body, params, headers):
    """POST one chunk; retry connection failures and 5xx (rows are imported once anyway)."""
    import requests

    for attempt in range(1, RETRIES + 1):
        try:
            response = session.post(url, data=body, params=params, headers=headers, timeout=300)
        except requests.RequestException as exc:
            if attempt == RETRIES:
                raise ImportCliError(f"intake did not answer: {exc}") from None
        else:
            if response.status_code < 500 or attempt == RETRIES:
                if response.status_code not in (200, 201):
                    raise ImportCliError(f"intake refused the file: {_message(response)}")
                return response.json()
        time.sleep(attempt)
    raise AssertionError("unreachable")


def upload(session, url, token, path, chunk_rows=1000, show_progress=False):
    """Send a file's rows in chunks; return the combined report."""
    header, rows, sha256, notes = load_rows(path)
    progress = Progress(len(rows), enabled=show_progress, unit="rows")
    report = {"import_id": None, "file_name": Path(path).name, "rows_total": 0, "imported": 0,
              "already_imported": 0, "rejected": 0, "errors": [], "warnings": notes}
    headers = {"Authorization": f"Bearer {token}", "X-File-Sha256": sha256,
               "Content-Type": "text/csv; charset=utf-8"}
    endpoint = f"{url.rstrip('/')}/api/v1/imports"
    for start in range(0, len(rows), max(1, chunk_rows)):
        chunk = rows[start:start + chunk_rows]
        params = {"first_row": chunk[0][0], "filename": report["file_name"]}
        if report["import_id"]:
            params["import_id"] = report["import_id"]
        try:
            answer = send_chunk(session, endpoint, chunk_csv(header, chunk), params, headers)
        except ImportCliError as exc:
            done = f" Rows before row {chunk[0][0]} were sent (import {report['import_id']}); " \
                "run the command again: no row is imported twice." if report["import_id"] else ""
            raise ImportCliError(f"{exc}{done}") from None
        report["import_id"] = answer["import_id"]
        for key in ("rows_total", "imported", "already_imported", "rejected"):
            report[key] += answer[key]
        report["errors"] += answer["errors"]
        report["warnings"] += [w for w in answer["warnings"] if w not in report["warnings"]]
        progress.update(start + len(chunk))
    progress.close(len(rows))
    return report


def print_report(report, stream=None):
    """The combined report in words: totals, then every bad row and warning."""
    stream = stream or sys.stdout
    print(f"{report['file_name']}: {report['imported']:,} imported, "
          f"{report['already_imported']:,} already imported, {report['rejected']:,} rejected "
          f"of {report['rows_total']:,} rows (import {report['import_id']}).", file=stream)
    for error in report["errors"]:
        print(f"  {error['message']}", file=stream)
    for warning in report["warnings"]:
        print(f"  warning: {warning}", file=stream)


def run(args):
    """Import the file; exit 0 when every row went in, 1 when rows were rejected, 2 on error."""
    import requests

    session = requests.Session()
    try:
        token = sign_in(session, args.cases_url, args.user) if args.user else args.token
        if not token:
            raise ImportCliError(TOKEN_HELP)
        report = upload(session, args.url, token, args.file, args.chunk_rows,
                        show_progress=not args.no_progress)
    except ImportCliError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 1 if report["rejected"] else 0
