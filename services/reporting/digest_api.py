"""What the digest API answers: the list of stored digests and one digest in full."""

from marshmallow import RAISE, Schema, fields, validate

from services.common.openapi import Operation
from services.common.web import NotFoundError

from .digest_periods import KINDS
from .digests import as_json, list_digests
from .models import Digest


class DigestQuery(Schema):
    """`?kind=&page=&per_page=` of the digest list; unknown parameters are refused."""

    class Meta:
        unknown = RAISE

    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


DIGEST_QUERY = DigestQuery()


def digest_page(session, args, link_base):
    """One page of digests, newest period first, for loaded-or-raw query `args` (422 on a bad
    kind or paging value)."""
    query = DIGEST_QUERY.load(args)
    rows, total = list_digests(session, **query)
    return {"items": [as_json(digest, link_base) for digest in rows], "total": total,
            "page": query["page"], "per_page": query["per_page"]}


def digest_detail(session, digest_id, link_base):
    """One digest with its sections, or NotFoundError (404)."""
    digest = session.get(Digest, digest_id)
    if digest is None:
        raise NotFoundError(f"No digest with id {digest_id!r}.",
                            fields={"digest_id": ["Unknown digest."]}, code="unknown_digest")
    return as_json(digest, link_base, with_sections=True)


TEXT = {"type": "string"}
DAY = {"type": "string", "format": "date"}
DIGEST = {
    "type": "object",
    "required": ["id", "kind", "kind_name", "period", "period_start", "period_end", "title",
                 "summary", "compiled_at", "link"],
    "properties": {"id": TEXT, "kind": {"type": "string", "enum": list(KINDS)},
                   "kind_name": TEXT, "period": TEXT, "period_start": DAY, "period_end": DAY,
                   "title": TEXT, "summary": TEXT,
                   "compiled_at": {"type": "string", "format": "date-time"}, "link": TEXT,
                   "sections": {"type": "object", "additionalProperties": {"type": "object"}}},
}
DIGEST_PAGE = {"type": "object", "required": ["items", "total", "page", "per_page"],
               "properties": {"items": {"type": "array", "items": DIGEST},
                              "total": {"type": "integer"}, "page": {"type": "integer"},
                              "per_page": {"type": "integer"}}}
DIGEST_OPERATIONS = (
    Operation("GET", "/api/v1/digests",
              "Stored digests (weekly, monthly, quarter1, half_year, nine_months, year), newest "
              "period first (leaders, clerks, admins)", query=DigestQuery, secured=True,
              errors=("401", "403", "422"), response=DIGEST_PAGE),
    Operation("GET", "/api/v1/digests/<digest_id>",
              "One digest with its sections: summary, on-time rate, resolution time, overdue "
              "and hot matters, top units, monthly-report compliance, trend", secured=True,
              errors=("401", "403", "404"), response=DIGEST),
)
