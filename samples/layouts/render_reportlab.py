"""Layout -> PDF with reportlab (platypus tables, page decorations on the canvas)."""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .fonts import FAMILY as SYMBOL_FAMILY
from .fonts import symbol_font
from .rows import BULLET, TruthRow, groups
from .spec import TITLE, Layout
from .text import (
    APPENDIX_ROWS,
    CONTINUED_FOOT,
    CONTINUED_HEAD,
    footer_text,
    heading_text,
    priority_lines,
)

FONTS = {"sans": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique"),
         "serif": ("Times-Roman", "Times-Bold", "Times-Italic")}


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markup(par: str, row: TruthRow | None) -> str:
    if row is not None:
        for link in row.links:
            pos = par.rfind(link.text)
            if pos >= 0 and par.rstrip(".").endswith(link.text):
                return (_esc(par[:pos]) + f'<a href="{_esc(link.uri)}" color="blue"><u>'
                        + _esc(link.text) + "</u></a>" + _esc(par[pos + len(link.text):]))
    return _esc(par)


class Styles:
    def __init__(self, layout: Layout, cache: Path) -> None:
        from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
        from reportlab.lib.styles import ParagraphStyle
        regular, bold, italic = FONTS[layout.font]
        size, lead = layout.font_size, layout.font_size * layout.leading
        self.regular, self.bold, self.italic = regular, bold, italic
        bullet_font = regular
        if layout.bullet != BULLET:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont
            if SYMBOL_FAMILY not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(SYMBOL_FAMILY, str(symbol_font(cache))))
            bullet_font = SYMBOL_FAMILY
        self.body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=lead,
                                   alignment=TA_LEFT)
        self.body_j = ParagraphStyle("body_j", parent=self.body, alignment=TA_JUSTIFY)
        self.gap = {False: ParagraphStyle("gap", parent=self.body, spaceBefore=lead),
                    True: ParagraphStyle("gap_j", parent=self.body_j, spaceBefore=lead)}
        self.item = ParagraphStyle("item", parent=self.body, leftIndent=size * 1.4,
                                   bulletIndent=0, bulletFontName=bullet_font,
                                   bulletFontSize=size)
        self.item_j = ParagraphStyle("item_j", parent=self.item, alignment=TA_JUSTIFY)
        self.head = ParagraphStyle("head", parent=self.body, fontName=bold)
        self.title = ParagraphStyle("title", parent=self.body, fontName=bold,
                                    fontSize=15, leading=19, spaceAfter=12)
        self.h2 = ParagraphStyle("h2", parent=self.body, fontName=bold, fontSize=12,
                                 leading=15, spaceBefore=10, spaceAfter=6)
        self.glyph = layout.bullet


def cell(text: str, st: Styles, justify: bool = False, row: TruthRow | None = None) -> list[Any]:
    """One Paragraph per line of the truth: paragraphs after the first one blank line down,
    list items (truth "• ...") hanging from the bullet glyph."""
    from reportlab.platypus import Paragraph
    out: list[Any] = []
    for k, par in enumerate(p for p in text.split("\n\n") if p):
        for j, line in enumerate(par.split("\n")):
            if line.startswith(BULLET + " "):
                style = st.item_j if justify else st.item
                out.append(Paragraph(_markup(line[2:], row), style, bulletText=st.glyph))
                continue
            style = st.gap[justify] if (k > 0 and j == 0) else (st.body_j if justify else st.body)
            out.append(Paragraph(_markup(line, row), style))
    return out


def rotated(lines: list[str], st: Styles) -> Any:
    """Text read bottom to top: lines stacked left to right, as a narrow merged cell shows."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    font, size = st.bold, st.body.fontSize
    lead = st.body.leading

    class Rotated(Flowable):  # type: ignore[misc]
        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self.height = max(stringWidth(t, font, size) for t in lines) + 2
            self.width = len(lines) * lead
            return self.width, self.height

        def draw(self) -> None:
            c = self.canv
            c.saveState()
            c.setFont(font, size)
            c.rotate(90)
            for i, text in enumerate(lines):
                c.drawString(0, -(i * lead + size * 0.85), text)
            c.restoreState()

    return Rotated()


def _rules(layout: Layout, nrows: int, group_ends: set[int], inner: set[int],
           pcol: int | None, ncols: int) -> list[tuple[Any, ...]]:
    """Table style commands for the layout's border style. Rows are data indices (0 = the
    header); ``inner``: body rows whose rule below must skip the priority column."""
    from reportlab.lib import colors
    w, black = layout.rule_width, colors.black
    cmds: list[tuple[Any, ...]] = []

    def below(r: int) -> None:
        if r in inner and pcol is not None:
            if pcol > 0:
                cmds.append(("LINEBELOW", (0, r), (pcol - 1, r), w, black))
            if pcol < ncols - 1:
                cmds.append(("LINEBELOW", (pcol + 1, r), (ncols - 1, r), w, black))
        else:
            cmds.append(("LINEBELOW", (0, r), (ncols - 1, r), w, black))

    b = layout.borders
    if b in ("grid", "outer"):
        cmds.append(("BOX", (0, 0), (-1, -1), w, black))
    if b == "grid":
        for c in range(ncols - 1):
            cmds.append(("LINEAFTER", (c, 0), (c, -1), w, black))
    if b in ("grid", "rows"):
        cmds.append(("LINEABOVE", (0, 0), (-1, 0), w, black))
        for r in range(nrows):
            below(r)
    if b == "groups":
        cmds.append(("LINEABOVE", (0, 0), (-1, 0), w, black))
        for r in sorted({0} | group_ends):
            below(r)
    if b == "header":
        cmds.append(("LINEBELOW", (0, 0), (-1, 0), w, black))
    if b == "longtable":
        cmds += [("LINEABOVE", (0, 0), (-1, 0), w, black),
                 ("LINEBELOW", (0, 0), (-1, 0), w, black),
                 ("LINEBELOW", (0, nrows - 1), (-1, nrows - 1), w, black)]
    return cmds


def _table(layout: Layout, rows: list[TruthRow], st: Styles, width: float,
           pages: list[int], sections: bool) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table

    cols = layout.columns
    keys = [c.key for c in cols]
    pcol = keys.index("priority") if "priority" in keys else None
    data: list[list[Any]] = [[Paragraph(_esc(c.label).replace("\n", "<br/>"), st.head)
                              for c in cols]]
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), layout.pad_h),
        ("RIGHTPADDING", (0, 0), (-1, -1), layout.pad_h),
        ("TOPPADDING", (0, 0), (-1, -1), layout.pad_v),
        ("BOTTOMPADDING", (0, 0), (-1, -1), layout.pad_v)]
    if layout.header_fill:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(layout.header_fill)))
    group_ends: set[int] = set()
    inner: set[int] = set()
    body_n = 0
    for grp in groups(rows):
        if sections:
            r = len(data)
            data.append([Paragraph(_esc(heading_text(layout, rows[grp[0]].priority,
                                                     _group_no(rows, grp[0]))), st.head)]
                        + [""] * (len(cols) - 1))
            style.append(("SPAN", (0, r), (-1, r)))
            if layout.section_fill:
                style.append(("BACKGROUND", (0, r), (-1, r),
                              colors.HexColor(layout.section_fill)))
            if layout.borders in ("none", "header", "longtable", "groups", "outer"):
                pass
            group_ends.add(r)
        for pos, i in enumerate(grp):
            row = rows[i]
            r = len(data)
            line: list[Any] = []
            for c in cols:
                if c.key == "priority":
                    if layout.priority_mode == "rotated":
                        line.append([rotated(priority_lines(row.priority), st)] if pos == 0 else "")
                    elif layout.priority_mode == "every" or pos == 0:
                        line.append(cell(row.priority, st))
                    else:
                        line.append("")
                else:
                    justify = layout.justified and c.key in ("action", "update")
                    line.append(cell(row.cell(c.key), st, justify, row))
            data.append(line)
            if layout.zebra and body_n % 2 == 1:
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor(layout.zebra)))
            body_n += 1
            if pos == len(grp) - 1:
                group_ends.add(r)
            elif layout.priority_mode in ("merged", "rotated"):
                inner.add(r)
    style += _rules(layout, len(data), group_ends, inner, pcol, len(cols))

    class Recorded(Table):  # type: ignore[misc]
        def draw(self) -> None:
            pages.append(self.canv.getPageNumber())
            super().draw()

    table = Recorded(data, colWidths=[c.width * width for c in cols],
                     repeatRows=1 if layout.header_repeat else 0,
                     splitByRow=0 if not layout.keep_rows_whole else 1,
                     splitInRow=0 if layout.keep_rows_whole else 1)
    from reportlab.platypus import TableStyle
    table.setStyle(TableStyle(style))
    return table


def _group_no(rows: list[TruthRow], index: int) -> int:
    return next(n for n, g in enumerate(groups(rows), start=1) if index in g)


def _appendix(st: Styles, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle
    data = [[Paragraph("Abbreviation", st.head), Paragraph("Meaning", st.head)]]
    data += [[Paragraph(_esc(a), st.body), Paragraph(_esc(b), st.body)] for a, b in APPENDIX_ROWS]
    t = Table(data, colWidths=[0.25 * width, 0.5 * width])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Paragraph("Appendix: Abbreviations", st.h2), t]


def story(layout: Layout, st: Styles, width: float, pages: list[int]) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer
    out: list[Any] = [Paragraph(_esc(TITLE), st.title)]
    if layout.narrative:
        out.append(Paragraph("Introduction", st.h2))
        out += [Paragraph(_esc(p), st.body_j if layout.justified else st.body)
                for p in layout.narrative]
        out.append(Spacer(1, st.body.leading))
    rows = list(layout.rows)
    if layout.priority_mode == "heading":
        for n, grp in enumerate(groups(rows), start=1):
            out.append(Paragraph(_esc(heading_text(layout, rows[grp[0]].priority, n)), st.h2))
            out.append(_table(layout, [rows[i] for i in grp], st, width, pages, False))
    else:
        out.append(_table(layout, rows, st, width, pages,
                          sections=layout.priority_mode == "section"))
    if layout.appendix:
        out += _appendix(st, width)
    return out


def _decorate(layout: Layout, st: Styles, size: tuple[float, float], total: int | None,
              table_pages: set[int]) -> Callable[[Any, Any], None]:
    from reportlab.lib import colors
    w, h = size
    left, right, top, bottom = layout.margins
    last = max(table_pages) if table_pages else 0
    first = min(table_pages) if table_pages else 0

    def on_page(canv: Any, doc: Any) -> None:
        n = canv.getPageNumber()
        canv.saveState()
        if layout.watermark:
            canv.setFillColor(colors.Color(0.86, 0.86, 0.86))
            canv.setFont(st.bold, 110)
            canv.translate(w / 2, h / 2)
            canv.rotate(45)
            canv.drawCentredString(0, -35, layout.watermark)
            canv.restoreState()
            canv.saveState()
        canv.setFont(st.regular, 8)
        if layout.running_header:
            canv.drawString(left, h - top / 2, layout.running_header)
        text = footer_text(layout.footer, n, total)
        if text:
            canv.drawCentredString(w / 2, bottom / 3, text)
        if layout.continued_markers and n in table_pages:
            canv.setFont(st.italic, 8)
            if n != last:
                canv.drawRightString(w - right, bottom - 12, CONTINUED_FOOT)
            if n != first:
                canv.drawString(left, h - top + 6, CONTINUED_HEAD)
        canv.restoreState()

    return on_page


def render(layout: Layout, out: Path, cache: Path) -> None:
    """Write the layout's PDF to ``out`` (two passes when the decorations need page counts)."""
    from reportlab.lib.pagesizes import A4, LETTER, landscape
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.platypus.doctemplate import LayoutError

    size = (A4 if layout.page_size == "A4" else LETTER)
    size = landscape(size) if layout.landscape else size
    st = Styles(layout, cache)
    left, right, top, bottom = layout.margins
    width = size[0] - left - right

    def build(path: Path, total: int | None, table_pages: set[int], whole: bool
              ) -> tuple[int, set[int]]:
        pages: list[int] = []
        doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=left, rightMargin=right,
                                topMargin=top, bottomMargin=bottom, title=TITLE,
                                author="Safe City Partnership (generated layout)",
                                creator="samples/layouts", invariant=1)
        lay = layout if whole or not layout.keep_rows_whole else _split_rows(layout)
        deco = _decorate(layout, st, size, total, table_pages)
        doc.build(story(lay, st, width, pages), onFirstPage=deco, onLaterPages=deco)
        return doc.page, set(pages)

    whole = True
    with tempfile.TemporaryDirectory(prefix="layout-rl-") as tmp:
        probe = Path(tmp) / "probe.pdf"
        try:
            total, table_pages = build(probe, None, set(), whole)
        except LayoutError:
            whole = False  # a row taller than a page: let it split after all
            total, table_pages = build(probe, None, set(), whole)
    build(out, total, table_pages, whole)


def _split_rows(layout: Layout) -> Layout:
    from dataclasses import replace
    return replace(layout, keep_rows_whole=False)
