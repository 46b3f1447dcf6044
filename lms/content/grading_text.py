"""Comparing short-answer texts the way learners expect: case, spacing and Unicode forms
do not matter, and Moodle's ``*`` wildcard matches any run of characters."""

from __future__ import annotations

import unicodedata

WILDCARD = None


def normalize(text: str) -> str:
    """NFC, case-folded, trimmed, with every run of whitespace made one space."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return " ".join(unicodedata.normalize("NFC", folded).split())


def pattern_tokens(answer: str) -> list[str | None]:
    """An accepted answer as characters and ``WILDCARD`` for ``*`` (``\\*`` is a star)."""
    text = normalize(answer)
    tokens: list[str | None] = []
    i = 0
    while i < len(text):
        if text.startswith("\\*", i):
            tokens.append("*")
            i += 2
            continue
        tokens.append(WILDCARD if text[i] == "*" else text[i])
        i += 1
    return tokens


def glob_match(tokens: list[str | None], text: str) -> bool:
    """Whether ``text`` matches ``tokens`` (no regular expression: at worst len(text) × len(tokens) steps)."""
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(tokens) and tokens[p] is WILDCARD:
            star, mark = p, t
            p += 1
        elif p < len(tokens) and tokens[p] == text[t]:
            p += 1
            t += 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    while p < len(tokens) and tokens[p] is WILDCARD:
        p += 1
    return p == len(tokens)


def matches_pattern(answer: str, given: str) -> bool:
    """Whether the normalized response ``given`` matches the accepted ``answer``."""
    return glob_match(pattern_tokens(answer), given)
