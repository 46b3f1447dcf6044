"""Headquarters' page of the network: is every facility streaming, how far behind, since when."""

from __future__ import annotations

from flask import render_template
from sqlalchemy.exc import DBAPIError

from ..accounts.access import admin_required
from ..extensions import db
from . import bp
from .ranges import current_number
from .replication import links, slots


@bp.get("/")
@admin_required
def status():
    if db.engine.dialect.name != "postgresql":
        return render_template("network/status.html", available=False, number=None, links=[],
                               slots=[], unreadable=False)
    unreadable = False
    try:
        with db.session.begin_nested():
            connection = db.session.connection()
            number, found, kept = current_number(connection), links(connection), slots(connection)
    except DBAPIError:  # the app's role may not read the replication statistics
        unreadable, number, found, kept = True, None, [], []
    return render_template("network/status.html", available=True, number=number, links=found,
                           slots=kept, unreadable=unreadable)
