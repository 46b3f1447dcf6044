"""Liveness and database health for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        reason = type(exc.orig or exc).__name__ if hasattr(exc, "orig") else type(exc).__name__
        return jsonify(status="error", database="unavailable", reason=reason), 503
    return jsonify(status="ok", database="ok")
