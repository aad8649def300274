"""`flask worker`: one long-running process for every periodic job (outboxes and the like).

Jobs are registered by the core and by feature packages from their `init_app`:

    register_job(app, "search-outbox", apply_due_batch, "Apply due search index changes")

A job's callable runs one bounded batch inside an app context and returns how many items it
handled (0: nothing to do). The worker runs every job in turn, commits after each, and sleeps
WORKER_IDLE_SECONDS when a whole round found nothing. Several workers may run at once: every
outbox claims its rows with SELECT ... FOR UPDATE SKIP LOCKED (tradehub.outbox.claim), so no
row is handled twice. SIGTERM (and SIGINT) let the batch in progress finish, then the worker
exits 0. A job that raises is logged and rolled back; the other jobs keep running.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tradehub.extensions import db
from tradehub.metrics import WORKER_JOBS

log = logging.getLogger(__name__)

_JOBS = "tradehub.worker_jobs"


@dataclass(frozen=True)
class PeriodicJob:
    """One job of `flask worker`: a name, one bounded batch of work, and what it does."""

    name: str
    run: Callable[[], int]
    description: str


def register_job(app: Flask, name: str, run: Callable[[], int], description: str) -> None:
    """Add a job to `flask worker`; `run()` does one batch and returns the items it handled."""
    jobs = app.extensions.setdefault(_JOBS, {})
    if name in jobs:
        raise ValueError(f"a worker job named {name!r} is already registered")
    jobs[name] = PeriodicJob(name, run, description)


def registered_jobs(app: Flask) -> list[PeriodicJob]:
    """The jobs in the order they were registered."""
    return list(app.extensions.get(_JOBS, {}).values())


class Worker:
    """Runs rounds of jobs until stopped (see the module docstring)."""

    def __init__(self, jobs: list[PeriodicJob], idle_seconds: float):
        self.jobs = jobs
        self.idle_seconds = idle_seconds
        self.stopping = threading.Event()

    def stop(self, *_args) -> None:
        """Finish the batch in progress, then return from run() (a signal handler)."""
        if not self.stopping.is_set():
            log.info("worker stopping after the current batch")
        self.stopping.set()

    def run_round(self) -> int:
        """Each job once; the items handled by all of them."""
        handled = 0
        for job in self.jobs:
            if self.stopping.is_set():
                break
            try:
                done = int(job.run() or 0)
                db.session.commit()
            except Exception:
                db.session.rollback()
                WORKER_JOBS.labels(job.name, "error").inc()
                log.exception("worker job %s failed; it runs again next round", job.name)
                continue
            finally:
                db.session.remove()
            WORKER_JOBS.labels(job.name, "work" if done else "idle").inc()
            if done:
                log.info("worker job %s handled %d item(s)", job.name, done)
            handled += done
        return handled

    def run(self, *, until_idle: bool = False, max_rounds: int | None = None) -> int:
        """Rounds until stopped (or, with until_idle, until a round finds nothing). Returns the
        items handled."""
        total = rounds = 0
        while not self.stopping.is_set():
            handled = self.run_round()
            total += handled
            rounds += 1
            if max_rounds is not None and rounds >= max_rounds:
                break
            if handled == 0:
                if until_idle:
                    break
                self.stopping.wait(self.idle_seconds)
        return total


@click.command("worker")
@click.option(
    "--until-idle",
    is_flag=True,
    help="Exit once a round of every job finds nothing to do (for cron or a one-off drain).",
)
@click.option(
    "--job",
    "only",
    multiple=True,
    help="Run only this job (repeatable); `flask worker --list` names them.",
)
@click.option("--list", "list_jobs", is_flag=True, help="List the registered jobs and exit.")
@with_appcontext
def worker_command(until_idle: bool, only: tuple[str, ...], list_jobs: bool) -> None:
    """Run every periodic job (email outbox, search outbox, ...) in one loop.

    Start one or more per deployment; SIGTERM finishes the current batch and exits.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs = registered_jobs(app)
    if list_jobs:
        for job in jobs:
            click.echo(f"{job.name}: {job.description}")
        return
    unknown = set(only) - {job.name for job in jobs}
    if unknown:
        raise click.BadParameter(
            f"no job named {', '.join(sorted(unknown))}; known: "
            + ", ".join(job.name for job in jobs),
            param_hint="--job",
        )
    if only:
        jobs = [job for job in jobs if job.name in only]
    worker = Worker(jobs, app.config["WORKER_IDLE_SECONDS"])
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    click.echo(f"Worker running: {', '.join(job.name for job in jobs)} (SIGTERM to stop)")
    started = time.monotonic()
    handled = worker.run(until_idle=until_idle)
    click.echo(
        f"Worker stopped after {time.monotonic() - started:.1f}s; {handled} item(s) handled."
    )


def register_worker(app: Flask) -> None:
    """`flask worker`."""
    app.cli.add_command(worker_command)
