"""Clips made after the request: a studio publication commits at once, and the machine voice
makes the course's missing clips in a process of its own, at low priority, so that a large new
course never holds a request (nor a kiosk's answers) while eSpeak works. Speakers appear as
their clips are ready (each process looks clips up again within a minute).

The process is ``flask lms content clips [SLUG] --make``: the same command an administrator
runs by hand, which commits every 25 clips and takes the instance's clip lock, so that two
publications in a row make each clip once. Its output goes to ``clips.log`` in the instance
folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app


def command(slug: str | None = None) -> list[str]:
    """The command that makes the missing clips (of one course, or of every course)."""
    return [sys.executable, "-m", "flask", "--app", "lms:create_app", "lms", "content",
            "clips", *([slug] if slug else []), "--make"]


def spawn(instance: str, slug: str | None = None) -> str:
    """Start the command in a session of its own at low priority; the log's path."""
    log = os.path.join(instance, "clips.log")
    with open(log, "ab") as out:
        subprocess.Popen(command(slug), stdout=out, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True,
                         preexec_fn=lambda: os.nice(10))
    return log


def make_later(slug: str) -> bool:
    """After a publication is committed: make the course's machine clips in the background,
    unless the configuration says not to (``MACHINE_CLIPS``). True when it was started."""
    if not current_app.config.get("MACHINE_CLIPS", True):
        return False
    spawn(current_app.instance_path, slug)
    return True


@contextmanager
def one_at_a_time(instance: str) -> Iterator[None]:
    """Hold the instance's clip lock while making clips: a second process waits, then finds
    made what the first made (a lock file, for the app servers of one machine)."""
    import fcntl

    with open(os.path.join(instance, "clips.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
