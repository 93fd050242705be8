"""`python -m services compile-digest --kind monthly --period 2026-10`: compile one digest now.

Compiles the digest of a closed period into reporting's database (REPORTING_DATABASE_URL, or
--database-url) with its `digest_compiled` in the outbox, which the reporting service
publishes (at once if it runs, else when it starts); notify then emails leadership and the
digest subscribers. Running it again for the same period writes nothing and says the digest
already exists. Periods: weekly 2026-W47, monthly 2026-10, the others a year (2026).
"""

import sys
from datetime import UTC, datetime

from services.common import config

from .digest_periods import KINDS

DESCRIPTION = __doc__.split("\n\n")[1]


def setting_problem(settings):
    """What is wrong with the digest settings of a service config, or None (checked before
    reporting starts, so a typo stops it with one line naming the variable)."""
    from .digest_periods import DigestConfigError, DigestSchedule

    try:
        DigestSchedule.from_config(settings)
    except DigestConfigError as exc:
        return str(exc)
    return None


def compile_now(database_url, period, now, settings):
    """(digest, created): the period's digest, stored now if it was not already."""
    from sqlalchemy.exc import IntegrityError  # heavy imports only when the command runs
    from sqlalchemy.orm import sessionmaker

    from services.common.db import UnitOfWork, make_engine

    from .digests import compile_digest, find_digest

    engine = make_engine(database_url)
    unit_of_work = UnitOfWork(sessionmaker(engine, expire_on_commit=False))
    try:
        try:
            with unit_of_work.transaction() as session:
                digest = compile_digest(session, period, now, settings, settings.link_base)
            if digest is not None:
                return digest, True
        except IntegrityError:
            pass  # the service stored it a moment ago: ours wrote nothing
        with unit_of_work.transaction() as session:
            return find_digest(session, period), False
    finally:
        engine.dispose()


def run(args):
    """Compile the digest; 0 when stored or already there, 2 on a bad period, 1 on failure."""
    from services.common.workdays import local_day

    from .digest_periods import DigestConfigError, DigestPeriodError, parse_period
    from .settings import Settings

    now = datetime.now(UTC)
    try:
        settings = Settings.from_config(config.service_config("reporting"))
        period = parse_period(args.kind, args.period)
    except (DigestConfigError, DigestPeriodError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if period.end >= local_day(now):
        print(f"error: the {args.kind} period {period.key} ends on {period.end:%d/%m/%Y} and "
              "is not over yet; a digest covers a closed period.", file=sys.stderr)
        return 2
    try:
        digest, created = compile_now(args.database_url, period, now, settings)
    except Exception as exc:  # noqa: BLE001 - one clear line, no traceback
        print(f"compile-digest failed: {type(exc).__name__}: {exc}".splitlines()[0],
              file=sys.stderr)
        return 1
    if not created:
        print(f"The {args.kind} digest for {period.key} already exists (id {digest.id}, "
              f"compiled {digest.compiled_at:%Y-%m-%d %H:%M} UTC); nothing written.")
        return 0
    print(f"Compiled «{digest.title}» (id {digest.id}); digest_compiled is in the outbox.")
    print(digest.summary)
    return 0


def add_parser(subparsers):
    """Add the `compile-digest` sub-command to the CLI's sub-parsers."""
    parser = subparsers.add_parser(
        "compile-digest", help="compile the digest of one closed period now (idempotent)",
        description=DESCRIPTION)
    parser.add_argument("--kind", required=True, choices=KINDS, help="which digest")
    parser.add_argument("--period", required=True,
                        help="2026-W47 (weekly), 2026-10 (monthly) or 2026 (the others)")
    parser.add_argument("--database-url", default=config.database_url("reporting"),
                        help="reporting's database (default: REPORTING_DATABASE_URL)")
    parser.set_defaults(func=run)
    return parser
