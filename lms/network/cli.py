"""``flask --app wsgi lms network …``: a facility's number, publication, subscriptions,
transfers. Run them with a superuser connection (``LMS_DATABASE_URL=postgresql+psycopg://
postgres@/umed``): PostgreSQL 15 lets only superusers create subscriptions."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db

network_cli = AppGroup("network", help="A national network on PostgreSQL logical replication.")


def _postgresql():
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("a national network needs PostgreSQL (LMS_DATABASE_URL)")
    return db.engine


@network_cli.command("facility-init")
@click.option("--number", type=int, required=True,
              help="This facility's number in the country (1, 2, …); 0 for headquarters.")
def facility_init(number: int) -> None:
    """Number this database's rows in the facility's range of ids; rows made before move
    into it, with every reference to them, in one transaction."""
    from .ranges import RangeError, check_number, current_number, number_sequences, renumber

    engine = _postgresql()
    try:
        rng = check_number(number)
    except RangeError as exc:
        raise click.ClickException(str(exc)) from exc
    with engine.begin() as conn:
        now = current_number(conn)
        if now is not None and now != number:
            raise click.ClickException(f"this database is already number {now}")
        moved = renumber(conn, rng)
        number_sequences(conn, rng)
    for table, count in moved.items():
        if count:
            click.echo(f"{table}: {count} rows moved")
    click.echo(f"Number {number}: new ids from {rng.low} to {rng.high}.")


@network_cli.command("publish")
def publish_command() -> None:
    """Publish this database's rows: a facility its own records, headquarters the courses."""
    from .ranges import RangeError
    from .replication import NetworkError, publish

    try:
        with _postgresql().begin() as conn:
            name = publish(conn)
    except (NetworkError, RangeError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Publication {name} is ready.")


@network_cli.command("subscribe")
@click.option("--facility", "facility_code", default=None,
              help="At headquarters: the facility's code (F1…). Leave out at a facility.")
@click.option("--dsn", required=True,
              help="libpq connection to the other database, e.g. 'host=f1-db.lan dbname=umed "
                   "user=umed_replication sslmode=verify-full sslrootcert=/etc/umed/ca.crt'.")
def subscribe_command(facility_code: str | None, dsn: str) -> None:
    """Headquarters: subscribe to a facility. A facility: subscribe to the courses."""
    from sqlalchemy.exc import DBAPIError

    from .ranges import RangeError
    from .replication import NetworkError, subscribe

    try:
        name = subscribe(_postgresql(), dsn, facility_code)
    except (NetworkError, RangeError) as exc:
        raise click.ClickException(str(exc)) from exc
    except DBAPIError as exc:
        raise click.ClickException(str(exc.orig).strip()) from exc
    click.echo(f"Subscription {name} copies the rows there, then streams.")


def _subscription(facility_code: str | None) -> str:
    from .ranges import current_number
    from .replication import COURSES_PREFIX, subscription_name

    if facility_code:
        return subscription_name(facility_code)
    with _postgresql().connect() as conn:
        return f"{COURSES_PREFIX}{current_number(conn)}"


@network_cli.command("pause")
@click.option("--facility", "facility_code", default=None)
def pause_command(facility_code: str | None) -> None:
    """Stop a subscription streaming (its slot keeps what it has not sent)."""
    from .replication import set_enabled

    set_enabled(_postgresql(), _subscription(facility_code), False)
    click.echo("Paused.")


@network_cli.command("resume")
@click.option("--facility", "facility_code", default=None)
def resume_command(facility_code: str | None) -> None:
    """Let a paused subscription stream again: it catches up from where it stopped."""
    from .replication import set_enabled

    set_enabled(_postgresql(), _subscription(facility_code), True)
    click.echo("Streaming again.")


@network_cli.command("remove")
@click.option("--facility", "facility_code", default=None,
              help="At headquarters: the facility to take out. Leave out at a facility.")
@click.option("--unreachable", is_flag=True,
              help="The other side cannot be reached: leave its slot there (drop it there).")
@click.option("--unpublish", is_flag=True, help="Also drop this database's publication.")
def remove_command(facility_code: str | None, unreachable: bool, unpublish: bool) -> None:
    """Take a facility out of the network (its rows already at headquarters stay)."""
    from .replication import NetworkError, remove
    from .replication import unpublish as drop_publication

    engine = _postgresql()
    name = _subscription(facility_code)
    try:
        remove(engine, name, reachable=not unreachable)
    except NetworkError as exc:
        if not unpublish:
            raise click.ClickException(str(exc)) from exc
    else:
        click.echo(f"Subscription {name} dropped.")
    if unpublish:
        with engine.begin() as conn:
            for dropped in drop_publication(conn):
                click.echo(f"Publication {dropped} dropped.")


@network_cli.command("status")
def status_command() -> None:
    """Every subscription (streaming, bytes behind, last heard from) and every slot here."""
    from .ranges import current_number
    from .replication import links, slots

    with _postgresql().connect() as conn:
        click.echo(f"Number: {current_number(conn)}")
        for link in links(conn):
            state = "streaming" if link.streaming else (
                "copying" if link.copying else ("paused" if not link.enabled else "down"))
            click.echo(f"subscription {link.name}: {state}, {link.behind_bytes} bytes behind, "
                       f"last heard {link.last_heard}, newest event made {link.newest_row_at}")
        for slot in slots(conn):
            click.echo(f"slot {slot.name}: {'active' if slot.active else 'inactive'}, "
                       f"{slot.behind_bytes} bytes not yet confirmed, "
                       f"{slot.wal_kept_bytes} bytes of WAL kept")


@network_cli.command("transfer-out")
@click.argument("learner_number")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "key_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="This facility's signing key (lms content keygen).")
def transfer_out_command(learner_number: str, out: Path, key_path: Path) -> None:
    """Write a learner's whole record to a signed package; they become read-only here."""
    from ..content.package import PackageError, load_private_key
    from .transfer import TransferError, transfer_out

    try:
        key = load_private_key(key_path)
        with _postgresql().begin() as conn:
            counts = transfer_out(conn, learner_number, key, out)
    except (PackageError, TransferError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{out}: {sum(counts.values())} rows; {learner_number} is now read-only here.")


@network_cli.command("transfer-in")
@click.argument("package_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--facility", "facility_code", required=True, help="The facility they join.")
@click.option("--unit", "unit_name", default=None, help="The unit they join.")
def transfer_in_command(package_path: Path, facility_code: str, unit_name: str | None) -> None:
    """Add a transferred learner's record from a signed package (twice adds nothing)."""
    from sqlalchemy.exc import IntegrityError

    from ..content.package import PackageError
    from .transfer import TransferError, read_package, transfer_in

    try:
        package = read_package(package_path, list(current_app.config.get("TRUSTED_KEYS") or []))
        with _postgresql().begin() as conn:
            arrived = transfer_in(conn, package, facility_code, unit_name)
    except (PackageError, TransferError) as exc:
        raise click.ClickException(str(exc)) from exc
    except IntegrityError as exc:
        raise click.ClickException(
            f"the record does not fit here (are the courses here yet?): {exc.orig}") from exc
    added = ", ".join(f"{t} {n}" for t, n in arrived.counts.items() if n)
    click.echo(f"{arrived.learner_number} joined {facility_code}: {added or 'nothing new'}.")
