"""The benchmarks of raw event logs and large SLI tables run (at a tiny size), so `make bench` cannot rot.

Their figures are measured by `make bench` at full size; here only that each runs end to end and reports
finite figures (performance targets are never checked in a timed test).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("name", "env"), [
    ("bench_events", {"SLM_BENCH_EVENTS": "200000", "SLM_BENCH_EVENTS_PANDAS": "100000"}),
    ("bench_sli_memory", {"SLM_BENCH_SCALE": "0.004"}),
])
def test_benchmark_runs(tmp_path, monkeypatch, name, env):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("SLM_BENCH_CACHE", str(tmp_path / "bench"))
    monkeypatch.delenv("SLM_BASELINE", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # reads the sizes from the environment
    rows = module.run()
    assert len(rows) >= 4
    for row in rows:
        assert {"benchmark", "figure", "value", "unit", "target"} <= set(row)
        assert math.isfinite(row["value"]), row
