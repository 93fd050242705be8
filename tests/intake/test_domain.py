"""Tracking codes and request fingerprints."""

import random

from services.intake.domain import (
    ALPHABET,
    fingerprint,
    new_tracking_code,
    parse_tracking_code,
)


def test_new_codes_are_grouped_and_valid():
    code = new_tracking_code()
    assert len(code) == 13 and code[4] == "-" and code[9] == "-"
    assert parse_tracking_code(code) == code


def test_codes_are_not_repeated_in_a_large_sample():
    codes = {new_tracking_code() for _ in range(20_000)}
    assert len(codes) == 20_000


def test_lookup_forgives_case_spaces_and_look_alike_letters():
    code = new_tracking_code()
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_tracking_code(typed) == code


def test_every_single_wrong_character_is_caught():
    for _ in range(50):
        raw = new_tracking_code().replace("-", "")
        for i in range(len(raw)):
            for ch in ALPHABET:
                if ch != raw[i]:
                    assert parse_tracking_code(raw[:i] + ch + raw[i + 1:]) is None


def test_almost_every_swap_of_neighbours_is_caught():
    rng = random.Random(7)
    swaps = caught = 0
    for _ in range(2000):
        raw = new_tracking_code().replace("-", "")
        j = rng.randrange(len(raw) - 1)
        if raw[j] == raw[j + 1]:
            continue
        swaps += 1
        caught += parse_tracking_code(raw[:j] + raw[j + 1] + raw[j] + raw[j + 2:]) is None
    assert caught / swaps > 0.95


def test_garbage_is_not_a_code():
    for text in ("", None, "ABC", "ABCD-EFGH-JKMN-P", "UUUU-UUUU-UUU"):
        assert parse_tracking_code(text) is None


def test_fingerprint_ignores_key_order_but_not_content():
    assert fingerprint({"a": 1, "b": "ư"}) == fingerprint({"b": "ư", "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
