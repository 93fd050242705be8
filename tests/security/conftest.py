"""One stack of the four services for every security check (started once per session)."""

import pytest

from services.common.config import SERVICES
from services.common.migrations import upgrade
from tests.support import infra

from .refusing_mailsink import RefusingMailSink
from .stack import CHATBOT_SECRET, OPEN311_KEY, REFUSED_MARK, LoggedCluster, Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The four services as processes on a fresh vhost and fresh databases, seeded."""
    root = tmp_path_factory.mktemp("security")
    vhost, names, sink, cluster = infra.create_vhost(), {}, None, None
    try:
        for service in SERVICES:
            names[service] = infra.create_database(f"t_{service}")
        urls = {service: infra.pg_url(name) for service, name in names.items()}
        for service, url in urls.items():
            upgrade(service, url)
        sink = RefusingMailSink(root / "mail", REFUSED_MARK).start()
        cluster = LoggedCluster.for_test(
            infra.amqp_uri(vhost), urls, sink.url, LOG_LEVEL="INFO",
            CHATBOT_SECRETS=f"zalo:{CHATBOT_SECRET}",
            OPEN311_API_KEYS=f"{OPEN311_KEY}:kiem-thu", DELIVERY_RETRY_SECONDS="0.2")
        cluster.log_dir = root / "logs"
        cluster.start()
        yield Stack(cluster, urls, sink).seed()
    finally:
        if cluster is not None:
            cluster.stop()
        if sink is not None:
            sink.stop()
        for name in names.values():
            infra.drop_database(name)
        infra.delete_vhost(vhost)
