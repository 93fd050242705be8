"""Reading HTML form posts strictly: a size cap, one content type, UTF-8 only, no control codes.

The JSON API has `web.read_json`; this is its equivalent for `application/x-www-form-urlencoded`
bodies, which werkzeug would otherwise decode leniently (bad bytes become U+FFFD).
"""

import re
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict

FORM_TYPE = "application/x-www-form-urlencoded"
# 10,000 Vietnamese characters can take 9 bytes each once percent-encoded (%E1%BB%87)
MAX_FORM_BYTES = 128 * 1024
MAX_FIELDS = 40
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class FormError(Exception):
    """A form body that cannot be read: `reason` names the problem, `status` its HTTP status."""

    def __init__(self, reason, status):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def strip_controls(text):
    """Drop control characters (C0 and C1), keeping tabs and line breaks."""
    return _CONTROL.sub("", text)


def read_form(request, max_bytes=MAX_FORM_BYTES, max_fields=MAX_FIELDS):
    """Parse a urlencoded UTF-8 form body, or raise FormError (413, 415 or 400)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise FormError("too_large", 413)
    if request.mimetype != FORM_TYPE:
        raise FormError("unsupported_media_type", 415)
    if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        raise FormError("unsupported_media_type", 415)
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise FormError("too_large", 413)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                          errors="strict", max_num_fields=max_fields)
    except UnicodeDecodeError:
        raise FormError("invalid_utf8", 400) from None
    except ValueError:
        raise FormError("too_many_fields", 400) from None
    return MultiDict((strip_controls(name), strip_controls(value)) for name, value in pairs)
