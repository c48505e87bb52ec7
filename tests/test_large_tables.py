"""Tests for SLI tables larger than memory: the streamed Parquet reader of ``read_sli`` and the analyses
that take a Parquet path and work through it service by service.

Reference values come from the in-memory code on the same data: a CSV copy of a table is read by the
full (whole-column) reader, so ``read_sli(csv)`` is the reference for ``read_sli(parquet)``; an analysis of
``read_sli(path)`` is the reference for the same analysis given ``path``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from slm_analytics.data import read_dataset, read_sli
from slm_analytics.errors import DataError


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    """Three services of the bundled table over 5 days (4,320 rows), as written to Parquet."""
    sli = read_dataset("sli_5min")
    keep = sli["service"].isin(["checkout", "search", "data-pipeline"]) & (sli["timestamp"] < "2025-11-06")
    out = sli[keep.to_numpy()].reset_index(drop=True)
    out["service"] = out["service"].astype(str)
    out["slo"] = out["slo"].astype(str)
    return out


def _no_full_read(monkeypatch) -> None:
    """Make the whole-file reader fail, so a passing read proves the streamed reader did the work."""
    def boom(*args, **kwargs):
        raise AssertionError("the whole file was read at once")

    monkeypatch.setattr("slm_analytics.data._load_table", boom)


def _both(tmp_path: Path, frame: pd.DataFrame, **parquet) -> tuple[Path, Path]:
    csv, pq_path = tmp_path / "sli.csv", tmp_path / "sli.parquet"
    text = frame.copy()
    if isinstance(text["timestamp"].dtype, pd.DatetimeTZDtype):
        text["timestamp"] = text["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    text.to_csv(csv, index=False)
    frame.to_parquet(pq_path, index=False, **parquet)
    return csv, pq_path


@pytest.mark.parametrize("layout", ["sorted", "series_reordered", "shuffled"])
def test_streamed_equals_full_reader_in_any_row_order(tmp_path, monkeypatch, small, catalog, layout):
    frame = small
    if layout == "series_reordered":  # whole series, in reverse: moved as blocks
        frame = pd.concat([g for _, g in frame.groupby(["service", "slo"], sort=True)][::-1])
    elif layout == "shuffled":
        frame = frame.sample(frac=1.0, random_state=np.random.default_rng(3).integers(1 << 31))
    csv, parquet = _both(tmp_path, frame.reset_index(drop=True), row_group_size=1000)
    expected = {c: read_sli(csv, catalog=c) for c in (None, catalog)}
    _no_full_read(monkeypatch)
    for c in (None, catalog):
        pd.testing.assert_frame_equal(read_sli(parquet, catalog=c), expected[c])


def test_streamed_column_types(tmp_path, monkeypatch, small):
    """Naive timestamps with tz=, nanoseconds, plain strings, unsigned counts and extra columns."""
    frame = small.copy()
    frame["timestamp"] = frame["timestamp"].dt.tz_convert("Europe/London").dt.tz_localize(None).dt.as_unit(
        "ns")
    frame["good"] = frame["good"].astype(np.uint32)
    frame["note"] = "x"
    path = tmp_path / "sli.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    csv = tmp_path / "sli.csv"
    frame.to_csv(csv, index=False)
    expected = read_sli(csv, tz="Europe/London")
    _no_full_read(monkeypatch)
    out = read_sli(path, tz="Europe/London")
    pd.testing.assert_frame_equal(out, expected)
    assert out["good"].dtype == np.int64  # the result's dtypes do not depend on the file's


@pytest.mark.parametrize(("change", "message"), [
    ("duplicate", "row 7: duplicate (service, slo, timestamp) = ('checkout', 'availability', "
                  "2025-11-01 00:00:00+00:00) already at row 1"),
    ("good_over_total", "row 3, column 'good': 'good' (11) exceeds 'total' (10)"),
    ("negative", "row 2, column 'total': -1 is negative"),
])
def test_problems_found_while_streaming_keep_the_full_readers_message(tmp_path, small, change, message):
    """The streamed reader hands a bad file to the full reader, whose message names the file's row."""
    frame = small.head(10).copy()
    if change == "duplicate":
        frame.loc[6, ["timestamp", "service", "slo"]] = frame.loc[0, ["timestamp", "service", "slo"]]
    elif change == "good_over_total":
        frame.loc[2, ["good", "total"]] = [11, 10]
    else:
        frame.loc[1, "total"] = -1
    path = tmp_path / "sli.parquet"
    frame.to_parquet(path, index=False, row_group_size=4)
    with pytest.raises(DataError, match=re.escape(f"{path}: {message}")):
        read_sli(path)


# ------------------------------------------------------------------------------ analyses given a path


@pytest.fixture(scope="module")
def table(tmp_path_factory, small) -> Path:
    """Ten days of three services; one of them starts two days late and stops a day early, so its group
    has to be laid on the time span of the whole table (as the in-memory grid lays it)."""
    sli = read_dataset("sli_5min")
    keep = sli["service"].isin(["checkout", "search", "data-pipeline"]) & (sli["timestamp"] < "2025-11-11")
    frame = sli[keep.to_numpy()].reset_index(drop=True)
    late = (frame["service"] == "search") & ((frame["timestamp"] < "2025-11-03")
                                             | (frame["timestamp"] >= "2025-11-10"))
    path = tmp_path_factory.mktemp("large") / "sli.parquet"
    frame[~late.to_numpy()].to_parquet(path, index=False, row_group_size=4000)
    return path


def test_groups_concatenate_to_read_sli(table, catalog):
    from slm_analytics.data import iter_sli_groups

    groups = iter_sli_groups(table, catalog=catalog, max_rows=6_000)
    assert groups.groups == [["checkout"], ["search"], ["data-pipeline"]]  # catalog order, one per group
    whole = read_sli(table, catalog=catalog)
    pd.testing.assert_frame_equal(pd.concat(list(groups), ignore_index=True), whole)


@pytest.mark.parametrize("max_rows", [6_000, 10_000_000])
def test_rolling_compliance_by_path_equals_in_memory(table, catalog, monkeypatch, max_rows):
    from slm_analytics import data
    from slm_analytics.budget import rolling_compliance

    expected = rolling_compliance(read_sli(table, catalog=catalog), catalog, window="1d")
    monkeypatch.setattr(data.iter_sli_groups, "__kwdefaults__",
                        {**data.iter_sli_groups.__kwdefaults__, "max_rows": max_rows})
    out = rolling_compliance(table, catalog, window="1d", progress_bar=True)
    pd.testing.assert_frame_equal(out, expected)


def test_burn_rate_alerts_by_path_equals_in_memory(table, catalog, monkeypatch):
    from slm_analytics import data
    from slm_analytics.budget import burn_rate_alerts

    expected = burn_rate_alerts(read_sli(table, catalog=catalog), catalog, period="7d", target=0.999)
    assert len(expected) > 0  # alerts in more than one service, so the merge order is tested
    monkeypatch.setattr(data.iter_sli_groups, "__kwdefaults__",
                        {**data.iter_sli_groups.__kwdefaults__, "max_rows": 6_000})
    out = burn_rate_alerts(table, catalog, period="7d", target=0.999)
    pd.testing.assert_frame_equal(out, expected)


def test_monthly_attainment_by_path_equals_in_memory(table, catalog):
    import pyarrow.dataset as ds

    from slm_analytics.review import fleet_monthly_attainment, monthly_attainment

    sli = read_sli(table, catalog=catalog)
    months = ["2025-10", "2025-11"]  # October: no data
    for source in (table, ds.dataset(table)):
        pd.testing.assert_frame_equal(fleet_monthly_attainment(source, catalog, months=months),
                                      fleet_monthly_attainment(sli, catalog, months=months))
        pd.testing.assert_frame_equal(monthly_attainment(source, catalog, service="search", month="2025-11"),
                                      monthly_attainment(sli, catalog, service="search", month="2025-11"))


def test_by_path_refusals(tmp_path, table, small):
    from slm_analytics.budget import rolling_compliance
    from slm_analytics.errors import ParameterError

    csv = tmp_path / "sli.csv"
    small.to_csv(csv, index=False)
    with pytest.raises(DataError, match=re.escape(f"{csv}: reading a table by groups of services needs "
                                                  "Parquet")):
        rolling_compliance(csv, window="1d", target=0.99)
    with pytest.raises(ParameterError, match="leave by, good, total and timestamp at their defaults"):
        rolling_compliance(table, window="1d", target=0.99, by=("service",))
    with pytest.raises(ParameterError, match="not int"):
        rolling_compliance(3, window="1d", target=0.99)
