"""The broker, the database and the SMTP server go away under load and come back."""

import pytest

from tests.fault.verdict import Expect
from tests.support.proxy import TcpProxy

pytestmark = [pytest.mark.fault, pytest.mark.e2e]


@pytest.fixture
def broker_proxy():
    """A cuttable TCP proxy in front of the shared RabbitMQ (which stays up for everyone)."""
    proxy = TcpProxy(5672).start()
    yield proxy
    proxy.stop()


def test_broker_unreachable_for_ten_seconds_loses_and_doubles_nothing(broker_proxy, scenario,
                                                                     vhost):
    through_proxy = f"amqp://guest:guest@127.0.0.1:{broker_proxy.port}/{vhost}"
    run = scenario("RabbitMQ unreachable for 10 s (every connection cut, new ones refused)",
                   amqp_uri=through_proxy).start(total=200)
    run.note(f"load started ({run.when_accepted(0.3)})")
    broker_proxy.cut()
    run.note(f"broker cut ({len(run.load.accepted)} accepted)")
    run.hold(10, "broker outage")
    broker_proxy.restore()
    run.note(f"broker back ({len(run.load.accepted)} accepted during and before the outage)")
    run.finish()


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgresql_restarted_mid_load_loses_and_doubles_nothing(scenario, private_postgres,
                                                                 mode):
    run = scenario(f"PostgreSQL restarted mid-load ({mode} shutdown)").start(total=200)
    run.note(f"load started ({run.when_accepted(0.3)}, {run.when_emailed(10)})")
    seconds = private_postgres.restart(mode)
    run.note(f"PostgreSQL stopped ({mode}) and started again: down {seconds:.1f} s")
    run.finish()


def test_smtp_down_for_thirty_seconds_delivers_every_email_once(scenario, mail_sink):
    run = scenario("SMTP server down for 30 s").start(total=200)
    run.note(f"load started ({run.when_accepted(0.3)}, {run.when_emailed(10)})")
    mail_sink.stop()
    run.note(f"SMTP server stopped ({len(mail_sink.messages())} emails received)")
    run.hold(30, "SMTP outage")
    mail_sink.start()
    run.note(f"SMTP server back ({len(run.load.accepted)} accepted)")
    # stopping the server may cut one conversation after it stored the email but before
    # notify read the "250": that one is sent again under the same Message-ID
    run.finish(Expect(repeated_copies=1))
