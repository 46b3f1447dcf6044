"""Alembic environment: runs inside the Flask app, so the URL comes from LMS_* config."""

from __future__ import annotations

from alembic import context
from flask import current_app

from lms.models import metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from lms.extensions import db

    with db.engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():  # pragma: no cover
    context.configure(url=current_app.config["SQLALCHEMY_DATABASE_URI"], target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
