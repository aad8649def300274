"""Progress of long CLI jobs (bulk import, reindex, demo seed): a bar with the rate and the
time left when the job runs on a terminal, nothing at all otherwise (cron, CI, pipes)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

import click

Advance = Callable[[int], None]


def _silent(_done: int) -> None:
    return None


@contextmanager
def progress(total: int | None, label: str, *, stream: IO[str] | None = None) -> Iterator[Advance]:
    """Yield `advance(n)`, to call as each n items are done.

    On a terminal (`stream`, standard error by default) it draws click's progress bar with the
    percentage, the items per second and the estimated time left; elsewhere it draws nothing,
    so logs and pipes stay clean.
    """
    stream = stream or sys.stderr
    if not stream.isatty():
        yield _silent
        return
    started = time.monotonic()
    done = 0

    def rate(_item: object) -> str:
        seconds = time.monotonic() - started
        return f"{done / seconds:,.0f}/s" if seconds > 0 and done else ""

    with click.progressbar(
        length=total,
        label=label,
        file=stream,
        show_eta=True,
        show_percent=True,
        show_pos=True,
        item_show_func=rate,
    ) as bar:

        def advance(count: int) -> None:
            nonlocal done
            done += count
            bar.update(count, done)

        yield advance
