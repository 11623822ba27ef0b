"""Batches on a Dask cluster: a LocalCluster of worker processes on loopback, started and stopped
here, gives the local pool's bytes; a worker killed mid-file has its file retried elsewhere; a
file that kills every worker it runs on, or hangs, fails alone; an unreachable scheduler is one
line before any work; nothing is left running.

The fake extractors are module-level so the Dask workers can import them by name.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from safecity_extract.batch import Outputs, collect_inputs, run_batch
from safecity_extract.dask_executor import SENT_LOG, DaskExecutor, dask_client
from safecity_extract.executors import LocalPool
from safecity_extract.limits import DEFAULT_MAX_MEMORY_MB
from safecity_extract.workers import Bounds
from tests.test_batch import _outputs, _tree, fake_extract

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
COMMAND = [sys.executable, "-c", "from safecity_extract.cli import main; main()"]


def slow_extract(path: str, **kwargs):
    """fake_extract, taking a second and a half over each file: long enough to kill mid-file."""
    time.sleep(1.5)
    return fake_extract(path, **kwargs)


@pytest.fixture(scope="module")
def client():
    with dask_client("local", 2) as c:
        yield c


@pytest.fixture
def two_workers(client):
    client.wait_for_workers(2, timeout=120)  # an earlier test may have had one restarted
    return client


def _children() -> set[int]:
    """Live child processes of this one (Linux), leaving out multiprocessing's resource
    tracker, which lives as long as the interpreter."""
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            listed = (task / "children").read_text()
        except OSError:  # a thread (of Dask's) that ended since the folder was listed
            continue
        pids.update(int(p) for p in listed.split())
    out = set()
    for pid in pids:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"resource_tracker" not in cmd and state != "Z":
            out.add(pid)
    return out


def test_local_cluster_gives_the_local_pools_bytes_on_every_sample(tmp_path, two_workers):
    inputs = collect_inputs([SAMPLES])
    run_batch(inputs, Outputs.of(tmp_path / "pool", combined=tmp_path / "pool" / "all.csv"),
              executor=LocalPool(2))
    result = run_batch(inputs, Outputs.of(tmp_path / "dask", combined=tmp_path / "dask" / "all.csv"),
                       executor=DaskExecutor(two_workers))
    assert not result.failed
    pool, dask = _outputs(tmp_path / "pool"), _outputs(tmp_path / "dask")
    assert len(pool) == 2 * len(inputs) + 1
    assert dask == pool


def test_the_clients_message_log_keeps_no_pdfs_bytes(tmp_path, two_workers):
    """distributed keeps the last 1,000 messages sent to the scheduler; each file's task
    carries its PDF, so the log is kept short during a batch, and put back after it."""
    _tree(tmp_path / "in", {f"f{i}.pdf": f"w{i} x{i}" for i in range(30)})
    log = two_workers.scheduler_comm.recent_message_log
    lengths: list[int] = []

    def step(done, total, name, rows):
        lengths.append(len(two_workers.scheduler_comm.recent_message_log))

    result = run_batch(collect_inputs([tmp_path / "in"]), Outputs.of(tmp_path / "out"),
                       executor=DaskExecutor(two_workers), extract_fn=fake_extract, progress_callback=step)
    assert [f.status for f in result.files] == ["ok"] * 30
    assert len(lengths) == 30 and max(lengths) <= SENT_LOG
    assert two_workers.scheduler_comm.recent_message_log is log
    # keys released after the batch may be logged; no task message of the batch is
    sent = [m for payload in log if isinstance(payload, list) for m in payload
            if isinstance(m, dict) and m.get("op") == "update-graph"
            and "safecity-extract-" in repr(m.get("keys"))]
    assert sent == []


def _kill_a_busy_worker(client, killed: list[int]):
    """A progress callback that SIGKILLs, once, a worker process while it reads a file."""
    def step(done, total, name, rows):
        if killed:
            return
        pids = client.run(os.getpid)
        busy = [addr for addr, keys in client.processing().items() if keys]
        os.kill(pids[busy[0]], signal.SIGKILL)
        killed.append(pids[busy[0]])
    return step


def test_a_worker_killed_mid_file_loses_no_good_file(tmp_path, two_workers):
    _tree(tmp_path / "in", {f"f{i}.pdf": f"w{i} x{i}" for i in range(8)})
    killed: list[int] = []
    result = run_batch(collect_inputs([tmp_path / "in"]),
                       Outputs.of(tmp_path / "out", combined=tmp_path / "all.csv"),
                       executor=DaskExecutor(two_workers), extract_fn=slow_extract,
                       progress_callback=_kill_a_busy_worker(two_workers, killed))
    assert killed
    assert [f.status for f in result.files] == ["ok"] * 8
    assert len(_outputs(tmp_path / "out")) == 16
    assert len((tmp_path / "all.csv").read_text("utf-8").splitlines()) == 1 + 16


def test_a_file_that_kills_its_workers_fails_alone_after_one_retry(tmp_path, two_workers):
    _tree(tmp_path / "in", {"a.pdf": "one two", "die.pdf": "DIE", "bad.pdf": "BAD",
                            "z.pdf": "three"})
    result = run_batch(collect_inputs([tmp_path / "in"]), tmp_path / "out", executor=DaskExecutor(two_workers),
                       extract_fn=fake_extract)
    status = {f.input.name: f.status for f in result.files}
    assert status == {"a.pdf": "ok", "bad.pdf": "failed", "die.pdf": "failed", "z.pdf": "ok"}
    errors = {f.input.name: f.error for f in result.failed}
    assert errors["die.pdf"] == (f"{tmp_path / 'in' / 'die.pdf'}: worker process died while "
                                 "reading it, also when retried on another worker")
    # messages name the file as the client has it, not the worker's temporary copy
    assert errors["bad.pdf"] == (f"{tmp_path / 'in' / 'bad.pdf'}: damaged or truncated PDF "
                                 "(fake): download or export it again")
    assert sorted(_outputs(tmp_path / "out")) == ["a.csv", "a.json", "z.csv", "z.json"]


def test_a_hanging_file_times_out_and_the_batch_goes_on(tmp_path, two_workers):
    _tree(tmp_path / "in", {"a.pdf": "one", "hang.pdf": "HANG", "z.pdf": "two three"})
    result = run_batch(collect_inputs([tmp_path / "in"]), tmp_path / "out", executor=DaskExecutor(two_workers),
                       extract_fn=fake_extract, bounds=Bounds(3, DEFAULT_MAX_MEMORY_MB))
    assert [f.status for f in result.files] == ["ok", "failed", "ok"]
    assert result.failed[0].error == f"{tmp_path / 'in' / 'hang.pdf'}: timed out after 3 s"
    two_workers.wait_for_workers(2, timeout=60)  # the hung worker was restarted


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_and_exit_1_before_any_work(tmp_path):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    proc = subprocess.run(COMMAND + ["extract", str(SAMPLES), "--out", str(tmp_path / "out"), "--scheduler", address],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"error: {address}: cannot reach the Dask scheduler (Timed out trying to connect to "
        f"{address} after 10 s): start one with `dask scheduler` (and workers with "
        "`dask worker ADDRESS`) or check the address"]
    assert not (tmp_path / "out").exists()


def _in_session(sid: int) -> list[int]:
    """Live processes of session ``sid`` (Linux)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def test_no_process_is_left_behind_by_the_cli_or_the_library(tmp_path, client):
    for name in ("word_grid_a4.pdf", "reportlab_shaded.pdf"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes((SAMPLES / name).read_bytes())
    proc = subprocess.Popen(COMMAND + ["extract", str(tmp_path / "in"), "--out",
                                       str(tmp_path / "out"), "-q", "--scheduler", "local",
                                       "--workers", "1"], cwd=ROOT, start_new_session=True)
    try:
        assert proc.wait(timeout=180) == 0
    finally:
        if proc.poll() is None:  # stuck: end its whole session, not only the CLI
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert sorted(_outputs(tmp_path / "out")) == [
        "reportlab_shaded.csv", "reportlab_shaded.json", "word_grid_a4.csv", "word_grid_a4.json"]
    before = _children()
    with dask_client("local", 1) as own:  # the library's own cluster, started here
        assert len(own.run(os.getpid)) == 1
    deadline = time.monotonic() + 30
    while (_children() - before or _in_session(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _in_session(proc.pid) == []
    assert _children() - before == set()


def test_without_dask_the_scheduler_option_is_one_line(tmp_path):
    hide = "import sys; sys.modules['distributed'] = None; "
    proc = subprocess.run([sys.executable, "-c", hide + COMMAND[2], "extract", str(SAMPLES),
                           "--out", str(tmp_path / "out"), "--scheduler", "local"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == ["error: --scheduler: needs Dask, which is not "
                                        "installed: pip install 'safecity-extract[dask]'"]
    assert not (tmp_path / "out").exists()


def _memory_hog_pdf() -> bytes:
    """One page of two million 16-letter strings (a 100 kB file): pdfminer's character
    objects take gigabytes while every stream stays far under the inflation cap."""
    import zlib

    content = zlib.compress(b"BT /F1 1 Tf 10 10 Td " + b"(xxxxxxxxxxxxxxxx) Tj " * 2_000_000
                            + b"ET", 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1"
               b" 5 0 R >> >> /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
               + b"\nendstream", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _address_space(gib: int):  # type: ignore[no-untyped-def]
    """preexec_fn: a safety net, so that a regression cannot fill the shared machine."""
    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (gib * 2**30, resource.RLIM_INFINITY))
    return cap


def test_max_memory_caps_the_workers_of_a_local_cluster(tmp_path):
    pdf = tmp_path / "hog.pdf"
    pdf.write_bytes(_memory_hog_pdf())
    proc = subprocess.Popen(COMMAND + ["extract", str(pdf), "--out", str(tmp_path / "out"),
                                       "--scheduler", "local", "--workers", "1",
                                       "--max-memory", "400", "--timeout", "100"],
                            cwd=ROOT, start_new_session=True, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_address_space(4))
    try:
        _, err = proc.communicate(timeout=150)  # the hard limit of this test
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        deadline = time.monotonic() + 30
        while _in_session(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in _in_session(proc.pid):  # nothing may outlive the test, even if it fails
            os.kill(pid, signal.SIGKILL)
    # each worker is ended by its nanny at 95% of 400 MiB (once, and once more on the retry):
    # not a MemoryError at the 4 GiB safety net, nor a timeout
    assert proc.returncode == 1, err
    assert err.splitlines()[0] == (f"error: {pdf}: worker process died while reading it, "
                                   "also when retried on another worker")
    assert _in_session(proc.pid) == []
