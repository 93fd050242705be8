"""marshmallow schemas of intake's HTTP payloads."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates

from services.common.contracts import CHANNELS
from services.common.text import normalize, normalize_multiline


class ReporterIn(Schema):
    """Optional details of who reports; anonymous when absent."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    contact = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=200))
    consent_to_contact = fields.Boolean(load_default=False)


class FeedbackIn(Schema):
    """A submission through the JSON API."""

    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=10000))
    category = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=64))
    unit_code = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=32))
    channel = fields.String(load_default="api", validate=validate.OneOf(CHANNELS))
    reporter = fields.Nested(ReporterIn, load_default=None, allow_none=True)

    @validates("title")
    def _title_not_blank(self, value, **_):
        if not normalize(value) or len(normalize(value)) < 3:
            raise ValidationError("Title must have at least 3 visible characters.")

    @validates("body")
    def _body_not_blank(self, value, **_):
        if not normalize(value):
            raise ValidationError("Body must not be blank.")

    @post_load
    def _normalise(self, data, **_):
        data["title"] = normalize(data["title"])
        data["body"] = normalize_multiline(data["body"])
        data["category"] = normalize(data["category"]) or None
        data["unit_code"] = (normalize(data["unit_code"]) or "").upper() or None
        reporter = data.get("reporter")
        if reporter:
            reporter["name"] = normalize(reporter["name"]) or None
            reporter["contact"] = normalize(reporter["contact"]) or None
            if not reporter["name"] and not reporter["contact"]:
                data["reporter"] = None
        return data


IDEMPOTENCY_KEY = validate.Length(min=1, max=200)


def idempotency_key(request):
    """The request's Idempotency-Key header, checked (1 to 200 characters), or None."""
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        try:
            IDEMPOTENCY_KEY(key)
        except ValidationError as exc:
            raise ValidationError({"Idempotency-Key": exc.messages}) from None
    return key
