"""safecity-extract: Safe City progress-update PDFs -> clean, normalised rows."""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import SafecityError  # noqa: E402
from .extract import extract  # noqa: E402
from .settings import Settings  # noqa: E402
from .model import Report, Row, validate  # noqa: E402

__all__ = ["__version__", "extract", "Report", "Row", "SafecityError", "Settings", "validate"]
