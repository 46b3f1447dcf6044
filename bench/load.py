"""Load: simulated kiosks against gunicorn, next to a hello-world Flask app in the same run.

    .venv/bin/pip install -e '.[bench]'        # locust
    .venv/bin/python bench/load.py --database-url sqlite:////tmp/bench/umed.sqlite3
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/umed_bench

A database seeded by bench/seed.py is used as it is (a new or empty one is seeded first, with
``--learners``/``--events``); a one-exercise course with unlimited tries is added for the answer
load. Both apps run under gunicorn with the same settings (``--workers``, ``--threads``) on
127.0.0.1, and locust (FastHttpUser) drives them from this process. Kiosks sign in on the keypad
page (LMS_KIOSK_ANY_BROWSER=1), once, before the measured phases:

1. hello    — ``--users`` clients GET / of bench/hello.py back to back: requests/s;
   floor    — the same on bench/hello.py's /write (one row appended to SQLite and committed,
              nothing else): how far below hello world any page that writes sits;
2. lesson   — as many kiosks GET a lesson page back to back (each view also writes its
              event and progress): requests/s, and the ratio to hello (target >= 0.5);
3. kiosks50 — 50 kiosks reading pages and answering (3:1) with 0.5–1.5 s to think:
              p95 latency (target <= 50 ms);
4. answers  — ``--kiosks`` kiosks (200) submitting answers back to back, each with a new
              client id, as the kiosk's JavaScript does (JSON): answers/s (target >= 400) and
              errors (target 0);
then the resident memory of each gunicorn worker from /proc (target <= 120 MB).

Every phase lasts ``--seconds`` (default 20) after 2 s of warm-up, and then stops. Locust shares
the machine with the servers: the load generator's own CPU use is printed with each phase.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

import common  # bench/common.py, beside this script
import gevent
import locust  # gevent patches the standard library when locust is imported
from gevent.pool import Pool
from locust import FastHttpUser, between, constant, task
from locust.env import Environment

WARMUP = 2.0
PHASES = ("hello", "floor", "stack", "lesson", "kiosks50", "answers")


class Kiosks:
    """The signed-in kiosks; each simulated user takes the next one."""

    pool: list[common.Kiosk] = []
    target: common.Target | None = None
    taken = 0

    @classmethod
    def take(cls) -> common.Kiosk:
        kiosk = cls.pool[cls.taken % len(cls.pool)]
        cls.taken += 1
        return kiosk


class Hello(FastHttpUser):
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/", name="hello")


class Floor(FastHttpUser):
    wait_time = constant(0)

    @task
    def write(self):
        self.client.get("/write", name="floor")


class Stack(FastHttpUser):
    wait_time = constant(0)

    @task
    def stack(self):
        self.client.get("/stack", name="stack")


class KioskUser(FastHttpUser):
    abstract = True

    def on_start(self):
        self.kiosk = Kiosks.take()

    def read(self):
        with self.client.get(Kiosks.target.read_path, name="lesson page",
                             headers={"Cookie": self.kiosk.cookie}, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    def answer(self):
        form = common.answer_form(self.kiosk, uuid.uuid4().hex)
        with self.client.post(Kiosks.target.answer_path, data=form, name="answer",
                              headers={"Cookie": self.kiosk.cookie,
                                       "Accept": "application/json"},
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200 or b'"repeated":false' not in response.content:
                response.failure(f"status {response.status_code}")


class Reader(KioskUser):
    wait_time = constant(0)

    @task
    def page(self):
        self.read()


class Learner(KioskUser):
    wait_time = between(0.5, 1.5)

    @task(3)
    def page(self):
        self.read()

    @task(1)
    def submit(self):
        self.answer()


class Answerer(KioskUser):
    wait_time = constant(0)

    @task
    def submit(self):
        self.answer()


def run(user_class, server: common.Server, users: int, seconds: float) -> dict:
    env = Environment(user_classes=[user_class], host=f"http://127.0.0.1:{server.port}")
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(WARMUP)
    env.stats.reset_all()
    cpu0, server0, wall0 = sum(os.times()[:2]), server.cpu_seconds(), time.monotonic()
    gevent.sleep(seconds)
    wall = time.monotonic() - wall0
    cpu = sum(os.times()[:2]) - cpu0
    server_cpu = server.cpu_seconds() - server0
    total = env.stats.total
    result = {"requests": total.num_requests, "failures": total.num_failures,
              "rps": total.num_requests / wall, "p50": total.get_response_time_percentile(0.5),
              "p95": total.get_response_time_percentile(0.95), "locust_cpu": cpu / wall,
              "server_cpu": server_cpu / wall,
              "cpu_ms": 1000 * server_cpu / max(total.num_requests, 1),
              "by_name": {name: (entry.num_requests / wall,
                                 entry.get_response_time_percentile(0.95), entry.num_failures)
                          for (name, _method), entry in env.stats.entries.items()}}
    runner.quit()
    return result


def report(phase: str, result: dict) -> None:
    print(f"{phase:<9} {result['rps']:>8.0f} req/s  p50 {result['p50']:>4.0f} ms  "
          f"p95 {result['p95']:>4.0f} ms  {result['requests']:>6} requests  "
          f"{result['failures']} failures  (server CPU {result['server_cpu']:.0%}, "
          f"{result['cpu_ms']:.2f} ms a request; locust CPU {result['locust_cpu']:.0%})")
    if len(result["by_name"]) > 1:
        for name, (rps, p95, failures) in sorted(result["by_name"].items()):
            print(f"{'':<9}   {name:<12} {rps:>6.0f} req/s  p95 {p95:>4.0f} ms  "
                  f"{failures} failures")
    sys.stdout.flush()


def verdict(ok: bool) -> str:
    return "meets the target" if ok else "MISSES the target"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--media-dir", default=None, help="default: beside the database")
    parser.add_argument("--learners", type=int, default=10_000, help="when seeding")
    parser.add_argument("--events", type=int, default=1_100_000, help="when seeding")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--users", type=int, default=50, help="for the throughput phases")
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--phases", default=",".join(PHASES),
                        help="a comma-separated subset of: %(default)s (hello always runs)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="umed-load-"))
    url = args.database_url or f"sqlite:///{tmp / 'umed.sqlite3'}"
    if args.media_dir:
        media = Path(args.media_dir)
    elif url.startswith("sqlite:///") and args.database_url:
        media = Path(url[len("sqlite:///"):]).parent / "media"
    else:
        media = tmp / "media"
    print(f"database {url.split('@')[-1]}; logs in {tmp}")
    target = common.prepare_database(url, args.learners, args.events, media)
    env = common.server_env(url, media, secrets.token_urlsafe(32))
    settings = dict(workers=args.workers, threads=args.threads)
    hello = common.Server("hello:app", common.free_port(),
                          {**env, "BENCH_FLOOR_DB": str(tmp / "floor.sqlite3")},
                          log=tmp / "hello.log",
                          chdir=common.BENCH, **settings)
    app = common.Server("wsgi:app", common.free_port(), env, log=tmp / "umed.log", **settings)
    try:
        hello.start(ready_path="/")
        app.start()
        print(f"gunicorn --workers {args.workers} --threads {args.threads} for both apps; "
              f"locust {locust.__version__}, {os.cpu_count()} cores shared with the servers\n")
        started = time.monotonic()
        Kiosks.target = target
        numbers = [str(common.FIRST_NUMBER + i) for i in range(args.kiosks)]
        Kiosks.pool = list(Pool(4).imap(lambda n: common.sign_in(app.port, n, target),
                                        numbers))
        took = time.monotonic() - started
        print(f"sign-in   {len(Kiosks.pool)} kiosks in {took:.1f} s "
              f"({len(Kiosks.pool) / took:.1f}/s; argon2id checks every PIN)\n")

        results = {}
        wanted = {"hello", *args.phases.split(",")}
        for phase, user_class, server, users in (
                ("hello", Hello, hello, args.users),
                ("floor", Floor, hello, args.users),
                ("stack", Stack, hello, args.users),
                ("lesson", Reader, app, args.users),
                ("kiosks50", Learner, app, 50),
                ("answers", Answerer, app, args.kiosks)):
            if phase not in wanted:
                continue
            results[phase] = run(user_class, server, users, args.seconds)
            report(phase, results[phase])
        rss = app.rss_mb()
        hello_rss = hello.rss_mb()
    finally:
        hello.stop()
        app.stop()

    errors = sum(r["failures"] for r in results.values())
    hello_rps = results["hello"]["rps"]
    print("\nSummary")
    if "lesson" in results:
        ratio = results["lesson"]["rps"] / hello_rps
        print(f"  lesson page / hello world throughput: {ratio:.2f} "
              f"({results['lesson']['rps']:.0f} / {hello_rps:.0f} req/s) — "
              f"{verdict(ratio >= 0.5)} (>= 0.5)")
    if "floor" in results:
        floor = results["floor"]["rps"] / hello_rps
        print(f"    for scale: one SQLite row written and committed, nothing else / hello world: "
              f"{floor:.2f} ({results['floor']['rps']:.0f} req/s)")
    if "stack" in results:
        stack = results["stack"]["rps"] / hello_rps
        print(f"    for scale: the least page of this stack (ORM read, ORM write, 5 KB template) "
              f"/ hello world: {stack:.2f} ({results['stack']['rps']:.0f} req/s)")
    if "kiosks50" in results:
        p95 = results["kiosks50"]["p95"]
        print(f"  p95 latency at 50 kiosks: {p95:.0f} ms — {verdict(p95 <= 50)} (<= 50 ms)")
    if "answers" in results:
        answers = results["answers"]
        print(f"  answers at {args.kiosks} kiosks: {answers['rps']:.0f}/s, "
              f"{answers['failures']} errors — {verdict(answers['rps'] >= 400)} (>= 400/s)")
    print(f"  errors in all phases: {errors} — {verdict(errors == 0)} (0)")
    print(f"  memory per worker (RSS): {', '.join(f'{m:.0f} MB' for m in rss)} "
          f"(hello world: {', '.join(f'{m:.0f} MB' for m in hello_rss)}) — "
          f"{verdict(max(rss) <= 120)} (<= 120 MB)")

if __name__ == "__main__":
    main()
