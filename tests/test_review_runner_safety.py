"""End-to-end safety tests of the review runner and ``slm review``: escaping, Ctrl-C and atomic outputs.

Issue 12 asks for a runner a cron job can trust: user text (service descriptions, owners, incident titles,
SIP text) is escaped in the HTML written; Ctrl-C stops cleanly and leaves every report written so far
valid; a failing or interrupted run never leaves a half-written report where a good one was. These tests
run the real review notebook on data folders built in ``tmp_path`` (the bundled sample data, symlinked,
with the files a test changes copied and edited). They complement tests/test_review_runner.py (failure
isolation with a tiny notebook, the index template's escaping) and tests/test_cli.py (exit codes with a
stubbed runner).

Each real notebook run costs several seconds; the file runs about five.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from slm_analytics.cli import main
from slm_analytics.data import DATASETS, dataset_path
from slm_analytics.review import run_review

psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parent.parent
MONTH = "2026-10"


def data_folder(tmp_path: Path, *, own: tuple[str, ...] = ()) -> Path:
    """A data folder of the bundled files under their usual names: symlinks, copies for ``own`` datasets."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name, info in DATASETS.items():
        if info.get("bundled"):  # real data read from the package, not from a data folder
            continue
        target = folder / info["file"]
        if name in own:
            target.write_bytes(dataset_path(name).read_bytes())
        else:
            target.symlink_to(dataset_path(name))
    return folder


def earlier_report(folder: Path, service: str) -> dict[str, bytes]:
    """Write a complete earlier report of ``service`` (HTML, notebook, summary); return the files' bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{service}.html").write_text(
        f"<!DOCTYPE html>\n<html><body><p>EARLIER REPORT of {service}</p></body>\n</html>\n")
    nbformat.write(new_notebook(cells=[new_markdown_cell(f"EARLIER NOTEBOOK of {service}")]),
                   folder / f"{service}.ipynb")
    (folder / f"{service}.summary.json").write_text(json.dumps({"earlier": service}) + "\n")
    return {p.name: p.read_bytes() for p in folder.glob(f"{service}.*")}


def assert_every_file_whole(folder: Path) -> None:
    """No temporary or partial file is left; every HTML page is complete and every notebook parses."""
    names = sorted(p.name for p in folder.iterdir())
    assert not [n for n in names if n.endswith(".tmp") or ".partial." in n], names
    for page in folder.glob("*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page.name
    for notebook in folder.glob("*.ipynb"):
        nbformat.validate(nbformat.read(notebook, as_version=4))


# --- escaping ------------------------------------------------------------------------------------------

DESCRIPTION = "<script>alert(1)</script> Basket and order placement"
OWNER = "team-orders <script>alert(2)</script>"
INCIDENT = "<img src=x onerror=alert(1)> Upstream dependency returning errors"
SIP_ACTION = "<script>alert(4)</script> Autoscaling on queue depth"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """checkout's October 2026 review from data whose free text holds markup: catalog, incidents, SIP."""
    tmp = tmp_path_factory.mktemp("escaping")
    data = data_folder(tmp, own=("catalog", "incidents", "sip_register"))
    catalog = data / DATASETS["catalog"]["file"]
    text = catalog.read_text(encoding="utf-8")
    line = ("  - {name: checkout, description: Basket and order placement, owner: team-orders, tier: 1, "
            "users: 420000,")
    assert line in text
    catalog.write_text(text.replace(line, f"  - {{name: checkout, description: {json.dumps(DESCRIPTION)}, "
                                          f"owner: {json.dumps(OWNER)}, tier: 1, users: 420000,"),
                       encoding="utf-8")
    incidents = data / DATASETS["incidents"]["file"]
    frame = pd.read_csv(incidents, dtype=str, keep_default_na=False)
    frame.loc[frame["id"] == "INC-0211", "title"] = INCIDENT  # a checkout incident of October 2026
    frame.to_csv(incidents, index=False)
    sip = data / DATASETS["sip_register"]["file"]
    frame = pd.read_csv(sip, dtype=str, keep_default_na=False)
    mine = frame["service"] == "checkout"  # its one action, reopened so that the open actions show it
    frame.loc[mine, ["action", "status", "closed", "due"]] = [SIP_ACTION, "in-progress", "", "2026-12-31"]
    frame.to_csv(sip, index=False)
    run = run_review(data_dir=data, out_dir=tmp / "reports", month=MONTH, services=["checkout"],
                     portfolio=False)
    assert run.ok, run.failed
    return run


def test_service_report_shows_markup_in_user_text_as_text(hostile_run):
    """A service description and an incident title holding markup render as text in the service's report.

    From issue 12: "a service description containing ``<script>`` renders as text (tested)". The report is
    the notebook converted by nbconvert, whose template has script tags of its own: only the injected
    payloads are looked for.
    """
    html = hostile_run.reports[0].html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the description, in the service header
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the incident title, in the incidents table
    assert "<script>alert(" not in html
    assert "<img src=x" not in html


def test_service_report_shows_the_owner_and_sip_text_as_text(hostile_run):
    """The owner from the catalog and the SIP register's text, wherever the report shows them, are text."""
    html = hostile_run.reports[0].html.read_text(encoding="utf-8")
    assert "team-orders &lt;script&gt;alert(2)&lt;/script&gt;" in html  # the service header
    assert "&lt;script&gt;alert(4)&lt;/script&gt; Autoscaling" in html  # the open improvement actions
    assert "<script>alert(2)" not in html and "<script>alert(4)" not in html


def test_index_shows_markup_in_user_text_as_text(hostile_run):
    """index.html of a real run lists the owner holding markup as text (the template autoescapes)."""
    index = hostile_run.index.read_text(encoding="utf-8")
    assert "team-orders &lt;script&gt;alert(2)&lt;/script&gt;" in index
    assert "<script" not in index and "<img" not in index


def test_the_summary_is_as_readable_as_the_report_beside_it(hostile_run):
    """``<service>.summary.json`` gets the same permissions as the report and notebook beside it.

    From issue 12: the summary is for other tools to read, written beside the report (e.g. a folder a web
    server or a dashboard job reads as another user). The HTML and the notebook are created with the
    process's umask (0644 under the usual 022); the summary must not be readable by its owner only.
    """
    report = hostile_run.reports[0]
    summary = report.html.with_name("checkout.summary.json")
    mode = stat.S_IMODE(report.html.stat().st_mode)
    assert stat.S_IMODE(report.notebook.stat().st_mode) == mode
    assert oct(stat.S_IMODE(summary.stat().st_mode)) == oct(mode)


# --- Ctrl-C -------------------------------------------------------------------------------------------

def start_review(out: Path, *services: str, jobs: int) -> subprocess.Popen:
    """``slm review`` in its own process group, as a shell runs a command (Ctrl-C goes to the group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "slm_analytics.cli", "review", "--out", str(out), "--month", MONTH,
         "--jobs", str(jobs), "--service", *services],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})


def kernels_of(proc: subprocess.Popen) -> dict[int, psutil.Process]:
    """The ipykernel processes started under ``proc`` (kernels run in a session of their own)."""
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return {}
    found = {}
    for child in children:
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found[child.pid] = child
        except psutil.Error:
            continue
    return found


def wait_for(condition, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"slm review ended ({proc.returncode}) before the interrupt:\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("slm review did not get to the point of the interrupt in time")
        time.sleep(0.1)


def interrupt(proc: subprocess.Popen, kernels: dict[int, psutil.Process]) -> tuple[int, str, float, list]:
    """Ctrl-C: SIGINT to the command's process group; return its exit code, stderr, seconds, live kernels."""
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        err += "\n(killed: still running 60 s after the interrupt)"
    seconds = time.monotonic() - t0
    gone, alive = psutil.wait_procs(list(kernels.values()), timeout=10)
    for kernel in alive:  # clean up after a failing test: the kernels this test started
        kernel.kill()
    return proc.returncode, err, seconds, alive


def test_ctrl_c_stops_cleanly_and_leaves_every_report_whole(tmp_path):
    """Ctrl-C during the second service (one job) exits 130 and leaves only whole reports.

    From issue 12: "Ctrl-C stops cleanly and leaves every report written so far valid", and "an interrupted
    run never leaves a half-written report where a good one was": the first service's new report is
    complete, the interrupted service keeps its earlier files byte for byte, no temporary file is left
    and no kernel is left running. Exit code 130 is the CLI's answer to an interrupt (128 + SIGINT).
    """
    folder = tmp_path / "out" / MONTH
    earlier_checkout = earlier_report(folder, "checkout")
    earlier_payments = earlier_report(folder, "payments")
    proc = start_review(tmp_path / "out", "checkout", "payments", jobs=1)
    seen: dict[int, psutil.Process] = {}

    def payments_running() -> bool:
        seen.update(kernels_of(proc))
        replaced = (folder / "checkout.html").read_bytes() != earlier_checkout["checkout.html"]
        return replaced and any(p.name.startswith(".payments.") for p in folder.iterdir())

    wait_for(payments_running, proc, 180)
    time.sleep(2)  # into payments' notebook
    seen.update(kernels_of(proc))
    code, err, seconds, alive = interrupt(proc, seen)
    assert code == 130, err
    assert "error: interrupted" in err
    assert seconds < 60
    assert not alive, "kernels left running after Ctrl-C"
    assert_every_file_whole(folder)
    assert "EARLIER" not in (folder / "checkout.html").read_text(encoding="utf-8")  # finished: replaced
    assert "Service review" in (folder / "checkout.html").read_text(encoding="utf-8")
    assert {name: (folder / name).read_bytes() for name in earlier_payments} == earlier_payments


def test_ctrl_c_with_two_jobs_ends_the_workers_and_their_kernels(tmp_path):
    """Ctrl-C with ``--jobs 2`` ends the command, its worker processes and the kernels they started.

    From issue 12: "Ctrl-C stops cleanly" with notebooks run in parallel processes. A kernel runs in a
    session of its own, so the terminal's SIGINT does not reach it: the worker must shut it down, or it is
    left running after the command has gone. The earlier reports of the interrupted services stay as they
    were.
    """
    folder = tmp_path / "out" / MONTH
    earlier = {**earlier_report(folder, "checkout"), **earlier_report(folder, "payments")}
    proc = start_review(tmp_path / "out", "checkout", "payments", jobs=2)
    seen: dict[int, psutil.Process] = {}

    def both_running() -> bool:
        seen.update(kernels_of(proc))
        return len(seen) >= 2

    wait_for(both_running, proc, 120)
    time.sleep(2)  # into the notebooks
    seen.update(kernels_of(proc))
    workers = [p for p in psutil.Process(proc.pid).children() if p.pid not in seen]
    code, err, seconds, alive = interrupt(proc, seen)
    assert code == 130, err
    assert seconds < 60
    _, left = psutil.wait_procs(workers, timeout=10)
    for worker in left:  # clean up after a failing test
        worker.kill()
    assert not left, "worker processes left running after Ctrl-C"
    assert not alive, "kernels left running after Ctrl-C"
    assert_every_file_whole(folder)
    assert {name: (folder / name).read_bytes() for name in earlier} == earlier


# --- a failing run -------------------------------------------------------------------------------------

def test_a_failing_review_keeps_the_earlier_report_and_the_cli_says_which_failed(tmp_path, capsys):
    """A service whose review fails on its data keeps its earlier report; the CLI exits 1 and names it.

    From issue 12: "one failing notebook ... its executed notebook is kept with the error; the index marks it
    failed; the command exits 1 and prints which failed", and atomic outputs: the failing rerun leaves the
    earlier ``payments.html``, ``.ipynb`` and ``.summary.json`` byte-identical. The failure is a real one:
    the data holds no SLI for payments in October 2026 (InsufficientDataError in the notebook).
    """
    data = data_folder(tmp_path)
    sli_file = data / DATASETS["sli_5min"]["file"]
    sli = pd.read_parquet(dataset_path("sli_5min"))
    october = (sli["timestamp"] >= pd.Timestamp("2026-09-25", tz="UTC"))
    sli_file.unlink()
    sli[~((sli["service"] == "payments") & october)].to_parquet(sli_file, index=False)
    folder = tmp_path / "out" / MONTH
    earlier = earlier_report(folder, "payments")
    code = main(["review", "--data", str(data), "--out", str(tmp_path / "out"), "--month", MONTH,
                 "--service", "payments"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "payments" in out and "FAILED" in out
    assert "error: 2026-10: payments: InsufficientDataError" in err
    assert {name: (folder / name).read_bytes() for name in earlier} == earlier
    failed = nbformat.read(folder / "payments.failed.ipynb", as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert [e["ename"] for e in errors] == ["InsufficientDataError"]
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "failed (earlier report kept)" in index and "InsufficientDataError" in index
    assert '<a href="payments.failed.ipynb">failed notebook</a>' in index
    assert '<a href="payments.html">report</a>' in index  # the earlier report stays linked
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["status"]) for r in run["reports"]] == [("payments", "failed")]
    assert_every_file_whole(folder)
