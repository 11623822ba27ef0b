"""Streaming outputs and bounded work: the combined CSV written report by report has the bytes
of the all-at-once writer, outcomes come back in input order, and files in flight are bounded.

The fake extractors are module-level so spawned worker processes can import them by name.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from safecity_extract.batch import Outputs, collect_inputs, run_batch
from safecity_extract.executors import ExtractJob, InOrder, LocalPool, Outcome
from safecity_extract.streaming import CombinedCsv, SqliteDb
from safecity_extract.writers import read_json, write_combined_csv
from tests.test_batch import fake_extract
from tests.test_writers import make_report

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _streamed(pairs, path: Path, csv_safe: bool = False) -> bytes:
    sink = CombinedCsv(path, csv_safe=csv_safe)
    for name, report in pairs:
        sink.add(name, report)
    sink.close()
    return path.read_bytes()


@pytest.mark.parametrize("csv_safe", [False, True])
def test_streamed_combined_csv_has_the_bytes_of_the_batch_writer_on_every_golden(tmp_path,
                                                                                 csv_safe):
    pairs = [(f"dir/{p.stem}.pdf", read_json(p)) for p in sorted(GOLDEN.glob("*.json"))]
    assert any(len(r.columns) > 4 for _, r in pairs)  # some goldens carry extra columns
    write_combined_csv(pairs, tmp_path / "whole.csv", csv_safe=csv_safe)
    assert _streamed(pairs, tmp_path / "streamed.csv", csv_safe) == (
        tmp_path / "whole.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["streamed.csv", "whole.csv"]


def test_streamed_combined_csv_with_extras_in_some_reports_and_none(tmp_path):
    pairs = [("a.pdf", make_report("a.pdf")), ("b.pdf", make_report("b.pdf", extra="rag")),
             ("c.pdf", make_report("c.pdf", extra="target_date")), ("d.pdf", make_report("d.pdf"))]
    write_combined_csv(pairs, tmp_path / "whole.csv")
    assert _streamed(pairs, tmp_path / "s.csv") == (tmp_path / "whole.csv").read_bytes()
    write_combined_csv([], tmp_path / "empty.csv")
    assert _streamed([], tmp_path / "s0.csv") == (tmp_path / "empty.csv").read_bytes()


def test_discarded_combined_csv_keeps_the_old_file_and_leaves_no_spool(tmp_path):
    target = tmp_path / "all.csv"
    target.write_text("old\n", "utf-8")
    sink = CombinedCsv(target)
    sink.add("a.pdf", make_report())
    sink.discard()
    assert target.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["all.csv"]


def test_sqlite_stream_stores_each_report_under_its_name(tmp_path):
    db = SqliteDb(tmp_path / "r.sqlite", "9.9")
    db.add("x/a.pdf", make_report("a.pdf", sha="a" * 64, rows=2))
    db.add("b.pdf", make_report("b.pdf", sha="b" * 64, rows=3))
    db.close()
    with sqlite3.connect(tmp_path / "r.sqlite") as conn:
        assert conn.execute("SELECT path, file FROM documents ORDER BY path").fetchall() == [
            ("b.pdf", "b.pdf"), ("x/a.pdf", "a.pdf")]
        assert conn.execute("SELECT count(*) FROM rows").fetchone() == (5,)


def test_in_order_hands_on_consecutive_outcomes_and_admits_a_window():
    order = InOrder(3)
    assert [order.admits(i) for i in range(4)] == [True, True, True, False]
    order.add(Outcome(2, "ok", "c"))
    order.add(Outcome(1, "ok", "b"))
    assert list(order.ready()) == []
    order.add(Outcome(0, "ok", "a"))
    assert [o.payload for o in order.ready()] == ["a", "b", "c"]
    assert order.admits(5) and not order.admits(6)


# --- bounded in flight ------------------------------------------------------------------------


def logging_extract(path: str, **kwargs):
    """Logs each start to START_LOG; the first file waits until the window has filled up and a
    while longer, then records how many files had started."""
    log = Path(os.environ["START_LOG"])
    with open(log, "a", encoding="utf-8") as f:
        f.write(Path(path).name + "\n")
    if Path(path).name == "f00.pdf":
        deadline = time.monotonic() + 30
        while len(log.read_text("utf-8").splitlines()) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # room for files beyond the window to start, were they allowed to
        started = len(log.read_text("utf-8").splitlines())
        Path(str(log) + ".seen").write_text(str(started), "utf-8")
    return fake_extract(path)


def test_local_pool_starts_no_file_beyond_its_window(tmp_path, monkeypatch):
    monkeypatch.setenv("START_LOG", str(tmp_path / "starts.log"))
    paths = []
    for i in range(20):
        paths.append(tmp_path / f"f{i:02d}.pdf")
        paths[-1].write_text(f"w{i}", "utf-8")
    pool = LocalPool(workers=2, window=4)
    outcomes = list(pool.outcomes(paths, ExtractJob(extract_fn=logging_extract), 60))
    assert [o.index for o in outcomes] == list(range(20))
    assert all(o.status == "ok" for o in outcomes)
    # while f00 ran, only f01..f03 (the window) could start; without the bound all 19 would
    assert int((tmp_path / "starts.log.seen").read_text("utf-8")) == 4


def test_batch_streams_skipped_and_read_files_in_input_order(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    for i in range(6):
        (root / f"f{i}.pdf").write_text(" ".join(f"w{i}" for _ in range(i + 1)), "utf-8")
    out = tmp_path / "out"
    run_batch(collect_inputs([root]), out, executor=LocalPool(2), extract_fn=fake_extract)
    (root / "f3.pdf").write_text("changed", "utf-8")
    (out / "f4.json").unlink()
    wanted = Outputs.of(out, skip_existing=True, combined=tmp_path / "all.csv",
                        db=tmp_path / "r.db")
    result = run_batch(collect_inputs([root]), wanted, executor=LocalPool(2), extract_fn=fake_extract)
    assert [f.status for f in result.files] == ["skipped"] * 3 + ["ok", "ok", "skipped"]
    sources = [line.split(",")[1] for line in
               (tmp_path / "all.csv").read_text("utf-8").splitlines()[1:]]
    assert list(dict.fromkeys(sources)) == [f"f{i}.pdf" for i in range(6)]
