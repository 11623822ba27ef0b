"""Writers: atomic files, CSV round trip, csv_safe, combined CSV, SQLite schema and re-runs."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from safecity_extract.model import Link, Report, Row, Source
from safecity_extract.files import atomic_write
from safecity_extract.writers import (csv_safe_value, read_json, report_csv_text,
                                      write_combined_csv, write_csv, write_json, write_sqlite)

COLUMNS = ["priority", "action", "lead_agency", "update"]


def make_report(name: str = "a.pdf", sha: str = "a" * 64, rows: int = 3,
                extra: str | None = None) -> Report:
    """A small hand-made report; ``extra`` adds one extra column."""
    columns = COLUMNS + ([extra] if extra else [])
    out = []
    for i in range(1, rows + 1):
        cells = {"priority": f"Priority {i}", "action": f"Action number {i} for {name}",
                 "lead_agency": "SCC / Police", "update": f"Progress “quoted”, café {i}"}
        if extra:
            cells[extra] = f"extra {i}"
        out.append(Row(i, cells, links=[Link("site", f"https://example.org/{i}")],
                       page_start=1, page_end=1 + i % 2, flags=["joined_across_pages"] * (i % 2),
                       lead_agencies=["Southampton City Council", "Hampshire Constabulary"]))
    return Report(Source(name, sha, 2), f"Progress report {name}", columns, out)


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- atomic writes -------------------------------------------------------------------------


def test_atomic_write_failing_midway_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old content", "utf-8")

    def half_then_fail(f):
        f.write("new content that never com")
        raise RuntimeError("serialiser broke")

    with pytest.raises(RuntimeError, match="serialiser broke"):
        atomic_write(target, half_then_fail)
    assert target.read_text("utf-8") == "old content"
    assert _no_temp_files(tmp_path)


def test_write_json_with_failing_serialiser_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    write_json(make_report(), target)
    before = target.read_bytes()

    def broken(self):
        raise ValueError("cannot serialise")

    monkeypatch.setattr(Report, "to_json", broken)
    with pytest.raises(ValueError):
        write_json(make_report(rows=5), target)
    assert target.read_bytes() == before
    assert _no_temp_files(tmp_path)


def test_write_csv_failing_inside_pandas_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "r.csv"
    write_csv(make_report(), target)
    before = target.read_bytes()
    real_to_csv = pd.DataFrame.to_csv

    def to_csv_then_fail(self, buf=None, **kw):
        real_to_csv(self.head(1), buf, **kw)  # part of the file is written, then it breaks
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_csv(make_report(rows=9), target)
    assert target.read_bytes() == before
    assert _no_temp_files(tmp_path)


def test_atomic_write_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "r.json"
    write_json(make_report(), target)
    assert json.loads(target.read_text("utf-8"))["title"] == "Progress report a.pdf"
    assert _no_temp_files(target.parent)


# --- JSON ----------------------------------------------------------------------------------


def test_json_round_trip_gives_the_same_bytes(tmp_path):
    report = make_report(extra="target_date")
    write_json(report, tmp_path / "r.json")
    again = read_json(tmp_path / "r.json")
    assert again.to_json() == report.to_json()
    assert (tmp_path / "r.json").read_text("utf-8") == report.to_json()


# --- CSV -----------------------------------------------------------------------------------


def test_csv_reads_back_equal_with_pandas(tmp_path):
    report = make_report(extra="target_date")
    write_csv(report, tmp_path / "r.csv")
    back = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    expected = report.to_dataframe().drop(columns="source").astype(str)  # the CSV has no source
    assert list(back.columns) == report.csv_columns()
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_csv_uses_newline_line_ends_and_utf8(tmp_path):
    write_csv(make_report(), tmp_path / "r.csv")
    raw = (tmp_path / "r.csv").read_bytes()
    assert b"\r\n" not in raw
    assert "café".encode("utf-8") in raw
    assert raw.decode("utf-8") == report_csv_text(make_report())


def test_csv_keeps_formula_like_cells_by_default_and_guards_them_with_csv_safe(tmp_path):
    report = make_report(rows=1)
    report.rows[0].cells["update"] = "=HYPERLINK(\"http://x\")"
    report.rows[0].cells["action"] = "-5% crime"
    report.rows[0].cells["priority"] = "@risk"
    write_csv(report, tmp_path / "plain.csv")
    write_csv(report, tmp_path / "safe.csv", csv_safe=True)
    plain = pd.read_csv(tmp_path / "plain.csv", dtype=str, keep_default_na=False)
    safe = pd.read_csv(tmp_path / "safe.csv", dtype=str, keep_default_na=False)
    assert plain.loc[0, "update"] == "=HYPERLINK(\"http://x\")"
    assert safe.loc[0, "update"] == "'=HYPERLINK(\"http://x\")"
    assert safe.loc[0, "action"] == "'-5% crime"
    assert safe.loc[0, "priority"] == "'@risk"
    assert safe.loc[0, "lead_agency"] == "SCC / Police"


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+44 23", "'+44 23"), ("-x", "'-x"), ("@a", "'@a"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("", ""), (3, 3),
])
def test_csv_safe_value(value, expected):
    assert csv_safe_value(value) == expected


def test_combined_csv_has_source_path_and_file_first_and_all_rows(tmp_path):
    a, b = make_report("a.pdf", rows=2), make_report("b.pdf", "b" * 64, rows=3, extra="due")
    write_combined_csv([("x/a.pdf", a), ("y/b.pdf", b)], tmp_path / "all.csv")
    back = pd.read_csv(tmp_path / "all.csv", dtype=str, keep_default_na=False)
    assert list(back.columns)[:3] == ["source_path", "source_file", "row"]
    assert "due" in back.columns and list(back.columns)[-5:] == [
        "status", "links", "page_start", "page_end", "flags"]
    assert list(back["source_path"]) == ["x/a.pdf"] * 2 + ["y/b.pdf"] * 3
    assert list(back["source_file"]) == ["a.pdf"] * 2 + ["b.pdf"] * 3
    assert list(back["due"]) == ["", "", "extra 1", "extra 2", "extra 3"]
    assert back.loc[4, "action"] == "Action number 3 for b.pdf"


def test_combined_csv_of_nothing_has_a_header(tmp_path):
    write_combined_csv([], tmp_path / "all.csv")
    assert (tmp_path / "all.csv").read_text("utf-8").startswith("source_path,source_file,row,priority")


# --- SQLite --------------------------------------------------------------------------------


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_sqlite_schema_and_indexes(tmp_path):
    db = tmp_path / "r.sqlite"
    write_sqlite(make_report(), db, "9.9")
    tables = {r[0] for r in _query(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"documents", "rows", "row_agencies"}
    cols = [r[1] for r in _query(db, "PRAGMA table_info(rows)")]
    assert cols == ["document", "row", "priority", "action", "lead_agency", "lead_agencies",
                    "update_text", "status", "status_text", "extras", "links", "page_start",
                    "page_end", "flags"]
    cols = [r[1] for r in _query(db, "PRAGMA table_info(documents)")]
    assert cols == ["path", "file", "sha256", "title", "period", "pages", "status_column",
                    "extracted_at", "tool_version"]
    plan = " ".join(r[-1] for r in _query(
        db, "EXPLAIN QUERY PLAN SELECT * FROM row_agencies WHERE agency = 'x'"))
    assert "row_agencies_agency" in plan
    plan = " ".join(r[-1] for r in _query(
        db, "EXPLAIN QUERY PLAN SELECT * FROM rows WHERE document = 'x'"))
    assert "INDEX" in plan


def test_sqlite_values(tmp_path):
    db = tmp_path / "r.sqlite"
    write_sqlite(make_report(extra="target_date"), db, "9.9")
    doc = _query(db, "SELECT sha256, file, title, pages, tool_version FROM documents")
    assert doc == [("a" * 64, "a.pdf", "Progress report a.pdf", 2, "9.9")]
    row = _query(db, "SELECT row, update_text, extras, links, flags FROM rows WHERE row = 1")[0]
    assert row[1] == "Progress “quoted”, café 1"
    assert json.loads(row[2]) == {"target_date": "extra 1"}
    assert json.loads(row[3]) == [{"text": "site", "uri": "https://example.org/1"}]
    assert json.loads(row[4]) == ["joined_across_pages"]
    agencies = _query(db, "SELECT agency, count(*) FROM row_agencies GROUP BY agency ORDER BY 1")
    assert agencies == [("Hampshire Constabulary", 3), ("Southampton City Council", 3)]
    write_sqlite(make_report(), db, "9.9", path="2019/a.pdf")
    assert _query(db, "SELECT path, file FROM documents ORDER BY path") == [
        ("2019/a.pdf", "a.pdf"), ("a.pdf", "a.pdf")]


def test_sqlite_one_document_per_path_copies_share_the_sha256(tmp_path):
    db = tmp_path / "r.sqlite"
    for year in ("2019", "2020"):
        write_sqlite(make_report("report.pdf", rows=2), db, "1", path=f"{year}/report.pdf")
    assert _query(db, "SELECT count(*) FROM rows") == [(4,)]
    assert _query(db, "SELECT sha256, count(*) FROM documents GROUP BY sha256") == [
        ("a" * 64, 2)]
    counts = _query(db, "SELECT d.path, ra.agency, count(*) FROM row_agencies AS ra "
                        "JOIN documents AS d ON d.path = ra.document GROUP BY 1, 2 ORDER BY 1, 2")
    assert [c[2] for c in counts] == [2, 2, 2, 2]


def test_sqlite_status_is_a_real_column(tmp_path):
    db = tmp_path / "r.sqlite"
    report = make_report(extra="rag")
    report.status_column = "rag"
    report.rows[0].status = "Green"
    report.period = "December 2019"
    write_sqlite(report, db, "1")
    assert _query(db, "SELECT row, status, status_text FROM rows ORDER BY row")[0] == (
        1, "Green", "extra 1")
    assert _query(db, "SELECT period, status_column FROM documents") == [("December 2019", "rag")]


def test_sqlite_from_an_older_version_is_refused(tmp_path):
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE documents (sha256 TEXT PRIMARY KEY, file TEXT)")
    with pytest.raises(sqlite3.DatabaseError, match="new database file"):
        write_sqlite(make_report(), db, "1")


def test_sqlite_rerun_replaces_rows_in_any_order(tmp_path):
    db = tmp_path / "r.sqlite"
    a, b = make_report("a.pdf", rows=3), make_report("b.pdf", "b" * 64, rows=2)
    for report in (a, b, a, b, b):
        write_sqlite(report, db, "1")
    assert _query(db, "SELECT count(*) FROM documents") == [(2,)]
    assert _query(db, "SELECT count(*) FROM rows") == [(5,)]
    assert _query(db, "SELECT count(*) FROM row_agencies") == [(10,)]
    write_sqlite(make_report("a.pdf", rows=1), db, "1")  # a shorter re-read drops old rows
    assert _query(db, "SELECT count(*) FROM rows") == [(3,)]


def test_sqlite_failure_rolls_back_the_whole_document(tmp_path):
    db = tmp_path / "r.sqlite"
    write_sqlite(make_report(rows=3), db, "1")
    bad = make_report(rows=2)
    bad.rows[1].row = 1  # duplicate primary key: the insert fails half way
    with pytest.raises(sqlite3.IntegrityError):
        write_sqlite(bad, db, "1")
    assert _query(db, "SELECT count(*) FROM rows") == [(3,)]


def test_outputs_get_the_usual_file_mode(tmp_path):
    import os
    import stat

    from safecity_extract.files import atomic_write_text

    target = tmp_path / "out.json"
    atomic_write_text(target, "{}")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
