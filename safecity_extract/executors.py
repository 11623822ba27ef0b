"""Where files are extracted: one interface, files in -> one Outcome per file out, in input order.

``LocalPool`` runs worker processes on this machine; ``dask_executor.DaskExecutor`` sends the
files' bytes to a Dask cluster. Both keep only a bounded window of files in flight or waiting to
be handed over in order, so the caller's memory does not grow with the number of files.
"""
from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence

from .errors import OutOfMemory, SafecityError
from .model import Report
from .options import Options
from .workers import (
    GRACE_SECONDS,
    SoftTimeout,
    end_children,
    kill_group,
    soft_deadline,
    start_worker,
    timeout_message,
    worker_start,
)

ExtractFn = Callable[..., Report]


@dataclass(frozen=True)
class ExtractJob:
    """How to extract, besides the file: all picklable, so workers can receive it.

    ``extract_fn`` replaces the real extractor (a module-level function, so workers can import
    it); it is called as ``extract_fn(path, password=..., agencies=..., settings=...)``, and
    with ``ocr=...`` too when the options' ocr is not the default "auto". ``layout``: the real
    extractor's payload is (Report, Layout), for review pages.
    """

    options: Options = field(default_factory=Options)
    extract_fn: ExtractFn | None = None
    timeout: float | None = None      # seconds per file: the worker's own soft deadline
    max_memory: int | None = None     # MiB per worker process (None: no cap)
    layout: bool = False              # return (Report, Layout): review pages follow


@dataclass(frozen=True)
class Outcome:
    """What became of the file at ``index``: ("ok", a Report, or (Report, Layout) when the job
    asks for layouts) or ("error", a one-line message), with the worker's traceback for -v."""

    index: int
    status: str
    payload: Any
    detail: str = ""


class Executor(Protocol):
    """Extracts files; yields exactly one Outcome per path, in the order of ``paths``."""

    def outcomes(self, paths: Sequence[Path], job: ExtractJob,
                 timeout: float | None) -> Iterator[Outcome]: ...


# --- the worker side -------------------------------------------------------------------------


def _default_extract(layout: bool) -> Callable[..., Any]:
    from .extract import extract, extract_with_layout

    return extract_with_layout if layout else extract


def extract_one(path: Path, job: ExtractJob) -> tuple[str, Any, str]:
    """Run the extractor on one file: ("ok", report, "") or ("error", message, traceback)."""
    opts = job.options
    try:
        fn = job.extract_fn or _default_extract(job.layout)
        more = {"ocr": opts.ocr} if opts.ocr != "auto" else {}
        report = fn(str(path), password=opts.password, agencies=opts.agencies,
                    settings=opts.settings, **more)
        return "ok", report, ""
    except SafecityError as exc:
        return "error", str(exc), traceback.format_exc()
    except MemoryError:
        return "error", str(OutOfMemory(str(path), job.max_memory)), ""
    except Exception as exc:  # a bug or an unforeseen PDF: fail this file, not the batch
        return "error", f"{path}: {type(exc).__name__}: {exc}", traceback.format_exc()


def _worker_main(conn: Connection, job: ExtractJob) -> None:
    """Worker loop: receive (index, path), send back (index, status, payload, traceback)."""
    worker_start(job.max_memory)
    try:
        _serve(conn, job)
    except MemoryError:  # no memory left even to report: the parent says the worker died
        os._exit(70)


def _serve(conn: Connection, job: ExtractJob) -> None:
    conn.send(_READY)  # the parent starts a file's clock now, not while this process started
    while True:
        task = conn.recv()
        if task is None:
            return
        index, path = task
        try:
            with soft_deadline(job.timeout):
                result = extract_one(path, job)
        except SoftTimeout as exc:
            end_children()
            result = ("error", timeout_message(str(path), job.timeout, exc), "")
        try:
            conn.send((index, *result))
        except Exception as exc:  # e.g. a report that cannot be pickled
            conn.send((index, "error", f"{path}: cannot send result: {exc}", ""))


# --- putting outcomes back in input order ----------------------------------------------------


class InOrder:
    """Outcomes arrive in any order; ``ready()`` hands them on in index order.

    ``admits(i)`` says whether file ``i`` may be started: only files less than ``window`` past
    the next one to hand on, so at most ``window`` outcomes ever wait here.
    """

    def __init__(self, window: int) -> None:
        self.window = max(1, window)
        self.next = 0
        self._waiting: dict[int, Outcome] = {}

    def admits(self, index: int) -> bool:
        return index < self.next + self.window

    def add(self, outcome: Outcome) -> None:
        self._waiting[outcome.index] = outcome

    def ready(self) -> Iterator[Outcome]:
        while self.next in self._waiting:
            outcome = self._waiting.pop(self.next)
            self.next += 1
            yield outcome


# --- the local pool: worker processes that survive hangs and crashes -------------------------


# A worker's first message: it has imported the extractor. Until then a file's --timeout is
# extended by STARTUP_GRACE, so a slow start on a loaded machine does not fail its first file.
_READY = ("ready",)
STARTUP_GRACE = 60.0


class _Worker:
    def __init__(self, ctx: Any, job: ExtractJob) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, job), daemon=True)
        start_worker(self.process)
        child.close()
        self.task: int | None = None
        self.started = 0.0
        self.ready = False

    def limit(self, timeout: float) -> float:
        """Seconds the current file may run, counted from ``started``."""
        return timeout if self.ready else timeout + STARTUP_GRACE

    def give(self, index: int, path: Path) -> None:
        self.task, self.started = index, time.monotonic()
        try:
            self.conn.send((index, path))
        except OSError:  # it died at start-up: the next wait sees its exit and reports it
            pass

    def stop(self, kill: bool = False) -> None:
        if kill:
            self._kill_group()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self._kill_group()
            self.process.join()
        self.conn.close()

    def _kill_group(self) -> None:
        """Kill the worker and its children (its process group, see ``worker_start``)."""
        kill_group(self.process)


class LocalPool:
    """At most ``workers`` processes on this machine. A file still running after ``timeout``
    seconds, or whose worker dies, is an error outcome and its worker is replaced."""

    def __init__(self, workers: int, window: int | None = None) -> None:
        self.workers = max(1, workers)
        self.window = window or 4 * self.workers

    def outcomes(self, paths: Sequence[Path], job: ExtractJob,
                 timeout: float | None) -> Iterator[Outcome]:
        ctx = multiprocessing.get_context("spawn")
        # the worker's own soft deadline reports a slow file; the kill comes a little later
        hard = timeout + GRACE_SECONDS if timeout and job.timeout else timeout
        order = InOrder(self.window)
        pending = deque(range(len(paths)))
        pool: list[_Worker] = [_Worker(ctx, job) for _ in range(min(self.workers, len(paths)))]
        try:
            while pending or any(w.task is not None for w in pool):
                for w in pool:
                    if w.task is None and pending and order.admits(pending[0]):
                        w.give(pending[0], paths[pending.popleft()])
                busy = [w for w in pool if w.task is not None]
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             _wait_time(busy, hard))
                kept: list[_Worker] = []
                for w in pool:
                    outcome, still = _collect(w, ready, hard, paths, ctx, job, bool(pending))
                    kept += [still] if still is not None else []
                    if outcome is not None:
                        order.add(outcome)
                pool = kept
                yield from order.ready()
        finally:
            for w in pool:
                w.stop(kill=w.task is not None)


def _wait_time(busy: list[_Worker], timeout: float | None) -> float | None:
    if not timeout:
        return None
    now = time.monotonic()
    return max(0.0, min(w.started + w.limit(timeout) - now for w in busy))


def _collect(w: _Worker, ready: list[Any], timeout: float | None, paths: Sequence[Path],
             ctx: Any, job: ExtractJob, more: bool) -> tuple[Outcome | None, _Worker | None]:
    """One worker after a wait: its outcome if it has one, and it, its replacement (if
    ``more`` files wait) or None."""
    index = w.task
    if index is None:
        return None, w
    if w.conn in ready or w.process.sentinel in ready:
        message = _receive(w, paths[index])
        if message == _READY:  # the first message
            w.ready, w.started = True, time.monotonic()
            return None, w
        if message is not None:
            w.task = None
            return Outcome(*message), w
        w.process.join(1)
        why = (f"worker process died (exit code {w.process.exitcode})" if w.ready else
               f"worker process could not start (exit code {w.process.exitcode}): a script "
               "that calls run_batch must do it under if __name__ == \"__main__\":")
    elif timeout and time.monotonic() - w.started >= w.limit(timeout):
        why = f"timed out after {job.timeout or timeout:g} s"
    else:
        return None, w
    w.stop(kill=True)
    w.task = None
    return Outcome(index, "error", f"{paths[index]}: {why}"), _Worker(ctx, job) if more else None


def _receive(w: _Worker, path: Path) -> tuple[Any, ...] | None:
    """The worker's message, or None if its end of the pipe is closed (it died)."""
    try:
        if w.conn.poll():
            message: tuple[Any, ...] = w.conn.recv()
            return message
    except (EOFError, OSError):
        pass
    except Exception as exc:  # the result arrived but cannot be unpickled here
        return w.task or 0, "error", f"{path}: cannot receive the result: {exc}", ""
    return None


# --- files one after another, for the commands that need every report ------------------------


def outcomes_in_turn(paths: Sequence[Path], job: ExtractJob) -> Iterator[Outcome]:
    """Each file in turn: in one worker process under the job's ``timeout`` and
    ``max_memory`` when it has either, else in this process."""
    if job.timeout is None and job.max_memory is None:
        return (Outcome(i, *extract_one(p, job)) for i, p in enumerate(paths))
    return LocalPool(1).outcomes(paths, job, job.timeout)


def reports_in_turn(paths: Sequence[Path], job: ExtractJob) -> list[Report]:
    """The report of each file (see ``outcomes_in_turn``); the first failure is raised as a
    WorkerError carrying its one-line message (the worker is stopped)."""
    from .workers import WorkerError

    reports: list[Report] = []
    outcomes = outcomes_in_turn(paths, job)
    try:
        for outcome in outcomes:
            if outcome.status != "ok":
                raise WorkerError(str(outcome.payload), 1, outcome.detail)
            reports.append(outcome.payload)
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
    return reports
