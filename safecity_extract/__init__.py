"""safecity-extract: Safe City progress-update PDFs -> clean, normalised rows."""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import SafecityError  # noqa: E402
from .extract import extract  # noqa: E402
from .settings import Settings  # noqa: E402
from .model import Report, Row, validate  # noqa: E402
from .writers import write_combined_csv, write_csv, write_json, write_sqlite  # noqa: E402
from .batch import collect_inputs, run_batch  # noqa: E402
from .golden import check, compare, format_differences  # noqa: E402
from .agencies import load_agencies, match_agencies  # noqa: E402

__all__ = ["__version__", "extract", "Report", "Row", "SafecityError", "Settings", "validate",
           "collect_inputs", "run_batch", "check", "compare", "format_differences",
           "write_json", "write_csv", "write_combined_csv", "write_sqlite",
           "load_agencies", "match_agencies"]

from .review import review  # noqa: E402  (HTML review pages)

__all__ += ["review"]

from .tables import find_tables  # noqa: E402  (generic table mode)

__all__ += ["find_tables"]

from .diff import diff_reports, timeline  # noqa: E402  (comparing reports across years)

__all__ += ["diff_reports", "timeline"]
