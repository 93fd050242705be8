"""Duplicate detection for intake: exact resubmissions and near-duplicates of open matters.

An exact resubmission (same words once case, diacritics, spacing and abbreviations are
set aside) has the same `exact_key`. A near-duplicate — the same matter reworded, without
diacritics, in another word order — is found by locality-sensitive `band_keys` (MinHash
over the text's content words, in bands) and confirmed by `is_near_duplicate`: similar
enough, and no conflicting number, name or place. Pure domain code: no framework imports.
"""

import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from sys import intern

from .dedup_facts import (
    Name,
    extract_names,
    extract_numbers,
    name_conflicts,
    number_conflicts,
    pseudo_names,
)
from .dedup_text import matching_text, tokenize
from .dedup_vocab import LEGAL_FORMS, MARKERS, STOP_PHRASES, STOPWORDS, SYNONYMS, longest_phrase

__all__ = ["DuplicateIndex", "MatchDoc", "band_keys", "best_match", "conflicts", "exact_key",
           "is_near_duplicate", "match_doc", "matching_text", "similarity"]

THRESHOLD = 0.5          # similarity at or above which two texts may be one matter
KEY_VERSION = "m2"       # changes whenever band keys are computed differently
NAME_BANDS = 8           # one-value bands joined to each of a text's names
MAX_NAMES = 3            # names a text is keyed under
PSEUDO_BANDS = 2         # one-value bands joined to each word pair after a marker
BANDS, ROWS = 16, 3      # bands of ROWS values of content words (a quarter when named)
MAX_CANDIDATES = 16      # candidates verified per lookup, those sharing most keys first
MAX_BUCKET = 200         # a key held by more open cases than this tells none of them apart
_PRIME = (1 << 61) - 1
_rng = random.Random(20250917)
_PERMUTATIONS = tuple((_rng.randrange(1, _PRIME), _rng.randrange(_PRIME))
                      for _ in range(NAME_BANDS + BANDS * ROWS))
_PHRASES = {**{p: None for p in STOP_PHRASES | LEGAL_FORMS}, **SYNONYMS}
_MARKER_WORDS = frozenset(w for phrase in MARKERS for w in phrase.split())
LIGHT = 0.5              # weight of a number, or a word of a name or a marker ("xã", "công ty")


@dataclass(frozen=True, eq=False, slots=True)
class MatchDoc:
    """What duplicate detection keeps of a submission: its words, numbers and names.

    `text` is the matching text; `features` the content words; `light` those of them that
    are numbers or words of names and markers (they weigh half in `similarity`).
    """

    text: str
    features: frozenset = field(repr=False)
    light: frozenset = field(default=frozenset(), repr=False)
    numbers: frozenset = frozenset()
    names: tuple[Name, ...] = ()
    cased: bool = True


def exact_key(title, body):
    """Hex sha256 of the matching text of title and body: equal for exact resubmissions."""
    joined = f"{matching_text(title)}\n{matching_text(body)}"
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def content_words(words):
    """Folded words → the words that say which matter it is (synonyms merged, stop words out)."""
    out, i, n = [], 0, len(words)
    while i < n:
        phrase = longest_phrase(_PHRASES, words, i)
        if phrase is not None:
            if _PHRASES[phrase] is not None:
                out.append(_PHRASES[phrase])
            i += len(phrase.split())
            continue
        if words[i] not in STOPWORDS:
            out.append(words[i])
        i += 1
    return out


def match_doc(title, body):
    """Build the `MatchDoc` of a submission's title and body."""
    tokens = tokenize(title) + tokenize(body)
    words = [t.folded for t in tokens]
    features = frozenset(intern(w) for w in content_words(words))
    names = extract_names(tokens)
    light = {w for w in features if w[0].isdigit()}
    light.update(_MARKER_WORDS.intersection(features), *(n.text.split() for n in names))
    return MatchDoc(
        text=" ".join(words),
        features=features,
        light=features & light,
        numbers=extract_numbers(tokens),
        names=names,
        cased=any(t.cap and not t.start for t in tokens),
    )


@lru_cache(maxsize=32768)
def _word_hashes(word):
    """A word's value under each MinHash permutation (from blake2b: `hash` varies by process)."""
    h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
    return tuple((a * h + b) % _PRIME for a, b in _PERMUTATIONS)


def _key(kind, band, value):
    """One band key: version, kind, band number and a 64-bit digest (21 characters)."""
    digest = hashlib.blake2b(value.encode(), digest_size=8).hexdigest()
    return f"{KEY_VERSION}{kind}{band:02d}{digest}"


def key_names(doc):
    """The names a text is keyed under: the last two words of each, up to MAX_NAMES.

    Names of one word ("An", "Môi") tell little apart: they count only when there are
    no longer ones.
    """
    tails = {" ".join(n.text.split()[-2:]) for n in doc.names}
    longer = [t for t in tails if " " in t]
    return sorted(longer or tails, key=lambda t: _word_hashes(t)[0])[:MAX_NAMES]


def band_keys(doc):
    """The locality-sensitive keys of a text: near-duplicates very likely share one.

    MinHash over the content words. Keys of one MinHash value joined to a name tie texts
    about the same company, person or place that say much the same, and keep apart texts
    that only share a topic's usual words. A text with proper names gets NAME_BANDS such
    keys for each of up to MAX_NAMES names; a text without capitals gets PSEUDO_BANDS keys
    for each word pair after its markers (the same pairs a named text is keyed under),
    and either gets BANDS / 4 plain bands of ROWS values; a text with neither names nor
    markers gets BANDS plain bands. At most 28 keys.
    """
    if not doc.features:
        return []
    signature = list(map(min, zip(*map(_word_hashes, doc.features), strict=True)))
    names, bands = key_names(doc), NAME_BANDS
    if not names and not doc.cased:
        names, bands = pseudo_names(doc.text), PSEUDO_BANDS
    keys = [_key("n", band, f"{name}|{signature[band]}")
            for name in names for band in range(bands)]
    for band in range(BANDS // 4 if names else BANDS):
        start = NAME_BANDS + band * ROWS
        keys.append(_key("c", band, ",".join(map(str, signature[start:start + ROWS]))))
    return keys


def similarity(a, b):
    """How much two texts say the same thing, in [0, 1].

    The mean of the weighted Jaccard index and the weighted overlap with the shorter text,
    over their content words. Numbers and words of names and markers weigh half: the
    matter is in the other words, and the guard compares the facts.
    """
    shared = a.features & b.features
    if not shared:
        return 0.0
    light = a.light | b.light
    cut = 1 - LIGHT
    in_a = len(a.features) - cut * (len(a.light) + len(b.light & a.features - a.light))
    in_b = len(b.features) - cut * (len(b.light) + len(a.light & b.features - b.light))
    in_both = len(shared) - cut * len(shared & light)
    return (in_both / (in_a + in_b - in_both) + in_both / min(in_a, in_b)) / 2


def conflicts(a, b):
    """The facts on which two texts disagree: numbers by unit or key, then names."""
    found = [f"number:{key}" for key in number_conflicts(a.numbers, b.numbers)]
    found += [f"name:{x}|{y}" for x, y in
              name_conflicts(a.names, a.text, b.names, b.text)]
    return found


def _disagree(a, b):
    """True when two texts disagree on a number or a name (`conflicts`, stopping early)."""
    return bool(number_conflicts(a.numbers, b.numbers)) or bool(
        name_conflicts(a.names, a.text, b.names, b.text))


def is_near_duplicate(a, b, threshold=THRESHOLD):
    """True when two texts are similar enough and no number, name or place tells them apart."""
    return similarity(a, b) >= threshold and not _disagree(a, b)


def best_match(doc, candidates, threshold=THRESHOLD):
    """The most similar near-duplicate among (id, MatchDoc) candidates: (id, score) or None.

    Ties go to the candidate listed first (the store lists the oldest first).
    """
    scored = []
    for order, (candidate_id, candidate) in enumerate(candidates):
        score = similarity(doc, candidate)
        if score >= threshold:
            scored.append((-score, order, candidate_id, candidate))
    for negative, _, candidate_id, candidate in sorted(scored, key=lambda s: s[:2]):
        if not _disagree(doc, candidate):
            return candidate_id, round(-negative, 4)
    return None


class DuplicateIndex:
    """Open submissions in memory, looked up by band keys as the store does in its table.

    A key held by more than `max_bucket` open cases is skipped when looking up (like a
    stop word: a topic's usual words, shared by hundreds of cases, tell none apart);
    candidates are the ids sharing most of the other keys.
    """

    def __init__(self, max_candidates=MAX_CANDIDATES, threshold=THRESHOLD,
                 max_bucket=MAX_BUCKET):
        self.max_candidates = max_candidates
        self.threshold = threshold
        self.max_bucket = max_bucket
        self._docs = {}
        self._buckets = {}

    def __len__(self):
        """How many submissions are indexed."""
        return len(self._docs)

    def add(self, item_id, doc, keys=None):
        """Index a submission, replacing what was indexed under its id.

        `keys` are its `band_keys`, if already computed.
        """
        if item_id in self._docs:
            self.remove(item_id)
        self._docs[item_id] = doc
        for key in band_keys(doc) if keys is None else keys:
            held = self._buckets.get(key)
            if held is None:
                self._buckets[key] = item_id
            elif isinstance(held, list):
                held.append(item_id)
            else:
                self._buckets[key] = [held, item_id]

    def remove(self, item_id):
        """Forget a submission (merged, closed, rejected); unknown ids are ignored."""
        doc = self._docs.pop(item_id, None)
        if doc is None:
            return
        for key in band_keys(doc):
            held = self._buckets.get(key)
            if isinstance(held, list):
                held.remove(item_id)
                if len(held) == 1:
                    self._buckets[key] = held[0]
            elif held == item_id:
                del self._buckets[key]

    def candidates(self, doc, keys=None):
        """Ids sharing band keys with the text, most shared first, at most max_candidates."""
        hits = Counter()
        for key in band_keys(doc) if keys is None else keys:
            held = self._buckets.get(key)
            if isinstance(held, list):
                if len(held) <= self.max_bucket:
                    hits.update(held)
            elif held is not None:
                hits[held] += 1
        return [item_id for item_id, _ in hits.most_common(self.max_candidates)]

    def find(self, doc, keys=None):
        """The best near-duplicate of a text among the indexed ones: (id, score) or None."""
        return best_match(doc, ((i, self._docs[i]) for i in self.candidates(doc, keys)),
                          self.threshold)
