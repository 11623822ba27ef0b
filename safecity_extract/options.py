"""How to read a PDF, besides the file itself: one frozen record that every entry point takes.

``extract``, ``run_batch``, ``check``, ``review``, ``write_overlays`` and ``find_tables`` all
receive an ``Options``; the CLI builds it once from ``--password``, ``--agencies`` (loaded once),
``--ocr``, ``--header-aliases`` (loaded once, into ``Settings.header_aliases``) and the
defaults of ``Settings``. It pickles, so batch workers receive it as it is.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping, Union

from .settings import Settings

OCR_MODES = ("auto", "always", "never")
# What ``header_aliases=`` takes: a ``label,key`` file's path, or a mapping label -> key.
HeaderAliasesSource = Union[str, "os.PathLike[str]", Mapping[str, str], None]

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
           settings: Settings | Mapping[str, Any] | None = None, ocr: str = "auto",
           header_aliases: HeaderAliasesSource = None) -> Options:
        """An Options from the loose arguments ``extract`` and friends accept;
        ``header_aliases`` (a path or a mapping) goes into ``Settings.header_aliases``."""
        resolved = Settings.resolve(settings)
        if header_aliases is not None:
            from .headers import load_header_aliases

            resolved = replace(resolved, header_aliases=load_header_aliases(header_aliases))
        return cls(password, agencies, resolved, ocr)
