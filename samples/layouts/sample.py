"""The fixed test sample: compact documents over every family and producer.

Live producers are built at test time; the LibreOffice documents come from committed/.
"""
from __future__ import annotations

from .spec import FAMILIES, Layout, draw

PER_FAMILY = {"reportlab": 14}   # documents per family and live producer


def test_layouts() -> list[Layout]:
    out = []
    for producer, count in PER_FAMILY.items():
        for n in range(count):
            for f, family in enumerate(FAMILIES):
                seed = 50000 + n * len(FAMILIES) + f
                out.append(draw(seed, producer=producer, family=family, compact=True))
    return out
