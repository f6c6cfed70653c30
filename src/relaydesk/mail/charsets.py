"""Bytes to text when the declared charset is missing or wrong (CH3).

Declared charsets are often absent (8-bit headers), generic (us-ascii, iso-8859-1 on Cyrillic
text) or plainly wrong (koi8-r declared on windows-1251 bytes). A strict UTF-8 decode is strong
evidence; otherwise each single-byte candidate is decoded and scored by how much the result
looks like words of one script in a natural case pattern, and the best one wins.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache

CANDIDATES = ("windows-1251", "koi8-r", "iso-8859-2", "windows-1256", "windows-1252")
_GENERIC = {"ascii", "iso8859-1", "cp1252", "utf-8"}
_WORD = re.compile(r"[^\W\d_]+")


def _known(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip('"').lower()).name
    except (LookupError, ValueError):
        return None


_SCORED = _GENERIC | {codecs.lookup(c).name for c in CANDIDATES}


@cache  # a few hundred distinct letters at most; each looked up once, not once a letter
def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0]


def _score(text: str) -> int:
    """Letters in words of one script with a plausible case pattern, minus the rest."""
    score = 0
    for word in _WORD.findall(text):
        scripts = {_script(c) for c in word}
        caseless = word.lower() == word.upper()  # Arabic, Persian, Hebrew, CJK...
        natural = caseless or word.islower() or word.isupper() or word[1:].islower()
        score += len(word) if len(scripts) == 1 and natural else -len(word)
    odd = sum(
        1 for c in text if unicodedata.category(c) in {"Cc", "Co", "Cn"} and c not in "\r\n\t"
    )
    return score - 4 * odd


def decode(data: bytes, declared: str | None = None) -> str:
    declared_name = _known(declared)
    if data.isascii():
        return data.decode("ascii")
    if declared_name and declared_name not in _SCORED:
        try:  # a multi-byte or rare charset that decodes cleanly is taken at its word
            return data.decode(declared_name)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared_name == "utf-8":
        return data.decode("utf-8", errors="replace")
    options = [declared_name] if declared_name else []
    options += [c for c in (_known(c) for c in CANDIDATES) if c and c not in options]
    best, best_score = "", None
    for name in options:
        text = data.decode(name, errors="replace")
        score = _score(text) - 3 * text.count("\ufffd")
        if name == declared_name:
            score += 2  # the declaration wins a tie
        if best_score is None or score > best_score:
            best, best_score = text, score
    return best
