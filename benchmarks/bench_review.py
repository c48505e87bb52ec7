"""The periodic review runner on the sample data (13 services): a full monthly review, and its overhead.

Targets (issue 12), measured side by side in one run:

- Full monthly review (13 service reviews + the portfolio review, HTML included): <= 30 s with
  ``--jobs 2`` on 2 cores. Measured as the wall time of ``python -m slm_analytics.cli review --out DIR
  --jobs 2`` in a subprocess of this interpreter, so it includes the imports a cron job pays. The
  ``run.json`` the runner writes beside the reports gives each notebook's own time: its median and maximum
  are reported too. With ``SLM_BENCH_SERIAL=1`` in the environment the same run with ``--jobs 1`` is
  reported as well (it is slow: about a minute on the sample data).
- The runner's overhead per notebook: <= 1 s beyond plain ``papermill`` CLI calls on the same notebooks.
  Three services (checkout, payments, login), serially. Baseline: the ``papermill`` CLI of this
  environment executes ``notebooks/reports/service-review.ipynb`` per service with the parameters the
  runner passes, then ``jupyter nbconvert --to html --no-input`` converts the executed notebook (the runner
  writes HTML too). Runner: ``slm review --service checkout --service payments --service login --month M
  --jobs 1``. Reported: both totals (the baseline split into papermill and nbconvert) and
  (runner - baseline) / 3.

The 1-minute load average before the run is reported first: on a shared machine the wall times are only as
good as the cores that were free.

The baseline reads the notebook's declared parameters with :func:`papermill.inspect_notebook` rather than
assuming them: the reviewed month goes to ``period`` when the notebook declares it, else to ``month``; every
other declared parameter but ``service`` and ``data_dir`` keeps its default.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FULL_TARGET = "<= 30 s with --jobs 2 (issue 12)"
OVERHEAD_TARGET = "<= 1 s (issue 12)"
OVERHEAD_SERVICES = ("checkout", "payments", "login")
BIN = Path(sys.executable).parent


def _timed(cmd: list[str]) -> float:
    """Run ``cmd``; return its wall time in seconds. A failing command raises with its output."""
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        msg = (f"{' '.join(cmd)} exited {done.returncode}; the timing would be meaningless.\n"
               f"stdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}")
        raise RuntimeError(msg)
    return seconds


def _review_cmd(out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "slm_analytics.cli", "review", "--out", str(out), *args]


def _run_json(out: Path) -> dict:
    """The ``run.json`` of every period folder under ``out``, merged (a New York service's last complete
    month can be the one before a London service's: the run writes into both folders)."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*/run.json"))]
    return {"ok": all(d["ok"] for d in docs), "reports": [r for d in docs for r in d["reports"]]}


def _full_review(jobs: int) -> tuple[float, dict]:
    """Wall time of the whole monthly review with ``--jobs jobs``, and the run.json it wrote."""
    with tempfile.TemporaryDirectory(prefix="slm-bench-review-") as tmp:
        out = Path(tmp) / "reports"
        seconds = _timed(_review_cmd(out, "--jobs", str(jobs)))
        return seconds, _run_json(out)


def _notebook_parameters(notebook: Path, *, service: str, month: str) -> dict[str, str]:
    """The parameters the runner passes, named as the notebook declares them (``period`` or ``month``)."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    params = {"service": service, "data_dir": ""}
    params["period" if "period" in declared else "month"] = month
    unknown = sorted(set(params) - set(declared))
    if unknown:
        msg = f"{notebook}: does not declare {unknown}; declared: {sorted(declared)}"
        raise RuntimeError(msg)
    return params


def _baseline(notebook: Path, month: str, folder: Path) -> tuple[float, float]:
    """Plain papermill CLI + nbconvert per service, serially: the total wall time of each of the two."""
    execute = convert = 0.0
    for service in OVERHEAD_SERVICES:
        out_nb = folder / f"{service}.ipynb"
        raw = [a for k, v in _notebook_parameters(notebook, service=service, month=month).items()
               for a in ("-r", k, v)]  # -r: strings as given ("2026-10" stays text)
        execute += _timed([str(BIN / "papermill"), str(notebook), str(out_nb), "-k", "python3",
                           "--no-progress-bar", "--start-timeout", "120", *raw])
        convert += _timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out_nb)])
    return execute, convert


def _runner(month: str, out: Path) -> float:
    services = [a for s in OVERHEAD_SERVICES for a in ("--service", s)]
    return _timed(_review_cmd(out, *services, "--month", month, "--jobs", "1"))


def run() -> list[dict]:
    from slm_analytics import read_dataset
    from slm_analytics.resources import notebook_path
    from slm_analytics.review import latest_complete_month

    n_services = len(read_dataset("catalog").services)
    month = latest_complete_month(read_dataset("sli_5min"))
    notebook = notebook_path("reports/service-review.ipynb")
    name = f"monthly review (sample data: {n_services} services + portfolio, HTML)"
    # the machine may be shared: the load before the run says how far the figures can be trusted
    rows = [{"benchmark": name, "figure": "1-minute load average before the run", "value": os.getloadavg()[0],
             "unit": "", "target": f"{os.cpu_count()} CPUs"}]

    runs = [(2, FULL_TARGET)]
    if os.environ.get("SLM_BENCH_SERIAL") == "1":
        runs.append((1, "reference (serial)"))
    for jobs, target in runs:
        seconds, doc = _full_review(jobs)
        per_nb = [r["seconds"] for r in doc["reports"]]
        if not doc["ok"]:
            failed = [r["name"] for r in doc["reports"] if r["status"] != "ok"]
            msg = f"the review with --jobs {jobs} reported failures: {failed}"
            raise RuntimeError(msg)
        rows += [
            {"benchmark": name, "figure": f"slm review --jobs {jobs}: wall time (subprocess, with imports)",
             "value": seconds, "unit": "s", "target": target},
            {"benchmark": name, "figure": f"  run.json: median seconds per notebook ({len(per_nb)})",
             "value": statistics.median(per_nb), "unit": "s", "target": ""},
            {"benchmark": name, "figure": "  run.json: max seconds per notebook",
             "value": max(per_nb), "unit": "s", "target": ""},
        ]

    n = len(OVERHEAD_SERVICES)
    with tempfile.TemporaryDirectory(prefix="slm-bench-overhead-") as tmp:
        base_dir = Path(tmp) / "papermill"
        base_dir.mkdir()
        execute, convert = _baseline(notebook, month, base_dir)
        baseline = execute + convert
        runner = _runner(month, Path(tmp) / "runner")
    over = f"runner overhead vs papermill CLI ({', '.join(OVERHEAD_SERVICES)}; {month}; serial)"
    rows += [
        {"benchmark": over, "figure": f"papermill CLI + nbconvert --no-input, {n} notebooks",
         "value": baseline, "unit": "s", "target": ""},
        {"benchmark": over, "figure": "  of which papermill CLI", "value": execute, "unit": "s",
         "target": ""},
        {"benchmark": over, "figure": "  of which jupyter nbconvert", "value": convert, "unit": "s",
         "target": ""},
        {"benchmark": over, "figure": f"slm review --jobs 1, {n} services", "value": runner, "unit": "s",
         "target": ""},
        {"benchmark": over, "figure": f"runner overhead per notebook ((runner - baseline) / {n})",
         "value": (runner - baseline) / n, "unit": "s", "target": OVERHEAD_TARGET},
    ]
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']} / {row['figure']:<60} {row['value']:8.2f} {row['unit']}  {row['target']}")
