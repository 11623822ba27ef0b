"""The truth in samples/source_rows.json is well-formed and every committed
sample PDF carries it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from expected import (expected_rows, load_manifest, load_source_rows,  # noqa: E402
                      sample_files, sample_path)

TEXT_KEYS = ("priority", "action", "lead_agency", "update")
PRIORITIES = [
    "Reduce crime, reoffending and antisocial behaviour",
    "Reduce the harm caused by drugs and alcohol",
    "Protecting Vulnerable People",
    "Reducing Youth Crime",
]


def _ws(text: str) -> str:
    return " ".join(text.split())


def test_truth_has_22_rows():
    rows = load_source_rows()
    assert len(rows) == 22
    for row in rows:
        assert set(row) == {"priority", "action", "lead_agency", "update", "links"}


def test_four_priorities_in_order():
    seen = []
    for row in load_source_rows():
        if not seen or seen[-1] != row["priority"]:
            seen.append(row["priority"])
    assert seen == PRIORITIES


def test_no_stray_spaces():
    for n, row in enumerate(load_source_rows(), 1):
        for key in TEXT_KEYS:
            value = row[key]
            assert value, (n, key)
            assert value == value.strip(), (n, key)
            assert "  " not in value, (n, key)
            for par in value.split("\n\n"):
                assert par and par == par.strip() and "\n" not in par, (n, key, par)


def test_exactly_one_link():
    links = [(n, link) for n, row in enumerate(load_source_rows(), 1)
             for link in row["links"]]
    assert len(links) == 1
    n, link = links[0]
    assert link["text"] == "here"
    assert link["uri"].startswith("https://hipsprocedures.org.uk/")
    assert load_source_rows()[n - 1]["update"].endswith("can be found here.")


def test_manifest_files_exist():
    entries = load_manifest()
    assert len(entries) >= 7
    for entry in entries:
        assert sample_path(entry["file"]).is_file(), entry["file"]
        assert len(entry["labels"]) == len(entry["columns"])


@pytest.mark.parametrize("file_name", sample_files())
def test_expected_rows_shape(file_name):
    rows = expected_rows(file_name)
    entry = next(e for e in load_manifest() if e["file"] == file_name)
    assert len(rows) == 22
    for row in rows:
        for column in entry["columns"]:
            assert column in row


def _occurs_in_order(needle: list[str], words: list[str], window: int = 40) -> bool:
    """needle's words appear in order in words, spread over at most `window`
    words (a cell that runs over a page break is interrupted by the next page's
    header and the other columns' first lines)."""
    for start, word in enumerate(words):
        if word != needle[0]:
            continue
        k = 1
        for other in words[start + 1:start + window]:
            if k == len(needle):
                break
            if other == needle[k]:
                k += 1
        if k == len(needle):
            return True
    return False


@pytest.mark.parametrize("file_name", sample_files())
def test_sample_pdf_carries_every_action(file_name):
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(sample_path(file_name)) as pdf:
        # Words in content-stream order: both LibreOffice and reportlab draw a
        # table cell by cell, so a cell's words stay together even though the
        # columns sit side by side on the page.
        text = _ws(" ".join(word["text"] for page in pdf.pages
                            for word in page.extract_words(use_text_flow=True)))
    # Words split after a hyphen at a line end come out as "anti- social".
    words = re.sub(r"(\w)- (\w)", r"\1-\2", text).split()
    missing = []
    for row in expected_rows(file_name):
        head = row["action"].split()[:5]
        if not _occurs_in_order(head, words):
            missing.append(" ".join(head))
    assert not missing, missing
