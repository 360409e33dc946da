"""Progress of long work 进度: the loops of validate, render, bind, import, export, reports and the
index say how far they are; whoever runs them decides whether and how that is shown.

The library only counts (`track`); the command line installs a sink (`showing`) when stderr is a
terminal and --quiet was not given, and formats it there. Without a sink, tracking costs one
check per item and prints nothing, so tests, pipes, hooks and CI stay quiet.
"""

from __future__ import annotations

import contextlib
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
Sink = Callable[[str, int, int], None]  # (what: a message key, done, total); done == total: finished

_sink: Sink | None = None


@contextlib.contextmanager
def showing(sink: Sink | None) -> Iterator[None]:
    """Report the progress of everything run inside to `sink` (None: to nobody)."""
    global _sink
    before, _sink = _sink, sink
    try:
        yield
    finally:
        _sink = before


def track(items: Iterable[T], total: int, what: str) -> Iterator[T]:
    """The items, one by one, counted against `total` under `what` (a message key naming the work)."""
    sink = _sink
    if sink is None or total <= 0:
        yield from items
        return
    done = 0
    sink(what, 0, total)
    try:
        for item in items:
            yield item
            done += 1
            sink(what, min(done, total), total)
    finally:
        if done < total:  # stopped early (an error, or fewer items than expected): close the line anyway
            sink(what, total, total)
