"""The sounds of the bundled courses: how many clips are human and machine, how long making
them all takes, and their size, per course and language.

    .venv/bin/python bench/clips.py                    # every bundled course (about 25 minutes)
    .venv/bin/python bench/clips.py tajik-literacy     # one course

A fresh SQLite database and media folder in a temporary directory; the courses are imported
with ``MACHINE_CLIPS`` off, then each course's clips are made as an import makes them
(``lms.speech.clips.make_for_course``) and timed per language, in wall time and in this
process's CPU time (the machine may be shared; CPU time is what another machine of the same
kind would need). The kiosk's own words are made and counted apart. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from lms import create_app  # noqa: E402
from lms.content.importer import import_course  # noqa: E402
from lms.content.loader import load_tree  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.speech import available, clips  # noqa: E402


def timed(cost: dict):
    """A progress wrapper that charges the time of each clip to its language."""
    def wrap(jobs):
        for job in jobs:
            w0, c0 = time.perf_counter(), time.process_time()
            yield job
            cost[job[1]][0] += time.perf_counter() - w0
            cost[job[1]][1] += time.process_time() - c0
    return wrap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slugs", nargs="*", help="courses to voice (default: all bundled)")
    args = parser.parse_args()
    ok, why = available()
    if not ok:
        sys.exit(f"no machine voice here: {why}")
    tmp = Path(tempfile.mkdtemp(prefix="umed-clips-"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'b.db'}",
                      "MEDIA_DIR": str(tmp / "media"), "ARGON2_PROFILE": "fast",
                      "MACHINE_CLIPS": False})
    from lms.migrate import upgrade

    rows = []
    with app.app_context():
        upgrade()
        sources, problems = load_tree(ROOT / "content")
        for source in sources:
            if not args.slugs or source.slug in args.slugs:
                import_course(source)
        db.session.commit()
        from lms.content.models import Course

        for course in db.session.scalars(select(Course).order_by(Course.slug)):
            cost: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
            clips.make_for_course(course, timed(cost))
            db.session.commit()
            by_lang: dict[str, dict] = defaultdict(lambda: {"human": 0, "machine": 0,
                                                            "missing": 0, "bytes": 0,
                                                            "seconds": 0.0})
            for row in clips.status(course):
                item = by_lang[row.lang]
                item[row.source or "missing"] += 1
                if row.clip is not None:
                    item["bytes"] += row.clip.size
                    item["seconds"] += row.clip.duration
            for lang, item in sorted(by_lang.items()):
                wall, cpu = cost[lang]
                rows.append((course.slug, lang, item, wall, cpu))
                print(f"{course.slug} {lang}: {item} wall {wall:.0f} s cpu {cpu:.0f} s",
                      file=sys.stderr, flush=True)
        w0, c0 = time.perf_counter(), time.process_time()
        words = clips.make_kiosk_words()
        db.session.commit()
        kiosk_wall, kiosk_cpu = time.perf_counter() - w0, time.process_time() - c0

    print("| Course | Language | Human | Machine | Missing | Audio | Size | Wall | CPU "
          "| Clips/s (CPU) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    total = defaultdict(float)
    for slug, lang, item, wall, cpu in rows:
        rate = item["machine"] / cpu if cpu else 0
        print(f"| {slug} | {lang} | {item['human']} | {item['machine']} | {item['missing']} "
              f"| {item['seconds'] / 60:.1f} min | {item['bytes'] / 2**20:.1f} MiB "
              f"| {wall:.0f} s | {cpu:.0f} s | {rate:.1f} |")
        for key in ("human", "machine", "missing", "bytes", "seconds"):
            total[key] += item[key]
        total["wall"] += wall
        total["cpu"] += cpu
    print(f"| all | | {total['human']:.0f} | {total['machine']:.0f} | {total['missing']:.0f} "
          f"| {total['seconds'] / 60:.1f} min | {total['bytes'] / 2**20:.1f} MiB "
          f"| {total['wall']:.0f} s | {total['cpu']:.0f} s | |")
    print(f"\nThe kiosk's own words: {words.made} clips made in {kiosk_wall:.1f} s "
          f"(CPU {kiosk_cpu:.1f} s), {words.kept} kept.")
    print(f"(database and clips in {tmp})", file=sys.stderr)


if __name__ == "__main__":
    main()
