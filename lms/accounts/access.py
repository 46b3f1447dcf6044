"""Declared authorization: role decorators and the one facility-scope helper."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select

from .models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Allow only signed-in users with one of ``roles`` (others get 403, learners 404)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                # A learner must not even learn that a staff page exists.
                abort(404 if current_user.role is Role.LEARNER else 403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


staff_required = role_required(Role.LECTURER, Role.OFFICER, Role.ADMIN)
officer_required = role_required(Role.OFFICER, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
learner_required = role_required(Role.LEARNER)


def visible_facility_ids(user: User) -> list[int] | None:
    """Facilities a staff member may see; None means all (admins)."""
    if user.role is Role.ADMIN:
        return None
    if user.role is Role.OFFICER:
        return [user.facility_id] if user.facility_id else []
    if user.role is Role.LECTURER:
        return [f.id for f in user.teaching_facilities]
    return [user.facility_id] if user.facility_id else []


def can_see_facility(user: User, facility_id: int | None) -> bool:
    ids = visible_facility_ids(user)
    return ids is None or facility_id in ids


def ensure_facility(user: User, facility_id: int | None) -> None:
    """404 for anything outside the user's facilities: its existence is not revealed."""
    if not can_see_facility(user, facility_id):
        abort(404)


def scope_query(stmt: Select[Any], user: User, column: Any) -> Select[Any]:
    """Restrict a staff query to the facilities the user may see."""
    ids = visible_facility_ids(user)
    if ids is None:
        return stmt
    return stmt.where(column.in_(ids))
