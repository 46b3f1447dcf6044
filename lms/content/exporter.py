"""Write a course from the database back to the folder format.

course.yml and every lesson file are stored verbatim at import, so importing a folder and
exporting it gives back the same bytes (lessons changed in the database since, for example by
``gift import``, are written as they are now). Retired lessons are not written.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from . import media
from .models import Course, Lesson
from .sources import COURSE_YML


class ExportError(Exception):
    pass


def get_course(slug: str) -> Course | None:
    return db.session.scalar(
        select(Course).where(Course.slug == slug)
        .options(selectinload(Course.lessons).selectinload(Lesson.contents),
                 selectinload(Course.media)))


def course_files(course: Course) -> dict[str, bytes]:
    """Every file of the course folder: relative path -> bytes."""
    files = {COURSE_YML: course.source.encode("utf-8")}
    for lesson in course.lessons:
        if lesson.retired_at is not None:
            continue
        for content in lesson.contents:
            files[f"{lesson.key}.{content.lang}.md"] = content.source.encode("utf-8")
    for item in course.media:
        files[item.name] = media.read(item.sha256)
    return files


def export_course(course: Course, out: Path) -> Path:
    """Write ``out/<slug>/…``; refuse to write into a folder that already has files."""
    target = out / course.slug
    if target.exists() and any(target.iterdir()):
        raise ExportError(_("%(path)s already exists and is not empty", path=str(target)))
    files = course_files(course)
    for name, data in sorted(files.items()):
        path = target / name
        if not path.resolve().is_relative_to(target.resolve()):
            raise ExportError(_("unsafe file name %(name)s", name=name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target
