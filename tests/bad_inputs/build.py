"""Build the broken files that tests/test_bad_input.py feeds to the extractor.

    python tests/bad_inputs/build.py [FOLDER]     (default: tests/bad_inputs/files/)

Each file stands for one way an archive of reports goes wrong. The built files are committed,
so the tests need neither this script's libraries nor LibreOffice; rerun it after changing it.
The base is samples/word_grid_a4.pdf, or a small reportlab table when samples/ is missing.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "word_grid_a4.pdf"
DEFAULT_OUT = Path(__file__).resolve().parent / "files"
PASSWORD = "secret"
BROKEN_PAGE = 3  # 1-based page of damaged_page.pdf whose content stream is spoiled

TABLE_HEADER = ["Priority", "Action", "Lead Agency", "Update"]
UNMAPPED_HEADER = ["Ref", "Description", "Owner", "Status"]


def base_pdf() -> bytes:
    """The good PDF the damaged variants start from."""
    if SAMPLE.exists():
        return SAMPLE.read_bytes()
    rows = [[f"P{n // 4 + 1}", f"Action number {n} for the partnership",
             "Southampton City Council", f"Progress on action {n} this quarter"]
            for n in range(1, 61)]
    return table_pdf("Safe City Partnership Progress Update", TABLE_HEADER, rows)


def table_pdf(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    """A ruled reportlab table with a repeated header row, several pages long."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    cells = [[Paragraph(text, body) for text in row] for row in rows]
    table = Table([header] + cells, repeatRows=1, colWidths=[70, 160, 110, 170])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, invariant=1)
    doc.build([Paragraph(title, styles["Title"]), table])
    return out.getvalue()


def prose_pdf() -> bytes:
    """Two pages of report prose with no table at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    text = ("The Safe City Partnership met in December to review the year. Members discussed "
            "the strategy, the community safety assessment and the plans for next year. ")
    story = [Paragraph("Safe City Partnership: annual summary", styles["Title"])]
    story += [Paragraph(text * 3, styles["BodyText"]) for _ in range(6)]
    story += [PageBreak()] + [Paragraph(text * 2, styles["BodyText"]) for _ in range(4)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    return out.getvalue()


# --- the bad files, one function each ----------------------------------------------------------


def empty() -> bytes:
    return b""


def renamed_docx() -> bytes:
    """A real Word document that someone saved with a .pdf name."""
    import docx

    document = docx.Document()
    document.add_heading("Safe City Partnership Progress Update", level=1)
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, TABLE_HEADER):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["P1", "Reduce crime", "SCC", "On track"]):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def truncated() -> bytes:
    """A download that stopped at 60%."""
    data = base_pdf()
    return data[: len(data) * 6 // 10]


def encrypted() -> bytes:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(base_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=PASSWORD, owner=PASSWORD, R=6))
    return out.getvalue()


def image_only() -> bytes:
    """The first page as a picture and nothing else, like a scan without OCR."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(base_pdf())) as pdf:
        image = pdf.pages[0].to_image(resolution=72).original.convert("L")
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72)
    return out.getvalue()


def no_table() -> bytes:
    return prose_pdf()


def unmapped() -> bytes:
    """A ruled table whose header labels match none of Priority / Action / Lead Agency / Update."""
    rows = [[f"R{n}", f"Install lighting on route {n}", "Highways team", "Complete"]
            for n in range(1, 15)]
    return table_pdf("Works register", UNMAPPED_HEADER, rows)


def damaged_page() -> bytes:
    """A good PDF whose page BROKEN_PAGE has a content stream in a filter nobody knows."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(base_pdf())) as pdf:
        page = pdf.pages[BROKEN_PAGE - 1]
        stream = pikepdf.Stream(pdf, b"\x00\x9f garbage from a bad copy \xff" * 8)
        stream.Filter = pikepdf.Name("/CorruptDecode")
        page.Contents = stream
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def all_pages_damaged() -> bytes:
    """Every page's content stream spoiled: nothing can be read, so the file is damaged."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(base_pdf())) as pdf:
        for page in pdf.pages:
            stream = pikepdf.Stream(pdf, b"\x00\x9f garbage \xff" * 8)
            stream.Filter = pikepdf.Name("/CorruptDecode")
            page.Contents = stream
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def fuzz_seed(plain: bool) -> bytes:
    """The first two pages alone: small enough to extract many mutants of in a test run.
    ``plain`` leaves the content streams uncompressed, so mutations hit the drawing operators
    and the text itself rather than spoiling a whole zlib stream."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(base_pdf())) as pdf:
        del pdf.pages[2:]
        pdf.remove_unreferenced_resources()
        if plain:
            pdf.save(out, deterministic_id=True, compress_streams=False,
                     stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
                     object_stream_mode=pikepdf.ObjectStreamMode.disable)
        else:
            pdf.save(out, deterministic_id=True)
    return out.getvalue()


BUILDERS: dict[str, Callable[[], bytes]] = {
    "empty.pdf": empty,
    "renamed_docx.pdf": renamed_docx,
    "truncated.pdf": truncated,
    "encrypted.pdf": encrypted,
    "image_only.pdf": image_only,
    "no_table.pdf": no_table,
    "unmapped.pdf": unmapped,
    "damaged_page.pdf": damaged_page,
    "all_pages_damaged.pdf": all_pages_damaged,
    "seed_2pages.pdf": lambda: fuzz_seed(plain=False),
    "seed_2pages_plain.pdf": lambda: fuzz_seed(plain=True),
}


def build(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in BUILDERS.items():
        path = folder / name
        path.write_bytes(make())
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for path in build(target):
        print(f"{path} ({path.stat().st_size} bytes)")
