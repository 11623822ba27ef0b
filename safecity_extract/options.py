"""How to read a PDF, besides the file itself: one frozen record that every entry point takes.

``extract``, ``run_batch``, ``check``, ``review``, ``write_overlays`` and ``find_tables`` all
receive an ``Options``; the CLI builds it once from ``--password``, ``--agencies`` (loaded once),
``--ocr`` and the defaults of ``Settings``. It pickles, so batch workers receive it as it is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from .settings import Settings

OCR_MODES = ("auto", "always", "never")

if TYPE_CHECKING:
    from .agencies import Agencies


@dataclass(frozen=True)
class Options:
    # Password of encrypted PDFs (a PDF that needs none still opens when one is given).
    password: str | None = None
    # Canonical agency names to match Lead Agency cells against; None: the shipped list.
    agencies: Agencies | None = None
    # Tolerances and thresholds of the recogniser.
    settings: Settings = field(default_factory=Settings)
    # Which pages are read by OCR (Tesseract, the [ocr] extra): "auto" the pages without a text
    # layer, "always" every page (a poor earlier OCR read again), "never" none.
    ocr: str = "auto"

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, got {self.ocr!r}")

    @classmethod
    def of(cls, password: str | None = None, agencies: Agencies | None = None,
           settings: Settings | Mapping[str, Any] | None = None, ocr: str = "auto") -> Options:
        """An Options from the loose arguments ``extract`` and friends accept."""
        return cls(password, agencies, Settings.resolve(settings), ocr)
