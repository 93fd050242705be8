"""Intake rules: tracking codes and request fingerprints. No framework imports."""

import hashlib
import json
import secrets

# Crockford's base32: no I, L, O, U; easy to read aloud and to type from paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_character(data):
    """Luhn mod 32 check symbol: catches any single wrong character and most swaps."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for ch in reversed(data):
        addend = factor * ALPHABET.index(ch)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_tracking_code():
    """A random 50-bit code with a check character, grouped as XXXX-XXXX-XXC."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return format_code(data + check_character(data))


def format_code(raw):
    """Group an 11-character code for display: 4-4-3."""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def parse_tracking_code(text):
    """Normalise what a person typed (case, dashes, spaces, O/I/L) and verify the check.

    Returns the canonical code, or None when it cannot be a valid code.
    """
    if not text:
        return None
    raw = "".join(ch for ch in str(text).upper() if ch not in " -_.").translate(_READ_AS)
    if len(raw) != DATA_LENGTH + 1:
        return None
    data, check = raw[:DATA_LENGTH], raw[DATA_LENGTH:]
    if any(ch not in ALPHABET for ch in data) or check_character(data) != check:
        return None
    return format_code(raw)


def fingerprint(payload):
    """A stable hash of a request body, to tell a retried request from a different one."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
