"""Expected rows for each sample PDF, derived from the hand-checked truth.

``samples/source_rows.json`` holds the 22 rows of the real 2019-20 report;
``samples/manifest.json`` describes each sample PDF built from them (labels,
column keys, per-sample extras such as the RAG status column).  No pytest
dependency: usable from benchmarks and scripts too.
"""

from __future__ import annotations

import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "samples"
SOURCE_ROWS = SAMPLES_DIR / "source_rows.json"
MANIFEST = SAMPLES_DIR / "manifest.json"

BASE_KEYS = ("priority", "action", "lead_agency", "update", "links")


def load_source_rows() -> list[dict]:
    """The truth: 22 row dicts in report order."""
    with open(SOURCE_ROWS, encoding="utf-8") as fh:
        return json.load(fh)


def load_manifest() -> list[dict]:
    """The manifest's list of sample entries (file, title, labels, columns,
    extras, layout)."""
    with open(MANIFEST, encoding="utf-8") as fh:
        return json.load(fh)["samples"]


def sample_entry(file_name: str) -> dict:
    name = Path(file_name).name
    for entry in load_manifest():
        if entry["file"] == name:
            return entry
    raise KeyError(f"{name} is not in {MANIFEST}")


def sample_path(file_name: str) -> Path:
    return SAMPLES_DIR / Path(file_name).name


def expected_rows(file_name: str) -> list[dict]:
    """The rows an extractor must return for one sample PDF.

    Each row has priority, action, lead_agency, update, links ([{text, uri}])
    plus one key per extra column of that sample (e.g. rag_status).
    """
    entry = sample_entry(file_name)
    rows = load_source_rows()
    extras = entry.get("extras") or {}
    for key, values in extras.items():
        if len(values) != len(rows):
            raise ValueError(f"{entry['file']}: extras[{key!r}] has {len(values)} "
                             f"values for {len(rows)} rows")
    out = []
    for i, src in enumerate(rows):
        row = {key: src[key] for key in BASE_KEYS[:4]}
        row["links"] = [{"text": link["text"], "uri": link["uri"]} for link in src["links"]]
        for key, values in extras.items():
            row[key] = values[i]
        for key, values in (entry.get("overrides") or {}).items():
            row[key] = values[i]  # a sample that prints a cell differently from the truth
        out.append(row)
    return out


def sample_files() -> list[str]:
    return [entry["file"] for entry in load_manifest()]


def expected_period(file_name: str) -> str | None:
    """The bracketed note of the sample's Update label ("Progress Update (December 2019)")."""
    update_label = sample_entry(file_name)["labels"][3]
    if "(" not in update_label:
        return None
    return update_label.split("(", 1)[1].rstrip(")")


def expected_statuses(file_name: str) -> tuple[str | None, list[str | None]]:
    """(status column, each row's status): the RAG extra, whose truth is already a status word."""
    extras = sample_entry(file_name).get("extras") or {}
    if not extras:
        return None, [None] * len(load_source_rows())
    (key, values), = extras.items()
    return key, list(values)
