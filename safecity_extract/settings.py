"""Tolerances and thresholds of the recogniser, in one frozen dataclass passed down explicitly.

Every tolerance of pdf.py, chars.py, geometry.py, grid.py, sections.py and accounting.py
(report mode), tables.py and regions.py (generic mode) and ocr.py is a field here, with a
comment saying what it measures and in what unit; the modules hold no tolerance of their own.
Beside them, the user's own header labels (``header_aliases``), which the header matching
reads. ``Options.settings`` carries them to extract, batch, check, review, inspect and tables.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping


@dataclass(frozen=True)
class Settings:
    # Characters closer than this (points) belong to one word: pdfplumber's x_tolerance.
    word_gap: float = 1.5
    # Words whose vertical middles are within this fraction of their height share a line.
    line_overlap: float = 0.5
    # Rules: edges shorter than this (points) are ignored (underlines of single letters, ticks).
    min_rule_length: float = 8.0
    # Two rules closer than this (points) are one rule (double borders, thin filled rects).
    rule_snap: float = 2.0
    # A gap between lines above this multiple of the cell's line pitch starts a paragraph.
    paragraph_gap: float = 1.45
    # The line pitch is measured on the steps between a column's lines shorter than this
    # many line heights, when there are any: a line set solid to 1.5 is a step of ~1.4
    # line heights; a blank line between paragraphs makes one of two or more.
    pitch_within: float = 1.75
    # A row's text continued over a page break: the next page's first word, put at the end of
    # the last line before the break, would reach this far (em) past the column's text edge or
    # more: a wrap; as far short of it or more: a paragraph end. Closer, the text decides and
    # the row is flagged paragraph_break_guessed.
    page_break_doubt: float = 0.035
    # A cell of the last row on a page whose text starts at the row's top and stops this many
    # line pitches or more above the row's lowest text has ended there (text runs down a cell
    # to the page's foot before it breaks; widow and orphan control leaves at most one line
    # free): text in that column at the top of the next page is a new row's, not the rest of
    # this one.
    ended_cell_lines: float = 1.5
    # As much, for a cell whose last line there ends a sentence: it may have ended a paragraph
    # only, the next paragraph's gap and its first two lines (orphan control) not fitting.
    ended_paragraph_lines: float = 3.5
    # Label match score (rapidfuzz ratio, 0-100) needed to map a header label to a field.
    header_fuzzy_threshold: float = 80.0
    # A header row must map at least this many of the four fixed fields.
    min_header_fields: int = 3
    # Text lines further than this fraction of the page height from an edge are body text.
    margin_band: float = 0.1
    # Lines whose font size is at least this multiple of the table's body size are headings.
    heading_size_ratio: float = 1.15
    # A drawn vertical rule further than this many body sizes from every column boundary,
    # starting under the body's first line and crossing a line of it, is another table's
    # (an appendix's box): the body ends above it and its heading (grid.foreign_block).
    foreign_rule_reach: float = 1.0
    # A section row (or heading) whose gap from where the column rules stop (or start) is at
    # most this many times its own height is still inside the ruled table (sections.py).
    section_reach: float = 1.5
    # Section rows start where the first column's text starts: line starts within this many
    # points of each other count as one start when that edge is found.
    section_start_slack: float = 1.5
    # ... and the edge is the leftmost start shared by at least this share of those lines.
    section_start_share: float = 0.25
    # A glyph drawn again less than this (points) from an identical one is a copy ("fake
    # bold", a run painted twice) and is read once.
    doubled_glyph_gap: float = 1.0
    # Text at least this light (0 black .. 1 white) and lighter than the page's body text by
    # ``watermark_contrast``, not on a darker fill or an image, is a watermark: left out.
    watermark_lightness: float = 0.7
    watermark_contrast: float = 0.4
    # OCR (scanned pages): render resolution for Tesseract (pixels/inch), the shortest line
    # (points) taken as a rule on a page image, Tesseract's page segmentation mode and
    # language, and the word confidence (0-100) below which a cell is ocr_low_confidence.
    ocr_dpi: int = 200
    raster_min_rule: float = 24.0
    ocr_psm: int = 3
    ocr_language: str = "eng"
    # 80: on the bench scans words read at 90+ were 0.15% wrong, below 90 13-50%; of the
    # thresholds 10..90 it best finds the rows with a misread word (bench/RESULTS.md, OCR).
    ocr_min_confidence: float = 80.0
    # The user's own header labels (--header-aliases, ``header_aliases=``): (normalised label,
    # column key) pairs from ``headers.load_header_aliases``, matched before the shipped ones.
    header_aliases: tuple[tuple[str, str], ...] = ()

    # --- where a word, a rule or an edge belongs (points) ------------------------------------
    # A word is on a line when its vertical middle lies within this of the line's top..bottom;
    # a band or body edge is put this far above the line that opens it.
    line_slack: float = 0.5
    # A rule or a word edge this close to the line, boundary or area it is tested against
    # still touches it (a rule between two lines, splitting header words, under a link).
    edge_slack: float = 1.0
    # A column boundary found in a whitespace gutter stands this far left of its right end.
    boundary_inset: float = 1.0
    # A table that ends on a page has its column edges found again from the text above its
    # end (not what follows it), at most this many times while they change.
    column_rereads: int = 2
    # A word crosses a column boundary when it reaches this far past it on both sides.
    straddle: float = 2.0
    # A horizontal rule runs across a column when its ends come this close to the column's.
    rule_reach: float = 3.0
    # The table's outline stands this far outside its outermost text.
    text_margin: float = 2.0
    # A running header or footer is matched by its top, rounded to steps of this.
    margin_step: float = 2.0
    # A character is under a link when its centre is within this of the link's area.
    link_slack: float = 0.5
    # A link's area covers a run of words exactly when its left and right edges are within
    # this (em, of the words' font size) of the run's; an area that does not is looked for
    # on the other lines where one does (links.py: some writers misplace areas vertically).
    link_edge_slack: float = 0.15
    # ... and a move to such a line is by the height of the page's header row when it is
    # within this (em, of the body size) of it. That row's box is bounded by the rules (or
    # shading edges) nearest its text, no further than ``header_box_reach`` em from it.
    link_shift_slack: float = 0.3
    header_box_reach: float = 1.5
    # A filled rectangle thicker than this both ways is shading, not a rule.
    shading_min_size: float = 2.0
    # An edge thinner than this is a rule (and at least ``min_rule_length`` long).
    rule_max_thickness: float = 1.0
    # Characters whose tops differ by no more than this share a word (pdfplumber y_tolerance).
    word_line_gap: float = 2.0

    # --- sizes when nothing can be measured --------------------------------------------------
    # Font size (points) of text that reports none.
    default_font_size: float = 10.0
    # Line pitch of a table whose lines give no step, in multiples of its body font size.
    default_pitch: float = 1.2

    # --- report mode: the header row (multiples of the header's median font size) -----------
    # Header words closer than this side by side join one header cell.
    header_word_gap: float = 0.55
    # The lines of one header row are no further apart than this (multiples of the lower
    # line's size), and a header row has at most ``header_max_lines`` lines.
    header_line_gap: float = 0.8
    header_max_lines: int = 4

    # --- report mode: rows without rules (multiples of the line's font size) ----------------
    # A new row opens at an Action line with nothing in the other columns within this share
    # of the line's height above it ...
    row_clear_above: float = 0.5
    # ... and a gap of more than this to the Action line above it.
    row_gap: float = 0.25
    # Both are at least the usual blank between two lines of one cell (the table's line
    # pitch less its line height: wide with a word processor's proportional spacing) plus
    # this many font sizes.
    row_spacing_margin: float = 0.3
    # The usual blank is taken as at most this many font sizes: where every cell holds one
    # line, the pitch measured is the distance between rows, not between a cell's lines.
    row_spacing_max: float = 1.0
    # Lines whose tops are within this of each other are level; a column starts a fresh
    # entry level with a line after a blank of more than ``row_fresh_gap`` above it.
    row_level: float = 0.3
    row_fresh_gap: float = 0.8
    # A line more than this many font sizes tall is a rotated block: its band is found from
    # one font size below its top.
    turned_line_ratio: float = 2.0

    # --- report mode: section rows and headings (sections.py) -------------------------------
    # Words of one run of text sit closer than this fraction of their size: a section row's
    # words; the gutter between two columns' text (both cells' padding) is wider.
    section_run_gap: float = 0.5
    # The same for a heading's words (a heading's spacing may be looser).
    heading_run_gap: float = 1.5
    # A heading's font is at least this multiple of the body's (or the heading is bold).
    heading_larger: float = 1.05
    # At most this many lines make one section row or heading.
    section_max_lines: int = 3
    # The lines of one section row are no further apart than this multiple of their size.
    section_line_gap: float = 0.8
    # A heading over a header row ends no further above it than this multiple of its size
    # (or the body's, if larger); the heading's lines are at most ``heading_line_gap`` apart.
    heading_gap: float = 2.5
    heading_line_gap: float = 0.8

    # --- word accounting (accounting.py) -----------------------------------------------------
    # A word left out of the cells is on a running header or footer line, in the header row
    # or within the table's x-range when its middle lies within this (points) of it.
    account_slack: float = 0.5
    # A line whose words start within ``align_tolerance`` (points) of the text starts of at
    # least ``aligned_columns`` columns looks like a row of the table; ``aligned_rows`` such
    # lines after the table stopped make a warning of possible loss (one could be chance).
    align_tolerance: float = 1.5
    aligned_columns: int = 2
    aligned_rows: int = 2
    # On a page the table runs past, words under its foot within this many line pitches
    # (inside its width, not a running line) are a cell drawn past the row's end: loss.
    spill_reach: float = 1.0
    # A line in a margin band that the page before printed too is a row of the table, not a
    # running line, when the text goes on in two of its columns closer than this many line
    # heights below it (above it, at the foot): the gap between lines of one cell.
    runs_on_gap: float = 0.8

    # --- characters (chars.py) ---------------------------------------------------------------
    # A baseline whose direction's sine against a page axis is at most this runs along that
    # axis (0.035: about 2 degrees); further off, text is diagonal (a watermark).
    angle_slack: float = 0.035

    # --- OCR (ocr.py) ------------------------------------------------------------------------
    # Skew below this (degrees) is left alone: turning the image would only blur it.
    ocr_min_deskew: float = 0.05
    # Lines on a page image thicker than this (points) are filled bands of shading, not rules.
    ocr_max_rule_thickness: float = 2.5
    # OCR'd text lines whose size is within this fraction of the page's usual size are that
    # size.
    ocr_size_snap: float = 0.1
    # A word whose baseline is within this many ems of its line's median baseline sits on it.
    ocr_baseline_snap: float = 0.5
    # Ink the page's read left uncovered is read again on its own (Tesseract skips e.g. a
    # short word alone in a large cell). In ems of the page's usual text size: a region of
    # at least ``ocr_missed_min_ink`` em² (about two letters) and ``ocr_missed_min_height`` em
    # tall (an x-height); word boxes grown by ``ocr_cover_pad`` em count as read; a region is
    # cut out with ``ocr_crop_pad`` em of paper around it, and read with Tesseract's page
    # segmentation mode ``ocr_region_psm`` (6: one uniform block of text).
    ocr_missed_min_ink: float = 0.1
    ocr_missed_min_height: float = 0.4
    ocr_cover_pad: float = 0.15
    ocr_crop_pad: float = 0.3
    ocr_region_psm: int = 6
    # Unread ink is found on a grid of blocks ``ocr_ink_block`` em wide; blocks of ink up to
    # ``ocr_ink_join`` blocks apart form one region.
    ocr_ink_block: float = 0.25
    ocr_ink_join: int = 2

    # --- generic mode (tables.py): one region's rows, columns and cells ---------------------
    # Multiples of the region's body font size unless said otherwise.
    # The narrowest whitespace gutter between two columns.
    table_gutter: float = 0.4
    # A wider gap than this between two words of a line separates two cells, unless the
    # text's own word spaces are wider: then both are ``table_space_ratio`` of its spaces,
    # and a gutter between words must be wider than ``table_gutter_spaces`` of its spaces.
    table_word_space: float = 0.45
    table_space_ratio: float = 1.3
    table_gutter_spaces: float = 1.5
    # Lines closer than this belong to one paragraph (may share a cell).
    table_tight: float = 0.6
    # A line lying more than this above the bottom of the row before overlaps it.
    table_overlap: float = 0.2
    # Words whose middles are within this share of the first word's height share a line (a
    # bullet sits a little lower than its text; staggered labels are half a line apart).
    table_line_tolerance: float = 0.4
    # Share of the lines that may cross a gutter (spanning headings), in regions of at least
    # ``table_spanning_lines`` lines.
    table_spanning_share: float = 0.12
    table_spanning_lines: int = 4
    # A vertical rule is a column boundary when it runs at least this share of the longest.
    table_rule_run_share: float = 0.5
    # A gutter further than this many ``rule_snap`` from every rule is not that rule's.
    table_rule_gutter: float = 2.0
    # The region is ruled (gutters without rules are alignment inside cells) when there are
    # at least this many ruled boundaries per gutter without a rule.
    table_ruled_gutters: float = 3.0
    # Neighbouring words a gutter [a, b] separates lie no further apart than this many
    # times its width (plus ``edge_slack``), their ends within ``table_gap_slack`` (points).
    table_neighbour_gap: float = 2.0
    table_gap_slack: float = 0.5
    # The text's word space is the median gap under this between words with letters, taken
    # from at least ``table_min_gaps`` gaps; else, in monospaced text (character widths
    # within a factor ``table_mono_spread``), one character; else ``table_default_space``.
    table_max_word_gap: float = 0.8
    table_min_gaps: int = 3
    table_mono_spread: float = 1.05
    table_default_space: float = 0.25
    # Rules define the rows when they separate at least this share of consecutive text rows
    # (of at least ``table_min_rule_rows`` rows and two rules).
    table_ruled_rows_share: float = 0.5
    table_min_rule_rows: int = 3
    # In a ruled table, whether a row rule is drawn under an outer column is asked this far
    # (points) at most outside the inner boundaries.
    table_outer_reach: float = 50.0
    # Text running another way (a table turned a quarter on the page) is read as a table of
    # its own, in its direction, where a region found among its words holds at least this
    # share of the page's words inside that region (tables.page_views).
    table_turned_share: float = 0.3

    # --- generic mode (regions.py): where tables are on a page ------------------------------
    # Multiples of the page's body font size unless said otherwise.
    # A gap this wide between two words of a line separates two parts.
    region_segment_gap: float = 1.0
    # Lines further apart than this do not belong to one table, unless one horizontal rule
    # runs between them under both (then ``region_ruled_gap``).
    region_block_gap: float = 1.6
    region_ruled_gap: float = 3.0
    # Reach of the rules that close a table off above and below.
    region_close_gap: float = 2.5
    # Split lines a table of text needs (two for a ruled one).
    region_min_lines: int = 3
    # A part with this many words with letters that is at least ``region_prose_width`` of
    # the text's width is running text.
    region_prose_words: int = 6
    region_prose_width: float = 0.3
    # A grid of rules over this share of the page is a frame, not a table.
    region_frame_share: float = 0.6
    # A table's words cover at least this share of its width on an average line; a chart's
    # tick labels and legend far less (set on the eu half of ICDAR 2013, checked on the us).
    region_min_cover: float = 0.15
    # A grid of drawn rules is evidence of its own: short words in wide ruled cells (labels
    # of a form-like table) need only cover this share.
    region_min_cover_ruled: float = 0.13
    # Words whose middles are within this share of the first word's height share a line.
    region_line_tolerance: float = 0.4
    # One-part lines between two split lines join their table when no more than
    # ``region_max_steps`` of them, each narrower than ``region_step_width`` of the text's
    # width or no running text.
    region_step_width: float = 0.5
    region_max_steps: int = 3
    # A rule closing a table off runs under at least ``region_close_width`` of its width and
    # is no longer than ``region_close_span`` times it.
    region_close_width: float = 0.7
    region_close_span: float = 1.5
    # Column headings right above a block are no further apart than this.
    region_header_gap: float = 0.8
    # Part edges within this of each other line up (a column).
    region_align: float = 0.5
    # Two blocks are one table when at least this share of each one's column edges recur in
    # the other, they are no further apart than ``region_join_gap``, and at most
    # ``region_max_between`` lines, each shorter than ``region_short_line`` of the width, lie
    # between them.
    region_match_share: float = 0.6
    region_join_gap: float = 6.0
    region_max_between: int = 2
    region_short_line: float = 0.4
    # A rule runs across a block when it covers at least this share of its width; two such
    # rules closer than ``region_double_rule`` are one (a double rule).
    region_wide_rule: float = 0.5
    region_double_rule: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and value <= 0:
                raise ValueError(f"Settings.{f.name} must be positive, got {value!r}")
        if not 0 < self.margin_band < 0.5:
            raise ValueError("Settings.margin_band must be between 0 and 0.5")
        if not 1 <= self.min_header_fields <= 4:
            raise ValueError("Settings.min_header_fields must be 1..4")
        if not (self.watermark_lightness <= 1 and self.watermark_contrast <= 1):
            raise ValueError("Settings.watermark_lightness and watermark_contrast are 0..1")

    @classmethod
    def resolve(cls, value: "Settings | Mapping[str, Any] | None") -> "Settings":
        if value is None:
            return cls()
        if isinstance(value, Settings):
            return value
        return replace(cls(), **dict(value))
