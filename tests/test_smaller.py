"""The smaller points of issue 18: --help not cut, check into a missing folder, review --out
DIR/, index.pdf's review page, the progress label, the worker start-up message, inspect's
default resolution."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from safecity_extract.cli import fit_label, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "word_grid_a4.pdf"


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_top_level_help_shows_whole_descriptions():
    out = _run("--help").output
    commands = out.split("Commands:")[1]
    assert "..." not in commands
    assert "every difference." in " ".join(commands.split())


def test_check_into_a_missing_folder_warns_and_says_what_was_created(tmp_path):
    typo = tmp_path / "typo"
    res = _run("check", SAMPLE, "--golden", typo)
    assert res.exit_code == 1 and not typo.exists()
    assert f"warning: --golden {typo}: no such folder (a typo?)" in res.stderr
    res = _run("check", SAMPLE, "--golden", typo, "--update")
    assert res.exit_code == 0
    assert res.stdout.splitlines()[-1] == f"created folder: {typo}"


def test_review_out_folder_gets_a_page_named_after_the_pdf(tmp_path):
    res = _run("review", SAMPLE, "--out", f"{tmp_path / 'pages'}/")
    assert res.exit_code == 0, res.output
    assert [p.name for p in (tmp_path / "pages").iterdir()] == ["word_grid_a4.html"]


def test_an_input_named_index_keeps_its_review_page(tmp_path):
    shutil.copyfile(SAMPLE, tmp_path / "index.pdf")
    res = _run("extract", tmp_path / "index.pdf", "--out", tmp_path / "out", "--review", "-q")
    assert res.exit_code == 0, res.output
    review = tmp_path / "out" / "review"
    assert sorted(p.name for p in review.iterdir()) == ["index-2.html", "index.html"]
    assert 'href="index-2.html"' in (review / "index.html").read_text("utf-8")


def test_progress_label_is_cut_from_the_left_to_fit():
    name = "a-very-long-folder/an-even-longer-report-file-name-2019-2020-final-v2.pdf"
    label = fit_label("22 rows, ", name, 50)
    assert len(label) == 50 and label.startswith("22 rows, …") and label.endswith("v2.pdf")
    assert fit_label("1 rows, ", "a.pdf", 50) == "1 rows, a.pdf"


def test_inspect_default_resolution_keeps_text_legible():
    from safecity_extract.inspect import INSPECT_RESOLUTION

    assert INSPECT_RESOLUTION >= 110
    option = next(p for p in main.commands["inspect"].params if p.name == "resolution")
    assert option.default == INSPECT_RESOLUTION


def test_a_script_without_the_main_guard_is_told_so(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "batch_script.py"
    script.write_text(
        "from safecity_extract import collect_inputs, run_batch\n"
        f"result = run_batch(collect_inputs([{str(SAMPLE)!r}]), {str(tmp_path / 'out')!r},"
        " workers=1)\n"
        "print(result.files[0].error)\n", "utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert "worker process could not start" in done.stdout
    assert 'if __name__ == "__main__":' in done.stdout
    assert "memory" not in done.stdout
