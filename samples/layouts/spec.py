"""Seed -> layout spec: every choice a producer needs to draw one report, and its truth.

``draw(seed)`` is pure and deterministic: the same seed always gives the same (frozen,
JSON-serialisable) ``Layout``. The family and producer follow from the seed so that a run
of consecutive seeds covers every family with every live producer.
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from safecity_extract.headers import column_key

from .rows import Link, TruthRow, groups, row_set

ALIASES_CSV = (Path(__file__).resolve().parents[2] / "safecity_extract" / "data"
               / "header_aliases.csv")

FAMILIES = (
    "base",                      # any mix of the other dimensions, no family feature forced
    "f01_header_first_page",     # landscape full grid, header on the first page only
    "f02_group_rules",           # horizontal rules only between priority groups
    "f03_space_separated",       # longtable rules; actions apart by space; continued lines
    "f04_merged_continuation",   # Word-like grid, merged priority cells over page breaks
    "f05_repeated_header_shaded",  # shaded table without rules, header row repeated
    "f06_zebra_band",            # no borders, zebra rows, header a filled band
    "f07_section_rows",          # priority as a full-width section row; no Priority column
    "f08_table_per_priority",    # one table per priority under a heading
    "f09_rotated_watermark",     # priority bottom-to-top in a narrow column; DRAFT watermark
    "f10_symbol_bullets",        # list bullets drawn as U+F0B7 in a symbol font
)
LIVE_PRODUCERS = ("reportlab", "chromium")   # built on demand (tests, bench)
PRODUCERS = (*LIVE_PRODUCERS, "libreoffice")  # libreoffice: committed documents only
BORDERS = ("grid", "outer", "rows", "groups", "header", "none", "longtable")
TITLE = "Safe City Partnership Strategy 2017-2020 Progress Update"
RUNNING_HEADERS = ("Safe City Partnership — Progress Update December 2019",
                   "Southampton Safe City Partnership", "Community Safety Progress Report")
EXTRA_COLUMNS = {  # label -> values drawn per row
    "Ref": (),   # numbered from the group and row: "1.2"
    "RAG": ("Red", "Amber", "Green"),
    "RAG Status": ("Red", "Amber", "Green"),
    "Status": ("On track", "Complete", "Ongoing", "Delayed"),
    "Target date": ("March 2020", "31/03/2020", "Ongoing", "Dec 2019"),
}
DATE_NOTES = ("(December 2019)", "(2019/20)", "December 2019")


@dataclass(frozen=True)
class Column:
    key: str      # priority, action, lead_agency, update, or an extra column's column_key
    label: str    # as printed; "\n" where the label is broken onto a second line
    width: float  # share of the table width (the shares sum to 1)


@dataclass(frozen=True)
class Layout:
    seed: int
    family: str
    producer: str
    page_size: str            # "A4" or "Letter"
    landscape: bool
    margins: tuple[float, float, float, float]  # left, right, top, bottom (points)
    font: str                 # "sans" or "serif"
    font_size: float
    leading: float            # line height / font size
    columns: tuple[Column, ...]
    borders: str              # one of BORDERS
    rule_width: float
    header_repeat: bool
    header_fill: str | None   # hex colour of the header band, or None
    zebra: str | None         # hex colour of every other body row, or None
    pad_v: float              # cell padding, top and bottom
    pad_h: float
    valign: str               # "top" or "middle" (priority cells)
    priority_mode: str        # every, first, merged, section, heading, rotated
    heading_prefix: str       # "", "number" ("2. "), "priority" ("Priority 2: ")
    section_fill: str | None
    justified: bool
    bullet: str               # glyph that opens a list item when drawn: "•" or "\uf0b7"
    running_header: str | None
    footer: str | None        # None, "page", "page_of"
    narrative: tuple[str, ...]  # paragraphs before the table (after an "Introduction" heading)
    appendix: bool            # an abbreviations table after the table
    watermark: str | None
    continued_markers: bool   # "Continued on next page" / "(continued)" at page breaks
    keep_rows_whole: bool     # producer may move a row to the next page rather than split it
    rows: tuple[TruthRow, ...] = field(default=())
    compact: bool = False

    @property
    def doc_id(self) -> str:
        size = "c" if self.compact else ""
        return f"{self.seed:05d}{size}-{self.producer}-{self.family}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def truth(self) -> dict[str, Any]:
        """The rows exactly as drawn, in the extractor's JSON shape (cells and links)."""
        keys = [c.key for c in self.columns]
        columns = ["priority", "action", "lead_agency", "update"]
        columns += [k for k in keys if k not in columns]
        rows = []
        for r in self.rows:
            row: dict[str, Any] = {k: r.cell(k) for k in columns}
            row["links"] = [{"text": k.text, "uri": k.uri} for k in r.links]
            rows.append(row)
        return {"doc_id": self.doc_id, "family": self.family, "producer": self.producer,
                "seed": self.seed, "columns": columns, "rows": rows}


def layout_from_dict(data: dict[str, Any]) -> Layout:
    data = dict(data)
    data["margins"] = tuple(data["margins"])
    data["columns"] = tuple(Column(**c) for c in data["columns"])
    data["narrative"] = tuple(data["narrative"])
    data["rows"] = tuple(
        TruthRow(r["priority"], r["action"], r["lead_agency"], r["update"],
                 tuple((k, v) for k, v in r["extras"]), tuple(Link(**k) for k in r["links"]))
        for r in data["rows"])
    return Layout(**data)


def alias_pool() -> dict[str, list[str]]:
    pool: dict[str, list[str]] = {}
    with open(ALIASES_CSV, encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    for rec in csv.DictReader(lines):
        pool.setdefault(rec["field"], []).append(rec["alias"])
    return pool


def _label(rng: random.Random, key: str, pool: dict[str, list[str]]) -> str:
    alias = rng.choice(pool[key])
    label = " ".join(w if w.isupper() else (w[0].upper() + w[1:]) for w in alias.split())
    if rng.random() < 0.5:
        label = label[0] + label[1:].lower()  # sentence case
    if key == "update" and rng.random() < 0.3:
        label += " " + rng.choice(DATE_NOTES)
    words = label.split(" ")
    if len(words) >= 2 and rng.random() < 0.35:  # a label broken onto two lines
        cut = rng.randint(1, len(words) - 1)
        label = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
    return label


def _columns(rng: random.Random, family: str, priority_mode: str, usable: float,
             pool: dict[str, list[str]]) -> tuple[Column, ...]:
    keys = ["action", "lead_agency", "update"]
    if rng.random() < 0.25:
        keys = rng.choice((["action", "update", "lead_agency"],
                           ["lead_agency", "action", "update"]))
    if priority_mode not in ("section", "heading"):
        keys.insert(0 if rng.random() < 0.85 or priority_mode == "rotated" else 1, "priority")
    extras = []
    n_extra = rng.choice((0, 0, 0, 1, 1, 2))
    for label in rng.sample(sorted(EXTRA_COLUMNS), k=n_extra):
        if "RAG" in label and any("RAG" in e for e in extras):
            continue
        extras.append(label)
    base_w = {"priority": rng.uniform(0.12, 0.2), "action": rng.uniform(0.2, 0.3),
              "lead_agency": rng.uniform(0.11, 0.17), "update": rng.uniform(0.35, 0.5)}
    if priority_mode == "rotated":
        base_w["priority"] = 0.0  # fixed below
    cols = [(k, _label(rng, k, pool), base_w[k]) for k in keys]
    for label in extras:
        width = 0.075 if label in ("Ref", "RAG") else 0.1
        entry = (column_key(label), label, width)  # the reader's key: "Status" -> status_printed
        if label == "Ref":
            cols.insert(0, entry)
        else:
            cols.append(entry)
    fixed = 52.0 / usable if priority_mode == "rotated" else 0.0
    total = sum(w for _, _, w in cols)
    scale = (1.0 - fixed) / total
    out = []
    for key, label, w in cols:
        share = fixed if (key == "priority" and priority_mode == "rotated") else w * scale
        if key in ("priority", "lead_agency") and share * usable < 78 and fixed == 0.0:
            share = 78 / usable
        out.append(Column(key, label, share))
    norm = sum(c.width for c in out)
    return tuple(Column(c.key, c.label, round(c.width / norm, 4)) for c in out)


def _extras(rng: random.Random, rows: list[TruthRow], columns: tuple[Column, ...]
            ) -> list[TruthRow]:
    fixed = ("priority", "action", "lead_agency", "update")
    extra_cols = [c for c in columns if c.key not in fixed]
    if not extra_cols:
        return rows
    out = []
    numbering = {}
    for g, idx in enumerate(groups(rows), start=1):
        for n, i in enumerate(idx, start=1):
            numbering[i] = f"{g}.{n}"
    for i, r in enumerate(rows):
        cells = []
        for c in extra_cols:
            values = EXTRA_COLUMNS[c.label]
            cells.append((c.key, numbering[i] if not values else rng.choice(values)))
        out.append(TruthRow(r.priority, r.action, r.lead_agency, r.update, tuple(cells), r.links))
    return out


def _narrative(rng: random.Random, rows: list[TruthRow]) -> tuple[str, ...]:
    if rng.random() < 0.6:
        return ()
    paras = [p for r in rows for p in r.update.split("\n\n") if "\n" not in p and len(p) > 120]
    return tuple(rng.sample(paras, k=min(len(paras), rng.randint(1, 4))))


FAMILY_BORDERS = {"f01_header_first_page": "grid", "f02_group_rules": "groups",
                  "f03_space_separated": "longtable", "f04_merged_continuation": "grid",
                  "f05_repeated_header_shaded": "none", "f06_zebra_band": "none",
                  "f09_rotated_watermark": "grid", "f10_symbol_bullets": "grid"}


def draw(seed: int, producer: str | None = None, family: str | None = None,
         compact: bool = False) -> Layout:
    """The layout of document ``seed`` (family and producer from the seed unless given).

    ``compact`` draws a shorter row set (8 to 14 of the source rows, perturbed), for tests
    that must build many documents quickly."""
    rng = random.Random(f"safecity-layout-{seed}")
    family = family or FAMILIES[seed % len(FAMILIES)]
    producer = producer or LIVE_PRODUCERS[(seed // len(FAMILIES)) % len(LIVE_PRODUCERS)]
    landscape = family == "f01_header_first_page" or rng.random() < 0.3
    page_size = rng.choice(("A4", "A4", "Letter"))
    page_w = (842.0 if page_size == "A4" else 792.0) if landscape else (
        595.0 if page_size == "A4" else 612.0)
    margins = (rng.choice((36.0, 45.0, 54.0, 57.0, 72.0)), rng.choice((36.0, 45.0, 54.0, 57.0)),
               rng.choice((40.0, 54.0, 60.0, 72.0)), rng.choice((40.0, 54.0, 60.0, 72.0)))
    usable = page_w - margins[0] - margins[1]

    borders = FAMILY_BORDERS.get(family) or rng.choice(
        ("grid", "grid", "outer", "rows", "rows", "header", "none"))
    priority_mode = {"f04_merged_continuation": "merged", "f07_section_rows": "section",
                     "f08_table_per_priority": "heading", "f09_rotated_watermark": "rotated",
                     }.get(family) or rng.choice(("every", "first", "first", "merged"))
    if priority_mode == "merged" and borders not in ("grid", "rows", "outer"):
        priority_mode = "first"
    if family == "f07_section_rows":
        borders = rng.choice(("grid", "rows", "none"))
    if family == "f08_table_per_priority":
        borders = rng.choice(("grid", "rows", "header", "none"))
    if family == "f02_group_rules" and priority_mode == "every":
        priority_mode = "first"
    header_fill = rng.choice((None, "#D9D9D9", "#9FB6CD", "#C6D9F1", "#DDE4D0"))
    zebra = rng.choice((None, None, None, "#EEF2F7"))
    if family in ("f05_repeated_header_shaded", "f06_zebra_band"):
        header_fill = rng.choice(("#9FB6CD", "#C6D9F1", "#BFBFBF", "#D9E2F3"))
        zebra = rng.choice(("#EEF2F7", "#F2F2F2", "#EAF1DD")) if (
            family == "f06_zebra_band" or rng.random() < 0.5) else None
    if zebra and priority_mode == "merged":
        priority_mode = "first"
    header_repeat = rng.random() < 0.7
    if family == "f01_header_first_page":
        header_repeat = False
    if family in ("f05_repeated_header_shaded", "f08_table_per_priority", "f03_space_separated"):
        header_repeat = True

    pool = alias_pool()
    columns = _columns(rng, family, priority_mode, usable, pool)
    kind = rng.choice(("source", "source", "fewer", "more", "perturbed"))
    if family == "f04_merged_continuation":
        kind = rng.choice(("source", "more"))
    if compact:
        kind = "compact"
    bullets = 0.35 if family == "f10_symbol_bullets" else rng.choice((0.0, 0.0, 0.1))
    rows = _extras(rng, row_set(rng, kind, bullets), columns)
    if producer == "libreoffice":
        rows = [TruthRow(r.priority, r.action, r.lead_agency, r.update, r.extras) for r in rows]
    font_size = rng.choice((8.5, 9.0, 9.5, 10.0, 10.5, 11.0))
    font = rng.choice(("sans", "sans", "serif"))
    pad_h = rng.choice((3.0, 4.0, 5.0, 6.0))
    rotated = priority_mode == "rotated"
    fitted = fit_widths(columns, rows, font, font_size, pad_h, usable, rotated)
    while not fits(fitted, rows, font, font_size, pad_h, usable, rotated):
        extra = [c.key for c in columns if c.key not in FIXED]
        if not extra:
            break
        # no room for every column's longest word: leave an extra column out
        columns, rows = without(columns, rows, extra[-1])
        fitted = fit_widths(columns, rows, font, font_size, pad_h, usable, rotated)
    columns = fitted
    watermark = "DRAFT" if family == "f09_rotated_watermark" or rng.random() < 0.05 else None
    layout = Layout(
        seed=seed, family=family, producer=producer, page_size=page_size,
        landscape=landscape, margins=margins, font=font,
        font_size=font_size, leading=rng.choice((1.15, 1.2, 1.25, 1.35)), columns=columns,
        borders=borders, rule_width=rng.choice((0.5, 0.75, 1.0)), header_repeat=header_repeat,
        header_fill=header_fill, zebra=zebra,
        pad_v=rng.choice((3.0, 4.0, 5.0, 6.0)) if borders not in ("none", "header", "longtable",
                                                                  "groups") or zebra
        else rng.choice((5.0, 6.0, 8.0)),
        pad_h=pad_h,
        valign=rng.choice(("top", "top", "middle")) if priority_mode == "merged" else "top",
        priority_mode=priority_mode,
        heading_prefix=rng.choice(("", "number", "priority")),
        section_fill=rng.choice((None, "#E7E6E6", "#DBE5F1")) if family == "f07_section_rows"
        else None,
        justified=rng.random() < 0.25,
        bullet="\uf0b7" if family == "f10_symbol_bullets" else "•",
        running_header=rng.choice(RUNNING_HEADERS) if rng.random() < 0.35 else None,
        footer=rng.choice((None, "page", "page_of")),
        narrative=_narrative(rng, rows),
        appendix=rng.random() < 0.25,
        watermark=watermark,
        continued_markers=family == "f03_space_separated" or (
            borders in ("none", "header") and rng.random() < 0.15),
        # family 4 needs rows that run over page breaks (build.py makes sure one does)
        keep_rows_whole=rng.random() < 0.2 and family != "f04_merged_continuation",
        rows=tuple(rows),
        compact=compact,
    )
    if producer == "libreoffice" and layout.continued_markers:
        # Word draws these lines in the text flow, between parts of the table split at
        # page ends (render_libreoffice.py): rows kept whole, and no table per priority
        split = priority_mode != "heading"
        layout = replace(layout, continued_markers=split,
                         keep_rows_whole=split or layout.keep_rows_whole)
    return layout


METRIC_FONTS = {"sans": ("Helvetica", "Helvetica-Bold"), "serif": ("Times-Roman", "Times-Bold")}


FIXED = ("priority", "action", "lead_agency", "update")


def without(columns: tuple[Column, ...], rows: list[TruthRow], key: str
            ) -> tuple[tuple[Column, ...], list[TruthRow]]:
    """The columns and rows with one extra column left out (shares scaled back to 1)."""
    kept = [c for c in columns if c.key != key]
    total = sum(c.width for c in kept)
    cols = tuple(Column(c.key, c.label, round(c.width / total, 4)) for c in kept)
    out = [TruthRow(r.priority, r.action, r.lead_agency, r.update,
                    tuple((k, v) for k, v in r.extras if k != key), r.links) for r in rows]
    return cols, out


def _needs(columns: tuple[Column, ...], rows: list[TruthRow], font: str, size: float,
           pad_h: float, usable: float, rotated: bool) -> list[float]:
    """The width (points) each column needs for its longest word."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = METRIC_FONTS[font]
    need = []
    for c in columns:
        if c.key == "priority" and rotated:
            need.append(c.width * usable)
            continue
        words = [(w, bold) for line in c.label.split("\n") for w in line.split()]
        words += [(w, regular) for r in rows for w in r.cell(c.key).split()]
        widest = max((stringWidth(w, f, size) for w, f in words), default=0.0)
        need.append(widest * 1.12 + 2 * pad_h + size * 1.6 + 4)
    return need


def fits(columns: tuple[Column, ...], rows: list[TruthRow], font: str, size: float,
         pad_h: float, usable: float, rotated: bool) -> bool:
    """Does every column hold its longest word?"""
    need = _needs(columns, rows, font, size, pad_h, usable, rotated)
    return all(c.width * usable >= n - 0.5 for c, n in zip(columns, need))


def fit_widths(columns: tuple[Column, ...], rows: list[TruthRow], font: str, size: float,
               pad_h: float, usable: float, rotated: bool) -> tuple[Column, ...]:
    """Widen every column to hold its longest word (label in bold, cells in the body font),
    taking the room from the widest columns, so no producer ever breaks a word."""
    need = _needs(columns, rows, font, size, pad_h, usable, rotated)
    widths = [c.width * usable for c in columns]
    for _ in range(len(columns) * 2):
        short = [i for i, w in enumerate(widths) if w < need[i]]
        if not short:
            break
        for i in short:
            lack = need[i] - widths[i]
            donor = max(range(len(widths)), key=lambda j: widths[j] - need[j])
            give = min(lack, widths[donor] - need[donor])
            if give <= 0:
                break
            widths[i] += give
            widths[donor] -= give
    return tuple(Column(c.key, c.label, round(w / usable, 4)) for c, w in zip(columns, widths))


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
