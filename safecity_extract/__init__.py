"""safecity-extract: Safe City progress-update PDFs -> clean, normalised rows."""
from __future__ import annotations

from .agencies import load_agencies, match_agencies
from .batch import collect_inputs, run_batch
from .diff import diff_reports, timeline
from .errors import SafecityError
from .extract import extract, extract_with_layout
from .golden import check, compare, format_differences
from .layout import Layout
from .model import Report, Row, validate
from .options import Options
from .reading import load_reports, read_reports, summarise
from .review import review
from .settings import Settings
from .tables import find_tables
from .version import __version__
from .writers import write_combined_csv, write_csv, write_json, write_sqlite

__all__ = ["__version__", "extract", "extract_with_layout", "Layout", "Report", "Row",
           "SafecityError", "Settings", "Options",
           "validate", "collect_inputs", "run_batch", "check", "compare", "format_differences",
           "write_json", "write_csv", "write_combined_csv", "write_sqlite",
           "load_agencies", "match_agencies", "review", "find_tables", "diff_reports",
           "timeline", "load_reports", "read_reports", "summarise"]
