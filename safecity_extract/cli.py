"""Command line: parse options, call the library, map its errors to exit codes.

No extraction logic lives here; every command is a thin wrapper over a library call.
"""
from __future__ import annotations

import math
import signal
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, Iterator

import click

from . import __version__
from .errors import BatchInterrupted, SafecityError, Terminated, shown
from .limits import DEFAULT_MAX_MEMORY_MB

MAX_TIMEOUT = 1_000_000.0  # seconds (11.6 days): beyond it a timer would overflow


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


class _Main(click.Group):
    """The group: SIGTERM raises Terminated like Ctrl-C raises KeyboardInterrupt, and either
    ends a command with one line and exit code 130 (Ctrl-C) or 143 (SIGTERM), no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().invoke(ctx)
        except BatchInterrupted as exc:
            click.echo(str(exc), err=True)
            ctx.exit(exc.exit_code)
        except (KeyboardInterrupt, Terminated) as exc:
            done = BatchInterrupted(0, 1, exc)
            click.echo(str(done), err=True)
            ctx.exit(done.exit_code)
        finally:
            signal.signal(signal.SIGTERM, previous)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="safecity-extract")
def main() -> None:
    """Read Safe City progress-update PDF reports into clean rows (JSON, CSV, SQLite)."""


def _checked_timeout(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not (math.isfinite(value) and 0 <= value <= MAX_TIMEOUT):
        raise click.BadParameter(f"give a number of seconds from 0 (no limit) to "
                                 f"{MAX_TIMEOUT:,.0f}, not {value}", ctx=ctx, param=param)
    return value


timeout_option = click.option(
    "--timeout", type=float, default=120, show_default=True, callback=_checked_timeout,
    help="Seconds one file may take (0: no limit).")
max_memory_option = click.option(
    "--max-memory", type=click.IntRange(min=0), default=DEFAULT_MAX_MEMORY_MB,
    show_default=True, metavar="MB",
    help="Memory each worker process may use, in MiB (0: no cap); past it the file fails.")


def _bounds(timeout: float, max_memory: int) -> Any:
    from .workers import Bounds

    return Bounds(timeout or None, max_memory or None)


# --- extract / check (batch.py, golden.py) -------------------------------------------------

recursive_option = click.option("-r", "--recursive", is_flag=True,
                                help="Also take PDFs from subfolders of folder arguments.")
verbose_option = click.option("-v", "--verbose", is_flag=True,
                              help="Show tracebacks for errors.")
password_option = click.option("--password", metavar="PW", help="Password of encrypted PDFs.")


def _checked_agencies_path(ctx: click.Context, param: click.Parameter,
                           value: Path | None) -> Path | None:
    """Load the file once here so a bad line is a usage error; workers load it again."""
    if value is not None:
        from .batch import load_agencies_file

        try:
            load_agencies_file(str(value))
        except SafecityError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


# Passes the path, not the loaded names: worker processes load the file themselves. The
# callback loads it once up front so that a bad line is a usage error (exit 2).
agencies_path_option = click.option(
    "--agencies", "agencies_path", metavar="FILE", callback=_checked_agencies_path,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Agency names file (canonical,alias,kind) [default: the built-in Southampton list].")
csv_safe_option = click.option(
    "--csv-safe", is_flag=True,
    help="Prefix CSV cells starting with = + - @ (or tab, CR) with ' so spreadsheets show "
         "them as text [default: off, cells as printed].")
inputs_argument = click.argument("inputs", nargs=-1, required=True,
                                 type=click.Path(exists=True, path_type=Path))


def _fail(exc: BaseException, verbose: bool, detail: str = "") -> None:
    """Print a library error as one line (and its traceback with -v) on stderr."""
    if verbose and (detail or exc.__traceback__):
        click.echo(detail or "".join(traceback.format_exception(exc)), err=True, nl=False)
    click.echo(f"error: {shown(exc)}", err=True)


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    """A progress callback drawing a bar on stderr, or doing nothing when not ``enabled``."""
    if not enabled:
        yield None
        return
    with click.progressbar(length=total, file=sys.stderr, label="extracting",
                           show_pos=True) as bar:
        def step(done: int, total: int, current: str, rows: int) -> None:
            bar.label = f"{rows} rows, {shown(current)}"
            bar.update(done - bar.pos)
        yield step


@contextmanager
def _dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """The Dask client for --scheduler (None without it): connected before any work starts."""
    if scheduler is None:
        yield None
        return
    from .dask_executor import dask_client

    with dask_client(scheduler, workers) as client:
        yield client


@main.command("extract")
@inputs_argument
@click.option("--out", "-o", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the outputs.")
@recursive_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "both", "jsonl", "xlsx"],
                                                  case_sensitive=False),
              default="both", show_default=True,
              help="Output files per PDF (both: json and csv; jsonl: a row a line; xlsx: Excel).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes [default: CPUs].")
@click.option("--scheduler", metavar="ADDRESS",
              help="Extract on a Dask cluster: tcp://HOST:8786 of a running scheduler, or "
                   "'local' for a local cluster of --workers processes (needs the [dask] extra).")
@timeout_option
@max_memory_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary line.")
@click.option("--combined", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.csv|FILE.xlsx",
              help="Also write all rows of all files to one CSV, or an Excel workbook "
                   "(a sheet per report, a summary and a flagged-rows sheet).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.sqlite",
              help="Also store the rows in SQLite (.sqlite, .sqlite3 or .db; re-runs replace "
                   "a document's rows).")
@click.option("--bom", is_flag=True,
              help="Start CSV files with a UTF-8 byte-order mark, so Excel shows “–” as printed.")
@click.option("--skip-existing", is_flag=True,
              help="Do not re-read a PDF whose JSON output was made from the same bytes.")
@csv_safe_option
@password_option
@agencies_path_option
@verbose_option
@click.option("--review", is_flag=True,
              help="Also write review pages: <out>/review/<name>.html and review/index.html.")
def extract_command(inputs: tuple[Path, ...], out_dir: Path, recursive: bool, fmt: str,
                    workers: int | None, timeout: float, max_memory: int, quiet: bool,
                    combined: Path | None,
                    db: Path | None, skip_existing: bool, csv_safe: bool, password: str | None,
                    agencies_path: Path | None, verbose: bool, review: bool = False,
                    bom: bool = False, scheduler: str | None = None) -> None:
    """Extract the progress table of each PDF (files or folders) into --out."""
    from .batch import collect_inputs, format_summary, run_batch
    from .guard import refuse_inputs_as_outputs

    try:
        files = collect_inputs(inputs, recursive)
        refuse_inputs_as_outputs([p for p in (combined, db) if p is not None], [],
                                 [p for p in inputs if p.is_dir()])
        show_bar = not quiet and sys.stderr.isatty()
        with _dask_client(scheduler, workers) as client, \
                _progress(len(files), show_bar) as callback:
            fmt = fmt.lower()
            result = run_batch(files, out_dir, formats=["json", "csv"] if fmt == "both" else [fmt],
                               workers=workers, timeout=timeout or None,
                               skip_existing=skip_existing, combined=combined, db=db,
                               csv_safe=csv_safe, password=password,
                               agencies_path=agencies_path, progress_callback=callback,
                               bom=bom, client=client, max_memory=max_memory or None)
    except BatchInterrupted:
        raise
    except SafecityError as exc:
        _fail(exc, verbose)
        sys.exit(exc.exit_code)
    for done in result.files:
        for line in done.warnings:
            click.echo(f"warning: {shown(line)}", err=True)
    for failed in result.failed:
        _fail(Exception(failed.error), verbose, failed.detail)
    for message in result.output_errors:
        _fail(Exception(message), False)
    review_failed = review and not _write_batch_review(
        result, out_dir, password, agencies_path, verbose, _bounds(timeout, max_memory))
    if not quiet:
        click.echo(shown(format_summary(result).splitlines()[0]), err=True)
    sys.exit(1 if result.failed or result.output_errors or review_failed else 0)


@main.command("check")
@inputs_argument
@click.option("--golden", "golden_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder of golden files: X.pdf is checked against X.json and X.csv.")
@click.option("--update", is_flag=True, help="Rewrite golden files that differ or are missing.")
@recursive_option
@timeout_option
@max_memory_option
@password_option
@agencies_path_option
@verbose_option
def check_command(inputs: tuple[Path, ...], golden_dir: Path, update: bool, recursive: bool,
                  timeout: float, max_memory: int, password: str | None,
                  agencies_path: Path | None, verbose: bool) -> None:
    """Compare extractions with golden files; print a word diff of every difference."""
    from .golden import check, format_check

    try:
        results = check(inputs, golden_dir, update, recursive=recursive, password=password,
                        agencies_path=agencies_path, timeout=timeout or None,
                        max_memory=max_memory or None)
    except BatchInterrupted:
        raise
    except SafecityError as exc:
        _fail(exc, verbose)
        sys.exit(exc.exit_code)
    click.echo(format_check(results))
    if verbose:
        for res in results:
            if res.detail:
                click.echo(res.detail, err=True, nl=False)
    sys.exit(0 if all(res.passed for res in results) else 1)



# --- diff (diff.py) ------------------------------------------------------------------------


def _format_choice(*names: str) -> click.Choice:  # type: ignore[type-arg]
    return click.Choice(list(names), case_sensitive=False)


@main.command("diff")
@click.argument("reports", metavar="OLD NEW [MORE...]", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=_format_choice("text", "json", "csv"), default="text",
              show_default=True, help="Terminal report, JSON (added/dropped/changed) or CSV.")
@click.option("--out", "-o", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@click.option("--threshold", type=click.FloatRange(0, 100), default=None, metavar="SCORE",
              help="Similarity (0-100) two action texts need to pair [default: 81.5].")
@password_option
@agencies_path_option
@verbose_option
def diff_command(reports: tuple[Path, ...], fmt: str, out_path: Path | None,
                 threshold: float | None, password: str | None, agencies_path: Path | None,
                 verbose: bool) -> None:
    """Compare reports (PDFs or our JSON): added, dropped and changed actions.

    Two reports give a diff; three or more a timeline (one line per action, a status and
    lead column per report, oldest first).
    """
    from .diff import PAIR_THRESHOLD, diff_reports, load_report, render, timeline
    from .writers import atomic_write_text

    if len(reports) < 2:
        raise click.UsageError("give at least two reports: OLD NEW [MORE...]")
    try:
        loaded = [load_report(p, password=password, agencies=_load_agencies(agencies_path))
                  if p.suffix.lower() != ".json" else load_report(p) for p in reports]
        limit = PAIR_THRESHOLD if threshold is None else threshold
        result = (diff_reports(loaded[0], loaded[1], limit) if len(loaded) == 2
                  else timeline(loaded, limit))
        text = render(result, fmt.lower())
        if out_path is not None:
            atomic_write_text(out_path, text)
    except (SafecityError, OSError, ValueError, KeyError) as exc:
        _fail(exc, verbose)
        sys.exit(getattr(exc, "exit_code", 1))
    if out_path is None:
        click.echo(text, nl=False)


# --- agencies (agencies.py) ----------------------------------------------------------------

@main.group("agencies")
def agencies_group() -> None:
    """List the canonical agency names, or match Lead Agency text against them."""


@agencies_group.command("list")
@agencies_path_option
def agencies_list_command(agencies_path: Path | None) -> None:
    """Print each canonical name and its other names, tab-separated."""
    from .agencies import agency_table, load_agencies

    for name, aliases in agency_table(load_agencies(agencies_path)):
        click.echo(f"{shown(name)}\t{shown('; '.join(aliases))}")


@agencies_group.command("match")
@click.argument("texts", metavar="TEXT...", nargs=-1, required=True)
@agencies_path_option
@click.option("--strict", is_flag=True, help="Exit 1 if any TEXT has a part that matches nothing.")
def agencies_match_command(texts: tuple[str, ...], agencies_path: Path | None,
                           strict: bool) -> None:
    """Match each TEXT: prints TEXT, NAMES, METHOD, SCORE (tab-separated).

    For a TEXT naming several agencies, METHOD and SCORE are those of its weakest part.
    """
    from .agencies import load_agencies, match_agencies, summarise_matches

    agencies = load_agencies(agencies_path)
    any_unmatched = False
    for text in texts:
        names, method, score = summarise_matches(match_agencies(text, agencies))
        any_unmatched = any_unmatched or method == "unmatched"
        click.echo(f"{shown(' '.join(text.split()))}\t{shown('; '.join(names))}\t{method}\t"
                   f"{score:.1f}")
    sys.exit(1 if strict and any_unmatched else 0)


# --- tables (tables.py) --------------------------------------------------------------------

def _area(ctx: click.Context, param: click.Parameter, value: str | None
          ) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        x0, top, x1, bottom = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give four numbers X0,TOP,X1,BOTTOM, e.g. 50,100,550,400")
    if not (x0 < x1 and top < bottom):
        raise click.BadParameter("X0 must be less than X1 and TOP less than BOTTOM")
    return x0, top, x1, bottom


@main.command("tables")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <pdf name>.tables.json (all tables: cells with row/column spans) "
                   "and <pdf name>-p<N>-t<K>.csv (one grid per table).")
@click.option("--pages", metavar="RANGE", help="Pages to read, e.g. 2-3 or 1,4-5 [default: all].")
@click.option("--area", metavar="X0,TOP,X1,BOTTOM", callback=_area,
              help="Read the one table in this box of each page (points from the top-left "
                   "corner) instead of finding tables.")
@csv_safe_option
@timeout_option
@max_memory_option
@password_option
@verbose_option
def tables_command(pdf: Path, out_dir: Path, pages: str | None,
                   area: tuple[float, float, float, float] | None, csv_safe: bool,
                   timeout: float, max_memory: int, password: str | None, verbose: bool) -> None:
    """Read every table of any PDF (generic mode: ruled or rule-less) into JSON and CSV."""
    from .inspect import parse_pages
    from .jobs import tables_job

    try:
        selected = parse_pages(pages, 10**6) if pages else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pages") from None
    _run_job(tables_job, (str(pdf), str(out_dir), selected, area, password, csv_safe), pdf,
             _bounds(timeout, max_memory), verbose)



# --- inspect / review (inspect.py, review.py) ----------------------------------------------

def _load_agencies(agencies_path: Path | None) -> Any:
    from .batch import load_agencies_file

    return load_agencies_file(str(agencies_path) if agencies_path else None)


def _run_job(fn: Any, args: tuple[Any, ...], pdf: Path, bounds: Any, verbose: bool) -> None:
    """Run a single-file command in a bounded worker; print its paths, warnings or error."""
    from .workers import UsageInWorker, WorkerError, run_bounded

    try:
        written, notes = run_bounded(fn, args, str(pdf), bounds)
    except UsageInWorker as exc:
        raise click.BadParameter(str(exc), param_hint="--pages") from None
    except WorkerError as exc:
        _fail(exc, verbose, exc.detail)
        sys.exit(exc.exit_code)
    for note in notes:
        click.echo(f"warning: {shown(note)}", err=True)
    for path in written:
        click.echo(shown(path))


def _write_batch_review(result: Any, out_dir: Path, password: str | None,
                        agencies_path: Path | None, verbose: bool, bounds: Any) -> bool:
    """The review pages of a batch, each file read in a bounded worker; False if it failed."""
    from .review import review_batch

    notes: list[str] = []
    try:
        index = review_batch(result, out_dir, password=password, bounds=bounds,
                             agencies_path=str(agencies_path) if agencies_path else None,
                             notes=notes)
    except (SafecityError, OSError) as exc:
        _fail(exc, verbose)
        return False
    for note in notes:
        click.echo(f"warning: {shown(note)}", err=True)
    click.echo(f"review: {shown(index)}", err=True)
    return True


@main.command("inspect")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PNGs, named <pdf name>-p<N>.png.")
@click.option("--pages", metavar="RANGE", help="Pages to draw, e.g. 2-3 or 1,4-5 [default: all].")
@click.option("--resolution", type=click.IntRange(18, 300), default=72, show_default=True,
              help="Pixels per inch of the images.")
@timeout_option
@max_memory_option
@password_option
@agencies_path_option
@verbose_option
def inspect_command(pdf: Path, out_dir: Path, pages: str | None, resolution: int,
                    timeout: float, max_memory: int, password: str | None,
                    agencies_path: Path | None, verbose: bool) -> None:
    """Draw what the recogniser saw (table, columns, rows, flags) on pages of PDF."""
    from .jobs import inspect_job

    _run_job(inspect_job, (str(pdf), str(out_dir), pages, resolution, password,
                           str(agencies_path) if agencies_path else None),
             pdf, _bounds(timeout, max_memory), verbose)


@main.command("review")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.html",
              help="The review page to write (one self-contained HTML file).")
@timeout_option
@max_memory_option
@password_option
@agencies_path_option
@verbose_option
def review_command(pdf: Path, out_path: Path, timeout: float, max_memory: int,
                   password: str | None, agencies_path: Path | None, verbose: bool) -> None:
    """Write an HTML page showing every row of PDF beside the part of the page it came from."""
    from .guard import refuse_inputs_as_outputs
    from .jobs import review_job

    try:
        refuse_inputs_as_outputs([out_path], [pdf])
    except SafecityError as exc:
        _fail(exc, verbose)
        sys.exit(exc.exit_code)
    _run_job(review_job, (str(pdf), str(out_path), password,
                          str(agencies_path) if agencies_path else None),
             pdf, _bounds(timeout, max_memory), verbose)
