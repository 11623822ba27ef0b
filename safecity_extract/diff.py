"""Compare reports across years: actions paired by text similarity, then added / dropped /
changed, with the fields that changed and a word diff; several reports give a timeline.

Pairing is one-to-one, best score first. The score (0-100) is the mean of two measures on the
action texts: rapidfuzz's token_sort_ratio (spelling, word order) and the share of the shorter
action's content words found in the other (rewording keeps the words that say what is done).
The threshold is calibrated on tests/data/action_pair_cases.csv.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from rapidfuzz import fuzz

from .golden import word_diff
from .model import Report, Row

# Reworded pairs measured down to 82.7, unrelated ones up to 80.5 (action_pair_cases.csv).
PAIR_THRESHOLD = 81.5
# The fields compared on a paired action, in report order.
COMPARED = ("action", "priority", "lead_agency", "lead_agencies", "status", "update")
_TEXT_FIELDS = ("action", "priority", "lead_agency", "update")

_STOP = frozenset(
    "a an and the of to in on for with by at from as is are be been this that these those our "
    "their its it we will which who while into through so most more all any each other there "
    "have has".split())
_SUFFIXES = ("ising", "ise", "ing", "ed", "es", "s", "ly", "est")


# --- scoring and pairing ---------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("’", "'")).split())


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in _normal(text).split() if w not in _STOP}


def action_similarity(a: str, b: str) -> float:
    """0-100: how likely two action texts are the same action, reworded or not."""
    wa, wb = _content_words(a), _content_words(b)
    overlap = 100.0 * len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0
    return round((overlap + fuzz.token_sort_ratio(_normal(a), _normal(b))) / 2, 1)


def pair_actions(old: Sequence[str], new: Sequence[str], threshold: float = PAIR_THRESHOLD
                 ) -> list[tuple[int, int, float]]:
    """(old index, new index, score) for each pair, one-to-one, best score first; only pairs
    scoring at least ``threshold``. Ties go to the pair nearest in table order."""
    scored = [(action_similarity(a, b), i, j) for i, a in enumerate(old)
              for j, b in enumerate(new)]
    scored.sort(key=lambda s: (-s[0], abs(s[1] - s[2]), s[1]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j, score))
    return sorted(pairs, key=lambda p: p[1])


# --- one pair of reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    words: str = ""  # word diff for text fields: [-removed-] {+added+}

    def to_dict(self) -> dict[str, Any]:
        out = {"old": self.old, "new": self.new}
        return {**out, "words": self.words} if self.words else out


@dataclass(frozen=True)
class ChangedAction:
    action: str           # the new report's text
    old_action: str
    old_row: int
    new_row: int
    score: float
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.changes]

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "old_action": self.old_action, "old_row": self.old_row,
                "new_row": self.new_row, "score": self.score, "fields": self.fields,
                "changes": {c.field: c.to_dict() for c in self.changes}}


@dataclass(frozen=True)
class ReportDiff:
    old: dict[str, Any]     # source of each report: path, file, sha256, period
    new: dict[str, Any]
    threshold: float
    added: tuple[dict[str, Any], ...]      # rows of the new report with no partner
    dropped: tuple[dict[str, Any], ...]    # rows of the old report with no partner
    changed: tuple[ChangedAction, ...]
    unchanged: tuple[ChangedAction, ...] = field(default=())  # paired, no field differs

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "threshold": self.threshold,
                "added": list(self.added), "dropped": list(self.dropped),
                "changed": [c.to_dict() for c in self.changed],
                "unchanged": [{"action": c.action, "old_row": c.old_row, "new_row": c.new_row,
                               "score": c.score} for c in self.unchanged]}


ReportLike = Report | str | os.PathLike[str]


def load_report(path: str | os.PathLike[str], **extract_options: Any) -> Report:
    """A report from our JSON output (``.json``) or read from a PDF."""
    if Path(path).suffix.lower() == ".json":
        from .writers import read_json

        return read_json(Path(path))
    from .extract import extract

    return extract(path, **extract_options)


def diff_reports(old: ReportLike, new: ReportLike, threshold: float = PAIR_THRESHOLD,
                 **extract_options: Any) -> ReportDiff:
    """What changed from ``old`` to ``new`` (Reports, our JSON files or PDFs)."""
    a = old if isinstance(old, Report) else load_report(old, **extract_options)
    b = new if isinstance(new, Report) else load_report(new, **extract_options)
    pairs = pair_actions([r.get("action") for r in a.rows], [r.get("action") for r in b.rows],
                         threshold)
    paired = [_compare(a.rows[i], b.rows[j], score) for i, j, score in pairs]
    old_paired, new_paired = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    return ReportDiff(
        _source(a), _source(b), threshold,
        added=tuple(row_summary(r) for j, r in enumerate(b.rows) if j not in new_paired),
        dropped=tuple(row_summary(r) for i, r in enumerate(a.rows) if i not in old_paired),
        changed=tuple(c for c in paired if c.changes),
        unchanged=tuple(c for c in paired if not c.changes))


def _source(report: Report) -> dict[str, Any]:
    s = report.source
    return {"path": s.path or s.file, "file": s.file, "sha256": s.sha256,
            "period": report.period, "title": report.title}


def row_summary(row: Row) -> dict[str, Any]:
    """The compared fields of one row, for added and dropped actions."""
    return {"action": row.get("action"), "row": row.row,
            **{name: _value(row, name) for name in COMPARED if name != "action"}}


def _value(row: Row, name: str) -> Any:
    if name == "lead_agencies":
        return list(row.lead_agencies)
    if name == "status":
        return row.status
    return row.get(name)


def _compare(old: Row, new: Row, score: float) -> ChangedAction:
    changes = []
    for name in COMPARED:
        a, b = _value(old, name), _value(new, name)
        if a != b:
            words = word_diff(a, b) if name in _TEXT_FIELDS else ""
            changes.append(FieldChange(name, a, b, words))
    return ChangedAction(new.get("action"), old.get("action"), old.row, new.row, score,
                         tuple(changes))


# --- several reports: a timeline -------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """One line per action across the reports (oldest first); ``cells[k]`` is the action's row
    in report k, or None where the action is absent."""

    labels: tuple[str, ...]
    actions: tuple[str, ...]                    # the latest text of each action
    cells: tuple[tuple[Row | None, ...], ...]   # per action, per report

    def records(self) -> list[dict[str, Any]]:
        """Flat rows: action, then row / status / lead agencies per report."""
        out = []
        for action, cells in zip(self.actions, self.cells):
            rec: dict[str, Any] = {"action": action}
            for label, row in zip(self.labels, cells):
                rec[f"{label} row"] = row.row if row else ""
                rec[f"{label} status"] = (row.status or "") if row else ""
                rec[f"{label} lead"] = "; ".join(row.lead_agencies) if row else ""
            out.append(rec)
        return out

    def columns(self) -> list[str]:
        return ["action"] + [f"{label} {part}" for label in self.labels
                             for part in ("row", "status", "lead")]

    def to_dict(self) -> dict[str, Any]:
        return {"reports": list(self.labels), "actions": [
            {"action": action, "reports": [None if row is None else {
                "row": row.row, "status": row.status, "lead_agencies": list(row.lead_agencies)}
                for row in cells]}
            for action, cells in zip(self.actions, self.cells)]}


def timeline(reports: Sequence[ReportLike], threshold: float = PAIR_THRESHOLD,
             **extract_options: Any) -> Timeline:
    """Pair each report with the next; an action keeps its line while it stays paired."""
    loaded = [r if isinstance(r, Report) else load_report(r, **extract_options) for r in reports]
    lines: list[list[Row | None]] = [[row] + [None] * (len(loaded) - 1) for row in loaded[0].rows]
    line_of = {i: i for i in range(len(loaded[0].rows))}  # row index in report k -> line
    for k in range(1, len(loaded)):
        prev, cur = loaded[k - 1].rows, loaded[k].rows
        pairs = pair_actions([r.get("action") for r in prev], [r.get("action") for r in cur],
                             threshold)
        new_line_of = {}
        for i, j, _ in pairs:
            new_line_of[j] = line_of[i]
        for j in range(len(cur)):
            if j not in new_line_of:
                new_line_of[j] = len(lines)
                lines.append([None] * len(loaded))
            lines[new_line_of[j]][k] = cur[j]
        line_of = new_line_of
    actions = tuple(next(r for r in reversed(line) if r is not None).get("action")
                    for line in lines)
    return Timeline(_labels(loaded), actions, tuple(tuple(line) for line in lines))


def _labels(reports: Sequence[Report]) -> tuple[str, ...]:
    """Each report's period where the periods tell them apart, else its path; a path that
    recurs (JSON outputs of "report.pdf" from several years record the same one) is told
    apart by its place, "report.pdf (2)", so no report's columns overwrite another's."""
    periods = [r.period for r in reports]
    if all(periods) and len(set(periods)) == len(periods):
        return tuple(p for p in periods if p)
    return unique_labels([r.source.path or r.source.file for r in reports])


def unique_labels(labels: Sequence[str]) -> tuple[str, ...]:
    """``labels`` with the second and later copies of a label numbered: "a", "a (2)"."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    if len(set(out)) < len(out):  # "a (2)" was also a label of its own
        return tuple(f"{label} ({k})" for k, label in enumerate(labels, 1))
    return tuple(out)


# --- text and CSV forms ----------------------------------------------------------------------

DIFF_CSV_COLUMNS = ("change", "action", "old_action", "old_row", "new_row", "score", "fields",
                    "old_priority", "new_priority", "old_lead_agencies", "new_lead_agencies",
                    "old_status", "new_status", "words")


def diff_records(diff: ReportDiff) -> list[dict[str, Any]]:
    """One flat record per added, dropped and changed action (columns DIFF_CSV_COLUMNS)."""
    records = []
    for kind, rows in (("added", diff.added), ("dropped", diff.dropped)):
        for r in rows:
            side = "new" if kind == "added" else "old"
            records.append({"change": kind, "action": r["action"],
                            f"{side}_row": r["row"], f"{side}_priority": r["priority"],
                            f"{side}_lead_agencies": "; ".join(r["lead_agencies"]),
                            f"{side}_status": r["status"] or ""})
    for c in diff.changed:
        by = {ch.field: ch for ch in c.changes}
        rec: dict[str, Any] = {"change": "changed", "action": c.action,
                               "old_action": c.old_action, "old_row": c.old_row,
                               "new_row": c.new_row, "score": c.score,
                               "fields": "; ".join(c.fields),
                               "words": " | ".join(f"{ch.field}: {ch.words}"
                                                   for ch in c.changes if ch.words)}
        for name in ("priority", "lead_agencies", "status"):
            if name in by:
                old, new = by[name].old, by[name].new
                rec[f"old_{name}"] = "; ".join(old) if isinstance(old, list) else (old or "")
                rec[f"new_{name}"] = "; ".join(new) if isinstance(new, list) else (new or "")
        records.append(rec)
    return [{col: rec.get(col, "") for col in DIFF_CSV_COLUMNS} for rec in records]


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    return "; ".join(value) if isinstance(value, list) else _short(str(value))


def format_diff(diff: ReportDiff) -> str:
    """A readable report: a count line, then every changed, added and dropped action."""
    reworded = sum(1 for c in diff.changed if "action" in c.fields)
    lines = [f"{diff.old['path']} -> {diff.new['path']}: "
             f"{len(diff.changed) + len(diff.unchanged)} paired ({reworded} reworded, "
             f"{len(diff.unchanged)} unchanged), {len(diff.changed)} changed, "
             f"{len(diff.added)} added, {len(diff.dropped)} dropped"]
    for c in diff.changed:
        lines.append(f"changed: row {c.old_row} -> {c.new_row} (score {c.score:g}): "
                     f"{_short(c.action)}")
        for ch in c.changes:
            detail = ch.words if ch.words else f"{_shown(ch.old)} -> {_shown(ch.new)}"
            lines.append(f"    {ch.field}: {_short(detail, 200)}")
    for kind, rows in (("added", diff.added), ("dropped", diff.dropped)):
        for r in rows:
            lines.append(f"{kind}: row {r['row']}: {_short(r['action'])}")
            lines.append(f"    lead: {_shown(r['lead_agencies'])}; status: {_shown(r['status'])}")
    return "\n".join(lines)


def format_timeline(tl: Timeline, width: int = 48) -> str:
    """A table: one line per action, one status column per report ("-" where absent)."""
    # a path keeps its end (the file name, a "(2)" telling copies apart), a period fits
    heads = [label if len(label) <= 24 else "…" + label[-23:] for label in tl.labels]
    cols = [max(len(h), 11) for h in heads]
    out = ["  ".join([f"{'action':<{width}}"] + [f"{h:<{w}}" for h, w in zip(heads, cols)])]
    for action, cells in zip(tl.actions, tl.cells):
        marks = ["-" if row is None else (row.status or "present") for row in cells]
        out.append("  ".join([f"{_short(action, width):<{width}}"]
                             + [f"{m:<{w}}" for m, w in zip(marks, cols)]).rstrip())
    return "\n".join(out)


def csv_text(records: Sequence[dict[str, Any]], columns: Sequence[str],
             csv_safe: bool = False) -> str:
    """Records as CSV text (minimal quoting, "\\n" line ends), as the other CSV outputs;
    ``csv_safe``: a cell a spreadsheet would run as a formula gets a leading apostrophe."""
    from .writers import csv_safe_value

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    cells = [[rec.get(c, "") for c in columns] for rec in records]
    writer.writerows([[csv_safe_value(v) for v in row] for row in cells] if csv_safe else cells)
    return buf.getvalue()


def render(diff_or_timeline: ReportDiff | Timeline, fmt: str, csv_safe: bool = False) -> str:
    """The text of one output format: "text", "json" or "csv" (``csv_safe``: see csv_text)."""
    item = diff_or_timeline
    if fmt == "json":
        return json.dumps(item.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        if isinstance(item, Timeline):
            return csv_text(item.records(), item.columns(), csv_safe)
        return csv_text(diff_records(item), DIFF_CSV_COLUMNS, csv_safe)
    return (format_timeline(item) if isinstance(item, Timeline) else format_diff(item)) + "\n"
