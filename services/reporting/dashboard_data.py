"""What the dashboard shows for one choice: every report run through `reports.run` on one
filter, the charts, the unit breadcrumb and the units below, and links into the console."""

from dataclasses import replace
from urllib.parse import urljoin

from sqlalchemy import or_, select

from . import reports
from .charts import report_chart
from .dashboard_query import compliance_month, trend_by
from .models import CaseFact, DirectoryUnit

LIST_LIMIT = 10
COMPLIANCE_ORDER = {"missing": 0, "late": 1, "pending": 2, "on_time": 3}


def breadcrumb(session, unit):
    """[(code, name)] from the top of the tree down to `unit` (empty for the whole bloc)."""
    if unit is None:
        return []
    codes = [code for code in unit.path.strip("/").split("/") if code]
    found = {u.code: u.name for u in session.scalars(
        select(DirectoryUnit).where(DirectoryUnit.code.in_(codes)))}
    return [(code, found.get(code, code)) for code in codes]


def units_below(session, unit):
    """Active units one level down (at the top: the bloc's own units and the departments)."""
    if unit is not None:
        condition = DirectoryUnit.parent_code == unit.code
    else:
        roots = select(DirectoryUnit.code).where(DirectoryUnit.parent_code.is_(None),
                                                 DirectoryUnit.kind == "bloc_committee")
        condition = or_(DirectoryUnit.parent_code.in_(roots),
                        (DirectoryUnit.parent_code.is_(None))
                        & (DirectoryUnit.kind != "bloc_committee"))
    return list(session.scalars(select(DirectoryUnit).where(condition, DirectoryUnit.active)
                                .order_by(DirectoryUnit.kind, DirectoryUnit.code)))


def unit_choices(session):
    """Every unit for the filter form, in tree order, with its depth for indenting."""
    units = session.scalars(select(DirectoryUnit).order_by(DirectoryUnit.path)).all()
    return [(u.code, u.name, u.path.count("/") - 2) for u in units]


def case_links(session, rows, console_login_url):
    """{tracking code: console address of the case} for the cases listed in `rows`."""
    codes = [row["tracking_code"] for row in rows if row.get("tracking_code")]
    if not codes:
        return {}
    found = session.execute(select(CaseFact.tracking_code, CaseFact.case_id)
                            .where(CaseFact.tracking_code.in_(codes))).all()
    return {code: urljoin(console_login_url, f"/console/cases/{case_id}")
            for code, case_id in found}


def gather(session, flt, choice, t, settings):
    """Every section of the page for a filter (`flt`) resolved from the reader's choice."""
    run = {name: reports.run(session, name, flt)
           for name in ("summary", "on_time", "resolution_time", "ageing")}
    run["trend"] = reports.run(session, "trend", replace(flt, by=trend_by(choice, flt.today)))
    for name in ("overdue", "hot", "top_units"):
        run[name] = reports.run(session, name, replace(flt, limit=LIST_LIMIT))
    month = compliance_month(choice, flt.today, settings.due_day)
    run["compliance"] = reports.run(session, "compliance", replace(flt, period=month))
    run["compliance"].rows.sort(key=lambda row: (COMPLIANCE_ORDER.get(row["status"], 9),
                                                 row["unit_code"]))
    links = case_links(session, [*run["overdue"].rows, *run["hot"].rows],
                       settings.console_login_url)
    return {"reports": run, "compliance_month": month, "case_links": links,
            "charts": {name: report_chart(run[name], t, f"chart-{name}")
                       for name in ("trend", "on_time", "summary", "ageing")},
            "breadcrumb": breadcrumb(session, flt.unit),
            "units_below": units_below(session, flt.unit), "unit_choices": unit_choices(session)}
