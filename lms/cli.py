"""``flask --app wsgi lms …`` commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db

BUNDLED_CONTENT = Path(__file__).resolve().parent.parent / "content"

lms_cli = AppGroup("lms", help="Umed commands: demo data, accounts, content, backups.")


def _progress(label: str):
    def wrap(items):
        items = list(items)
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


@lms_cli.command("demo")
@click.option("--password", default=None, help="Password for every demo staff account.")
@click.option("--pin", default=None, help="PIN for every demo learner (4–6 digits).")
@click.option("--courses/--no-courses", default=True,
              help="Also import the bundled courses and give the demo learners a plan.")
def demo_command(password: str | None, pin: str | None, courses: bool) -> None:
    """Load (or refresh) the demo facilities, people, kiosks, courses and plans; print the
    sign-ins."""
    from . import demo
    from .accounts.services import find_staff

    signins = demo.seed(password or demo.DEFAULT_PASSWORD, pin or demo.DEFAULT_PIN,
                        progress=_progress("Demo learners"))
    if courses and BUNDLED_CONTENT.is_dir():
        try:
            imported = demo.load_courses(BUNDLED_CONTENT, progress=_progress("Courses"))
        except demo.DemoError as exc:
            db.session.rollback()
            raise click.ClickException(f"the bundled courses have problems:\n{exc}") from exc
        demo.assign_plan(find_staff("admin"))
        demo.share_with_lecturer(find_staff("lecturer"))
        click.echo(f"{len(imported)} bundled courses imported and published.")
    db.session.commit()
    click.echo("")
    click.echo(f"{'Role':<10} {'Sign-in':<12} Password")
    for role, username, secret in signins.staff:
        click.echo(f"{role:<10} {username:<12} {secret}")
    click.echo("")
    click.echo(f"{'Learners':<28} {'Numbers':<12} PIN")
    for facility, numbers, secret in signins.learners:
        click.echo(f"{facility:<28} {numbers:<12} {secret}")


@lms_cli.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.password_option()
def create_admin(username: str, full_name: str, password: str) -> None:
    """Create an administrator account."""
    from .accounts import services as accounts
    from .accounts.messages import account_error
    from .accounts.models import Role

    try:
        accounts.create_staff(username, full_name, Role.ADMIN, password)
    except accounts.AccountError as exc:
        raise click.ClickException(account_error(exc)) from exc
    db.session.commit()
    click.echo(f"Administrator {username} created.")


learners_cli = AppGroup("learners", help="Learner accounts.")


@learners_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_learners(csv_file: Path) -> None:
    """Import learners from a UTF-8 CSV: learner_number, full_name, facility, unit, pin.
    Every row is checked; one bad row and nothing is imported."""
    from .accounts.csv_import import ImportFailed
    from .accounts.csv_import import import_learners as run

    try:
        count = run(csv_file.read_bytes(), progress=_progress("Learners"))
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{csv_file}: not UTF-8 text ({exc.reason})") from exc
    except ImportFailed as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"{csv_file}:{error.line}: {error.message}", err=True)
        raise click.ClickException("nothing was imported") from exc
    db.session.commit()
    click.echo(f"{count} learners imported.")


lms_cli.add_command(learners_cli)


def init_app(app: Flask) -> None:
    from .backup import backup_command, restore_command
    from .content.cli import content_cli, gift_cli
    from .network.cli import network_cli

    for command in (backup_command, restore_command, content_cli, gift_cli, network_cli):
        if command.name not in lms_cli.commands:
            lms_cli.add_command(command)
    app.cli.add_command(lms_cli)
