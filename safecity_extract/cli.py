"""Command line: parse options, call the library, map its errors to exit codes.

No extraction logic lives here; every command is a thin wrapper over a library call. Options
become one ``Options`` record (the agencies file loaded once, here); every command runs inside
``_boundary``, the one place where a library error becomes a line on stderr and an exit code.
"""
from __future__ import annotations

import functools
import math
import signal
import sys
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

import click

from .errors import BatchInterrupted, SafecityError, Terminated, shown
from .limits import DEFAULT_MAX_MEMORY_MB
from .options import Options
from .version import __version__

if TYPE_CHECKING:
    from .agencies import Agencies
    from .batch import BatchResult
    from .workers import Bounds

_Loaded = TypeVar("_Loaded")

MAX_TIMEOUT = 1_000_000.0  # seconds (11.6 days): beyond it a timer would overflow


class _Group(click.Group):
    """A group whose command list shows each command's whole first sentence, wrapped,
    instead of cutting it to the space left on the line with "..."."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=10**6)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


class _Main(_Group):
    """The top group: SIGTERM raises Terminated as Ctrl-C raises KeyboardInterrupt, and either
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


# --- the error boundary ----------------------------------------------------------------------


def _fail(exc: BaseException | str, verbose: bool, detail: str = "") -> None:
    """Print an error as one line (and its traceback with -v) on stderr."""
    if verbose and isinstance(exc, BaseException) and not detail and exc.__traceback__:
        detail = "".join(traceback.format_exception(exc))
    if verbose and detail:
        click.echo(detail, err=True, nl=False)
    click.echo(f"error: {shown(exc)}", err=True)


def _boundary(command: Callable[..., None]) -> Callable[..., None]:
    """Run a command; a library error (or an OS error writing outputs) becomes one line on
    stderr, with its traceback under -v, and the error's exit code (1 for OS errors)."""

    @functools.wraps(command)
    def run(**params: Any) -> None:
        try:
            command(**params)
        except BatchInterrupted:
            raise  # the group prints it without "error: "
        except (SafecityError, OSError) as exc:
            _fail(exc, bool(params.get("verbose")), getattr(exc, "worker_traceback", ""))
            sys.exit(getattr(exc, "exit_code", 1))

    return run


# --- shared options ----------------------------------------------------------------------------

recursive_option = click.option("-r", "--recursive", is_flag=True,
                                help="Also take PDFs from subfolders of folder arguments.")
verbose_option = click.option("-v", "--verbose", is_flag=True,
                              help="Show tracebacks for errors.")
password_option = click.option("--password", metavar="PW", help="Password of encrypted PDFs.")
ocr_option = click.option(
    "--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Read pages by OCR (Tesseract, the [ocr] extra): auto = pages without a text layer, "
         "always = every page, never = none.")


def _as_usage_error(ctx: click.Context, param: click.Parameter,
                    load: Callable[[Path], _Loaded], value: Path) -> _Loaded:
    """``load(value)``, a bad data file being a usage error of its option (exit 2)."""
    try:
        return load(value)
    except SafecityError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def _load_agencies(ctx: click.Context, param: click.Parameter, value: Path | None
                   ) -> Agencies | None:
    """Load the file once, here, so that a bad line is a usage error (exit 2)."""
    if value is None:
        return None
    from .agencies import load_agencies

    return _as_usage_error(ctx, param, load_agencies, value)


agencies_option = click.option(
    "--agencies", metavar="FILE", callback=_load_agencies,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Agency names file (canonical,alias,kind) [default: the built-in Southampton list].")


def _load_header_aliases(ctx: click.Context, param: click.Parameter, value: Path | None
                         ) -> tuple[tuple[str, str], ...]:
    """Read the file once, here, so that a bad line is a usage error (exit 2)."""
    if value is None:
        return ()
    from .headers import load_header_aliases

    return _as_usage_error(ctx, param, load_header_aliases, value)


header_aliases_option = click.option(
    "--header-aliases", metavar="FILE", callback=_load_header_aliases,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Header labels file (label,key lines: a label your reports print and the column it "
         "is, e.g. Workstream,priority) read before the built-in labels.")
csv_safe_option = click.option(
    "--csv-safe", is_flag=True,
    help="Prefix CSV cells starting with = + - @ (or tab, CR) with ' so spreadsheets show "
         "them as text [default: off, cells as printed].")
inputs_argument = click.argument("inputs", nargs=-1, required=True,
                                 type=click.Path(exists=True, path_type=Path))


def _page_spec(ctx: click.Context, param: click.Parameter, value: str | None
               ) -> list[int] | None:
    """"2-3,5" -> [2, 3, 5]; whether the PDF has those pages is the library's to say."""
    if value is None:
        return None
    from .inspect import parse_pages

    try:
        return parse_pages(value, 10**6)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


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


def _bounds(timeout: float, max_memory: int) -> Bounds:
    from .workers import Bounds

    return Bounds(timeout or None, max_memory or None)


def bounded(command: Callable[..., None]) -> Callable[..., None]:
    """Add --timeout and --max-memory; the command receives them as one ``bounds``."""

    @functools.wraps(command)
    def run(**params: Any) -> None:
        params["bounds"] = _bounds(params.pop("timeout"), params.pop("max_memory"))
        command(**params)

    return timeout_option(max_memory_option(run))


def _options(password: str | None, agencies: Agencies | None, ocr: str,
             header_aliases: tuple[tuple[str, str], ...]) -> Options:
    from .settings import Settings

    return Options(password, agencies, Settings(header_aliases=header_aliases), ocr)


def as_options(command: Callable[..., None]) -> Callable[..., None]:
    """The command receives --password, --agencies, --ocr and --header-aliases (those it has)
    as one Options."""

    @functools.wraps(command)
    def run(**params: Any) -> None:
        params["options"] = _options(params.pop("password"), params.pop("agencies", None),
                                     params.pop("ocr", "auto"),
                                     params.pop("header_aliases", ()))
        command(**params)

    return run


def pages_option(what: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option("--pages", metavar="RANGE", callback=_page_spec,
                        help=f"Pages to {what}, e.g. 2-3 or 1,4-5 [default: all].")


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    """A progress callback drawing a bar on stderr, or doing nothing when not ``enabled``."""
    if not enabled:
        yield None
        return
    import shutil

    columns = shutil.get_terminal_size((80, 24)).columns
    bar_width = 20
    # "label  [bar]  done/total": keep the whole line one column short of the terminal, so
    # a long file name never wraps the bar onto a second line.
    room = max(10, columns - 1 - (bar_width + 6) - (2 * len(str(total)) + 1))
    with click.progressbar(length=total, file=sys.stderr, label="extracting",
                           show_pos=True, show_eta=False, width=bar_width) as bar:
        def step(done: int, total: int, current: str, rows: int) -> None:
            bar.label = fit_label(f"{rows} rows, ", shown(current), room)
            bar.update(done - bar.pos)
        yield step


@contextmanager
def _dask_client(scheduler: str | None, workers: int | None, max_memory: int | None
                 ) -> Iterator[Any]:
    """The Dask client for --scheduler (None without it): connected before any work starts."""
    if scheduler is None:
        yield None
        return
    from .dask_executor import dask_client

    with dask_client(scheduler, workers, max_memory) as client:
        yield client


def fit_label(prefix: str, name: str, room: int) -> str:
    """``prefix + name`` in at most ``room`` characters, the name cut from the left ("…")."""
    if len(prefix) + len(name) <= room:
        return prefix + name
    keep = max(1, room - len(prefix) - 1)
    return prefix + "…" + name[-keep:]


# --- extract / check (batch.py, golden.py) -------------------------------------------------


@dataclass(frozen=True)
class ExtractArgs:
    """The options of ``extract``, as click parses them."""

    inputs: tuple[Path, ...]
    out_dir: Path | None
    recursive: bool
    fmt: str
    workers: int | None
    timeout: float
    max_memory: int
    quiet: bool
    combined: Path | None
    db: Path | None
    skip_existing: bool
    csv_safe: bool
    password: str | None
    agencies: Agencies | None
    header_aliases: tuple[tuple[str, str], ...]
    ocr: str
    verbose: bool
    review: bool
    bom: bool
    scheduler: str | None
    strict: bool


@main.command("extract")
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("--out", "-o", "out_dir",
              type=click.Path(file_okay=False, allow_dash=True, path_type=Path),
              help="Folder for the outputs; - writes one file's JSON/CSV/JSONL to stdout "
                   "[default: the current folder for one PDF, stdout for - (stdin)].")
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
@agencies_option
@header_aliases_option
@ocr_option
@verbose_option
@click.option("--review", is_flag=True,
              help="Also write review pages: <out>/review/<name>.html and review/index.html.")
@click.option("--strict", is_flag=True,
              help="Exit 1 if a file has a warning of possible loss (rows or words that may "
                   "be missing).")
@_boundary
def extract_command(**params: Any) -> None:
    """Extract the progress table of each PDF (files or folders) into --out.

    INPUTS are PDF files and folders of them; - reads one PDF from stdin.
    """
    from .batch import Outputs, collect_inputs, executor_for, format_summary, run_batch
    from .guard import refuse_inputs_as_outputs

    args = ExtractArgs(**params)
    options = _options(args.password, args.agencies, args.ocr, args.header_aliases)
    fmt = args.fmt.lower()
    out_dir = _extract_target(args.inputs, args.out_dir, (args.combined, args.db, args.review))
    if out_dir == Path("-"):
        losses = _extract_to_stdout(args.inputs[0], "json" if fmt == "both" else fmt,
                                    args.csv_safe, args.bom, options, args.verbose,
                                    _bounds(args.timeout, args.max_memory))
        _exit_if_strict(args.strict, [args.inputs[0].as_posix()] if losses else [])
        return
    started = time.monotonic()
    show_bar = not args.quiet and sys.stderr.isatty()

    def report_failure(done: Any) -> None:  # as it happens, above the bar
        if done.status == "failed":
            if show_bar:
                click.echo("\r\x1b[K", nl=False, err=True)
            _fail(done.error, args.verbose, done.detail)

    files = collect_inputs(args.inputs, args.recursive)
    bounds = _bounds(args.timeout, args.max_memory)
    refuse_inputs_as_outputs([p for p in (args.combined, args.db) if p is not None], [],
                             [p for p in args.inputs if p.is_dir()])
    outputs = Outputs.of(out_dir, ["json", "csv"] if fmt == "both" else [fmt],
                         csv_safe=args.csv_safe, skip_existing=args.skip_existing,
                         combined=args.combined, db=args.db, bom=args.bom, review=args.review)
    with _dask_client(args.scheduler, args.workers, args.max_memory or None) as client, \
            _progress(len(files), show_bar) as callback:
        result = run_batch(files, outputs, options=options,
                           executor=executor_for(args.workers, client), bounds=bounds,
                           progress_callback=callback, on_file=report_failure)
    for done in result.files:
        for line in done.warnings:
            click.echo(f"warning: {shown(line)}", err=True)
    for message in result.output_errors:  # after every file's own line, before the summary
        _fail(message, False)
    review_failed = args.review and not _write_batch_review(
        result, out_dir, options, bounds, args.verbose)
    result.seconds = time.monotonic() - started  # the review pages' time included
    if not args.quiet:
        click.echo(shown(format_summary(result).splitlines()[0]), err=True)
    _exit_if_strict(args.strict, [d.input.source_path for d in result.files if d.losses])
    sys.exit(1 if result.failed or result.output_errors or review_failed else 0)


def _exit_if_strict(strict: bool, lossy: list[str]) -> None:
    """With --strict, one line naming the files with warnings of possible loss, and exit 1."""
    if strict and lossy:
        names = ", ".join(lossy[:5]) + (f" and {len(lossy) - 5} more" if len(lossy) > 5 else "")
        click.echo(shown(f"strict: {len(lossy)} file(s) with warnings of possible loss: {names}"),
                   err=True)
        sys.exit(1)


def _write_batch_review(result: BatchResult, out_dir: Path, options: Options, bounds: Bounds,
                        verbose: bool) -> bool:
    """The review pages of a batch, each file read in a bounded worker; False if it failed."""
    from .review import review_batch

    notes: list[str] = []
    try:
        index = review_batch(result, out_dir, options=options, bounds=bounds, notes=notes)
    except (SafecityError, OSError) as exc:
        _fail(exc, verbose)
        return False
    for note in notes:
        click.echo(f"warning: {shown(note)}", err=True)
    click.echo(f"review: {shown(index)}", err=True)
    return True


def _extract_target(inputs: tuple[Path, ...], out_dir: Path | None,
                    extras: tuple[object, ...]) -> Path:
    """--out, its default (stdout for -, the current folder for one PDF), or a usage error."""
    dash = [p for p in inputs if str(p) == "-"]
    if out_dir is None:
        if dash:
            out_dir = Path("-")
        elif len(inputs) == 1 and not inputs[0].is_dir():
            out_dir = Path(".")
        else:
            raise click.UsageError("give --out DIR for several PDFs or a folder")
    if dash and out_dir != Path("-"):
        raise click.UsageError("- (a PDF on stdin) is written to stdout: leave out --out or "
                               "give --out -")
    if out_dir == Path("-"):
        if len(inputs) != 1 or inputs[0].is_dir():
            raise click.UsageError("--out - (stdout) takes one PDF")
        if any(extras):
            raise click.UsageError("--combined, --db and --review need --out DIR, not stdout")
    return out_dir


def _extract_to_stdout(pdf: Path, fmt: str, csv_safe: bool, bom: bool, options: Options,
                       verbose: bool, bounds: Bounds) -> int:
    """One PDF (or stdin) -> its JSON, CSV or JSON Lines on stdout; warnings on stderr.
    The PDF is read in a worker under ``bounds``. Returns the number of warnings of possible
    loss."""
    import tempfile
    from dataclasses import replace

    from .batch import warning_lines
    from .outputs import output_text
    from .reading import read_each

    if fmt == "xlsx":
        raise click.UsageError("--format xlsx cannot go to stdout: give --out DIR")
    path = pdf
    try:
        with tempfile.TemporaryDirectory(prefix="safecity-stdin-") as tmp:
            if str(pdf) == "-":
                path = Path(tmp, "stdin.pdf")
                _stdin_to_file(path)
            (report,) = read_each([path], bounds.timeout, bounds.max_memory, options=options)
        report.source = (replace(report.source, file="-", path="-") if str(pdf) == "-"
                         else replace(report.source, path=pdf.as_posix()))
        text = output_text(report, fmt, csv_safe, bom)
    except SafecityError as exc:
        if path == pdf:
            raise  # _boundary reports it
        # The temporary copy of stdin is named "stdin" in the message, not by its path.
        detail = getattr(exc, "worker_traceback", "") or "".join(traceback.format_exception(exc))
        _fail(str(exc).replace(str(path), "stdin"), verbose, detail if verbose else "")
        sys.exit(exc.exit_code)
    for line in warning_lines(pdf, report):
        click.echo(f"warning: {shown(line)}", err=True)
    click.echo(text, nl=False)
    return sum(w.loss for w in report.warnings)


def _stdin_to_file(path: Path) -> None:
    """Copy stdin to ``path``, at most limits.MAX_PDF_BYTES of it (TooLarge past that)."""
    from . import limits
    from .errors import TooLarge

    with path.open("wb") as target:
        if not limits.copy_capped(sys.stdin.buffer, target):
            raise TooLarge(str(path), limits.MAX_PDF_BYTES)


@main.command("check")
@inputs_argument
@click.option("--golden", "golden_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder of golden files: X.pdf is checked against X.json and X.csv.")
@click.option("--update", is_flag=True, help="Rewrite golden files that differ or are missing.")
@recursive_option
@password_option
@agencies_option
@header_aliases_option
@ocr_option
@verbose_option
@bounded
@as_options
@_boundary
def check_command(inputs: tuple[Path, ...], golden_dir: Path, update: bool, recursive: bool,
                  options: Options, verbose: bool, bounds: Bounds) -> None:
    """Compare extractions with golden files; print a word diff of every difference."""
    from .golden import check, format_check

    new_folder = not golden_dir.exists()  # a typo must not pass unnoticed
    if new_folder and not update:
        click.echo(f"warning: --golden {shown(golden_dir)}: no such folder (a typo?); --update "
                   "would create it", err=True)
    results = check(inputs, golden_dir, update, recursive=recursive,
                    options=options, timeout=bounds.timeout,
                    max_memory=bounds.max_memory)
    click.echo(format_check(results))
    if new_folder and golden_dir.is_dir():
        click.echo(f"created folder: {shown(golden_dir)}")
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
@csv_safe_option
@password_option
@agencies_option
@header_aliases_option
@ocr_option
@verbose_option
@bounded
@as_options
@_boundary
def diff_command(reports: tuple[Path, ...], fmt: str, out_path: Path | None,
                 threshold: float | None, csv_safe: bool, options: Options, verbose: bool,
                 bounds: Bounds) -> None:
    """Compare reports (PDFs or our JSON): added, dropped and changed actions.

    Two reports give a diff; three or more a timeline (one line per action, a status and
    lead column per report, oldest first).
    """
    from .diff import PAIR_THRESHOLD, diff_reports, render, timeline
    from .reading import read_each

    if len(reports) < 2:
        raise click.UsageError("give at least two reports: OLD NEW [MORE...]")
    try:
        loaded = read_each(list(reports), bounds.timeout, bounds.max_memory, options=options)
        limit = PAIR_THRESHOLD if threshold is None else threshold
        result = (diff_reports(loaded[0], loaded[1], limit) if len(loaded) == 2
                  else timeline(loaded, limit))
        text = render(result, fmt.lower(), csv_safe)
    except (ValueError, KeyError) as exc:  # a JSON file that is not one of our reports
        _fail(exc, verbose)
        sys.exit(1)
    _write_or_echo(text, out_path)


def _write_or_echo(text: str, out_path: Path | None) -> None:
    from .files import atomic_write_text

    if out_path is not None:
        atomic_write_text(out_path, text)
    else:
        click.echo(text, nl=False)


@main.command("summary")
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=_format_choice("text", "csv"), default="text",
              show_default=True, help="A table per agency and per status, or CSV (long form).")
@click.option("--out", "-o", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@recursive_option
@csv_safe_option
@password_option
@agencies_option
@header_aliases_option
@ocr_option
@verbose_option
@bounded
@as_options
@_boundary
def summary_command(inputs: tuple[Path, ...], fmt: str, out_path: Path | None, recursive: bool,
                    csv_safe: bool, options: Options, verbose: bool, bounds: Bounds) -> None:
    """Count actions per agency and per status in each report (PDFs or our JSON)."""
    from .diff import csv_text
    from .reading import format_summary_table, load_reports, summarise

    try:
        reports = load_reports(inputs, recursive, timeout=bounds.timeout,
                               max_memory=bounds.max_memory, options=options)
    except (ValueError, KeyError) as exc:  # a JSON file that is not one of our reports
        _fail(exc, verbose)
        sys.exit(1)
    if not reports:
        raise click.UsageError("no PDF or JSON files found in the inputs")
    summary = summarise(reports)
    text = (csv_text(summary.records(), ["report", "kind", "value", "actions"], csv_safe)
            if fmt.lower() == "csv" else format_summary_table(summary) + "\n")
    _write_or_echo(text, out_path)


# --- agencies (agencies.py) ----------------------------------------------------------------

@main.group("agencies", cls=_Group)
def agencies_group() -> None:
    """List the canonical agency names, or match Lead Agency text against them."""


@agencies_group.command("list")
@agencies_option
@_boundary
def agencies_list_command(agencies: Agencies | None) -> None:
    """Print each canonical name and its other names, tab-separated."""
    from .agencies import agency_table, load_agencies

    for name, aliases in agency_table(agencies or load_agencies()):
        click.echo(f"{shown(name)}\t{shown('; '.join(aliases))}")


@agencies_group.command("match")
@click.argument("texts", metavar="TEXT...", nargs=-1, required=True)
@agencies_option
@click.option("--strict", is_flag=True, help="Exit 1 if any TEXT has a part that matches nothing.")
@_boundary
def agencies_match_command(texts: tuple[str, ...], agencies: Agencies | None,
                           strict: bool) -> None:
    """Match each TEXT: prints TEXT, NAMES, METHOD, SCORE (tab-separated).

    For a TEXT naming several agencies, METHOD and SCORE are those of its weakest part.
    """
    from .agencies import load_agencies, match_agencies, summarise_matches

    table = agencies or load_agencies()
    any_unmatched = False
    for text in texts:
        names, method, score = summarise_matches(match_agencies(text, table))
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
        raise click.BadParameter("give four numbers X0,TOP,X1,BOTTOM, e.g. 50,100,550,400"
                                 ) from None
    if not (x0 < x1 and top < bottom):
        raise click.BadParameter("X0 must be less than X1 and TOP less than BOTTOM")
    return x0, top, x1, bottom


@main.command("tables")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <pdf name>.tables.json (all tables: cells with row/column spans) "
                   "and <pdf name>-p<N>-t<K>.csv (one grid per table).")
@pages_option("read")
@click.option("--area", metavar="X0,TOP,X1,BOTTOM", callback=_area,
              help="Read the one table in this box of each page (points from the top-left "
                   "corner) instead of finding tables.")
@csv_safe_option
@password_option
@ocr_option
@verbose_option
@bounded
@as_options
@_boundary
def tables_command(pdf: Path, out_dir: Path, pages: list[int] | None,
                   area: tuple[float, float, float, float] | None, csv_safe: bool,
                   options: Options, verbose: bool, bounds: Bounds) -> None:
    """Read every table of any PDF (generic mode: ruled or rule-less) into JSON and CSV."""
    from .jobs import tables_job

    _run_job(tables_job, (str(pdf), str(out_dir), pages, area, options, csv_safe),
             pdf, bounds)


def _run_job(fn: Callable[..., tuple[list[Path], list[str]]], args: tuple[Any, ...], pdf: Path,
             bounds: Bounds) -> None:
    """Run a single-file command in a bounded worker; print its paths and warnings (its
    error, a WorkerError, goes to the boundary)."""
    from .workers import run_bounded

    written, notes = run_bounded(fn, args, str(pdf), bounds)
    for note in notes:
        click.echo(f"warning: {shown(note)}", err=True)
    for path in written:
        click.echo(shown(path))


# --- inspect / review (inspect.py, review.py) ----------------------------------------------


@main.command("inspect")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PNGs, named <pdf name>-p<N>.png.")
@pages_option("draw")
@click.option("--resolution", type=click.IntRange(18, 300), default=120, show_default=True,
              help="Pixels per inch of the images.")
@password_option
@agencies_option
@header_aliases_option
@ocr_option
@verbose_option
@bounded
@as_options
@_boundary
def inspect_command(pdf: Path, out_dir: Path, pages: list[int] | None, resolution: int,
                    options: Options, verbose: bool, bounds: Bounds) -> None:
    """Draw what the recogniser saw (table, columns, rows, flags) on pages of PDF."""
    from .jobs import inspect_job

    _run_job(inspect_job, (str(pdf), str(out_dir), pages, resolution,
                           options), pdf, bounds)


@main.command("review")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_arg", required=True, type=click.Path(path_type=str),
              metavar="FILE.html|DIR/",
              help="The review page to write (one self-contained HTML file); a folder "
                   "(ending in / or existing) gets <pdf name>.html inside it.")
@password_option
@agencies_option
@header_aliases_option
@ocr_option
@verbose_option
@bounded
@as_options
@_boundary
def review_command(pdf: Path, out_arg: str, options: Options, verbose: bool,
                   bounds: Bounds) -> None:
    """Write an HTML page showing every row of PDF beside the part of the page it came from."""
    import os

    from .guard import refuse_inputs_as_outputs
    from .jobs import review_job

    folder = out_arg.endswith(("/", os.sep)) or Path(out_arg).is_dir()
    out_path = Path(out_arg) / f"{pdf.stem}.html" if folder else Path(out_arg)
    refuse_inputs_as_outputs([out_path], [pdf])
    _run_job(review_job, (str(pdf), str(out_path), options), pdf, bounds)
