"""Run a function over many inputs on all cores, each under a time limit, so that no input can hang or crash the run.

Worker processes take one input at a time. Inside a worker an alarm stops an input
that runs past the limit (the worker survives and goes on); a worker that does not
answer shortly after that — stuck where the alarm cannot reach, or crashed — is
killed and replaced, and its input reported. The workers come from a fork server
that has imported the pipeline once, so a replacement starts in milliseconds and
the threads of the main process (the progress bar) are never forked.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait

PRELOAD = ["build_scripts.pipeline", "build_scripts.sources"]
START_METHOD = "forkserver"
GRACE = 5.0  # seconds a worker has after its alarm before it is killed


class TimeLimitExceeded(BaseException):
    """Raised by the alarm; a BaseException, so that libraries' `except Exception` cannot swallow it."""


def _on_alarm(signum, frame):
    raise TimeLimitExceeded


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise TimeLimitExceeded in the main thread when the block runs longer than `seconds`."""
    if not seconds or seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _serve(conn, func: Callable, seconds: float | None) -> None:
    """A worker: inputs in, ("ok", value), ("timeout", None) or ("error", message) out, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and stops the workers
    frozen = False
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, item = message
        try:
            with time_limit(seconds):
                outcome = ("ok", func(item))
        except TimeLimitExceeded:
            outcome = ("timeout", None)
        except BaseException as error:  # noqa: BLE001 - report every failure of an input, never die of one
            outcome = ("error", f"{type(error).__name__}: {error}")
        if not frozen:
            # The first input loaded the language models and dictionaries: hundreds of thousands of
            # objects that live as long as the worker, which every full collection would walk again.
            gc.freeze()
            frozen = True
        try:
            conn.send((index, *outcome))
        except (EOFError, OSError):
            return
        except Exception as error:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send((index, "error", f"the result cannot be sent back: {type(error).__name__}: {error}"))


class _Worker:
    def __init__(self, context, func: Callable, seconds: float | None):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, func, seconds), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.deadline = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=None if kill else 2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run(
    func: Callable,
    items: list,
    jobs: int,
    seconds: float | None,
    grace: float = GRACE,
) -> Iterator[tuple[int, str, object]]:
    """Yield (index, status, value) for every item, in the order they finish.

    status is "ok" (value: what `func` returned), "timeout" (value: None), or "error"
    (value: a message; the worker raised, crashed or was killed).
    """
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    pending = deque(enumerate(items))
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    try:
        while pending or busy:
            while pending and len(busy) < max(1, jobs):
                worker = idle.pop() if idle else _Worker(context, func, seconds)
                index, item = pending.popleft()
                try:
                    worker.conn.send((index, item))
                except (OSError, ValueError) as error:
                    worker.stop(kill=True)
                    yield index, "error", f"cannot be handed to a worker: {error}"
                    continue
                worker.index = index
                worker.deadline = time.monotonic() + (seconds + grace if seconds else float("inf"))
                busy.append(worker)
            soonest = min(w.deadline for w in busy)
            timeout = None if soonest == float("inf") else max(0.0, soonest - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
            now = time.monotonic()
            for worker in list(busy):
                if worker.conn in ready:
                    busy.remove(worker)
                    try:
                        index, status, value = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.stop(kill=True)
                        yield worker.index, "error", f"the worker stopped (exit code {worker.process.exitcode})"
                        continue
                    idle.append(worker)
                    yield index, status, value
                elif worker.process.sentinel in ready:
                    busy.remove(worker)
                    worker.stop(kill=True)
                    yield worker.index, "error", f"the worker stopped (exit code {worker.process.exitcode})"
                elif now >= worker.deadline:
                    busy.remove(worker)
                    worker.stop(kill=True)
                    yield worker.index, "timeout", None
    finally:
        for worker in idle + busy:
            worker.stop(kill=worker in busy)
