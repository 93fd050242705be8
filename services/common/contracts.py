"""Event contracts: the envelope and one marshmallow schema per event type (the wire format)."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

CHANNELS = (
    "web", "api", "import", "open311", "chatbot", "meeting", "hotline", "periodic_report",
    "media",
)
PRIORITIES = ("normal", "urgent", "hot")


class ContractError(ValueError):
    """An event does not match its contract; retrying cannot help."""

    def __init__(self, event_type, messages):
        super().__init__(f"{event_type}: {messages}")
        self.event_type = event_type
        self.messages = messages


class _Open(Schema):
    """Schema that keeps unknown fields, so newer producers do not break older consumers."""

    class Meta:
        unknown = INCLUDE


class EnvelopeSchema(_Open):
    """The envelope every event travels in (DESIGN §3)."""

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True, validate=validate.Length(min=1, max=64))
    schema_version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    producer = fields.String(required=True)
    correlation_id = fields.String(required=True)
    causation_id = fields.String(required=True)
    aggregate_id = fields.String(required=True)
    aggregate_version = fields.Integer(required=True, validate=validate.Range(min=1))
    payload = fields.Dict(required=True)


ENVELOPE = EnvelopeSchema()


class ReporterSchema(_Open):
    """Who reported a matter; personal data that stays in intake and cases."""

    name = fields.String(load_default=None, allow_none=True)
    contact = fields.String(load_default=None, allow_none=True)
    consent_to_contact = fields.Boolean(load_default=False)


class DuplicateRefSchema(_Open):
    """An earlier open submission a new one probably repeats, and how alike they are."""

    submission_id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    score = fields.Float(required=True)


class FeedbackReceivedSchema(_Open):
    """`feedback_received`: intake stored a submission from any channel."""

    submission_id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    category = fields.String(load_default=None, allow_none=True)
    unit_code = fields.String(load_default=None, allow_none=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    submitted_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    reporter = fields.Nested(ReporterSchema, load_default=None, allow_none=True)
    possible_duplicate_of = fields.Nested(DuplicateRefSchema, load_default=None,
                                          allow_none=True)


class CaseOpenedSchema(_Open):
    """`case_opened`: cases opened a case from a submission. Carries no personal data."""

    case_id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    submission_id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(load_default=None, allow_none=True)
    unit_code = fields.String(load_default=None, allow_none=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    status = fields.String(required=True)
    opened_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class CaseChangedSchema(_Open):
    """Every `case_*` event after `case_opened`: the case's state after the change and why.

    Carries no reporter personal data.
    """

    case_id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    title = fields.String(load_default=None, allow_none=True)
    action = fields.String(required=True)
    status = fields.String(required=True)
    from_status = fields.String(load_default=None, allow_none=True)
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    sensitivity = fields.String(load_default="normal")
    category = fields.String(load_default=None, allow_none=True)
    unit_code = fields.String(load_default=None, allow_none=True)
    assigned_unit = fields.String(load_default=None, allow_none=True)
    coordinating_units = fields.List(fields.String(), load_default=list)
    escalation_level = fields.Integer(load_default=0)
    escalated_units = fields.List(fields.String(), load_default=list)
    deadline_at = fields.AwareDateTime(load_default=None, allow_none=True,
                                       default_timezone=UTC)
    actor_id = fields.String(required=True)
    actor_role = fields.String(required=True)
    details = fields.Dict(load_default=dict)


class UnitSchema(_Open):
    """`unit_updated`: a directory unit as it now stands (organisational contacts only)."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    sector = fields.String(load_default=None, allow_none=True)
    parent = fields.String(load_default=None, allow_none=True)
    emails = fields.List(fields.String(), load_default=list)
    webhook_url = fields.String(load_default=None, allow_none=True)
    head_name = fields.String(load_default=None, allow_none=True)
    head_title = fields.String(load_default=None, allow_none=True)
    active = fields.Boolean(required=True)


class NotificationOutcomeSchema(_Open):
    """`notification_delivered` / `notification_failed`: what became of one delivery.

    Carries no address: the recipient may be a reporter.
    """

    delivery_id = fields.String(required=True)
    source_event_id = fields.String(required=True)
    source_event_type = fields.String(required=True)
    case_id = fields.String(load_default=None, allow_none=True)
    channel = fields.String(required=True)
    attempts = fields.Integer(required=True)
    error = fields.String(load_default=None, allow_none=True)


class PeriodicReportReceivedSchema(_Open):
    """`periodic_report_received`: a grassroots unit sent its monthly situation report."""

    report_id = fields.String(required=True)
    unit_code = fields.String(required=True)
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$"))
    submitted_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    items = fields.Integer(load_default=0)
    items_needing_action = fields.Integer(load_default=0)


class PeriodicReportMissingSchema(_Open):
    """`periodic_report_missing`: a unit's monthly report had not arrived by its due day."""

    unit_code = fields.String(required=True)
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$"))
    due_on = fields.Date(required=True)


class DigestCompiledSchema(_Open):
    """`digest_compiled`: reporting stored a digest for leadership (weekly, monthly, ...)."""

    digest_id = fields.String(required=True)
    kind = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    link = fields.String(load_default=None, allow_none=True)


CASE_CHANGE_EVENTS = (
    "case_assigned", "case_transferred", "case_status_changed", "case_commented",
    "case_overdue", "case_escalated", "case_resolved", "case_closed", "case_reopened",
    "case_merged",
)


@dataclass(frozen=True)
class Contract:
    """One event type: who produces it, its current version and its payload schema."""

    event_type: str
    producer: str
    version: int
    schema_class: type

    @cached_property
    def schema(self):
        """A shared instance of the payload schema (marshmallow schemas keep no call state)."""
        return self.schema_class()


CONTRACTS = {
    c.event_type: c
    for c in (
        Contract("feedback_received", "intake", 1, FeedbackReceivedSchema),
        Contract("case_opened", "cases", 1, CaseOpenedSchema),
        *(Contract(name, "cases", 1, CaseChangedSchema) for name in CASE_CHANGE_EVENTS),
        Contract("unit_updated", "cases", 1, UnitSchema),
        Contract("notification_delivered", "notify", 1, NotificationOutcomeSchema),
        Contract("notification_failed", "notify", 1, NotificationOutcomeSchema),
        Contract("periodic_report_received", "intake", 1, PeriodicReportReceivedSchema),
        Contract("periodic_report_missing", "reporting", 1, PeriodicReportMissingSchema),
        Contract("digest_compiled", "reporting", 1, DigestCompiledSchema),
    )
}


@dataclass
class Event:
    """A loaded event: envelope fields plus the validated payload."""

    event_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    producer: str
    correlation_id: str
    causation_id: str
    aggregate_id: str
    aggregate_version: int
    payload: dict
    extra: dict = field(default_factory=dict)
    consumer: str | None = None


def contract_for(event_type):
    """Return the contract of an event type or raise ContractError."""
    try:
        return CONTRACTS[event_type]
    except KeyError:
        raise ContractError(event_type, {"event_type": ["Unknown event type."]}) from None


def new_event(event_type, payload, *, aggregate_id, aggregate_version=1, cause=None,
              correlation_id=None):
    """Build a wire-ready envelope (a JSON-safe dict), validating the payload on the way out."""
    contract = contract_for(event_type)
    schema = contract.schema
    try:
        loaded = schema.load(payload)
    except ValidationError as exc:
        raise ContractError(event_type, exc.messages) from None
    event_id = str(uuid.uuid4())
    if cause is not None:
        correlation_id = correlation_id or cause.correlation_id
        causation_id = cause.event_id
    else:
        correlation_id = correlation_id or event_id
        causation_id = correlation_id
    envelope = {
        "event_id": event_id,
        "event_type": event_type,
        "schema_version": contract.version,
        "occurred_at": datetime.now(UTC),
        "producer": contract.producer,
        "correlation_id": str(correlation_id),
        "causation_id": str(causation_id),
        "aggregate_id": str(aggregate_id),
        "aggregate_version": aggregate_version,
        "payload": schema.dump(loaded),
    }
    return ENVELOPE.dump(envelope)


def load_event(body):
    """Validate an incoming envelope and its payload; unknown fields are kept in `extra`."""
    if not isinstance(body, dict):
        raise ContractError("?", {"_schema": ["Event body must be a JSON object."]})
    try:
        data = ENVELOPE.load(body)
    except ValidationError as exc:
        raise ContractError(body.get("event_type", "?"), exc.messages) from None
    contract = contract_for(data["event_type"])
    try:
        payload = contract.schema.load(data["payload"])
    except ValidationError as exc:
        raise ContractError(data["event_type"], {"payload": exc.messages}) from None
    extra = {k: v for k, v in data.items() if k not in ENVELOPE.fields}
    return Event(
        event_id=str(data["event_id"]),
        event_type=data["event_type"],
        schema_version=data["schema_version"],
        occurred_at=data["occurred_at"],
        producer=data["producer"],
        correlation_id=data["correlation_id"],
        causation_id=data["causation_id"],
        aggregate_id=data["aggregate_id"],
        aggregate_version=data["aggregate_version"],
        payload=payload,
        extra=extra,
    )
