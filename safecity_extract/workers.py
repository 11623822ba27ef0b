"""Worker processes that stay bounded and die with their parent.

Every process that reads a PDF is started here or calls ``worker_start``: it ignores Ctrl-C
(the parent decides what an interrupt means), is killed by the kernel when its parent dies
(PR_SET_PDEATHSIG on Linux, and a check that the parent is still the one that started it),
and has its memory capped. ``run_bounded`` runs one call that way under a timeout.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from types import FrameType
from typing import Any

from .errors import OutOfMemory, SafecityError
from .limits import limit_memory

_PR_SET_PDEATHSIG = 1
# A file's own soft deadline fires first (it can say what was running); the parent kills the
# worker this much later if the soft one could not (stuck in C code).
GRACE_SECONDS = 5.0
# After the soft deadline the alarm repeats this often: a SoftTimeout raised inside a finalizer
# (a __del__ or weakref callback run by the garbage collector) is printed and dropped by
# Python, and a one-shot alarm would then never end the file.
REPEAT_SECONDS = 0.5


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when the process that started it exits."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = multiprocessing.parent_process()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    # the parent may have died before prctl took effect: then we were re-parented already
    if parent is not None and parent.pid is not None and os.getppid() != parent.pid:
        os._exit(1)


def worker_start(max_memory: int | None) -> None:
    """What every worker does first: a process group of its own (so that killing a hung
    worker also kills what it started, the tesseract processes of OCR), die with the parent,
    leave signals to it, cap memory."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C held since start_worker is dropped
    _hold_interrupts(False)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit_memory(max_memory)


def _hold_interrupts(hold: bool) -> bool:
    """Block (``hold``) or unblock SIGINT in this thread; whether it was blocked before."""
    if not hasattr(signal, "pthread_sigmask"):
        return False
    how = signal.SIG_BLOCK if hold else signal.SIG_UNBLOCK
    return signal.SIGINT in signal.pthread_sigmask(how, {signal.SIGINT})


def start_worker(process: Any) -> None:
    """``process.start()`` with Ctrl-C held back, so that the worker starts with SIGINT
    blocked (a child inherits the signal mask) until ``worker_start`` ignores it.

    Until then the worker is still in this process's group, which a terminal's Ctrl-C
    reaches whole, and Python would raise KeyboardInterrupt in it while it imports: it would
    die printing a traceback. A Ctrl-C meant for this process waits and is raised here as
    soon as the worker is started.
    """
    if hasattr(signal, "pthread_sigmask"):
        # Started by the first worker, multiprocessing's resource tracker would unblock SIGINT
        # after its own start, before the worker's: start it first.
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    held = _hold_interrupts(True)
    try:
        process.start()
    finally:
        if not held:
            _hold_interrupts(False)


class SoftTimeout(BaseException):
    """Raised in a worker when its file's time is up (BaseException: no ``except Exception``
    in the library or in pdfminer may swallow it)."""


def _raise_soft_timeout(signum: int, frame: FrameType | None) -> None:
    raise SoftTimeout()


@contextmanager
def soft_deadline(seconds: float | None) -> Iterator[None]:
    """Raise SoftTimeout in this (worker) process after ``seconds``, and again every
    REPEAT_SECONDS until the block is left; None or 0: never."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return
    old = signal.signal(signal.SIGALRM, _raise_soft_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def end_children() -> None:
    """After a soft timeout: SIGTERM the other processes of this worker's process group (what
    the timed-out file started, such as tesseract), so that none outlives its file."""
    if not hasattr(os, "killpg") or os.getpgrp() != os.getpid():
        return  # not a group of our own: nothing is ours to end
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        os.killpg(os.getpgrp(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


def was_matching_agencies(exc: BaseException) -> bool:
    """True if ``exc`` was raised while agencies.py was running (matching lead agencies)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(os.sep + "agencies.py"):
            return True
        tb = tb.tb_next
    return False


# --- one call in a bounded process ------------------------------------------------------------


class WorkerError(SafecityError):
    """An error that happened in a worker process, carried back as its message and exit code."""

    def __init__(self, message: str, exit_code: int = 1, worker_traceback: str = "") -> None:
        Exception.__init__(self, message)
        self.path, self.reason = "", message
        self.exit_code = exit_code
        self.worker_traceback = worker_traceback  # for -v

    def __str__(self) -> str:
        return self.reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (WorkerError, (self.reason, self.exit_code, self.worker_traceback))


@dataclass(frozen=True)
class Bounds:
    """Time and memory one file may take: seconds (None: no limit) and MiB (None: no cap)."""

    timeout: float | None = None
    max_memory: int | None = None


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], label: str,
           bounds: Bounds) -> None:
    worker_start(bounds.max_memory)
    try:
        with soft_deadline(bounds.timeout):
            result: tuple[Any, ...] = ("ok", fn(*args))
    except SoftTimeout as exc:
        result = ("error", timeout_message(label, bounds.timeout, exc), 1, "")
    except SafecityError as exc:
        result = ("error", str(exc), exc.exit_code, traceback.format_exc())
    except MemoryError:
        result = ("error", str(OutOfMemory(label, bounds.max_memory)), 1, "")
    except Exception as exc:  # noqa: BLE001 (a bug or an unforeseen PDF: one line)
        result = ("error", f"{label}: {type(exc).__name__}: {exc}", 1, traceback.format_exc())
    conn.send(result)


def timeout_message(label: str, timeout: float | None, exc: BaseException) -> str:
    what = " while matching lead agencies (the agencies file is too long or odd)" if (
        was_matching_agencies(exc)) else ""
    return f"{label}: timed out after {timeout:g} s{what}"


def run_bounded(fn: Callable[..., Any], args: tuple[Any, ...], label: str,
                bounds: Bounds) -> Any:
    """``fn(*args)`` in a fresh worker process under ``bounds``; its result, or WorkerError.

    ``fn`` and ``args`` must be picklable (``fn`` a module-level function); ``label`` (the
    file) starts every message. The worker's own errors come back as WorkerError with their
    exit code and traceback.
    """
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, args, label, bounds), daemon=True)
    start_worker(process)
    child.close()
    hard = bounds.timeout + GRACE_SECONDS if bounds.timeout else None
    deadline = time.monotonic() + hard if hard else None
    try:
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = wait([parent, process.sentinel], left)
            if parent in ready:
                try:
                    message = parent.recv()
                except (EOFError, OSError):
                    message = None
                if message is not None:
                    return _unpack(message)
            if ready:
                process.join(1)
                raise WorkerError(f"{label}: worker process died (exit code {process.exitcode})")
            if deadline is not None and time.monotonic() >= deadline:
                raise WorkerError(f"{label}: timed out after {bounds.timeout:g} s")
    finally:
        if process.is_alive():
            kill_group(process)
        process.join()
        parent.close()


def kill_group(process: Any) -> None:
    """SIGKILL a worker started here and its children (its process group, see worker_start)."""
    try:
        if process.pid is not None and os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.kill()


def _unpack(message: tuple[Any, ...]) -> Any:
    if message[0] == "ok":
        return message[1]
    raise WorkerError(message[1], message[2], message[3])
