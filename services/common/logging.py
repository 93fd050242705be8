"""JSON logs on stderr, each line carrying the correlation id of the work in hand."""

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

correlation_id_var = contextvars.ContextVar("correlation_id", default=None)


def set_correlation_id(value):
    """Bind a correlation id to the current greenlet's context."""
    correlation_id_var.set(str(value) if value else None)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object per line."""

    def __init__(self, service=None):
        super().__init__()
        self.service = service

    def format(self, record):
        """Render the record, its correlation id and any exception as JSON."""
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self.service:
            entry["service"] = self.service
        correlation_id = getattr(record, "correlation_id", None) or correlation_id_var.get()
        if correlation_id:
            entry["correlation_id"] = correlation_id
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ExpectedErrorFilter(logging.Filter):
    """nameko's "(expected) error handling worker" (a 4xx answer) becomes one INFO line."""

    def filter(self, record):
        """Drop the traceback and lower the level of refusals a client caused."""
        if record.name == "nameko.containers" and str(record.msg).startswith("(expected)"):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
            return logging.getLogger().isEnabledFor(logging.INFO)
        return True


def configure_logging(service=None, level="INFO"):
    """Send every logger's records to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(ExpectedErrorFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("amqp", "kombu", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
