"""`python -m services replay-reporting`: rebuild reporting's read model from history.

The producers' outboxes keep every event they ever emitted, as emitted and in order: cases'
(`case_*`, `unit_updated`) and intake's (`periodic_report_received`). This ops command reads
them through CASES_DATABASE_URL and INTAKE_DATABASE_URL -- read-only; the services never
read each other's databases -- and folds every event reporting consumes into the reporting
database (REPORTING_DATABASE_URL, or --into), migrating it first. Events it already holds
are skipped, so it can also catch a read model up; `--reset` empties the read model first.
A progress bar goes to stderr; the end says how far behind the live stream the replayed
history was (the newest event replayed against now).
"""

import argparse
import sys
import warnings

from services.common import config

DESCRIPTION = __doc__.split("\n\n")[1]


def run(args):
    """Run the command from parsed arguments; 0 on success, 1 when a database fails."""
    from .rebuild import replay, summary_line  # heavy (SQLAlchemy, nameko): only when run
    from .settings import Settings

    sources = {"cases": args.cases_url}
    if not args.skip_intake:
        sources["intake"] = args.intake_url

    settings = Settings.from_config(config.service_config("reporting"))
    try:
        counts = replay(sources, args.into, settings, batch=args.batch_size,
                        progress=not args.no_progress, wipe=args.reset)
    except Exception as exc:  # noqa: BLE001 - one clear line, no traceback
        print(f"replay failed: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    print(summary_line(counts))
    return 0


def add_arguments(parser):
    """The command's options: where to read history from and what to rebuild."""
    parser.add_argument("--cases-url", default=config.database_url("cases"),
                        help="cases' database, read only (default: CASES_DATABASE_URL)")
    parser.add_argument("--intake-url", default=config.database_url("intake"),
                        help="intake's database, read only (default: INTAKE_DATABASE_URL)")
    parser.add_argument("--skip-intake", action="store_true",
                        help="do not replay monthly reports from intake")
    parser.add_argument("--into", default=config.database_url("reporting"),
                        help="the reporting database to fill (default: REPORTING_DATABASE_URL)")
    parser.add_argument("--reset", action="store_true",
                        help="empty the read model first (a full rebuild in place)")
    parser.add_argument("--batch-size", type=int, default=500,
                        help="events per transaction (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)
    return parser


def add_parser(subparsers):
    """Add the `replay-reporting` sub-command to the CLI's sub-parsers."""
    return add_arguments(subparsers.add_parser(
        "replay-reporting", help="rebuild reporting's read model from the outboxes of cases "
        "and intake", description=DESCRIPTION))


def main(argv=None):
    """Run as `python -m services.reporting.replay` (the same as the CLI sub-command)."""
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    parser = add_arguments(argparse.ArgumentParser(
        prog="python -m services.reporting.replay", description=DESCRIPTION))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
