"""Command line: parse options, call the library, map its errors to exit codes.

No extraction logic lives here; every command is a thin wrapper over a library call.
"""
from __future__ import annotations

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="safecity-extract")
def main() -> None:
    """Read Safe City progress-update PDF reports into clean rows (JSON, CSV, SQLite)."""


# --- extract / check (batch.py, golden.py) -------------------------------------------------


# --- agencies (agencies.py) ----------------------------------------------------------------
