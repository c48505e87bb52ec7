"""Tests for slm_analytics.review.shared: results a review run's notebooks compute once and share."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest

from slm_analytics import review
from slm_analytics.review.shared import CACHE_ENV, shared


def _count_and_answer(log: str) -> int:
    with open(log, "a") as f:
        f.write("computed\n")
    return 42


def _in_other_process(folder: str, log: str, out: str) -> None:
    os.environ[CACHE_ENV] = folder
    value = shared("answer", ("k",), lambda: _count_and_answer(log))
    Path(out).write_text(str(value))


def test_outside_a_run_every_call_computes(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    log = tmp_path / "log"
    assert [shared("answer", ("k",), lambda: _count_and_answer(str(log))) for _ in range(2)] == [42, 42]
    assert log.read_text().count("computed") == 2
    assert list(tmp_path.iterdir()) == [log]  # nothing stored


def test_in_a_run_the_result_is_computed_once_per_key(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    calls = []
    first = shared("frame", ("2026-10", "UTC"), lambda: calls.append(1) or pd.DataFrame({"a": [1.5]}))
    again = shared("frame", ("2026-10", "UTC"), lambda: calls.append(1) or pd.DataFrame({"a": [9.0]}))
    pd.testing.assert_frame_equal(first, again)  # the stored copy, not a second computation
    other = shared("frame", ("2026-10", "Asia/Seoul"), lambda: calls.append(1) or pd.DataFrame({"a": [2.0]}))
    assert other["a"].tolist() == [2.0] and len(calls) == 2


def test_notebooks_running_at_once_compute_it_once(tmp_path):
    """Four processes ask at the same time: the lock makes three wait for the first one's result."""
    log = tmp_path / "log"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_in_other_process, args=(str(tmp_path), str(log), str(tmp_path / f"out{i}")))
             for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert [(tmp_path / f"out{i}").read_text() for i in range(4)] == ["42"] * 4
    assert log.read_text().count("computed") == 1


def test_a_damaged_stored_result_is_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert shared("x", (1,), lambda: 1) == 1
    (stored,) = tmp_path.glob("x-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert shared("x", (1,), lambda: 2) == 2


@pytest.fixture(scope="module")
def inputs():
    return review.load_inputs(review.validate_parameters(service="checkout", period="2026-10"))


def test_fleet_priorities_is_month_priorities_wherever_the_month_ends_at_one_instant(inputs, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    # checkout and catalog both run in Europe/London: one ranking, stored once
    a = review.fleet_priorities(inputs, service="checkout", month="2026-10")
    b = review.fleet_priorities(inputs, service="catalog", month="2026-10")
    direct = review.month_priorities(inputs.sli, inputs.catalog, service="catalog", month="2026-10",
                                     incidents=inputs.incidents, requirements=inputs.requirements,
                                     exclusions=inputs.maintenance)
    pd.testing.assert_frame_equal(b.table, direct.table)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert len(list(tmp_path.glob("month_priorities-*.pickle"))) == 1
    # New York's October would end four hours after the data (2026-11-01 00:00 UTC): taken at the data's end,
    # the same ranking as London's
    york = review.fleet_priorities(inputs, service="search", month="2026-10")
    pd.testing.assert_frame_equal(york.table, a.table)
    assert len(list(tmp_path.glob("month_priorities-*.pickle"))) == 1
    # Seoul's October ends nine hours before London's: its own ranking
    seoul = review.fleet_priorities(inputs, service="mobile-api", month="2026-10")
    assert seoul.table["as_of"].iloc[0] < a.table["as_of"].iloc[0]
    assert len(list(tmp_path.glob("month_priorities-*.pickle"))) == 2


def test_fleet_past_actions_is_past_actions(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    direct = review.past_actions(inputs.register, inputs.sli, inputs.catalog, incidents=inputs.incidents)
    pd.testing.assert_frame_equal(review.fleet_past_actions(inputs), direct)
    pd.testing.assert_frame_equal(review.fleet_past_actions(inputs), direct)  # the stored copy
