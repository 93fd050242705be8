"""Distinguishing facts of a submission — numbers and proper names — and their conflicts.

Two texts on the same topic are different matters when they disagree on a fact both of
them state: "nợ lương 3 tháng" and "nợ lương 5 tháng", "Công ty May Hòa Bình" and "Công
ty May Hòa Phát", "xã Tân Lập" and "xã Tân Tiến". A fact only one of them states is no
conflict (a reworded complaint often leaves details out). No framework imports.

Numbers: Vietnamese puts a quantity before its noun ("3 tháng", "200 công nhân") and an
identifier after it ("tháng 3", "tổ dân phố 7", "số 12"); each number becomes (unit, value)
or ("#" + key, value) accordingly, with money scaled ("1,5 triệu" = 1500000 dong).
Names: runs of capitalised words that do not start a sentence (or start it with two or
more words), with the marker word before them ("xã", "công ty", "ông", "KCN"...).
"""

from typing import NamedTuple

from .dedup_text import is_number
from .dedup_vocab import (
    GENERIC_NAMES,
    ID_KEYS,
    JOINERS,
    LEGAL_FORMS,
    MARKERS,
    MULTIPLIERS,
    NAME_SYLLABLES,
    NOT_UNITS,
    ORG_CLASSES,
    STOPWORDS,
    TIME_KEYS,
    UNITS,
    WORD_FORMS,
    longest_phrase,
)

# words that cannot be part of a name found after a marker in a text without capitals
_NOT_NAME = (STOPWORDS - NAME_SYLLABLES) | frozenset(p for p in MARKERS if " " not in p)


class Name(NamedTuple):
    """A proper name as folded words, with the class of the marker before it (or None)."""

    text: str
    marker: str | None


def _value(word, multiplier):
    """A number scaled by a multiplier, as a short canonical string."""
    value = float(word) * multiplier
    return str(int(value)) if value == int(value) else f"{value:g}"


def extract_numbers(tokens):
    """The (unit or #key, value) facts of a token list."""
    words = [t.folded for t in tokens]
    facts, i, n, listed, last_end = set(), 0, len(words), None, -1
    while i < n:
        if not is_number(words[i]):
            i += 1
            continue
        group, j = [words[i]], i + 1
        while j < n:
            if is_number(words[j]) and not tokens[j].brk:
                group.append(words[j])
                j += 1
            elif (words[j] in JOINERS and j + 1 < n and is_number(words[j + 1])
                  and not tokens[j + 1].brk):
                group.append(words[j + 1])
                j += 2
            else:
                break
        found = _number_facts(words, i, j, group, (tokens[i].brk, j < n and tokens[j].brk),
                              listed if listed and tokens[i].brk and i == last_end else None)
        facts.update(found)
        listed = found[0][0] if found[0][0].startswith("#") else None
        i = last_end = j
    return frozenset(facts)


def _number_facts(words, i, j, group, cut, listed):
    """The facts of numbers words[i:j]: by the key before them, else by the unit after them,
    else by the key of a list they continue ("tháng 8, 9, 10"), else by the word before.
    `cut` says whether punctuation stands before and after them."""
    n = len(words)
    key = None if cut[0] else longest_phrase(ID_KEYS, words, i, backwards=True)
    multiplier = MULTIPLIERS.get(words[j], 1) if j < n and not cut[1] else 1
    unit = None if cut[1] else longest_phrase(UNITS, words, j + (multiplier != 1))
    if key is not None and (unit is not None or multiplier != 1) and key not in TIME_KEYS:
        key = None  # "tăng 30 %", "tầng 3 người": the quantity, not an identifier
    if key is not None:
        return [("#" + ID_KEYS[key], _value(g, 1)) for g in group]
    if unit is not None or multiplier != 1:
        name = UNITS[unit] if unit is not None else "dong"
        return [(name, _value(g, multiplier)) for g in group]
    if listed:
        return [(listed, _value(g, 1)) for g in group]
    if j < n and not cut[1] and words[j].isalpha() and words[j] not in NOT_UNITS:
        return [(words[j], _value(g, 1)) for g in group]
    return [("#nam" if len(g) == 4 and "1900" <= g <= "2100"
             else "#" + words[i - 1] if i > 0 and not cut[0] and words[i - 1].isalpha()
             else "#", _value(g, 1)) for g in group]


class _Reader:
    """Reads the markers, legal forms and generic phrases of one token list."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.words = [t.folded for t in tokens]
        self.marked = any(t.lower and t.lower != t.folded for t in tokens)
        self._seen = {}

    def phrase_at(self, i):
        """(kind, phrase) of the longest marker, legal form or generic phrase at i, or None."""
        if i not in self._seen:
            self._seen[i] = self._phrase_at(i)
        return self._seen[i]

    def _phrase_at(self, i):
        """`phrase_at`, uncached."""
        found = []
        for rank, (kind, table) in enumerate((("marker", MARKERS), ("legal", LEGAL_FORMS),
                                              ("generic", GENERIC_NAMES))):
            phrase = longest_phrase(table, self.words, i)
            if phrase is not None and not self._other_word(phrase, i):
                found.append((len(phrase.split()), rank, kind, phrase))
        return max(found)[2:] if found else None

    def _other_word(self, phrase, i):
        """True when a one-word marker or generic word at i is another word: written
        otherwise ("ánh" is not "anh", "Đặng" is not "Đảng"), or, in a text without
        diacritics, capitalised right after a marker or inside a name ("xa Bac Xuan",
        "phuong Hong Bac": Bắc, not bác)."""
        forms, token = WORD_FORMS.get(phrase), self.tokens[i]
        if not forms or not token.lower:
            return False
        if self.marked:
            return token.lower not in forms
        if not token.cap or token.start or token.brk or i == 0:
            return False
        before = self.tokens[i - 1]
        return ((before.cap and not before.abbr)
                or longest_phrase(MARKERS, self.words, i, backwards=True) is not None)

    def name_end(self, i, marker):
        """The end (exclusive) of a run of capitalised words starting at i.

        After an organisation's marker a single lower-case word may sit between
        capitalised ones ("Công ty Xây dựng Bình Minh", "Sở Nông nghiệp"); after a
        person's, words that could be markers are names ("anh Dương Minh Quân").
        """
        n, j = len(self.tokens), i + 1
        org, person = marker in ORG_CLASSES, marker == "person"
        while j < n:
            if self._name_word(j, person):
                j += 1
            elif org and (gap := self._gap(j)):
                j += gap
            else:
                break
        return j

    def _gap(self, j):
        """1 or 2 lower-case words at j between capitalised words of an organisation's name
        ("Xây dựng Bình Minh", "Chế biến gỗ Quang Hồng"), else 0."""
        for size in (1, 2):
            inside = range(j, j + size)
            if j + size >= len(self.tokens) or not all(self._plain(k) for k in inside):
                return 0
            if self._name_word(j + size):
                return size
        return 0

    def _plain(self, k):
        """A lower-case word that may sit inside an organisation's name."""
        token = self.tokens[k]
        return (not token.cap and not token.abbr and not token.brk
                and not is_number(token.folded) and self.words[k] not in JOINERS
                and self.phrase_at(k) is None)

    def _name_word(self, j, person=False):
        """A capitalised word inside a sentence that begins no marker or generic phrase
        (or no generic phrase, in a person's name)."""
        token = self.tokens[j]
        if not token.cap or token.start or token.brk or token.abbr:
            return False
        found = self.phrase_at(j)
        return found is None or (person and found[0] == "marker")


def extract_names(tokens):
    """The proper names of a token list, each with its marker's class."""
    reader, names, marker, i, n = _Reader(tokens), [], None, 0, len(tokens)
    while i < n:
        token = tokens[i]
        if token.start:
            marker = None
        found = reader.phrase_at(i)
        if (found is not None and found[0] != "legal" and " " not in found[1]
                and marker == "person" and token.cap and not token.start):
            found = None  # "đồng chí Dương Minh Quân": after a title, a capital is a name
        if found is not None:
            kind, phrase = found
            if kind == "marker":
                marker = MARKERS[phrase]
            elif kind == "generic":
                marker = None
            i += len(phrase.split())
            continue
        if token.cap and not token.abbr:
            end = reader.name_end(i, marker)
            if not token.start or end > i + 1:
                names.append(Name(" ".join(reader.words[i:end]), marker))
            marker, i = None, end
            continue
        if not token.abbr:
            marker = None
        i += 1
    return tuple(dict.fromkeys(names))


def _contains(haystack, needle):
    """True when `needle` occurs in `haystack` as whole words."""
    return f" {needle} " in f" {haystack} "


def _same_role(a, b):
    """Two names that may stand for the same thing: same marker class, or one unmarked."""
    return a.marker is None or b.marker is None or a.marker == b.marker


def _unmatched(names, other_names, other_text):
    """Names the other text lacks: no name of its in the same role contains or is contained
    in them, nor (when it names nothing in that role) do its words."""
    missing = []
    for name in names:
        peers = [o for o in other_names if _same_role(name, o)]
        if any(_contains(name.text, o.text) or _contains(o.text, name.text) for o in peers):
            continue
        if not any(o.marker == name.marker for o in peers) and _contains(other_text, name.text):
            continue
        missing.append(name)
    return missing


def _comparable(a, b):
    """Two names that could stand for the same thing: same marker class or first word."""
    if a.marker is not None and a.marker == b.marker:
        return True
    return a.text.split()[0] == b.text.split()[0]


def marker_contexts(words, size=4):
    """(marker class, the `size` words after it, legal forms skipped) for each marker."""
    for i in range(len(words)):
        found = longest_phrase(MARKERS, words, i)
        if found is None:
            continue
        j = i + len(found.split())
        while (legal := longest_phrase(LEGAL_FORMS, words, j)) is not None:
            j += len(legal.split())
        yield MARKERS[found], words[j:j + size]


def pseudo_names(text, limit=12):
    """Stand-ins for names in a text without capitals: the word pairs after its markers.

    Nearest first ("xa yen phu" → "yen phu"; "cong ty may hoa binh" → "may hoa", then
    "hoa binh"), leaving out pairs with a number, a stop word or a one-word marker.
    """
    words = text.split()
    contexts = [after for _, after in marker_contexts(words)]
    pairs = {}
    for k in range(3):
        for after in contexts:
            pair = after[k:k + 2]
            if len(pair) == 2 and not any(is_number(w) or w in _NOT_NAME for w in pair):
                pairs.setdefault(" ".join(pair), None)
    return list(pairs)[:limit]


def _diverges(name, text, marker):
    """True when the text follows a marker of the name's class with its first words and
    then others ("xa tan tien" against "tan lap")."""
    parts = name.text.split()
    for cls, after in marker_contexts(text.split(), len(parts) + 1):
        if cls != marker:
            continue
        shared = 0
        while shared < len(parts) and shared < len(after) and after[shared] == parts[shared]:
            shared += 1
        if 0 < shared < len(parts) and len(after) > shared:
            return True
    return False


def name_conflicts(a_names, a_text, b_names, b_text):
    """Pairs of names, one from each text, that tell two matters apart.

    A name one text lacks where the other names something else in the same role ("xã Tân
    Lập", "xã Tân Tiến"); two lacking names that begin alike ("Bình Minh", "Bình An"); or
    a name whose marker the other text follows with other words ("xa tan tien" typed
    without capitals; "?" stands for those words).
    """
    found = set()
    for names, other_names, other_text, flip in ((a_names, b_names, b_text, False),
                                                 (b_names, a_names, a_text, True)):
        for x in _unmatched(names, other_names, other_text):
            if not x.marker:
                continue
            rivals = [y.text for y in other_names if y.marker == x.marker]
            if not rivals and _diverges(x, other_text, x.marker):
                rivals = ["?"]
            found.update((y, x.text) if flip else (x.text, y) for y in rivals)
    left = _unmatched(a_names, b_names, b_text)
    right = _unmatched(b_names, a_names, a_text)
    found.update((x.text, y.text) for x in left for y in right if _comparable(x, y))
    return sorted(found)


def number_conflicts(a_numbers, b_numbers):
    """Units or keys both texts give a number for, with no value in common."""
    by_key_a, by_key_b = {}, {}
    for key, value in a_numbers:
        by_key_a.setdefault(key, set()).add(value)
    for key, value in b_numbers:
        by_key_b.setdefault(key, set()).add(value)
    return sorted(key for key in by_key_a.keys() & by_key_b.keys()
                  if not by_key_a[key] & by_key_b[key])
