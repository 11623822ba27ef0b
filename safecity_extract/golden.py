"""Compare extractions with golden JSON files and describe the differences readably.

Rows are aligned by their action text (so one inserted or lost row shows as one difference,
not a shifted table), then compared field by field; text changes are shown as a word diff.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .batch import Input, collect_inputs
from .errors import BatchInterrupted, DataFileError, SafecityError, Terminated, shown
from .executors import ExtractFn, ExtractJob, LocalPool, extract_one
from .limits import MAX_GOLDEN_BYTES, read_small_file
from .model import Report
from .options import Options
from .files import atomic_write_text
from .guard import refuse_inputs_as_outputs
from .writers import report_csv_text

# Document-level keys compared, as (label, path into the report dict). The source file name
# is left out on purpose: a renamed copy of the same bytes is the same document.
_DOCUMENT_FIELDS = (("title", ("title",)), ("columns", ("columns",)),
                    ("schema_version", ("schema_version",)), ("sha256", ("source", "sha256")),
                    ("pages", ("source", "pages")), ("warnings", ("warnings",)))
_CONTEXT_WORDS = 6


@dataclass(frozen=True)
class Difference:
    """One way an extraction differs from its golden file.

    ``kind`` is "document" (title, columns, ...), "field" (one cell of a matched row),
    "missing_row" (in the golden file only), "extra_row" (in the extraction only) or "csv".
    ``row`` is the golden row number (the found one for an extra row).
    """

    file: str
    kind: str
    field: str
    expected: Any = None
    found: Any = None
    row: int | None = None
    found_row: int | None = None


# --- comparing -------------------------------------------------------------------------------


def compare(report_or_dict: Report | dict[str, Any], golden_path: str | Path) -> list[Difference]:
    """Every difference between an extraction and the golden JSON at ``golden_path``."""
    found = report_or_dict.to_dict() if isinstance(report_or_dict, Report) else report_or_dict
    return compare_dicts(load_golden(golden_path), found, str(golden_path))


def compare_dicts(expected: dict[str, Any], found: dict[str, Any], file: str = ""
                  ) -> list[Difference]:
    """Like :func:`compare`, on two report dicts."""
    diffs = [Difference(file, "document", label, _dig(expected, keys), _dig(found, keys))
             for label, keys in _DOCUMENT_FIELDS if _dig(expected, keys) != _dig(found, keys)]
    exp_rows, found_rows = expected.get("rows", []), found.get("rows", [])
    for i, j in align_rows(exp_rows, found_rows):
        if j is None:
            diffs.append(Difference(file, "missing_row", "action", _action(exp_rows[i]), None,
                                    row=exp_rows[i].get("row")))
        elif i is None:
            diffs.append(Difference(file, "extra_row", "action", None, _action(found_rows[j]),
                                    row=found_rows[j].get("row")))
        else:
            diffs += compare_rows(exp_rows[i], found_rows[j], file)
    return diffs


def _dig(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _action(row: dict[str, Any]) -> str:
    return str(row.get("action", ""))


def align_rows(expected: Sequence[dict[str, Any]],
               found: Sequence[dict[str, Any]]) -> list[tuple[int | None, int | None]]:
    """Pairs of (golden index, found index); None on one side for a missing or extra row.

    Rows with equal action text are matched first; in a stretch that differs on both sides
    the rows are paired by position, so an edited action reads as one changed field.
    """
    matcher = SequenceMatcher(None, [_action(r) for r in expected],
                              [_action(r) for r in found], autojunk=False)
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        common = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        pairs += [(i1 + k, j1 + k) for k in range(common)]
        pairs += [(i, None) for i in range(i1 + common, i2)]
        pairs += [(None, j) for j in range(j1 + common, j2)]
    return pairs


def compare_rows(expected: dict[str, Any], found: dict[str, Any], file: str = ""
                 ) -> list[Difference]:
    """One Difference per field that differs, in the golden row's field order."""
    names = [k for k in expected if k != "row"] + [k for k in found if k not in expected]
    return [Difference(file, "field", name, expected.get(name), found.get(name),
                       row=expected.get("row"), found_row=found.get("row"))
            for name in names if expected.get(name) != found.get(name)]


# --- describing ------------------------------------------------------------------------------


def word_diff(old: str, new: str, context: int | None = _CONTEXT_WORDS) -> str:
    """``old`` turned into ``new`` as words, removed ones as [-...-], added ones as {+...+}.

    With ``context``, runs of unchanged words longer than that are cut down to "…".
    """
    a, b = old.split(), new.split()
    parts: list[str] = []
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            parts += _trim(a[i1:i2], context, first=n == 0, last=n == len(ops) - 1)
            continue
        if i2 > i1:
            parts.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(parts)


def _trim(words: list[str], context: int | None, first: bool, last: bool) -> list[str]:
    if context is None:
        return words
    head = [] if first else words[:context]
    tail = [] if last else words[-context:]
    if len(head) + len(tail) >= len(words):
        return words
    return head + ["…"] + tail


def show(value: Any, limit: int = 100) -> str:
    """A value on one line: text as is, lists and dicts as JSON, cut at ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = shown(re.sub(r"\s+", " ", text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(diff: Difference) -> list[str]:
    """The lines describing one difference (no file name)."""
    where = _where(diff)
    if diff.kind == "missing_row":
        return [f"{where}: missing (in golden, not found): {show(diff.expected)!r}"]
    if diff.kind == "extra_row":
        return [f"{where}: extra (found, not in golden): {show(diff.found)!r}"]
    lines = [f"{where}, {diff.field}:",
             f"    expected: {show(diff.expected)}",
             f"    found:    {show(diff.found)}"]
    if isinstance(diff.expected, str) and isinstance(diff.found, str):
        lines.append(f"    words:    {word_diff(diff.expected, diff.found)}")
    return lines


def _where(diff: Difference) -> str:
    if diff.kind == "document":
        return "document"
    if diff.kind == "csv":
        return "csv file"
    if diff.kind == "extra_row":
        return f"row {diff.row}"
    moved = f" (found as row {diff.found_row})" if diff.found_row not in (None, diff.row) else ""
    return f"row {diff.row}{moved}"


def summary(diffs: Sequence[Difference]) -> str:
    """E.g. "3 differences: 1 changed field, 1 missing row, 1 extra row"."""
    if not diffs:
        return "no differences"
    names = {"document": "document field", "field": "changed field", "missing_row": "missing row",
             "extra_row": "extra row", "csv": "csv difference"}
    counts = [(names[k], sum(d.kind == k for d in diffs)) for k in names]
    parts = [f"{n} {name}{'s' * (n != 1)}" for name, n in counts if n]
    return f"{len(diffs)} difference{'s' * (len(diffs) != 1)}: " + ", ".join(parts)


def format_differences(diffs: Sequence[Difference], file: str | None = None) -> str:
    """A readable report: the file, each difference by row and field, then a summary line."""
    name = shown(file or (diffs[0].file if diffs else ""))
    lines = [f"--- {name}"] if name else []
    for diff in diffs:
        lines += ["  " + line for line in describe(diff)]
    return "\n".join(lines + [summary(diffs)])


# --- checking files --------------------------------------------------------------------------


@dataclass
class CheckResult:
    """``status``: same | different | missing (no golden) | error | created | updated."""

    input: Input
    golden: Path
    status: str
    differences: list[Difference] = field(default_factory=list)
    error: str = ""
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.status in ("same", "created", "updated")


def golden_paths(inp: Input, golden_dir: str | Path) -> tuple[Path, Path]:
    """``golden/X.json`` and ``golden/X.csv`` for ``X.pdf``, mirroring folders below the input."""
    return inp.output(Path(golden_dir), "json"), inp.output(Path(golden_dir), "csv")


def check(pdf_paths: Iterable[str | Path], golden_dir: str | Path, update: bool = False, *,
          recursive: bool = False, options: Options | None = None,
          extract_fn: ExtractFn | None = None, timeout: float | None = None,
          max_memory: int | None = None) -> list[CheckResult]:
    """Extract each PDF and compare it with its golden files, one result per file.

    With ``update`` golden files that differ or are missing are (re)written atomically and
    reported as "updated" / "created"; without it a missing golden is reported, not made.
    With a ``timeout`` (seconds per file) or ``max_memory`` (MiB) the files are read in a
    worker process under those bounds, else in this process. Raises BatchInterrupted on
    Ctrl-C or SIGTERM.
    """
    job = ExtractJob(options or Options(), extract_fn, timeout, max_memory)
    inputs = collect_inputs(pdf_paths, recursive)
    if update:
        refuse_inputs_as_outputs([p for inp in inputs for p in golden_paths(inp, golden_dir)],
                                 [inp.path for inp in inputs])
    if timeout is None and max_memory is None:
        outcomes: Iterator[tuple[str, Any, str]] = (
            extract_one(inp.path, job) for inp in inputs)
    else:
        outcomes = ((o.status, o.payload, o.detail) for o in
                    LocalPool(1).outcomes([inp.path for inp in inputs], job, timeout))
    results: list[CheckResult] = []
    try:
        for inp, outcome in zip(inputs, outcomes):
            results.append(judge(inp, golden_dir, update, *outcome))
    except (KeyboardInterrupt, Terminated) as exc:
        raise BatchInterrupted(len(results), len(inputs), exc) from None
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
    return results


def check_one(inp: Input, golden_dir: str | Path, update: bool, job: ExtractJob
              ) -> CheckResult:
    """Extract one file in this process and compare it with its golden files."""
    return judge(inp, golden_dir, update, *extract_one(inp.path, job))


def judge(inp: Input, golden_dir: str | Path, update: bool, status: str, payload: Any,
          detail: str) -> CheckResult:
    """One file's check from its extraction outcome (status, report or message, traceback).

    A golden file that cannot be read or written is an "error" naming it."""
    json_path, csv_path = golden_paths(inp, golden_dir)
    if status != "ok":
        return CheckResult(inp, json_path, "error", error=payload, detail=detail)
    report: Report = payload
    csv_text = report_csv_text(report)
    try:
        if not json_path.exists() and not json_path.is_symlink():
            if not update:
                return CheckResult(inp, json_path, "missing")
            _write_golden(report, csv_text, json_path, csv_path)
            return CheckResult(inp, json_path, "created")
        diffs = compare(report, json_path) + _csv_difference(csv_text, csv_path)
        if not diffs:
            return CheckResult(inp, json_path, "same")
        if update:
            _write_golden(report, csv_text, json_path, csv_path)
            return CheckResult(inp, json_path, "updated", diffs)
    except SafecityError as exc:
        return CheckResult(inp, json_path, "error", error=str(exc))
    return CheckResult(inp, json_path, "different", diffs)


def load_golden(path: str | Path) -> dict[str, Any]:
    """A golden JSON file as a report dict; DataFileError naming the file and the cause."""
    data = read_small_file(path, MAX_GOLDEN_BYTES, "golden file")
    try:
        golden = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise DataFileError(str(path), "golden file", "is not UTF-8 text: write it again "
                            "with check --update") from None
    except json.JSONDecodeError as exc:
        raise DataFileError(str(path), "golden file", f"is not valid JSON ({exc.msg} at line "
                            f"{exc.lineno}): cut short? write it again with check --update"
                            ) from None
    problem = _shape_problem(golden)
    if problem:
        raise DataFileError(str(path), "golden file", f"{problem}: is it a golden file made "
                            "by check --update?")
    return dict(golden)


def _shape_problem(golden: Any) -> str:
    if not isinstance(golden, dict):
        return f"holds a JSON {type(golden).__name__}, not an object"
    rows = golden.get("rows", [])
    if not isinstance(rows, list):
        return f"has rows as a {type(rows).__name__}, not a list"
    if not all(isinstance(row, dict) for row in rows):
        return "has a row that is not an object"
    return ""


def _csv_difference(text: str, csv_path: Path) -> list[Difference]:
    """A "csv" difference when the golden CSV is missing or not these exact bytes."""
    try:
        old = read_small_file(csv_path, MAX_GOLDEN_BYTES, "golden CSV").decode("utf-8")
    except DataFileError:
        if not csv_path.exists() and not csv_path.is_symlink():
            return [Difference(str(csv_path), "csv", "file", "(a golden CSV)", "(no file)")]
        raise
    except UnicodeDecodeError:
        raise DataFileError(str(csv_path), "golden CSV", "is not UTF-8 text: write it again "
                            "with check --update") from None
    if old == text:
        return []
    changed = [n + 1 for n, (a, b) in enumerate(zip(old.splitlines(), text.splitlines())) if a != b]
    first = changed[0] if changed else min(len(old.splitlines()), len(text.splitlines())) + 1
    return [Difference(str(csv_path), "csv", f"line {first}", show(_line(old, first)),
                       show(_line(text, first)))]


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if number <= len(lines) else "(end of file)"


def _write_golden(report: Report, csv_text: str, json_path: Path, csv_path: Path) -> None:
    for path, text in ((json_path, report.to_json()), (csv_path, csv_text)):
        try:
            atomic_write_text(path, text)
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise DataFileError(str(path), "golden file", f"cannot be written ({why}): check "
                                "the folder and its permissions") from exc


def format_check(results: Sequence[CheckResult]) -> str:
    """One line per file (with the differences under a changed one) and a count line."""
    lines = []
    for res in results:
        lines += _result_lines(res)
    counts: dict[str, int] = {}
    for res in results:
        counts[res.status] = counts.get(res.status, 0) + 1
    lines.append(", ".join(f"{n} {status}" for status, n in counts.items()) or "no files")
    return "\n".join(lines)


def _result_lines(res: CheckResult) -> list[str]:
    src, golden = shown(res.input.path), shown(res.golden)
    if res.status == "same":
        return [f"same: {src}"]
    if res.status == "missing":
        return [f"missing golden: {golden} for {src} (run with --update to create it)"]
    if res.status == "error":
        return [f"error: {shown(res.error)}"]
    if res.status == "created":
        return [f"created: {golden} (JSON and CSV) for {src}"]
    verb = "updated" if res.status == "updated" else "different"
    return [f"{verb}: {src} vs {golden}",
            format_differences(res.differences, str(res.golden))]
