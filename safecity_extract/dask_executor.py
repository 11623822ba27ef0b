"""Batches on a Dask cluster: the client sends each PDF's bytes, workers extract, Reports come back.

No shared file system is needed: a worker writes the bytes to a private temporary folder,
extracts, and returns the Report or the one-line error. Only this module imports ``distributed``
(the optional extra ``[dask]``).
"""
from __future__ import annotations

import logging
import os
import tempfile
import time
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Sequence

from .version import __version__
from .errors import SafecityError, UnreadableFile
from .executors import ExtractJob, InOrder, Outcome, extract_one

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler, and to wait for its first worker
POLL = 1.0  # seconds between looks at what each worker runs, when files have a --timeout
SENT_LOG = 8  # messages the client's link to the scheduler keeps for debugging, during a batch


class DaskMissing(SafecityError):
    def __init__(self) -> None:
        super().__init__("--scheduler", "needs Dask, which is not installed: "
                         "pip install 'safecity-extract[dask]'")


class SchedulerUnreachable(SafecityError):
    def __init__(self, address: str, why: str) -> None:
        super().__init__(address, f"{why}: start one with `dask scheduler` (and workers with "
                         "`dask worker ADDRESS`) or check the address")


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskMissing() from None
    return distributed


@contextmanager
def dask_client(scheduler: str, workers: int | None = None,
                max_memory: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` for ``--scheduler``, closed on exit.

    ``"local"`` starts a LocalCluster of ``workers`` single-threaded processes on 127.0.0.1
    (stopped on exit), each ended by its nanny (and restarted) past ``max_memory`` MiB (None:
    no cap); anything else is the address of a running scheduler, which must be reachable and
    have a worker running our version within CONNECT_TIMEOUT seconds (its workers' memory is
    theirs to cap: ``dask worker --memory-limit``).
    """
    distributed = _distributed()
    if scheduler == "local":
        with _local_cluster(distributed, workers or os.cpu_count() or 1, max_memory) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachable(scheduler, "cannot reach the Dask scheduler ("
                                   + " ".join(str(exc).split())[:160] + ")") from None
    with client:
        _check_workers(client, scheduler)
        yield client


@contextmanager
def _local_cluster(distributed: Any, workers: int, max_memory: int | None) -> Iterator[Any]:
    import dask

    # A file whose worker dies is retried once on another worker, then fails; a worker holds
    # only the file it runs, so a dying worker takes no queued file down with it.
    # --max-memory is each worker's memory_limit, enforced by its nanny, which ends the worker
    # once it holds 95% of it (the file then fails as a worker that died). Not an address-space
    # rlimit as in the local pool: a MemoryError in the worker's own event loop or comms would
    # leave a worker that neither works nor dies. No spilling or pausing: a worker holds no
    # data to spill, and a paused worker would stall the batch.
    settings = {"distributed.scheduler.allowed-failures": 1,
                "distributed.scheduler.worker-saturation": 1.0,
                "distributed.worker.memory.target": False,
                "distributed.worker.memory.spill": False,
                "distributed.worker.memory.pause": False,
                "distributed.worker.memory.terminate": 0.95}
    with dask.config.set(settings):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            # no dashboard, and the scheduler's HTTP routes on a free port: on the default,
            # 8787, a second cluster gets "UserWarning: Port 8787 is already in use" on stderr
            dashboard_address=":0", scheduler_kwargs={"dashboard": False},
            silence_logs=logging.CRITICAL,
            memory_limit=f"{max_memory}MiB" if max_memory else 0)
    with cluster:
        yield cluster


def _check_workers(client: Any, address: str) -> None:
    """At least one worker, each able to import this package at this version."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError):
        raise SchedulerUnreachable(address, f"no worker joined the scheduler within "
                                   f"{CONNECT_TIMEOUT:g} s") from None
    try:
        versions = client.run(worker_version)
    except Exception as exc:  # a worker without the package cannot unpickle the probe
        raise SchedulerUnreachable(address, "a worker cannot run safecity-extract ("
                                   + " ".join(str(exc).split())[:120]
                                   + "): install it on every worker") from None
    wrong = sorted(f"{addr} has {v}" for addr, v in versions.items() if v != __version__)
    if wrong:
        raise SchedulerUnreachable(address, f"workers run another safecity-extract version "
                                   f"({'; '.join(wrong)}; this client has {__version__}): "
                                   "install the same version on every worker")


def worker_version() -> str:
    return __version__


# --- the worker side -------------------------------------------------------------------------


def extract_bytes(client_path: str, name: str, data: bytes, job: ExtractJob,
                  agencies: Any) -> tuple[str, Any, str]:
    """On a worker: extract a PDF given as bytes; messages name the file as the client has it."""
    with tempfile.TemporaryDirectory(prefix="safecity-") as folder:
        local = Path(folder) / name
        local.write_bytes(data)
        status, payload, detail = extract_one(
            local, replace(job, options=replace(job.options, agencies=agencies)))
    if status != "ok":
        payload = str(payload).replace(str(local), client_path)
    return status, payload, detail


# --- the client side -------------------------------------------------------------------------


class DaskExecutor:
    """Runs each file as one task on the cluster of ``client``. At most ``window`` files (by
    default twice the cluster's threads) are sent and not yet handed on, so the bytes in flight
    and the Reports waiting are bounded."""

    def __init__(self, client: Any, window: int | None = None) -> None:
        self.client = client
        self.window = window

    def outcomes(self, paths: Sequence[Path], job: ExtractJob,
                 timeout: float | None) -> Iterator[Outcome]:
        distributed = _distributed()
        agencies: Any = job.options.agencies  # sent once to every worker, not with each file
        if agencies is not None:
            agencies = self.client.scatter(agencies, broadcast=True, hash=False)
        remote = replace(job, options=replace(job.options, agencies=None))
        threads = sum(self.client.nthreads().values())
        order = InOrder(self.window or 2 * max(1, threads))
        running: dict[Any, int] = {}
        clock = _Clock(self.client, timeout)
        batch = uuid.uuid4().hex[:8]
        sent = 0
        with _short_sent_log(self.client):
            try:
                while sent < len(paths) or running:
                    while sent < len(paths) and order.admits(sent):
                        future = self._submit(sent, paths[sent], remote, agencies, batch)
                        if isinstance(future, Outcome):
                            order.add(future)
                        else:
                            running[future] = sent
                        sent += 1
                    for future in _finished(distributed, list(running), clock.wait_time()):
                        outcome = _outcome(future, running[future], paths[running[future]],
                                           distributed)
                        if outcome is not None:
                            order.add(outcome)
                            del running[future]
                    for future in clock.overdue(running):
                        index = running.pop(future)
                        order.add(Outcome(index, "error", f"{paths[index]}: timed out after "
                                          f"{timeout:g} s"))
                    yield from order.ready()
            finally:
                if running:  # an interrupt or an early stop: nothing is left running for us
                    self.client.cancel(list(running), force=True)

    def _submit(self, index: int, path: Path, job: ExtractJob, agencies: Any,
                batch: str) -> Any:
        """The task's future, or an error outcome if the file cannot be read here."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return Outcome(index, "error", str(UnreadableFile(str(path), exc)))
        return self.client.submit(extract_bytes, str(path), path.name, data, job, agencies,
                                  key=f"safecity-extract-{batch}-{index}", pure=False)


@contextmanager
def _short_sent_log(client: Any) -> Iterator[None]:
    """Keep the client's record of recent messages to the scheduler short while a batch runs.

    distributed's BatchedSend keeps the last ``distributed.admin.low-level-log-length``
    messages (1,000 by default) for debugging, each message under 1 MB whole, and every file's
    task message carries the PDF's bytes: without this the client's memory grows by up to a
    thousand PDFs before it levels off (measured: 61 to 142 MiB over 1,500 files of 60 kB).
    The client's own log is put back afterwards, with the messages of the batch left out.
    """
    comm: Any = getattr(client, "scheduler_comm", None)
    log = getattr(comm, "recent_message_log", None)
    if not isinstance(log, deque):
        yield
        return
    comm.recent_message_log = deque(maxlen=SENT_LOG)
    try:
        yield
    finally:
        comm.recent_message_log = log


def _finished(distributed: Any, futures: list[Any], wait: float | None) -> list[Any]:
    """The futures that are done, after waiting up to ``wait`` seconds for the first one."""
    if not futures:
        return []
    try:
        done, _ = distributed.wait(futures, timeout=wait, return_when="FIRST_COMPLETED")
    except TimeoutError:
        return []
    return [f for f in futures if f in done]


def _outcome(future: Any, index: int, path: Path, distributed: Any) -> Outcome | None:
    """The outcome of a done future; None if it is running again (the worker holding its
    result died before the result was fetched: the scheduler computes it once more)."""
    if future.status == "finished":
        try:
            status, payload, detail = future.result()
        except Exception as exc:  # the result arrived but cannot be unpickled here
            if future.status != "finished":
                return None
            return Outcome(index, "error", f"{path}: cannot receive the result: {exc}")
        if status == "ok" and isinstance(payload, tuple):  # (Report, Layout) of a local copy
            payload = (payload[0], replace(payload[1], path=str(path)))
        return Outcome(index, status, payload, detail)
    if future.status == "cancelled":
        return Outcome(index, "error", f"{path}: cancelled on the cluster")
    if future.status != "error":
        return None
    error = future.exception()
    if isinstance(error, distributed.KilledWorker):
        return Outcome(index, "error", f"{path}: worker process died while reading it, "
                       "also when retried on another worker")
    return Outcome(index, "error", f"{path}: {type(error).__name__}: {error}")


class _Clock:
    """Per-file timeouts: a file's time starts when the scheduler hands it to a worker. An
    overdue file is cancelled and its worker process ended (and restarted by its nanny)."""

    def __init__(self, client: Any, timeout: float | None) -> None:
        self.client, self.timeout = client, timeout
        self.started: dict[str, tuple[float, str]] = {}  # key -> (start, worker address)

    def wait_time(self) -> float | None:
        return min(POLL, self.timeout) if self.timeout else None

    def overdue(self, running: dict[Any, int]) -> list[Any]:
        if not self.timeout or not running:
            return []
        now = time.monotonic()
        ours = {str(f.key) for f in running}
        self.started = {k: v for k, v in self.started.items() if k in ours}
        for address, keys in self.client.processing().items():
            for key in keys:
                if str(key) in ours:
                    self.started.setdefault(str(key), (now, address))
        late = [f for f in running
                if now - self.started.get(str(f.key), (now, ""))[0] >= self.timeout]
        if late:
            self.client.cancel(late, force=True)
            workers = sorted({self.started[str(f.key)][1] for f in late})
            # The stuck worker ends its own process; its nanny (which `dask worker` and
            # LocalCluster run) starts a fresh one.
            self.client.run(exit_worker, workers=workers, wait=False)
        return late


async def exit_worker() -> None:
    """Run on a worker whose file hangs: a thread cannot be stopped, its process can.
    (A coroutine, as Client.run needs one to return without waiting for the reply.)"""
    os._exit(70)
