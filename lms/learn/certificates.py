"""The certificates a learner has earned, and the code each one is checked by."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..codes import new_code, shown
from ..extensions import db
from .models import Certificate


def of(user: User) -> list[Certificate]:
    """The learner's certificates, oldest first."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at)
    ))


def new_code_for_certificate() -> str:
    """A certificate code no certificate has yet, as printed: ``ABCD-EFGH``."""
    while True:
        code = shown(new_code())
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code
