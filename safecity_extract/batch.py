"""Many PDFs -> output files: collect inputs, extract them in worker processes, write results.

Workers only extract; the parent writes every file in input order, so the bytes do not depend
on the worker count. A hung or crashed worker fails its own file only and is replaced.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Sequence

from . import __version__
from .errors import SafecityError
from .model import Report
from .writers import read_json, write_combined_csv, write_csv, write_json, write_sqlite

FORMATS = ("json", "csv")
ProgressCallback = Callable[[int, int, str, int], None]  # done, total, current file, rows
ExtractFn = Callable[..., Report]


class OutputError(SafecityError):
    """The combined CSV or the database could not be written."""

    def __init__(self, path: str, exc: BaseException) -> None:
        super().__init__(path, f"cannot write: {exc}")


class NoInputsFound(SafecityError):
    """No PDF among the paths given: a usage error, hence exit code 2."""

    exit_code = 2

    def __init__(self, path: str, recursive: bool) -> None:
        hint = "" if recursive else " (add -r to look in subfolders)"
        super().__init__(path, f"no PDF files found{hint}")


@dataclass(frozen=True)
class Input:
    """One file to read, its name relative to the argument it came from, and the relative
    path (without suffix) its outputs get under --out."""

    path: Path
    name: str
    rel: PurePosixPath

    def output(self, out_dir: Path, fmt: str) -> Path:
        return out_dir.joinpath(*self.rel.parts).with_name(self.rel.name + "." + fmt)


@dataclass
class FileResult:
    input: Input
    status: str  # ok | skipped | failed
    rows: int = 0
    error: str = ""
    detail: str = ""  # the worker's traceback, for -v
    warnings: list[str] = field(default_factory=list)  # "path: page N: message", one a problem


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return sum(f.status != "failed" for f in self.files)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


# --- inputs ----------------------------------------------------------------------------------


def collect_inputs(paths: Iterable[str | Path], recursive: bool = False) -> list[Input]:
    """Files are taken as given; folders give their *.pdf files (case-insensitive).

    Output paths mirror the tree below each folder argument, or are the bare name for a file
    argument; clashing names get a "-2", "-3" suffix. Raises NoInputsFound when nothing is left.
    """
    found: list[tuple[Path, PurePosixPath]] = []
    paths = [Path(p) for p in paths]
    for path in paths:
        if path.is_dir():
            found += [(f, PurePosixPath(*f.relative_to(path).parts))
                      for f in pdfs_in(path, recursive)]
        else:
            found.append((path, PurePosixPath(path.name)))
    inputs = dedupe(found)
    if not inputs:
        raise NoInputsFound(", ".join(str(p) for p in paths) or ".", recursive)
    return inputs


def pdfs_in(folder: Path, recursive: bool) -> list[Path]:
    """The *.pdf files in ``folder`` (and below, if recursive), sorted; links to folders not followed."""
    if not recursive:
        return sorted(p for p in folder.iterdir() if _is_pdf(p))
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        out += [Path(root, name) for name in files if _is_pdf(Path(root, name))]
    return sorted(out)


def _is_pdf(path: Path) -> bool:
    return path.suffix.lower() == ".pdf" and path.is_file()


def safe_relpath(rel: Path | PurePosixPath) -> PurePosixPath:
    """``rel`` without its suffix, drive, root, "." and ".." parts: it cannot leave --out."""
    parts = [p for p in rel.parts if p not in ("", ".", "..") and p != rel.anchor]
    parts = [p.replace("\\", "_").replace(":", "_") for p in parts]
    if not parts:
        parts = ["input"]
    last = parts[-1]
    stem = last[: -len(".pdf")] if last.lower().endswith(".pdf") else last
    parts[-1] = stem.lstrip(".") or "input"
    return PurePosixPath(*parts)


def dedupe(found: Sequence[tuple[Path, PurePosixPath]]) -> list[Input]:
    """Drop repeats of one file; give clashing output names (case-insensitively) a number."""
    seen_files: set[Path] = set()
    taken: set[str] = set()
    inputs = []
    for path, name in sorted(found, key=lambda pn: (pn[1].as_posix(), str(pn[0]))):
        real = path.resolve()
        if real in seen_files:
            continue
        seen_files.add(real)
        rel = safe_relpath(name)
        candidate, n = rel, 1
        while candidate.as_posix().casefold() in taken:
            n += 1
            candidate = rel.with_name(f"{rel.name}-{n}")
        taken.add(candidate.as_posix().casefold())
        inputs.append(Input(path, name.as_posix(), candidate))
    return inputs


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the worker side -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractJob:
    """How to extract, besides the file: all picklable, so workers can receive it."""

    password: str | None
    agencies_path: str | None
    extract_fn: ExtractFn | None


def _default_extract() -> ExtractFn:
    from .extract import extract

    return extract


def load_agencies_file(path: str | None) -> Any:
    if path is None:
        return None
    from .agencies import load_agencies

    return load_agencies(path)


def extract_one(path: Path, job: ExtractJob, agencies: Any) -> tuple[str, Any, str]:
    """Run the extractor on one file: ("ok", report, "") or ("error", message, traceback)."""
    try:
        fn = job.extract_fn or _default_extract()
        return "ok", fn(str(path), password=job.password, agencies=agencies), ""
    except SafecityError as exc:
        return "error", str(exc), traceback.format_exc()
    except Exception as exc:  # a bug or an unforeseen PDF: fail this file, not the batch
        return "error", f"{path}: {type(exc).__name__}: {exc}", traceback.format_exc()


def _worker_main(conn: Connection, job: ExtractJob) -> None:
    """Worker loop: receive (index, path), send back (index, status, payload, traceback)."""
    try:
        agencies = load_agencies_file(job.agencies_path)
    except Exception as exc:  # reported for every file this worker is given
        agencies, failure = None, ("error", str(exc), traceback.format_exc())
    else:
        failure = None
    while True:
        task = conn.recv()
        if task is None:
            return
        index, path = task
        result = failure or extract_one(path, job, agencies)
        try:
            conn.send((index, *result))
        except Exception as exc:  # e.g. a report that cannot be pickled
            conn.send((index, "error", f"{path}: cannot send result: {exc}", ""))


# --- the parent side: a pool that survives hung and dead workers -----------------------------


class _Worker:
    def __init__(self, ctx: Any, job: ExtractJob) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, job), daemon=True)
        self.process.start()
        child.close()
        self.task: int | None = None
        self.started = 0.0

    def give(self, index: int, path: Path) -> None:
        self.task, self.started = index, time.monotonic()
        self.conn.send((index, path))

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run_pool(paths: Sequence[Path], job: ExtractJob, workers: int, timeout: float | None,
             on_result: Callable[[int, str, Any, str], None]) -> None:
    """Extract ``paths`` with at most ``workers`` processes; call ``on_result`` once per path.

    A file still running after ``timeout`` seconds, or whose worker dies, is reported as an
    error and its worker replaced.
    """
    ctx = multiprocessing.get_context("spawn")
    pending = deque(range(len(paths)))
    pool: list[Any] = [_Worker(ctx, job) for _ in range(min(workers, len(paths)))]
    try:
        while pending or any(w.task is not None for w in pool):
            for w in pool:
                if w.task is None and pending:
                    i = pending.popleft()
                    w.give(i, paths[i])
            busy = [w for w in pool if w.task is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         _wait_time(busy, timeout))
            for k, w in enumerate(pool):
                if w.task is not None:
                    pool[k] = _collect(w, ready, timeout, paths, on_result, ctx, job,
                                       bool(pending))
            pool = [w for w in pool if w is not None]
    finally:
        for w in pool:
            w.stop(kill=w.task is not None)


def _wait_time(busy: list[_Worker], timeout: float | None) -> float | None:
    if not timeout:
        return None
    now = time.monotonic()
    return max(0.0, min(w.started + timeout - now for w in busy))


def _collect(w: _Worker, ready: list[Any], timeout: float | None, paths: Sequence[Path],
             on_result: Callable[[int, str, Any, str], None], ctx: Any, job: ExtractJob,
             more: bool) -> _Worker | None:
    """Handle one busy worker after a wait: return it, its replacement, or None if it is gone."""
    index = w.task
    assert index is not None
    if w.conn in ready or w.process.sentinel in ready:
        message = _receive(w, paths[index])
        if message is not None:
            w.task = None
            on_result(*message)
            return w
        w.process.join(1)
        why = f"worker process died (exit code {w.process.exitcode})"
    elif timeout and time.monotonic() - w.started >= timeout:
        why = f"timed out after {timeout:g} s"
    else:
        return w
    w.stop(kill=True)
    w.task = None
    on_result(index, "error", f"{paths[index]}: {why}", "")
    return _Worker(ctx, job) if more else None


def _receive(w: _Worker, path: Path) -> tuple[int, str, Any, str] | None:
    """The worker's message, or None if its end of the pipe is closed (it died)."""
    try:
        if w.conn.poll():
            return w.conn.recv()
    except (EOFError, OSError):
        pass
    except Exception as exc:  # the result arrived but cannot be unpickled here
        return w.task or 0, "error", f"{path}: cannot receive the result: {exc}", ""
    return None


# --- the batch -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outputs:
    out_dir: Path
    formats: tuple[str, ...]
    csv_safe: bool


def run_batch(inputs: Sequence[Input], out_dir: str | Path, *,
              formats: Iterable[str] = FORMATS, workers: int | None = None,
              timeout: float | None = 120.0, skip_existing: bool = False,
              combined: str | Path | None = None, db: str | Path | None = None,
              csv_safe: bool = False, password: str | None = None,
              agencies_path: str | Path | None = None,
              progress_callback: ProgressCallback | None = None,
              extract_fn: ExtractFn | None = None) -> BatchResult:
    """Extract every input and write ``<out>/<rel>.json`` / ``.csv``, then --combined and --db.

    ``extract_fn`` replaces the real extractor (a module-level function, so workers can
    import it). Files that fail are listed in the result; this function raises only for
    problems with the combined CSV or database files.
    """
    start = time.monotonic()
    load_agencies_file(str(agencies_path) if agencies_path else None)  # a bad file fails at once
    outs = _Outputs(Path(out_dir), tuple(f for f in FORMATS if f in set(formats)), csv_safe)
    job = ExtractJob(password, str(agencies_path) if agencies_path else None, extract_fn)
    results: dict[int, FileResult] = {}
    reports: dict[int, Report] = {}
    keep = combined is not None or db is not None
    progress = _Progress(len(inputs), progress_callback)

    def record(index: int, result: FileResult, report: Report | None) -> None:
        results[index] = result
        if report is not None and keep:
            reports[index] = report
        progress.step(result.input.name, result.rows)

    todo = []
    for index, inp in enumerate(inputs):
        existing = _existing_report(inp, outs) if skip_existing else None
        if existing is None:
            todo.append(index)
        else:
            record(index, _finish(inp, existing, outs, "skipped"), existing)

    def on_result(k: int, status: str, payload: Any, detail: str) -> None:
        inp = inputs[todo[k]]
        if status == "ok":
            record(todo[k], _finish(inp, payload, outs, "ok"), payload)
        else:
            record(todo[k], FileResult(inp, "failed", error=payload, detail=detail), None)

    if todo:
        run_pool([inputs[i].path for i in todo], job, workers or os.cpu_count() or 1,
                 timeout, on_result)
    ordered = [reports[i] for i in sorted(reports) if results[i].status != "failed"]
    names = [inputs[i].name for i in sorted(reports) if results[i].status != "failed"]
    _write_collections(list(zip(names, ordered)), combined, db, csv_safe)
    return BatchResult([results[i] for i in range(len(inputs))], time.monotonic() - start)


def _write_collections(pairs: list[tuple[str, Report]], combined: str | Path | None,
                       db: str | Path | None, csv_safe: bool) -> None:
    """The combined CSV and the database, in input order; errors become OutputError."""
    target = combined
    try:
        if combined is not None:
            write_combined_csv(pairs, combined, csv_safe=csv_safe)
        target = db
        for name, report in pairs if db is not None else []:
            write_sqlite(report, db, __version__, file=name)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(str(target), exc) from exc


class _Progress:
    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total, self.callback, self.done, self.rows = total, callback, 0, 0

    def step(self, name: str, rows: int) -> None:
        self.done += 1
        self.rows += rows
        if self.callback is not None:
            self.callback(self.done, self.total, name, self.rows)


def _existing_report(inp: Input, outs: _Outputs) -> Report | None:
    """The report in ``inp``'s JSON output if it was made from these exact bytes, else None."""
    path = inp.output(outs.out_dir, "json")
    try:
        report = read_json(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return report if report.source.sha256 == sha256_file(inp.path) else None


def _finish(inp: Input, report: Report, outs: _Outputs, status: str) -> FileResult:
    """Write the per-file outputs (only missing ones for a skipped file)."""
    try:
        for fmt in outs.formats:
            path = inp.output(outs.out_dir, fmt)
            if status == "skipped" and path.exists():
                continue
            if fmt == "json":
                write_json(report, path)
            else:
                write_csv(report, path, csv_safe=outs.csv_safe)
    except OSError as exc:
        return FileResult(inp, "failed", error=f"{inp.path}: cannot write output: {exc}")
    return FileResult(inp, status, rows=len(report.rows), warnings=warning_lines(inp.path, report))


def warning_lines(path: object, report: Report) -> list[str]:
    """The report's warnings as one line each, naming the file and the page."""
    return [f"{path}: " + (f"page {w.page}: " if w.page else "") + w.message
            for w in report.warnings]


def format_summary(result: BatchResult) -> str:
    """Counts and time on one line, then one ``path: message`` line per failed file."""
    skipped = sum(f.status == "skipped" for f in result.files)
    line = (f"{result.ok} file{'s' * (result.ok != 1)} ok"
            + (f" ({skipped} unchanged, skipped)" if skipped else "")
            + f", {len(result.failed)} failed, {result.rows} rows, {result.seconds:.1f} s")
    return "\n".join([line] + [f.error for f in result.failed])


def result_to_dict(result: BatchResult) -> dict[str, Any]:
    """A JSON-ready form of the result, for scripts."""
    return {"ok": result.ok, "failed": len(result.failed), "rows": result.rows,
            "seconds": round(result.seconds, 3),
            "files": [{"file": str(f.input.path), "output": f.input.rel.as_posix(), "status": f.status,
                       "rows": f.rows, "error": f.error} for f in result.files]}


