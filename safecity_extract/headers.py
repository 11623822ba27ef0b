"""Header labels -> schema fields, through the aliases data file and fuzzy matching.

"Progress Update (December 2019)" -> update, "Lead Agency/Partner" -> lead_agency, and any
label that is none of the four fixed fields -> an extra field in snake_case ("RAG Status").
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

from rapidfuzz import fuzz

from .model import FIXED_FIELDS

_MONTHS = ("january february march april may june july august september october november "
           "december jan feb mar apr jun jul aug sep sept oct nov dec").split()


@dataclass(frozen=True)
class LabelMatch:
    label: str
    field: str | None  # one of FIXED_FIELDS, or None for an extra column
    score: float


def normalise_label(label: str) -> str:
    """Lower case, no bracketed notes, dates or punctuation, single spaces."""
    text = label.lower().replace("&", " and ")
    text = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = [w for w in text.split() if not w.isdigit() and w not in _MONTHS]
    return " ".join(words)


def snake_case(label: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", label.lower()).split()
    name = "_".join(words) or "column"
    return name if name[0].isalpha() else "col_" + name


@functools.lru_cache(maxsize=1)
def load_aliases() -> tuple[tuple[str, str], ...]:
    """(normalised alias, field) pairs from the shipped data file."""
    data = resources.files("safecity_extract").joinpath("data/header_aliases.csv")
    text = data.read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    pairs = []
    for row in rows:
        if row["field"] not in FIXED_FIELDS:
            raise ValueError(f"header_aliases.csv: unknown field {row['field']!r}")
        pairs.append((normalise_label(row["alias"]), row["field"]))
    return tuple(pairs)


def match_label(label: str, threshold: float,
                aliases: tuple[tuple[str, str], ...] | None = None) -> LabelMatch:
    """Map one header label to a fixed field: exact alias, then alias + a trailing note, then
    fuzzy."""
    aliases = aliases if aliases is not None else load_aliases()
    norm = normalise_label(label)
    if not norm:
        return LabelMatch(label, None, 0.0)
    exact = {alias: fld for alias, fld in aliases}
    if norm in exact:
        return LabelMatch(label, exact[norm], 100.0)
    best: tuple[float, str | None] = (0.0, None)
    for alias, fld in aliases:
        # Typos keep the first letter far more often than not; "Date" is not "update".
        score = fuzz.ratio(norm, alias) if norm[0] == alias[0] else 0.0
        # "Lead Agency Partner", "Progress Update Q3": a known label followed by one short note.
        words, alias_words = norm.split(), alias.split()
        if words[: len(alias_words)] == alias_words and len(words) - len(alias_words) == 1:
            score = max(score, 90.0)
        if score > best[0]:
            best = (score, fld)
    if best[0] >= threshold:
        return LabelMatch(label, best[1], round(best[0], 1))
    return LabelMatch(label, None, round(best[0], 1))


def map_labels(labels: list[str], threshold: float) -> list[str]:
    """Field name for each label: each fixed field once (best score wins), others snake_case."""
    matches = [match_label(label, threshold) for label in labels]
    winner: dict[str, int] = {}
    for i, m in enumerate(matches):
        if m.field and (m.field not in winner or m.score > matches[winner[m.field]].score):
            winner[m.field] = i
    names: list[str] = []
    for i, m in enumerate(matches):
        if m.field and winner[m.field] == i:
            names.append(m.field)
        else:
            name = snake_case(m.label)
            while name in names or name in FIXED_FIELDS:
                name += "_2"
            names.append(name)
    return names
