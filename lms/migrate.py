"""Run Alembic from inside the app: ``flask --app wsgi db upgrade`` and friends."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


def alembic_config(connection=None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(revision: str = "head", connection=None) -> None:
    command.upgrade(alembic_config(connection), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Bring the schema up to date."""
    upgrade(revision)


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def revision_command(message: str) -> None:
    """Generate a migration from the models (review it before committing)."""
    command.revision(alembic_config(), message=message, autogenerate=True)


@db_cli.command("check")
def check_command() -> None:
    """Fail if the models and the migrations disagree."""
    command.check(alembic_config())


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
