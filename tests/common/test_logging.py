"""JSON log lines carry the service and the correlation id of the work in hand."""

import io
import json
import logging
import sys

import pytest

from services.common.logging import JsonFormatter, configure_logging, set_correlation_id
from services.common.web import ApiError, UnprocessableError


@pytest.fixture(autouse=True)
def keep_root_logging():
    """Put the root logger back as it was after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def record(message, exc_info=None):
    return logging.LogRecord("services.test", logging.WARNING, __file__, 1, message, (), exc_info)


def test_log_line_is_json_with_service_and_correlation_id():
    set_correlation_id("sub-123")
    line = json.loads(JsonFormatter("intake").format(record("Đã nhận phản ánh")))
    assert line["service"] == "intake"
    assert line["correlation_id"] == "sub-123"
    assert line["message"] == "Đã nhận phản ánh"
    assert line["level"] == "WARNING"


def test_exception_is_kept_inside_the_json_line():
    set_correlation_id(None)
    try:
        raise ValueError("hỏng")
    except ValueError:
        text = JsonFormatter().format(record("failed", sys.exc_info()))
    line = json.loads(text)
    assert "correlation_id" not in line
    assert "ValueError: hỏng" in line["exc"]
    assert "\n" not in text


def nameko_record(message, exc):
    """A record as nameko's container logs a failed worker."""
    try:
        raise exc
    except Exception:  # noqa: BLE001 - we want the exc_info of whatever was raised
        exc_info = sys.exc_info()
    level = logging.WARNING if message.startswith("(expected)") else logging.ERROR
    return logging.LogRecord("nameko.containers", level, __file__, 1, message + " %s",
                             (exc,), exc_info)


def emitted(rec, level="INFO"):
    """The JSON lines the service's log handler writes for one record."""
    stream = io.StringIO()
    configure_logging("cases", level)
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)
    handler.handle(rec)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_refused_request_is_one_info_line_without_traceback():
    rec = nameko_record("(expected) error handling worker", UnprocessableError("Sai trường"))
    [line] = emitted(rec)
    assert line["level"] == "INFO"
    assert "exc" not in line
    assert "Sai trường" in line["message"]
    assert emitted(nameko_record("(expected) error handling worker", ApiError("x")),
                   level="WARNING") == []


def test_an_unexpected_error_keeps_its_level_and_traceback():
    [line] = emitted(nameko_record("error handling worker", RuntimeError("hỏng")))
    assert line["level"] == "ERROR"
    assert "RuntimeError: hỏng" in line["exc"]
