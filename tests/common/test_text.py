"""Vietnamese text normalisation."""

import unicodedata

from services.common.text import fold, normalize, normalize_multiline


def test_decomposed_vietnamese_becomes_composed_nfc():
    decomposed = unicodedata.normalize("NFD", "Đảng ủy Khối")
    assert decomposed != "Đảng ủy Khối"
    assert normalize(decomposed) == "Đảng ủy Khối"


def test_spaces_and_control_characters_are_cleaned():
    assert normalize("  Chi\tbộ \x07 cơ   sở ") == "Chi bộ cơ sở"


def test_multiline_text_keeps_paragraphs():
    assert normalize_multiline("Dòng 1  \r\n\r\n\r\n\r\n  Dòng 2") == "Dòng 1\n\nDòng 2"


def test_fold_ignores_accents_and_case():
    assert fold("ĐẢNG ỦY Khối") == fold("dang uy khoi") == "dang uy khoi"
