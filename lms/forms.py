"""Form helpers shared by every area."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]
