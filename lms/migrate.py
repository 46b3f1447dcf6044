"""Run Alembic from inside the app: ``flask --app wsgi db upgrade`` and friends."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.cli import AppGroup

from . import resources

# How `db revision` names a new file (alembic.ini says the same for the plain `alembic` command).
FILE_TEMPLATE = "%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s"

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


def alembic_config(connection=None) -> Config:
    """Alembic's settings, made in code: an installed app has no alembic.ini. The migrations
    are found like every other resource, in the package or in the checkout."""
    cfg = Config()
    # Options pass through configparser's interpolation: a literal % is written %%.
    cfg.set_main_option("script_location", str(resources.folder("migrations")))
    cfg.set_main_option("file_template", FILE_TEMPLATE.replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def _progress() -> Iterator[None]:
    """While a ``db`` command runs, the steps Alembic takes ("Running upgrade a -> b, ...",
    "Detected added table ...") go to stderr, without its set-up chatter. Nothing else is
    configured: the app's logging, and a caller such as a test that calls upgrade(), stay as
    they are (alembic.ini's logging sections are for the plain ``alembic`` command)."""
    log = logging.getLogger("alembic")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(_steps)
    level, propagate = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
        log.propagate = propagate


def _steps(record: logging.LogRecord) -> bool:
    if record.levelno >= logging.WARNING:
        return True
    if record.name == "alembic.runtime.migration":
        return record.getMessage().startswith("Running ")
    return record.name.startswith("alembic.autogenerate")


def upgrade(revision: str = "head", connection=None) -> None:
    command.upgrade(alembic_config(connection), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Bring the schema up to date."""
    with _progress():
        upgrade(revision)


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    with _progress():
        command.downgrade(alembic_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def revision_command(message: str) -> None:
    """Generate a migration from the models (review it before committing)."""
    with _progress():
        command.revision(alembic_config(), message=message, autogenerate=True)


@db_cli.command("check")
def check_command() -> None:
    """Fail if the models and the migrations disagree."""
    with _progress():
        command.check(alembic_config())


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
