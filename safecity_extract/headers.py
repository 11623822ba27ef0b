"""Header labels -> schema fields, through the aliases data file and fuzzy matching.

"Progress Update (December 2019)" -> update, "Lead Agency/Partner" -> lead_agency, and any
label that is none of the four fixed fields -> an extra field in snake_case ("RAG Status"),
``_printed`` added when that is a row's own key ("Status" -> ``status_printed``). A user's
own labels (a ``label,key`` file or a mapping) are matched first, exactly.
"""
from __future__ import annotations

import csv
import functools
import itertools
import os
import re
from dataclasses import dataclass
from importlib import resources
from typing import Mapping, Sequence

from rapidfuzz import fuzz

from .errors import HeaderAliasFileError
from .limits import MAX_HEADER_ALIASES_BYTES, read_small_file
from .model import FIXED_FIELDS, PRINTED_SUFFIX, ROW_KEYS

# A --header-aliases file: "label,key" lines under that header line; "#" starts a comment.
ALIAS_FILE_HEADER = ("label", "key")
STATUS_KEY = "status"  # the key of a column holding a status (normalised into ``status``)
MAX_ALIAS_LINE_CHARS = 2000
_KEY_FORM = re.compile(r"[a-z][a-z0-9_]*\Z")
UserAliases = tuple[tuple[str, str], ...]

_MONTHS = ("january february march april may june july august september october november "
           "december jan feb mar apr jun jul aug sep sept oct nov dec").split()


@dataclass(frozen=True)
class LabelMatch:
    label: str
    field: str | None  # one of FIXED_FIELDS, or None for an extra column
    score: float
    key: str | None = None  # an extra column's key given by the user's own labels


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


def column_key(label: str) -> str:
    """An extra column's key: its label in snake_case, with ``_printed`` added when that is
    one of a row's own keys ("Status" -> ``status_printed``, beside the normalised
    ``status``)."""
    name = snake_case(label)
    return name + PRINTED_SUFFIX if name in ROW_KEYS else name


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


@functools.lru_cache(maxsize=1)
def label_words() -> frozenset[str]:
    """The words of every known column label: the aliases of the fixed fields, the status
    column labels (status.csv) and other columns' labels (extra_labels.csv), normalised."""
    words = {w for alias, _ in load_aliases() for w in alias.split()}
    data = resources.files("safecity_extract").joinpath("data")
    for name, key in (("status.csv", "text"), ("extra_labels.csv", "label")):
        text = data.joinpath(name).read_text("utf-8")
        for rec in csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")):
            if name != "status.csv" or rec["kind"] == "column":
                words.update(normalise_label(rec[key]).split())
    return frozenset(words)


@functools.lru_cache(maxsize=8)
def known_words(user: UserAliases = ()) -> frozenset[str]:
    """``label_words`` and the words of the user's own labels."""
    return label_words() | {w for alias, _ in user for w in alias.split()}


# --- the user's own labels (--header-aliases) ---------------------------------------------


def load_header_aliases(source: str | os.PathLike[str] | Mapping[str, str] | None
                        ) -> UserAliases:
    """The user's header labels as (normalised label, key) pairs: from a ``label,key`` file
    (a path) or a mapping label -> key. A key is a fixed field (priority, action,
    lead_agency, update), ``status`` (a status column) or an extra column's snake_case key.
    A bad file raises HeaderAliasFileError naming its line; a bad mapping ValueError."""
    if source is None:
        return ()
    if isinstance(source, Mapping):
        try:
            return _checked_aliases([(n, str(label), str(key)) for n, (label, key)
                                     in enumerate(source.items(), 1)], "header_aliases")
        except HeaderAliasFileError as exc:
            raise ValueError(f"header_aliases entry {exc.line}: "
                             f"{exc.reason.split(': ', 1)[1]}") from None
    data = read_small_file(source, MAX_HEADER_ALIASES_BYTES, "header aliases file")
    return parse_header_aliases(data, str(source))


def parse_header_aliases(data: bytes, path: str) -> UserAliases:
    """Bytes of a header aliases file -> pairs; HeaderAliasFileError names the bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HeaderAliasFileError(path, data[: exc.start].count(b"\n") + 1,
                                   "not UTF-8 text: save the file as UTF-8") from None
    lines = text.splitlines()
    rows = [(n, ln) for n, ln in enumerate(lines, 1)
            if ln.strip() and not ln.lstrip().startswith("#")]
    for n, line in rows:
        if len(line) > MAX_ALIAS_LINE_CHARS:
            raise HeaderAliasFileError(path, n, f"line is {len(line):,} characters long; a "
                                       f"label line has at most {MAX_ALIAS_LINE_CHARS:,}: is "
                                       "it the right file?")
    if not rows or _cells(rows[0][1]) != list(ALIAS_FILE_HEADER):
        where, first = rows[0] if rows else (max(len(lines), 1), "")
        raise HeaderAliasFileError(path, where, "the first line must be the header label,key"
                                   + (f", not {first.strip()!r}" if first else ""))
    entries = []
    for n, line in rows[1:]:
        cells = _cells(line)
        if len(cells) != 2:
            raise HeaderAliasFileError(path, n, f"expected 2 columns (label,key), found "
                                       f"{len(cells)}")
        entries.append((n, cells[0], cells[1]))
    if not entries:
        raise HeaderAliasFileError(path, len(lines), "no labels listed after the header")
    return _checked_aliases(entries, path)


def _cells(line: str) -> list[str]:
    # One csv record per physical line, so error line numbers are the editor's line numbers.
    return [c.strip() for c in next(csv.reader([line]))]


def _checked_aliases(entries: Sequence[tuple[int, str, str]], path: str) -> UserAliases:
    seen: dict[str, tuple[int, str]] = {}
    pairs = []
    for n, label, key in entries:
        norm = normalise_label(label)
        if not norm:
            raise HeaderAliasFileError(path, n, f"label {label!r} has no words once bracketed "
                                       "notes, dates and punctuation are dropped")
        problem = _key_problem(key)
        if problem:
            raise HeaderAliasFileError(path, n, problem)
        line, other = seen.setdefault(norm, (n, key))
        if other != key:
            raise HeaderAliasFileError(path, n, f"label {label!r} maps to {key!r} here but to "
                                       f"{other!r} on line {line}")
        pairs.append((norm, key))
    return tuple(dict.fromkeys(pairs))


def _key_problem(key: str) -> str:
    if key in FIXED_FIELDS or key == STATUS_KEY:
        return ""
    if not _KEY_FORM.match(key):
        return (f"key {key!r} must be one of {', '.join(FIXED_FIELDS)}, {STATUS_KEY}, or an "
                "extra column's key in snake_case (e.g. ref_no)")
    if key in ROW_KEYS:
        return f"key {key!r} is one of a row's own keys: choose another name for the column"
    return ""


def join_label(lines: Sequence[str], known: frozenset[str] | None = None) -> str:
    """A header label printed over several lines, as one label: lines joined with a space,
    except where the break falls inside a word (a narrow column breaks "Status" into
    "Statu" / "s"): each break is read both ways and the reading with the fewest letters
    in words of no known label wins, then the one with fewer joins (so two unknown words
    stay two)."""
    lines = [" ".join(ln.split()) for ln in lines if ln.strip()]
    if len(lines) < 2:
        return lines[0] if lines else ""
    known = known if known is not None else label_words()
    breaks = len(lines) - 1
    best: tuple[tuple[int, int], str] | None = None
    for joins in itertools.product((False, True), repeat=min(breaks, 6)):
        text = lines[0]
        for k, line in enumerate(lines[1:]):
            glued = k < len(joins) and joins[k] and text[-1:].isalnum() and line[:1].isalnum()
            text += line if glued else " " + line
        unknown = sum(len(w) for w in normalise_label(text).split() if w not in known)
        score = (unknown, sum(joins))
        if best is None or score < best[0]:
            best = (score, text)
    assert best is not None
    return best[1]


def match_label(label: str, threshold: float,
                aliases: tuple[tuple[str, str], ...] | None = None,
                user: UserAliases = ()) -> LabelMatch:
    """Map one header label to a fixed field: the user's own labels (exact), then exact alias,
    then alias + a trailing note, then fuzzy (the user's labels of fixed fields included)."""
    norm = normalise_label(label)
    if not norm:
        return LabelMatch(label, None, 0.0)
    for alias, key in user:
        if alias == norm:
            fixed = key in FIXED_FIELDS
            return LabelMatch(label, key if fixed else None, 100.0, None if fixed else key)
    aliases = (aliases if aliases is not None else load_aliases()) + tuple(
        (alias, key) for alias, key in user if key in FIXED_FIELDS)
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


def map_labels(labels: list[str], threshold: float, user: UserAliases = ()) -> list[str]:
    """Field name for each label: each fixed field once (best score wins), others their key
    from ``user`` or snake_case."""
    matches = [match_label(label, threshold, user=user) for label in labels]
    winner: dict[str, int] = {}
    for i, m in enumerate(matches):
        if m.field and (m.field not in winner or m.score > matches[winner[m.field]].score):
            winner[m.field] = i
    names: list[str] = []
    for i, m in enumerate(matches):
        if m.field and winner[m.field] == i:
            names.append(m.field)
        else:
            name = column_key(m.key or m.label)
            while name in names or name in FIXED_FIELDS:
                name += "_2"
            names.append(name)
    return names
