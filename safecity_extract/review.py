"""Reports + their PDFs -> self-contained HTML review pages: every row's cells beside the crop
of the page region it was read from, flags highlighted, and an index page for a batch.

All text that came from a PDF goes through ``html.escape``: a PDF can contain ``<script>``.
Images are embedded as data: URIs; the page loads nothing from anywhere.
"""
from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence, Union
from urllib.parse import quote

from .files import atomic_write_text
from .inspect import FLAG_CELLS, TABLE, PdfSource, Shape, _layout_of, overlay_shapes
from .layout import Layout
from .model import (FLAG_FILLED, FLAG_JOINED, FLAG_UNMATCHED, Box, Report, Row, Warning_,
                    needs_look)
from .options import Options

if TYPE_CHECKING:
    from .batch import BatchResult, FileResult
    from .workers import Bounds

REVIEW_RESOLUTION = 96
_CROP_MARGIN = 4.0  # points of page shown around a row's box

Source_ = Union[str, "os.PathLike[str]", Report, tuple[Report, PdfSource]]

FLAG_TEXT = {
    FLAG_JOINED: "joined across pages",
    FLAG_FILLED: "priority filled down",
    FLAG_UNMATCHED: "lead agency unmatched",
}

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#f4f4f4}
header{background:#fff;padding:12px 20px;border-bottom:1px solid #ccc}
h1{font-size:20px;margin:0 0 4px}
.source{color:#555;margin:0 0 8px;word-break:break-all}
.warnings{background:#fff4d6;border:1px solid #e0b84a;padding:6px 12px;margin:8px 0}
.warnings h2{font-size:15px;margin:4px 0}
.warnings.loss{background:#fde2e2;border-color:#c0392b}
.filter{display:inline-block;margin:6px 0;font-weight:600}
main{padding:12px 20px}
article{display:flex;gap:16px;background:#fff;border:1px solid #ccc;border-left:6px solid #ccc;
  margin:0 0 14px;padding:10px}
article.flagged{border-left-color:#e67e00}
.cells{flex:1 1 45%;min-width:0}
.crops{flex:1 1 55%;min-width:0}
.crops img{max-width:100%;border:1px solid #999;display:block}
figure{margin:0 0 8px}
figcaption{color:#555;font-size:12px}
h2.row{font-size:16px;margin:0 0 6px}
table{border-collapse:collapse;width:100%}
th{text-align:left;vertical-align:top;padding:4px 8px 4px 0;color:#555;white-space:nowrap;
  font-weight:600}
td{white-space:pre-wrap;vertical-align:top;padding:4px;border-bottom:1px solid #eee}
.flag{display:inline-block;border-radius:3px;padding:0 6px;margin:0 4px 0 0;font-size:12px;
  color:#000;background:#ddd}
.flag-joined_across_pages{background:#ffd4a8}
.flag-priority_filled_down{background:#fbe88a}
.flag-agency_unmatched{background:#f7a8a8}
td.flag-priority_filled_down{background:#fdf3c4}
td.flag-agency_unmatched{background:#fbd9d9}
td.flag-priority_missing{background:#fbd0f3}
.unmatched{background:#f7a8a8;font-weight:600}
.note{color:#555;font-size:12px}
body.only-flagged article:not(.flagged){display:none}
.index td{white-space:normal}
.failed{color:#b00000}
"""

# The checkbox hides unflagged rows; opening the page as review.html#flagged ticks it.
_FILTER_JS = ("(function(){var box=document.getElementById('only-flagged');"
              "function apply(){document.body.classList.toggle('only-flagged',box.checked);}"
              "box.addEventListener('change',apply);"
              "if(location.hash==='#flagged'){box.checked=true;}apply();})();")


def _csp(script: str = "") -> str:
    """No network at all; only the page's own inline style and (by hash) its own script."""
    scripts = "'none'"
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        scripts = f"'sha256-{digest}'"
    return (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            f"script-src {scripts}; form-action 'none'; base-uri 'none'")


def _page(title: str, body: str, script: str = "") -> str:
    tail = f"<script>{script}</script>\n" if script else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{escape(_csp(script))}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
            f"<body>\n{body}\n{tail}</body>\n</html>\n")


# --- one report -> HTML (pure) -------------------------------------------------------------


def review_html(report: Report, crops: Mapping[int, Sequence[tuple[int, bytes]]]) -> str:
    """The review page of ``report``; ``crops`` maps a row number to its (page, PNG) images."""
    flagged = sum(1 for row in report.rows if needs_look(row.flags))
    head = [f"<h1>{escape(report.title or report.source.file)}</h1>",
            f"<p class=\"source\">{escape(report.source.file)} &middot; "
            f"{report.source.pages} pages &middot; {len(report.rows)} rows, {flagged} flagged"
            f" &middot; sha256 {escape(report.source.sha256)}</p>",
            _loss_html(report),
            _warnings_html(report),
            "<label class=\"filter\"><input type=\"checkbox\" id=\"only-flagged\"> "
            f"Show only flagged rows ({flagged})</label>"
            " <span class=\"note\">(flags that need a look; filled-down priorities and "
            "page-break joins are marked but not counted)</span>"]
    rows = [_row_html(report, row, crops.get(row.row, ())) for row in report.rows]
    body = ("<header>\n" + "\n".join(head) + "\n</header>\n<main>\n" + "\n".join(rows)
            + "\n</main>")
    return _page(f"Review: {report.source.file}", body, _FILTER_JS)


def _loss_html(report: Report) -> str:
    """Warnings of possible loss first, apart from the others: rows may be missing."""
    losses = [w for w in report.warnings if w.loss]
    if not losses:
        return ""
    return (f"<section class=\"warnings loss\"><h2>Possible loss ({len(losses)}): rows or "
            f"words may be missing</h2><ul>{_items(losses)}</ul></section>")


def _warnings_html(report: Report) -> str:
    others = [w for w in report.warnings if not w.loss]
    if not report.warnings:
        return "<p class=\"note\">No warnings.</p>"
    if not others:
        return ""
    return (f"<section class=\"warnings\"><h2>Warnings ({len(others)})</h2>"
            f"<ul>{_items(others)}</ul></section>")


def _items(warnings: Sequence[Warning_]) -> str:
    return "".join(f"<li>{'page ' + str(w.page) + ': ' if w.page is not None else ''}"
                   f"{escape(w.message)}</li>" for w in warnings)


def _row_html(report: Report, row: Row, images: Sequence[tuple[int, bytes]]) -> str:
    flags = " ".join(row.flags)
    badges = "".join(f"<span class=\"flag flag-{escape(f)}\">{escape(FLAG_TEXT.get(f, f))}</span>"
                     for f in row.flags)
    pages = (f"page {row.page_start}" if row.page_start == row.page_end
             else f"pages {row.page_start}&ndash;{row.page_end}")
    cells = "".join(_cell_html(row, name) for name in report.columns)
    figures = "".join(
        f"<figure><img src=\"data:image/png;base64,{base64.b64encode(png).decode('ascii')}\" "
        f"alt=\"row {row.row} on page {page}\"><figcaption>page {page}</figcaption></figure>"
        for page, png in images) or "<p class=\"note\">No page image.</p>"
    cls = "row flagged" if needs_look(row.flags) else "row"
    return (f"<article class=\"{cls}\" id=\"row-{row.row}\" data-flags=\"{escape(flags)}\">\n"
            f"<div class=\"cells\"><h2 class=\"row\">Row {row.row} "
            f"<span class=\"note\">{pages}</span></h2><p>{badges}</p>"
            f"<table>{cells}</table>{_links_html(row)}</div>\n"
            f"<div class=\"crops\">{figures}</div>\n</article>")


def _cell_html(row: Row, name: str) -> str:
    marks = [f for f in row.flags if FLAG_CELLS.get(f) == name]
    cls = f" class=\"{' '.join('flag-' + escape(f) for f in marks)}\"" if marks else ""
    text = escape(row.get(name))
    if name == "lead_agency" and row.lead_matches:
        text += _matches_html(row)
    if FLAG_FILLED in marks:
        text += "<div class=\"note\">filled down from the row above</div>"
    return f"<tr><th>{escape(name)}</th><td{cls}>{text}</td></tr>"


def _matches_html(row: Row) -> str:
    parts = []
    for m in row.lead_matches:
        if m.name is None:
            parts.append(f"<span class=\"unmatched\">{escape(m.text)}</span> &rarr; no match")
        else:
            parts.append(f"{escape(m.text)} &rarr; {escape(m.name)} ({escape(m.method)})")
    return "<div class=\"note\">" + "<br>".join(parts) + "</div>"


def _links_html(row: Row) -> str:
    if not row.links:
        return ""
    items = []
    for link in row.links:
        uri = escape(link.uri, quote=True)
        # Only ordinary web and mail links are clickable; a javascript: URI stays text.
        if link.uri.lower().startswith(("http://", "https://", "mailto:")):
            target = f"<a href=\"{uri}\" rel=\"noopener noreferrer\">{uri}</a>"
        else:
            target = f"<code>{uri}</code>"
        items.append(f"<li>{escape(link.text)}: {target}</li>")
    return f"<p class=\"note\">Links:</p><ul>{''.join(items)}</ul>"


# --- crops from the rendered pages -----------------------------------------------------------


def row_crops(report: Report, source: PdfSource,
              resolution: int = REVIEW_RESOLUTION, password: str | None = None,
              notes: list[str] | None = None) -> dict[int, list[tuple[int, bytes]]]:
    """Each row's boxes cut out of its pages (with the overlay drawn), as (page, PNG bytes);
    ``source`` is the report's ``Layout`` or its PDF's path (see ``inspect.inspect_page``).

    A page too large for ``resolution`` is drawn smaller; ``notes`` gets a line saying so."""
    from .inspect import draw_overlay, png_bytes
    from .pdf import render_page_capped

    layout, pdf_path = _layout_of(source)
    crops: dict[int, list[tuple[int, bytes]]] = {}
    for page in sorted({b.page for row in report.rows for b in row.boxes}):
        image, used, note = render_page_capped(pdf_path, page, resolution, password)
        if note and notes is not None:
            notes.append(f"{pdf_path}: {note}")
        scale = used / 72
        shapes = overlay_shapes(report, layout, page, image.width / scale)
        image = draw_overlay(image, shapes, scale)
        table = next((sh for sh in shapes if sh.kind == TABLE), None)
        for row in report.rows:
            for box in (b for b in row.boxes if b.page == page):
                area = crop_area(box, table, scale, image.size)
                crops.setdefault(row.row, []).append((page, png_bytes(image.crop(area))))
    return crops


def crop_area(box: Box, table: Shape | None, scale: float, size: tuple[int, int]
              ) -> tuple[int, int, int, int]:
    """Pixels to cut for ``box``: its height, the table's width (a row's box stops at its
    text, so an empty merged Priority cell would be cut off), a small margin, inside the page."""
    x0 = min(box.x0, table.x0) if table else box.x0
    x1 = max(box.x1, table.x1) if table else box.x1
    m = _CROP_MARGIN
    return (max(0, round((x0 - m) * scale)), max(0, round((box.top - m) * scale)),
            min(size[0], round((x1 + m) * scale)), min(size[1], round((box.bottom + m) * scale)))


def write_review(report: Report, source: PdfSource | None, out_path: str | Path,
                 resolution: int = REVIEW_RESOLUTION, password: str | None = None,
                 notes: list[str] | None = None) -> Path:
    """Write ``report``'s review page to ``out_path``, with crops of its pages when ``source``
    (its ``Layout``, or its PDF's path) is given."""
    crops = row_crops(report, source, resolution, password, notes) if source is not None else {}
    atomic_write_text(out_path, review_html(report, crops))
    return Path(out_path)


# --- many reports: one page each and an index --------------------------------------------


@dataclass(frozen=True)
class IndexEntry:
    name: str
    href: str | None          # the review page, relative to the index; None if it failed
    rows: int = 0
    flagged: int = 0
    warnings: int = 0
    error: str = ""


def index_html(entries: Sequence[IndexEntry], title: str = "Review pages") -> str:
    """A page linking each file's review page, with its counts or its error."""
    lines = []
    for e in entries:
        name = escape(e.name)
        if e.href is None:
            lines.append(f"<tr><td>{name}</td><td colspan=\"3\" class=\"failed\">"
                         f"{escape(e.error)}</td></tr>")
        else:
            href = escape(quote(e.href, safe="/"), quote=True)  # names may hold # ? % or spaces
            flagged = (f"<a href=\"{href}#flagged\">{e.flagged}</a>" if e.flagged
                       else "0")
            lines.append(f"<tr><td><a href=\"{href}\">{name}</a></td>"
                         f"<td>{e.rows}</td><td>{flagged}</td><td>{e.warnings}</td></tr>")
    failed = sum(e.href is None for e in entries)
    body = (f"<header><h1>{escape(title)}</h1><p class=\"source\">{len(entries)} files"
            f"{f', {failed} failed' if failed else ''}</p></header>\n<main>"
            "<table class=\"index\"><tr><th>File</th><th>Rows</th><th>Flagged</th>"
            "<th>Warnings</th></tr>" + "".join(lines) + "</table></main>")
    return _page(title, body)


def _entry(name: str, href: str, report: Report) -> IndexEntry:
    return IndexEntry(name, href, len(report.rows), sum(needs_look(r.flags) for r in report.rows),
                      len(report.warnings))


def review(source: Source_ | Iterable[Source_], out_path: str | Path, *,
           options: Options | None = None, resolution: int = REVIEW_RESOLUTION) -> list[Path]:
    """Write review pages; returns the files written.

    ``source`` is a PDF path (read once), a (Report, Layout) pair from ``extract_with_layout``,
    a (Report, pdf path) pair (columns and headers not drawn), a Report alone (no page crops),
    or a list of these. One source: ``out_path`` is its page. Several: ``out_path`` is an
    index page and each PDF's page is written beside it as ``<pdf stem>.html``.
    """
    single = isinstance(source, (str, os.PathLike, Report)) or (
        isinstance(source, tuple) and len(source) == 2 and isinstance(source[0], Report))
    items = [source] if single else list(source)  # type: ignore[arg-type]
    opts = options or Options()
    password = opts.password
    pairs = [_resolve(item, opts) for item in items]
    out = Path(out_path)
    if single:
        return [write_review(pairs[0][0], pairs[0][1], out, resolution, password)]
    written, entries = [], []
    taken = {out.name.lower()}
    for report, pdf in pairs:
        name = _unique(Path(_layout_of(pdf)[1]).stem if pdf is not None
                       else Path(report.source.file).stem, taken)
        written.append(write_review(report, pdf, out.parent / name, resolution, password))
        entries.append(_entry(report.source.file, name, report))
    atomic_write_text(out, index_html(entries))
    return written + [out]


def _resolve(item: Any, options: Options) -> tuple[Report, PdfSource | None]:
    if isinstance(item, Report):
        return item, None
    if isinstance(item, tuple):
        return item[0], item[1]
    from .extract import extract_with_layout

    return extract_with_layout(item, options=options)


def _unique(stem: str, taken: set[str]) -> str:
    name, k = f"{stem}.html", 1
    while name.lower() in taken:
        k += 1
        name = f"{stem}-{k}.html"
    taken.add(name.lower())
    return name


def _free_name(rel: PurePosixPath, taken: set[str]) -> PurePosixPath:
    """``rel``, or ``rel`` with "-2", "-3" ... before ".html" when the name is taken."""
    candidate, n = rel, 1
    while candidate.as_posix().casefold() in taken:
        n += 1
        candidate = rel.with_name(f"{rel.stem}-{n}.html")
    taken.add(candidate.as_posix().casefold())
    return candidate


def review_batch(result: BatchResult, out_dir: str | Path, *, options: Options | None = None,
                 resolution: int = REVIEW_RESOLUTION, bounds: Bounds | None = None,
                 notes: list[str] | None = None) -> Path:
    """After ``run_batch``: ``<out_dir>/review/<name>.html`` per file read, and ``index.html``.

    A file's report and layout come from the batch when it kept the layout
    (``Outputs(review=True)``) and wrote the JSON: the PDF is not extracted again, only its
    pages rendered. Other files (skipped ones, batches without JSON output) are read again.
    Files the batch could not read are listed in the index with their error. With ``bounds``
    (workers.Bounds) each page is written in a worker process under its timeout and memory
    cap; ``notes`` collects warnings (a page drawn smaller, a file with no review page).
    """
    from .errors import SafecityError
    from .extract import extract_with_layout
    from .guard import inside_root
    from .workers import run_bounded

    opts = options or Options()
    folder = Path(out_dir) / "review"
    entries = []
    taken = {"index.html"}  # the batch index; an input named index.pdf gets index-2.html
    for f in result.files:
        name = f.input.name
        if f.status == "failed":
            entries.append(IndexEntry(name, None, error=f.error))
            continue
        rel = _free_name(PurePosixPath(f.input.rel.as_posix() + ".html"), taken)
        try:
            target = inside_root(folder.joinpath(*rel.parts), out_dir)
            kept = _from_batch(f, Path(out_dir))
            if bounds is not None:
                args = (str(f.input.path), str(target), opts, resolution, kept)
                report, more = run_bounded(review_page_job, args, str(f.input.path), bounds)
                if notes is not None:
                    notes.extend(more)
            else:
                report, layout = kept or extract_with_layout(f.input.path, options=opts)
                write_review(report, layout, target, resolution, opts.password, notes)
        except SafecityError as exc:
            entries.append(IndexEntry(name, None, error=str(exc)))
            if notes is not None:
                notes.append(f"no review page: {exc}")
            continue
        entries.append(_entry(name, rel.as_posix(), report))
    index = inside_root(folder / "index.html", out_dir)
    atomic_write_text(index, index_html(entries))
    return index


def _from_batch(f: FileResult, out_dir: Path) -> tuple[Report, Layout] | None:
    """The report the batch wrote as JSON for ``f`` and the layout it kept, if it has both."""
    from .writers import read_json

    if f.layout is None:
        return None
    try:
        report = read_json(f.input.output(out_dir, "json"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (report, f.layout) if report.source.sha256 == f.sha256 else None


def review_page_job(pdf: str, out_path: str, options: Options, resolution: int,
                    kept: tuple[Report, Layout] | None = None) -> tuple[Report, list[str]]:
    """One page of a batch's review: the report (for the index) and the warnings. ``kept``:
    the report and layout the batch already has (then the PDF is only rendered)."""
    from .extract import extract_with_layout

    report, layout = kept or extract_with_layout(pdf, options=options)
    notes: list[str] = []
    write_review(report, layout, out_path, resolution, options.password, notes)
    return report, notes
