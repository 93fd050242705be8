"""marshmallow schemas of notify's HTTP payloads."""

from marshmallow import EXCLUDE, Schema, fields, validate


class DeliveryQuery(Schema):
    """Filters and paging of the delivery log."""

    class Meta:
        unknown = EXCLUDE

    case_id = fields.String(validate=validate.Length(max=36))
    recipient = fields.String(validate=validate.Length(max=200))
    status = fields.String(validate=validate.OneOf(("pending", "sent", "failed")))
    channel = fields.String(validate=validate.OneOf(("email", "webhook", "inbox")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class InboxQuery(Schema):
    """Filters and paging of a user's inbox."""

    class Meta:
        unknown = EXCLUDE

    unread = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
