"""``flask --app wsgi lms content …`` and ``lms gift …``: parse arguments, call, commit once."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from . import package
from .check import check_path
from .exporter import ExportError, export_course, get_course
from .giftio import add_questions, export_gift
from .importer import import_course
from .models import Category, Course, Lesson
from .problems import ContentError

content_cli = AppGroup("content", help="Courses: check, import, export, sign.")
gift_cli = AppGroup("gift", help="Exercises as Moodle GIFT files.")

PROGRESS_THRESHOLD = 20


def _echo_problems(lines: Iterable) -> None:
    for line in lines:
        click.echo(str(line), err=True)


def _progress(label: str):
    def wrap(items):
        items = list(items)
        if len(items) < PROGRESS_THRESHOLD:
            yield from items
            return
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


@content_cli.command("check")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check_command(path: Path) -> None:
    """Check a course folder or a folder of courses; print every problem as file:line."""
    report = check_path(path)
    for line in report.lines():
        click.echo(line)
    for course in report.courses:
        if course.decodability is not None:
            for line in course.decodability.lines():
                click.echo(line)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


def _import_folder(folder: Path, label: str, clips: bool = True) -> None:
    report = check_path(folder, label)
    _echo_problems(report.lines())
    if not report.ok:
        click.echo(report.summary(), err=True)
        raise click.ClickException(_("nothing was imported"))
    try:
        imported = [import_course(course, progress=_progress(course.slug))
                    for course in report.courses]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(_("Imported: %(summary)s", summary=report.summary()))
    if clips and current_app.config.get("MACHINE_CLIPS", True):
        from ..speech.later import one_at_a_time

        with one_at_a_time(current_app.instance_path):
            for course in imported:
                _make_clips(course)


def _committing(label: str, every: int = 25):
    """A progress bar that commits every ``every`` clips: a long run that is stopped keeps
    what it made, and the next run goes on from there."""
    bar = _progress(label)

    def wrap(items):
        for n, item in enumerate(bar(items), 1):
            yield item
            if n % every == 0:
                db.session.commit()

    return wrap


def _make_clips(course: Course) -> None:
    from ..speech import clips

    report = clips.make_for_course(course, _committing(course.slug))
    clips.make_kiosk_words()
    db.session.commit()
    click.echo(_("Sounds of %(course)s: %(made)s made, %(kept)s kept, %(human)s recorded by "
                 "people, %(missing)s missing", course=course.slug, made=report.made,
                 kept=report.kept, human=report.human, missing=report.missing))
    for reason, count in report.reasons.items():
        click.echo(f"  {count} × {reason}", err=True)


@content_cli.command("clips")
@click.argument("slug", required=False)
@click.option("--missing", is_flag=True, help="List every text that has no sound, and why.")
@click.option("--make", is_flag=True, help="Make the machine clips that are missing.")
def clips_command(slug: str | None, missing: bool, make: bool) -> None:
    """The sounds of each course's texts: how many are human, machine, missing.

    With --make, make the missing machine clips (and the kiosk's own words) first."""
    from ..speech import clips

    query = select(Course).where(Course.retired_at.is_(None)).order_by(Course.slug)
    if slug:
        query = query.where(Course.slug == slug)
    courses = list(db.session.scalars(query))
    if slug and not courses:
        raise click.ClickException(_("no course %(slug)s", slug=slug))
    if make:
        from ..speech.later import one_at_a_time

        with one_at_a_time(current_app.instance_path):
            # Literacy courses first: their learners are the ones who cannot read the page.
            for course in sorted(courses, key=lambda c: c.category is not Category.LITERACY):
                _make_clips(course)
    absent = 0
    for course in courses:
        rows = clips.status(course)
        for lang in sorted({r.lang for r in rows}):
            of_lang = [r for r in rows if r.lang == lang]
            count = {kind: sum(r.source == kind for r in of_lang)
                     for kind in (clips.HUMAN, clips.MACHINE, "")}
            absent += count[""]
            click.echo(f"{course.slug} {lang}: " + _(
                "%(human)s human, %(machine)s machine, %(missing)s missing",
                human=count[clips.HUMAN], machine=count[clips.MACHINE], missing=count[""]))
            if missing:
                for row in of_lang:
                    if not row.source:
                        where = ", ".join(p or course.slug for p in row.places)
                        click.echo(f"  [{where}] «{row.text[:60]}»: {row.reason}")
    sys.exit(1 if missing and absent else 0)


@content_cli.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--clips/--no-clips", default=True,
              help="Make the machine voice's missing clips after the import (the default; "
                   "later: lms content clips --make).")
def import_command(source: Path, clips: bool) -> None:
    """Import a course folder, a folder of courses, or a signed package (.zip).

    All or nothing: any problem and nothing is written. Re-importing updates in place. Then
    the clips of the texts that have none are made, committed as they come."""
    if source.is_dir():
        _import_folder(source, str(source).rstrip("/"), clips)
        return
    try:
        with package.open_package(source, list(current_app.config.get("TRUSTED_KEYS") or [])
                                  ) as folder:
            _import_folder(folder, source.name, clips)
    except package.PackageError as exc:
        raise click.ClickException(_("%(path)s refused: %(reason)s", path=str(source),
                                     reason=str(exc))) from exc


@content_cli.command("export")
@click.argument("slug")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def export_command(slug: str, out: Path) -> None:
    """Write course SLUG to OUT/SLUG in the course format."""
    course = get_course(slug)
    if course is None:
        raise click.ClickException(_("no course %(slug)s", slug=slug))
    try:
        target = export_course(course, out)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("Written to %(path)s", path=str(target)))


@content_cli.command("keygen")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def keygen_command(out: Path) -> None:
    """Write a signing key to OUT (private, mode 600) and its public key to OUT.pub."""
    if out.exists():
        raise click.ClickException(_("%(path)s already exists", path=str(out)))
    public = package.keygen(out)
    click.echo(_("Private key: %(path)s (keep it secret)", path=str(out)))
    click.echo(_("Public key (add it to LMS_TRUSTED_KEYS): %(key)s", key=public))


@content_cli.command("pack")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "key_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Private key file written by keygen.")
def pack_command(folder: Path, out: Path, key_file: Path) -> None:
    """Check the course(s) in FOLDER and write a signed package OUT.zip."""
    report = check_path(folder)
    _echo_problems(report.lines())
    if not report.ok:
        raise click.ClickException(_("not packed: fix the errors first"))
    try:
        count = package.pack(folder, out, package.load_private_key(key_file))
    except package.PackageError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("%(path)s: %(n)s files signed", path=str(out), n=count))


def _lesson(slug: str, key: str) -> Lesson:
    lesson = db.session.scalar(select(Lesson).join(Course).where(Course.slug == slug,
                                                                  Lesson.key == key))
    if lesson is None:
        raise click.ClickException(_("no lesson %(id)s in course %(slug)s", id=key, slug=slug))
    return lesson


@gift_cli.command("import")
@click.argument("gift_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "slug", required=True, help="Course slug.")
@click.option("--lesson", "lesson_key", required=True, help="Lesson id.")
@click.option("--lang", default="tg", type=click.Choice(["tg", "ru"]), show_default=True)
def gift_import(gift_file: Path, slug: str, lesson_key: str, lang: str) -> None:
    """Add the questions of a GIFT file as a quiz block at the end of a lesson."""
    lesson = _lesson(slug, lesson_key)
    try:
        text = gift_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(_("%(path)s is not UTF-8 text", path=str(gift_file))) from exc
    try:
        count, notes = add_questions(lesson, lang, text, str(gift_file))
    except ContentError as exc:
        db.session.rollback()
        _echo_problems(exc.problems)
        raise click.ClickException(_("nothing was imported")) from exc
    _echo_problems(notes.sorted())
    db.session.commit()
    click.echo(_("%(n)s questions added to %(id)s (%(lang)s)", n=count, id=lesson_key,
                 lang=lang))


@gift_cli.command("export")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lesson", "lesson_key", default=None, help="Only this lesson.")
@click.option("--lang", default=None, type=click.Choice(["tg", "ru"]),
              help="Language (default: the course's first).")
def gift_export(slug: str, out: Path, lesson_key: str | None, lang: str | None) -> None:
    """Write the questions of course SLUG (or one lesson) to a GIFT file OUT."""
    course = get_course(slug)
    if course is None:
        raise click.ClickException(_("no course %(slug)s", slug=slug))
    if lesson_key is not None:
        _lesson(slug, lesson_key)
    out.write_bytes(export_gift(course, lesson_key, lang).encode("utf-8"))
    click.echo(_("Written to %(path)s", path=str(out)))
