"""Page tables -> one table: rows continued over a page break joined, merged priority cells
filled down, each with the flag that says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .cells import Line, cell_text, ends_sentence, join_parts, starts_sentence, wrapped
from .grid import ACTION, PRIORITY, Band, PageTable
from .model import (FLAG_BREAK_GUESSED, FLAG_CUT, FLAG_FILLED, FLAG_FROM_SECTION, FLAG_JOINED,
                    FLAG_LINK_MOVED, FLAG_PRIORITY_MISSING, FLAG_SPLIT_GUESSED, Box, Link, Row,
                    Warning_)
from .markers import marker_key
from .sections import strip_numbering
from .settings import Settings

@dataclass
class Draft:
    """A row being assembled: its text so far and where it came from."""

    cells: dict[str, str]
    links: list[Link] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    # Per column: the last line on the latest page and how far text reaches in that column.
    tails: dict[str, tuple[Line, float]] = field(default_factory=dict)
    # Per column: the page of that last line.
    tail_pages: dict[str, int] = field(default_factory=dict)
    # Columns whose cell ended on the latest page with room left below it (ended_columns).
    ended: frozenset[str] = frozenset()
    # The lowest text of the row (Priority aside) on its latest page.
    bottom: float = 0.0


def band_texts(band: Band, pitch: float, settings: Settings) -> dict[str, str]:
    return {name: cell_text(lines, pitch, settings.paragraph_gap)
            for name, lines in band.cells.items() if lines}


def ended_columns(band: Band, pitch: float, lines: float, paragraph_lines: float
                  ) -> frozenset[str]:
    """The columns of ``band`` (the last row on its page) whose text starts at the row's top
    and stops ``lines`` pitches or more above the row's lowest text: those cells ended on this
    page, since a cell's text runs down to the page's foot before it breaks. A cell whose last
    line ends a sentence may have ended a paragraph only, the next one (its gap and the lines
    orphan control keeps together) not fitting: it needs ``paragraph_lines`` pitches. A column
    whose text starts lower (centred or bottom-aligned) tells nothing; nor does the priority
    column, whose merged cell spans rows."""
    cells = {name: lns for name, lns in band.cells.items() if lns and name != PRIORITY}
    if len(cells) < 2:
        return frozenset()
    top = min(ln.top for lns in cells.values() for ln in lns)
    bottom = max(ln.bottom for lns in cells.values() for ln in lns)

    def room(lns: list[Line]) -> float:
        last = max(lns, key=lambda ln: ln.top)
        return (paragraph_lines if ends_sentence(last.text) else lines) * pitch

    return frozenset(name for name, lns in cells.items()
                     if min(ln.top for ln in lns) - top <= 0.5 * pitch
                     and bottom - max(ln.bottom for ln in lns) >= room(lns))


def text_bottom(bands: Iterable[Band]) -> float:
    """The lowest text of ``bands`` outside the Priority column (whose merged cell may
    be centred on rows further down); 0 when they have none."""
    return max((ln.bottom for band in bands for name, lns in band.cells.items()
                if name != PRIORITY for ln in lns), default=0.0)


def starts_at_top(band: Band, name: str, pitch: float) -> bool:
    """Does column ``name``'s text start on the band's first line?"""
    lines = band.cells.get(name) or []
    every = [ln for lns in band.cells.values() for ln in lns]
    return bool(lines) and min(ln.top for ln in lines) - min(ln.top for ln in every) \
        <= 0.5 * pitch


def _priority_starts(band: Band, pitch: float) -> bool:
    """Does the band's Priority text start on its first line, beside its Action's first line
    (a priority printed at the top of its row or merged cell, not one centred lower)?"""
    return starts_at_top(band, PRIORITY, pitch) and starts_at_top(band, ACTION, pitch)


def continues_previous(texts: dict[str, str], band: Band, draft: Draft, pitch: float,
                       room: float = 0.0) -> bool:
    """Is the first band of a page the rest of the last row of the page before?

    Yes when it has no Action text, or when its Action text reads as the rest of the
    previous Action: it starts in lower case, or the previous Action stopped mid-sentence
    at a wrap (its first word would not have fitted on the previous page's last line). An
    Action that stopped on a page before the row's latest one (the row went on over a page
    in its other columns only) has ended: a capitalised Action is a new row's. So has any
    cell that ended on the page before with room left below it (``Draft.ended``), and a cell
    the row has left empty so far: text at the top of such a column on this page starts a new
    row (a cell's text starts at its top, on the page where the row starts), the Priority
    column's too when its text starts on the Action's first line (a merged cell centred on
    its rows may print its priority lower down, on the next page). A cell at the top that
    prints again the whole text the row's cell has (its Priority, its Lead) is a new row's:
    a cell that goes on does not start over. And so has the
    whole row when it stopped ``room`` pitches above the foot the table reaches on its other
    pages: a row that goes on runs down to the page's foot (the producer kept the next row
    whole, or its first lines together, on the next page).
    """
    action = texts.get(ACTION, "")
    if not action:
        return True
    if action[:1].islower():
        return True
    if room > 0:
        return False
    done = [name for name in texts if (name != PRIORITY or _priority_starts(band, pitch))
            and (name in draft.ended or not draft.cells.get(name))]
    if any(starts_at_top(band, name, pitch) for name in done):
        return False
    if any(text and text == draft.cells.get(name) and starts_at_top(band, name, pitch)
           for name, text in texts.items() if name != ACTION):
        return False  # a cell printed again whole ("Hampshire Constabulary"): a new row's
    before = draft.cells.get(ACTION, "")
    tail = draft.tails.get(ACTION)
    if not before or tail is None or ends_sentence(before):
        return False
    if draft.tail_pages.get(ACTION, draft.pages[-1]) != draft.pages[-1]:
        return False
    first = min(band.cells[ACTION], key=lambda ln: ln.top)
    return wrapped(tail[0], tail[1], first)


def break_margin(last: Line, limit: float, first: Line) -> float:
    """How far (points) past the column's text edge ``limit`` the first word of the next page,
    put after a space at the end of ``last``, would reach; negative when it would have fitted."""
    space = 0.25 * (first.size or last.size)
    return last.x1 + space + first.first_width - limit


def new_paragraph_at_break(tail: tuple[Line, float] | None, first: Line, after: str,
                           before: str, doubt: float) -> tuple[bool, bool]:
    """Does the text on the new page start a paragraph rather than finish a wrapped line?
    Returns (new paragraph, guessed).

    If the first word on the new page would have fitted at the end of the last line on the
    page before (by more than ``doubt`` em), that line ended on purpose: a paragraph break.
    ``tail`` is that last line and the column's text edge (the rightmost text in the column on
    either page). A line filled to within about two characters of the edge was wrapped. Between
    the two the line may have wrapped or ended a paragraph, and the text decides: a finished
    sentence followed by a capitalised one is taken as a new paragraph. That reading is a
    guess the page cannot confirm (a wrapped line can end a sentence too), so it comes back
    with guessed True; so does any reading where the word would end within ``doubt`` em of the
    edge.
    """
    by_text = ends_sentence(before) and starts_sentence(after)
    if tail is None:
        return by_text, False
    last, limit = tail
    margin = break_margin(last, limit, first)
    size = last.size or first.size or 10.0
    if margin < -doubt * size:
        return True, False
    if margin <= doubt * size:
        return by_text, True
    if limit - last.x1 < last.size:
        return False, False
    return by_text, by_text


def _box(band: Band, table: PageTable) -> Box:
    lines = [ln for lns in band.cells.values() for ln in lns]
    top = min(ln.top for ln in lines)
    bottom = max(ln.bottom for ln in lines)
    # Rule-less bands reach the page edge; clip them to their text.
    top = band.top if top - band.top < table.pitch else top - 2
    bottom = band.bottom if band.bottom - bottom < table.pitch else bottom + 2
    return Box(band.page, table.x0, top, table.x1, bottom)


def _links(band: Band) -> list[Link]:
    return [Link(text, uri) for _col, text, uri in band.links]


def stitch(tables: Iterable[PageTable], settings: Settings
           ) -> tuple[list[Draft], list[Warning_]]:
    """Join the page tables' bands into draft rows; returns (drafts, warnings)."""
    drafts: list[Draft] = []
    warnings: list[Warning_] = []
    pending_priority: tuple[str, int] | None = None
    section = _Section()
    tables_seen = list(tables)
    foot = max((text_bottom(t.bands) for t in tables_seen), default=0.0)  # the fullest page's
    for table in tables_seen:
        warnings += [Warning_(table.page, msg) for msg in table.warnings]
        warnings += [Warning_(table.page, msg, loss=True) for msg in table.loss]
        for k, band in enumerate(table.bands):
            if band.section:
                warnings += section.start(band, k, table, settings)
                continue
            texts = band_texts(band, table.pitch, settings)
            if k == 0 and drafts and drafts[-1].pages[-1] != band.page \
                    and not section.fresh \
                    and continues_previous(texts, band, drafts[-1], table.pitch,
                                           _room(drafts[-1], foot, table.pitch, settings)):
                _join(drafts[-1], texts, band, table, settings)
                continue
            if not texts.get(ACTION) and set(texts) == {PRIORITY}:
                # A priority cell whose text sits above its first action: keep it for the next row.
                pending_priority = (texts[PRIORITY], band.page)
                continue
            if not texts.get(ACTION):
                warnings.append(Warning_(band.page,
                                         f"a row without Action text: {_preview(texts)}"))
            if pending_priority and not texts.get(PRIORITY):
                texts[PRIORITY] = pending_priority[0]
            pending_priority = None
            flags = [FLAG_SPLIT_GUESSED] if band.guessed else []
            if band.link_moved:
                flags.append(FLAG_LINK_MOVED)
            if section.text and not texts.get(PRIORITY):
                texts[PRIORITY] = section.text
                flags.append(FLAG_FROM_SECTION)
            section.fresh = False
            section.used = True
            tails = _tails(band, table)
            drafts.append(Draft(texts, _links(band), [band.page], flags, [_box(band, table)],
                                tails, dict.fromkeys(tails, band.page),
                                ended_columns(band, table.pitch, settings.ended_cell_lines,
                                              settings.ended_paragraph_lines),
                                text_bottom([band])))
    warnings += section.unused()
    warnings += cut_short(tables_seen, drafts)
    if pending_priority:
        warnings.append(Warning_(pending_priority[1], "priority text with no action after it: "
                                 f"{pending_priority[0]!r}"))
    return drafts, warnings


def _room(draft: Draft, foot: float, pitch: float, settings: Settings) -> float:
    """How many pitches of room past ``ended_paragraph_lines`` the row ``draft`` left
    below its text on its latest page, down to the table's ``foot``; 0 when no more."""
    lines = (foot - draft.bottom) / pitch if draft.bottom and pitch > 0 else 0.0
    return max(0.0, lines - settings.ended_paragraph_lines)


def cut_short(tables: Sequence[PageTable], drafts: Sequence[Draft]) -> list[Warning_]:
    """Signs that the table's text stops before the table does (a producer clipped it, a page
    is missing): a "continued on next page" marker on or after the last row's last page with
    no row after it, or a cell that ends in a word broken at a hyphen (its next line never
    came). A row whose cell ends so, or that is the last on a page whose table has text
    spilled under its foot (grid: the row drawn past its end), is flagged as cut short."""
    if not drafts:
        return []
    for table in tables:
        on_page = [d for d in drafts if table.page in d.pages]
        if table.spilled and on_page and FLAG_CUT not in on_page[-1].flags:
            on_page[-1].flags.append(FLAG_CUT)
    last_page = drafts[-1].pages[-1]
    out = []
    ahead = [(t.page, lo.text) for t in tables for lo in t.left_out
             if t.page >= last_page and points_ahead(lo.text)]
    if ahead:
        page, text = ahead[-1]
        out.append(Warning_(page, f"the table is marked as going on ({text!r}) but no row "
                            "follows: text may be missing", loss=True))
    for draft in drafts:
        broken = [name for name, text in draft.cells.items() if BROKEN_END.search(text)]
        if broken:
            if FLAG_CUT not in draft.flags:
                draft.flags.append(FLAG_CUT)
            text = draft.cells[broken[0]]
            tail = ("…" if len(text) > 30 else "") + text[-30:]
            out.append(Warning_(draft.pages[-1], f"a row's {broken[0]} ends in a word broken "
                                f"at a hyphen ({tail!r}): the rest may be missing", loss=True))
    return out


# A letter, then a hyphen ending the text: a word broken over a line that never came.
BROKEN_END = re.compile(r"[^\W\d_]-$")


def points_ahead(text: str) -> bool:
    """Does a continuation marker send the reader on ("continued on next page", "overleaf")?"""
    key = marker_key(text)
    return "next page" in key or "overleaf" in key


class _Section:
    """The section row or heading (sections.py) that the rows being read belong to."""

    def __init__(self) -> None:
        self.raw = ""    # as printed
        self.text = ""   # the priority: without its numbering label
        self.page = 0
        self.fresh = False  # no row read since it: the next band starts a row
        self.used = True    # a row took it
        self.last_on_page = False

    def start(self, band: Band, k: int, table: PageTable, settings: Settings) -> list[Warning_]:
        """A section band: its text names the priority of the rows after it. One at the top
        of a page that follows one at the foot of the page before, with no row between, is
        the rest of it (a section row running over the page break)."""
        text = cell_text(band.section, table.pitch, settings.paragraph_gap)
        warnings: list[Warning_] = []
        if self.fresh and self.last_on_page and k == 0 and self.page != band.page:
            self.raw = join_parts(self.raw, text, False)
        else:
            warnings = self.unused()
            self.raw, self.page, self.used, self.fresh = text, band.page, False, True
        self.text = strip_numbering(self.raw)
        self.last_on_page = band is table.bands[-1]
        return warnings

    def unused(self) -> list[Warning_]:
        """A warning when the section got no row."""
        if self.used or not self.raw:
            return []
        self.used = True
        return [Warning_(self.page, f"a section heading with no rows after it: {self.raw!r}")]


def _tails(band: Band, table: PageTable) -> dict[str, tuple[Line, float]]:
    return {name: (max(lines, key=lambda ln: ln.top), table.text_right.get(name, 0.0))
            for name, lines in band.cells.items() if lines}


def _join(draft: Draft, texts: dict[str, str], band: Band, table: PageTable, settings: Settings
          ) -> None:
    doubt = settings.page_break_doubt
    for name, text in texts.items():
        before = draft.cells.get(name, "")
        first = min(band.cells[name], key=lambda ln: ln.top)
        tail = draft.tails.get(name)
        if tail is not None:
            tail = (tail[0], max(tail[1], table.text_right.get(name, 0.0)))
        new_para, guessed = new_paragraph_at_break(tail, first, text, before, doubt)
        if guessed and before and text and FLAG_BREAK_GUESSED not in draft.flags:
            draft.flags.append(FLAG_BREAK_GUESSED)
        draft.cells[name] = join_parts(before, text, new_para)
    tails = _tails(band, table)
    draft.tails.update(tails)
    draft.tail_pages.update(dict.fromkeys(tails, band.page))
    draft.ended = ended_columns(band, table.pitch, settings.ended_cell_lines,
                               settings.ended_paragraph_lines)
    draft.bottom = text_bottom([band])
    draft.links += _links(band)
    if band.link_moved and FLAG_LINK_MOVED not in draft.flags:
        draft.flags.append(FLAG_LINK_MOVED)
    draft.pages.append(band.page)
    draft.boxes.append(_box(band, table))
    if FLAG_JOINED not in draft.flags:
        draft.flags.append(FLAG_JOINED)


def _preview(texts: dict[str, str]) -> str:
    joined = " | ".join(t for t in texts.values() if t)
    return repr(joined[:60] + ("…" if len(joined) > 60 else ""))


def fill_down(drafts: list[Draft]) -> list[Warning_]:
    """Copy each group's priority into the rows below it that have none, flagging them."""
    warnings: list[Warning_] = []
    current = ""
    for draft in drafts:
        if draft.cells.get(PRIORITY):
            current = draft.cells[PRIORITY]
        elif current:
            draft.cells[PRIORITY] = current
            draft.flags.append(FLAG_FILLED)
        else:
            draft.flags.append(FLAG_PRIORITY_MISSING)
            warnings.append(Warning_(draft.pages[0],
                                     "a row before any priority text: priority left empty"))
    return warnings


def to_rows(drafts: list[Draft], columns: list[str]) -> list[Row]:
    rows = []
    for n, d in enumerate(drafts, start=1):
        cells = {name: d.cells.get(name, "") for name in columns}
        rows.append(Row(n, cells, d.links, d.pages[0], d.pages[-1], sorted(d.flags),
                        boxes=d.boxes))
    return rows
