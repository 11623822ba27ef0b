"""Settings reach every entry point through Options: extract, batch, check, review, inspect and
tables all read with the settings they are given, not the defaults."""
from __future__ import annotations

from pathlib import Path

from safecity_extract import Options, Settings, check, extract, run_batch
from safecity_extract.batch import Outputs, collect_inputs
from safecity_extract.executors import LocalPool
from safecity_extract.jobs import inspect_job, review_job
from safecity_extract.tables import find_tables

SAMPLE = Path(__file__).parent.parent / "samples" / "word_grid_a4.pdf"
# Any gap between two lines of a cell starts a paragraph: cells gain blank lines.
SPLIT = Options(settings=Settings(paragraph_gap=0.01))


def test_extract_takes_the_settings() -> None:
    plain, split = extract(SAMPLE), extract(SAMPLE, options=SPLIT)
    assert "\n\n" in split.rows[0].get("action") and split.to_json() != plain.to_json()
    assert len(split.rows) == len(plain.rows)


def test_batch_and_check_take_the_settings(tmp_path: Path) -> None:
    run_batch(collect_inputs([SAMPLE]), Outputs.of(tmp_path / "a", ["json"]), executor=LocalPool(1))
    run_batch(collect_inputs([SAMPLE]), Outputs.of(tmp_path / "b", ["json"]), options=SPLIT,
              executor=LocalPool(1))
    name = f"{SAMPLE.stem}.json"
    assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()
    check([SAMPLE], tmp_path / "golden", update=True)
    (checked,) = check([SAMPLE], tmp_path / "golden", options=SPLIT)
    assert checked.status == "different"


def test_review_and_inspect_take_the_settings(tmp_path: Path) -> None:
    review_job(str(SAMPLE), str(tmp_path / "plain.html"), Options())
    review_job(str(SAMPLE), str(tmp_path / "split.html"), SPLIT)
    assert (tmp_path / "plain.html").read_text() != (tmp_path / "split.html").read_text()
    # Without rules (none is long enough) the columns come from whitespace: other overlays.
    no_rules = Options(settings=Settings(min_rule_length=10_000.0))
    (plain,), _ = inspect_job(str(SAMPLE), str(tmp_path / "a"), [2], 36, Options())
    (other,), _ = inspect_job(str(SAMPLE), str(tmp_path / "b"), [2], 36, no_rules)
    assert plain.read_bytes() != other.read_bytes()


def test_tables_take_the_settings() -> None:
    plain = find_tables(SAMPLE, pages=[1])
    # No rule long enough and gutters wider than the page: every region is one column.
    wide = find_tables(SAMPLE, pages=[1], options=Options(settings=Settings(
        table_gutter=99.0, min_rule_length=10_000.0)))
    assert max(t.shape[1] for t in plain) > 1
    assert max(t.shape[1] for t in wide) < max(t.shape[1] for t in plain)
