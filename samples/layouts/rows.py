"""Row sets for generated layouts: the 22 source rows, or a perturbed copy of them.

Every cell text is source text (``samples/source_rows.json``), reordered or cut at word
boundaries, so it follows the truth conventions: paragraphs joined by "\\n\\n", list items
on their own line opening with "• ", typographic quotes and hyphenated words as printed.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SOURCE_ROWS = Path(__file__).resolve().parent.parent / "source_rows.json"
BULLET = "•"


@dataclass(frozen=True)
class Link:
    text: str
    uri: str


@dataclass(frozen=True)
class TruthRow:
    """One row as drawn: the four fixed cells, extra cells (key, text) and hyperlinks."""

    priority: str
    action: str
    lead_agency: str
    update: str
    extras: tuple[tuple[str, str], ...] = ()
    links: tuple[Link, ...] = ()

    def cell(self, key: str) -> str:
        if key in ("priority", "action", "lead_agency", "update"):
            return str(getattr(self, key))
        return dict(self.extras)[key]


@lru_cache(maxsize=1)
def source_rows() -> tuple[TruthRow, ...]:
    with open(SOURCE_ROWS, encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple(TruthRow(r["priority"], r["action"], r["lead_agency"], r["update"],
                          links=tuple(Link(k["text"], k["uri"]) for k in r["links"]))
                 for r in data)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (split after . ! ? followed by a space and a capital)."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in ".!?" and text[i + 1:i + 2] == " " and text[i + 2:i + 3].isupper():
            out.append(text[start:i + 1])
            start = i + 2
    out.append(text[start:])
    return [s for s in out if s]


def cut_words(text: str, limit: int) -> str:
    """The first ``limit`` words of one paragraph (cut at a word boundary)."""
    words = text.split(" ")
    return " ".join(words[:max(1, limit)])


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p]


def with_bullets(update: str, rng: random.Random) -> str:
    """The update with one paragraph turned into an intro line and bulleted sentences."""
    paras = paragraphs(update)
    candidates = [i for i, p in enumerate(paras) if len(sentences(p)) >= 3]
    if not candidates:
        sents = [s for p in paras for s in sentences(p)]
        if len(sents) < 2:
            return update
        return "\n".join([sents[0]] + [f"{BULLET} {s}" for s in sents[1:5]])
    i = rng.choice(candidates)
    sents = sentences(paras[i])
    paras[i] = "\n".join([sents[0]] + [f"{BULLET} {s}" for s in sents[1:6]])
    return "\n\n".join(paras)


def _links_kept(row: TruthRow, update: str) -> tuple[Link, ...]:
    # A link survives only while its whole sentence ("... can be found here.") does.
    kept = []
    for link in row.links:
        for par in paragraphs(row.update):
            if link.text in par:
                tail = sentences(par)[-1]
                if any(tail in p for p in update.replace("\n", "\n\n").split("\n\n")):
                    kept.append(link)
                break
    return tuple(kept)


def perturb_cell(update: str, rng: random.Random, pool: list[str]) -> str:
    """One update cell made very long, very short, one line, or reordered."""
    kind = rng.choice(("long", "short", "one_line", "shuffled", "same"))
    paras = paragraphs(update)
    if kind == "long":
        extra = rng.sample(pool, k=min(3, len(pool)))
        return "\n\n".join(paras + [p for p in extra if p not in paras])
    if kind == "short":
        return cut_words(paras[0], rng.randint(2, 6))
    if kind == "one_line":
        return cut_words(sentences(paras[0])[0], rng.randint(4, 9))
    if kind == "shuffled":
        rng.shuffle(paras)
        return "\n\n".join(paras)
    return update


def row_set(rng: random.Random, kind: str, bullets: float) -> list[TruthRow]:
    """A row set: ``source`` (the 22 rows), ``fewer``, ``more``, ``perturbed`` or ``compact``
    (8 to 14 rows, some perturbed)."""
    src = list(source_rows())
    pool = [p for r in src for p in paragraphs(r.update)]
    if kind in ("fewer", "compact"):
        low, high = (8, 14) if kind == "compact" else (4, 14)
        keep = sorted(rng.sample(range(len(src)), k=rng.randint(low, high)))
        rows = [src[i] for i in keep]
    elif kind == "more":
        rows = []
        for r in src:
            rows.append(r)
            if rng.random() < 0.45:
                paras = paragraphs(r.update)
                rng.shuffle(paras)
                twin = rng.choice([x for x in src if x.priority == r.priority])
                action = cut_words(twin.action, rng.randint(6, 30))
                rows.append(TruthRow(r.priority, action, twin.lead_agency, "\n\n".join(paras)))
    else:
        rows = list(src)
    out = []
    for r in rows:
        action, lead, update = r.action, r.lead_agency, r.update
        if kind == "perturbed" or (kind in ("more", "compact") and rng.random() < 0.3):
            if rng.random() < 0.5:
                update = perturb_cell(update, rng, pool)
            if rng.random() < 0.15:
                lead = ""
            if rng.random() < 0.2:
                action = cut_words(action, rng.randint(2, 8))
        if rng.random() < bullets:
            update = with_bullets(update, rng)
        out.append(TruthRow(r.priority, action, lead, update,
                            links=_links_kept(r, update)))
    return out


def groups(rows: list[TruthRow]) -> list[list[int]]:
    """Row indices of each run of rows with the same priority, in order."""
    out: list[list[int]] = []
    for i, row in enumerate(rows):
        if out and rows[out[-1][-1]].priority == row.priority:
            out[-1].append(i)
        else:
            out.append([i])
    return out
