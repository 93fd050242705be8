"""marshmallow schemas of notify's HTTP payloads."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema


class DeliveryQuery(Schema):
    """Filters and paging of the delivery log."""

    class Meta:
        unknown = EXCLUDE

    # PostgreSQL cannot hold NUL in text: a filter carrying one is a 422, not a 500
    case_id = fields.String(validate=[validate.Length(max=36), validate.Regexp(r"^[^\x00]*$")])
    recipient = fields.String(validate=[validate.Length(max=200),
                                        validate.Regexp(r"^[^\x00]*$")])
    status = fields.String(validate=validate.OneOf(("pending", "sent", "failed", "skipped")))
    channel = fields.String(validate=validate.OneOf(("email", "webhook", "inbox")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class InboxQuery(Schema):
    """Filters and paging of a user's inbox."""

    class Meta:
        unknown = EXCLUDE

    unread = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM, e.g. 22:00.")


class PreferenceIn(Schema):
    """How an audience or a user wants to be told: channels, language, quiet hours."""

    class Meta:
        unknown = EXCLUDE

    channels = fields.List(fields.String(validate=validate.OneOf(("email", "webhook", "inbox"))),
                           validate=validate.Length(min=1, max=3))
    language = fields.String(validate=validate.OneOf(("vi", "en")))
    quiet_start = fields.String(allow_none=True, validate=HHMM)
    quiet_end = fields.String(allow_none=True, validate=HHMM)

    @validates_schema
    def _quiet_hours_come_in_pairs(self, data, **_):
        if ("quiet_start" in data) != ("quiet_end" in data) or (
                bool(data.get("quiet_start")) != bool(data.get("quiet_end"))):
            raise ValidationError("Give both quiet_start and quiet_end, or neither.",
                                  "quiet_end")


class UserPreferenceIn(PreferenceIn):
    """A signed-in user's own choices: an email address for their unit's messages, digests."""

    email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    name = fields.String(allow_none=True, validate=validate.Length(max=120))
    digests = fields.Boolean()
