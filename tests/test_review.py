"""Review pages: one entry per row, images embedded, PDF text escaped, and they render."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner
from PIL import Image, ImageStat

from safecity_extract import extract_with_layout, review
from safecity_extract.batch import BatchResult, FileResult, Input
from safecity_extract.cli import main
from safecity_extract.layout import Layout
from safecity_extract.model import (FLAG_FILLED, FLAG_UNMATCHED, AgencyMatch, Box, Link, Report,
                                    Row, Source, Warning_)
from safecity_extract.review import IndexEntry, index_html, review_batch, review_html

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.pdf"))
EVIL = "<script>alert(1)</script>"


@lru_cache(maxsize=None)
def sample(path: Path) -> tuple[Report, Layout]:
    return extract_with_layout(path)


def sample_report(path: Path) -> Report:
    return sample(path)[0]


class Page(HTMLParser):
    """The parts of a review page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]

    def rows(self) -> list[dict[str, str | None]]:
        return [a for a in self.all("article") if "row" in (a.get("class") or "").split()]


def tiny_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buf, format="PNG")
    return buf.getvalue()


def evil_report() -> Report:
    """A hand-made report whose every PDF-sourced string tries to inject markup."""
    rows = [
        Row(1, {"priority": EVIL, "action": "Act <b>bold</b> & more", "lead_agency": EVIL,
                "update": "line one\n\nline two", "<i>extra</i>": EVIL},
            links=[Link(EVIL, "javascript:alert(1)"),
                   Link("here", "https://example.org/?a=1&b=\"x\"")],
            page_start=1, page_end=1, flags=[FLAG_UNMATCHED],
            lead_matches=[AgencyMatch(EVIL, None, "unmatched", 0.0)],
            boxes=[Box(1, 50, 100, 540, 300)]),
        Row(2, {"priority": EVIL, "action": "Second", "lead_agency": "Police",
                "update": "Fine"}, page_start=1, page_end=1, flags=[FLAG_FILLED],
            lead_agencies=["Hampshire Constabulary"],
            lead_matches=[AgencyMatch("Police", "Hampshire Constabulary", "abbreviation", 95.0)],
            boxes=[Box(1, 50, 300, 540, 400)]),
        Row(3, {"priority": "Plain", "action": "Third", "lead_agency": "All", "update": "Ok"},
            page_start=1, page_end=1, boxes=[Box(1, 50, 400, 540, 500)]),
    ]
    return Report(Source(f"{EVIL}.pdf", "ab" * 32, 1), f"Title {EVIL}",
                  ["priority", "action", "lead_agency", "update", "<i>extra</i>"], rows,
                  warnings=[Warning_(1, f"a row without Action text: {EVIL}")])


def evil_page() -> str:
    crops = {1: [(1, tiny_png())], 2: [(1, tiny_png())], 3: [(1, tiny_png())]}
    return review_html(evil_report(), crops)


# --- hand-made report ------------------------------------------------------------------------


def test_pdf_text_is_escaped_everywhere() -> None:
    text = evil_page()
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    page = Page(text)
    assert len(page.all("script")) == 1          # the page's own filter, nothing from the PDF
    assert not page.all("b") and not page.all("i")
    assert EVIL in "".join(page.text)            # shown to the reader as text


def test_only_web_links_are_clickable() -> None:
    page = Page(evil_page())
    hrefs = [a.get("href") for a in page.all("a")]
    assert hrefs == ['https://example.org/?a=1&b="x"']
    assert "javascript:alert(1)" in "".join(page.text)


def test_one_entry_per_row_and_flagged_rows_marked() -> None:
    page = Page(evil_page())
    rows = page.rows()
    assert [r["id"] for r in rows] == ["row-1", "row-2", "row-3"]
    # row 2 carries only priority_filled_down: marked on the row, but not a row to look at
    assert ["flagged" in (r.get("class") or "") for r in rows] == [True, False, False]
    assert rows[0]["data-flags"] == FLAG_UNMATCHED


def test_images_are_embedded_and_nothing_is_fetched() -> None:
    page = Page(evil_page())
    srcs = [a.get("src") or "" for a in page.all("img")]
    assert len(srcs) == 3 and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert not page.all("link") and not [s for s in page.all("script") if s.get("src")]
    (csp,) = [m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in (csp.get("content") or "")


def test_warnings_are_at_the_top_and_unmatched_agencies_highlighted() -> None:
    text = evil_page()
    assert text.index("Warnings (1)") < text.index('id="row-1"')
    assert '<span class="unmatched">&lt;script&gt;' in text
    assert 'td class="flag-agency_unmatched"' in text
    assert 'td class="flag-priority_filled_down"' in text


def test_index_links_pages_and_lists_failures() -> None:
    page = Page(index_html([IndexEntry("a #1.pdf", "a #1.html", 3, 1, 0),
                            IndexEntry(EVIL, None, error=EVIL)]))
    assert [a.get("href") for a in page.all("a")] == ["a%20%231.html", "a%20%231.html#flagged"]
    assert not page.all("script")
    assert EVIL in "".join(page.text)


# --- samples ---------------------------------------------------------------------------------


def test_sample_review_page(tmp_path: Path) -> None:
    pdf = SAMPLES[0]
    report, layout = sample(pdf)
    out = tmp_path / "review.html"
    assert review((report, layout), out) == [out]
    page = Page(out.read_text("utf-8"))
    assert len(page.rows()) == len(report.rows)
    imgs = [a.get("src") or "" for a in page.all("img")]
    assert len(imgs) == sum(len(r.boxes) for r in report.rows)
    assert all(s.startswith("data:image/png;base64,") for s in imgs)
    # flagged = a flag that needs a look; the routine priority_filled_down alone is not
    assert [r["id"] for r in page.rows() if "flagged" in (r.get("class") or "")] == \
        [f"row-{r.row}" for r in report.rows
         if set(r.flags) - {"priority_filled_down", "joined_across_pages"}]
    assert any(r.flags for r in report.rows)


def test_several_pdfs_get_a_page_each_and_an_index(tmp_path: Path) -> None:
    pairs = [sample(SAMPLES[0]), (sample_report(SAMPLES[1]), SAMPLES[1])]  # a Layout, a path
    written = review(pairs, tmp_path / "index.html")
    assert [p.name for p in written] == [f"{p.stem}.html" for p in SAMPLES[:2]] + ["index.html"]
    links = [a.get("href") for a in Page((tmp_path / "index.html").read_text()).all("a")]
    assert all(h and (tmp_path / h.split("#")[0]).exists() for h in links)


def test_batch_review_reads_each_file_and_lists_failures(tmp_path: Path) -> None:
    ok = Input(SAMPLES[0], SAMPLES[0].name, PurePosixPath("sub") / SAMPLES[0].stem)
    bad = Input(tmp_path / "broken.pdf", "broken.pdf", PurePosixPath("broken"))
    result = BatchResult([FileResult(ok, "ok", rows=22),
                          FileResult(bad, "failed", error="broken.pdf: damaged")])
    index = review_batch(result, tmp_path)
    assert index == tmp_path / "review" / "index.html"
    assert (tmp_path / "review" / "sub" / f"{SAMPLES[0].stem}.html").exists()
    text = index.read_text()
    assert f'href="sub/{SAMPLES[0].stem}.html"' in text and "broken.pdf: damaged" in text


def test_a_report_alone_gets_a_page_without_crops(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    review(sample_report(SAMPLES[0]), out)
    page = Page(out.read_text("utf-8"))
    assert len(page.rows()) == len(sample_report(SAMPLES[0]).rows) and not page.all("img")


def test_batch_review_uses_the_batchs_layout_and_json(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With --review the batch keeps each file's Layout: the review pages read no PDF again."""
    import importlib

    from safecity_extract.batch import Outputs, collect_inputs, run_batch
    from safecity_extract.executors import LocalPool

    result = run_batch(collect_inputs([SAMPLES[0]]), Outputs.of(tmp_path, review=True),
                       executor=LocalPool(1))
    assert result.files[0].layout is not None
    assert result.files[0].layout.path == str(SAMPLES[0])

    def no_second_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the PDF was read again")

    monkeypatch.setattr(importlib.import_module("safecity_extract.extract"),
                        "extract_with_layout", no_second_read)
    index = review_batch(result, tmp_path)
    page = Page((tmp_path / "review" / f"{SAMPLES[0].stem}.html").read_text("utf-8"))
    assert len(page.rows()) == len(sample_report(SAMPLES[0]).rows)
    assert len(page.all("img")) == sum(len(r.boxes) for r in sample_report(SAMPLES[0]).rows)
    assert index.exists()


def test_cli_review(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["review", str(SAMPLES[0]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(Page(out.read_text()).rows()) == len(sample_report(SAMPLES[0]).rows)


def test_cli_extract_review(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(SAMPLES[0]), "--out", str(tmp_path),
                                       "--workers", "1", "--review", "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "review" / "index.html").exists()
    assert (tmp_path / "review" / f"{SAMPLES[0].stem}.html").exists()


# --- in a real browser -----------------------------------------------------------------------

CHROMIUM = next((c for c in ("/usr/bin/chromium", shutil.which("chromium"),
                             shutil.which("chromium-browser")) if c and os.path.exists(c)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (Debian: apt-get install -y chromium)")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


@needs_chromium
def test_review_page_renders_in_chromium(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    review(sample(SAMPLES[0]), out)
    shot = tmp_path / "shot.png"
    run = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,900",
                   out.resolve().as_uri())
    assert shot.exists(), run.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 900)
    assert ImageStat.Stat(image).stddev[0] > 10, "the screenshot is blank"


@needs_chromium
def test_flagged_filter_runs_under_the_pages_own_policy(tmp_path: Path) -> None:
    """The inline script is allowed by its hash: opening page#flagged ticks the filter."""
    out = tmp_path / "review.html"
    out.write_text(evil_page(), "utf-8")
    run = chromium(tmp_path, "--dump-dom", out.resolve().as_uri() + "#flagged")
    assert '<body class="only-flagged">' in run.stdout, run.stderr[-2000:]
