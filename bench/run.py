"""Benchmark: our extractor against the pdfplumber floor and other extractors.

Builds long reports and a batch from samples/*.pdf into bench/work/, times every measurement
in a fresh subprocess (so peak RSS is that run's own) and writes bench/RESULTS.md.

    python bench/run.py [--quick] [--out bench/RESULTS.md] [--repeats N] [--work DIR]
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's package, whatever is installed

from bench.common import add_results, parser, write_section  # noqa: E402
SAMPLES = ROOT / "samples"
LONG_SOURCE = SAMPLES / "word_grid_a4.pdf"  # its header repeats on every page

# Targets, all on the same run and machine.
MAX_FLOOR_RATIO = 1.2
MAX_RSS_GROWTH = 1.3
MIN_SPEEDUP = 1.7
MAX_CLIENT_RSS_GROWTH = 1.2  # the batch's main process, many files against few


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]      # pages of the long reports (peak RSS of each)
    timed: tuple[int, ...]      # sizes whose speed is measured
    batch_files: int
    repeats: int                # speed runs per extractor and size
    batch_repeats: int
    camelot_size: int           # camelot renders every page as an image: the smallest only
    profile_size: int
    memory_files: tuple[int, int] = (10, 1000)  # batch sizes whose client peak RSS is compared


FULL = Plan((10, 100, 300), (10, 100), 40, 5, 3, 10, 100)
QUICK = Plan((2,), (2,), 2, 1, 1, 2, 2, (2, 4))


# --- inputs ------------------------------------------------------------------------------


def wait_for(path: Path, timeout: float = 1800.0) -> None:
    """The samples are built by another step; wait for them rather than fail."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            sys.exit(f"{path} did not appear; build the samples first (samples/build.py)")
        print(f"waiting for {path.relative_to(ROOT)} ...", file=sys.stderr)
        time.sleep(10)


def page_order(source_pages: int, pages: int) -> list[int]:
    """First page (title + header), the middle pages cycled, the last page (end of table)."""
    middle = list(range(1, source_pages - 1)) or [0]
    return [0] + [middle[k % len(middle)] for k in range(max(0, pages - 2))] + [source_pages - 1]


def build_long_report(source: Path, pages: int, out: Path) -> str:
    """One table over ``pages`` pages; returns the tool that built it.

    With pikepdf each page gets its own copy of its content stream, as in a real long
    report (a shared stream is parsed and kept only once). Without it pypdfium2, which
    comes with pdfplumber, builds the file, but repeated pages then share their stream."""
    order = page_order(_page_count(source), pages)
    try:
        import pikepdf
    except ImportError:
        import pypdfium2

        with pypdfium2.PdfDocument(str(source)) as src, pypdfium2.PdfDocument.new() as dst:
            dst.import_pages(src, order)
            dst.save(str(out))
        return "pypdfium2 (repeated pages share their content stream)"
    with pikepdf.open(source) as src, pikepdf.new() as dst:
        for index in order:
            dst.pages.append(src.pages[index])
        for page in dst.pages:
            page.obj.Contents = _own_contents(dst, page.obj.Contents)
        dst.save(out)
    return "pikepdf"


def _own_contents(pdf: Any, contents: Any) -> Any:
    import pikepdf

    if isinstance(contents, pikepdf.Array):
        return pikepdf.Array([_own_contents(pdf, c) for c in contents])
    copy = pikepdf.Stream(pdf, contents.read_raw_bytes())
    for key in ("/Filter", "/DecodeParms"):
        if key in contents:
            copy[key] = contents[key]
    return pdf.make_indirect(copy)


def _page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def build_batch(count: int, folder: Path) -> None:
    """``count`` sample-sized files: copies of the samples, cycled."""
    samples = sorted(SAMPLES.glob("*.pdf"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for k in range(count):
        src = samples[k % len(samples)]
        shutil.copyfile(src, folder / f"{k:02d}_{src.name}")


def build_copies(source: Path, count: int, folder: Path) -> None:
    """``count`` copies of ``source`` (distinct paths: distinct documents in the database)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for k in range(count):
        shutil.copyfile(source, folder / f"{k:04d}_{source.name}")


def build_inputs(plan: Plan, work: Path) -> tuple[dict[int, Path], str]:
    """The long reports by page count, and the tool that built them."""
    work.mkdir(parents=True, exist_ok=True)
    reports, tool = {}, ""
    for pages in plan.sizes:
        reports[pages] = work / f"long_{pages}p.pdf"
        tool = build_long_report(LONG_SOURCE, pages, reports[pages])
    build_batch(plan.batch_files, work / "batch")
    return reports, tool


# --- what a child process measures -------------------------------------------------------


def floor(path: str) -> None:
    """The least a pdfplumber-based extractor pays: every page's chars, lines and rects."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            _ = page.chars, page.lines, page.rects  # parsing them is the cost measured
            page.close()


def ours(path: str) -> dict[str, float]:
    from safecity_extract import extract

    report = extract(path)
    before_json = _peak_rss_mib()
    report.to_json()
    return {"rss_before_json": before_json}


def ours_reading(path: str) -> None:
    """Only our page reading (pdf.py): the pdfplumber work ours does besides the floor's."""
    from safecity_extract.pdf import Document

    with Document(path) as doc:
        for _ in doc.pages():
            pass


def stages(path: str) -> dict[str, float]:
    """CPU seconds of the parts of our page reading: the page's objects (pdf.page_objects:
    content streams read by content.py, char records made as glyphs are drawn), the rest of
    pdf.page_data (words, rules, links: page_data timed whole on the page, less the objects'
    time), closing the page."""
    import pdfplumber

    from safecity_extract.pdf import page_data, page_objects
    from safecity_extract.settings import Settings

    settings, spent = Settings(), {"objects": 0.0, "page_data": 0.0, "close": 0.0}
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            t0 = _cpu_seconds()
            page_objects(page)
            t1 = _cpu_seconds()
            page_data(page, number, settings)
            t2 = _cpu_seconds()
            page.close()
            spent["objects"] += t1 - t0
            spent["page_data"] += (t2 - t1) - (t1 - t0)
            spent["close"] += _cpu_seconds() - t2
    return spent


def tables(path: str) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()


def camelot_lattice(path: str) -> None:
    import camelot

    camelot.read_pdf(path, pages="all", flavor="lattice")


def _machine_busy() -> float:
    """CPU seconds all processes on the machine have used (Linux /proc/stat; 0 elsewhere)."""
    try:
        with open("/proc/stat") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def batch(folder: str, workers: str) -> dict[str, float]:
    out = Path(folder).parent / f"batch_out_{workers}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        from safecity_extract.batch import Outputs, collect_inputs, executor_for, run_batch
    except ImportError:  # batch.py not there: the CLI does the same
        subprocess.run(["safecity-extract", "extract", folder, "--out", str(out),
                        "--workers", workers, "--quiet"], check=True)
        return
    busy = _machine_busy()
    result = run_batch(collect_inputs([folder]), Outputs.of(out, ["json"]),
                       executor=executor_for(int(workers)))
    if result.failed:
        raise RuntimeError(f"{len(result.failed)} files failed: {result.failed[0].error}")
    return {"machine_busy": _machine_busy() - busy}


def batch_memory(folder: str, scheduler: str, workers: str) -> dict[str, float]:
    """A batch with --combined and --db, JSON and CSV out; this process is the client, whose
    peak RSS is measured. ``scheduler`` is "none" (the local pool) or a Dask address."""
    from safecity_extract.batch import Outputs, collect_inputs, executor_for, run_batch

    kind = "pool" if scheduler == "none" else "dask"
    out = Path(folder).parent / f"{Path(folder).name}_out_{kind}"
    shutil.rmtree(out, ignore_errors=True)
    client = None
    if scheduler != "none":
        from distributed import Client

        client = Client(scheduler)
    try:
        wanted = Outputs.of(out / "files", combined=out / "all.csv", db=out / "all.sqlite")
        result = run_batch(collect_inputs([folder]), wanted,
                           executor=executor_for(int(workers), client))
    finally:
        if client is not None:
            client.close()
    if result.failed:
        raise RuntimeError(f"{len(result.failed)} files failed: {result.failed[0].error}")
    return {"files": float(len(result.files)), "rows": float(result.rows)}


def dask_batch(folder: str, scheduler: str) -> dict[str, float]:
    """The batch through run_batch on the Dask cluster at ``scheduler``, JSON out."""
    from distributed import Client

    from safecity_extract.batch import Outputs, collect_inputs, executor_for, run_batch

    out = Path(folder).parent / "dask_batch_out"
    shutil.rmtree(out, ignore_errors=True)
    busy = _machine_busy()
    with Client(scheduler) as client:
        result = run_batch(collect_inputs([folder]), Outputs.of(out, ["json"]),
                           executor=executor_for(client=client))
    if result.failed:
        raise RuntimeError(f"{len(result.failed)} files failed: {result.failed[0].error}")
    return {"machine_busy": _machine_busy() - busy}


def speed(path: str, repeats: str, kinds: str) -> dict[str, Any]:
    """Time the extractors in one process, taking turns, after one warm-up run of each: a
    change in what else the machine does then touches all of them alike."""
    names = kinds.split(",")
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for turn in range(int(repeats) + 1):
        for name in names:
            cpu0, start = _cpu_seconds(), time.perf_counter()
            parts = KINDS[name](path) or {}
            run = {"cpu": _cpu_seconds() - cpu0, "seconds": time.perf_counter() - start,
                   "parts": parts}
            if turn:
                runs[name].append(run)
    return runs


KINDS: dict[str, Callable[..., Any]] = {
    "floor": floor, "ours": ours, "reading": ours_reading, "tables": tables,
    "camelot": camelot_lattice, "batch": batch, "stages": stages, "speed": speed,
    "batch_memory": batch_memory, "dask_batch": dask_batch,
}
# Imported before the clock starts (pdf.py and extract.py import pdfplumber and rapidfuzz
# lazily; a long-running user pays that once).
PRELOAD = {"floor": ("pdfplumber",), "tables": ("pdfplumber",), "camelot": ("camelot",),
           "reading": ("pdfplumber", "safecity_extract.pdf"),
           "stages": ("pdfplumber", "safecity_extract.pdf"),
           "ours": ("pdfplumber", "safecity_extract.extract", "safecity_extract.agencies"),
           "batch": ("safecity_extract.batch",),
           "batch_memory": ("safecity_extract.batch", "safecity_extract.extract"),
           "dask_batch": ("safecity_extract.batch", "distributed"),
           "speed": ("pdfplumber", "safecity_extract.extract", "safecity_extract.agencies")}


def child(kind: str, args: list[str]) -> None:
    """Run one measurement; print wall and CPU seconds and peak RSS (MiB) as JSON."""
    for module in PRELOAD[kind]:
        __import__(module)
    base = _peak_rss_mib()
    cpu0, start = _cpu_seconds(), time.perf_counter()
    parts = KINDS[kind](*args) or {}
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss": _peak_rss_mib(), "base": base,
                      "parts": parts}))


def _cpu_seconds() -> float:
    """User + system time of this process and its finished children (batch workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def profile_child(path: str, out: str) -> None:
    from safecity_extract import extract

    extract(path).to_json()  # warm: lazily loaded data files
    prof = cProfile.Profile()
    prof.runcall(lambda: extract(path).to_json())
    prof.dump_stats(out)


# --- the parent: run children, take medians ----------------------------------------------


@dataclass
class Sample:
    seconds: float
    cpu: float
    rss: float
    base: float
    parts: dict[str, float] = field(default_factory=dict)


@dataclass
class Measured:
    runs: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss(self) -> float:
        return statistics.median(r.rss for r in self.runs)

    @property
    def base(self) -> float:
        return statistics.median(r.base for r in self.runs)

    def part(self, name: str) -> float:
        return statistics.median(r.parts[name] for r in self.runs)

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median CPU time: how steady the runs were."""
        cpus = [r.cpu for r in self.runs]
        return (max(cpus) - min(cpus)) / self.cpu if self.cpu else 0.0


class ChildFailed(RuntimeError):
    pass


def run_child(kind: str, *args: str) -> Sample:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ChildFailed(last)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Sample(data["seconds"], data["cpu"], data["rss"], data["base"], data["parts"])


def measure(jobs: list[tuple[str, list[str]]], repeats: int) -> list[Measured]:
    """Run every job ``repeats`` times, the jobs taking turns, so a change in what else the
    machine is doing touches all of them alike."""
    found = [Measured() for _ in jobs]
    for _ in range(repeats):
        for (kind, args), m in zip(jobs, found):
            m.runs.append(run_child(kind, *args))
    for (kind, args), m in zip(jobs, found):
        print(f"  {kind:8} {' '.join(Path(a).name for a in args):24} {m.cpu:8.3f} s CPU "
              f"{m.seconds:8.3f} s wall {m.rss:7.1f} MiB  ({repeats} run{'s' * (repeats > 1)})",
              file=sys.stderr)
    return found


@dataclass
class Results:
    plan: Plan
    speed: dict[tuple[str, int], Measured] = field(default_factory=dict)
    memory: dict[tuple[str, int], Measured] = field(default_factory=dict)
    camelot: Measured | str = "not run"
    workers: dict[int, Measured] = field(default_factory=dict)
    stages: Measured | None = None
    profile: pstats.Stats | None = None


def run_all(plan: Plan, reports: dict[int, Path], work: Path) -> Results:
    res = Results(plan)
    for pages in plan.timed:
        kinds = ["floor", "reading", "ours", "tables"]
        kinds += ["stages"] if pages == plan.profile_size else []
        res.speed.update(_speed(reports[pages], pages, kinds, plan.repeats))
    res.stages = res.speed.pop(("stages", plan.profile_size), None)
    for pages, path in reports.items():
        found = measure([(kind, [str(path)]) for kind in ("floor", "ours")], 1)
        res.memory.update({("floor", pages): found[0], ("ours", pages): found[1]})
    res.camelot = _camelot(reports[plan.camelot_size], plan.repeats)
    one, two = measure([("batch", [str(work / "batch"), str(n)]) for n in (1, 2)],
                       plan.batch_repeats)
    res.workers = {1: one, 2: two}
    res.profile = _profile(reports[plan.profile_size], work)
    return res


def _speed(path: Path, pages: int, kinds: list[str], repeats: int
           ) -> dict[tuple[str, int], Measured]:
    runs = run_child("speed", str(path), str(repeats), ",".join(kinds)).parts
    found = {}
    for kind in kinds:
        found[(kind, pages)] = Measured([Sample(r["seconds"], r["cpu"], 0.0, 0.0, r["parts"])
                                         for r in runs[kind]])
        m = found[(kind, pages)]
        print(f"  {kind:8} {path.name:24} {m.cpu:8.3f} s CPU  spread {m.spread:.0%}  "
              f"({repeats} runs, one process)", file=sys.stderr)
    return found


def _camelot(path: Path, repeats: int) -> Measured | str:
    try:
        return measure([("camelot", [str(path)])], repeats)[0]
    except ChildFailed as exc:
        if "No module named 'camelot'" in str(exc):
            return "camelot not installed"
        return f"camelot failed: {exc}"


def _profile(path: Path, work: Path) -> pstats.Stats:
    out = work / "profile.pstats"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--profile", str(path), str(out)]
    subprocess.run(cmd, check=True, cwd=ROOT)
    return pstats.Stats(str(out))


# --- report ------------------------------------------------------------------------------


def machine() -> list[str]:
    import pdfplumber

    return [f"- date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
            f"- cpus: {os.cpu_count()} ({platform.machine()}, {platform.system()})",
            f"- python: {platform.python_version()}",
            f"- pdfplumber: {pdfplumber.__version__}",
            f"- load average (1/5/15 min) before the run: {load_average()}"]


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def per_page(res: Results, kind: str, pages: int, wall: bool = False) -> float | None:
    m = res.speed.get((kind, pages))
    if m is None:
        return None
    return (m.seconds if wall else m.cpu) / pages


def _fmt(x: float | None, digits: int = 4) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


SPEED_ROWS = {"floor": "floor: pdfplumber chars+lines+rects",
              "reading": "ours, page reading only (pdf.py)",
              "ours": "ours: extract().to_json()",
              "tables": "pdfplumber extract_tables()"}


def speed_section(res: Results) -> list[str]:
    sizes = res.plan.timed
    head = ["| extractor | " + " | ".join(f"{n} pages" for n in sizes) + " | spread |",
            "|---|" + "---:|" * (len(sizes) + 1)]
    out = ["### Speed (seconds per page)", "",
           f"Per report size one process times every extractor {res.plan.repeats} times, "
           "taking turns, after one warm-up run of each (imports and first-use loading not "
           "timed); the median is shown. CPU time (user + system) is the measure: on a "
           "shared machine it moves far less than wall time. Spread: (slowest - fastest) / "
           f"median of the {max(sizes)}-page runs.", "", "CPU s/page:", "", *head]
    for kind, name in SPEED_ROWS.items():
        spread = res.speed[(kind, max(sizes))].spread
        out.append(f"| {name} | " + " | ".join(_fmt(per_page(res, kind, n)) for n in sizes)
                   + f" | {spread:.0%} |")
    ratios = [_ratio(per_page(res, "ours", n), per_page(res, "floor", n)) for n in sizes]
    out.append("| ours / floor | " + " | ".join(_fmt(r, 2) for r in ratios) + " | |")
    out += ["", "Wall s/page, same runs:", "", *head[:1], head[1]]
    for kind, name in SPEED_ROWS.items():
        out.append(f"| {name} | " + " | ".join(_fmt(per_page(res, kind, n, wall=True))
                                               for n in sizes) + " | |")
    out += ["", "camelot lattice: " + _camelot_text(res)]
    return out


def _camelot_text(res: Results) -> str:
    if isinstance(res.camelot, str):
        return res.camelot
    n = res.plan.camelot_size
    return (f"{res.camelot.cpu / n:.4f} CPU s/page ({res.camelot.seconds / n:.4f} wall) on "
            f"the {n}-page report, median of {len(res.camelot.runs)}; only that size: it "
            "renders every page as an image.")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def memory_section(res: Results) -> list[str]:
    out = ["### Memory (peak RSS, MiB)", "",
           "Peak resident set of a fresh process running one extraction (getrusage "
           "RUSAGE_SELF); 'imports' is its peak before the extraction started. The CPU "
           "seconds are of that single cold run.", "",
           "| pages | floor | ours | ours, imports | ours before to_json() | ours CPU s/page |",
           "|---:|---:|---:|---:|---:|---:|"]
    for n in res.plan.sizes:
        f, o = res.memory[("floor", n)], res.memory[("ours", n)]
        out.append(f"| {n} | {f.rss:.1f} | {o.rss:.1f} | {o.base:.1f} "
                   f"| {o.part('rss_before_json'):.1f} | {o.cpu / n:.4f} |")
    return out


def workers_section(res: Results) -> list[str]:
    one, two = res.workers[1], res.workers[2]
    n = res.plan.batch_files
    return ["### Workers", "",
            f"{n} sample-sized files (copies of samples/*.pdf) through run_batch, JSON out, "
            f"median of {res.plan.batch_repeats} runs, worker start-up included. CPU is the "
            "sum over the parent and its workers.", "",
            "| workers | wall s | files/s | CPU s |", "|---:|---:|---:|---:|",
            f"| 1 | {one.seconds:.2f} | {n / one.seconds:.2f} | {one.cpu:.2f} |",
            f"| 2 | {two.seconds:.2f} | {n / two.seconds:.2f} | {two.cpu:.2f} |",
            "", f"speed-up with 2 workers: {one.seconds / two.seconds:.2f}x (wall)"]


# --- targets -----------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    met: bool | None
    value: str
    why: str = ""


def targets(res: Results) -> list[Target]:
    n = max(res.plan.timed)
    fl, rd, ou, tb = (per_page(res, k, n) for k in ("floor", "reading", "ours", "tables"))
    assert fl and rd and ou and tb
    why = _why_slow(res, fl, rd, ou)
    return [
        Target(f"ours <= {MAX_FLOOR_RATIO} x floor ({n} pages, CPU)",
               ou <= MAX_FLOOR_RATIO * fl, f"{ou / fl:.2f}x", why),
        _tables_target(res, n, ou, tb, why),
        _rss_target(res),
        _workers_target(res),
    ]


def _tables_target(res: Results, n: int, ou: float, tb: float, why: str) -> Target:
    spread = max(res.speed[("ours", n)].spread, res.speed[("tables", n)].spread)
    value = f"{ou:.4f} vs {tb:.4f} s/page"
    if abs(ou - tb) / tb < spread:
        value += f" (a {abs(ou - tb) / tb:.1%} gap, within the runs' {spread:.0%} spread)"
    return Target(f"ours faster than extract_tables() ({n} pages, CPU)", ou < tb, value, why)


def _why_slow(res: Results, fl: float, rd: float, ou: float) -> str:
    parts = "; ".join(f"{label} {x:.4f}" for label, x in time_split(res)[:-1])
    return (f"Ours pays {ou - fl:.4f} CPU s/page more than the floor: page reading in pdf.py "
            f"{rd - fl:.4f} s/page over the floor, the rest {ou - rd:.4f} s/page. Parts, "
            f"CPU s/page: {parts}.")


def _rss_target(res: Results) -> Target:
    sizes = res.plan.sizes
    name = f"peak RSS of the {sizes[-1]}-page report <= {MAX_RSS_GROWTH} x the {sizes[0]}-page"
    if len(sizes) < 2:
        return Target(name, None, "n/a (one size only)")
    small, big = res.memory[("ours", sizes[0])], res.memory[("ours", sizes[-1])]
    growth = big.rss / small.rss
    per_page_kib = (big.rss - small.rss) * 1024 / (sizes[-1] - sizes[0])
    json_part = ((big.rss - big.part("rss_before_json"))
                 - (small.rss - small.part("rss_before_json")))
    why = (f"{big.rss - small.rss:.1f} MiB more for {sizes[-1] - sizes[0]} more pages "
           f"({per_page_kib:.0f} KiB/page), of which {json_part:.1f} MiB is the peak of "
           "Report.to_json() (the whole report as a dict and its indented JSON text at once).")
    return Target(name, growth <= MAX_RSS_GROWTH, f"{growth:.2f}x", why)


def _workers_target(res: Results) -> Target:
    one, two = res.workers[1], res.workers[2]
    speedup = one.seconds / two.seconds
    cpus = os.cpu_count() or 1
    others = two.part("machine_busy") - two.cpu
    why = (f"One worker: {one.seconds:.2f} s wall, {one.cpu:.2f} CPU s; two: {two.seconds:.2f} s "
           f"wall, {two.cpu:.2f} CPU s ({two.cpu - one.cpu:+.2f} s for the second worker's "
           f"start-up and the split). The two-worker run had {cpus * two.seconds:.1f} CPU s "
           f"on {cpus} CPUs and used {two.cpu:.1f}; other processes on the machine used "
           f"{others:.1f} CPU s meanwhile (/proc/stat). With the CPUs to itself it would take "
           f"about {two.cpu / cpus:.2f} s, a {one.seconds / (two.cpu / cpus):.2f}x speed-up.")
    return Target(f"2 workers >= {MIN_SPEEDUP} x one worker (wall)", speedup >= MIN_SPEEDUP,
                  f"{speedup:.2f}x", why)


def targets_section(found: list[Target]) -> list[str]:
    out = ["### Targets", "", "| target | value | met |", "|---|---:|---|"]
    for t in found:
        out.append(f"| {t.name} | {t.value} | {_met(t.met)} |")
    missed = [t for t in found if t.met is False]
    for t in missed:
        out += ["", f"Missed: {t.name}. {t.why}"]
    return out


def _met(met: bool | None) -> str:
    return "n/a" if met is None else ("yes" if met else "**no**")


# --- profile -----------------------------------------------------------------------------


def time_split(res: Results) -> list[tuple[str, float]]:
    """CPU s/page of ours in parts, from direct timings (no profiler overhead)."""
    n, st = res.plan.profile_size, res.stages
    assert st is not None
    ours, reading = per_page(res, "ours", n), per_page(res, "reading", n)
    assert ours is not None and reading is not None
    return [("page objects: content streams (content.py), char records (pdf.page_objects)",
             st.part("objects") / n),
            ("rest of pdf.page_data: words, rules, links", st.part("page_data") / n),
            ("closing each page (pdfplumber frees its objects)", st.part("close") / n),
            ("recogniser, stitching, agencies, JSON (ours - page reading)", ours - reading),
            ("ours, whole", ours)]


PACKAGES = ("pdfminer", "pdfplumber", "safecity_extract", "rapidfuzz")


def _package(file: str) -> str:
    return next((p for p in PACKAGES if f"{p}/" in file), "builtins and other")


def profile_section(res: Results, top: int = 12) -> list[str]:
    stats, n = res.profile, res.plan.profile_size
    assert stats is not None
    entries = stats.stats.items()  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    split = time_split(res)
    out = ["### Profile", "",
           f"Where ours spends its CPU time on the {n}-page report, timed directly (median "
           f"of {res.plan.repeats}; parts of pdf.py timed on their own):", "",
           "| part | CPU s/page | share |", "|---|---:|---:|"]
    out += [f"| {label} | {x:.4f} | {x / split[-1][1]:.0%} |" for label, x in split]
    own: dict[str, float] = {}
    for (file, _line, _func), v in entries:
        own[_package(file)] = own.get(_package(file), 0.0) + v[2]
    out += ["", f"cProfile of extract().to_json() on the same report: {total:.2f} s under the "
            "profiler, which slows pdfminer's many small calls more than the rest. Own time "
            "by package: " + ", ".join(f"{k} {v / total:.0%}" for k, v in
                                       sorted(own.items(), key=lambda kv: -kv[1])) + ".", "",
            f"Top {top} functions by own time:", "", *_rows(entries, top, lambda v: v[2])]
    ours_only = [(k, v) for k, v in entries
                 if "safecity_extract" in k[0] and v[3] < 0.5 * total]
    out += ["", f"Top {top} of our functions by cumulative time (those wrapping the page "
            "reading left out):", "", *_rows(ours_only, top, lambda v: v[3])]
    return out


def _rows(entries: Any, top: int, key: Callable[[Any], float]) -> list[str]:
    out = ["| function | calls | own s | cumulative s |", "|---|---:|---:|---:|"]
    for (file, line, func), (_cc, nc, tt, ct, _callers) in sorted(
            entries, key=lambda kv: -key(kv[1]))[:top]:
        out.append(f"| {_short(file)}:{line} {func} | {nc} | {tt:.3f} | {ct:.3f} |")
    return out


def _short(file: str) -> str:
    parts = Path(file).parts
    return "/".join(parts[-2:]) if len(parts) > 1 else file


# --- batches: the client's memory, and Dask workers --------------------------------------


def _scheduler_address(sched_file: Path, proc: subprocess.Popen[bytes], deadline: float) -> str:
    """The address the scheduler wrote to ``sched_file``. The scheduler creates the file before
    it has finished writing it, so an empty or partial file is read again until it parses."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with code {proc.returncode}")
        try:
            return str(json.loads(sched_file.read_text())["address"])
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            time.sleep(0.2)
    raise RuntimeError(f"dask scheduler wrote no address to {sched_file} in time")


@contextmanager
def dask_cluster(workers: int, work: Path) -> Iterator[str]:
    """A real `dask scheduler` and `dask worker` (``workers`` single-threaded processes) on
    127.0.0.1, as separate processes, stopped on exit; yields the scheduler's address."""
    from distributed import Client

    sched_file = work / f"scheduler-{workers}.json"
    sched_file.unlink(missing_ok=True)
    dask = [sys.executable, "-m", "dask"]
    procs = [subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                      "--no-dashboard", "--scheduler-file", str(sched_file)],
                              stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        address = _scheduler_address(sched_file, procs[0], deadline=time.monotonic() + 120)
        procs.append(subprocess.Popen(dask + ["worker", address, "--nworkers", str(workers),
                                              "--nthreads", "1", "--no-dashboard"],
                                      stderr=subprocess.DEVNULL, cwd=ROOT,
                                      start_new_session=True))
        with Client(address) as client:
            client.wait_for_workers(workers, timeout=120)
            # imports done before the clock, as for the local pool's measured runs
            client.run(exec, "import pdfplumber, safecity_extract.extract, "
                       "safecity_extract.agencies")
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@dataclass
class BatchResults:
    plan: Plan
    memory: dict[tuple[str, int], Measured] = field(default_factory=dict)
    dask: dict[int, Measured] = field(default_factory=dict)
    load_before: str = ""


def run_batches(plan: Plan, work: Path) -> BatchResults:
    res = BatchResults(plan, load_before=load_average())
    folders = {n: work / f"batch_{n}" for n in plan.memory_files}
    source = work / "short_2p.pdf"
    build_long_report(LONG_SOURCE, 2, source)
    for n, folder in folders.items():
        build_copies(source, n, folder)
    for n, folder in folders.items():
        res.memory[("pool", n)] = measure([("batch_memory", [str(folder), "none", "2"])], 1)[0]
    with dask_cluster(2, work) as address:
        for n, folder in folders.items():
            res.memory[("dask", n)] = measure(
                [("batch_memory", [str(folder), address, "2"])], 1)[0]
    for workers in (1, 2):
        with dask_cluster(workers, work) as address:
            res.dask[workers] = measure([("dask_batch", [str(work / "batch"), address])],
                                        plan.batch_repeats)[0]
    return res


def batches_section(res: BatchResults) -> list[str]:
    small, big = res.plan.memory_files
    one, two = res.dask[1], res.dask[2]
    n = res.plan.batch_files
    found = []
    for backend in ("pool", "dask"):
        s, b = res.memory[(backend, small)], res.memory[(backend, big)]
        found.append(Target(f"client peak RSS, {big} files <= {MAX_CLIENT_RSS_GROWTH} x "
                            f"{small} files ({'local pool' if backend == 'pool' else 'Dask'})",
                            b.rss <= MAX_CLIENT_RSS_GROWTH * s.rss, f"{b.rss / s.rss:.2f}x"))
    speedup = one.seconds / two.seconds
    others = two.part("machine_busy") - two.cpu
    found.append(Target(f"2 Dask workers >= {MIN_SPEEDUP} x one (wall)", speedup >= MIN_SPEEDUP,
                        f"{speedup:.2f}x",
                        f"One worker {one.seconds:.2f} s, two {two.seconds:.2f} s; other "
                        f"processes on the machine used {others:.1f} CPU s during the "
                        "two-worker runs (/proc/stat)."))
    out = [HEADING_BATCHES, "", "Written by `python bench/run.py` (or `--batches` for this "
           "section alone); inputs in bench/work/.", "",
           f"- date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, cpus: {os.cpu_count()}",
           f"- load average (1/5/15 min) before: {res.load_before}; after: {load_average()}",
           "", *targets_section(found), "",
           "### Client memory (peak RSS of the batch's main process, MiB)", "",
           "run_batch with `--combined` and `--db`, JSON and CSV out, 2 workers, on copies of "
           f"a 2-page report (the first and last page of {LONG_SOURCE.name}: a real table, "
           "short so that 1,000 files fit in a shared machine's time; each copy is its own "
           "document in the database and the combined CSV). For Dask, a `dask scheduler` "
           "and a `dask worker --nworkers 2 --nthreads 1` run as separate processes, so the "
           "figure is the client alone. One run each.", "",
           "| executor | files | rows | peak RSS MiB | wall s |", "|---|---:|---:|---:|---:|"]
    for (backend, files), m in sorted(res.memory.items()):
        label = "local pool" if backend == "pool" else "Dask"
        out.append(f"| {label} | {files} | {m.part('rows'):.0f} | {m.rss:.1f} | "
                   f"{m.seconds:.1f} |")
    out += ["", "### Dask workers", "",
            f"{n} sample-sized files through run_batch(executor=DaskExecutor(client)) on a "
            "`dask worker` of 1 and of 2 single-threaded processes, JSON out, median of "
            f"{res.plan.batch_repeats} runs; the workers are started, and have imported the "
            "extractor, before the clock (unlike the local pool's, whose start-up is timed); "
            "connecting the client is timed.", "",
            "| workers | wall s | files/s | client CPU s |", "|---:|---:|---:|---:|",
            f"| 1 | {one.seconds:.2f} | {n / one.seconds:.2f} | {one.cpu:.2f} |",
            f"| 2 | {two.seconds:.2f} | {n / two.seconds:.2f} | {two.cpu:.2f} |",
            "", f"speed-up with 2 workers: {speedup:.2f}x (wall)"]
    return out


# --- main --------------------------------------------------------------------------------


HEADING = "## Speed, memory and workers"
HEADING_BATCHES = "## Batches: client memory and Dask workers"


def render(res: Results, about: list[str]) -> str:
    lines = [HEADING, "", "Written by `python bench/run.py`; inputs in bench/work/.", "",
             *about, f"- load average after the run: {load_average()}", ""]
    for section in (targets_section(targets(res)), speed_section(res), memory_section(res),
                    workers_section(res), profile_section(res)):
        lines += section + [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    options = parser(__doc__)
    options.add_argument("--quick", action="store_true",
                        help="1 run, a 2-page report, a 2-file batch: checks the script works")
    add_results(options, "--out", no_write=False)
    options.add_argument("--repeats", type=int, help="runs per measurement (median)")
    options.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    options.add_argument("--batches", action="store_true",
                        help="only the batch section: client memory, 10 vs 1000 files, local "
                             "pool and Dask; 1 vs 2 Dask workers")
    options.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options.add_argument("--profile", nargs=2, help=argparse.SUPPRESS)
    args = options.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1:])
    if args.profile:
        return profile_child(*args.profile)
    plan = QUICK if args.quick else FULL
    if args.repeats:
        plan = replace(plan, repeats=args.repeats, batch_repeats=args.repeats)
    wait_for(LONG_SOURCE)
    if args.batches:
        args.work.mkdir(parents=True, exist_ok=True)
        build_batch(plan.batch_files, args.work / "batch")
        text = "\n".join(batches_section(run_batches(plan, args.work)))
        print(text)
        return write_section(args.results, text)
    about = machine()
    reports, tool = build_inputs(plan, args.work)
    about.append(f"- inputs: {', '.join(map(str, plan.sizes))}-page reports made from "
                 f"{LONG_SOURCE.name} by {tool}; {plan.batch_files} copies of samples/*.pdf")
    text = render(run_all(plan, reports, args.work), about)
    print(text)
    write_section(args.results, text)
    text = "\n".join(batches_section(run_batches(plan, args.work)))
    print(text)
    write_section(args.results, text)


if __name__ == "__main__":
    main()
