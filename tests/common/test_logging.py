"""JSON log lines carry the service and the correlation id of the work in hand."""

import json
import logging
import sys

from services.common.logging import JsonFormatter, set_correlation_id


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
