"""Short codes people type or read aloud: kiosk enrollment codes and certificate codes.

Codes use an alphabet without look-alikes (no 0/O, 1/I/L) and are shown as ``ABCD-EFGH``; a
code typed in any case, with spaces or dashes, is found again."""

from __future__ import annotations

import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def new_code(length: int = 8) -> str:
    """A random code of ``length`` letters and digits, without the dash."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalize_code(code: str) -> str:
    """The code's letters and digits as stored, however it was typed."""
    return "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)


def shown(raw: str) -> str:
    """An eight-letter code as people read it: ``ABCD-EFGH``."""
    return f"{raw[:4]}-{raw[4:]}"
