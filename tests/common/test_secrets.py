"""Comparing secrets: constant time, and any text a client sends is just unequal."""

from services.common.auth import same_secret


def test_equal_texts_match_and_others_do_not_whatever_their_characters():
    assert same_secret("sha256=abc", "sha256=abc")
    assert same_secret("mật-khẩu", "mật-khẩu")
    assert not same_secret("sha256=ạbc", "sha256=abc")
    assert not same_secret("", "abc")
