"""Excel output (xlsx.py): one workbook per report, the combined workbook, formatting,
formulas kept as text, the extension choosing the format, the missing-extra message."""
from __future__ import annotations

import builtins
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from safecity_extract.cli import main
from safecity_extract.model import Report, Row, Source
from safecity_extract.xlsx import CombinedXlsx, XlsxUnavailable, sheet_name, write_xlsx
from safecity_extract.writers import read_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def _report(name: str = "a.pdf", path: str = "") -> Report:
    rows = [Row(1, {"priority": "P", "action": "=HYPERLINK(\"http://x\")", "lead_agency": "SCC",
                    "update": "+44 23 8083 3000 – call"}, page_start=1, page_end=1,
                flags=["agency_unmatched"], lead_agencies=[]),
            Row(2, {"priority": "P", "action": "Reduce crime", "lead_agency": "Police",
                    "update": "-5% on last year"}, page_start=1, page_end=2,
                flags=["joined_across_pages", "priority_filled_down"],
                lead_agencies=["Hampshire Constabulary"])]
    return Report(Source(name, "a" * 64, 2, path=path or name), "T",
                  ["priority", "action", "lead_agency", "update"], rows)


def test_workbook_per_report_is_formatted_and_keeps_formulas_as_text(tmp_path):
    write_xlsx(_report(), tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["rows", "warnings"]
    ws = wb["rows"]
    assert [c.value for c in ws[1]][:4] == ["row", "priority", "action", "lead_agency"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K3"
    assert all(c.font.b for c in ws[1])
    assert ws["C2"].value == '=HYPERLINK("http://x")' and ws["C2"].data_type == "s"
    assert ws["F2"].value == "+44 23 8083 3000 – call"
    assert ws["F3"].value == "-5% on last year" and ws["F3"].data_type == "s"
    assert ws["C2"].alignment.wrap_text
    assert ws.column_dimensions["F"].width > ws.column_dimensions["A"].width
    flags = {c.value: c for c in ws["K"]}
    assert flags["agency_unmatched"].fill.fgColor.rgb.endswith("FFE699")  # needs a look
    assert flags["joined_across_pages; priority_filled_down"].fill.fill_type is None
    assert list(tmp_path.iterdir()) == [tmp_path / "a.xlsx"]  # no temporary file left


def test_combined_workbook_has_summary_flagged_and_a_sheet_per_report(tmp_path):
    book = CombinedXlsx(tmp_path / "all.xlsx")
    book.add("2019/report.pdf", _report("report.pdf", "2019/report.pdf"))
    book.add("2020/report.pdf", read_json(ROOT / "golden" / "word_rag_narrative.json"))
    book.close()
    wb = openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert wb.sheetnames == ["summary", "flagged", "2019 report", "2020 report"]
    summary = list(wb["summary"].iter_rows(values_only=True))
    assert summary[0] == ("agency", "2019/report.pdf", "2020/report.pdf")
    assert ("Hampshire Constabulary", 1, 10) in summary
    assert ("(unmatched)", 1, 0) in summary
    flagged = list(wb["flagged"].iter_rows(values_only=True))
    assert flagged[0][:3] == ("source_path", "row", "flags")
    assert flagged[1:] == [("2019/report.pdf", 1, "agency_unmatched", "P",
                            '=HYPERLINK("http://x")', "SCC", "", "", 1, 1)]
    assert wb["2020 report"].max_row == 23


def test_sheet_names_fit_excel():
    assert sheet_name("reports/2019/report.pdf") == "reports 2019 report"
    long = sheet_name("archive/partnership/very-long-folder-name/report-december.pdf")
    assert long == "report-december" or len(long) <= 31


def test_cli_xlsx_per_file_and_combined(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["extract", str(SAMPLES / "word_grid_a4.pdf"), "--out",
                                    str(out), "--format", "xlsx", "--combined",
                                    str(tmp_path / "all.xlsx"), "-q"])
    assert res.exit_code == 0, res.output
    assert [p.name for p in out.iterdir()] == ["word_grid_a4.xlsx"]
    assert openpyxl.load_workbook(tmp_path / "all.xlsx").sheetnames[:2] == ["summary", "flagged"]
    assert (tmp_path / "all.xlsx").read_bytes()[:2] == b"PK"  # a workbook, not CSV text


@pytest.mark.parametrize("option, name, message", [
    ("--combined", "all.txt", "--combined must end in .csv or .xlsx"),
    ("--db", "x.csv", "--db must end in .sqlite or .sqlite3 or .db"),
])
def test_an_extension_that_names_no_format_is_refused(tmp_path, option, name, message):
    res = CliRunner().invoke(main, ["extract", str(SAMPLES / "word_grid_a4.pdf"), "--out",
                                    str(tmp_path / "out"), option, str(tmp_path / name), "-q"])
    assert res.exit_code == 2
    assert message in res.output
    assert not (tmp_path / name).exists() and not (tmp_path / "out").exists()


def test_missing_xlsxwriter_is_one_clear_line(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_xlsxwriter(name, *args, **kwargs):
        if name == "xlsxwriter":
            raise ImportError("No module named 'xlsxwriter'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_xlsxwriter)
    with pytest.raises(XlsxUnavailable, match=r"pip install 'safecity-extract\[xlsx\]'"):
        write_xlsx(_report(), tmp_path / "a.xlsx")
    res = CliRunner().invoke(main, ["extract", str(SAMPLES / "word_grid_a4.pdf"), "--out",
                                    str(tmp_path / "out"), "--format", "xlsx", "-q"])
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        f"error: {tmp_path / 'out'}: Excel output needs XlsxWriter: pip install "
        "'safecity-extract[xlsx]'"]


def test_csv_bom(tmp_path):
    res = CliRunner().invoke(main, ["extract", str(SAMPLES / "word_grid_a4.pdf"), "--out",
                                    str(tmp_path), "--format", "CSV", "--bom", "--combined",
                                    str(tmp_path / "all.csv"), "-q"])
    assert res.exit_code == 0, res.output
    for path in (tmp_path / "word_grid_a4.csv", tmp_path / "all.csv"):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
        assert "–".encode() in raw
