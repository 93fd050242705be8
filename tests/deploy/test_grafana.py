"""The Grafana dashboard parses and charts only metrics the services really expose."""

import json
import re
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "grassroots.json"
SOURCES = [Path(__file__).resolve().parents[2] / "services" / "common" / "metrics.py",
           Path(__file__).resolve().parents[2] / "services" / "common" / "health.py",
           Path(__file__).resolve().parents[2] / "services" / "cases" / "views.py",
           Path(__file__).resolve().parents[2] / "services" / "notify" / "service.py",
           Path(__file__).resolve().parents[2] / "services" / "reporting" / "lag.py"]


def exposed_metrics():
    names = set()
    for source in SOURCES:
        names |= set(re.findall(r'"(grassroots_[a-z_]+)"', source.read_text()))
    return names


def test_every_panel_queries_metrics_that_exist():
    dashboard = json.loads(DASHBOARD.read_text())
    exposed = exposed_metrics()
    assert {"grassroots_workers_total", "grassroots_outbox_backlog",
            "grassroots_cases_overdue"} <= exposed
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            for name in re.findall(r"grassroots_[a-z_]+", target["expr"]):
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                assert base in exposed, (panel["title"], name)
