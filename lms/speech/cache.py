"""Which clip plays for a text, remembered a short while in each process (``sounds.lookup``
fills it; making clips empties it)."""

from __future__ import annotations

from typing import Any

# (lang, text key) -> (the clip to play or None, when to look again). Kept a minute in each
# process, so the pages a learner turns all day cost no query for their sounds, and a clip made
# by an import in another process is heard within a minute.
_CACHE: dict[tuple[str, str], tuple[Any, float]] = {}
CACHE_SECONDS = 60.0
_CACHE_MAX = 50000


def forget() -> None:
    """Empty this process's cache (after making clips here, and in tests)."""
    _CACHE.clear()
