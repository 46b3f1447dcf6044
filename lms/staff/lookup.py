"""Loading a learner for a staff page: the one place that answers 404 outside the scope."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..accounts.access import ensure_facility
from ..accounts.models import Role, User
from ..extensions import db


def learner_or_404(learner_id: int) -> User:
    """A learner the current staff member may see, or 404 (another facility's too)."""
    learner = db.session.get(User, learner_id)
    if learner is None or learner.role is not Role.LEARNER:
        abort(404)
    ensure_facility(current_user, learner.facility_id)
    return learner
