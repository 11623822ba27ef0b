"""Layout -> HTML + CSS -> PDF, printed by headless Chromium.

Chromium decides the page breaks itself (rows split across pages unless the layout keeps
rows whole); the truth is rows, not pages, so it stays exact. Running headers, page
numbers and the "Continued on next page" / "(continued)" lines are CSS page-margin boxes;
the continuation lines depend on the page, so they are drawn in a second pass, once the
first has shown which pages the table is on (a margin box never moves the page's content).
"""
from __future__ import annotations

import base64
import html
import json
import os
import select
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .fonts import FAMILY as SYMBOL_FAMILY
from .fonts import symbol_font
from .rows import BULLET, TruthRow, groups
from .spec import TITLE, Layout
from .text import APPENDIX_ROWS, CONTINUED_FOOT, CONTINUED_HEAD, heading_text, priority_lines

FONTS = {"sans": '"Liberation Sans", Arial, Helvetica, sans-serif',
         "serif": '"Liberation Serif", "Times New Roman", Times, serif'}
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BLANK = "\\200B"  # a counter symbol must not be empty: a zero-width space draws nothing


def page_size(layout: Layout) -> tuple[float, float]:
    w, h = (595.28, 841.89) if layout.page_size == "A4" else (612.0, 792.0)
    return (h, w) if layout.landscape else (w, h)


def _text(line: str) -> str:
    """A line of cell text as HTML: a word with a break opportunity other than a space or a
    hyphen ("2018/19") is kept on one line, so every wrap is one a reader can undo."""
    out = []
    for word in line.split(" "):
        esc = html.escape(word, quote=False)
        out.append(f'<span class="nw">{esc}</span>' if "/" in word else esc)
    return " ".join(out)


def _line(line: str, row: TruthRow | None) -> str:
    """Cell text with the row's link on the phrase that ends the paragraph (as reportlab)."""
    if row is not None:
        for link in row.links:
            pos = line.rfind(link.text)
            if pos >= 0 and line.rstrip(".").endswith(link.text):
                return (_text(line[:pos]) + f'<a href="{html.escape(link.uri)}">'
                        + _text(link.text) + "</a>" + _text(line[pos + len(link.text):]))
    return _text(line)


def cell(text: str, layout: Layout, row: TruthRow | None = None) -> str:
    """One block per line of the truth: paragraphs after the first one blank line down,
    list items hanging from the bullet glyph."""
    out = []
    for k, par in enumerate(p for p in text.split("\n\n") if p):
        for j, line in enumerate(par.split("\n")):
            gap = ' gap' if k > 0 and j == 0 else ''
            if line.startswith(BULLET + " "):
                glyph = html.escape(layout.bullet)
                sym = " sym" if layout.bullet != BULLET else ""
                out.append(f'<div class="li{gap}"><span class="b{sym}">{glyph}</span>'
                           f'{_line(line[2:], row)}</div>')
            else:
                out.append(f'<div class="p{gap}">{_line(line, row)}</div>')
    return "".join(out)


def _counter(name: str, pages: set[int], total: int, text: str) -> str:
    symbols = " ".join(f'"{text}"' if n in pages else f'"{BLANK}"'
                       for n in range(1, total + 1))
    return f"@counter-style {name} {{ system: fixed 1; symbols: {symbols}; }}\n"


def css(layout: Layout, cache: Path, markers: tuple[set[int], set[int], int] | None) -> str:
    """The style sheet: page box and margin boxes, fonts, table rules, shading."""
    w, h = page_size(layout)
    left, right, top, bottom = layout.margins
    size, lead = layout.font_size, layout.font_size * layout.leading
    rule = f"{layout.rule_width}pt solid #000"
    font = FONTS[layout.font]
    boxes = []
    small = f"font: 8pt {font}; color: #000;"
    if markers is not None:
        foot, head, total = markers
        boxes.append(f"@bottom-right {{ content: counter(page, contfoot); {small} "
                     "font-style: italic; vertical-align: top; padding-top: 4pt; }")
        boxes.append(f"@top-left {{ content: counter(page, conthead); {small} "
                     "font-style: italic; vertical-align: bottom; padding-bottom: 2pt; }")
    if layout.running_header:
        where = "top-right" if layout.continued_markers else "top-left"
        boxes.append(f"@{where} {{ content: {_css_string(layout.running_header)}; {small} "
                     "vertical-align: middle; }")
    if layout.footer:
        of = ' " of " counter(pages)' if layout.footer == "page_of" else ""
        boxes.append(f'@bottom-center {{ content: "Page " counter(page){of}; {small} '
                     f"vertical-align: bottom; padding-bottom: {bottom / 3 - 2:.1f}pt; }}")
    out = []
    if markers is not None:
        out.append(_counter("contfoot", markers[0], markers[2], CONTINUED_FOOT))
        out.append(_counter("conthead", markers[1], markers[2], CONTINUED_HEAD))
    if layout.bullet != BULLET:
        out.append(f'@font-face {{ font-family: {SYMBOL_FAMILY}; '
                   f'src: url("{symbol_font(cache).resolve().as_uri()}"); }}\n')
    out.append(f"@page {{ size: {w}pt {h}pt; margin: {top}pt {right}pt {bottom}pt {left}pt;\n  "
               + "\n  ".join(boxes) + " }\n")
    align = "justify" if layout.justified else "left"
    out.append(f"""
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0; font-family: {font}; font-size: {size}pt; line-height: {lead:.3f}pt;
  color: #000; background: transparent; }}
h1 {{ font-size: 15pt; line-height: 19pt; margin: 0 0 12pt 0; }}
h2 {{ font-size: 12pt; line-height: 15pt; margin: 10pt 0 6pt 0; break-after: avoid; }}
p.n {{ margin: 0; text-align: {align}; }}
.spacer {{ height: {lead:.3f}pt; }}
table {{ border-collapse: collapse; table-layout: fixed; width: {w - left - right:.2f}pt; }}
table.main td, table.main th {{ padding: {layout.pad_v}pt {layout.pad_h}pt; vertical-align: top;
  text-align: left; }}
table.main th {{ font-weight: bold; }}
table.main td.j {{ text-align: justify; }}
tr {{ break-inside: {"avoid" if layout.keep_rows_whole else "auto"}; }}
.gap {{ margin-top: {lead:.3f}pt; }}
.li {{ padding-left: {size * 1.4:.2f}pt; text-indent: -{size * 1.4:.2f}pt; }}
.li .b {{ display: inline-block; width: {size * 1.4:.2f}pt; text-indent: 0; }}
.sym {{ font-family: {SYMBOL_FAMILY}; }}
.nw {{ white-space: nowrap; }}
a {{ color: blue; text-decoration: underline; }}
.rot {{ writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: bold; }}
td.mid {{ vertical-align: middle !important; }}
td.sec {{ font-weight: bold; }}
tr.secrow, tr.head {{ break-after: avoid; }}
.t {{ border-top: {rule}; }} .bt {{ border-bottom: {rule}; }}
.l {{ border-left: {rule}; }} .r {{ border-right: {rule}; }}
table.box {{ border: {rule}; }}
table.app {{ width: {0.75 * (w - left - right):.2f}pt; margin-top: 0; }}
table.app td {{ border: 0.5pt solid #000; padding: 3pt 6pt; vertical-align: top; }}
.wm {{ position: fixed; left: {w / 2 - left:.1f}pt; top: {h / 2 - top:.1f}pt; width: 0;
  height: 0; z-index: -1; }}
.wm div {{ position: absolute; left: 0; top: 0; transform: translate(-50%, -50%)
  rotate(-45deg); font: bold 110pt {font}; line-height: 1; color: rgb(219, 219, 219);
  white-space: nowrap; }}
""")
    return "".join(out)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _classes(layout: Layout, header: bool, last_of_group: bool) -> list[str]:
    """Rule classes of one cell for the layout's border style (as reportlab's rules)."""
    b = layout.borders
    out = []
    if b == "grid":
        out += ["t", "bt", "l", "r"]
    elif b == "rows":
        out += ["bt"] + (["t"] if header else [])
    elif b == "groups":
        if header:
            out += ["t", "bt"]
        elif last_of_group:
            out.append("bt")
    elif b == "header":
        if header:
            out.append("bt")
    elif b == "longtable":
        if header:
            out += ["t", "bt"]
    return out


def _table(layout: Layout, rows: list[TruthRow], sections: bool, final: bool) -> str:
    cols = layout.columns
    ncols = len(cols)
    colgroup = "".join(f'<col style="width:{c.width * 100:.3f}%">' for c in cols)
    head_cells = []
    for c in cols:
        label = "<br>".join(html.escape(x) for x in c.label.split("\n"))
        cls = " ".join(_classes(layout, True, False))
        fill = f' style="background:{layout.header_fill}"' if layout.header_fill else ""
        head_cells.append(f'<th class="{cls}"{fill}>{label}</th>')
    header = '<tr class="head">' + "".join(head_cells) + "</tr>"
    body: list[str] = []
    body_n = 0
    merged = layout.priority_mode in ("merged", "rotated")
    grps = groups(rows)
    for g, grp in enumerate(grps):
        last_group = g == len(grps) - 1
        if sections:
            first_row = rows[grp[0]]
            number = g + 1  # section rows: one table, so its groups are the document's
            cls = " ".join(_classes(layout, False, True))
            fill = f' style="background:{layout.section_fill}"' if layout.section_fill else ""
            body.append(f'<tr class="secrow"><td colspan="{ncols}" class="sec {cls}"{fill}>'
                        f'{_text(heading_text(layout, first_row.priority, number))}</td></tr>')
        for pos, i in enumerate(grp):
            row = rows[i]
            end_of_group = pos == len(grp) - 1
            cells = []
            for c in cols:
                cls = _classes(layout, False, end_of_group)
                if layout.borders == "longtable" and final and last_group and end_of_group:
                    cls.append("bt")
                if c.key == "priority":
                    if merged:
                        if pos > 0:
                            continue
                        cls = _classes(layout, False, True)
                        if layout.borders == "longtable" and final and last_group:
                            cls.append("bt")
                        if layout.valign == "middle":
                            cls.append("mid")
                        span = f' rowspan="{len(grp)}"' if len(grp) > 1 else ""
                        if layout.priority_mode == "rotated":
                            inner = ('<div class="rot">'
                                     + "<br>".join(_text(x) for x in priority_lines(row.priority))
                                     + "</div>")
                        else:
                            inner = cell(row.priority, layout)
                        cells.append(f'<td class="{" ".join(cls)}"{span}>{inner}</td>')
                        continue
                    text = cell(row.priority, layout) if (
                        layout.priority_mode == "every" or pos == 0) else ""
                    cells.append(f'<td class="{" ".join(cls)}">{text}</td>')
                    continue
                if layout.justified and c.key in ("action", "update"):
                    cls.append("j")
                cells.append(f'<td class="{" ".join(cls)}">{cell(row.cell(c.key), layout, row)}'
                             "</td>")
            fill = (f' style="background:{layout.zebra}"'
                    if layout.zebra and body_n % 2 == 1 else "")
            body_n += 1
            body.append(f"<tr{fill}>" + "".join(cells) + "</tr>")
    box = " box" if layout.borders in ("grid", "outer") else ""
    thead = f"<thead>{header}</thead><tbody>" if layout.header_repeat else f"<tbody>{header}"
    return (f'<table class="main{box}"><colgroup>{colgroup}</colgroup>{thead}'
            + "".join(body) + "</tbody></table>")


def document(layout: Layout, cache: Path,
             markers: tuple[set[int], set[int], int] | None = None) -> str:
    """The whole report as one HTML page."""
    parts = [f"<h1>{html.escape(TITLE)}</h1>"]
    if layout.narrative:
        parts.append("<h2>Introduction</h2>")
        parts += [f'<p class="n">{_text(p)}</p>' for p in layout.narrative]
        parts.append('<div class="spacer"></div>')
    rows = list(layout.rows)
    if layout.priority_mode == "heading":
        grps = groups(rows)
        for n, grp in enumerate(grps, start=1):
            parts.append(f"<h2>{_text(heading_text(layout, rows[grp[0]].priority, n))}</h2>")
            parts.append(_table(layout, [rows[i] for i in grp], False, True))
    else:
        parts.append(_table(layout, rows, layout.priority_mode == "section", True))
    if layout.appendix:
        parts.append("<h2>Appendix: Abbreviations</h2>")
        parts.append('<table class="app"><colgroup><col style="width:33.333%">'
                     '<col style="width:66.667%"></colgroup>'
                     "<tr><td><b>Abbreviation</b></td><td><b>Meaning</b></td></tr>"
                     + "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
                               for a, b in APPENDIX_ROWS) + "</table>")
    watermark = (f'<div class="wm"><div>{html.escape(layout.watermark)}</div></div>'
                 if layout.watermark else "")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(TITLE)}</title><style>{css(layout, cache, markers)}</style>"
            f"</head><body>{watermark}{''.join(parts)}</body></html>\n")


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("the chromium producer needs headless Chromium: install the "
                       "'chromium' package (Debian) or put chromium on PATH")


class Browser:
    """One headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4):
    started on first use, reused for every page this process prints, closed at exit (and
    it quits by itself when the pipe closes, should this process die first)."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.profile = tempfile.TemporaryDirectory(prefix="layout-chromium-")
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()

        def fds() -> None:  # in the child, before exec: the pipe ends on fds 3 and 4
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        cmd = [browser(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
               "--remote-debugging-pipe", f"--user-data-dir={self.profile.name}",
               "about:blank"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(3, 4, to_child,
                                                                         from_child),
                                     preexec_fn=fds)  # noqa: PLW1509 - no threads here
        os.close(to_child)
        os.close(from_child)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"chromium: {method}: {reply['error'].get('message')}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_event(self, method: str, session: str) -> None:
        while True:
            for n, ev in enumerate(self.events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    del self.events[:n + 1]
                    return
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._in], [], [], 180)
            chunk = os.read(self._in, 1 << 20) if ready else b""
            if not chunk:
                raise RuntimeError("chromium stopped answering (no reply within 180 s)")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return dict(json.loads(msg))

    def print_pdf(self, url: str) -> bytes:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target,
                                                      "flatten": True})["sessionId"]
        try:
            self.send("Page.enable", session=session)
            self.send("Page.navigate", {"url": url}, session)
            self.wait_event("Page.loadEventFired", session)
            self.send("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => 1)",
                                           "awaitPromise": True}, session)
            data = self.send("Page.printToPDF", {"preferCSSPageSize": True,
                                                 "printBackground": True,
                                                 "displayHeaderFooter": False}, session)
        finally:
            self.send("Target.closeTarget", {"targetId": target})
            self.events = [ev for ev in self.events if ev.get("sessionId") != session]
        return base64.b64decode(data["data"])

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("Browser.close")
            except (RuntimeError, OSError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        self.profile.cleanup()


_BROWSER: list[Browser] = []


def _browser() -> Browser:
    if _BROWSER and _BROWSER[0].owner != os.getpid():
        _BROWSER.clear()  # inherited through fork: the parent's browser, not ours to use
    if _BROWSER and _BROWSER[0].proc.poll() is None:
        return _BROWSER[0]
    if _BROWSER:
        _BROWSER.pop().close()
    b = Browser()
    _BROWSER.append(b)
    if os.getpid() not in _CLOSING:
        import atexit
        from multiprocessing import util
        _CLOSING.add(os.getpid())
        atexit.register(close_browser)
        # process-pool workers leave through os._exit: atexit does not run there, this does
        util.Finalize(None, close_browser, exitpriority=100)
    return b


_CLOSING: set[int] = set()  # processes that have registered close_browser


def close_browser() -> None:
    """Stop this process's Chromium, if one was started (never a parent's)."""
    while _BROWSER:
        b = _BROWSER.pop()
        if b.owner == os.getpid():
            b.close()


def print_pdf(page: str, out: Path) -> None:
    """Print one HTML page to ``out`` with this process's headless Chromium."""
    with tempfile.TemporaryDirectory(prefix="layout-html-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(page, encoding="utf-8")
        data = _browser().print_pdf(src.as_uri())
    if not data.startswith(b"%PDF"):
        raise RuntimeError("chromium printed something that is not a PDF")
    out.write_bytes(data)


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def render(layout: Layout, out: Path, cache: Path) -> None:
    """Write the layout's PDF to ``out``; a second pass adds the continuation lines."""
    print_pdf(document(layout, cache), out)
    if not layout.continued_markers:
        return
    from .check import row_pages

    spans = row_pages(out, layout)
    first, last = spans[0][0], max(end for _, end in spans)
    table_pages = set(range(first, last + 1))
    total = page_count(out)
    markers = (table_pages - {last}, table_pages - {first}, total)
    print_pdf(document(layout, cache, markers), out)
    if row_pages(out, layout) != spans:
        raise RuntimeError(f"{layout.doc_id}: the continuation lines moved the page breaks")
