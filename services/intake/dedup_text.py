"""Vietnamese text for duplicate detection: tokens, folded forms, abbreviations, numbers.

A text becomes a list of `Token`s: each has its folded form (lower case, no diacritics,
đ→d), whether it was capitalised in the original (for proper names) and whether it starts
a sentence. Common administrative abbreviations are expanded to their folded full form,
numbers lose their thousands separators (a decimal comma becomes a point) and dates become
"ngay D thang M nam Y", so "12/5/2025" and "ngày 12 tháng 5 năm 2025" read the same.
No framework imports.
"""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from services.common.text import fold

# abbreviation (folded) → folded full form
ABBREVIATIONS = {
    "kcn": "khu cong nghiep", "kcx": "khu che xuat", "ccn": "cum cong nghiep",
    "kdt": "khu do thi", "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan",
    "ubmttq": "uy ban mat tran to quoc", "mttq": "mat tran to quoc",
    "bhxh": "bao hiem xa hoi", "bhyt": "bao hiem y te", "bhtn": "bao hiem that nghiep",
    "cnvc": "cong nhan vien chuc", "cnvcld": "cong nhan vien chuc lao dong",
    "cbcnv": "can bo cong nhan vien", "cbcc": "can bo cong chuc",
    "cbccvc": "can bo cong chuc vien chuc", "nld": "nguoi lao dong", "cn": "cong nhan",
    "tccsd": "to chuc co so dang", "dbcs": "dang bo co so", "cbcs": "chi bo co so",
    "du": "dang uy", "duk": "dang uy khoi", "ubkt": "uy ban kiem tra",
    "btv": "ban thuong vu", "bch": "ban chap hanh", "tw": "trung uong",
    "ldld": "lien doan lao dong", "cdcs": "cong doan co so", "dtn": "doan thanh nien",
    "tp": "thanh pho", "tx": "thi xa", "hcm": "ho chi minh", "vn": "viet nam",
    "ql": "quoc lo", "sxkd": "san xuat kinh doanh", "atvsld": "an toan ve sinh lao dong",
    "atld": "an toan lao dong", "tnld": "tai nan lao dong", "hdld": "hop dong lao dong",
    "vsattp": "ve sinh an toan thuc pham", "attp": "an toan thuc pham",
    "pccc": "phong chay chua chay", "qsdd": "quyen su dung dat",
    "gcn": "giay chung nhan", "gpmb": "giai phong mat bang", "tdc": "tai dinh cu",
    "thcs": "trung hoc co so", "thpt": "trung hoc pho thong", "cty": "cong ty",
    "ctcp": "cong ty co phan", "cp": "co phan", "tnhh": "trach nhiem huu han",
    "mtv": "mot thanh vien", "xd": "xay dung", "dn": "doanh nghiep", "gd": "giam doc",
    "ca": "cong an",
}
# abbreviations that are also ordinary words when written in lower case
NEEDS_UPPER = frozenset({"du", "ca", "cn", "dn", "gd", "xd", "tw", "cp", "tx", "vn", "ql"})
# one capital letter and a dot before a name or a number: "Q. Ba Đình", "P.5"
LETTER_ABBREVIATIONS = {"Q": "quan", "P": "phuong", "X": "xa", "H": "huyen"}
# a word right after a number: "500k", "3tr", "60.000đ"
NUMBER_SUFFIXES = {"d": "dong", "vnd": "dong", "dong": "dong", "tr": "trieu", "k": "nghin",
                   "ngan": "nghin", "nghin": "nghin", "ty": "ty"}
SPELLING = {"ngan": "nghin"}  # regional spellings read as one word

_TOKENS = re.compile(
    r"(?P<date>\d{1,2}/\d{4}(?!\d)|\d{1,2}/\d{1,2}(?:/\d{4}|/\d{2})?(?![\d/]))"
    r"|(?P<area>k?m[23])(?![^\W_])"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<pct>%)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<stop>[.!?;:\n]+)")
_BREAK = re.compile(r"[^\s\-\u2010-\u2014]")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3}){2,}")


class Token(NamedTuple):
    """One word of a text, folded, with what the original said about it.

    `cap`: capitalised; `start`: begins a sentence; `abbr`: part of an expanded
    abbreviation; `lower`: the original in lower case, diacritics kept; `brk`: punctuation
    other than a hyphen stands before it.
    """

    folded: str
    cap: bool = False
    start: bool = False
    abbr: bool = False
    lower: str = ""
    brk: bool = False


@lru_cache(maxsize=65536)
def fold_word(word):
    """A single word folded: lower case, diacritics dropped, đ→d."""
    return fold(word)


def number_text(raw):
    """A number as written ("1.200.000", "1,5", "2.000") → plain digits ("1200000", "1.5")."""
    if _THOUSANDS.fullmatch(raw):
        return raw.replace(".", "").replace(",", "")
    head, _, tail = raw.replace(",", ".").partition(".")
    tail = tail.replace(".", "")
    head = head.lstrip("0") or "0"
    return f"{head}.{tail.rstrip('0')}".rstrip(".") if tail else head


def is_number(word):
    """True for a token that is a plain number."""
    return word[:1].isdecimal()  # not "²": a digit to str, but no number to float()


def _date_words(raw):
    """ "12/5/2025" → ["ngay", "12", "thang", "5", "nam", "2025"], or None if not a date."""
    parts = [int(p) for p in raw.split("/")]
    if len(parts) == 2 and parts[1] > 31:
        month, year = parts
        return ["thang", str(month), "nam", str(year)] if 1 <= month <= 12 else None
    day, month = parts[0], parts[1]
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    words = ["ngay", str(day), "thang", str(month)]
    if len(parts) == 3:
        year = parts[2] + 2000 if parts[2] < 100 else parts[2]
        words += ["nam", str(year)]
    return words


def _letter_abbreviation(text, match):
    """ "Q." / "P." / "X." / "H." before a name or a number → its full word, else None."""
    word = match.group("word")
    if word not in LETTER_ABBREVIATIONS or text[match.end():match.end() + 1] != ".":
        return None
    rest = text[match.end() + 1:match.end() + 3].lstrip()
    return LETTER_ABBREVIATIONS[word] if rest and (rest[0].isupper() or rest[0].isdigit()) \
        else None


@lru_cache(maxsize=65536)
def _word_form(word):
    """(folded, tokens) of a word out of context: an expanded abbreviation or the word."""
    folded = fold_word(word)
    expansion = ABBREVIATIONS.get(folded)
    if expansion and len(word) > 1 and (word.isupper() or folded not in NEEDS_UPPER):
        return folded, tuple(Token(w, abbr=True) for w in expansion.split())
    cap = word[0].isupper()
    return folded, (Token(SPELLING.get(folded, folded), cap=cap, lower=word.lower()),)


def _word_tokens(text, match, previous, start):
    """The tokens of one word: number suffix, one-letter abbreviation, or `_word_form`."""
    word = match.group("word")
    folded, tokens = _word_form(word)
    if previous is not None and folded in NUMBER_SUFFIXES and is_number(previous.folded):
        return [Token(NUMBER_SUFFIXES[folded], start=start)]
    if word in LETTER_ABBREVIATIONS:
        letter = _letter_abbreviation(text, match)
        if letter:
            return [Token(letter, start=start, abbr=True)]
    if start:
        return [tokens[0]._replace(start=True), *tokens[1:]]
    return list(tokens)


def _shouting(tokens, upper):
    """True for a sentence written in capitals: mostly ALL CAPS words, or Title Case."""
    words = [(t, u) for t, u in zip(tokens, upper, strict=True)
             if not t.abbr and not is_number(t.folded)]
    if len(words) < 3:
        return False
    if sum(u for _, u in words) >= 0.6 * len(words):
        return True
    return len(words) >= 4 and sum(t.cap for t, _ in words) >= 0.9 * len(words)


def _uncap_shouting(tokens, upper):
    """Drop the capital mark from sentences written in capitals: they name nothing."""
    out, sentence, flags = [], [], []
    for token, flag in zip([*tokens, Token("", start=True)], [*upper, False], strict=True):
        if token.start and sentence:
            if _shouting(sentence, flags):
                sentence = [t._replace(cap=False) for t in sentence]
            out.extend(sentence)
            sentence, flags = [], []
        sentence.append(token)
        flags.append(flag)
    return out


def tokenize(text):
    """The `Token`s of a text (NFC, folded, abbreviations expanded, numbers normalised)."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", str(text))
    tokens, upper, start, end = [], [], True, 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        previous = tokens[-1] if tokens else None
        brk = start or bool(_BREAK.search(text, end, match.start()))
        end = match.end()
        if kind == "stop":
            if not (previous and previous.abbr and match.group() == "."):
                start = True
            continue
        if kind == "word":
            new = _word_tokens(text, match, previous, start)
        elif kind == "date":
            words = _date_words(match.group())
            if words is None:
                words = [number_text(p) for p in match.group().split("/")]
            elif previous is not None and previous.folded == words[0]:
                words = words[1:]
            new = [Token(w, start=start and n == 0) for n, w in enumerate(words)]
        elif kind == "area":
            new = [Token("met", start=start), Token("vuong")] if match.group()[-1] == "2" \
                else [Token("met", start=start), Token("khoi")]
        elif kind == "pct":
            new = [Token("phan", start=start), Token("tram")]
        else:
            new = [Token(number_text(match.group()), start=start)]
        tokens.append(new[0]._replace(brk=True) if brk else new[0])
        tokens.extend(new[1:])
        shout = kind == "word" and len(match.group()) > 1 and match.group().isupper()
        upper.extend([shout] * len(new))
        start = False
    return _uncap_shouting(tokens, upper)


def words_of(tokens):
    """The folded words of a token list."""
    return [t.folded for t in tokens]


def matching_text(text):
    """The form two texts are compared in: NFC, folded, abbreviations expanded, one space.

    Lower case, diacritics dropped (đ→d), punctuation and runs of spaces made one space,
    so "Cty TNHH" and "công ty trách nhiệm hữu hạn" read the same.
    """
    return " ".join(words_of(tokenize(text)))
