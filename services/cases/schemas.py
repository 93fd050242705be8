"""marshmallow schemas of cases' HTTP payloads."""

from marshmallow import EXCLUDE, INCLUDE, Schema, fields, validate

from .categories import SECTORS, UNIT_KINDS


class ActionIn(Schema):
    """Body of `POST /cases/<id>/actions/<action>`: the version seen plus the action's fields."""

    class Meta:
        unknown = INCLUDE

    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class LoginIn(Schema):
    """Credentials for a bearer token."""

    class Meta:
        unknown = EXCLUDE

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{0,31}$",
                       error="Upper-case letters, digits and dashes, at most 32.")


class UnitIn(Schema):
    """A unit to create (all fields) or edit (`partial=True` plus `version`)."""

    class Meta:
        unknown = EXCLUDE

    code = fields.String(validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=2, max=300))
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS))
    sector = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SECTORS))
    parent = fields.String(load_default=None, allow_none=True, validate=CODE)
    emails = fields.List(fields.Email(), load_default=list)
    webhook_url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                             require_tld=False)
    head_name = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=120))
    head_title = fields.String(load_default=None, allow_none=True,
                               validate=validate.Length(max=120))
    version = fields.Integer(strict=True)


class UserIn(Schema):
    """A user to create."""

    class Meta:
        unknown = EXCLUDE

    username = fields.String(required=True, validate=validate.Length(min=2, max=64))
    password = fields.String(required=True, validate=validate.Length(min=10, max=200))
    full_name = fields.String(required=True, validate=validate.Length(min=2, max=120))
    role = fields.String(required=True)
    unit_code = fields.String(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)


# PostgreSQL cannot hold NUL in text: a filter carrying one is a 422, not a 500
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL (\\x00) characters.")


class CaseQuery(Schema):
    """Filters and paging of the case list."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=NO_NUL)
    unit = fields.String(validate=NO_NUL)
    category = fields.String(validate=NO_NUL)
    priority = fields.String(validate=validate.OneOf(("normal", "urgent", "hot")))
    overdue = fields.Boolean()
    q = fields.String(validate=[validate.Length(max=200), NO_NUL])
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
