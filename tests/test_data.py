"""Tests for slm_analytics.data: dataset listing and the validating CSV/Parquet readers.

Bad inputs are tiny files written to ``tmp_path``. Each must raise :class:`DataError` whose message names
the file, the row (1-based after the header; CSV messages add "(line N)", the line in the file) and/or the
column, and says what was expected. Most cases run for both CSV and Parquet.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analytics.catalog import Catalog
from slm_analytics.data import (
    DATASETS,
    dataset_path,
    list_datasets,
    read_dataset,
    read_incidents,
    read_maintenance,
    read_requirements,
    read_sip_register,
    read_sli,
)
from slm_analytics.errors import DataError, InsufficientDataError, ParameterError, SLMError

FORMATS = ["csv", "parquet"]
SLI_COLUMNS = ["timestamp", "service", "slo", "good", "total"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return read_dataset("catalog")


def write(tmp_path: Path, fmt: str, frame: pd.DataFrame, name: str = "data") -> Path:
    """Write ``frame`` as ``<name>.<fmt>``; CSV cells are written as given (no index)."""
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def write_text(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def at(path: Path, row: int) -> str:
    """Regex for a row's location: ``<file>: row N`` and, for CSV, `` (line N+1)`` (the header is line 1)."""
    text = f"{path}: row {row}"
    if path.suffix == ".csv":
        text += f" (line {row + 1})"
    return re.escape(text)


def col(path: Path, row: int, column: str) -> str:
    """Regex for ``<file>: row N[ (line N+1)], column '<column>':``."""
    return at(path, row) + re.escape(f", column {column!r}:")


def sli_frame(**columns) -> pd.DataFrame:
    """Three valid checkout/availability buckets (UTC), with ``columns`` replacing defaults."""
    data = {
        "timestamp": ["2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z"],
        "service": ["checkout"] * 3,
        "slo": ["availability"] * 3,
        "good": [99, 100, 98],
        "total": [100, 100, 100],
    }
    data.update(columns)
    return pd.DataFrame(data)


def parquet_timestamps(values: list[str], tz: str | None = "UTC") -> pd.Series:
    """Timestamps as a Parquet file would hold them: datetime64, tz-aware unless ``tz`` is None."""
    ts = pd.to_datetime(pd.Series(values), utc=tz is not None)
    return ts


# ------------------------------------------------------------------------------------------ read_sli: valid


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_valid(tmp_path, fmt, catalog):
    frame = sli_frame()
    if fmt == "parquet":
        frame["timestamp"] = parquet_timestamps(frame["timestamp"].tolist())
    out = read_sli(write(tmp_path, fmt, frame), catalog=catalog)
    assert out.columns.tolist() == SLI_COLUMNS
    assert str(out["timestamp"].dtype) == "datetime64[us, UTC]"
    assert out["good"].dtype == np.int64 and out["total"].dtype == np.int64
    assert isinstance(out["service"].dtype, pd.CategoricalDtype)
    # with a catalog, categories follow the catalog's order
    assert out["service"].cat.categories.tolist() == [s.name for s in catalog.services]
    assert out["timestamp"].tolist() == [pd.Timestamp("2026-01-01 00:00", tz="UTC"),
                                         pd.Timestamp("2026-01-01 00:05", tz="UTC"),
                                         pd.Timestamp("2026-01-01 00:10", tz="UTC")]
    assert out["good"].tolist() == [99, 100, 98]


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_sorts_unsorted_rows(tmp_path, fmt):
    frame = pd.DataFrame({
        "timestamp": ["2026-01-01T00:05:00Z", "2026-01-01T00:05:00Z", "2026-01-01T00:00:00Z",
                      "2026-01-01T00:00:00+01:00"],
        "service": ["search", "checkout", "checkout", "search"],
        "slo": ["availability", "latency", "latency", "availability"],
        "good": [1, 2, 3, 4],
        "total": [10, 20, 30, 40],
    })
    if fmt == "parquet":
        frame["timestamp"] = parquet_timestamps(frame["timestamp"].tolist())
    out = read_sli(write(tmp_path, fmt, frame))
    # sorted by service, slo, timestamp; without a catalog, categories are the sorted names
    assert out["service"].astype(str).tolist() == ["checkout", "checkout", "search", "search"]
    assert out["timestamp"].tolist() == [pd.Timestamp("2026-01-01 00:00", tz="UTC"),
                                         pd.Timestamp("2026-01-01 00:05", tz="UTC"),
                                         pd.Timestamp("2025-12-31 23:00", tz="UTC"),  # 00:00+01:00
                                         pd.Timestamp("2026-01-01 00:05", tz="UTC")]
    assert out["good"].tolist() == [3, 2, 4, 1]
    assert out["total"].tolist() == [30, 20, 40, 10]
    assert out.index.tolist() == [0, 1, 2, 3]
    assert out.dtypes.astype(str).tolist() == ["datetime64[us, UTC]", "category", "category", "int64",
                                               "int64"]
    assert out["service"].cat.categories.tolist() == ["checkout", "search"]
    assert out["slo"].cat.categories.tolist() == ["availability", "latency"]


@pytest.mark.parametrize(("tz", "expected"), [
    # Europe/London: GMT (+00:00) in January, BST (+01:00) in July
    ("Europe/London", ["2026-01-01 00:00", "2026-06-30 23:00"]),
    # Asia/Seoul: KST, +09:00 all year
    ("Asia/Seoul", ["2025-12-31 15:00", "2026-06-30 15:00"]),
    # America/New_York: EST (-05:00) in January, EDT (-04:00) in July
    ("America/New_York", ["2026-01-01 05:00", "2026-07-01 04:00"]),
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_localises_naive_timestamps(tmp_path, fmt, tz, expected):
    frame = sli_frame(timestamp=["2026-07-01 00:00", "2026-01-01 00:00", None])[:2]
    if fmt == "parquet":
        frame["timestamp"] = parquet_timestamps(frame["timestamp"].tolist(), tz=None)
    out = read_sli(write(tmp_path, fmt, frame), tz=tz)
    assert out["timestamp"].tolist() == [pd.Timestamp(t, tz="UTC") for t in expected]
    assert str(out["timestamp"].dtype) == "datetime64[us, UTC]"


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_tz_is_ignored_for_aware_timestamps(tmp_path, fmt):
    frame = sli_frame()
    if fmt == "parquet":
        frame["timestamp"] = parquet_timestamps(frame["timestamp"].tolist())
    out = read_sli(write(tmp_path, fmt, frame), tz="Asia/Seoul")
    assert out["timestamp"].iloc[0] == pd.Timestamp("2026-01-01 00:00", tz="UTC")


def test_read_sli_parquet_nanosecond_and_non_utc_timestamps(tmp_path):
    ts = pd.to_datetime(pd.Series(["2026-01-01 09:00", "2026-01-01 09:05"])).dt.tz_localize("Asia/Seoul")
    frame = sli_frame(timestamp=ts.dt.as_unit("ns"), good=[1, 2], total=[3, 4], service=["checkout"] * 2,
                      slo=["availability"] * 2)
    out = read_sli(write(tmp_path, "parquet", frame))
    assert str(out["timestamp"].dtype) == "datetime64[us, UTC]"
    assert out["timestamp"].tolist() == [pd.Timestamp("2026-01-01 00:00", tz="UTC"),
                                         pd.Timestamp("2026-01-01 00:05", tz="UTC")]  # 09:00 KST = 00:00 UTC


def test_read_sli_zero_total_is_valid(tmp_path):
    out = read_sli(write(tmp_path, "csv", sli_frame(good=[0, 0, 0], total=[0, 5, 0])))
    assert out["total"].tolist() == [0, 5, 0]


def test_read_sli_integral_floats_are_counts(tmp_path):
    out = read_sli(write(tmp_path, "parquet", sli_frame(good=[1.0, 2.0, 3.0], total=[4.0, 5.0, 6.0])))
    assert out["good"].dtype == np.int64 and out["good"].tolist() == [1, 2, 3]


# ------------------------------------------------------------------------------------------ read_sli: errors


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("missing", ["total", "slo", "timestamp"])
def test_read_sli_missing_column(tmp_path, fmt, missing):
    path = write(tmp_path, fmt, sli_frame().drop(columns=missing))
    expected = re.escape(f"{path}: missing column(s) {missing!r}; expected columns "
                         "timestamp, service, slo, good, total, found ")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bad", ["not-a-date", "2026-13-01T00:00:00Z", "2026-01-01T25:00:00Z"])
def test_read_sli_unparsable_timestamp(tmp_path, fmt, bad):
    # Parquet can hold timestamps as strings too; the same checks apply
    path = write(tmp_path, fmt, sli_frame(timestamp=["2026-01-01T00:00:00Z", bad, "2026-01-01T00:10:00Z"]))
    expected = col(path, 2, "timestamp") + re.escape(
        f" {bad!r} is not a timestamp; expected ISO 8601 such as '2026-03-01T14:05:00Z'")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_empty_timestamp(tmp_path, fmt):
    path = write(tmp_path, fmt, sli_frame(timestamp=["2026-01-01T00:00:00Z", None, "2026-01-01T00:10:00Z"]))
    with pytest.raises(DataError, match=col(path, 2, "timestamp") + " is empty; a timestamp is required"):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_naive_timestamp_needs_tz(tmp_path, fmt):
    frame = sli_frame(timestamp=["2026-01-01 00:00:00", "2026-01-01 00:05:00", "2026-01-01 00:10:00"])
    if fmt == "parquet":
        frame["timestamp"] = parquet_timestamps(frame["timestamp"].tolist(), tz=None)
    path = write(tmp_path, fmt, frame)
    expected = col(path, 1, "timestamp") + re.escape(
        " naive timestamp '2026-01-01 00:00:00' has no time zone; pass tz= with the zone it was recorded in")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


def test_read_sli_bare_dates_are_naive(tmp_path):
    # the "-01" ending "2026-01-01" is a day, not a UTC offset
    path = write(tmp_path, "csv", sli_frame(timestamp=["2026-01-01", "2026-01-02", "2026-01-03"]))
    expected = (col(path, 1, "timestamp") + " naive timestamp '2026-01-01' has no time "
                "zone; pass tz=")
    with pytest.raises(DataError, match=expected):
        read_sli(path)
    out = read_sli(path, tz="Asia/Seoul")
    assert out["timestamp"].iloc[0] == pd.Timestamp("2025-12-31 15:00", tz="UTC")  # midnight KST


@pytest.mark.parametrize("offset", ["Z", "+00:00", "+0000", "-05:00", "+09"])
def test_read_sli_offsets(tmp_path, offset):
    stamps = [f"2026-01-01T12:00:00{offset}", f"2026-01-01T12:05{offset}", f"2026-01-01 12:10:00.000{offset}"]
    path = write(tmp_path, "csv", sli_frame(timestamp=stamps))
    hours = {"Z": 0, "+00:00": 0, "+0000": 0, "-05:00": -5, "+09": 9}[offset]
    start = pd.Timestamp("2026-01-01 12:00", tz="UTC") - pd.Timedelta(hours=hours)
    assert read_sli(path)["timestamp"].tolist() == [start + pd.Timedelta(minutes=m) for m in (0, 5, 10)]


def test_read_sli_mixed_naive_and_offset_timestamps(tmp_path):
    path = write(tmp_path, "csv", sli_frame(timestamp=["2026-01-01T00:00:00Z", "2026-01-01 00:05:00",
                                                       "2026-01-01T00:10:00Z"]))
    expected = col(path, 2, "timestamp") + re.escape(
        " '2026-01-01 00:05:00' has no UTC offset while other rows have one; use one convention")
    with pytest.raises(DataError, match=expected):
        read_sli(path, tz="UTC")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("local", "row"), [
    # Europe/London, 2026-10-25: clocks go back at 02:00 BST to 01:00 GMT, so 01:30 happens twice
    (["2026-10-25 00:30", "2026-10-25 01:30", "2026-10-25 02:30"], 2),
    # Europe/London, 2026-03-29: clocks go forward at 01:00 GMT to 02:00 BST, so 01:30 never happens
    (["2026-03-29 00:30", "2026-03-29 00:45", "2026-03-29 01:30"], 3),
])
def test_read_sli_dst_ambiguous_or_missing_local_time(tmp_path, fmt, local, row):
    frame = sli_frame(timestamp=local)
    if fmt == "parquet":
        frame["timestamp"] = parquet_timestamps(local, tz=None)
    path = write(tmp_path, fmt, frame)
    shown = local[row - 1] + (":00" if fmt == "parquet" else "")
    expected = col(path, row, "timestamp") + re.escape(
        f" {shown!r} is ambiguous or does not exist in Europe/London (a daylight-saving change)")
    with pytest.raises(DataError, match=expected):
        read_sli(path, tz="Europe/London")


def test_read_sli_unknown_tz(tmp_path):
    path = write(tmp_path, "csv", sli_frame(timestamp=["2026-01-01 00:00", "2026-01-01 00:05",
                                                       "2026-01-01 00:10"]))
    expected = re.escape(f"{path}: column 'timestamp': cannot use time zone "
                         "'Europe/Londn'")
    with pytest.raises(DataError, match=expected):
        read_sli(path, tz="Europe/Londn")


def test_read_sli_dst_repeat_is_a_duplicate(tmp_path):
    # 2026-10-25 01:30+01:00 (BST) and 00:30+00:00 (GMT) are the same instant, 00:30 UTC
    stamps = ["2026-10-25T00:30:00+00:00", "2026-10-25T00:35:00+00:00", "2026-10-25T01:30:00+01:00"]
    path = write(tmp_path, "csv", sli_frame(timestamp=stamps))
    expected = at(path, 3) + re.escape(
        ": duplicate (service, slo, timestamp) = ('checkout', 'availability', 2026-10-25 00:30:00+00:00) "
        "already at row 1 (line 2); each bucket must appear once (a daylight-saving repeat")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_same_utc_time_twice(tmp_path, fmt):
    frame = sli_frame(timestamp=["2026-01-01T00:05:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z"])
    if fmt == "parquet":
        frame["timestamp"] = parquet_timestamps(frame["timestamp"].tolist())
    path = write(tmp_path, fmt, frame)
    first = "row 1 (line 2)" if fmt == "csv" else "row 1"
    expected = at(path, 3) + re.escape(
        ": duplicate (service, slo, timestamp) = ('checkout', 'availability', 2026-01-01 00:05:00+00:00) "
        f"already at {first};")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


def test_read_sli_same_time_in_other_slo_is_no_duplicate(tmp_path):
    out = read_sli(write(tmp_path, "csv", sli_frame(timestamp=["2026-01-01T00:00:00Z"] * 3,
                                                    slo=["availability", "latency", "uptime"])))
    assert out["slo"].astype(str).tolist() == ["availability", "latency", "uptime"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("column", ["good", "total"])
def test_read_sli_negative_count(tmp_path, fmt, column):
    # good -5 of total 100; total -5 (with good 0 so that good <= total is not the first problem)
    values = {"good": [99, -5, 98], "total": [100, 100, 100]} if column == "good" else \
             {"good": [99, 0, 98], "total": [100, -5, 100]}
    path = write(tmp_path, fmt, sli_frame(**values))
    shown = "'-5'" if fmt == "csv" else "-5"  # CSV cells are read as text
    expected = col(path, 2, column) + re.escape(
        f" {shown} is negative; counts are non-negative integers")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("column", ["good", "total"])
def test_read_sli_missing_count(tmp_path, fmt, column):
    values = [99, None, 98] if column == "good" else [100, np.nan, 100]
    path = write(tmp_path, fmt, sli_frame(**{column: values}))
    expected = col(path, 2, column) + re.escape(
        " is missing (NaN); counts are non-negative integers")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


def test_read_sli_nullable_integer_missing_count(tmp_path):
    path = write(tmp_path, "parquet", sli_frame(good=pd.array([99, None, 98], dtype="Int64")))
    with pytest.raises(DataError, match=col(path, 2, "good") + re.escape(" is missing (NaN)")):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_good_exceeds_total(tmp_path, fmt):
    path = write(tmp_path, fmt, sli_frame(good=[99, 101, 98]))
    expected = col(path, 2, "good") + re.escape(
        " 'good' (101) exceeds 'total' (100); good events are a subset of all events")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


def test_read_sli_good_exceeds_total_counts_more_rows(tmp_path):
    path = write(tmp_path, "csv", sli_frame(good=[101, 100, 102]))
    with pytest.raises(DataError, match=col(path, 1, "good") + r" 'good' \(101\) .* \(and 1 more rows\)$"):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_fractional_count(tmp_path, fmt):
    path = write(tmp_path, fmt, sli_frame(good=[99, 3.5, 98]))
    shown = "'3.5'" if fmt == "csv" else "3.5"
    expected = col(path, 2, "good") + re.escape(
        f" {shown} is not an integer; counts are non-negative integers")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_non_numeric_count(tmp_path, fmt):
    path = write(tmp_path, fmt, sli_frame(total=["100", "abc", "100"]))
    expected = col(path, 2, "total") + re.escape(
        " 'abc' is not a number; counts are non-negative integers")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_empty_name(tmp_path, fmt):
    path = write(tmp_path, fmt, sli_frame(service=["checkout", None, "checkout"]))
    with pytest.raises(DataError, match=col(path, 2, "service") + " is empty; a name is required"):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_unknown_service(tmp_path, fmt, catalog):
    path = write(tmp_path, fmt, sli_frame(service=["checkout", "checkout", "chekout"]))
    expected = col(path, 3, "service") + re.escape(
        " 'chekout' is not a service of the catalog; known services: checkout, payments, search, login, "
        "catalog, notifications, mobile-api, reporting, data-pipeline, support-portal, email, internal-wiki, "
        "partner-gateway")
    with pytest.raises(DataError, match=expected):
        read_sli(path, catalog=catalog)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_unknown_slo(tmp_path, fmt, catalog):
    # 'delivery' is an SLO of notifications and email, not of checkout
    path = write(tmp_path, fmt, sli_frame(slo=["availability", "delivery", "availability"]))
    expected = col(path, 2, "slo") + re.escape(
        " 'delivery' is not an SLO of service 'checkout'; its SLOs: availability, latency, uptime")
    with pytest.raises(DataError, match=expected):
        read_sli(path, catalog=catalog)


def test_read_sli_categorical_names(tmp_path, catalog):
    frame = sli_frame(service=pd.Categorical(["checkout", "checkout", "nope"]))
    path = write(tmp_path, "parquet", frame)
    with pytest.raises(DataError, match=col(path, 3, "service") + " 'nope' is not a service of the catalog"):
        read_sli(path, catalog=catalog)


@pytest.mark.parametrize("suffix", [".txt", ".json", ".xlsx", ""])
def test_read_sli_unsupported_file_type(tmp_path, suffix):
    path = tmp_path / f"sli{suffix}"
    path.write_text("timestamp,service,slo,good,total\n", encoding="utf-8")
    expected = re.escape(f"{path}: unsupported file type {suffix!r}; expected .csv or "
                         ".parquet")
    with pytest.raises(DataError, match=expected):
        read_sli(path)


@pytest.mark.parametrize("name", ["absent.csv", "absent.parquet"])
def test_read_sli_missing_file(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(DataError, match=re.escape(f"{path}: file not found")):
        read_sli(path)


def test_read_sli_corrupt_parquet(tmp_path):
    path = write_text(tmp_path, "timestamp,service\n", name="sli.parquet")
    with pytest.raises(DataError, match=re.escape(f"{path}: cannot read as parquet: ")):
        read_sli(path)


def test_data_errors_are_slm_errors(tmp_path):
    path = write(tmp_path, "csv", sli_frame(good=[1, -1, 1]))
    with pytest.raises(SLMError):
        read_sli(path)
    with pytest.raises(ValueError):
        read_sli(path)


# ------------------------------------------------------------------------------------ read_sli: property

ROWS = [(svc, slo, minute) for svc in ("checkout", "search") for slo in ("availability", "latency")
        for minute in (0, 5, 10)]


@st.composite
def sli_rows(draw):
    """A few valid rows (distinct keys, good <= total) and a shuffled order of them."""
    keys = draw(st.lists(st.sampled_from(ROWS), min_size=1, max_size=8, unique=True))
    counts = draw(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000)), min_size=len(keys),
                           max_size=len(keys)))
    rows = [(pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(minutes=m), svc, slo, min(a, b), max(a, b))
            for (svc, slo, m), (a, b) in zip(keys, counts, strict=True)]
    order = draw(st.permutations(range(len(rows))))
    return rows, order


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=25, deadline=None)
@given(data=sli_rows())
def test_read_sli_is_independent_of_row_order(tmp_path_factory, fmt, data):
    rows, order = data
    folder = tmp_path_factory.mktemp("sli")
    frame = pd.DataFrame(rows, columns=SLI_COLUMNS)
    ordered = frame.sort_values(["service", "slo", "timestamp"], ignore_index=True)
    shuffled = frame.iloc[list(order)].reset_index(drop=True)
    out_sorted = read_sli(write(folder, fmt, ordered, name="sorted"))
    out_shuffled = read_sli(write(folder, fmt, shuffled, name="shuffled"))
    pd.testing.assert_frame_equal(out_shuffled, out_sorted)
    # and both equal the input sorted by pandas
    assert out_sorted["timestamp"].tolist() == ordered["timestamp"].tolist()
    assert out_sorted["service"].astype(str).tolist() == ordered["service"].tolist()
    assert out_sorted["good"].tolist() == ordered["good"].tolist()


# ------------------------------------------------------------------------------------------ incidents

INCIDENT_HEADER = "id,service,slo,severity,cause,started_at,detected_at,resolved_at,title\n"


def incidents_frame(**columns) -> pd.DataFrame:
    data = {
        "id": ["INC-2", "INC-1"],
        "service": ["checkout", "payments"],
        "slo": ["availability", "latency"],
        "severity": ["P2", "P1"],
        "cause": ["deploy", "network"],
        "started_at": ["2026-01-02T10:00:00Z", "2026-01-01T10:00:00Z"],
        "detected_at": ["2026-01-02T10:05:00Z", "2026-01-01T10:01:00Z"],
        "resolved_at": ["2026-01-02T11:00:00Z", "2026-01-01T12:00:00Z"],
        "title": ["Bad release", "Packet loss"],
    }
    data.update(columns)
    return pd.DataFrame(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_valid_sorted_by_start(tmp_path, fmt, catalog):
    out = read_incidents(write(tmp_path, fmt, incidents_frame()), catalog=catalog)
    assert out.columns.tolist() == ["id", "service", "slo", "severity", "cause", "started_at", "detected_at",
                                    "resolved_at", "title", "ongoing"]
    assert out["id"].tolist() == ["INC-1", "INC-2"]
    assert out["started_at"].tolist() == [pd.Timestamp("2026-01-01 10:00", tz="UTC"),
                                          pd.Timestamp("2026-01-02 10:00", tz="UTC")]
    for c in ("started_at", "detected_at", "resolved_at"):
        assert str(out[c].dtype) == "datetime64[us, UTC]"
    assert out["ongoing"].dtype == bool and not out["ongoing"].any()


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_refuses_a_repeated_id(tmp_path, fmt):
    # the same incident twice would count its downtime twice (2 incidents, MTBF halved)
    path = write(tmp_path, fmt, incidents_frame(id=["INC-1", "INC-1"]))
    where = "row 2 (line 3)" if fmt == "csv" else "row 2"
    first = "row 1 (line 2)" if fmt == "csv" else "row 1"
    message = f"{path}: {where}, column 'id': 'INC-1' is the id of {first} too; each incident is recorded"
    with pytest.raises(DataError, match=re.escape(message)):
        read_incidents(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_empty_resolved_is_ongoing(tmp_path, fmt):
    path = write(tmp_path, fmt, incidents_frame(resolved_at=[None, "2026-01-01T12:00:00Z"]))
    out = read_incidents(path)
    assert out["ongoing"].tolist() == [False, True]
    assert out["resolved_at"].isna().tolist() == [False, True]
    assert str(out["resolved_at"].dtype) == "datetime64[us, UTC]"


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_all_ongoing(tmp_path, fmt):
    # an entirely empty resolved_at column carries no time zone, and needs none
    out = read_incidents(write(tmp_path, fmt, incidents_frame(resolved_at=[None, None])))
    assert out["ongoing"].tolist() == [True, True]
    assert str(out["resolved_at"].dtype) == "datetime64[us, UTC]"


def test_read_incidents_minimal_columns(tmp_path):
    path = write_text(tmp_path, "id,service,started_at,resolved_at\n"
                                "INC-1,payments,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z\n")
    out = read_incidents(path)
    assert out["detected_at"].isna().all() and str(out["detected_at"].dtype) == "datetime64[us, UTC]"
    assert out["slo"].isna().all() and out["severity"].isna().all()
    assert out["ongoing"].tolist() == [False]


def test_read_incidents_naive_needs_tz(tmp_path):
    path = write(tmp_path, "csv", incidents_frame(started_at=["2026-07-02 10:00", "2026-07-01 10:00"],
                                                  detected_at=[None, None], resolved_at=[None, None]))
    expected = (col(path, 1, "started_at") + " naive timestamp '2026-07-02 10:00' has no "
                "time zone; pass tz=")
    with pytest.raises(DataError, match=expected):
        read_incidents(path)
    out = read_incidents(path, tz="Europe/London")
    assert out["started_at"].tolist() == [pd.Timestamp("2026-07-01 09:00", tz="UTC"),  # 10:00 BST
                                          pd.Timestamp("2026-07-02 09:00", tz="UTC")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_missing_column(tmp_path, fmt):
    path = write(tmp_path, fmt, incidents_frame().drop(columns=["resolved_at"]))
    expected = re.escape(f"{path}: missing column(s) 'resolved_at'; expected columns id, "
                         "service, started_at, resolved_at")
    with pytest.raises(DataError, match=expected):
        read_incidents(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_unparsable_timestamp(tmp_path, fmt):
    path = write(tmp_path, fmt, incidents_frame(detected_at=["2026-01-02T10:05:00Z", "yesterday"]))
    with pytest.raises(DataError, match=col(path, 2, "detected_at") + " 'yesterday' is not a timestamp"):
        read_incidents(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_resolved_before_started(tmp_path, fmt):
    path = write(tmp_path, fmt, incidents_frame(resolved_at=["2026-01-02T11:00:00Z", "2026-01-01T09:59:00Z"]))
    expected = col(path, 2, "resolved_at") + re.escape(
        " '2026-01-01T09:59:00Z' is before 'started_at'; an interval ends after it starts")
    with pytest.raises(DataError, match=expected):
        read_incidents(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_incidents_detected_before_started(tmp_path, fmt):
    path = write(tmp_path, fmt, incidents_frame(detected_at=["2026-01-02T09:00:00Z", "2026-01-01T10:01:00Z"]))
    expected = col(path, 1, "detected_at") + re.escape(
        " '2026-01-02T09:00:00Z' is before 'started_at'; an incident is detected after it starts")
    with pytest.raises(DataError, match=expected):
        read_incidents(path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("severity", ["P5", "p1", "critical", "1"])
def test_read_incidents_bad_severity(tmp_path, fmt, severity):
    path = write(tmp_path, fmt, incidents_frame(severity=["P2", severity]))
    expected = col(path, 2, "severity") + re.escape(
        f" {severity!r} is not a severity; expected P1, P2, P3 or P4")
    with pytest.raises(DataError, match=expected):
        read_incidents(path)


def test_read_incidents_unknown_service_and_slo(tmp_path, catalog):
    path = write(tmp_path, "csv", incidents_frame(service=["checkout", "paymnts"]))
    expected = (col(path, 2, "service") + " 'paymnts' is not a service of the catalog; "
                "known services: checkout, payments")
    with pytest.raises(DataError, match=expected):
        read_incidents(path, catalog=catalog)
    path = write(tmp_path, "csv", incidents_frame(slo=["availability", "throughput"]))
    expected = (col(path, 2, "slo") + " 'throughput' is not an SLO of service "
                "'payments'; its SLOs: availability, latency, uptime")
    with pytest.raises(DataError, match=expected):
        read_incidents(path, catalog=catalog)


def test_read_incidents_empty_id(tmp_path):
    path = write(tmp_path, "csv", incidents_frame(id=["INC-2", None]))
    with pytest.raises(DataError, match=col(path, 2, "id") + " is empty; a name is required"):
        read_incidents(path)


# ------------------------------------------------------------------------------------------ maintenance


def maintenance_frame(**columns) -> pd.DataFrame:
    data = {
        "service": ["payments", "checkout"],
        "start": ["2026-02-01T02:00:00Z", "2026-01-01T02:00:00Z"],
        "end": ["2026-02-01T03:30:00Z", "2026-01-01T03:00:00Z"],
        "reason": ["Database upgrade", "Patching"],
    }
    data.update(columns)
    return pd.DataFrame(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_maintenance_valid(tmp_path, fmt, catalog):
    out = read_maintenance(write(tmp_path, fmt, maintenance_frame()), catalog=catalog)
    assert out.columns.tolist() == ["service", "start", "end", "reason"]
    assert out["service"].tolist() == ["checkout", "payments"]  # sorted by start
    assert out["end"].tolist() == [pd.Timestamp("2026-01-01 03:00", tz="UTC"),
                                   pd.Timestamp("2026-02-01 03:30", tz="UTC")]
    assert str(out["start"].dtype) == "datetime64[us, UTC]"


def test_read_maintenance_without_reason(tmp_path):
    out = read_maintenance(write(tmp_path, "csv", maintenance_frame().drop(columns="reason")))
    assert out["reason"].tolist() == ["", ""]


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_maintenance_end_before_start(tmp_path, fmt):
    path = write(tmp_path, fmt, maintenance_frame(end=["2026-02-01T01:00:00Z", "2026-01-01T03:00:00Z"]))
    expected = col(path, 1, "end") + re.escape(
        " '2026-02-01T01:00:00Z' is before 'start'; an interval ends after it starts")
    with pytest.raises(DataError, match=expected):
        read_maintenance(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_maintenance_empty_end(tmp_path, fmt):
    path = write(tmp_path, fmt, maintenance_frame(end=["2026-02-01T03:30:00Z", None]))
    with pytest.raises(DataError, match=col(path, 2, "end") + " is empty; a timestamp is required"):
        read_maintenance(path)


def test_read_maintenance_naive_with_tz(tmp_path):
    path = write(tmp_path, "csv", maintenance_frame(start=["2026-02-01 02:00", "2026-01-01 02:00"],
                                                    end=["2026-02-01 03:30", "2026-01-01 03:00"]))
    with pytest.raises(DataError, match=col(path, 1, "start") + " naive timestamp '2026-02-01 02:00'"):
        read_maintenance(path)
    out = read_maintenance(path, tz="Asia/Seoul")
    # 2026-01-01 02:00 KST (+09:00) = 2025-12-31 17:00 UTC
    assert out["start"].iloc[0] == pd.Timestamp("2025-12-31 17:00", tz="UTC")


def test_read_maintenance_unknown_service(tmp_path, catalog):
    path = write(tmp_path, "csv", maintenance_frame(service=["payments", "warehouse"]))
    expected = col(path, 2, "service") + " 'warehouse' is not a service of the catalog"
    with pytest.raises(DataError, match=expected):
        read_maintenance(path, catalog=catalog)


def test_read_maintenance_missing_column(tmp_path):
    path = write(tmp_path, "csv", maintenance_frame().drop(columns="end"))
    expected = re.escape(f"{path}: missing column(s) 'end'; expected columns service, "
                         "start, end, reason")
    with pytest.raises(DataError, match=expected):
        read_maintenance(path)


# ------------------------------------------------------------------------------------------ requirements


def requirements_frame(**columns) -> pd.DataFrame:
    data = {
        "id": ["REQ-1", "REQ-2"],
        "service": ["checkout", "checkout"],
        "requirement": ["Orders always work", "Checkout feels instant"],
        "user_segment": ["retail", "retail"],
        "importance": ["5", "3"],
        "satisfaction": ["4.2", "2.5"],
        "respondents": ["473", "106"],
        "required_level": ["99.9 %", None],
        "linked_slo": ["availability", None],
    }
    data.update(columns)
    return pd.DataFrame(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_requirements_valid(tmp_path, fmt, catalog):
    out = read_requirements(write(tmp_path, fmt, requirements_frame()), catalog=catalog)
    assert out["importance"].dtype == np.int64 and out["importance"].tolist() == [5, 3]
    assert out["satisfaction"].dtype == np.float64
    assert out["satisfaction"].tolist() == [pytest.approx(4.2, abs=1e-12), pytest.approx(2.5, abs=1e-12)]
    assert out["respondents"].tolist() == [473, 106]
    assert out["linked_slo"].tolist() == ["availability", ""]  # empty: no linked SLO
    # the file uses the earlier column name 'required_level': read as 'required_level_text' (issue 10)
    assert out["required_level_text"].tolist() == ["99.9 %", ""]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("value", "problem"), [
    ("0", "is outside 1-5; expected an integer from 1 to 5"),
    ("6", "is outside 1-5; expected an integer from 1 to 5"),
    ("2.5", "is not an integer; expected an integer from 1 to 5"),
    ("high", "is not an integer from 1 to 5"),
])
def test_read_requirements_bad_importance(tmp_path, fmt, value, problem):
    path = write(tmp_path, fmt, requirements_frame(importance=["5", value]))
    with pytest.raises(DataError, match=col(path, 2, "importance") + re.escape(f" {value!r} {problem}")):
        read_requirements(path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("value", "problem"), [
    ("very", "is not a number from 1 to 5"),
    ("5.5", "is outside 1-5; expected a number from 1 to 5"),
    ("0.9", "is outside 1-5; expected a number from 1 to 5"),
])
def test_read_requirements_bad_satisfaction(tmp_path, fmt, value, problem):
    path = write(tmp_path, fmt, requirements_frame(satisfaction=[value, "2.5"]))
    with pytest.raises(DataError, match=col(path, 1, "satisfaction") + re.escape(f" {value!r} {problem}")):
        read_requirements(path)


def test_read_requirements_missing_satisfaction(tmp_path):
    path = write(tmp_path, "csv", requirements_frame(satisfaction=["4", None]))
    expected = col(path, 2, "satisfaction") + " is empty; expected a number from 1 to 5"
    with pytest.raises(DataError, match=expected):
        read_requirements(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_requirements_unknown_linked_slo(tmp_path, fmt, catalog):
    path = write(tmp_path, fmt, requirements_frame(linked_slo=["availability", "throughput"]))
    expected = col(path, 2, "linked_slo") + re.escape(
        " 'throughput' is not an SLO of service 'checkout'; its SLOs: availability, latency, uptime")
    with pytest.raises(DataError, match=expected):
        read_requirements(path, catalog=catalog)


def test_read_requirements_missing_column(tmp_path):
    path = write(tmp_path, "csv", requirements_frame().drop(columns=["importance", "satisfaction"]))
    with pytest.raises(DataError, match=re.escape(f"{path}: missing column(s) 'importance', 'satisfaction'")):
        read_requirements(path)


# ------------------------------------------------------------------------------------------ SIP register


def sip_frame(**columns) -> pd.DataFrame:
    data = {
        "id": ["SIP-1", "SIP-2"],
        "service": ["payments", "checkout"],
        "slo": ["availability", "latency"],
        "problem": ["Single acquirer", "Peak-day saturation"],
        "action": ["Add failover", "Autoscaling"],
        "owner": ["team-payments", "team-orders"],
        "opened": ["2026-02-16", "2025-12-03"],
        "due": ["2026-04-30", "2026-02-28"],
        "closed": ["2026-04-22", None],
        "status": ["done", "in-progress"],
        "kpi": ["auth error rate", "p99 latency (ms)"],
        "baseline": ["0.45", "2400"],
        "target": ["0.02", "500"],
    }
    data.update(columns)
    return pd.DataFrame(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sip_register_valid(tmp_path, fmt, catalog):
    out = read_sip_register(write(tmp_path, fmt, sip_frame()), catalog=catalog)
    assert str(out["opened"].dtype) == "datetime64[us]"
    assert out["opened"].tolist() == [pd.Timestamp("2026-02-16"), pd.Timestamp("2025-12-03")]
    assert out["closed"].isna().tolist() == [False, True]
    assert out["baseline"].dtype == np.float64
    assert out["baseline"].tolist() == [pytest.approx(0.45, abs=1e-12), pytest.approx(2400.0, abs=0)]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("status", ["closed", "Done", "wip"])
def test_read_sip_register_unknown_status(tmp_path, fmt, status):
    path = write(tmp_path, fmt, sip_frame(status=["done", status]))
    expected = col(path, 2, "status") + re.escape(
        f" {status!r} is not one of open, in-progress, done, cancelled")
    with pytest.raises(DataError, match=expected):
        read_sip_register(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sip_register_closed_before_opened(tmp_path, fmt):
    path = write(tmp_path, fmt, sip_frame(closed=["2026-02-15", None]))
    expected = col(path, 1, "closed") + re.escape(" '2026-02-15' is before 'opened'")
    with pytest.raises(DataError, match=expected):
        read_sip_register(path)


def test_read_sip_register_bad_date(tmp_path):
    path = write(tmp_path, "csv", sip_frame(due=["2026-04-30", "28/02/2026"]))
    expected = col(path, 2, "due") + re.escape(" '28/02/2026' is not a date; expected "
                                               "YYYY-MM-DD")
    with pytest.raises(DataError, match=expected):
        read_sip_register(path)


def test_read_sip_register_missing_opened(tmp_path):
    path = write(tmp_path, "csv", sip_frame(opened=["2026-02-16", None]))
    with pytest.raises(DataError, match=col(path, 2, "opened") + " is empty; a date is required"):
        read_sip_register(path)


def test_read_sip_register_kpi_not_a_number(tmp_path):
    path = write(tmp_path, "csv", sip_frame(target=["0.02", "fast"]))
    with pytest.raises(DataError, match=col(path, 2, "target") + re.escape(" 'fast' is not a number")):
        read_sip_register(path)


def test_read_sip_register_unknown_slo(tmp_path, catalog):
    path = write(tmp_path, "csv", sip_frame(slo=["availability", "throughput"]))
    expected = col(path, 2, "slo") + " 'throughput' is not an SLO of service 'checkout'"
    with pytest.raises(DataError, match=expected):
        read_sip_register(path, catalog=catalog)


# ------------------------------------------------------------------------------------------ datasets


def test_list_datasets_columns_and_rows():
    listing = list_datasets()
    assert listing.columns.tolist() == ["name", "file", "description", "columns", "rows"]
    assert listing["name"].tolist() == ["catalog", "sli_5min", "incidents", "maintenance", "requirements",
                                        "sip_register", "github_status"]  # the last: real data (issue 13)
    assert listing["file"].tolist() == [DATASETS[n]["file"] for n in listing["name"]]
    sli_columns = listing.loc[listing["name"] == "sli_5min", "columns"].item()
    assert sli_columns == "timestamp, service, slo, good, total"
    assert str(listing["rows"].dtype) == "Int64"
    assert listing.loc[listing["name"] == "catalog", "rows"].isna().all()


@pytest.mark.parametrize("name", ["sli_5min", "incidents", "maintenance", "requirements", "sip_register"])
def test_list_datasets_rows_match_read_dataset(name):
    listing = list_datasets().set_index("name")
    frame = read_dataset(name)
    assert listing.loc[name, "rows"] == len(frame)
    assert frame.columns.tolist()[:len(DATASETS[name]["columns"])] == list(DATASETS[name]["columns"])


def test_read_dataset_catalog():
    assert isinstance(read_dataset("catalog"), Catalog)


def test_read_dataset_unknown_name():
    expected = re.escape("unknown dataset 'nope'; available: catalog, sli_5min, "
                         "incidents, maintenance, requirements, sip_register")
    with pytest.raises(ParameterError, match=expected):
        read_dataset("nope")
    with pytest.raises(ParameterError, match="unknown dataset 'nope'"):
        dataset_path("nope")


REPO_DATASETS = Path(__file__).resolve().parent.parent / "datasets"

EXTRA_SERVICE = """
  - {name: warehouse, owner: team-ops, tier: 3, users: 5, business_weight: 1}
"""
EXTRA_SLO = """
  - service: warehouse
    name: picking
    indicator: {kind: ratio, good: 'picks_ok', total: 'picks_all'}
    target: 0.99
    window: 7d
"""


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A copy of datasets/catalog.yaml with one more service and SLO, and a tiny sli_5min.parquet."""
    folder = tmp_path / "mydata"
    folder.mkdir()
    text = (REPO_DATASETS / "catalog.yaml").read_text(encoding="utf-8")
    assert text.count("\nalert_policies:") == 1 and text.count("\nslas:") == 1
    text = text.replace("\nalert_policies:", EXTRA_SERVICE.rstrip("\n") + "\n\nalert_policies:")
    text = text.replace("\nslas:", EXTRA_SLO.rstrip("\n") + "\n\nslas:")
    (folder / "catalog.yaml").write_text(text, encoding="utf-8")
    frame = pd.DataFrame({
        "timestamp": pd.to_datetime(["2026-01-01 00:05", "2026-01-01 00:00", "2026-01-01 00:00"], utc=True),
        "service": ["warehouse", "warehouse", "checkout"],
        "slo": ["picking", "picking", "availability"],
        "good": [9, 10, 99],
        "total": [10, 10, 100],
    })
    frame.to_parquet(folder / "sli_5min.parquet", index=False)
    return folder


def test_read_dataset_from_data_dir(data_dir):
    catalog = read_dataset("catalog", data_dir=data_dir)
    assert catalog.services[-1].name == "warehouse"
    sli = read_dataset("sli_5min", data_dir=data_dir)
    assert len(sli) == 3
    assert sli["service"].astype(str).tolist() == ["checkout", "warehouse", "warehouse"]  # catalog order
    assert sli["service"].cat.categories.tolist() == [s.name for s in catalog.services]
    assert sli["good"].tolist() == [99, 10, 9]
    listing = list_datasets(data_dir=data_dir).set_index("name")
    assert listing.loc["sli_5min", "rows"] == 3
    assert pd.isna(listing.loc["incidents", "rows"])  # not in the folder


def test_read_dataset_validates_against_folder_catalog(data_dir):
    # the bundled catalog has no 'warehouse' service
    with pytest.raises(DataError, match="'warehouse' is not a service of the catalog"):
        read_sli(data_dir / "sli_5min.parquet", catalog=read_dataset("catalog"))
    # and the folder's catalog rejects what it does not define
    frame = pd.read_parquet(data_dir / "sli_5min.parquet")
    frame.loc[2, "slo"] = "picking"
    frame.to_parquet(data_dir / "sli_5min.parquet", index=False)
    path = data_dir / "sli_5min.parquet"
    expected = col(path, 3, "slo") + " 'picking' is not an SLO of service 'checkout'"
    with pytest.raises(DataError, match=expected):
        read_dataset("sli_5min", data_dir=data_dir)


def test_read_dataset_missing_file_in_data_dir(data_dir):
    with pytest.raises(DataError, match=re.escape(f"{data_dir / 'incidents.csv'}: file not found")):
        read_dataset("incidents", data_dir=data_dir)


def test_slm_datasets_environment_variable(data_dir, monkeypatch):
    monkeypatch.setenv("SLM_DATASETS", str(data_dir))
    assert dataset_path("sli_5min") == data_dir / "sli_5min.parquet"
    assert len(read_dataset("sli_5min")) == 3


def test_data_dir_copy_of_bundled_folder(tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("catalog.yaml", "maintenance.csv"):
        shutil.copy(REPO_DATASETS / name, folder / name)
    pd.testing.assert_frame_equal(read_dataset("maintenance", data_dir=folder), read_dataset("maintenance"))


def test_read_sli_header_naming_a_column_twice(tmp_path):
    # pandas would read the first 'good' and rename the second 'good.1': refused, naming both positions
    path = write_text(tmp_path, "timestamp,service,slo,good,total,good\n"
                                "2026-01-01T00:00:00Z,checkout,availability,9,10,3\n")
    with pytest.raises(DataError, match=re.escape(f"{path}: line 1: column 'good' appears twice (columns 4 "
                                                  "and 6)")):
        read_sli(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sli_header_only_is_no_data(tmp_path, fmt):
    path = write(tmp_path, fmt, sli_frame().iloc[:0])
    with pytest.raises(InsufficientDataError, match=re.escape(f"{path}: no rows after the header")):
        read_sli(path)


# ------------------------------------------------------------------------------ inputs as users have them
# (issue 9; the refusals are tabulated in tests/bad_inputs/)


def test_read_sli_accepts_a_byte_order_mark_crlf_blank_lines_and_quoted_line_breaks(tmp_path):
    # what spreadsheet exports look like: a UTF-8 BOM, CRLF endings, blank lines, a quoted name with a break
    text = ("\ufefftimestamp,service,slo,good,total\r\n\r\n"
            "2026-01-01T00:00:00Z,checkout,availability,99,100\r\n\r\n\r\n"
            '2026-01-01T00:05:00Z,checkout,"avail\r\nability",98,100\r\n')
    path = tmp_path / "sli.csv"
    path.write_bytes(text.encode("utf-8"))
    out = read_sli(path)
    # sorted by SLO name: "avail\r\nability" sorts before "availability" ("\r" < "a")
    assert out["slo"].astype(str).tolist() == ["avail\r\nability", "availability"]
    assert out["good"].tolist() == [98, 99]


INCIDENT_HEADER = "id,service,started_at,resolved_at,title\n"


def test_csv_messages_give_the_physical_line_of_the_record(tmp_path):
    # row 3 starts on line 7: header (1), row 1 (2), blank (3), row 2 spanning lines 4-5, blank (6), row 3 (7)
    text = (INCIDENT_HEADER + "INC-1,payments,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,Packet loss\n\n"
            'INC-2,payments,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,"Bad\nrelease"\n\n'
            "INC-3,payments,2026-01-03T10:00:00Z,2026-01-03T09:00:00Z,Backwards\n")
    for name, data in (("lf.csv", text), ("crlf.csv", text.replace("\n", "\r\n"))):
        path = tmp_path / name
        path.write_bytes(data.encode("utf-8"))
        with pytest.raises(DataError, match=re.escape(f"{path}: row 3 (line 7), column 'resolved_at': ")):
            read_incidents(path)


def test_read_sli_reads_integer_counts_exactly_up_to_int64(tmp_path):
    # 2**53 + 1 = 9007199254740993 has no float64 (it was read as ...992); 2**63 - 1 is int64's largest
    path = write_text(tmp_path, "timestamp,service,slo,good,total\n"
                                "2026-01-01T00:00:00Z,checkout,availability,9007199254740993,9223372036854775807\n")
    out = read_sli(path)
    assert out["good"].tolist() == [2**53 + 1] and out["total"].tolist() == [2**63 - 1]


@pytest.mark.parametrize(("good", "total", "expected"), [
    ("99.0", "1e3", [99, 1000]),  # whole decimals were counts before issue 9 and still are
    ("9007199254740993.0", "9007199254740993.0", [2**53 + 1, 2**53 + 1]),  # read exactly, not via float64
    (" 7 ", "+8", [7, 8]),  # surrounding space and a plus sign, as pandas' to_numeric reads them
])
def test_read_sli_whole_decimal_counts(tmp_path, good, total, expected):
    path = write_text(tmp_path, "timestamp,service,slo,good,total\n"
                                f"2026-01-01T00:00:00Z,checkout,availability,{good},{total}\n")
    out = read_sli(path)
    assert [out["good"].iloc[0], out["total"].iloc[0]] == expected


def test_read_incidents_without_id_or_service(tmp_path):
    # one service's outages: ids are generated from the data row (row-1 is the first row after the header,
    # the blank line is not a row), and there is no service column in the result
    path = write_text(tmp_path, "started_at,resolved_at\n2026-01-05T10:00Z,2026-01-05T10:30Z\n\n"
                                "2026-01-02T08:00Z,\n")
    out = read_incidents(path)
    assert out["id"].tolist() == ["row-2", "row-1"]  # sorted by start
    assert "service" not in out.columns
    assert out["ongoing"].tolist() == [True, False]


def test_read_incidents_given_ids_are_kept_without_service(tmp_path):
    path = write_text(tmp_path, "id,started_at,resolved_at\nA,2026-01-05T10:00Z,2026-01-05T10:30Z\n")
    assert read_incidents(path)[["id"]].to_dict("list") == {"id": ["A"]}


def test_long_bad_values_are_cut_in_messages(tmp_path):
    # a 500-character cell is quoted to 80 characters, ending in '...'
    path = write_text(tmp_path, "timestamp,service,slo,good,total\n"
                                f"2026-01-01T00:00:00Z,checkout,availability,{'9' * 19}x{'9' * 480},100\n")
    with pytest.raises(DataError) as info:
        read_sli(path)
    shown = str(info.value).split("'good': ", 1)[1].split(" is not a number")[0]
    assert len(shown) == 80 and shown.endswith("...")


def test_read_sli_structure_checks_do_not_slow_the_common_case(tmp_path, monkeypatch):
    # the Python pass over the file (for lines and field counts) runs only for a message or a suspect file
    import slm_analytics.data as data

    calls = []
    monkeypatch.setattr(data, "_csv_layout", lambda path: calls.append(path))
    read_sli(write(tmp_path, "csv", sli_frame()))
    assert calls == []


# ------------------------------------------------------------------------------------- recurring maintenance
# Expected instants: London is GMT (UTC+0) until 2026-03-29 01:00 UTC, BST (UTC+1) until 2026-10-25 01:00 UTC.

RECURRING_COLUMNS = ["service", "start", "end", "reason", "rrule", "duration", "timezone"]


def recurring_frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=RECURRING_COLUMNS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_maintenance_recurring_row_expanded_with_one_off_rows(tmp_path, fmt, catalog):
    path = write(tmp_path, fmt, recurring_frame(
        ["checkout", "2026-03-20T10:00:00Z", "2026-03-20T11:00:00Z", "Patching", None, None, None],
        ["payments", "2026-03-15 02:00", None, "Sunday patching", "FREQ=WEEKLY;BYDAY=SU", "1h",
         "Europe/London"],
    ))
    out = read_maintenance(path, catalog=catalog, start="2026-03-14T00:00Z", end="2026-04-06T00:00Z")
    assert out.columns.tolist() == ["service", "start", "end", "reason"]
    # Sundays 15, 22 March 02:00 GMT; 29 March, 5 April 02:00 BST (01:00 UTC); the one-off row in between
    assert out["start"].tolist() == [pd.Timestamp(t, tz="UTC") for t in (
        "2026-03-15 02:00", "2026-03-20 10:00", "2026-03-22 02:00", "2026-03-29 01:00", "2026-04-05 01:00")]
    assert out["reason"].tolist() == ["Sunday patching", "Patching"] + ["Sunday patching"] * 3
    assert (out["end"] - out["start"]).eq(pd.Timedelta(hours=1)).all()
    assert str(out["start"].dtype) == "datetime64[us, UTC]" and str(out["end"].dtype) == "datetime64[us, UTC]"


def test_read_maintenance_recurring_row_that_ends_needs_no_period(tmp_path):
    path = write(tmp_path, "csv", recurring_frame(
        ["payments", "2026-01-04 02:00", "2026-01-25 02:00", "x", "FREQ=WEEKLY", "90m", "UTC"],
        ["checkout", "2026-01-04 02:00", None, "y", "FREQ=DAILY;COUNT=2", "30m", "UTC"],
    ))
    out = read_maintenance(path)
    # 'end' is inclusive like UNTIL: 4, 11, 18 and 25 January; COUNT=2: 4 and 5 January
    assert out.groupby("service")["start"].count().to_dict() == {"checkout": 2, "payments": 4}
    # a period keeps only the occurrences overlapping it
    part = read_maintenance(path, start="2026-01-10T00:00Z", end="2026-01-20T00:00Z")
    assert part["start"].tolist() == [pd.Timestamp("2026-01-11 02:00", tz="UTC"),
                                      pd.Timestamp("2026-01-18 02:00", tz="UTC")]


def test_read_maintenance_recurring_time_zone_from_tz_then_catalog(tmp_path, catalog):
    path = write(tmp_path, "csv", recurring_frame(
        ["mobile-api", "2026-01-04 02:00", None, "x", "FREQ=WEEKLY;COUNT=1", "1h", None]))
    with pytest.raises(DataError, match=col(path, 1, "timezone") + " is empty; a recurring window needs"):
        read_maintenance(path)
    # mobile-api's catalog time zone is Asia/Seoul (UTC+9): 02:00 KST = 17:00 UTC the day before
    seoul = read_maintenance(path, catalog=catalog)
    assert seoul["start"].iloc[0] == pd.Timestamp("2026-01-03 17:00", tz="UTC")
    # tz= names the zone of the file's naive times and wins over the catalog's: New York, EST = UTC-5
    out = read_maintenance(path, catalog=catalog, tz="America/New_York")
    assert out["start"].iloc[0] == pd.Timestamp("2026-01-04 07:00", tz="UTC")


def test_read_maintenance_recurring_rule_with_its_own_dtstart_and_an_aware_start(tmp_path):
    path = write(tmp_path, "csv", recurring_frame(
        ["a", None, None, "x", "DTSTART:20260104T020000 RRULE:FREQ=WEEKLY;COUNT=2", "1h", "Europe/London"],
        ["b", "2026-07-05T01:00:00Z", None, "y", "FREQ=WEEKLY;COUNT=2", "1h", "Europe/London"],
    ))
    out = read_maintenance(path)
    # a: 02:00 GMT on 4 and 11 January; b: 01:00 UTC is 02:00 BST, so it recurs at 02:00 London time
    assert out["start"].tolist() == [pd.Timestamp(t, tz="UTC") for t in (
        "2026-01-04 02:00", "2026-01-11 02:00", "2026-07-05 01:00", "2026-07-12 01:00")]


def test_read_maintenance_without_end_column_when_rules_are_given(tmp_path):
    path = write_text(tmp_path, "service,start,rrule,duration,timezone\n"
                                "email,2026-01-04 02:00,FREQ=WEEKLY;COUNT=3,1h,UTC\n")
    out = read_maintenance(path)
    assert len(out) == 3 and out["reason"].tolist() == ["", "", ""]


def test_read_maintenance_unbounded_rule_needs_a_period(tmp_path):
    path = write(tmp_path, "csv", recurring_frame(
        ["email", "2026-01-04 02:00", None, "x", "FREQ=WEEKLY", "1h", "UTC"]))
    with pytest.raises(DataError, match=col(path, 1, "rrule") + re.escape(
            " 'FREQ=WEEKLY' never ends (no COUNT or UNTIL, and 'end' is empty) and no period was given to "
            "list it over: pass start= and end= to read_maintenance")):
        read_maintenance(path)
    with pytest.raises(ParameterError, match="give both start and end"):
        read_maintenance(path, start="2026-01-01T00:00Z")
    # a year: the Sundays of 2026 from 4 January, 52 of them (4 Jan + 51 weeks = 27 Dec)
    assert len(read_maintenance(path, start="2026-01-01T00:00Z", end="2027-01-01T00:00Z")) == 52


def test_read_maintenance_one_off_rows_unchanged_by_the_period(tmp_path):
    path = write(tmp_path, "csv", maintenance_frame())
    pd.testing.assert_frame_equal(read_maintenance(path, start="2030-01-01T00:00Z", end="2030-02-01T00:00Z"),
                                  read_maintenance(path))


# ------------------------------------------------------------------------------------------ SIP register (2)


def test_read_sip_register_header_only_is_an_empty_register(tmp_path):
    path = write_text(tmp_path, ",".join(sip_frame().columns) + "\n")
    out = read_sip_register(path)
    assert out.columns.tolist() == list(sip_frame().columns)
    assert len(out) == 0
    assert str(out["opened"].dtype) == "datetime64[us]"
    assert out["baseline"].dtype == np.float64


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sip_register_optional_columns(tmp_path, fmt, catalog):
    frame = sip_frame(kpi_measure=["error_rate", None], evidence=["4 deploy incidents", None],
                      priority=["0.8", None], review=["2026-06-01", None], notes=["mine", None])
    out = read_sip_register(write(tmp_path, fmt, frame), catalog=catalog)
    assert out.columns.tolist() == list(frame.columns)  # the file's order, own columns kept
    assert out["kpi_measure"].tolist() == ["error_rate", ""]
    assert out["evidence"].tolist() == ["4 deploy incidents", ""]
    assert out["notes"].tolist() == ["mine", ""]
    assert out["priority"].iloc[0] == pytest.approx(0.8, abs=1e-15)
    assert np.isnan(out["priority"].iloc[1])
    assert out["review"].tolist()[0] == pd.Timestamp("2026-06-01")
    assert pd.isna(out["review"].iloc[1])


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sip_register_duplicate_id(tmp_path, fmt):
    path = write(tmp_path, fmt, sip_frame(id=["SIP-1", "SIP-1"]))
    first = "row 1 (line 2)" if fmt == "csv" else "row 1"
    expected = col(path, 2, "id") + re.escape(f" 'SIP-1' is the id of {first}")
    with pytest.raises(DataError, match=expected + re.escape(" too; each SIP item has its own id")):
        read_sip_register(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sip_register_due_before_opened(tmp_path, fmt):
    path = write(tmp_path, fmt, sip_frame(due=["2026-04-30", "2025-12-01"]))
    expected = col(path, 2, "due") + re.escape(" '2025-12-01' is before 'opened' (2025-12-03); an item is "
                                               "due after it is opened")
    with pytest.raises(DataError, match=expected):
        read_sip_register(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_sip_register_closed_must_match_status(tmp_path, fmt):
    path = write(tmp_path, fmt, sip_frame(closed=[None, None]))
    with pytest.raises(DataError, match=col(path, 1, "closed") + " is empty on a 'done' item"):
        read_sip_register(path)
    path = write(tmp_path, fmt, sip_frame(closed=["2026-04-22", "2026-01-10"]))
    expected = col(path, 2, "closed") + " '2026-01-10' is set on an item whose status is open or in-progress"
    with pytest.raises(DataError, match=expected):
        read_sip_register(path)
    cancelled = sip_frame(status=["done", "cancelled"])  # a cancelled item may have a date or none
    assert len(read_sip_register(write(tmp_path, fmt, cancelled))) == 2
    cancelled = sip_frame(status=["done", "cancelled"], closed=["2026-04-22", "2026-01-10"])
    assert len(read_sip_register(write(tmp_path, fmt, cancelled))) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_sip_register_round_trip(tmp_path, fmt):
    from slm_analytics.data import write_sip_register

    register = read_dataset("sip_register").assign(evidence="x", priority=0.5,
                                                   review=pd.Timestamp("2026-12-01"))
    register.loc[2, ["evidence", "priority", "review"]] = ["", np.nan, pd.NaT]
    path = write_sip_register(register, tmp_path / f"sip.{fmt}")
    assert read_sip_register(path).equals(register)
    if fmt == "csv":  # dates as YYYY-MM-DD, missing values as empty cells
        line = path.read_text(encoding="utf-8").splitlines()[3]
        assert line.startswith("SIP-003,checkout,latency,")
        assert line.endswith(",2026-02-20,done,p99 latency on peak day (ms),2400.0,500.0,,,,")


def test_write_sip_register_bad_input(tmp_path):
    from slm_analytics.data import write_sip_register

    with pytest.raises(DataError, match=r"write_sip_register: register: missing column\(s\) 'status'"):
        write_sip_register(read_dataset("sip_register").drop(columns="status"), tmp_path / "sip.csv")
    with pytest.raises(DataError, match="unsupported file type '.xlsx'"):
        write_sip_register(read_dataset("sip_register"), tmp_path / "sip.xlsx")


# ------------------------------------------------------------------ requirements: machine-readable levels


def levels_frame(**columns) -> pd.DataFrame:
    """Three requirements with the issue-10 columns: a share, a latency limit, and an unmeasured one."""
    data = {
        "id": ["REQ-1", "REQ-2", "REQ-3"],
        "service": ["checkout"] * 3,
        "requirement": ["Orders always work", "Checkout feels instant", "Maintenance is announced"],
        "user_segment": ["retail"] * 3,
        "importance": ["5", "4", "3"],
        "satisfaction": ["4.2", "4.5", "4.0"],
        "respondents": ["473", "106", "12"],
        "required_level_text": ["99.9 %", "99 % under 500 ms", "7 days notice"],
        "required_target": ["0.999", "0.99", None],
        "threshold_ms": [None, "500", None],
        "linked_slo": ["availability", "latency", None],
    }
    data.update(columns)
    return pd.DataFrame({k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_requirements_levels(tmp_path, fmt, catalog):
    out = read_requirements(write(tmp_path, fmt, levels_frame()), catalog=catalog)
    assert out.columns.tolist() == ["id", "service", "requirement", "user_segment", "importance",
                                    "satisfaction", "respondents", "required_level_text", "required_target",
                                    "threshold_ms", "linked_slo"]
    assert out["required_target"].dtype == np.float64 and out["threshold_ms"].dtype == np.float64
    assert out["required_target"].tolist()[:2] == [0.999, 0.99] and np.isnan(out["required_target"].iloc[2])
    assert np.isnan(out["threshold_ms"].iloc[0]) and out["threshold_ms"].iloc[1] == 500.0
    # the unmeasured requirement is kept: no level, no linked SLO
    assert out["required_level_text"].iloc[2] == "7 days notice" and out["linked_slo"].iloc[2] == ""


def test_read_requirements_levels_as_numbers(tmp_path):
    # a Parquet file of one's own may store the levels as floats, with NaN for none
    frame = levels_frame(required_target=[0.999, 0.99, np.nan], threshold_ms=[np.nan, 500.0, np.nan])
    out = read_requirements(write(tmp_path, "parquet", frame))
    assert out["required_target"].tolist()[:2] == [0.999, 0.99] and out["threshold_ms"].iloc[1] == 500.0


def test_read_requirements_without_level_columns(tmp_path):
    # an older file: required_level (the earlier name), no required_target or threshold_ms
    frame = levels_frame(required_target=None, threshold_ms=None).rename(
        columns={"required_level_text": "required_level"})
    out = read_requirements(write(tmp_path, "csv", frame))
    assert out["required_level_text"].tolist() == ["99.9 %", "99 % under 500 ms", "7 days notice"]
    assert "required_level" not in out.columns
    assert out["required_target"].isna().all() and out["threshold_ms"].isna().all()


@pytest.mark.parametrize(("value", "problem"), [
    ("99.9", "is outside (0, 1)"),
    ("1", "is outside (0, 1)"),
    ("-0.5", "is outside (0, 1)"),
    ("high", "is not a number"),
])
def test_read_requirements_bad_required_target(tmp_path, value, problem):
    path = write(tmp_path, "csv", levels_frame(required_target=["0.999", value, None]))
    with pytest.raises(DataError, match=col(path, 2, "required_target") + re.escape(
            f" {value!r} {problem}; expected the share that must meet the requirement, strictly between 0 "
            "and 1 (write 99.9 % as 0.999), or an empty cell when the level is not a measurable share")):
        read_requirements(path)


def test_read_requirements_bad_respondents_and_ids(tmp_path):
    path = write(tmp_path, "csv", levels_frame(respondents=["473", "0", "12"]))
    with pytest.raises(DataError, match=col(path, 2, "respondents") + re.escape(
            " '0' is not a positive number of people; a mean of survey answers needs at least 1 respondent")):
        read_requirements(path)
    path = write(tmp_path, "csv", levels_frame(id=["REQ-1", "REQ-2", "REQ-1"]))
    with pytest.raises(DataError, match=col(path, 3, "id") + re.escape(
            " 'REQ-1' is the id of row 1 (line 2) too; each requirement is one row")):
        read_requirements(path)


def test_read_requirements_sample_levels():
    # the bundled survey: every requirement with a linked SLO has a level; the three without are unmeasured
    req = read_dataset("requirements")
    linked = req["linked_slo"] != ""
    assert req.loc[linked, "required_target"].notna().all()
    assert req.loc[~linked, "id"].tolist() == ["REQ-006", "REQ-014", "REQ-020"]
    assert req.loc[~linked, "required_target"].isna().all()
    # latency levels carry their limit: "99 % under 300 ms" -> 0.99 and 300
    search = req.set_index("id").loc["REQ-007"]
    assert (search["required_level_text"], search["required_target"], search["threshold_ms"]) == (
        "99 % under 300 ms", 0.99, 300.0)
