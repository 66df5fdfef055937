"""A function and a list in; the function's value for each item out, in order, worked out on all cores by forked processes.

The processes are forked with the function and the list already in memory, so neither is
pickled (a closure over the archive's glossary is as good as a module's function): each
process is sent the bounds of a slice, and only the values come back. The values are the
same, in the same order, whatever the number of processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

SLICES = 4  # slices a process, so one slow slice leaves the others little to wait for
MIN_ITEMS = 64  # below this, forking costs more than the work it shares

_WORK: list[tuple[Callable[[Any], Any], Sequence]] = []  # what the forked processes work on


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def bounds(count: int, parts: int) -> list[tuple[int, int]]:
    """`count` items cut into `parts` slices of nearly equal size (no empty one), as (start, stop).

    >>> bounds(10, 3), bounds(2, 4), bounds(0, 2)
    ([(0, 3), (3, 6), (6, 10)], [(0, 1), (1, 2)], [])
    """
    parts = min(parts, count)
    return [(count * k // parts, count * (k + 1) // parts) for k in range(parts)]


def _slice(span: tuple[int, int]) -> list:
    func, items = _WORK[-1]
    return [func(item) for item in items[span[0] : span[1]]]


def fan_out(func: Callable[[Any], Any], items: Sequence, processes: int | None = None) -> list:
    """`func` of each item, in order: in this process on one core or for a few items, else in forked processes.

    >>> fan_out(len, ["a", "bb"] * 100, processes=2) == [1, 2] * 100
    True
    """
    processes = processes or cores()
    if processes < 2 or len(items) < MIN_ITEMS:
        return [func(item) for item in items]
    _WORK.append((func, items))
    # Objects the forked processes only read stay shared with this one while the collector leaves them alone.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            slices = pool.map(_slice, bounds(len(items), processes * SLICES), chunksize=1)
    finally:
        gc.unfreeze()
        _WORK.pop()
    return [value for values in slices for value in values]
