"""What the bench scripts share: their command line's results-file options, one section of
bench/RESULTS.md put in place (the others left as they are), and precision/recall/F1.

Imported as ``bench.common`` once a script has put the checkout's root on ``sys.path``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"


def parser(doc: str | None) -> argparse.ArgumentParser:
    """A script's parser, described by the first line of its docstring."""
    return argparse.ArgumentParser(description=(doc or "").splitlines()[0])


def add_results(parser: argparse.ArgumentParser, *flags: str, no_write: bool = True) -> None:
    """The results file the section goes in (``--results`` unless other ``flags`` are given;
    ``args.results`` either way) and, with ``no_write``, ``--no-write`` to only print it."""
    parser.add_argument(*(flags or ("--results",)), dest="results", type=Path, default=RESULTS,
                        help="results file to write the section in")
    if no_write:
        parser.add_argument("--no-write", action="store_true",
                            help="print, do not touch RESULTS")


def replace_section(old: str, text: str, heading: str | None = None) -> str:
    """``old`` (a results file's text) with the section ``heading`` (by default ``text``'s
    first line) replaced by ``text``, up to the next "## " heading; appended when absent."""
    heading = heading or text.split("\n", 1)[0]
    start = old.find(heading + "\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(heading))
        new = old[:start] + text + (old[end:] if end >= 0 else "")
    return new.rstrip("\n") + "\n"


def write_section(path: Path, text: str, heading: str | None = None) -> None:
    """Put ``text`` in place of its section of the results file ``path`` (made if missing),
    atomically."""
    from safecity_extract.files import atomic_write_text

    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, replace_section(old, text, heading))


def publish(text: str, path: Path, write: bool = True) -> int:
    """Print a script's section and, if ``write``, put it in the results file ``path``; the
    script's exit code."""
    print(text)
    if write:
        write_section(path, text)
    return 0


class PrecisionRecall:
    """precision, recall and F1 of a record that says how many it got right, how many it
    gave and how many there were (``hits()``)."""

    def hits(self) -> tuple[int, int, int]:  # right, given, true
        raise NotImplementedError

    @property
    def precision(self) -> float:
        right, given, _ = self.hits()
        return right / given if given else 0.0

    @property
    def recall(self) -> float:
        right, _, true = self.hits()
        return right / true if true else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
