"""Writing to the audit log. Callers pass who, what and whom; nothing here commits."""

from __future__ import annotations

from typing import Any

from ..accounts.models import User
from ..extensions import db
from .models import AuditEntry


def record(
    actor: User | None,
    action: str,
    *,
    subject: User | None = None,
    facility_id: int | None = None,
    ip: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Append one entry (who, what, whom, when, from where)."""
    if facility_id is None and subject is not None:
        facility_id = subject.facility_id
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        subject_id=subject.id if subject else None,
        facility_id=facility_id,
        details=details,
        ip=ip,
    )
    db.session.add(entry)
    return entry
