"""Monthly situation reports of grassroots units: the payload and its items. No framework."""

import re
from datetime import UTC, datetime

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
)

from services.common.text import normalize, normalize_multiline

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ReportItemIn(Schema):
    """One matter in a report; those needing action become feedback."""

    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    body = fields.String(load_default="", validate=validate.Length(max=10000))
    category = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=64))
    needs_action = fields.Boolean(load_default=False)


class PeriodicReportIn(Schema):
    """A unit's report for one month: `period` as YYYY-MM, a summary and its items."""

    class Meta:
        unknown = EXCLUDE

    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    period = fields.String(required=True)
    summary = fields.String(required=True, validate=validate.Length(min=3, max=20000))
    items = fields.List(fields.Nested(ReportItemIn), load_default=list,
                        validate=validate.Length(max=200))

    @validates("period")
    def _period_is_a_past_or_current_month(self, value, **_):
        match = PERIOD.match(value or "")
        if not match:
            raise ValidationError("Use YYYY-MM, e.g. 2026-11.")
        now = datetime.now(UTC)
        if (int(match[1]), int(match[2])) > (now.year, now.month):
            raise ValidationError("A report cannot be for a month that has not begun.")

    @post_load
    def _normalise(self, data, **_):
        data["unit_code"] = normalize(data["unit_code"]).upper()
        data["summary"] = normalize_multiline(data["summary"])
        for item in data["items"]:
            item["title"] = normalize(item["title"])
            item["body"] = normalize_multiline(item["body"]) or item["title"]
            item["category"] = normalize(item["category"]) or None
        return data


def item_feedback(report, item, index):
    """A report item that needs action, as a submission of the `periodic_report` channel."""
    return {
        "title": item["title"], "body": item["body"], "category": item["category"],
        "unit_code": report["unit_code"], "channel": "periodic_report", "reporter": None,
        "report_id": report["id"], "client": report["unit_code"],
        "external_key": f"report:{report['unit_code']}:{report['period']}:{index}",
    }
