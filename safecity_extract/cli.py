"""Command line: parse options, call the library, map its errors to exit codes.

No extraction logic lives here; every command is a thin wrapper over a library call.
"""
from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from . import __version__
from .errors import SafecityError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="safecity-extract")
def main() -> None:
    """Read Safe City progress-update PDF reports into clean rows (JSON, CSV, SQLite)."""


# --- extract / check (batch.py, golden.py) -------------------------------------------------

recursive_option = click.option("-r", "--recursive", is_flag=True,
                                help="Also take PDFs from subfolders of folder arguments.")
verbose_option = click.option("-v", "--verbose", is_flag=True,
                              help="Show tracebacks for errors.")
password_option = click.option("--password", metavar="PW", help="Password of encrypted PDFs.")
ocr_option = click.option(
    "--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Read pages by OCR (Tesseract, the [ocr] extra): auto = pages without a text layer, "
         "always = every page, never = none.")


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
    click.echo(f"error: {exc}", err=True)


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    """A progress callback drawing a bar on stderr, or doing nothing when not ``enabled``."""
    if not enabled:
        yield None
        return
    with click.progressbar(length=total, file=sys.stderr, label="extracting",
                           show_pos=True) as bar:
        def step(done: int, total: int, current: str, rows: int) -> None:
            bar.label = f"{rows} rows, {current}"
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
@click.option("--timeout", type=click.FloatRange(min=0), default=120, show_default=True,
              help="Seconds one file may take (0: no limit).")
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
@ocr_option
@verbose_option
@click.option("--review", is_flag=True,
              help="Also write review pages: <out>/review/<name>.html and review/index.html.")
def extract_command(inputs: tuple[Path, ...], out_dir: Path, recursive: bool, fmt: str,
                    workers: int | None, timeout: float, quiet: bool, combined: Path | None,
                    db: Path | None, skip_existing: bool, csv_safe: bool, password: str | None,
                    agencies_path: Path | None, ocr: str, verbose: bool, review: bool = False,
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
                               bom=bom, client=client, ocr=ocr)
    except SafecityError as exc:
        _fail(exc, verbose)
        sys.exit(exc.exit_code)
    for done in result.files:
        for line in done.warnings:
            click.echo(f"warning: {line}", err=True)
    for failed in result.failed:
        _fail(Exception(failed.error), verbose, failed.detail)
    if review:
        _write_batch_review(result, out_dir, password, agencies_path, verbose, ocr)
    if not quiet:
        click.echo(format_summary(result).splitlines()[0], err=True)
    sys.exit(1 if result.failed else 0)


@main.command("check")
@inputs_argument
@click.option("--golden", "golden_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder of golden files: X.pdf is checked against X.json and X.csv.")
@click.option("--update", is_flag=True, help="Rewrite golden files that differ or are missing.")
@recursive_option
@password_option
@agencies_path_option
@ocr_option
@verbose_option
def check_command(inputs: tuple[Path, ...], golden_dir: Path, update: bool, recursive: bool,
                  password: str | None, agencies_path: Path | None, ocr: str,
                  verbose: bool) -> None:
    """Compare extractions with golden files; print a word diff of every difference."""
    from .golden import check, format_check

    try:
        results = check(inputs, golden_dir, update, recursive=recursive, password=password,
                        agencies_path=agencies_path, ocr=ocr)
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
        click.echo(f"{name}\t{'; '.join(aliases)}")


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
        click.echo(f"{' '.join(text.split())}\t{'; '.join(names)}\t{method}\t{score:.1f}")
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
@password_option
@ocr_option
@verbose_option
def tables_command(pdf: Path, out_dir: Path, pages: str | None,
                   area: tuple[float, float, float, float] | None, csv_safe: bool,
                   password: str | None, ocr: str, verbose: bool) -> None:
    """Read every table of any PDF (generic mode: ruled or rule-less) into JSON and CSV."""
    from .inspect import parse_pages
    from .tables import find_tables, write_tables

    try:
        selected = parse_pages(pages, 10**6) if pages else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pages") from None
    try:
        tables = find_tables(pdf, pages=selected, area=area, password=password, ocr=ocr)
        written = write_tables(tables, out_dir, pdf.stem, csv_safe=csv_safe)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pages") from None
    except (SafecityError, OSError) as exc:
        _fail(exc, verbose)
        sys.exit(getattr(exc, "exit_code", 1))
    if not tables:
        click.echo(f"{pdf}: no tables found", err=True)
    for path in written:
        click.echo(path)



# --- inspect / review (inspect.py, review.py) ----------------------------------------------

def _load_agencies(agencies_path: Path | None) -> Any:
    from .batch import load_agencies_file

    return load_agencies_file(str(agencies_path) if agencies_path else None)


def _write_batch_review(result: Any, out_dir: Path, password: str | None,
                        agencies_path: Path | None, verbose: bool, ocr: str = "auto") -> None:
    from .review import review_batch

    try:
        index = review_batch(result, out_dir, password=password,
                             agencies=_load_agencies(agencies_path), ocr=ocr)
    except (SafecityError, OSError) as exc:
        _fail(exc, verbose)
        sys.exit(1)
    click.echo(f"review: {index}", err=True)


@main.command("inspect")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PNGs, named <pdf name>-p<N>.png.")
@click.option("--pages", metavar="RANGE", help="Pages to draw, e.g. 2-3 or 1,4-5 [default: all].")
@click.option("--resolution", type=click.IntRange(18, 300), default=72, show_default=True,
              help="Pixels per inch of the images.")
@password_option
@agencies_path_option
@ocr_option
@verbose_option
def inspect_command(pdf: Path, out_dir: Path, pages: str | None, resolution: int,
                    password: str | None, agencies_path: Path | None, ocr: str,
                    verbose: bool) -> None:
    """Draw what the recogniser saw (table, columns, rows, flags) on pages of PDF."""
    from .extract import extract
    from .inspect import parse_pages, write_overlays

    try:
        report = extract(pdf, password=password, agencies=_load_agencies(agencies_path),
                         ocr=ocr)
        try:
            selected = parse_pages(pages, report.source.pages) if pages else None
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--pages") from None
        written = write_overlays(report, pdf, out_dir, selected, resolution, password)
    except (SafecityError, OSError) as exc:
        _fail(exc, verbose)
        sys.exit(getattr(exc, "exit_code", 1))
    for path in written:
        click.echo(path)


@main.command("review")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "out_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.html",
              help="The review page to write (one self-contained HTML file).")
@password_option
@agencies_path_option
@ocr_option
@verbose_option
def review_command(pdf: Path, out_path: Path, password: str | None, agencies_path: Path | None,
                   ocr: str, verbose: bool) -> None:
    """Write an HTML page showing every row of PDF beside the part of the page it came from."""
    from .guard import refuse_inputs_as_outputs
    from .review import review

    try:
        refuse_inputs_as_outputs([out_path], [pdf])
        review(pdf, out_path, password=password, agencies=_load_agencies(agencies_path),
               ocr=ocr)
    except (SafecityError, OSError) as exc:
        _fail(exc, verbose)
        sys.exit(getattr(exc, "exit_code", 1))
    click.echo(out_path)
