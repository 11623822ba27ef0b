"""A fake extractor whose module takes 3 s to import, as a worker starting on a loaded machine."""
from __future__ import annotations

import time

from tests.test_batch import fake_extract

time.sleep(3)


def slow_start_extract(path: str, **kwargs: object) -> object:
    return fake_extract(path, **kwargs)  # type: ignore[arg-type]
