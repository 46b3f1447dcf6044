"""Password and PIN hashing with argon2id (argon2-cffi).

The "strong" profile is argon2-cffi's RFC 9106 low-memory profile; "fast" is only for tests.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

_PROFILES = {
    "strong": PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY),
    "fast": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=8),
}
_active = _PROFILES["strong"]
# A hash to verify against when the account does not exist, so timing does not tell.
_dummy: dict[str, str] = {}


def configure(profile: str) -> None:
    global _active
    _active = _PROFILES[profile]


def hash_secret(secret: str) -> str:
    return _active.hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    """True if ``secret`` matches ``stored``; a missing account costs the same time."""
    if stored is None:
        key = repr(_active)
        if key not in _dummy:
            _dummy[key] = _active.hash("not-a-real-secret")
        stored = _dummy[key]
        try:
            _active.verify(stored, secret)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return _active.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    try:
        return _active.check_needs_rehash(stored)
    except InvalidHashError:
        return True
