"""How long the facility dashboard takes on the server: 2,000 learners, a year of events.

    .venv/bin/python bench/dashboard.py        # seeds instance/bench-dashboard.sqlite3 once
    .venv/bin/python bench/dashboard.py --database FILE --learners 2000 --events 2000000 --runs 20

The first run seeds its own SQLite file with ``bench/seed.py`` (one facility, ``--learners``
learners, about ``--events`` events over a year; a few minutes), later runs reuse it. Then an
officer of that facility opens the dashboard ``--runs`` times through the WSGI test client (the
whole request on the server: routing, session, queries, templates, SVG) and the figures are
printed: median, fastest, slowest, queries per request, against the 300 ms budget.
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event, func, select  # noqa: E402

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402

BUDGET_MS = 300


def seed(path: Path, learners: int, events: int) -> None:
    import seed as seeder  # bench/seed.py

    seeder.main(["--database-url", f"sqlite:///{path}", "--learners", str(learners),
                 "--facilities", "1", "--events", str(events)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path,
                        default=ROOT / "instance" / "bench-dashboard.sqlite3")
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.database.exists():
        args.database.parent.mkdir(parents=True, exist_ok=True)
        print(f"Seeding {args.database} ({args.learners} learners, ~{args.events:,} events)...")
        seed(args.database, args.learners, args.events)

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.database}",
                      "SECRET_KEY": secrets.token_urlsafe(32), "RATELIMIT_ENABLED": False})
    with app.app_context():
        from lms.accounts.models import Role, User
        from lms.learn.models import ActivityDay, Event

        n_learners = db.session.scalar(select(func.count(User.id)).where(
            User.role == Role.LEARNER))
        n_events = db.session.scalar(select(func.count(Event.id)))
        n_days = db.session.scalar(select(func.count()).select_from(ActivityDay))
        first, last = db.session.execute(select(func.min(Event.at), func.max(Event.at))).one()
        engine = db.engine
    print(f"{n_learners:,} learners, {n_events:,} events from {first:%Y-%m-%d} to "
          f"{last:%Y-%m-%d}, {n_days:,} learner-days")

    client = app.test_client()
    page = client.get("/staff/signin").text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    client.post("/staff/signin", data={"username": "bench-officer1", "password": "umed-bench",
                                       "csrf_token": token})
    queries = []
    event.listen(engine, "before_cursor_execute", lambda *a: queries.append(1))
    timings = []
    for _ in range(args.runs + 1):
        queries.clear()
        start = time.perf_counter()
        response = client.get("/reports/")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    timings = timings[1:]  # the first request compiles templates and warms caches
    median = statistics.median(timings)
    print(f"GET /reports/ as an officer, {args.runs} runs: median {median:.0f} ms, "
          f"fastest {min(timings):.0f} ms, slowest {max(timings):.0f} ms, "
          f"{len(queries)} queries per request")
    print(f"budget {BUDGET_MS} ms: {'met' if median <= BUDGET_MS else 'MISSED'} "
          f"({median / BUDGET_MS:.2f} of it)")


if __name__ == "__main__":
    main()
