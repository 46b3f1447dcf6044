"""Alphabetical order for Tajik and Russian names, the same on SQLite and PostgreSQL.

Code-point order puts the Tajik letters ғ ӣ қ ӯ ҳ ҷ after я. Names get a sort key in which every
Cyrillic letter stands at its place in the merged Tajik and Russian alphabets (ғ after г,
ӣ after и, қ after к, ӯ after у, ҳ after х, ҷ after ч; ц щ ы ь where Russian has them), so an
ORDER BY on the key gives the order a reader of either language expects."""

from __future__ import annotations

ALPHABET = "абвгғдеёжзиӣйкқлмнопрстуӯфхҳцчҷшщъыьэюя"
_BASE = 0x3000  # above Latin letters and digits, which keep their own order
_TABLE = {ord(ch): chr(_BASE + i) for i, ch in enumerate(ALPHABET)}


def sort_key(text: str) -> str:
    """A string whose plain (binary) order is the alphabetical order of ``text``."""
    return " ".join(text.split()).casefold().translate(_TABLE)
