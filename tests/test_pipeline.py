"""Pipeline-friendly use: stdout and stdin, --out defaults, JSON Lines, python -m, reading
many reports back, the summary command, Report's repr and DataFrame, agencies by path."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import safecity_extract as sx
from safecity_extract.cli import main
from safecity_extract.errors import AgencyFileError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "word_landscape_combined.pdf"
GOLDEN = ROOT / "golden"


def _run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonl"])
def test_out_dash_writes_one_file_to_stdout(fmt, tmp_path):
    res = _run("extract", str(SAMPLE), "-o", "-", "--format", fmt)
    assert res.exit_code == 0, res.output
    golden = (GOLDEN / "word_landscape_combined.json").read_text("utf-8")
    if fmt == "json":
        assert json.loads(res.stdout)["rows"] == json.loads(golden)["rows"]
    elif fmt == "csv":
        assert res.stdout == (GOLDEN / "word_landscape_combined.csv").read_text("utf-8")
    else:
        lines = [json.loads(line) for line in res.stdout.splitlines()]
        assert len(lines) == 22 and lines[0]["source_path"] == SAMPLE.as_posix()
        assert lines[0]["period"] == "December 2019" and lines[0]["status"] == "Green"


def test_dash_input_reads_a_pdf_from_stdin_and_writes_stdout():
    res = _run("extract", "-", "--format", "jsonl", stdin=SAMPLE.read_bytes())
    assert res.exit_code == 0, res.output
    first = json.loads(res.stdout.splitlines()[0])
    assert first["source_path"] == "-" and first["row"] == 1


def test_not_a_pdf_on_stdin_is_one_line_naming_stdin():
    res = _run("extract", "-", stdin=b"garbage")
    assert res.exit_code == 1
    assert res.stderr.strip() == "error: stdin: not a PDF: convert it to PDF first"


def test_one_pdf_without_out_goes_to_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = _run("extract", str(SAMPLE), "-q")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "word_landscape_combined.csv", "word_landscape_combined.json"]


@pytest.mark.parametrize("args, message", [
    (["extract", str(ROOT / "samples")], "give --out DIR for several PDFs or a folder"),
    (["extract", str(SAMPLE), "-o", "-", "--combined", "x.csv"], "need --out DIR"),
    (["extract", str(SAMPLE), "-o", "-", "--format", "xlsx"], "cannot go to stdout"),
    (["extract", "-", "--out", "somewhere"], "is written to stdout"),
])
def test_stdout_misuse_is_a_usage_error(args, message):
    res = _run(*args)
    assert res.exit_code == 2 and message in res.output


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "safecity_extract", "--version"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("safecity-extract, version")


def test_read_reports_gives_one_dataframe_with_source(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        data = json.loads((GOLDEN / "word_grid_a4.json").read_text("utf-8"))
        data["source"]["path"] = f"{name}/report.pdf"
        (tmp_path / name / "report.json").write_text(json.dumps(data), "utf-8")
    df = sx.read_reports(tmp_path)
    assert list(df.columns[:3]) == ["source", "row", "priority"]
    assert df.groupby("source").size().to_dict() == {"a/report.pdf": 22, "b/report.pdf": 22}


def test_json_normalize_of_rows_works_as_documented():
    data = json.loads((GOLDEN / "word_landscape_combined.json").read_text("utf-8"))
    flat = pd.json_normalize(data["rows"])
    assert len(flat) == 22 and {"action", "status", "lead_agencies"} <= set(flat.columns)


def test_report_repr_is_short_and_dataframe_has_source():
    report = sx.extract(SAMPLE)
    assert repr(report) == ("<Report word_landscape_combined.pdf, December 2019: 22 rows, "
                            "columns ['priority', 'action', 'lead_agency', 'update', 'rag'], "
                            "0 warnings>")
    df = report.to_dataframe()
    assert list(df.columns[:2]) == ["source", "row"]
    assert set(df["source"]) == {"word_landscape_combined.pdf"}


def test_extract_takes_an_agencies_file_path(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("canonical,alias,kind\nThe Police,Hampshire Constabulary,name\n"
                     "The Police,Hants Constabulary,name\n", "utf-8")
    report = sx.extract(SAMPLE, agencies=str(names))
    assert "The Police" in report.rows[1].lead_agencies
    bad = tmp_path / "bad.csv"
    bad.write_text("nonsense\n", "utf-8")
    with pytest.raises(AgencyFileError, match="bad.csv"):
        sx.extract(SAMPLE, agencies=bad)


def test_summary_command_counts_per_agency_and_status(tmp_path):
    paths = [str(GOLDEN / "word_grid_a4.json"), str(GOLDEN / "word_landscape_combined.json")]
    res = _run("summary", *paths)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["agency", "[1]", "[2]"]
    assert lines[1].split() == ["Hampshire", "Constabulary", "10", "10"]
    assert ["Green", "0", "14"] in [line.split() for line in lines]
    assert lines[-1] == "[2] word_landscape_combined.pdf"
    out = tmp_path / "s.csv"
    assert _run("summary", *paths, "--format", "CSV", "--out", str(out)).exit_code == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["report", "kind", "value", "actions"]
    assert frame[(frame.kind == "status") & (frame.value == "Red")]["actions"].tolist() == [1]
