"""Build the sample PDFs in this folder from ``source_rows.json``.

Usage::

    pip install '.[samples]' pypdf   # python-docx, reportlab; pypdf fixes metadata
    python samples/build.py       # needs LibreOffice (soffice) on PATH

Every sample carries the same 22 rows (the truth in ``source_rows.json``) in a
different table layout; ``manifest.json`` records what each file looks like.
The built PDFs are committed; CI never runs this script.

Determinism: reportlab output is built with ``invariant=1``; the Word-based
samples are converted by LibreOffice and then re-saved with pypdf so that the
document metadata (dates, producer) is fixed.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS_FILE = HERE / "source_rows.json"
MANIFEST_FILE = HERE / "manifest.json"

TITLE = "Safe City Partnership Strategy 2017-2020 Progress Update"
RUNNING_HEADER = "Safe City Partnership \u2014 Progress Update December 2019"
FIXED_DATE = _dt.datetime(2019, 12, 16, 9, 0, 0)
PDF_DATE = "D:20191216090000+00'00'"

STD_LABELS = ["Priority", "Action", "Lead Agency", "Update"]
STD_COLUMNS = ["priority", "action", "lead_agency", "update"]

# One RAG status per row, in row order (fixed, so the manifest is stable).
RAG_STATUS = [
    "Green", "Green", "Amber", "Green", "Amber", "Amber", "Green", "Green",
    "Green", "Amber", "Green",
    "Green", "Green", "Red", "Amber", "Green", "Green", "Amber",
    "Green", "Green", "Amber", "Green",
]

ABBREVIATIONS = [
    ("CPI", "Community Partnership Intelligence"),
    ("DASH", "Drug Alcohol Support and Health service"),
    ("HFRS", "Hampshire Fire and Rescue Service"),
    ("ICU", "Integrated Commission Unit"),
    ("MET", "Missing, Exploited or Trafficked"),
    ("OPCC", "Office of the Police and Crime Commissioner"),
    ("PCSO", "Police Community Support Officer"),
    ("RAG", "Red / Amber / Green progress status"),
    ("RP", "Restorative Practices"),
    ("SCC", "Southampton City Council"),
    ("SOBAC", "Southampton Business Against Crime"),
    ("SVS", "Southampton Voluntary Services"),
    ("VRU", "Violence Reduction Unit"),
    ("YOS", "Youth Offending Service"),
]

# Narrative pages placed before the table of the RAG sample (invented prose).
NARRATIVE = [
    ("h", "Introduction"),
    ("p", "The Safe City Partnership brings together the council, the police, the "
          "fire and rescue service, probation, health partners and the voluntary "
          "sector to make Southampton a safer place to live, work and visit. The "
          "Partnership Strategy for 2017-2020 set out four priority areas, each of "
          "which is supported by a set of actions owned by a lead agency."),
    ("p", "This document reports the progress made against each of those actions "
          "during 2019. It is intended for members of the Partnership, for elected "
          "members and for residents who want to understand how the priorities "
          "agreed in 2017 are being delivered in practice."),
    ("h", "How this update was prepared"),
    ("p", "Each lead agency was asked to describe the progress achieved on its "
          "actions, together with any risks to delivery. Partners were also asked "
          "to give each action a status of Green (on track), Amber (some delay or "
          "risk) or Red (significant concern or information outstanding). The "
          "statuses are shown in the final column of the table that follows."),
    ("p", "Where an update refers to work led by more than one organisation, the "
          "agency named is the one that co-ordinates the action. Abbreviations used "
          "in the table are listed in the appendix at the end of this document."),
    ("h", "Summary of progress"),
    ("p", "Progress during the year has been good overall. Most actions under the "
          "priority to reduce crime, reoffending and antisocial behaviour are on "
          "track, supported by additional funding for work on serious violence. "
          "Work on drugs and alcohol continues through the Health and Wellbeing "
          "Board, and the priority on protecting vulnerable people has benefited "
          "from closer joint working on modern slavery and domestic abuse."),
    ("p", "The priority on reducing youth crime has seen an expansion of restorative "
          "practice training and new projects with schools. One action remains "
          "Red because the information needed for this progress update had not been "
          "received when the report was compiled."),
    ("p", "The Partnership will review these priorities when the strategy is "
          "refreshed in 2020, taking account of the Strategic Needs Assessment and "
          "the new Serious Violence Strategy."),
]


# --------------------------------------------------------------------------
# helpers shared by all builders
# --------------------------------------------------------------------------

def load_rows() -> list[dict]:
    with open(ROWS_FILE, encoding="utf-8") as fh:
        rows = json.load(fh)
    assert len(rows) == 22, len(rows)
    return rows


def groups(rows: list[dict]) -> list[list[int]]:
    """Row indexes grouped by consecutive identical priority."""
    out: list[list[int]] = []
    for i, row in enumerate(rows):
        if out and rows[out[-1][0]]["priority"] == row["priority"]:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def split_link(par: str, links: list[dict]) -> list[tuple[str, str | None]]:
    """Split a paragraph into (text, uri-or-None) pieces for its hyperlinks.

    The link text is taken at its last occurrence in the paragraph (in the
    truth, "here" is the final word of the last paragraph of its cell).
    """
    pieces: list[tuple[str, str | None]] = [(par, None)]
    for link in links:
        new: list[tuple[str, str | None]] = []
        for text, uri in pieces:
            pos = text.rfind(link["text"]) if uri is None else -1
            if pos < 0:
                new.append((text, uri))
                continue
            before, after = text[:pos], text[pos + len(link["text"]):]
            if before:
                new.append((before, None))
            new.append((link["text"], link["uri"]))
            if after:
                new.append((after, None))
        pieces = new
    return pieces


def link_anchors(rows: list[dict]) -> list[tuple[list[str], str, str]]:
    """For every link in the truth: (two words before it, link text, uri)."""
    out = []
    for row in rows:
        for link in row["links"]:
            for par in paragraphs(row["update"]):
                pos = par.rfind(link["text"])
                if pos >= 0:
                    out.append((par[:pos].split()[-2:], link["text"], link["uri"]))
                    break
    return out


def find_link_rects(path: Path, anchors) -> list[tuple[int, tuple, str]]:
    """Locate each link's words on the page: (page index, PDF rect, uri)."""
    import pdfplumber
    found = []
    with pdfplumber.open(str(path)) as pdf:
        for pno, page in enumerate(pdf.pages):
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
            texts = [w["text"] for w in words]
            for before, text, uri in anchors:
                n = len(before)
                for k in range(n, len(words)):
                    if texts[k - n:k] == before and texts[k].startswith(text):
                        w = words[k]
                        width = (w["x1"] - w["x0"]) * len(text) / len(w["text"])
                        h = float(page.height)
                        rect = (float(w["x0"]), h - float(w["bottom"]),
                                float(w["x0"]) + width, h - float(w["top"]))
                        found.append((pno, rect, uri))
    return found


def finish_pdf(path: Path, title: str, anchors=()) -> None:
    """Re-save a LibreOffice PDF with fixed metadata and ID (LibreOffice stamps
    the current time), adding link annotations LibreOffice did not export.

    The docx carries a real w:hyperlink; the LibreOffice build used here drops
    hyperlinks on PDF export, so when the produced PDF has no /Link for a URI
    one is added over the link text's words (same result as a working export).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import ArrayObject, ByteStringObject

    reader = PdfReader(str(path))
    present = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                present.add(str(action["/URI"]))
    missing = [a for a in anchors if a[2] not in present]
    rects = find_link_rects(path, missing) if missing else []
    writer = PdfWriter(clone_from=reader)
    for pno, rect, uri in rects:
        writer.add_annotation(pno, Link(rect=rect, url=uri, border=[0, 0, 0]))
    writer.metadata = None
    writer.add_metadata({
        "/Title": title,
        "/Author": "Safe City Partnership (sample)",
        "/Creator": "samples/build.py",
        "/Producer": "LibreOffice + pypdf",
        "/CreationDate": PDF_DATE,
        "/ModDate": PDF_DATE,
    })
    fixed_id = ByteStringObject(path.name.encode("ascii").ljust(16, b"_")[:16])
    writer._ID = ArrayObject([fixed_id, fixed_id])
    tmp = path.with_suffix(".tmp.pdf")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    tmp.replace(path)
    if missing and len(rects) != len(missing):
        raise RuntimeError(f"{path.name}: could not place link annotations "
                           f"({len(rects)} of {len(missing)} found)")


# --------------------------------------------------------------------------
# python-docx + LibreOffice
# --------------------------------------------------------------------------

def _docx():
    import docx  # noqa: F401  (import check)
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor
    return dict(WD_ORIENT=WD_ORIENT, WD_ALIGN_PARAGRAPH=WD_ALIGN_PARAGRAPH, RT=RT,
                OxmlElement=OxmlElement, qn=qn, Cm=Cm, Pt=Pt, RGBColor=RGBColor)


def new_document(font_size: float, landscape: bool = False):
    import docx
    d = _docx()
    Cm, Pt, qn = d["Cm"], d["Pt"], d["qn"]
    doc = docx.Document()
    cp = doc.core_properties
    cp.title = TITLE
    cp.author = "Safe City Partnership (sample)"
    cp.last_modified_by = "samples/build.py"
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.revision = 1

    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(font_size)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), "Liberation Sans")
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        sec.orientation = d["WD_ORIENT"].LANDSCAPE
        sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin = Cm(2.0)
    sec.bottom_margin = Cm(2.0)
    return doc


def add_title(doc, size: float = 15) -> None:
    Pt = _docx()["Pt"]
    p = doc.add_paragraph()
    run = p.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(size)
    p.paragraph_format.space_after = Pt(10)


def set_table_borders(table, edges: dict[str, bool]) -> None:
    """edges: top/left/bottom/right/insideH/insideV -> drawn or not."""
    d = _docx()
    OxmlElement, qn = d["OxmlElement"], d["qn"]
    tblPr = table._tbl.tblPr
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if edges.get(edge):
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "6")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    tblPr.append(borders)


def set_fixed_widths(table, widths_cm: list[float]) -> None:
    d = _docx()
    Cm, OxmlElement, qn = d["Cm"], d["OxmlElement"], d["qn"]
    table.autofit = False
    tblPr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblPr.append(layout)
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def set_cell_margins(table, top=60, bottom=60, left=100, right=100) -> None:
    d = _docx()
    OxmlElement, qn = d["OxmlElement"], d["qn"]
    mar = OxmlElement("w:tblCellMar")
    for side, val in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(val))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _append(props, tag: str, **values: str) -> None:
    """Append a ``<w:tag w:key="value" ...>`` element to a properties element."""
    d = _docx()
    el = d["OxmlElement"](f"w:{tag}")
    for key, value in values.items():
        el.set(d["qn"](f"w:{key}"), value)
    props.append(el)


def mark_header_row(row, repeat: bool) -> None:
    if repeat:
        _append(row._tr.get_or_add_trPr(), "tblHeader", val="true")


def set_vmerge(cell, restart: bool) -> None:
    _append(cell._tc.get_or_add_tcPr(), "vMerge", **({"val": "restart"} if restart else {}))


def shade_cell(cell, fill: str) -> None:
    _append(cell._tc.get_or_add_tcPr(), "shd", val="clear", color="auto", fill=fill)


def add_hyperlink(paragraph, text: str, uri: str) -> None:
    d = _docx()
    OxmlElement, qn, RT = d["OxmlElement"], d["qn"], d["RT"]
    r_id = paragraph.part.relate_to(uri, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rPr = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    rPr.append(color)
    u = OxmlElement("w:u")
    u.set(qn("w:val"), "single")
    rPr.append(u)
    run.append(rPr)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def fill_cell(cell, text: str, links: list[dict] | None = None, *, bold=False,
              gap: str = "empty", gap_pt: float = 8) -> None:
    """Write text into a cell: one docx paragraph per paragraph of the text.

    gap="empty": an empty paragraph between paragraphs (a visible blank line).
    gap="space": no empty paragraph; space-after of gap_pt on each paragraph
                 except the last.
    """
    Pt = _docx()["Pt"]
    pars = paragraphs(text) if text else [""]
    first = True
    for k, par in enumerate(pars):
        if first:
            p = cell.paragraphs[0]
            first = False
        else:
            if gap == "empty":
                cell.add_paragraph()
            p = cell.add_paragraph()
        if gap == "space" and k < len(pars) - 1:
            p.paragraph_format.space_after = Pt(gap_pt)
        for piece, uri in split_link(par, links or []):
            if uri:
                add_hyperlink(p, piece, uri)
            else:
                run = p.add_run(piece)
                run.bold = bold


def add_row_table(doc, rows: list[dict], *, labels: list[str], widths: list[float],
                  borders: dict[str, bool], repeat_header: bool, gap: str = "empty",
                  rag: list[str] | None = None, header_fill: str | None = None):
    """The main table: one header row + one table row per action; priority
    cell vertically merged over its group."""
    ncols = len(labels)
    table = doc.add_table(rows=1 + len(rows), cols=ncols)
    set_table_borders(table, borders)
    set_cell_margins(table)
    set_fixed_widths(table, widths)
    hdr = table.rows[0]
    mark_header_row(hdr, repeat_header)
    for c, label in enumerate(labels):
        fill_cell(hdr.cells[c], label, bold=True)
        if header_fill:
            shade_cell(hdr.cells[c], header_fill)
    for grp in groups(rows):
        for pos, i in enumerate(grp):
            row = rows[i]
            cells = table.rows[1 + i].cells
            if pos == 0:
                set_vmerge(cells[0], restart=True)
                fill_cell(cells[0], row["priority"], gap=gap)
            else:
                set_vmerge(cells[0], restart=False)
            fill_cell(cells[1], row["action"], gap=gap)
            fill_cell(cells[2], row["lead_agency"], gap=gap)
            fill_cell(cells[3], row["update"], row["links"], gap=gap)
            if rag is not None:
                fill_cell(cells[4], rag[i], gap=gap)
    return table


def convert_docx(doc, out_pdf: Path, rows: list[dict]) -> None:
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    with tempfile.TemporaryDirectory(prefix="safecity-samples-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / (out_pdf.stem + ".docx")
        doc.save(str(src))
        profile = tmp_path / "lo-profile"
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
        produced = tmp_path / (out_pdf.stem + ".pdf")
        if not produced.exists():
            raise RuntimeError(f"LibreOffice did not produce {produced}")
        shutil.copyfile(produced, out_pdf)
    finish_pdf(out_pdf, TITLE, link_anchors(rows))


FULL_GRID = dict(top=True, left=True, bottom=True, right=True, insideH=True, insideV=True)
H_RULES = dict(top=True, bottom=True, insideH=True)


def build_word_grid_a4(rows, out: Path) -> None:
    doc = new_document(10)
    add_title(doc)
    add_row_table(doc, rows, labels=STD_LABELS, widths=[2.6, 5.2, 2.8, 6.4],
                  borders=FULL_GRID, repeat_header=True)
    convert_docx(doc, out, rows)


def build_word_landscape_norepeat(rows, out: Path) -> None:
    doc = new_document(10, landscape=True)
    add_title(doc)
    add_row_table(doc, rows, labels=STD_LABELS, widths=[3.6, 7.9, 3.4, 10.8],
                  borders=FULL_GRID, repeat_header=False, header_fill="D9D9D9")
    convert_docx(doc, out, rows)


def build_word_hrules_only(rows, out: Path) -> None:
    doc = new_document(10)
    add_title(doc)
    add_row_table(doc, rows, labels=["Strategic Priority", "Action", "Lead", "Progress"],
                  widths=[3.2, 4.8, 2.6, 6.4], borders=H_RULES, repeat_header=True,
                  gap="space")
    convert_docx(doc, out, rows)


def build_word_rag_narrative(rows, out: Path) -> None:
    Pt = _docx()["Pt"]
    doc = new_document(10)
    add_title(doc)
    for kind, text in NARRATIVE:
        if kind == "h":
            p = doc.add_paragraph()
            r = p.add_run(text)
            r.bold = True
            r.font.size = Pt(12)
            p.paragraph_format.space_before = Pt(10)
            p.paragraph_format.space_after = Pt(4)
        else:
            p = doc.add_paragraph(text)
            p.paragraph_format.space_after = Pt(8)
            p.paragraph_format.line_spacing = 1.3
    p = doc.add_paragraph()
    r = p.add_run("Progress against the Strategy actions")
    r.bold = True
    r.font.size = Pt(12)
    p.paragraph_format.space_before = Pt(10)
    p.paragraph_format.space_after = Pt(6)
    p.paragraph_format.page_break_before = True
    add_row_table(doc, rows,
                  labels=["Strategic Priority", "Action", "Lead Agency/Partner",
                          "Progress Update (December 2019)", "RAG Status"],
                  widths=[2.4, 4.2, 3.1, 5.5, 1.8], borders=FULL_GRID,
                  repeat_header=True, rag=RAG_STATUS, header_fill="D9D9D9")
    # appendix
    p = doc.add_paragraph()
    r = p.add_run("Appendix: Abbreviations")
    r.bold = True
    r.font.size = Pt(12)
    p.paragraph_format.space_before = Pt(16)
    p.paragraph_format.space_after = Pt(6)
    table = doc.add_table(rows=1 + len(ABBREVIATIONS), cols=2)
    set_table_borders(table, FULL_GRID)
    set_cell_margins(table)
    set_fixed_widths(table, [3.0, 9.0])
    mark_header_row(table.rows[0], True)
    fill_cell(table.rows[0].cells[0], "Abbreviation", bold=True)
    fill_cell(table.rows[0].cells[1], "Meaning", bold=True)
    for k, (abbr, meaning) in enumerate(ABBREVIATIONS, start=1):
        fill_cell(table.rows[k].cells[0], abbr)
        fill_cell(table.rows[k].cells[1], meaning)
    convert_docx(doc, out, rows)


def build_word_grid_hyphenated(rows, out: Path) -> None:
    doc = new_document(11)
    add_title(doc)
    add_row_table(doc, rows, labels=STD_LABELS, widths=[2.3, 4.1, 3.0, 4.3],
                  borders=FULL_GRID, repeat_header=True)
    convert_docx(doc, out, rows)


# --------------------------------------------------------------------------
# reportlab
# --------------------------------------------------------------------------

def _rl_styles(font_size: float = 9.5):
    from reportlab.lib.styles import ParagraphStyle
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=font_size,
                          leading=font_size * 1.25)
    head = ParagraphStyle("head", parent=body, fontName="Helvetica-Bold")
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold",
                           fontSize=15, leading=19, spaceAfter=12)
    return body, head, title


def _rl_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rl_markup(par: str, links: list[dict] | None = None) -> str:
    """One paragraph of cell text as reportlab paragraph markup."""
    bits = []
    for piece, uri in split_link(par, links or []):
        if uri:
            bits.append(f'<a href="{_rl_escape(uri)}" color="blue">'
                        f'<u>{_rl_escape(piece)}</u></a>')
        else:
            bits.append(_rl_escape(piece))
    return "".join(bits)


def rl_cell(text: str, body, links: list[dict] | None = None):
    """Cell content: one Paragraph per paragraph of the text; every paragraph
    after the first has one blank line (one leading) of space before it."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph
    gap = ParagraphStyle(body.name + "-gap", parent=body, spaceBefore=body.leading)
    return [Paragraph(rl_markup(par, links), body if k == 0 else gap)
            for k, par in enumerate(paragraphs(text))]


def rl_table_data(rows, labels, body, head):
    from reportlab.platypus import Paragraph
    data = [[Paragraph(_rl_escape(lbl), head) for lbl in labels]]
    for grp in groups(rows):
        for pos, i in enumerate(grp):
            row = rows[i]
            prio = rl_cell(row["priority"], body) if pos == 0 else ""
            data.append([
                prio,
                rl_cell(row["action"], body),
                rl_cell(row["lead_agency"], body),
                rl_cell(row["update"], body, row["links"]),
            ])
    return data


def _rl_doc(out: Path, pagesize, **kw):
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate
    return SimpleDocTemplate(
        str(out), pagesize=pagesize, leftMargin=2 * cm, rightMargin=2 * cm,
        topMargin=2 * cm, bottomMargin=2 * cm, title=TITLE,
        author="Safe City Partnership (sample)", creator="samples/build.py",
        invariant=1, **kw)


def build_reportlab_shaded(rows, out: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Table, TableStyle
    body, head, title = _rl_styles(9.5)
    data = rl_table_data(rows, STD_LABELS, body, head)
    table = Table(data, colWidths=[2.8 * cm, 4.9 * cm, 2.6 * cm, 6.7 * cm],
                  repeatRows=1, splitByRow=0, splitInRow=1)
    # Alternate shading as one BACKGROUND per row (not ROWBACKGROUNDS), so a
    # row split over a page break keeps its colour on both pages.
    stripes = [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#EAF0F6"))
               for r in range(2, len(data), 2)]
    table.setStyle(TableStyle(stripes + [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#9FB6CD")),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    doc = _rl_doc(out, A4)
    doc.build([Paragraph(TITLE, title), table])


def build_reportlab_header_rule(rows, out: Path) -> None:
    """One rule only, under the header row (repeated on every page); rows told apart by
    their padding alone."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Table, TableStyle
    body, head, title = _rl_styles(9.5)
    data = rl_table_data(rows, STD_LABELS, body, head)
    table = Table(data, colWidths=[2.8 * cm, 4.9 * cm, 2.6 * cm, 6.7 * cm],
                  repeatRows=1, splitByRow=0, splitInRow=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    doc = _rl_doc(out, A4)
    doc.build([Paragraph(TITLE, title), table])


def build_reportlab_plain_landscape(rows, out: Path) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Table, TableStyle
    body, head, title = _rl_styles(10)
    pagesize = landscape(A4)

    def make_story():
        data = rl_table_data(rows, STD_LABELS, body, head)
        table = Table(data, colWidths=[4.0 * cm, 7.6 * cm, 3.6 * cm, 10.5 * cm],
                      repeatRows=0, splitByRow=0, splitInRow=1)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
        ]))
        return [Paragraph(TITLE, title), table]

    def decorate(total):
        def on_page(canv, doc):
            canv.saveState()
            canv.setFont("Helvetica", 9)
            w, h = pagesize
            canv.drawString(2 * cm, h - 1.2 * cm, RUNNING_HEADER)
            n = canv.getPageNumber()
            label = f"Page {n} of {total}" if total else f"Page {n}"
            canv.drawCentredString(w / 2, 1.0 * cm, label)
            canv.restoreState()
        return on_page

    # First pass counts the pages, second pass prints "Page N of M".
    with tempfile.TemporaryDirectory(prefix="safecity-rl-") as tmp:
        probe = _rl_doc(Path(tmp) / "probe.pdf", pagesize)
        cb = decorate(None)
        probe.build(make_story(), onFirstPage=cb, onLaterPages=cb)
        total = probe.page
    doc = _rl_doc(out, pagesize)
    cb = decorate(total)
    doc.build(make_story(), onFirstPage=cb, onLaterPages=cb)


# --------------------------------------------------------------------------

def build_word_borderless_tight(rows, out: Path) -> None:
    """No borders and no top/bottom cell padding: rows touch, so only the text shows where
    one row ends (a fresh lead or priority beside a new action)."""
    doc = new_document(10)
    add_title(doc)
    table = add_row_table(doc, rows, labels=["Priority", "Action", "Lead", "Update"],
                          widths=[2.6, 5.2, 2.8, 6.4], borders={}, repeat_header=True)
    set_cell_margins(table, top=0, bottom=0)
    convert_docx(doc, out, rows)


def build_word_grid_centred(rows, out: Path) -> None:
    """Like word_grid_a4, but each merged priority cell is vertically centred, so its text
    sits beside a later action of its group, not the first."""
    doc = new_document(10)
    add_title(doc)
    table = add_row_table(doc, rows, labels=STD_LABELS, widths=[2.6, 5.2, 2.8, 6.4],
                          borders=FULL_GRID, repeat_header=True)
    for row in table.rows[1:]:
        _append(row.cells[0]._tc.get_or_add_tcPr(), "vAlign", val="center")
    convert_docx(doc, out, rows)


def build_word_landscape_rotated(rows, out: Path) -> None:
    """The landscape sample stored the other way many scanners and print drivers do it:
    portrait pages whose content is drawn turned, shown upright by /Rotate."""
    from pypdf import PdfWriter

    source = HERE / "word_landscape_norepeat.pdf"
    if not source.exists():
        build_word_landscape_norepeat(rows, source)
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    writer = PdfWriter(clone_from=str(source))
    for page in writer.pages:
        width = float(page.mediabox.width)
        page.rotate(90)
        page.transfer_rotation_to_content()
        page.rotate(270)
        # pypdf turns the content but not the link areas: turn them the same way,
        # (x, y) -> (y, width - x).
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            x0, y0, x1, y1 = (float(v) for v in obj["/Rect"])
            obj[NameObject("/Rect")] = ArrayObject(
                FloatObject(v) for v in (y0, width - x1, y1, width - x0))
    with open(out, "wb") as fh:
        writer.write(fh)


def std_entry(file, layout, labels=STD_LABELS, columns=STD_COLUMNS, extras=None,
              overrides=None):
    entry = {"file": file, "title": TITLE, "labels": list(labels),
             "columns": list(columns), "extras": extras or {}, "layout": layout}
    if overrides:
        entry["overrides"] = overrides
    return entry


# Other spellings of lead agencies seen in other years' reports, used on every other row of
# the combined sample (the canonical names they must match stay the same).
OTHER_SPELLINGS = {"Hampshire Constabulary": "Hants Constabulary",
                   "Southampton City Council": "SCC", "Youth Offending Service": "YOS",
                   "Probation Services": "National Probation Service", "All": "All partners"}


def respelt_leads(rows: list[dict]) -> list[str]:
    return [OTHER_SPELLINGS.get(r["lead_agency"], r["lead_agency"]) if i % 2 == 0
            else r["lead_agency"] for i, r in enumerate(rows)]


def build_word_landscape_combined(rows, out: Path) -> None:
    """Several other-year variations at once: landscape, horizontal rules only, header not
    repeated, narrative before, appendix table after, a 5th column, other labels and other
    spellings of the lead agencies."""
    Pt = _docx()["Pt"]
    rows = [dict(r, lead_agency=lead) for r, lead in zip(rows, respelt_leads(rows))]
    doc = new_document(9.5, landscape=True)
    add_title(doc)
    for kind, text in NARRATIVE:
        p = doc.add_paragraph()
        run = p.add_run(text)
        if kind == "h":
            run.bold = True
            run.font.size = Pt(13)
        p.paragraph_format.space_after = Pt(6)
    add_row_table(doc, rows, labels=["Strategic Priority", "Action", "Lead",
                                     "Progress Update (December 2019)", "RAG"],
                  widths=[3.4, 7.0, 3.2, 10.0, 2.0], borders=H_RULES, repeat_header=False,
                  rag=RAG_STATUS, gap="space")
    p = doc.add_paragraph()
    run = p.add_run("Appendix: Abbreviations")
    run.bold = True
    run.font.size = Pt(12)
    table = doc.add_table(rows=1 + len(ABBREVIATIONS), cols=2)
    set_table_borders(table, H_RULES)
    fill_cell(table.rows[0].cells[0], "Abbreviation", bold=True)
    fill_cell(table.rows[0].cells[1], "Meaning", bold=True)
    for k, (abbr, meaning) in enumerate(ABBREVIATIONS, start=1):
        fill_cell(table.rows[k].cells[0], abbr)
        fill_cell(table.rows[k].cells[1], meaning)
    convert_docx(doc, out, rows)


SAMPLES = [
    (build_word_grid_a4, std_entry(
        "word_grid_a4.pdf",
        "Word/LibreOffice, A4 portrait, full grid borders, header row repeated on "
        "every page, priority cell vertically merged over its group, rows break "
        "across pages, blank-line paragraphs (empty paragraph) inside cells, real "
        "hyperlink on 'here'. Closest to the real 2019-20 report.")),
    (build_word_landscape_norepeat, std_entry(
        "word_landscape_norepeat.pdf",
        "Word/LibreOffice, A4 landscape, full grid, shaded header row printed only "
        "on the first table page (not repeated), merged priority cells, wider "
        "columns than word_grid_a4.")),
    (build_word_hrules_only, std_entry(
        "word_hrules_only.pdf",
        "Word/LibreOffice, A4 portrait, horizontal rules only (top, bottom, between "
        "rows; no vertical lines), labels Strategic Priority/Action/Lead/Progress, "
        "header repeated, merged priority cells, paragraph gaps made with "
        "space-after instead of empty paragraphs.",
        labels=["Strategic Priority", "Action", "Lead", "Progress"])),
    (build_word_rag_narrative, std_entry(
        "word_rag_narrative.pdf",
        "Word/LibreOffice, A4 portrait, title and ~1 page of narrative (headings + "
        "prose) before the table, table starts on a new page under its own heading, "
        "five columns with a RAG Status column, full grid, header repeated, merged "
        "priority cells; after the table an 'Appendix: Abbreviations' heading and a "
        "second 2-column table (Abbreviation | Meaning).",
        labels=["Strategic Priority", "Action", "Lead Agency/Partner",
                "Progress Update (December 2019)", "RAG Status"],
        columns=STD_COLUMNS + ["rag_status"],
        extras={"rag_status": RAG_STATUS})),
    (build_reportlab_shaded, std_entry(
        "reportlab_shaded.pdf",
        "reportlab, A4 portrait, no rules at all; darker shaded header row repeated "
        "on every page; alternate body rows shaded; priority printed only on the "
        "first row of its group (separate rows, no span); long cells split across "
        "pages inside the row (splitInRow); blank line between paragraphs; link "
        "annotation on 'here'.")),
    (build_reportlab_plain_landscape, std_entry(
        "reportlab_plain_landscape.pdf",
        "reportlab, A4 landscape, no rules and no shading; header labels only on "
        "the first page (not repeated); running page header line "
        "'Safe City Partnership \u2014 Progress Update December 2019' at the top "
        "and 'Page N of M' footer on every page; priority printed on the first "
        "row of its group only; blank line between paragraphs.")),
    (build_reportlab_header_rule, std_entry(
        "reportlab_header_rule.pdf",
        "reportlab, A4 portrait, a single rule under the header row (repeated on every "
        "page) and no other lines or shading; priority printed on the first row of its "
        "group only; rows split across pages inside the row.")),
    (build_word_grid_hyphenated, std_entry(
        "word_grid_hyphenated.pdf",
        "Word/LibreOffice, A4 portrait, like word_grid_a4 but 11pt text in narrow "
        "columns (all four widths differ) so hyphenated words such as "
        "'anti-social' / 'multi-agency' break at a line end after the hyphen.")),
    (build_word_landscape_rotated, std_entry(
        "word_landscape_rotated.pdf",
        "word_landscape_norepeat.pdf with each page stored as a portrait page whose content "
        "is drawn turned and shown upright by /Rotate 270.")),
    (build_word_grid_centred, std_entry(
        "word_grid_centred.pdf",
        "Word/LibreOffice, like word_grid_a4 but every merged priority cell is vertically "
        "centred, so its text stands beside a later action of its group.")),
    (build_word_landscape_combined, std_entry(
        "word_landscape_combined.pdf",
        "Word/LibreOffice, A4 landscape, narrative before the table, horizontal rules only, "
        "header row not repeated, labels Strategic Priority/Action/Lead/Progress Update "
        "(December 2019)/RAG, appendix table after; every other lead agency spelt another "
        "way (Hants Constabulary, SCC, YOS, National Probation Service, All partners).",
        labels=["Strategic Priority", "Action", "Lead", "Progress Update (December 2019)",
                "RAG"],
        columns=STD_COLUMNS + ["rag"], extras={"rag": RAG_STATUS},
        overrides={"lead_agency": respelt_leads(load_rows())})),
    (build_word_borderless_tight, std_entry(
        "word_borderless_tight.pdf",
        "Word/LibreOffice, A4 portrait, no borders at all and no top/bottom cell "
        "padding, so rows touch with ordinary line spacing; labels Priority/Action/"
        "Lead/Update, header repeated, merged priority cells.",
        labels=["Priority", "Action", "Lead", "Update"])),
]


def main(argv: list[str]) -> int:
    rows = load_rows()
    wanted = set(argv)
    for builder, entry in SAMPLES:
        if wanted and entry["file"] not in wanted:
            continue
        out = HERE / entry["file"]
        print(f"building {out.name} ...", flush=True)
        builder(rows, out)
    manifest = {"samples": [entry for _, entry in SAMPLES]}
    with open(MANIFEST_FILE, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
