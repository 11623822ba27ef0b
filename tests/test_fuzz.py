"""Randomly damaged PDFs give a Report or a SafecityError, and nothing else.

Mutants of two small seeds (the first two pages of a sample, compressed and plain) go through
the whole extractor. ExtractionFailed counts as a failure here even though it is a
SafecityError: it wraps an exception nobody expected, which is a bug to fix.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecity_extract import extract
from safecity_extract.errors import ExtractionFailed, SafecityError
from safecity_extract.model import Report, validate

FILES = Path(__file__).resolve().parent / "bad_inputs" / "files"
SEEDS = {name: (FILES / name).read_bytes() for name in ("seed_2pages.pdf", "seed_2pages_plain.pdf")}

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (kind, where as a fraction of the file, bytes): flip xors the bytes in, insert adds them,
# delete removes as many bytes as it has.
mutation = st.tuples(st.sampled_from(["flip", "insert", "delete"]),
                     st.floats(min_value=0, max_value=1, exclude_max=True),
                     st.binary(min_size=1, max_size=24))


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, where, chunk in mutations:
        at = int(where * len(out))
        if kind == "flip":
            for k, b in enumerate(chunk[: len(out) - at]):
                out[at + k] ^= b or 0xFF
        elif kind == "insert":
            out[at:at] = chunk
        else:
            del out[at:at + len(chunk)]
    return bytes(out)


def check_extracts_or_fails_cleanly(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutant.pdf"
        path.write_bytes(data)
        try:
            report = extract(path)
        except ExtractionFailed as exc:
            pytest.fail(f"unexpected exception inside the library: {exc.reason}; "
                        f"cause: {exc.__cause__!r}")
        except SafecityError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
            return
    assert isinstance(report, Report)
    validate(report.to_dict())


@FUZZ
@given(seed=st.sampled_from(sorted(SEEDS)), mutations=st.lists(mutation, min_size=1, max_size=6))
def test_mutated_pdf_gives_a_report_or_a_safecity_error(seed, mutations):
    check_extracts_or_fails_cleanly(mutate(SEEDS[seed], mutations))


@FUZZ
@given(seed=st.sampled_from(sorted(SEEDS)), keep=st.floats(min_value=0, max_value=1))
def test_truncated_pdf_gives_a_report_or_a_safecity_error(seed, keep):
    data = SEEDS[seed]
    check_extracts_or_fails_cleanly(data[: int(len(data) * keep)])


def test_mutate_changes_the_bytes_it_is_told_to():
    assert mutate(b"abcdef", [("flip", 0.5, b"\x01")]) == b"abceef"
    assert mutate(b"abcdef", [("insert", 0.0, b"XY")]) == b"XYabcdef"
    assert mutate(b"abcdef", [("delete", 0.5, b"..")]) == b"abcf"
    assert mutate(b"abc", [("flip", 0.9, b"\x00\x00\x00")]) == b"ab\x9c"
