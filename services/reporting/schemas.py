"""marshmallow schema of the report query string: the filters every report and format share."""

from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.common.categories import CATEGORY_CODES
from services.common.contracts import CHANNELS, PRIORITIES

FORMATS = ("json", "csv", "xlsx", "pdf")
# reports cover the years the system can hold cases for; beyond them a query is a mistake
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
IN_RANGE = validate.Range(min=FIRST_DAY, max=LAST_DAY,
                          error="Use a date from 2000-01-01 to 2099-12-31.")
PERIOD = validate.Regexp(r"^20\d{2}-(0[1-9]|1[0-2])$",
                         error="Use YYYY-MM between 2000-01 and 2099-12, e.g. 2026-11.")


class ReportQuery(Schema):
    """`?from=&to=&unit=&category=&priority=&channel=&format=` plus a few report options.

    Dates are Vietnam calendar days, both ends included. Unknown parameters are refused, so
    a misspelt filter is not silently ignored.
    """

    class Meta:
        unknown = RAISE

    from_ = fields.Date(data_key="from", load_default=None, validate=IN_RANGE)
    to = fields.Date(load_default=None, validate=IN_RANGE)
    unit = fields.String(load_default=None, validate=validate.Length(min=1, max=32))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORY_CODES))
    priority = fields.String(load_default=None, validate=validate.OneOf(PRIORITIES))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))
    by = fields.String(load_default="month", validate=validate.OneOf(("week", "month")))
    period = fields.String(load_default=None, validate=PERIOD)
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=10000))

    @validates_schema
    def _period_in_order(self, data, **_):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("Must not be before `from`.", "to")


def query_args(request):
    """The query string as a plain dict; a repeated parameter is refused by name."""
    args = {}
    for key in request.args:
        values = request.args.getlist(key)
        if len(values) > 1:
            raise ValidationError({key: ["Give this parameter once."]})
        args[key] = values[0]
    return args
