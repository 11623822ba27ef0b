"""Lead Agency cell text -> canonical partner names, using an aliases data file and rapidfuzz.

A cell is split into agency parts; each part is matched exactly, then by abbreviation, then
fuzzily behind a token guard. A part we are unsure of stays unmatched (name None): never guessed.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .errors import AgencyFileError
from .limits import MAX_AGENCIES_BYTES, read_small_file
from .model import AgencyMatch

HEADER = ("canonical", "alias", "kind")
# The longest line an agencies file may have: a name and an alias, with room to spare.
MAX_LINE_CHARS = 2000
KINDS = ("name", "abbreviation", "all")

# Chosen from tests/data/agency_threshold_cases.csv (docs/agencies.md has the table): it sits
# in the gap between the weakest typo we want and the strongest other body we must refuse.
FUZZY_THRESHOLD = 88.0

# Words that carry no identity; ignored by the token guard so "Fire Rescue" still lines up
# with "Fire and Rescue".
STOPWORDS = frozenset({"and", "of", "the", "for"})
# Organisation-type words: a name that drops or swaps one ("... Fire and Rescue" without
# "Service") is still the same body, so the guard does not require them.
GENERIC_WORDS = frozenset({"service", "services", "group", "unit", "board", "team"})

METHOD_RANK = {"unmatched": 0, "fuzzy": 1, "abbreviation": 2, "exact": 2, "all": 2}

_SEPARATOR = re.compile(r"\s*(?:[/,;&]|\band\b)\s*", re.IGNORECASE)
# Apostrophes, hyphens and dots inside a word are dropped, not spaced: "Well-being" == "Wellbeing",
# "C.C." == "CC".
_IN_WORD_MARK = re.compile(r"(?<=\w)['’‐.-](?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_PARENS = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Alias:
    """One line of the agencies file: ``text`` is another way reports write ``canonical``."""

    canonical: str
    text: str
    kind: str  # name | abbreviation | all
    line: int


@dataclass(frozen=True)
class Agencies:
    """The partnership's canonical names and aliases, with lookups built once on first use."""

    path: str
    aliases: tuple[Alias, ...]
    threshold: float = FUZZY_THRESHOLD

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 100.0:
            raise ValueError(f"threshold must be in (0, 100], got {self.threshold}")

    def __getstate__(self) -> dict[str, object]:
        # Pickle the fields only: the cached lookups hold mapping proxies, which cannot be
        # pickled, and are rebuilt on first use (batch workers receive Agencies this way).
        return {"path": self.path, "aliases": self.aliases, "threshold": self.threshold}

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Canonical names in file order (the "all" value included)."""
        return tuple(dict.fromkeys(a.canonical for a in self.aliases))

    @cached_property
    def exact(self) -> Mapping[str, Alias]:
        """Normalised name -> alias, for names and "all" values (canonical names included)."""
        table = {normalize(a.text): a for a in self._with_canonicals() if a.kind != "abbreviation"}
        return MappingProxyType(table)

    @cached_property
    def abbreviations(self) -> Mapping[str, Alias]:
        table = {_compact(a.text).upper(): a for a in self.aliases if a.kind == "abbreviation"}
        return MappingProxyType(table)

    @cached_property
    def fuzzy_candidates(self) -> tuple[tuple[str, str], ...]:
        """(canonical, normalised alias) for names only: abbreviations are too short to fuzz,
        and "All" is never guessed."""
        names = self._with_canonicals()
        return tuple(sorted({(a.canonical, normalize(a.text)) for a in names if a.kind == "name"}))

    @cached_property
    def fuzzy_index(self) -> FuzzyIndex:
        return FuzzyIndex(self.fuzzy_candidates)

    @cached_property
    def max_pieces(self) -> int:
        """The most separator-cut pieces any known name has: no join needs to be longer."""
        # One spare piece: a misspelt variant may carry one separator more ("Fire, Rescue").
        counts = [len(candidate_pieces(a.text)[0]) for a in self._with_canonicals()]
        return 1 + max(counts, default=1)

    def _with_canonicals(self) -> list[Alias]:
        # A canonical name always matches itself, whether or not the file lists it as an alias.
        # (The "all" names are found once: asking per name is quadratic in a long list.)
        alls = {a.canonical for a in self.aliases if a.kind == "all"}
        own = [Alias(c, c, "all" if c in alls else "name", 0) for c in self.names]
        return own + list(self.aliases)


# --- loading --------------------------------------------------------------------------------


def load_agencies(path: str | Path | None = None) -> Agencies:
    """Read an agencies file; ``None`` means the shipped Southampton file (read once)."""
    if path is None:
        return _shipped_agencies()
    return parse_agencies(read_small_file(path, MAX_AGENCIES_BYTES, "agencies file"), str(path))


@lru_cache(maxsize=1)
def _shipped_agencies() -> Agencies:
    res = resources.files("safecity_extract").joinpath("data/agencies.csv")
    return parse_agencies(res.read_bytes(), str(res))


def parse_agencies(data: bytes, path: str) -> Agencies:
    """Bytes of an agencies file -> Agencies; raise AgencyFileError naming the bad line."""
    lines = _decode(data, path).splitlines()
    rows = [(n, line) for n, line in enumerate(lines, 1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise AgencyFileError(path, max(len(lines), 1),
                              "no header line: start the file with canonical,alias,kind")
    for n, line in rows:
        if len(line) > MAX_LINE_CHARS:
            raise AgencyFileError(path, n, f"line is {len(line):,} characters long; a line "
                                  f"of names has at most {MAX_LINE_CHARS:,}: is it the right file?")
    header_line, header = rows[0]
    if tuple(f.strip().lower() for f in _fields(header)) != HEADER:
        raise AgencyFileError(path, header_line,
                              f"header must be canonical,alias,kind, not {header.strip()!r}")
    aliases = tuple(_parse_row(path, n, line) for n, line in rows[1:])
    if not aliases:
        raise AgencyFileError(path, len(lines), "no agencies listed after the header")
    _check_consistent(path, aliases)
    return Agencies(path=path, aliases=aliases)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AgencyFileError(path, line, "not UTF-8 text: save the file as UTF-8") from None


def _fields(line: str) -> list[str]:
    # One csv record per physical line, so error line numbers are the editor's line numbers.
    return next(csv.reader([line]))


def _parse_row(path: str, line_no: int, line: str) -> Alias:
    fields = [f.strip() for f in _fields(line)]
    if len(fields) != 3:
        raise AgencyFileError(path, line_no,
                              f"expected 3 columns (canonical,alias,kind), found {len(fields)}")
    canonical, text, kind = fields
    if not canonical:
        raise AgencyFileError(path, line_no, "empty canonical name")
    if not text:
        raise AgencyFileError(path, line_no, "empty alias")
    if kind not in KINDS:
        raise AgencyFileError(path, line_no,
                              f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if not normalize(text):
        raise AgencyFileError(path, line_no, f"alias {text!r} has no letters or digits")
    if kind == "abbreviation" and (len(text.split()) > 1 or not _is_abbreviation_form(text)):
        raise AgencyFileError(path, line_no,
                              f"abbreviation {text!r} must be one word with 2+ capitals, e.g. SCC")
    return Alias(canonical, text, kind, line_no)


def _check_consistent(path: str, aliases: tuple[Alias, ...]) -> None:
    """Reject an alias claimed by two canonical names, and a mixed-up "all" value."""
    first_all = next((a for a in aliases if a.kind == "all"), None)
    seen: dict[str, Alias] = {}
    for alias in aliases:
        if first_all is not None and alias.kind == "all" and alias.canonical != first_all.canonical:
            raise AgencyFileError(path, alias.line, f"kind all must map to one value, "
                                  f"{first_all.canonical!r} on line {first_all.line}")
        if first_all is not None and alias.kind != "all" and alias.canonical == first_all.canonical:
            raise AgencyFileError(path, alias.line, f"{alias.canonical!r} is the all value "
                                  f"(line {first_all.line}); it cannot be an agency")
        for text in dict.fromkeys((alias.text, alias.canonical)):
            owner = seen.setdefault(normalize(text), alias)
            if owner.canonical != alias.canonical:
                raise AgencyFileError(
                    path, alias.line,
                    f"{text!r} maps to {alias.canonical!r} here "
                    f"but to {owner.canonical!r} on line {owner.line}",
                )


# --- text helpers ---------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Case-, space- and punctuation-free form used for exact and fuzzy comparison.

    Word shortenings ("Grp", "Dept.") read as the word (data/word_shortenings.csv).
    """
    s = _IN_WORD_MARK.sub("", text.lower().replace("&", " and "))
    s = _NON_WORD.sub(" ", s).strip()
    shortenings = _word_shortenings()
    s = " ".join(shortenings.get(w, w) for w in s.split())
    return s[4:] if s.startswith("the ") else s


@lru_cache(maxsize=1)
def _word_shortenings() -> Mapping[str, str]:
    text = resources.files("safecity_extract").joinpath("data/word_shortenings.csv").read_text(
        "utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return MappingProxyType({row["short"].lower(): row["word"].lower() for row in rows})


def _compact(text: str) -> str:
    return re.sub(r"[.\s]", "", text)


def _is_abbreviation_form(text: str) -> bool:
    compact = _compact(text)
    return compact.isalnum() and sum(c.isupper() for c in compact) >= 2


def candidate_pieces(text: str) -> tuple[list[str], list[str]]:
    """Cut at every separator outside brackets: the pieces and the separators between them."""
    text = " ".join(text.split())
    depth = _bracket_depths(text)
    pieces: list[str] = []
    seps: list[str] = []
    start = 0
    for m in _SEPARATOR.finditer(text):
        if depth[m.start()] > 0:
            continue
        # Doubled or dangling separators ("SCC / / Police,") leave empty pieces: skip them.
        if text[start:m.start()].strip():
            pieces.append(text[start:m.start()])
            seps.append(m.group())
        start = m.end()
    if text[start:].strip() or not pieces:
        pieces.append(text[start:])
    else:
        seps.pop()
    return pieces, seps


def _bracket_depths(text: str) -> list[int]:
    depths, depth = [], 0
    for ch in text:
        depth += ch == "("
        depths.append(depth)
        depth = max(depth - (ch == ")"), 0)
    return depths


def _join(pieces: list[str], seps: list[str], start: int, end: int) -> str:
    out = pieces[start]
    for k in range(start, end):
        out += seps[k] + pieces[k + 1]
    return out.strip()


# --- scoring --------------------------------------------------------------------------------


def _allowed_edits(length: int) -> int:
    # Same steps as Elasticsearch's "AUTO" fuzziness: short words must be spelt right.
    return 0 if length <= 2 else 1 if length <= 5 else 2


def _tokens_close(a: str, b: str, max_edits: int = 2) -> bool:
    # OSA distance: a swapped pair of letters ("Baord") is one slip, not two.
    allowed = min(_allowed_edits(min(len(a), len(b))), max_edits)
    return OSA.distance(a, b, score_cutoff=allowed) <= allowed


@lru_cache(maxsize=2**16)
def _is_generic(token: str) -> bool:
    # (A length more than two apart is more than two edits: most tokens stop there.)
    return any(abs(len(token) - len(word)) <= 2 and _tokens_close(token, word)
               for word in GENERIC_WORDS)


@lru_cache(maxsize=4096)
def _distinctive(norm: str) -> tuple[str, ...]:
    # Cached: every alias's words are asked for again with each cell matched.
    content = tuple(t for t in norm.split() if t not in STOPWORDS)
    return tuple(t for t in content if not _is_generic(t)) or content


def token_coverage(norm_text: str, norm_alias: str) -> float:
    """Share of distinctive words that line up one to one, on the worse side (0..1).

    Both sides must be covered: "Portsmouth City Council" has a word "Southampton City Council"
    lacks, and "Hampshire" lacks a word "Hampshire Police" has. One to one, so a repeated word
    ("... Constabulary/Hampshire") does not hide behind its twin.
    """
    left, right = _distinctive(norm_text), _distinctive(norm_alias)
    if not left or not right:
        return 0.0
    # A lone word has no neighbours to confirm it: one slip only, so "Probationer" and
    # "Prevented" are not read as "Probation" and "Prevent".
    edits = 1 if len(left) == len(right) == 1 else 2
    return _pair_words(left, right, edits) / max(len(left), len(right))


def _pair_words(left: tuple[str, ...], right: tuple[str, ...], edits: int) -> int:
    """How many words of ``left`` pair with distinct words of ``right``: equal ones first."""
    free = list(right)
    pending = []
    for word in left:
        if word in free:
            free.remove(word)
        else:
            pending.append(word)
    paired = len(left) - len(pending)
    for word in pending:
        partner = next((b for b in free if _tokens_close(word, b, edits)), None)
        if partner is not None:
            free.remove(partner)
            paired += 1
    return paired


def fuzzy_score(text: str, alias: str) -> float:
    """0..100: character similarity of the two names, scaled by the token guard."""
    return _normalized_score(normalize(text), normalize(alias))


def _normalized_score(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) * token_coverage(a, b)


def best_fuzzy(text: str, agencies: Agencies) -> tuple[str | None, float]:
    """Best canonical name by fuzzy_score and its score; None if two names tie for best.

    The same result as scoring every alias, without doing so (a list may hold 200,000):
    an alias sharing no word (within two edits) with ``text`` has no coverage, so scores 0;
    the others are scored in falling order of their character ratio, which bounds the score
    from above, until no later one can reach the best.
    """
    index = agencies.fuzzy_index
    if not index.canonicals:
        return None, 0.0
    key = normalize(text)
    scores: dict[str, float] = {}
    best = 0.0
    for ratio, i in index.by_ratio(key):
        if ratio < best:
            break
        score = _normalized_score(key, index.aliases[i])
        best = max(best, score)
        canonical = index.canonicals[i]
        scores[canonical] = max(score, scores.get(canonical, 0.0))
    if best == 0.0:  # every alias scores 0: a tie unless only one name is known
        names = index.names
        return (names[0], 0.0) if len(names) == 1 else (None, 0.0)
    top = [name for name, score in scores.items() if score == best]
    return (top[0], best) if len(top) == 1 else (None, best)


class FuzzyIndex:
    """The fuzzy candidates prepared once: aliases, their canonical names, and which aliases
    hold each distinctive word, so a text is scored only against aliases that share one."""

    def __init__(self, candidates: tuple[tuple[str, str], ...]) -> None:
        self.canonicals = [c for c, _ in candidates]
        self.aliases = [a for _, a in candidates]
        self.names = list(dict.fromkeys(self.canonicals))
        holders: dict[str, list[int]] = {}
        for i, alias in enumerate(self.aliases):
            for token in dict.fromkeys(_distinctive(alias)):
                holders.setdefault(token, []).append(i)
        self.vocabulary = list(holders)
        self.holders = [holders[t] for t in self.vocabulary]

    def sharing_a_word(self, key: str) -> list[int]:
        """Aliases with a distinctive word within two edits of one of ``key``'s."""
        found: set[int] = set()
        for token in dict.fromkeys(_distinctive(key)):
            for _, _, k in process.extract(token, self.vocabulary, scorer=OSA.distance,
                                           score_cutoff=2, limit=None):
                found.update(self.holders[k])
        return sorted(found)

    def by_ratio(self, key: str) -> list[tuple[float, int]]:
        """(character ratio, alias index) of the aliases sharing a word, highest first: the
        ratio bounds the alias's score, which is the ratio scaled by a coverage of 0..1."""
        if not key:
            return []
        shared = self.sharing_a_word(key)
        ratios = process.cdist([key], [self.aliases[i] for i in shared], scorer=fuzz.ratio,
                               dtype="float64")[0] if shared else []
        return sorted(zip((float(r) for r in ratios), shared), key=lambda ri: -ri[0])


# --- matching -------------------------------------------------------------------------------


def match_name(text: str, agencies: Agencies) -> AgencyMatch:
    """Match one agency name: exact -> abbreviation -> fuzzy -> unmatched."""
    key = normalize(text)
    if not key:
        return AgencyMatch(text, None, "unmatched", 0.0)
    hit = agencies.exact.get(key)
    if hit is not None:
        return AgencyMatch(text, hit.canonical, "all" if hit.kind == "all" else "exact", 100.0)
    abbreviation = _abbreviation_hit(text, agencies)
    if abbreviation is not None:
        return AgencyMatch(text, abbreviation.canonical, "abbreviation", 100.0)
    name, score = best_fuzzy(text, agencies)
    if name is not None and score >= agencies.threshold:
        return AgencyMatch(text, name, "fuzzy", score)
    return AgencyMatch(text, None, "unmatched", score)


def _abbreviation_hit(text: str, agencies: Agencies) -> Alias | None:
    # Two capitals are required so ordinary words ("bid", "Icu") never read as abbreviations.
    if not _is_abbreviation_form(text):
        return None
    return agencies.abbreviations.get(_compact(text).upper())


def _without_brackets(text: str) -> str:
    return " ".join(_PARENS.sub(" ", text).split())


def match_part(part: str, agencies: Agencies) -> AgencyMatch:
    """Match one part of a cell; a bracketed abbreviation backs up the name before it."""
    result = match_name(_without_brackets(part), agencies)
    for inner in _PARENS.findall(part):
        other = match_name(inner, agencies)
        if other.name is None:
            continue  # "(lead)", "(tbc)": a remark, not a name
        if result.name is None:
            result = other
        elif other.name != result.name:
            # "Hampshire Constabulary (SCC)" names two bodies at once: refuse to pick one.
            return AgencyMatch(part, None, "unmatched", result.score)
    return replace(result, text=part)


def split_agencies(text: str, agencies: Agencies) -> list[str]:
    """Split a cell into agency parts, never inside a name the agencies file knows."""
    pieces, seps = candidate_pieces(text)
    singles = [match_part(p, agencies) for p in pieces]
    spans = _greedy_spans(pieces, seps, singles, agencies)
    spans = _merge_unknown_runs(spans, pieces, seps, agencies)
    parts = [_join(pieces, seps, start, end) for start, end in spans]
    return [part for part in parts if normalize(part)]


def _greedy_spans(pieces: list[str], seps: list[str], singles: list[AgencyMatch],
                  agencies: Agencies) -> list[tuple[int, int]]:
    """Left to right, glue each piece to the longest run after it that reads as one name."""
    spans = []
    start = 0
    while start < len(pieces):
        end = _longest_join(pieces, seps, singles, start, agencies)
        spans.append((start, end))
        start = end + 1
    return spans


def _longest_join(pieces: list[str], seps: list[str], singles: list[AgencyMatch],
                  start: int, agencies: Agencies) -> int:
    """Index of the last piece to glue onto ``start``: the best join that beats its pieces.

    Best is exact before fuzzy, then the higher score, then the longer join; so a fuzzy
    "X Constabulary/Hampshire" cannot beat the exact "X Constabulary" and steal a word.
    """
    last = min(len(pieces) - 1, start + agencies.max_pieces - 1)
    best, best_key = start, None
    for end in range(last, start, -1):
        # Judge the join by its name alone: a bracket in it must not vouch for the rest.
        whole = match_name(_without_brackets(_join(pieces, seps, start, end)), agencies)
        key = (METHOD_RANK[whole.method], whole.score)
        if _join_is_better(whole, singles[start:end + 1]) and (best_key is None or key > best_key):
            best, best_key = end, key
    return best


def _join_is_better(whole: AgencyMatch, alone: list[AgencyMatch]) -> bool:
    if whole.name is None:
        return False
    if whole.method != "fuzzy":
        return True  # the file lists the joined text itself, separators and all
    named = [m for m in alone if normalize(m.text)]
    return any(m.name is None for m in named) or whole.score > min(m.score for m in named)


def _merge_unknown_runs(spans: list[tuple[int, int]], pieces: list[str], seps: list[str],
                        agencies: Agencies) -> list[tuple[int, int]]:
    """Glue neighbouring unknown parts linked by "and"/"&" back into one unknown part.

    With no known name on either side, the word is more likely inside a name we do not know
    ("Surrey Fire and Rescue Service") than between two names.
    """
    def unknown(span: tuple[int, int]) -> bool:
        return match_part(_join(pieces, seps, *span), agencies).name is None

    merged: list[tuple[int, int]] = []
    for span in spans:
        soft = span[0] > 0 and normalize(seps[span[0] - 1]) == "and"
        if merged and soft and unknown(merged[-1]) and unknown(span):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def match_agencies(text: str, agencies: Agencies | None = None) -> list[AgencyMatch]:
    """Lead Agency cell -> one AgencyMatch per agency it names, in cell order."""
    agencies = agencies if agencies is not None else load_agencies()
    return [match_part(part, agencies) for part in split_agencies(text, agencies)]


def lead_names(matches: list[AgencyMatch]) -> list[str]:
    """Sorted unique canonical names of the matched parts ("All" stays the one value "All")."""
    return sorted({m.name for m in matches if m.name is not None})


def weakest_match(matches: list[AgencyMatch]) -> AgencyMatch | None:
    """The part a reader should doubt first: unmatched before fuzzy, then the lowest score."""
    if not matches:
        return None
    return min(matches, key=lambda m: (METHOD_RANK[m.method], m.score))


def summarise_matches(matches: list[AgencyMatch]) -> tuple[list[str], str, float]:
    """(lead names, method, score) of a cell: method and score are those of the weakest part.

    A cell naming no agency at all counts as unmatched with score 0.
    """
    weakest = weakest_match(matches)
    if weakest is None:
        return [], "unmatched", 0.0
    return lead_names(matches), weakest.method, weakest.score


def agency_table(agencies: Agencies) -> list[tuple[str, list[str]]]:
    """(canonical name, its other names in file order) for every canonical name."""
    table = []
    for name in agencies.names:
        others = [a.text for a in agencies.aliases if a.canonical == name and a.text != name]
        table.append((name, list(dict.fromkeys(others))))
    return table
