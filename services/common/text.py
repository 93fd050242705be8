"""Vietnamese text helpers: Unicode NFC, whitespace, accent-insensitive keys."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize(text):
    """NFC-normalise, drop control characters, collapse runs of spaces, strip the ends."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", str(text))
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def normalize_multiline(text):
    """NFC-normalise a long text, keeping its line breaks but trimming each line."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fold(text):
    """Lower-case and strip diacritics (đ→d) for accent-insensitive matching and search."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", normalize(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")
