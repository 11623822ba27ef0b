"""Batch runs: collecting inputs, output paths, workers that hang or die, skip-existing.

The fake extractors are module-level so spawned worker processes can import them by name.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path, PurePosixPath

import pytest

from safecity_extract.errors import NoInputsFound
from safecity_extract.batch import (Input, Outputs, collect_inputs, format_summary,
                                    run_batch, safe_relpath)
from safecity_extract.errors import DamagedPDF
from safecity_extract.executors import LocalPool
from safecity_extract.limits import DEFAULT_MAX_MEMORY_MB
from safecity_extract.workers import Bounds
from safecity_extract.model import Report, Row, Source

# --- fake extractors (run inside worker processes) ------------------------------------------


def fake_extract(path: str, *, password=None, agencies=None, settings=None) -> Report:
    """A report made from the file's bytes; b"HANG", b"DIE", b"BAD" trigger the failures."""
    data = Path(path).read_bytes()
    if b"HANG" in data:
        time.sleep(600)
    if b"DIE" in data:
        os._exit(7)
    if b"BAD" in data:
        raise DamagedPDF(path, "fake")
    words = data.decode("utf-8", "replace").split()
    rows = [Row(i + 1, {"priority": "P", "action": f"{word} ({Path(path).name})",
                        "lead_agency": "Police", "update": f"={i}"},
                page_start=1, page_end=1, lead_agencies=["Hampshire Constabulary"])
            for i, word in enumerate(words)]
    return Report(Source(Path(path).name, hashlib.sha256(data).hexdigest(), 1), "T",
                  ["priority", "action", "lead_agency", "update"], rows)


def always_fails(path: str, **kwargs) -> Report:
    raise DamagedPDF(path, "should not have been read")


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- collecting inputs ---------------------------------------------------------------------


def test_collect_inputs_from_folder_mirrors_tree_and_ignores_non_pdfs(tmp_path):
    _tree(tmp_path / "in", {"top.pdf": "x", "a/report.pdf": "a", "b/report.PDF": "b",
                            "b/notes.txt": "n", "b/c/deep.pdf": "d"})
    found = collect_inputs([tmp_path / "in"], recursive=True)
    assert [i.name for i in found] == ["a/report.pdf", "b/c/deep.pdf", "b/report.PDF", "top.pdf"]
    assert [i.rel.as_posix() for i in found] == ["a/report", "b/c/deep", "b/report", "top"]


def test_collect_inputs_without_recursive_takes_top_level_only(tmp_path):
    _tree(tmp_path, {"top.pdf": "x", "a/report.pdf": "a"})
    assert [i.name for i in collect_inputs([tmp_path])] == ["top.pdf"]


def test_explicit_files_are_taken_as_given_and_clashing_names_are_numbered(tmp_path):
    _tree(tmp_path, {"a/report.pdf": "a", "b/report.pdf": "b", "c/data.bin": "c"})
    found = collect_inputs([tmp_path / "b/report.pdf", tmp_path / "a/report.pdf",
                            tmp_path / "c/data.bin"])
    assert sorted(i.rel.as_posix() for i in found) == ["data.bin", "report", "report-2"]


def test_same_file_twice_is_read_once(tmp_path):
    _tree(tmp_path, {"a.pdf": "a"})
    assert len(collect_inputs([tmp_path / "a.pdf", tmp_path, tmp_path / "a.pdf"])) == 1


def test_no_pdfs_is_a_usage_error(tmp_path):
    _tree(tmp_path, {"notes.txt": "n", "sub/x.pdf": "x"})
    with pytest.raises(NoInputsFound, match="no PDF files found .*-r") as info:
        collect_inputs([tmp_path])
    assert info.value.exit_code == 2


@pytest.mark.parametrize("rel, expected", [
    ("a/b/c.pdf", "a/b/c"), ("../../etc/passwd.pdf", "etc/passwd"), ("/abs/x.PDF", "abs/x"),
    ("..", "input"), ("./.hidden.pdf", "hidden"), ("a\\..\\b.pdf", "a_.._b"),
])
def test_safe_relpath_cannot_escape(rel, expected):
    assert safe_relpath(PurePosixPath(rel)).as_posix() == expected


def test_output_path_stays_under_out(tmp_path):
    inp = Input(Path("x.pdf"), "x.pdf", safe_relpath(PurePosixPath("../../x.pdf")))
    out = inp.output(tmp_path / "out", "json").resolve()
    assert out.is_relative_to((tmp_path / "out").resolve())


# --- running -------------------------------------------------------------------------------


def test_hanging_and_dying_workers_fail_their_file_only(tmp_path):
    _tree(tmp_path / "in", {"a.pdf": "one two", "b.pdf": "three", "hang.pdf": "HANG",
                            "die.pdf": "DIE", "bad.pdf": "BAD", "z.pdf": "four five six"})
    result = run_batch(collect_inputs([tmp_path / "in"]), tmp_path / "out", executor=LocalPool(2),
                       bounds=Bounds(4, DEFAULT_MAX_MEMORY_MB), extract_fn=fake_extract)
    status = {f.input.name: f.status for f in result.files}
    assert status == {"a.pdf": "ok", "b.pdf": "ok", "bad.pdf": "failed", "die.pdf": "failed",
                      "hang.pdf": "failed", "z.pdf": "ok"}
    errors = {f.input.name: f.error for f in result.failed}
    assert errors["hang.pdf"].endswith("hang.pdf: timed out after 4 s")
    assert errors["die.pdf"].endswith("die.pdf: worker process died (exit code 7)")
    assert "damaged or truncated PDF (fake)" in errors["bad.pdf"]
    assert result.rows == 6
    assert sorted(_outputs(tmp_path / "out")) == ["a.csv", "a.json", "b.csv", "b.json",
                                                  "z.csv", "z.json"]
    summary = format_summary(result).splitlines()
    assert summary[0].startswith("3 files ok, 3 failed, 6 rows")
    assert len(summary) == 4


def test_a_dead_worker_is_replaced_and_later_files_still_run(tmp_path):
    files = {"a-die.pdf": "DIE", "b-die.pdf": "DIE"}
    files.update({f"c{i}.pdf": f"w{i}" for i in range(4)})
    _tree(tmp_path / "in", files)
    result = run_batch(collect_inputs([tmp_path / "in"]), tmp_path / "out", executor=LocalPool(1),
                       bounds=Bounds(60, DEFAULT_MAX_MEMORY_MB), extract_fn=fake_extract)
    assert [f.status for f in result.files] == ["failed"] * 2 + ["ok"] * 4


def test_output_bytes_do_not_depend_on_worker_count(tmp_path):
    files = {f"d{i % 3}/f{i}.pdf": " ".join(f"w{i}x{j}" for j in range(i + 1)) for i in range(7)}
    _tree(tmp_path / "in", files)
    inputs = collect_inputs([tmp_path / "in"], recursive=True)
    runs = []
    for n in (1, 3):
        out = tmp_path / f"out{n}"
        run_batch(inputs, Outputs.of(out, combined=out / "all.csv"), executor=LocalPool(n),
                  extract_fn=fake_extract)
        runs.append(_outputs(out))
    assert runs[0] == runs[1]
    assert len(runs[0]) == 15


def test_formats_and_csv_safe(tmp_path):
    _tree(tmp_path / "in", {"a.pdf": "one"})
    inputs = collect_inputs([tmp_path / "in"])
    run_batch(inputs, Outputs.of(tmp_path / "j", ["json"]), executor=LocalPool(1), extract_fn=fake_extract)
    run_batch(inputs, Outputs.of(tmp_path / "c", ["csv"], csv_safe=True), executor=LocalPool(1),
              extract_fn=fake_extract)
    assert list(_outputs(tmp_path / "j")) == ["a.json"]
    assert "'=0" in (tmp_path / "c" / "a.csv").read_text("utf-8")


def test_progress_callback_counts_files_and_rows(tmp_path):
    _tree(tmp_path / "in", {"a.pdf": "one two", "b.pdf": "BAD", "c.pdf": "three"})
    calls = []
    run_batch(collect_inputs([tmp_path / "in"]), tmp_path / "out", executor=LocalPool(2),
              extract_fn=fake_extract, progress_callback=lambda *a: calls.append(a))
    assert [c[:2] for c in calls] == [(1, 3), (2, 3), (3, 3)]
    assert calls[-1][3] == 3
    assert {c[2] for c in calls} == {"a.pdf", "b.pdf", "c.pdf"}


def test_skip_existing_does_not_reread_unchanged_files(tmp_path):
    root = _tree(tmp_path / "in", {"a.pdf": "one two", "b.pdf": "three"})
    out, db = tmp_path / "out", tmp_path / "r.sqlite"
    run_batch(collect_inputs([root]), out, executor=LocalPool(1), extract_fn=fake_extract)
    (root / "b.pdf").write_text("three four", "utf-8")  # b changed: it must be read again
    (out / "a.csv").unlink()                              # a's missing CSV is written again
    result = run_batch(collect_inputs([root]), Outputs.of(out, skip_existing=True,
                                                          combined=tmp_path / "all.csv", db=db),
                       executor=LocalPool(1), extract_fn=always_fails)
    assert [(f.input.name, f.status) for f in result.files] == [("a.pdf", "skipped"),
                                                                ("b.pdf", "failed")]
    assert "should not have been read" in result.failed[0].error
    assert (out / "a.csv").exists()
    assert result.rows == 2
    assert len((tmp_path / "all.csv").read_text("utf-8").splitlines()) == 3
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM rows").fetchone() == (2,)


def test_db_rerun_gives_the_same_row_count(tmp_path):
    root = _tree(tmp_path / "in", {"a.pdf": "one two", "sub/b.pdf": "three"})
    db = tmp_path / "r.sqlite"
    for _ in range(2):
        run_batch(collect_inputs([root], recursive=True), Outputs.of(tmp_path / "out", db=db),
                  executor=LocalPool(2), extract_fn=fake_extract)
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM rows").fetchone() == (3,)
            assert conn.execute("SELECT path, file FROM documents ORDER BY path").fetchall() == [
                ((root / "a.pdf").as_posix(), "a.pdf"), ((root / "sub/b.pdf").as_posix(), "b.pdf")]


def test_copies_are_one_document_per_path_everywhere(tmp_path):
    """4 copies of a file: the summary, the combined CSV and SQLite all count 4 documents."""
    import pandas as pd  # here, not at the top: spawned workers import this module

    files = {f"{year}/report.pdf": "one two" for year in ("2017", "2018", "2019", "2020")}
    root = _tree(tmp_path / "in", files)
    db, combined = tmp_path / "r.sqlite", tmp_path / "all.csv"
    result = run_batch(collect_inputs([root / y for y in ("2017", "2018", "2019", "2020")]),
                       Outputs.of(tmp_path / "out", db=db, combined=combined), executor=LocalPool(2),
                       extract_fn=fake_extract)
    assert (result.ok, result.rows, result.duplicates) == (4, 8, 3)
    assert "4 files ok, 0 failed, 8 rows" in format_summary(result)
    assert "(3 with the same bytes as an earlier file)" in format_summary(result)
    frame = pd.read_csv(combined, dtype=str, keep_default_na=False)
    assert len(frame) == 8 and frame["source_path"].nunique() == 4
    assert set(frame["source_file"]) == {"report.pdf"}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT sha256) FROM documents"
                            ).fetchone() == (4, 1)
        assert conn.execute("SELECT count(*) FROM rows").fetchone() == (8,)


def test_worker_start_up_does_not_count_against_a_files_timeout(tmp_path):
    """The clock of a file starts when its worker has imported the extractor (here 3 s)."""
    from tests.slow_start_extract import slow_start_extract

    _tree(tmp_path / "in", {"a.pdf": "one two", "b.pdf": "three"})
    result = run_batch(collect_inputs([tmp_path / "in"]), tmp_path / "out", executor=LocalPool(2),
                       bounds=Bounds(1, DEFAULT_MAX_MEMORY_MB), extract_fn=slow_start_extract)
    assert [(f.status, f.error) for f in result.files] == [("ok", ""), ("ok", "")]
