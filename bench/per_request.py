"""Per request, in one process: what a kiosk's lesson page and answer cost, without a server.

    .venv/bin/python bench/per_request.py                 # a small new SQLite
    .venv/bin/python bench/per_request.py --database-url sqlite:////tmp/bench/umed.sqlite3
    .venv/bin/python bench/per_request.py --profile answer  # where the time goes

One learner signs in on the keypad page (one of the seeded learners 201 to 400, at random: the
answers below add up run after run, one learner's thousands of tries would measure an unusual
learner, and bench/load.py's kiosks are the first 200) through Flask's test client, then reads a lesson page
and answers an exercise (wrong, unlimited tries) back to back. Prints the milliseconds per
request (the best of five batches: the machine is shared) and the SQL statements each costs,
next to a hello-world request through the same test client for scale. ``--profile`` prints a
cProfile of one kind of request, slowest functions first. (Not named requests.py: that would
hide the ``requests`` library from locust in this folder.)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import secrets
import tempfile
import time
import uuid
from pathlib import Path

import common  # bench/common.py, beside this script
from sqlalchemy import event


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="default: a new SQLite file seeded small")
    parser.add_argument("--requests", type=int, default=200, help="per batch")
    parser.add_argument("--profile", choices=("page", "answer"), default=None)
    parser.add_argument("--learner", type=int, default=None,
                        help="which seeded learner (201-400; default: one at random)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="umed-requests-"))
    url = args.database_url or f"sqlite:///{tmp / 'umed.sqlite3'}"
    target = common.prepare_database(url, 400, 10_000, tmp / "media")

    from flask import Flask

    from lms import create_app
    from lms.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_urlsafe(32),
                      "KIOSK_ANY_BROWSER": True})
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    number = common.FIRST_NUMBER - 1 + (args.learner or 201 + random.randrange(200))
    signed_in = client.post("/", data={
        "learner_number": str(number), "pin": common.PIN, "key": "ok",
        "csrf_token": common.CSRF_RE.search(page).group(1)})
    assert signed_in.status_code == 302, "the bench learner could not sign in"
    lesson = client.get(target.read_path)
    csrf = common.CSRF_RE.search(lesson.get_data(as_text=True)).group(1)

    hello_app = Flask("hello")
    hello_app.add_url_rule("/", "hello", lambda: "Hello, World!")
    hello_client = hello_app.test_client()

    def hello():
        assert hello_client.get("/").status_code == 200

    def read():
        assert client.get(target.read_path).status_code == 200

    def answer():
        form = common.answer_form(common.Kiosk("", "", csrf), uuid.uuid4().hex)
        response = client.post(target.answer_path, data=form,
                               headers={"Accept": "application/json"})
        assert response.status_code == 200, response.get_data(as_text=True)[:200]

    statements = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.__setitem__(0, statements[0] + 1))

    kinds = {"hello world": hello, "page": read, "answer": answer}
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            kinds[args.profile]()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return

    print(f"database {url.split('@')[-1]}; learner {number}; "
          f"best of 5 batches of {args.requests}\n")
    results = {}
    for name, request in kinds.items():
        for _ in range(20):  # warm: the lesson version is read once per process
            request()
        statements[0] = 0
        best = float("inf")
        for _batch in range(5):
            started = time.perf_counter()
            for _ in range(args.requests):
                request()
            best = min(best, (time.perf_counter() - started) / args.requests)
        results[name] = best
        per = statements[0] / (5 * args.requests)
        print(f"{name:<12} {best * 1000:6.2f} ms  {per:4.1f} SQL statements  "
              f"({results[name] / results['hello world']:.0f}x hello world)")


if __name__ == "__main__":
    main()
