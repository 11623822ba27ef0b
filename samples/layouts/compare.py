"""Score one extraction against a layout's truth: exact or not, why, and whether it was loud.

Used by bench/layouts.py and tests/test_layouts.py. A failure is *silent* when the report
has no warning and none of the extracted rows that differ from the truth carries a flag
that expresses doubt (flags that only describe routine work, such as a priority filled
down, do not count).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

ROUTINE_FLAGS = frozenset({"joined_across_pages", "priority_filled_down"})


@dataclass(frozen=True)
class Outcome:
    doc_id: str
    family: str
    producer: str
    exact: bool
    silent: bool
    cause: str                      # "" when exact
    rows_expected: int
    rows_got: int
    cells_wrong: int
    warnings: int
    details: list[str] = field(default_factory=list)
    losses: int = 0  # warnings of possible loss among ``warnings``
    # Would be silent without the loss checks (their warnings and the possible_merged_rows flag)
    silent_but_for_loss: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _cells(row: dict[str, Any], columns: list[str]) -> tuple[Any, ...]:
    vals: list[Any] = [row.get(k, "") for k in columns]
    vals.append(tuple((lk["text"], lk["uri"]) for lk in row.get("links", [])))
    return tuple(vals)


def _short(text: Any, n: int = 60) -> str:
    s = repr(text)
    return s if len(s) <= n else s[:n - 3] + "..."


def _diff(got: Any, want: Any) -> str:
    """Got and want around the first character where they differ."""
    if not (isinstance(got, str) and isinstance(want, str)):
        return f"got {_short(got)}, want {_short(want)}"
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    start = max(0, at - 20)
    pre = "..." if start else ""
    return (f"at char {at}: got {pre}{_short(got[start:at + 30], 56)}, "
            f"want {pre}{_short(want[start:at + 30], 56)}")


def compare(truth: dict[str, Any], report: dict[str, Any]) -> Outcome:
    """Compare ``report`` (``Report.to_dict()``) with ``truth`` (``Layout.truth()``)."""
    columns = list(truth["columns"])
    names = columns + ["links"]
    want = [_cells(r, columns) for r in truth["rows"]]
    got_rows = report["rows"]
    got = [_cells(r, columns) for r in got_rows]
    details: list[str] = []
    wrong_rows: set[int] = set()
    cells_wrong = 0
    if list(report["columns"]) != columns:
        details.append(f"columns {report['columns']} != {columns}")
    matcher = difflib.SequenceMatcher(a=[w[1] for w in want], b=[g[1] for g in got],
                                      autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and a1 - a0 == b1 - b0):
            for i, j in zip(range(a0, a1), range(b0, b1)):
                for k, name in enumerate(names):
                    if want[i][k] != got[j][k]:
                        cells_wrong += 1
                        wrong_rows.add(j)
                        details.append(f"row {i + 1} {name}: " + _diff(got[j][k], want[i][k]))
            continue
        if a1 > a0:
            details.append(f"rows {a0 + 1}-{a1} of the truth missing or merged "
                           f"(first: {_short(want[a0][1], 50)})")
            cells_wrong += (a1 - a0) * len(names)
        if b1 > b0:
            details.append(f"{b1 - b0} extracted row(s) at {b0 + 1} not in the truth "
                           f"(first action: {_short(got[b0][1], 50)})")
            wrong_rows.update(range(b0, b1))
    exact = not details
    flagged = any(set(got_rows[j].get("flags", [])) - ROUTINE_FLAGS for j in wrong_rows)
    warnings = len(report.get("warnings", []))
    losses = sum(1 for w in report.get("warnings", []) if w.get("loss"))
    other_flag = any(set(got_rows[j].get("flags", [])) - ROUTINE_FLAGS - {"possible_merged_rows"}
                     for j in wrong_rows)
    return Outcome(
        doc_id=truth["doc_id"], family=truth["family"], producer=truth["producer"],
        exact=exact, silent=not exact and warnings == 0 and not flagged,
        cause=details[0] if details else "", rows_expected=len(want), rows_got=len(got),
        cells_wrong=cells_wrong, warnings=warnings, details=details[:20], losses=losses,
        silent_but_for_loss=not exact and warnings == losses and not other_flag)


def failed(doc_id: str, family: str, producer: str, cause: str) -> Outcome:
    """The outcome for a document whose extraction raised (loud by definition)."""
    return Outcome(doc_id, family, producer, False, False, cause, 0, 0, 0, 1, [cause])


def evaluate(pdf: str, truth: dict[str, Any]) -> Outcome:
    """Extract ``pdf`` with the library's public API and compare it with ``truth``."""
    import safecity_extract as sx

    try:
        report = sx.extract(pdf).to_dict()
    except sx.SafecityError as exc:
        return failed(truth["doc_id"], truth["family"], truth["producer"],
                      f"extract raised: {str(exc).split(': ', 1)[-1][:120]}")
    return compare(truth, report)
