"""bench/realworld.py: the cell-accuracy measure on hand-made grids, and a run of our reader on
the committed real-world cases (camelot is not needed: its columns are left out when missing;
the camelot and tabula-java PDFs are not in the repository: their cases are left out, named)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


ROOT = Path(__file__).resolve().parent.parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("realworld", ROOT / "bench" / "realworld.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["realworld"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_cell_accuracy_lines_up_an_extra_header_row_and_column() -> None:
    rw = _bench()
    truth = [["a", "1"], ["b", "2"]]
    got = [["title", "", ""], ["", "a", "1"], ["", "b", "2 "]]
    assert rw.cell_accuracy(truth, got) == 1.0
    assert rw.cell_accuracy(truth, [["a", "1"], ["b", "3"]]) == 0.75
    assert rw.cell_accuracy(truth, []) == 0.0


def test_a_merged_cell_counts_as_missed() -> None:
    rw = _bench()
    assert rw.cell_accuracy([["x", "y"]], [["x y", ""]]) == 0.0


def test_a_spanning_label_counts_anywhere_in_its_span_for_every_reader() -> None:
    rw = _bench()
    truth = [["", "Male", ""], ["", "Total", "Under 18"], ["Robbery", "90.0", "22.9"]]
    first = [["", "Male", ""], ["", "Total", "Under 18"], ["Robbery", "90.0", "22.9"]]
    centred = [["", "", "Male"], ["", "Total", "Under 18"], ["Robbery", "90.0", "22.9"]]
    spans = [(0, 1, 0, 2)]
    assert rw.cell_accuracy(truth, first, spans) == 1.0
    assert rw.cell_accuracy(truth, centred, spans) == 1.0
    assert rw.cell_accuracy(truth, centred) == 5 / 6  # without the span: only its first cell
    outside = [["Male", "", ""], ["", "Total", "Under 18"], ["Robbery", "90.0", "22.9"]]
    assert rw.cell_accuracy(truth, outside, spans) == 5 / 6


def test_leader_dots_are_not_compared() -> None:
    rw = _bench()
    truth = [["Total", "11,062.6"], ["Weapons, etc.", "132.9"]]
    got = [["Total . . . . . .", "11,062 .6"], ["Weapons, etc. . . .", "132.9"]]
    assert rw.cell_accuracy(truth, got) == 1.0


def test_every_case_names_its_source_pdf() -> None:
    rw = _bench()
    cases = rw.load_cases()
    sources = (ROOT / "samples" / "realworld" / "SOURCES.md").read_text(encoding="utf-8")
    assert len(cases) == 17
    assert all(f"| {c.pdf.name} |" in sources for c in cases)
    (spanning,) = [c for c in cases if c.spans]
    assert spanning.spans[0] == (0, 0, 1, 0)


def test_our_reader_on_two_committed_cases(tmp_path: Path) -> None:
    rw = _bench()
    cases = rw.load_cases(["campaign_donors", "tabula-py-data-mtcars"])
    assert len(cases) == 2
    scores = [rw.score(c, "ours") for c in cases]
    assert all(not s.error for s in scores)
    assert all(s.accuracy >= 0.9 for s in scores), [(s.case.name, s.accuracy) for s in scores]
    out = tmp_path / "RESULTS.md"
    out.write_text("# Results\n\n## Other\n\nkept\n", encoding="utf-8")
    rw.write_section(out, rw.section(scores, ["ours"], ["stream", "lattice"]))
    text = out.read_text(encoding="utf-8")
    assert "## Real-world tables" in text and "kept" in text
    assert "Not run (not installed): stream, lattice." in text


def test_every_case_has_its_truth_and_the_kept_pdfs_are_here() -> None:
    rw = _bench()
    cases = rw.load_cases()
    assert all(c.truth() for c in cases)
    kept = [c for c in cases if c.pdf.is_file()]
    assert {c.pdf.name for c in kept} == {"tabula-py-data.pdf", "campaign_donors.pdf",
                                          "12s0324.pdf"}


def test_a_case_without_its_pdf_is_left_out_and_named(tmp_path: Path, capsys) -> None:
    rw = _bench()
    out = tmp_path / "RESULTS.md"
    assert rw.main(["--only", "20,campaign_donors", "--methods", "ours", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| campaign_donors | rule-less |" in text and "| 20 |" not in text
    assert "Left out (1, PDF not in samples/realworld nor --pdfs): 20." in text
    assert "20: 20.pdf not found, left out" in capsys.readouterr().err


def test_pdfs_folder_supplies_a_case_not_kept_here(tmp_path: Path) -> None:
    rw = _bench()
    folder = tmp_path / "peers"
    folder.mkdir()
    (folder / "20.pdf").write_bytes((ROOT / "samples" / "realworld" / "12s0324.pdf").read_bytes())
    (case,) = rw.load_cases(["20"], [folder])
    assert case.pdf == folder / "20.pdf"
    (kept,) = rw.load_cases(["campaign_donors"], [folder])
    assert kept.pdf.parent == ROOT / "samples" / "realworld"
