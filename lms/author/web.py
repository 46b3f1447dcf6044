"""A studio page that also saved something (the first revisions ``drafts.sync`` adds)."""

from __future__ import annotations

from flask import render_template

from ..extensions import db


def render_and_commit(template: str, **context) -> str:
    """Render, then commit: committing first would expire every row the page reads, and
    reading them again would cost a query each."""
    html = render_template(template, **context)
    db.session.commit()
    return html
