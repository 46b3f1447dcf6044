"""``make run``: load the demo into an empty database, print the sign-ins, start gunicorn."""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from sqlalchemy import func, select


def _prepare() -> str:
    from . import create_app
    from .accounts.models import User
    from .extensions import db

    app = create_app()
    with app.app_context():
        empty = not db.session.scalar(select(func.count()).select_from(User))
        runner = app.test_cli_runner()
        if empty:
            result = runner.invoke(args=["lms", "demo"])
            print(result.output)
            if result.exit_code:
                sys.exit(result.exit_code)
        else:
            from . import demo

            print("Demo sign-ins (unless changed with `flask --app wsgi lms demo --password`):")
            print(f"  staff: admin, lecturer, officer, officer2 — password {demo.DEFAULT_PASSWORD}")
            print(f"  learners: 1001–1020 and 2001–2005 — PIN {demo.DEFAULT_PIN}")
    return app.instance_path


def _clips_in_background(instance: str) -> None:
    """Make the machine voice's missing clips in a process of their own, at low priority, while
    the server already serves: speakers appear as their clips are ready (within a minute)."""
    from .speech import later

    log = later.spawn(instance)
    print(f"Sounds: the machine voice makes the missing clips in the background (the bundled "
          f"courses take about half an hour on two cores; progress in {log}).")


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve Umed with gunicorn.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5000)))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    instance = _prepare()
    if os.environ.get("LMS_MACHINE_CLIPS", "1") != "0":
        _clips_in_background(instance)
    if os.environ.get("LMS_KIOSK_ANY_BROWSER") == "1":
        print("DEMO MODE: learners may sign in from any browser (LMS_KIOSK_ANY_BROWSER=1).")
        print("Never use demo mode in a prison: there, only enrolled kiosks accept learners.")
    print(f"Umed is at http://127.0.0.1:{args.port}/  (staff: http://127.0.0.1:{args.port}/staff/signin)")
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    os.execv(gunicorn, [gunicorn, "--bind", f"127.0.0.1:{args.port}",
                        "--workers", str(args.workers), "--threads", "4",
                        "--access-logfile", "-", *_no_control_socket(gunicorn), "wsgi:app"])


def _no_control_socket(gunicorn: str) -> list[str]:
    """gunicorn 27 opens one control socket per user; a second server would share it."""
    import subprocess

    help_text = subprocess.run([gunicorn, "--help"], capture_output=True, text=True).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


if __name__ == "__main__":
    main()
