"""Many PDFs -> output files: collect inputs, extract them with an executor, write results.

Executors (executors.py: local processes; dask_executor.py: a Dask cluster) only extract and
hand back outcomes in input order; this module writes every file, the combined CSV and the
database as they come, so the bytes do not depend on where or how many workers ran.
"""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Sequence, TypeVar

from .errors import BatchInterrupted, NoInputsFound, OutputError, OutsideOutput, Terminated
from .executors import ExtractFn, ExtractJob, Executor, LocalPool, Outcome
from .files import sha256_file
from .guard import inside_root, refuse_inputs_as_outputs
from .layout import Layout
from .limits import DEFAULT_MAX_MEMORY_MB
from .model import Report
from .options import Options
from .outputs import write_output
from .streaming import SqliteDb, check_output_names, combined_sink
from .version import __version__
from .workers import Bounds
from .writers import read_json
from .xlsx import require_xlsxwriter

FORMATS = ("json", "csv", "jsonl", "xlsx")  # per-file outputs, in the order written
DEFAULT_FORMATS = ("json", "csv")
ProgressCallback = Callable[[int, int, str, int], None]  # done, total, current file, rows
# What one file may take in a batch unless told otherwise: --timeout's and --max-memory's
# defaults.
BATCH_BOUNDS = Bounds(120.0, DEFAULT_MAX_MEMORY_MB)


@dataclass(frozen=True)
class Input:
    """One file to read, its name relative to the argument it came from, and the relative
    path (without suffix) its outputs get under --out."""

    path: Path
    name: str
    rel: PurePosixPath

    def output(self, out_dir: Path, fmt: str) -> Path:
        return out_dir.joinpath(*self.rel.parts).with_name(self.rel.name + "." + fmt)

    @property
    def source_path(self) -> str:
        """The path as given (folder argument + the path below it): one document per path."""
        return self.path.as_posix()


@dataclass
class FileResult:
    input: Input
    status: str  # ok | skipped | failed
    rows: int = 0
    error: str = ""
    detail: str = ""  # the worker's traceback, for -v
    warnings: list[str] = field(default_factory=list)  # "path: page N: message", one a problem
    losses: int = 0  # warnings among them of possible loss (``extract --strict`` fails on any)
    sha256: str = ""
    layout: Layout | None = None  # where the table was found, when Outputs.review asks for it


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    output_errors: list[str] = field(default_factory=list)  # --combined / --db failures

    @property
    def ok(self) -> int:
        return sum(f.status != "failed" for f in self.files)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def duplicates(self) -> int:
        """Files read whose bytes equal an earlier file's (each still counts as a document)."""
        shas = [f.sha256 for f in self.files if f.status != "failed" and f.sha256]
        return len(shas) - len(set(shas))


# --- inputs ----------------------------------------------------------------------------------


def collect_inputs(paths: Iterable[str | Path], recursive: bool = False) -> list[Input]:
    """Files are taken as given; folders give their *.pdf files (case-insensitive).

    Output paths mirror the tree below each folder argument, or are the bare name for a file
    argument; clashing names get a "-2", "-3" suffix. Raises NoInputsFound when nothing is left.
    """
    found: list[tuple[Path, PurePosixPath]] = []
    given = [Path(p) for p in paths]
    for path in given:
        if path.is_dir():
            found += [(f, PurePosixPath(*f.relative_to(path).parts))
                      for f in pdfs_in(path, recursive)]
        else:
            found.append((path, PurePosixPath(path.name)))
    inputs = dedupe(found)
    if not inputs:
        raise NoInputsFound(", ".join(str(p) for p in given) or ".", recursive)
    return inputs


def pdfs_in(folder: Path, recursive: bool) -> list[Path]:
    """The *.pdf files in ``folder`` (and below, if recursive), sorted; links to folders are
    not followed."""
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


# --- the batch -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outputs:
    """What a batch writes: the per-file formats and the collections of all files."""

    out_dir: Path                               # <out>/<rel>.<format> go here
    formats: tuple[str, ...] = DEFAULT_FORMATS  # per-file outputs, of FORMATS
    csv_safe: bool = False                      # prefix formula-like CSV cells with "'"
    skip_existing: bool = False                 # keep outputs made from the same bytes
    combined: Path | None = None                # one CSV of every row of every file
    db: Path | None = None                      # SQLite file the rows are stored in
    bom: bool = False                           # CSV files start with a UTF-8 BOM (Excel)
    # Review pages follow: keep each file's Layout in its FileResult, so that
    # review.review_batch draws them without reading the PDFs again.
    review: bool = False

    @classmethod
    def of(cls, out_dir: str | Path, formats: Iterable[str] = DEFAULT_FORMATS, *,
           csv_safe: bool = False, skip_existing: bool = False,
           combined: str | Path | None = None, db: str | Path | None = None,
           bom: bool = False, review: bool = False) -> Outputs:
        wanted = set(formats)
        return cls(Path(out_dir), tuple(f for f in FORMATS if f in wanted), csv_safe,
                   skip_existing, Path(combined) if combined is not None else None,
                   Path(db) if db is not None else None, bom, review)


def run_batch(inputs: Sequence[Input], out: str | Path | Outputs, *,
              options: Options | None = None, executor: Executor | None = None,
              bounds: Bounds = BATCH_BOUNDS, progress_callback: ProgressCallback | None = None,
              on_file: Callable[[FileResult], None] | None = None,
              extract_fn: ExtractFn | None = None) -> BatchResult:
    """Extract every input and write what ``out`` asks for: an output folder (JSON and CSV
    per file), or an ``Outputs`` (formats, --csv-safe, --skip-existing, --combined, --db).

    Files are read with ``options`` (password, agencies, settings) by ``executor``: by
    default a ``LocalPool`` of one worker process a CPU; ``executor_for(workers, client)``
    gives a pool of ``workers`` processes, or a ``DaskExecutor`` on the cluster of ``client``
    (a ``distributed.Client``). Outputs are written as results arrive, in input order, so
    memory does not grow with the batch. ``extract_fn`` replaces the real extractor (see
    ``ExtractJob``). Files that fail are listed in the result, and so is a combined CSV or
    database that cannot be written (``output_errors``: the other outputs still are). Raises
    OutputIsInput before anything runs if an output would overwrite an input, and
    BatchInterrupted on Ctrl-C or SIGTERM (what was written until then is complete).
    ``bounds`` (``workers.Bounds``: seconds and MiB, None: no limit) bound each file's
    worker. ``on_file`` is called with each ``FileResult`` as soon as it is written (or
    failed), in input order.
    """
    start = time.monotonic()
    outs = out if isinstance(out, Outputs) else Outputs.of(out)
    planned = [inp.output(outs.out_dir, fmt) for inp in inputs for fmt in outs.formats]
    refuse_inputs_as_outputs(planned + [p for p in (outs.combined, outs.db) if p is not None],
                             [inp.path for inp in inputs])
    check_output_names(outs.combined, outs.db)
    if "xlsx" in outs.formats:
        require_xlsxwriter(str(outs.out_dir))
    job = ExtractJob(options or Options(), extract_fn, bounds.timeout, bounds.max_memory,
                     outs.review)
    skipped = {i for i, inp in enumerate(inputs)
               if outs.skip_existing and _existing_report(inp, outs) is not None}
    todo = [inp.path for i, inp in enumerate(inputs) if i not in skipped]
    executor = executor or executor_for()
    collections = _Collections(outs.combined, outs.db, outs.csv_safe, outs.bom)
    progress = _Progress(len(inputs), progress_callback)
    results: list[FileResult] = []
    outcomes = executor.outcomes(todo, job, bounds.timeout) if todo else iter(())
    try:
        for index, inp in enumerate(inputs):
            result, report = (_reuse(inp, outs) if index in skipped
                              else _written(inp, next(outcomes), outs))
            if report is not None:
                collections.add(inp.source_path, report)
            results.append(result)
            if on_file is not None:
                on_file(result)  # e.g. print a failure as it happens
            progress.step(inp.name, result.rows)
        collections.close()
    except (KeyboardInterrupt, Terminated) as exc:
        collections.discard()
        raise BatchInterrupted(progress.done, len(inputs), exc) from None
    except BaseException:
        collections.discard()
        raise
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()  # stops the workers at once if the loop ended early
    return BatchResult(results, time.monotonic() - start, collections.errors)


def executor_for(workers: int | None = None, client: Any = None) -> Executor:
    """Where a batch runs: on the Dask cluster of ``client`` (a ``distributed.Client``) when
    one is given, else in a pool of ``workers`` local processes (None: one a CPU)."""
    if client is None:
        return LocalPool(workers or os.cpu_count() or 1)
    from .dask_executor import DaskExecutor

    dask: Executor = DaskExecutor(client)
    return dask


def _reuse(inp: Input, outs: Outputs) -> tuple[FileResult, Report | None]:
    """A skipped file: its report read back from its JSON output (checked again, as it is
    read a second time to keep memory flat)."""
    report = _existing_report(inp, outs)
    if report is None:
        return FileResult(inp, "failed", error=f"{inp.path}: its JSON output changed during "
                          "the run: run again"), None
    return _finish(inp, report, outs, "skipped"), report


def _written(inp: Input, outcome: Outcome, outs: Outputs) -> tuple[FileResult, Report | None]:
    if outcome.status != "ok":
        return FileResult(inp, "failed", error=outcome.payload, detail=outcome.detail), None
    report, layout = (outcome.payload if isinstance(outcome.payload, tuple)
                      else (outcome.payload, None))
    result = _finish(inp, report, outs, "ok")
    if result.status != "ok":
        return result, None
    return (replace(result, layout=layout) if outs.review else result), report


class _Collections:
    """--combined and --db, fed one report at a time in input order. A target that cannot be
    written is dropped with one message in ``errors``; the files and the other target go on,
    so every file's outcome is still reported."""

    def __init__(self, combined: str | Path | None, db: str | Path | None,
                 csv_safe: bool, bom: bool = False) -> None:
        self.targets = [str(p) for p in (combined, db) if p is not None]
        self.errors: list[str] = []
        self.csv: Any = None
        self.db: SqliteDb | None = None
        if combined is not None:
            self.csv = self._try(combined, lambda: combined_sink(combined, csv_safe, bom))
        if db is not None:
            self.db = self._try(db, lambda: SqliteDb(db, __version__))

    def _try(self, path: str | Path, action: Callable[[], _T]) -> _T | None:
        try:
            return _guard(path, action)
        except OutputError as exc:
            self.errors.append(str(exc))
            return None

    def _ok(self, path: str | Path, action: Callable[[], None]) -> bool:
        failed = len(self.errors)
        self._try(path, action)
        return len(self.errors) == failed

    def add(self, name: str, report: Report) -> None:
        csv, db = self.csv, self.db
        if csv is not None and not self._ok(csv.path, lambda: csv.add(name, report)):
            csv.discard()
            self.csv = None
        if db is not None and not self._ok(db.path, lambda: db.add(name, report)):
            db.close()
            self.db = None

    def close(self) -> None:
        if self.db is not None:
            self._try(self.db.path, self.db.close)
        if self.csv is not None:
            self._try(self.csv.path, self.csv.close)

    def discard(self) -> None:
        """After an error or an interrupt: no combined CSV is written (any older one is kept);
        the database keeps the documents already committed, each complete."""
        if self.csv is not None:
            self.csv.discard()
        if self.db is not None:
            self.db.close()


_T = TypeVar("_T")


def _guard(path: str | Path | None, action: Callable[[], _T]) -> _T:
    try:
        return action()
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(str(path), exc) from exc


class _Progress:
    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total, self.callback, self.done, self.rows = total, callback, 0, 0

    def step(self, name: str, rows: int) -> None:
        self.done += 1
        self.rows += rows
        if self.callback is not None:
            self.callback(self.done, self.total, name, self.rows)


def _existing_report(inp: Input, outs: Outputs) -> Report | None:
    """The report in ``inp``'s JSON output if it was made from these exact bytes, else None."""
    path = inp.output(outs.out_dir, "json")
    try:
        report = read_json(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    same = report.source.sha256 == sha256_file(inp.path) and report.source.path == inp.source_path
    return report if same else None


def _finish(inp: Input, report: Report, outs: Outputs, status: str) -> FileResult:
    """Write the per-file outputs (only missing ones for a skipped file)."""
    report.source = replace(report.source, path=inp.source_path)
    try:
        for fmt in outs.formats:
            path = inside_root(inp.output(outs.out_dir, fmt), outs.out_dir)
            if status == "skipped" and path.exists():
                continue
            write_output(report, path, fmt, outs.csv_safe, outs.bom)
    except OutsideOutput as exc:
        return FileResult(inp, "failed", error=str(exc))
    except OSError as exc:
        return FileResult(inp, "failed", error=f"{inp.path}: cannot write output: {exc}")
    return FileResult(inp, status, rows=len(report.rows), warnings=warning_lines(inp.path, report),
                      sha256=report.source.sha256, losses=sum(w.loss for w in report.warnings))


def warning_lines(path: object, report: Report) -> list[str]:
    """The report's warnings as one line each, naming the file and the page."""
    return [f"{path}: " + (f"page {w.page}: " if w.page else "")
            + ("possible loss: " if w.loss else "") + w.message for w in report.warnings]


def format_summary(result: BatchResult) -> str:
    """Counts and time on one line, then one ``path: message`` line per failed file."""
    skipped = sum(f.status == "skipped" for f in result.files)
    line = (f"{result.ok} file{'s' * (result.ok != 1)} ok"
            + (f" ({skipped} unchanged, skipped)" if skipped else "")
            + f", {len(result.failed)} failed, {result.rows} rows, {result.seconds:.1f} s"
            + (f" ({result.duplicates} with the same bytes as an earlier file)"
               if result.duplicates else ""))
    return "\n".join([line] + [f.error for f in result.failed])
