"""Alembic environment: runs inside the Flask app, so the URL comes from LMS_* config.

``flask db …`` (lms/migrate.py) configures Alembic in code and runs this inside the app. The
plain ``alembic`` command of a checkout reads alembic.ini instead: then the app is built here
and the ini file's logging sections apply."""

from __future__ import annotations

from contextlib import nullcontext
from logging.config import fileConfig

from alembic import context
from flask import current_app, has_app_context

from lms.models import metadata

config = context.config


def _app_context():
    if has_app_context():
        return nullcontext()
    if config.config_file_name:  # the plain `alembic` command, from a checkout
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    from lms import create_app

    return create_app().app_context()


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


with _app_context():
    if context.is_offline_mode():  # pragma: no cover
        context.configure(url=current_app.config["SQLALCHEMY_DATABASE_URI"],
                          target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        run_migrations_online()
