"""The one command-line entry point: serve, run, migrate, check, dlq, outbox, import, ..."""

import argparse
import sys
import uuid

from services import import_cli
from services.common import config
from services.reporting import digest_cli
from services.reporting import replay as replay_cli


def cmd_serve(args):
    """Run one service in this process until SIGTERM or Ctrl-C."""
    from nameko.cli.run import run

    from services.common.logging import configure_logging
    from services.registry import service_class

    settings = config.service_config(args.service)
    problem = setting_problem(args.service, settings)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    configure_logging(args.service, settings["LOG_LEVEL"])
    run([service_class(args.service)], settings)
    return 0


def setting_problem(service, settings):
    """What in a service's settings would stop it, in one line naming the variable, or None
    (numbers are checked as the settings are read: `config.ConfigError`)."""
    if service == "reporting":
        return digest_cli.setting_problem(settings)
    if service == "notify":
        from services.notify.reminders import parse_fractions

        try:
            parse_fractions(settings["REMINDER_FRACTIONS"])
        except ValueError as exc:
            return f"REMINDER_FRACTIONS={settings['REMINDER_FRACTIONS']!r}: {exc}"
    return None


def cmd_run(args):
    """Check, migrate and run all services."""
    from services.launcher import run

    return run(tuple(args.services) or config.SERVICES)


def cmd_migrate(args):
    """Upgrade the named (or every) service database to the latest revision."""
    from services.common.migrations import upgrade

    for service in args.services or config.SERVICES:
        upgrade(service, config.database_url(service))
        print(f"{service}: database is at the latest revision")
    return 0


def cmd_check(args):
    """Check broker, databases and SMTP; one verdict per dependency."""
    from services import preflight

    verdicts = [preflight.check_broker(config.amqp_uri())]
    verdicts += [preflight.check_database(s, config.database_url(s)) for s in config.SERVICES]
    verdicts.append(preflight.check_smtp(config.service_config("notify")["SMTP_URL"]))
    for verdict in verdicts:
        print(f"{'ok  ' if verdict.ok else 'FAIL'}  {verdict.detail}")
    return 0 if all(v.ok for v in verdicts) else 1


def cmd_dlq(args):
    """List, show, requeue or purge dead letters."""
    from services.common.deadletters import DeadLetterQueue

    with DeadLetterQueue(config.amqp_uri(), config.service_config("cases")) as dlq:
        letters = dlq.fetch()
        if args.action == "list":
            if not letters:
                print("The dead-letter queue is empty.")
            for x in letters:
                print(f"#{x.position:<4} {x.event_type or '?':<22} {x.event_id or '-':<36} "
                      f"{x.original_queue or '?'}  attempts={x.attempts}  {x.reason[:100]}")
            return 0
        if not args.all and not args.ids:
            print("Name messages by event id or #position, or pass --all.", file=sys.stderr)
            return 2
        chosen = dlq.select(None if args.all else [i.lstrip("#") for i in args.ids])
        if not chosen:
            print("No dead letter matches.", file=sys.stderr)
            return 1
        for letter in chosen:
            if args.action == "show":
                print(f"#{letter.position} from {letter.original_queue} "
                      f"failed at {letter.failed_at} after {letter.attempts} attempt(s)")
                print(letter.body.decode("utf-8", "replace"))
                print(letter.error)
            elif args.action == "requeue":
                dlq.requeue(letter)
                print(f"requeued #{letter.position} to {letter.original_queue}")
            else:
                dlq.purge(letter)
                print(f"purged #{letter.position}")
    return 0


def cmd_outbox(args):
    """Events each service has written but the broker has not yet confirmed."""
    from services.common.db import make_engine
    from services.common.outbox import backlog

    worst = 0
    for service in args.services or config.SERVICES:
        engine = make_engine(config.database_url(service))
        try:
            with engine.connect() as connection:
                waiting = backlog(connection)
            print(f"{service:<10} {waiting} event(s) waiting to be published")
            worst = max(worst, waiting)
        except Exception as exc:  # noqa: BLE001 - report each database, then go on
            print(f"{service:<10} FAIL {type(exc).__name__}: {exc}".splitlines()[0])
            worst = max(worst, 1)
        finally:
            engine.dispose()
    return 1 if args.fail_over is not None and worst > args.fail_over else 0


def cmd_test_email(args):
    """Send one email through SMTP_URL to check the mail settings end to end."""
    from services.notify.mailer import Mailer, build_email

    settings = config.service_config("notify")
    mailer = Mailer(settings["SMTP_URL"], settings["SMTP_TIMEOUT"], settings["SMTP_CA_FILE"])
    message = build_email(settings["MAIL_FROM"], args.to,
                          "Thư kiểm tra — hệ thống phản ánh cơ sở",
                          "Thư này kiểm tra cấu hình gửi thư của hệ thống. Không cần trả lời.",
                          None, f"<test-{uuid.uuid4()}@notify.grassroots>")
    try:
        client = mailer.open()
        try:
            client.send_message(message)
        finally:
            client.quit()
    except Exception as exc:  # noqa: BLE001 - say what went wrong, in one line
        print(f"FAIL could not send through {settings['SMTP_URL'].split('@')[-1]}: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"sent a test email to {args.to}")
    return 0


def _cases_session():
    """A unit of work and an outbox writer on the cases database, for one-off commands."""
    from sqlalchemy.orm import sessionmaker

    from services.common.db import UnitOfWork, make_engine
    from services.common.outbox import OutboxWriter

    class DeferredRelay:
        """The running cases service's relay publishes what these commands write."""

        def wake(self):
            """Nothing to wake here."""

    engine = make_engine(config.database_url("cases"))
    return UnitOfWork(sessionmaker(engine, expire_on_commit=False)), OutboxWriter(
        "cases", DeferredRelay())


def cmd_load_directory(args):
    """Create or update the directory from a file (idempotent)."""
    from services.cases import directory

    uow, outbox = _cases_session()
    with uow.transaction() as session:
        counts = directory.load_directory(session, outbox, args.file or directory.SAMPLE_DIRECTORY)
    print(f"directory: {counts['created']} created, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged")
    return 0


def cmd_create_user(args):
    """Create a user; the password is read from --password or prompted for."""
    import getpass

    from services.cases import users
    from services.common.web import ApiError

    password = args.password or getpass.getpass("Password (at least 10 characters): ")
    uow, _ = _cases_session()
    try:
        with uow.transaction() as session:
            user = users.create_user(session, args.username, password, args.full_name,
                                     args.role, args.unit, args.email)
    except ApiError as exc:
        print(f"error: {exc.message} {exc.fields}", file=sys.stderr)
        return 2
    print(f"created {user.role} {user.username} ({user.unit_code or 'no unit'})")
    return 0


def build_parser():
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="grassroots", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run one service in the foreground")
    p.add_argument("service", choices=config.SERVICES)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("run", help="check, migrate and run all services (make run)")
    p.add_argument("services", nargs="*", choices=[*config.SERVICES, []])
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("migrate", help="upgrade service databases to the latest revision")
    p.add_argument("services", nargs="*", choices=[*config.SERVICES, []])
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("check", help="check broker, databases and SMTP")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("load-directory", help="create or update units from a directory file")
    p.add_argument("--file", help="JSON directory file (default: the shipped sample bloc)")
    p.set_defaults(func=cmd_load_directory)

    p = sub.add_parser("create-user", help="create a user of the officer console and API")
    p.add_argument("username")
    p.add_argument("--role", required=True,
                   choices=["officer", "unit_head", "clerk", "leader", "admin"])
    p.add_argument("--unit", help="unit code (required for officers and unit heads)")
    p.add_argument("--full-name", required=True)
    p.add_argument("--email")
    p.add_argument("--password", help="omit to be prompted")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("dlq", help="list, show, requeue or purge dead letters")
    p.add_argument("action", choices=["list", "show", "requeue", "purge"])
    p.add_argument("ids", nargs="*", help="event ids or #positions from `dlq list`")
    p.add_argument("--all", action="store_true", help="act on every dead letter")
    p.set_defaults(func=cmd_dlq)

    p = sub.add_parser("outbox", help="events written but not yet published, per service")
    p.add_argument("services", nargs="*", choices=[*config.SERVICES, []])
    p.add_argument("--fail-over", type=int, metavar="N",
                   help="exit 1 when any service has more than N waiting (for monitoring)")
    p.set_defaults(func=cmd_outbox)

    p = sub.add_parser("test-email", help="send one email through SMTP_URL to check it works")
    p.add_argument("to", help="recipient address")
    p.set_defaults(func=cmd_test_email)

    import_cli.add_parser(sub)
    replay_cli.add_parser(sub)
    digest_cli.add_parser(sub)
    return parser


def main(argv=None):
    """Parse arguments and run the sub-command; exit with its status."""
    args = build_parser().parse_args(argv)
    try:
        sys.exit(args.func(args))
    except config.ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
