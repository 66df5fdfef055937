"""A function and a list in; the function's value for each item out, in order, worked out on all cores by fresh processes.

The processes are forked from a server process started small, not from this one: a process
forked from a large one copies every page it writes, the pages of the objects it reads (their
reference counts change) and those it allocates into (the holes freed objects leave in the
heap), which past a few thousand speeches is gigabytes. The function and the items are pickled
to the processes, and the values come back, the same and in the same order whatever the
number of processes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

CHUNKS = 16  # chunks a process, so one slow chunk leaves the others little to wait for
MIN_ITEMS = 64  # below this, starting processes costs more than the work it shares

_FUNC: list[Callable[[Any], Any]] = []  # the function a process applies


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def _install(func: Callable[[Any], Any]) -> None:
    _FUNC.append(func)


def _apply(item: Any) -> Any:
    return _FUNC[-1](item)


def fan_out(func: Callable[[Any], Any], items: Sequence, processes: int | None = None) -> list:
    """`func` (a picklable function) of each item, in order: in this process on one core or for a few items, else in fresh processes.

    >>> fan_out(len, ["a", "bb"] * 100, processes=2) == [1, 2] * 100
    True
    """
    processes = processes or cores()
    if processes < 2 or len(items) < MIN_ITEMS:
        return [func(item) for item in items]
    with multiprocessing.get_context("forkserver").Pool(processes, initializer=_install, initargs=(func,)) as pool:
        return pool.map(_apply, items, chunksize=max(1, len(items) // (processes * CHUNKS)))
