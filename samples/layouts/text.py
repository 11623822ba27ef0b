"""Fixed text the producers print around the table (never part of the truth rows)."""
from __future__ import annotations

from .spec import Layout

CONTINUED_FOOT = "Continued on next page"
CONTINUED_HEAD = "(continued)"
APPENDIX_ROWS = (
    ("SCC", "Southampton City Council"),
    ("HFRS", "Hampshire Fire and Rescue Service"),
    ("SVS", "Southampton Voluntary Services"),
    ("CPI", "Community Partnership Intelligence"),
    ("PCSO", "Police Community Support Officer"),
    ("YOS", "Youth Offending Service"),
)


def heading_text(layout: Layout, priority: str, number: int) -> str:
    """A priority as a heading or section row: the name, maybe after a numbering label."""
    if layout.heading_prefix == "number":
        return f"{number}. {priority}"
    if layout.heading_prefix == "priority":
        return f"Priority {number}: {priority}"
    return priority


def footer_text(kind: str | None, page: int, total: int | None) -> str:
    if kind == "page":
        return f"Page {page}"
    if kind == "page_of":
        return f"Page {page} of {total}" if total else f"Page {page}"
    return ""


def priority_lines(priority: str, width: int = 28) -> list[str]:
    """A priority broken at word boundaries into lines of at most ``width`` characters."""
    lines: list[str] = []
    for word in priority.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
