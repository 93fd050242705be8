"""SQL statements per submission of each service, product against ceiling, from a PostgreSQL log.

Run `bench/pipeline.py` with statement logging on, then read the log:

    psql -U postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()"
    .venv/bin/python bench/pipeline.py --no-ramp --rate 5 --duration 20 -n 100
    psql -U postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()"
    .venv/bin/python bench/statements.py /var/log/postgresql/postgresql-15-main.log -n 220

`-n` is the number of submissions each pipeline received (20 warm-up + fixed run + saturation
run). The log's line prefix must name the database (`%d`, Debian's default). Statements are
grouped by shape (literals replaced) and by the service's database (`bench_<service>_…` for the
product, `bench_bare_<service>_…` for the ceiling); migrations and start-up are left out.
"""

import argparse
import collections
import json
import re
from pathlib import Path

LINE = re.compile(r"@(bench_(?:bare_)?[a-z]+)_[0-9a-f]{10} LOG:  statement: (.*)")
START_UP = re.compile(r"^(CREATE |ALTER |DROP |COMMENT |SELECT pg_catalog|select pg_catalog"
                      r"|select current_schema|show |SELECT t\.oid|SELECT pg_advisory"
                      r"|UPDATE alembic_version|INSERT INTO alembic_version"
                      r"|SELECT alembic_version)")


def shape(statement):
    """A statement with its literals and numbers replaced, cut to a readable length."""
    statement = re.sub(r"'[^']*'", "?", statement)
    return re.sub(r"\b\d+\b", "N", statement).strip()[:90]


def count(log_path):
    """{database label: Counter of statement shapes} for the benchmark's databases."""
    seen = collections.defaultdict(collections.Counter)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LINE.search(line)
            if match and match.group(2).strip() and not START_UP.match(match.group(2)):
                seen[match.group(1)][shape(match.group(2))] += 1
    return seen


def main():
    """Print statements per submission for each database, the most frequent shapes first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", help="PostgreSQL server log")
    parser.add_argument("-n", "--submissions", type=int, required=True)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results/statements.json"))
    args = parser.parse_args()
    totals = {}
    for database, shapes in sorted(count(args.log).items()):
        per = sum(shapes.values()) / args.submissions
        totals[database] = {"per_submission": round(per, 1), "shapes": {
            text: round(n / args.submissions, 2) for text, n in shapes.most_common()}}
        print(f"\n{database}: {per:.1f} statements per submission")
        for text, n in shapes.most_common(args.top):
            print(f"  {n / args.submissions:5.2f}  {text}")
    print("\nper submission      product  ceiling")
    for service in ("intake", "cases", "notify", "reporting"):
        product = totals.get(f"bench_{service}", {}).get("per_submission")
        ceiling = totals.get(f"bench_bare_{service}", {}).get("per_submission")
        print(f"  {service:<16}  {product!s:>7}  {ceiling!s:>7}")
    Path(args.out).write_text(json.dumps(totals, ensure_ascii=False, indent=1))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
