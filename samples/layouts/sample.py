"""The fixed test sample: compact documents over every family and producer.

Live producers are built at test time; the LibreOffice documents come from committed/.
"""
from __future__ import annotations

from .spec import FAMILIES, Layout, draw

# documents per family and live producer (a Chromium document builds about as fast as a
# reportlab one once the browser runs: see README.md)
PER_FAMILY = {"reportlab": 8, "chromium": 6}


def test_layouts() -> list[Layout]:
    out = []
    for producer, count in PER_FAMILY.items():
        for n in range(count):
            for f, family in enumerate(FAMILIES):
                seed = 50000 + n * len(FAMILIES) + f
                out.append(draw(seed, producer=producer, family=family, compact=True))
    return out
