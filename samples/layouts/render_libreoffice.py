"""Layout -> Word document (python-docx) -> PDF, converted by LibreOffice (soffice).

Word's own constructs throughout: fixed column widths, a header row marked to repeat
(w:tblHeader), cell borders and shading, priority cells merged down their group
(w:vMerge), section rows spanning the table (w:gridSpan), text turned to read bottom to
top (w:textDirection btLr), list bullets drawn as U+F0B7 in a symbol font, running headers
and PAGE / NUMPAGES fields in the page header and footer, a "DRAFT" watermark behind the
text in the page header. CI has no LibreOffice, so these documents are committed
(samples/layouts/committed/, rebuilt by ``python -m samples.layouts.build --committed``).

Word can put no line at the foot of the pages a table runs over, except in the flow of
the text: for the "Continued on next page" / "(continued)" lines the table is drawn once,
then split where its pages end, each part but the last closed by "Continued on next page"
and a page break, each but the first opened by "(continued)"; rows are kept whole then.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from .fonts import FAMILY as SYMBOL_FAMILY
from .fonts import symbol_font
from .rows import BULLET, TruthRow, groups
from .spec import TITLE, Layout
from .text import APPENDIX_ROWS, CONTINUED_FOOT, CONTINUED_HEAD, heading_text, priority_lines

FONTS = {"sans": "Liberation Sans", "serif": "Liberation Serif"}
FIXED_DATE = "2020-01-15T09:00:00"
MAX_SPLIT_PASSES = 6


def page_size(layout: Layout) -> tuple[float, float]:
    w, h = (595.28, 841.89) if layout.page_size == "A4" else (612.0, 792.0)
    return (h, w) if layout.landscape else (w, h)


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key if ":" in key else f"w:{key}"), value)
    return el


def _replace(parent: Any, child: Any) -> None:
    """Put ``child`` in ``parent``, replacing an element of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    parent.append(child)


class Doc:
    """A python-docx document laid out as ``layout`` asks."""

    def __init__(self, layout: Layout) -> None:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.shared import Pt

        self.layout = layout
        self.doc = docx.Document()
        cp = self.doc.core_properties
        import datetime as dt
        when = dt.datetime.fromisoformat(FIXED_DATE)
        cp.title, cp.author, cp.created, cp.modified, cp.revision = (
            TITLE, "Safe City Partnership (generated layout)", when, when, 1)
        cp.last_modified_by = "samples/layouts"
        self.font = FONTS[layout.font]
        normal = self.doc.styles["Normal"]
        normal.font.name = self.font
        normal.font.size = Pt(layout.font_size)
        rpr = normal.element.get_or_add_rPr()
        _replace(rpr, _el("w:rFonts", ascii=self.font, hAnsi=self.font, cs=self.font,
                          eastAsia=self.font))
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing = layout.leading
        pf.widow_control = False
        sec = self.doc.sections[0]
        w, h = page_size(layout)
        if layout.landscape:
            sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Pt(w), Pt(h)
        left, right, top, bottom = layout.margins
        sec.left_margin, sec.right_margin = Pt(left), Pt(right)
        sec.top_margin, sec.bottom_margin = Pt(top), Pt(bottom)
        sec.header_distance = Pt(top / 2 - 5)
        sec.footer_distance = Pt(bottom / 3 - 3)
        self.width = w - left - right

    # -- text ---------------------------------------------------------------------------

    def para(self, container: Any, first: bool = False) -> Any:
        """A new paragraph in ``container`` (a cell's first one when ``first``)."""
        return container.paragraphs[0] if first else container.add_paragraph()

    def run(self, p: Any, text: str, *, bold: bool = False, italic: bool = False,
            size: float | None = None, font: str | None = None) -> Any:
        from docx.shared import Pt
        r = p.add_run(text)
        r.bold = bold or None
        r.italic = italic or None
        if size:
            r.font.size = Pt(size)
        if font:
            _replace(r._r.get_or_add_rPr(), _el("w:rFonts", ascii=font, hAnsi=font, cs=font))
        return r

    def cell_text(self, cell: Any, text: str, justify: bool = False, bold: bool = False
                  ) -> None:
        """One paragraph per line of the truth: paragraphs after the first one line down,
        list items hanging from the bullet glyph at a tab stop."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt
        size, lead = self.layout.font_size, self.layout.font_size * self.layout.leading
        first = True
        for k, par in enumerate(p for p in text.split("\n\n") if p):
            for j, line in enumerate(par.split("\n")):
                p = self.para(cell, first)
                first = False
                if k > 0 and j == 0:
                    p.paragraph_format.space_before = Pt(lead)
                if justify:
                    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                if line.startswith(BULLET + " "):
                    indent = size * 1.4
                    p.paragraph_format.left_indent = Pt(indent)
                    p.paragraph_format.first_line_indent = Pt(-indent)
                    p.paragraph_format.tab_stops.add_tab_stop(Pt(indent))
                    glyph = self.layout.bullet
                    self.run(p, glyph, font=SYMBOL_FAMILY if glyph != BULLET else None)
                    self.run(p, "\t" + line[2:], bold=bold)
                else:
                    self.run(p, line, bold=bold)
        if first:  # an empty cell keeps its one empty paragraph
            return

    # -- cells --------------------------------------------------------------------------

    def borders(self, cell: Any, sides: set[str]) -> None:
        size = str(max(2, round(self.layout.rule_width * 8)))
        tc_pr = cell._tc.get_or_add_tcPr()
        box = _el("w:tcBorders")
        for side in ("top", "left", "bottom", "right"):
            if side in sides:
                box.append(_el(f"w:{side}", val="single", sz=size, space="0", color="000000"))
            else:
                box.append(_el(f"w:{side}", val="nil"))
        _replace(tc_pr, box)

    @staticmethod
    def shade(cell: Any, fill: str) -> None:
        _replace(cell._tc.get_or_add_tcPr(),
                 _el("w:shd", val="clear", color="auto", fill=fill.lstrip("#")))

    @staticmethod
    def valign(cell: Any, where: str) -> None:
        _replace(cell._tc.get_or_add_tcPr(), _el("w:vAlign", val=where))

    def sides(self, header: bool, last_of_group: bool, col: int, ncols: int,
              last_row: bool) -> set[str]:
        """The rules around one cell for the layout's border style (as reportlab's)."""
        b = self.layout.borders
        out: set[str] = set()
        if b == "grid":
            out |= {"top", "bottom", "left", "right"}
        elif b == "outer":
            out |= ({"left"} if col == 0 else set()) | ({"right"} if col == ncols - 1 else set())
            out |= ({"top"} if header else set()) | ({"bottom"} if last_row else set())
        elif b == "rows":
            out |= {"bottom"} | ({"top"} if header else set())
        elif b == "groups":
            if header:
                out |= {"top", "bottom"}
            elif last_of_group:
                out.add("bottom")
        elif b == "header":
            if header:
                out.add("bottom")
        elif b == "longtable":
            if header:
                out |= {"top", "bottom"}
            elif last_row:
                out.add("bottom")
        return out

    # -- tables -------------------------------------------------------------------------

    def table(self, rows: list[TruthRow], sections: bool, numbers: list[int],
              header: bool = True) -> Any:
        """One table of ``rows`` (``numbers``: each group's number in the document)."""
        from docx.shared import Pt, Twips
        lay = self.layout
        cols = lay.columns
        ncols = len(cols)
        grps = groups(rows)
        n_body = len(rows) + (len(grps) if sections else 0)
        table = self.doc.add_table(rows=(1 if header else 0) + n_body, cols=ncols)
        tbl_pr = table._tbl.tblPr
        _replace(tbl_pr, _el("w:tblW", w=str(round(self.width * 20)), type="dxa"))
        _replace(tbl_pr, _el("w:tblLayout", type="fixed"))
        # Word puts the text, not the border, at the margin: indent by the cell padding
        # so that the table's edges are where the layout puts them
        _replace(tbl_pr, _el("w:tblInd", w=str(round(lay.pad_h * 20)), type="dxa"))
        box = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            box.append(_el(f"w:{side}", val="nil"))
        _replace(tbl_pr, box)
        mar = _el("w:tblCellMar")
        for side, val in (("top", lay.pad_v), ("left", lay.pad_h), ("bottom", lay.pad_v),
                          ("right", lay.pad_h)):
            mar.append(_el(f"w:{side}", w=str(round(val * 20)), type="dxa"))
        _replace(tbl_pr, mar)
        widths = [Twips(round(c.width * self.width * 20)) for c in cols]
        grid = table._tbl.tblGrid
        for gc, w in zip(grid.findall("{*}gridCol"), widths):
            gc.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w",
                   str(int(w.twips)))
        for row in table.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = w
            if lay.keep_rows_whole:
                row._tr.get_or_add_trPr().append(_el("w:cantSplit"))
        r = 0
        if header:
            hdr = table.rows[0]
            if lay.header_repeat:
                hdr._tr.get_or_add_trPr().append(_el("w:tblHeader"))
            hdr._tr.get_or_add_trPr().append(_el("w:cantSplit"))
            for k, c in enumerate(cols):
                cell = hdr.cells[k]
                p = cell.paragraphs[0]
                p.paragraph_format.keep_with_next = True
                for n, part in enumerate(c.label.split("\n")):
                    run = self.run(p, part, bold=True)
                    if n < c.label.count("\n"):
                        run.add_break()
                self.borders(cell, self.sides(True, False, k, ncols, False))
                if lay.header_fill:
                    self.shade(cell, lay.header_fill)
            r = 1
        merged = lay.priority_mode in ("merged", "rotated")
        body_n = 0
        last_index = n_body - 1 + r
        for g, grp in enumerate(grps):
            if sections:
                row_cells = table.rows[r].cells
                cell = row_cells[0].merge(row_cells[-1])
                p = cell.paragraphs[0]
                p.paragraph_format.keep_with_next = True
                self.run(p, heading_text(lay, rows[grp[0]].priority, numbers[g]), bold=True)
                self.borders(cell, self.sides(False, True, 0, 1, r == last_index)
                             | ({"left", "right"} if lay.borders in ("grid", "outer") else set()))
                if lay.section_fill:
                    self.shade(cell, lay.section_fill)
                table.rows[r]._tr.get_or_add_trPr().append(_el("w:cantSplit"))
                r += 1
            for pos, i in enumerate(grp):
                row = rows[i]
                end = pos == len(grp) - 1
                tr = table.rows[r]
                for k, c in enumerate(cols):
                    cell = tr.cells[k]
                    sides = self.sides(False, end, k, ncols, r == last_index)
                    if c.key == "priority":
                        if merged:
                            sides = self.sides(False, True, k, ncols,
                                               r + len(grp) - 1 - pos == last_index)
                            if pos > 0:
                                sides.discard("top")
                            if not end:
                                sides.discard("bottom")
                            tc_pr = cell._tc.get_or_add_tcPr()
                            tc_pr.append(_el("w:vMerge", **({"val": "restart"} if pos == 0
                                                            else {})))
                            if pos == 0:
                                self.priority_cell(cell, row.priority, len(grp))
                            self.borders(cell, sides)
                            continue
                        if lay.priority_mode == "every" or pos == 0:
                            self.cell_text(cell, row.priority)
                    else:
                        justify = lay.justified and c.key in ("action", "update")
                        self.cell_text(cell, row.cell(c.key), justify)
                    self.borders(cell, sides)
                if lay.zebra and body_n % 2 == 1:
                    for k, c in enumerate(cols):
                        if not (merged and c.key == "priority"):
                            self.shade(tr.cells[k], lay.zebra)
                body_n += 1
                r += 1
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)
        return table

    def priority_cell(self, cell: Any, priority: str, span: int) -> None:
        lay = self.layout
        if lay.valign == "middle":
            self.valign(cell, "center")
        if lay.priority_mode != "rotated":
            self.cell_text(cell, priority)
            return
        from reportlab.pdfbase.pdfmetrics import stringWidth
        _replace(cell._tc.get_or_add_tcPr(), _el("w:textDirection", val="btLr"))
        p = cell.paragraphs[0]
        lines = priority_lines(priority)
        for n, line in enumerate(lines):
            run = self.run(p, line, bold=True)
            if n < len(lines) - 1:
                run.add_break()
        bold = "Helvetica-Bold" if lay.font == "sans" else "Times-Bold"
        need = max(stringWidth(x, bold, lay.font_size) for x in lines) * 1.1 + 2 * lay.pad_v + 6
        tr_pr = cell._tc.getparent().get_or_add_trPr()
        tr_pr.append(_el("w:trHeight", val=str(round(need / span * 20 + 1)), hRule="atLeast"))

    # -- page decorations ---------------------------------------------------------------

    def decorations(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        lay = self.layout
        sec = self.doc.sections[0]
        head = sec.header.paragraphs[0]
        if lay.running_header:
            self.run(head, lay.running_header, size=8)
        if lay.watermark:
            self.watermark(head)
        if lay.footer:
            foot = sec.footer.paragraphs[0]
            foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.run(foot, "Page ", size=8)
            self.field(foot, "PAGE")
            if lay.footer == "page_of":
                self.run(foot, " of ", size=8)
                self.field(foot, "NUMPAGES")

    def field(self, p: Any, code: str) -> None:
        from docx.shared import Pt
        fld = _el("w:fldSimple", instr=f" {code} ")
        r = _el("w:r")
        rpr = _el("w:rPr")
        rpr.append(_el("w:sz", val=str(round(Pt(8).pt * 2))))
        r.append(rpr)
        t = _el("w:t")
        t.text = "1"
        r.append(t)
        fld.append(r)
        p._p.append(fld)

    def watermark(self, p: Any) -> None:
        """A light diagonal word behind the text, as Word's watermark: a VML text path in
        the page header."""
        from docx.oxml import parse_xml
        w = page_size(self.layout)[0]
        xml = (
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office"><w:pict>'
            '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" '
            'adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">'
            '<v:path textpathok="t" o:connecttype="custom"/>'
            '<v:textpath on="t" fitshape="t"/></v:shapetype>'
            '<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s2049" type="#_x0000_t136" '
            f'style="position:absolute;margin-left:0;margin-top:0;width:{w * 0.7:.0f}pt;'
            f'height:{w * 0.18:.0f}pt;rotation:315;z-index:-251654144;'
            'mso-position-horizontal:center;mso-position-horizontal-relative:page;'
            'mso-position-vertical:center;mso-position-vertical-relative:page" '
            'o:allowincell="f" fillcolor="#dbdbdb" stroked="f">'
            '<v:fill opacity=".5"/>'
            f'<v:textpath style="font-family:&quot;{self.font}&quot;;font-size:1pt;'
            f'font-weight:bold" string="{self.layout.watermark}"/>'
            '</v:shape></w:pict></w:r>')
        p._p.append(parse_xml(xml))

    # -- the whole report ---------------------------------------------------------------

    def heading(self, text: str, size: float, before: float, after: float) -> None:
        from docx.shared import Pt
        p = self.doc.add_paragraph()
        p.paragraph_format.space_before = Pt(before)
        p.paragraph_format.space_after = Pt(after)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.line_spacing = 1.0
        self.run(p, text, bold=True, size=size)

    def marker(self, text: str, right: bool, page_break: bool) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
        p = self.doc.add_paragraph()
        if right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = self.run(p, text, italic=True, size=8)
        if page_break:
            run.add_break(WD_BREAK.PAGE)

    def build(self, cuts: list[int] | None = None) -> None:
        """The report; ``cuts``: row indices where a new page starts with "(continued)"."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt
        lay = self.layout
        self.decorations()
        self.heading(TITLE, 15, 0, 12)
        if lay.narrative:
            self.heading("Introduction", 12, 10, 6)
            for text in lay.narrative:
                p = self.doc.add_paragraph()
                if lay.justified:
                    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                self.run(p, text)
            self.doc.add_paragraph()
        rows = list(lay.rows)
        grps = groups(rows)
        if lay.priority_mode == "heading":
            for n, grp in enumerate(grps, start=1):
                self.heading(heading_text(lay, rows[grp[0]].priority, n), 12, 10, 6)
                self.table([rows[i] for i in grp], False, [n])
        elif cuts:
            bounds = [0, *cuts, len(rows)]
            for a, b in zip(bounds, bounds[1:]):
                if a > 0:
                    self.marker(CONTINUED_HEAD, False, False)
                part = rows[a:b]
                first_group = sum(1 for g in grps if g[0] < a) if a else 0
                numbers = list(range(first_group + 1, first_group + 1 + len(groups(part))))
                self.table(part, lay.priority_mode == "section", numbers,
                           header=a == 0 or lay.header_repeat)
                if b < len(rows):
                    self.marker(CONTINUED_FOOT, True, True)
        else:
            self.table(rows, lay.priority_mode == "section", list(range(1, len(grps) + 1)))
        if lay.appendix:
            self.heading("Appendix: Abbreviations", 12, 10, 6)
            t = self.doc.add_table(rows=1 + len(APPENDIX_ROWS), cols=2)
            t.style = None
            for n, (a, b) in enumerate((("Abbreviation", "Meaning"), *APPENDIX_ROWS)):
                for k, text in enumerate((a, b)):
                    cell = t.rows[n].cells[k]
                    cell.width = Pt(self.width * (0.25, 0.5)[k])
                    self.run(cell.paragraphs[0], text, bold=n == 0)
                    self.borders(cell, {"top", "bottom", "left", "right"})


def _fontconfig(cache: Path) -> Path:
    """A fontconfig file: the system's fonts plus the symbol bullet font in ``cache``."""
    font = symbol_font(cache)
    conf = cache / "fonts.conf"
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"  <dir>{font.parent.resolve()}</dir>\n"
            f"  <cachedir>{(cache / 'fontconfig').resolve()}</cachedir>\n</fontconfig>\n")
    if not conf.exists() or conf.read_text(encoding="utf-8") != text:
        conf.write_text(text, encoding="utf-8")
    return conf


def convert(doc: Any, out: Path, cache: Path) -> None:
    """Save the document and convert it to ``out`` with LibreOffice (its own profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("the libreoffice producer needs LibreOffice (soffice) on PATH")
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(cache)))
    with tempfile.TemporaryDirectory(prefix="layout-lo-") as tmp:
        src = Path(tmp) / "report.docx"
        doc.save(str(src))
        cmd = [soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
               "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=300, env=env)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise RuntimeError(f"LibreOffice could not convert the document: {exc}") from exc
        produced = Path(tmp) / "report.pdf"
        if not produced.exists():
            raise RuntimeError("LibreOffice wrote no PDF")
        _finish(produced, out)


def _finish(src: Path, out: Path) -> None:
    """Fixed metadata and ID (LibreOffice stamps the time), so a rebuild is byte-stable."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.metadata = None
    stamp = "D:20200115090000Z"
    writer.add_metadata({"/Title": TITLE, "/Author": "Safe City Partnership (generated layout)",
                         "/Creator": "samples/layouts", "/Producer": "LibreOffice + pypdf",
                         "/CreationDate": stamp, "/ModDate": stamp})
    fixed = ByteStringObject(out.stem.encode("ascii", "replace").ljust(16, b"_")[:16])
    writer._ID = ArrayObject([fixed, fixed])
    writer.compress_identical_objects()
    with open(out, "wb") as fh:
        writer.write(fh)


def _breaks(spans: list[tuple[int, int]], start: int) -> list[int]:
    """Rows after ``start`` that open a page with nothing of the row before on it."""
    return [i for i in range(start + 1, len(spans)) if spans[i][0] > spans[i - 1][1]]


def render(layout: Layout, out: Path, cache: Path) -> None:
    """Write the layout's PDF to ``out``. With continuation lines, the table is split
    where its pages end, one page at a time: a cut is kept once the part before it fills
    its page with the "Continued on next page" line; when that line does not fit, the cut
    moves a row up (a row taller than a page keeps its cut and runs over). Rows kept
    whole that LibreOffice clips (a row taller than a page is cut off at the page's foot,
    its rest never drawn) are let split after all, as in render_reportlab."""
    from .check import lost_words

    doc = Doc(layout)
    doc.build()
    convert(doc.doc, out, cache)
    if layout.keep_rows_whole and lost_words(out, layout):
        layout = replace(layout, keep_rows_whole=False)
        doc = Doc(layout)
        doc.build()
        convert(doc.doc, out, cache)
    if not layout.continued_markers:
        return
    from .check import row_pages

    spans = row_pages(out, layout)
    cuts: list[int] = []
    for _ in range(4 * len(spans) + 4):
        start = cuts[-1] if cuts else 0
        ahead = _breaks(spans, start)
        if not ahead:  # the drawing in ``out`` is the one with these cuts
            return
        cut = ahead[0]
        while True:
            doc = Doc(layout)
            doc.build([*cuts, cut])
            convert(doc.doc, out, cache)
            trial = row_pages(out, layout)
            fits = trial[cut][0] == trial[cut - 1][1] + 1 and not [
                i for i in _breaks(trial, start) if i < cut]
            if fits or cut - 1 <= start:
                break
            cut -= 1
        cuts.append(cut)
        spans = trial
    raise RuntimeError(f"{layout.doc_id}: the table could not be split where its pages end")
