"""Loading and validating data: the bundled sample datasets and the user's own CSV or Parquet files.

This is the only module that reads data files. Every reader validates what it reads and raises
:class:`~slm_analytics.errors.DataError` naming the file, the row and the column and saying what was
expected. Rows are numbered from 1, not counting a CSV header; for CSV files the message also gives the
physical line of the file where the record starts (blank lines and line breaks inside quoted values
counted, so not always row + 1). A CSV row with more or fewer fields than the header is refused.

Counts are read exactly as int64: digits never go through float64, and counts beyond int64's largest
value (9223372036854775807), or floats too large to hold a count exactly (2**53 and above), are refused.

All timestamps come back timezone-aware in UTC with microsecond resolution (``datetime64[us, UTC]``).
Naive timestamps are accepted only with an explicit ``tz=`` naming the zone they were recorded in.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ._checks import as_utc, require_columns
from .errors import DataError, InsufficientDataError, ParameterError
from .resources import datasets_dir

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = [
    "DATASETS",
    "KPI_MEASURES",
    "SIP_COLUMNS",
    "SIP_OPTIONAL",
    "GROUP_ROWS",
    "SIP_STATUSES",
    "SLI_COLUMNS",
    "SliGroups",
    "SipAppend",
    "append_sip_register",
    "data_root",
    "dataset_path",
    "list_datasets",
    "read_catalog",
    "read_dataset",
    "read_incidents",
    "read_maintenance",
    "read_requirements",
    "read_sip_register",
    "read_sli",
    "read_status_windows",
    "github_status_slos",
    "iter_sli_groups",
    "write_sip_register",
    "write_sli",
]

#: The bundled datasets: file, description and columns (meaning, unit). ``datasets/README.md`` is
#: generated from this table.
DATASETS: dict[str, dict[str, Any]] = {
    "catalog": {
        "file": "catalog.yaml",
        "description": "Service catalog: business-hours schedules, 13 services over 3 tiers, their SLOs "
        "(OpenSLO vocabulary), SLAs with tiered service credits, and burn-rate alert policies. "
        "Hand-written definitions, validated by `load_catalog`.",
        "columns": {
            "schedules": ("business-hours schedules with holidays", "HH:MM local time"),
            "services": ("name, owner, tier 1-3, users, business weight, time zone, schedule", "-"),
            "slos": ("indicator, target, window, budgeting method, time-slice target/window", "share 0-1"),
            "slas": ("contract target, period, schedule, exclusions, credit tiers, monthly fee", "share 0-1"),
            "alert_policies": ("multi-window burn-rate rules", "windows as durations"),
        },
    },
    "sli_5min": {
        "file": "sli_5min.parquet",
        "description": "Good and total event counts per SLO in 5-minute buckets, 2025-11-01 to 2026-10-31 "
        "(UTC). Buckets with total = 0 carry no data. Time-slice SLOs count synthetic probe checks "
        "(30 per bucket).",
        "columns": {
            "timestamp": ("start of the 5-minute bucket", "UTC"),
            "service": ("service name (catalog)", "-"),
            "slo": ("SLO name within the service (catalog)", "-"),
            "good": ("good events in the bucket", "events"),
            "total": ("all valid events in the bucket", "events"),
        },
    },
    "incidents": {
        "file": "incidents.csv",
        "description": "Incident records consistent with the SLI data (a few SLI dips were never recorded "
        "as incidents, as in real life).",
        "columns": {
            "id": ("incident identifier", "-"),
            "service": ("affected service", "-"),
            "slo": ("main SLO affected", "-"),
            "severity": ("P1 (worst) to P4", "-"),
            "cause": ("deploy, capacity, dependency, network, config or hardware", "-"),
            "started_at": ("impact start", "UTC"),
            "detected_at": ("first detection (alert or report)", "UTC"),
            "resolved_at": ("impact end; empty while ongoing", "UTC"),
            "title": ("short description", "-"),
        },
    },
    "maintenance": {
        "file": "maintenance.csv",
        "description": "Planned maintenance windows (announced in advance; SLAs may exclude them). A "
        "file of your own may also hold recurring windows (\"every Sunday 02:00-03:00 Europe/London\"): "
        "optional columns `rrule` (RFC 5545, e.g. `FREQ=WEEKLY;BYDAY=SU`), `duration` (`1h`, `90m`) and "
        "`timezone` (IANA; default: `tz=`, else the service's); on such a row `start` is the first "
        "occurrence (naive: local wall-clock time) and `end`, optional, when the recurrence stops. "
        "`read_maintenance(path, start=..., end=...)` expands them over a period; see its docstring. "
        "Services in the catalog may list recurring windows too (`maintenance:`).",
        "columns": {
            "service": ("service under maintenance", "-"),
            "start": ("window start", "UTC"),
            "end": ("window end", "UTC"),
            "reason": ("what was done", "-"),
        },
    },
    "requirements": {
        "file": "requirements.csv",
        "description": "Service requirements from the users' side, from the yearly service survey. A "
        "requirement without a measurable level (\"7 days notice\") has no `required_target` and may have "
        "no linked SLO: an unmeasured requirement, reported by the analyses, never dropped. In files of your "
        "own `required_target`, `threshold_ms`, `respondents` and `linked_slo` are optional, and "
        "`required_level_text` may keep its earlier name `required_level`.",
        "columns": {
            "id": ("requirement identifier", "-"),
            "service": ("service", "-"),
            "requirement": ("the requirement in the users' words", "-"),
            "user_segment": ("who asked", "-"),
            "importance": ("how important to the segment", "1-5"),
            "satisfaction": ("mean satisfaction of respondents", "1-5"),
            "respondents": ("survey respondents", "people"),
            "required_level_text": ("the level the users need, in their words", "text"),
            "required_target": ("the share of events (or of time slices) that must meet the requirement; "
                                "empty when the level is not a measurable share", "share 0-1"),
            "threshold_ms": ("for latency and lateness requirements: the time a good event stays within; "
                             "empty otherwise", "ms"),
            "linked_slo": ("the SLO measuring it; empty for an unmeasured requirement", "-"),
        },
    },
    "sip_register": {
        "file": "sip_register.csv",
        "description": "Service improvement plan register: past and open improvement actions. Optional "
        "columns `evidence`, `priority` and `review` (next review date) are added by "
        "`merge_register`/`draft_sip`. The closed actions whose KPI is the SLO's error rate are planted for "
        "`sip_effectiveness`: SIP-004 (mobile-api latency, the 2026-09-08 fix of the June regression) is "
        "effective, its error rate about halving; SIP-007 (search latency, closed 2026-08-31) is not "
        "effective, the slow degradation going on after it; SIP-012 (support-portal availability, closed "
        "2026-10-27) is inconclusive, four days before the data ends. The other closed actions have KPIs "
        "measured outside the SLI data.",
        "columns": {
            "id": ("action identifier", "-"),
            "service": ("service", "-"),
            "slo": ("SLO the action should improve", "-"),
            "problem": ("the problem addressed", "-"),
            "action": ("the improvement", "-"),
            "owner": ("accountable team", "-"),
            "opened": ("date opened", "date"),
            "due": ("date due", "date"),
            "closed": ("date closed; empty while open", "date"),
            "status": ("open, in-progress, done or cancelled", "-"),
            "kpi": ("how success is measured", "-"),
            "baseline": ("KPI before the action", "KPI unit"),
            "target": ("KPI the action aims for", "KPI unit"),
            "kpi_measure": ("error_rate or attainment when the KPI is the SLO's own SLI; empty otherwise",
                            "-"),
        },
    },
    "github_status": {
        "file": "real/github-status/downtime_2022_2023.csv",
        "bundled": True,  # real public data: always read from the package, whatever data_dir says
        "description": "Real data: every downtime window GitHub's public status page reported from "
        "2022-03-24 to 2023-12-31, one row per incident and affected component (444 rows, 11 components). "
        "From mrshu/github-statuses, MIT licence (datasets/real/github-status/LICENSE). Read as incident "
        "records (`service` = component, `severity` = impact); `incidents_to_sli` turns them into a "
        "time-based availability SLI for backtesting breach forecasts on real, bursty outages.",
        "columns": {
            "incident_id": ("status page incident id", "-"),
            "component": ("affected component; empty when the incident named none", "-"),
            "downtime_start": ("start of the downtime window", "UTC"),
            "downtime_end": ("end of the downtime window", "UTC"),
            "impact": ("minor, major, critical, maintenance or none", "-"),
            "title": ("the incident's title", "-"),
        },
    },
}

#: the columns of an SLI table, in file order
SLI_COLUMNS = ["timestamp", "service", "slo", "good", "total"]

#: a UTC offset after a time of day ("...T14:05Z", "...14:05:00+01:00"); the time is required so that the
#: "-01" of a bare date "2026-03-01" is not taken for an offset
_TZ_SUFFIX = re.compile(r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$")


def dataset_path(name: str, *, data_dir: str | Path | None = None) -> Path:
    """Path of a dataset's file.

    The folder is ``data_dir`` when given, else ``$SLM_DATASETS`` when that is set, else the bundled
    sample data (:func:`~slm_analytics.resources.datasets_dir`).

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`.
    data_dir : str or Path, optional
        A folder with the same layout as ``datasets/`` (``catalog.yaml``, ``sli_5min.parquet``...).

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        If ``name`` is not a bundled dataset.
    """
    if name not in DATASETS:
        msg = f"unknown dataset {name!r}; available: {', '.join(DATASETS)}"
        raise ParameterError(msg)
    if DATASETS[name].get("bundled"):
        return datasets_dir() / DATASETS[name]["file"]
    return data_root(data_dir) / DATASETS[name]["file"]


def data_root(data_dir: str | Path | None = None) -> Path:
    """Return the datasets folder: ``data_dir``, else ``$SLM_DATASETS``, else the bundled ``datasets/``."""
    if data_dir not in (None, ""):
        return Path(data_dir)
    return Path(os.environ.get("SLM_DATASETS") or datasets_dir())


def _row_count(path: Path) -> int | None:
    if not path.exists():
        return None
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if path.suffix == ".csv":
        return len(pd.read_csv(path, usecols=[0]))
    return None


def list_datasets(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """List the datasets (the bundled sample data unless ``data_dir`` names another folder).

    Returns
    -------
    DataFrame
        One row per dataset with columns ``name``, ``file``, ``description``, ``columns`` (comma-separated
        column names) and ``rows`` (``<NA>`` for the catalog, which holds definitions).

    Examples
    --------
    >>> list_datasets()[["name", "rows"]]
               name     rows
    0       catalog     <NA>
    1      sli_5min  2943360
    2     incidents      ...
    3   maintenance       ...
    4  requirements       33
    5  sip_register       12
    6 github_status      444
    """
    rows = []
    for name, info in DATASETS.items():
        path = dataset_path(name, data_dir=data_dir)
        rows.append({
            "name": name,
            "file": info["file"],
            "description": info["description"],
            "columns": ", ".join(info["columns"]),
            "rows": _row_count(path),
        })
    return pd.DataFrame(rows).astype({"rows": "Int64"})


def read_dataset(name: str, *, data_dir: str | Path | None = None) -> Any:
    """Read a dataset, validated: the bundled sample data, or your own folder with the same layout.

    Parameters
    ----------
    name : str
        ``catalog`` (returns a :class:`~slm_analytics.catalog.Catalog`), ``sli_5min``, ``incidents``,
        ``maintenance``, ``requirements`` or ``sip_register`` (return DataFrames, see :func:`list_datasets`),
        or ``github_status``, the real status-page history bundled with the package
        (:func:`read_status_windows`; ``data_dir`` does not apply).
    data_dir : str or Path, optional
        Folder holding ``catalog.yaml`` and the data files under the names :func:`list_datasets` shows;
        default: ``$SLM_DATASETS`` or the bundled ``datasets/``. Data is validated against that folder's
        catalog.

    Returns
    -------
    Catalog or DataFrame

    Raises
    ------
    ParameterError
        If ``name`` is unknown.

    Examples
    --------
    >>> sli = read_dataset("sli_5min")
    >>> sli.dtypes["timestamp"]
    datetime64[us, UTC]
    >>> sli.groupby(["service", "slo"], observed=True).ngroups
    28
    """
    path = dataset_path(name, data_dir=data_dir)
    if name == "catalog":
        return read_catalog(path)
    if name == "github_status":
        return read_status_windows(path)
    readers = {
        "sli_5min": read_sli,
        "incidents": read_incidents,
        "maintenance": read_maintenance,
        "requirements": read_requirements,
        "sip_register": read_sip_register,
    }
    return readers[name](path, catalog=read_dataset("catalog", data_dir=data_dir))


# ------------------------------------------------------------------------------------------- helpers


class _CsvLayout(NamedTuple):
    """Where each record of a CSV file starts, as pandas numbers its rows (blank lines skipped)."""

    header: list[str]
    header_line: int  # physical line of the header (1 unless blank lines come first)
    lines: np.ndarray  # physical line where data row i (0-based) starts
    widths: np.ndarray  # number of fields of data row i


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, fields)`` for each non-blank record: the physical line where the record starts.

    The file is decoded as UTF-8 (a leading byte order mark dropped); undecodable bytes are kept as
    surrogates (found by :func:`_check_encoding`). Lines holding only whitespace are blank, as for pandas.
    """
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        start = 1
        for fields in reader:
            if fields and (len(fields) > 1 or fields[0].strip()):
                yield start, fields
            start = reader.line_num + 1


def _csv_layout(path: Path) -> _CsvLayout:
    """Read where each record of a CSV file starts and how many fields it has.

    A pass over the whole file in Python: only done for a message or when pandas' result shows that
    some rows may be shorter or longer than the header.
    """
    records = _records(path)
    header_line, header = next(records, (1, []))
    lines, widths = [], []
    for line, fields in records:
        lines.append(line)
        widths.append(len(fields))
    return _CsvLayout(header, header_line, np.array(lines, dtype=np.int64), np.array(widths, dtype=np.int64))


def _is_csv(path: Path | str) -> bool:
    return Path(path).suffix.lower() == ".csv"


def _where(path: Path | str, pos: int) -> str:
    """Location of the row at 0-based position ``pos``: ``file: row N``, for CSV ``file: row N (line L)``.

    ``L`` is the physical line of the file where the record starts: blank lines and line breaks inside
    quoted values are counted (pandas skips the former), so ``L`` is not always ``N + 1``.
    """
    row = f"row {pos + 1}"
    if _is_csv(path):
        try:
            lines = _csv_layout(Path(path)).lines
            row += f" (line {int(lines[pos])})" if pos < len(lines) else ""
        except (OSError, csv.Error):  # the file went away, or a value beyond csv's field limit
            pass
    return f"{path}: {row}"


#: longest quoted bad value in a message (a whole paragraph or a binary blob is cut)
_SHOW_MAX = 80


def _show(value: Any) -> str:
    """Quote a bad value for a message: ``'abc'``, ``3.5``, ``'2026-10-25 01:30:00'`` (no numpy reprs).

    Values whose quote is longer than 80 characters are cut, ending in ``...``.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (pd.Timestamp, np.datetime64, dt.datetime)):
        value = str(value)
    shown = repr(value)
    return shown if len(shown) <= _SHOW_MAX else shown[: _SHOW_MAX - 3] + "..."


def _fail(
    path: Path | str, bad: np.ndarray, column: str, problem: str, values: pd.Series | None = None
) -> None:
    """Raise a DataError for the first row flagged in ``bad`` (a boolean mask)."""
    positions = np.flatnonzero(bad)
    if positions.size == 0:
        return
    first = int(positions[0])
    shown = f" {_show(values.iloc[first])}" if values is not None else ""
    more = f" (and {positions.size - 1} more rows)" if positions.size > 1 else ""
    msg = f"{_where(path, first)}, column {column!r}:{shown} {problem}{more}"
    raise DataError(msg)


def _check_header(path: Path) -> None:
    """Refuse a CSV header that names a column twice (pandas would silently read the first)."""
    line, header = next(_records(path), (1, []))
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            msg = (f"{path}: line {line}: column {name!r} appears twice (columns {seen[name] + 1} and "
                   f"{i + 1}); name each column once, or one of them would be ignored")
            raise DataError(msg)
        seen[name] = i


def _check_widths(path: Path) -> None:
    """Refuse CSV rows with more or fewer fields than the header (pandas shifts or pads them silently).

    Every row one field longer than the header makes pandas take the first column for the index, so the
    columns shift; a shorter row is padded with empty values.
    """
    layout = _csv_layout(path)
    bad = np.flatnonzero(layout.widths != len(layout.header))
    if bad.size == 0:
        return
    i = int(bad[0])
    width, expected = int(layout.widths[i]), len(layout.header)
    why = ("a trailing comma, or an unquoted comma in a value?" if width > expected else
           "a missing value, or a line break in an unquoted value?")
    more = f" (and {bad.size - 1} more rows)" if bad.size > 1 else ""
    msg = (f"{path}: row {i + 1} (line {int(layout.lines[i])}) has {width} fields but the header (line "
           f"{layout.header_line}) has {expected} ({why}){more}; every row needs one value per column")
    raise DataError(msg)


def _check_encoding(path: Path) -> None:
    """Name the first value holding bytes that are not UTF-8 (pandas only says at which byte of a chunk)."""
    header: list[str] = []
    for row, (line, fields) in enumerate(_records(path)):
        for k, field in enumerate(fields):
            if any("\udc80" <= ch <= "\udcff" for ch in field):
                shown = _show(field.encode("utf-8", "surrogateescape"))  # the bytes as they are
                if row == 0:
                    where = f"line {line} (the header), column {k + 1}"
                else:
                    name = header[k] if k < len(header) else f"{k + 1}"
                    where = f"row {row} (line {line}), column {name!r}"
                msg = (f"{path}: {where}: {shown} is not UTF-8 text; save the file as UTF-8 (it may be "
                       "Latin-1 or Windows-1252)")
                raise DataError(msg)
        if row == 0:
            header = fields


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """Read a CSV file as text columns, checking its header and that every row has one field per column."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError as exc:
        msg = f"{path}: the file is empty; expected a header line naming the columns {', '.join(columns)}"
        raise DataError(msg) from exc
    except pd.errors.ParserError as exc:  # a row longer than the header (pandas names a chunk's line)
        _check_widths(path)
        msg = f"{path}: cannot read as csv: {exc}"
        raise DataError(msg) from exc
    except UnicodeDecodeError as exc:
        _check_encoding(path)
        msg = f"{path}: is not UTF-8 text: {exc}; save the file as UTF-8"
        raise DataError(msg) from exc
    _check_header(path)
    inferred_index = not isinstance(frame.index, pd.RangeIndex)  # every row had a field more than the header
    if inferred_index or (frame.shape[1] and frame.iloc[:, -1].isna().any()):  # maybe short rows
        _check_widths(path)
    return frame


def _load_table(
    path: str | Path, columns: list[str], optional: tuple[str, ...] = (), *, layout: list[str] | None = None
) -> tuple[Path, pd.DataFrame]:
    """Read a data file; refuse it unless it has ``columns`` (``layout``: every column, in file order)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".pq", ".csv"):
        msg = f"{path}: unsupported file type {path.suffix!r}; expected .csv or .parquet"
        raise DataError(msg)
    if not path.exists():
        msg = f"{path}: file not found"
        raise DataError(msg)
    if suffix == ".csv" and path.is_dir():  # a Parquet "file" may be a folder of parts (a dataset)
        msg = f"{path}: is a folder, not a CSV file"
        raise DataError(msg)
    try:
        frame = _read_csv(path, columns) if suffix == ".csv" else pd.read_parquet(path)
    except DataError:
        raise
    except Exception as exc:  # parser errors from pandas/pyarrow (which may repeat the path: said once)
        msg = f"{path}: cannot read as {suffix.lstrip('.')}: {str(exc).replace(f' {str(path)!r}', '')}"
        raise DataError(msg) from exc
    require_columns(frame, columns, str(path), expected=layout or [*columns, *optional])
    return path, frame.reset_index(drop=True)


def _timestamps(
    values: pd.Series, *, path: Path, column: str, tz: str | None, allow_missing: bool = False
) -> pd.Series:
    """Parse a timestamp column to ``datetime64[us, UTC]`` with precise errors."""
    missing = values.isna().to_numpy()
    if missing.any() and not allow_missing:
        _fail(path, missing, column, "is empty; a timestamp is required")
    if missing.all():  # an optional column that is empty throughout (e.g. every incident ongoing)
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = values
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        parsed = _localize(values, path=path, column=column, tz=tz)
    else:
        text = values.astype("str").str.strip()
        has_tz = text.str.contains(_TZ_SUFFIX, na=False).to_numpy()
        # parse with utc=True first (naive text is read as UTC wall time) only to find unparsable rows,
        # so that they are reported as such and not as "no UTC offset"
        try:
            parsed = pd.to_datetime(text.where(~missing), format="ISO8601", utc=True, errors="coerce")
        except (ValueError, TypeError):
            parsed = pd.to_datetime(text.where(~missing), format="mixed", utc=True, errors="coerce")
        empty_ok = " (or an empty cell while it is not known)" if allow_missing else ""
        _fail(path, parsed.isna().to_numpy() & ~missing, column,
              f"is not a timestamp; expected ISO 8601 such as '2026-03-01T14:05:00Z'{empty_ok}", values)
        if has_tz.any() and not has_tz[~missing].all():
            _fail(path, ~has_tz & ~missing, column, "has no UTC offset while other rows have one; use one "
                  "convention for the whole column", values)
        if not has_tz.any():
            parsed = _localize(parsed.dt.tz_localize(None), path=path, column=column, tz=tz, shown=values)
    return parsed.dt.tz_convert("UTC").dt.as_unit("us")


def _localize(
    values: pd.Series, *, path: Path, column: str, tz: str | None, shown: pd.Series | None = None
) -> pd.Series:
    """Localise naive ``values`` to ``tz``; ``shown`` holds the values as read, for messages."""
    shown = values if shown is None else shown
    if tz is None:
        first = int(np.flatnonzero(values.notna().to_numpy())[0]) if values.notna().any() else 0
        msg = (
            f"{_where(path, first)}, column {column!r}: naive timestamp {_show(shown.iloc[first])} has no "
            "time zone; pass tz= with the zone it was recorded in (e.g. tz='UTC' or tz='Europe/London') or "
            "store timestamps with an offset"
        )
        raise DataError(msg)
    try:
        local = values.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    except Exception as exc:  # unknown zone
        msg = f"{path}: column {column!r}: cannot use time zone {tz!r}: {exc}"
        raise DataError(msg) from exc
    _fail(path, (local.isna() & values.notna()).to_numpy(), column,
          f"is ambiguous or does not exist in {tz} (a daylight-saving change); store timestamps in UTC or "
          "with an offset", shown)
    return local


#: the largest count read exactly (int64), and the largest integer below which every float64 is exact
_COUNT_MAX = int(np.iinfo(np.int64).max)
_FLOAT_EXACT = 2**53
_COUNTS = "counts are non-negative integers"
_TOO_BIG = f"exceeds the largest count supported, {_COUNT_MAX}"


def _counts(values: pd.Series, *, path: Path, column: str) -> np.ndarray:
    """Validate an event-count column: present, integral, non-negative; return it as exact int64.

    Integers (stored, or written as digits in a CSV) are read exactly up to int64's largest value,
    never through float64; larger ones are refused. Decimals (``100.0``, ``1e3``) are counts when they
    are whole numbers that a float64 holds exactly (at most 2**53), else refused, never rounded.
    """
    dtype = values.dtype
    if pd.api.types.is_integer_dtype(dtype):
        _fail(path, values.isna().to_numpy(), column, f"is missing (NaN); {_COUNTS}")
        if pd.api.types.is_unsigned_integer_dtype(dtype):
            _fail(path, values.to_numpy(dtype=np.uint64) > _COUNT_MAX, column, _TOO_BIG, values)
        arr = values.to_numpy(dtype=np.int64)
    elif pd.api.types.is_numeric_dtype(dtype):
        f = values.to_numpy(dtype=np.float64, na_value=np.nan)
        _fail(path, np.isnan(f), column, f"is missing (NaN); {_COUNTS}")
        arr = _float_counts(f, values, path=path, column=column)
    else:
        arr = _text_counts(values, path=path, column=column)
    _fail(path, arr < 0, column, f"is negative; {_COUNTS}", values)
    return arr


def _float_counts(f: np.ndarray, shown: pd.Series, *, path: Path, column: str) -> np.ndarray:
    """Whole, finite float64 counts as int64; a float64 at or above 2**53 may be a rounded count."""
    _fail(path, np.isinf(f), column, f"is not a finite number; {_COUNTS}", shown)
    _fail(path, f != np.round(f), column, f"is not an integer; {_COUNTS}", shown)
    _fail(path, f < 0, column, f"is negative; {_COUNTS}", shown)
    _fail(path, f > _COUNT_MAX, column, _TOO_BIG, shown)
    _fail(path, f >= _FLOAT_EXACT, column, "is beyond 2**53: float64 cannot hold this count exactly; store "
          "counts as integers", shown)
    return f.astype(np.int64)


def _text_counts(values: pd.Series, *, path: Path, column: str) -> np.ndarray:
    """Read counts written as text (CSV cells): digits exactly; decimals only when whole numbers."""
    present = values.notna().to_numpy()
    num = pd.to_numeric(values, errors="coerce")
    if num.dtype == np.int64 and present.all():  # all digits, within int64: exact
        return num.to_numpy()
    text = values.astype("str").str.strip()
    _fail(path, num.isna().to_numpy() & present, column, f"is not a number; {_COUNTS}", values)
    _fail(path, ~present, column, f"is missing (NaN); {_COUNTS}")
    digits = text.str.fullmatch(r"[+-]?\d+").to_numpy(dtype=bool)
    out = np.zeros(len(values), dtype=np.int64)
    if digits.any():
        ints = [int(t) for t in text[digits]] if (text[digits].str.len() > 18).any() else None
        if ints is not None:  # beyond 18 digits: compare as Python ints, never as floats
            big = np.zeros(len(values), dtype=bool)
            big[np.flatnonzero(digits)] = [i > _COUNT_MAX for i in ints]
            _fail(path, big, column, _TOO_BIG, values)
            low = np.zeros(len(values), dtype=bool)
            low[np.flatnonzero(digits)] = [i < 0 for i in ints]
            _fail(path, low, column, f"is negative; {_COUNTS}", values)
        out[digits] = pd.to_numeric(text[digits]).to_numpy(dtype=np.int64)
    if not digits.all():  # decimals and exponents: whole numbers only, exact below 2**53, else by Decimal
        rest = ~digits
        f = num.to_numpy(dtype=np.float64, na_value=np.nan)
        _fail(path, np.isinf(f) & rest, column, f"is not a finite number; {_COUNTS}", values)
        _fail(path, (f != np.round(f)) & rest, column, f"is not an integer; {_COUNTS}", values)
        _fail(path, (f < 0) & rest, column, f"is negative; {_COUNTS}", values)
        large = rest & (f >= _FLOAT_EXACT)
        for i in np.flatnonzero(large):  # rare: the decimal text, exactly
            exact = decimal.Decimal(text.iloc[i])
            one = np.zeros(len(values), dtype=bool)
            one[i] = True
            _fail(path, one & (exact != exact.to_integral_value()), column, f"is not an integer; {_COUNTS}",
                  values)
            _fail(path, one & (exact > _COUNT_MAX), column, _TOO_BIG, values)
            out[i] = int(exact)
        small = rest & ~large
        out[small] = f[small].astype(np.int64)
    return out


def _names(values: pd.Series, *, path: Path, column: str) -> pd.Series:
    missing = values.isna().to_numpy()
    _fail(path, missing, column, "is empty; a name is required")
    return values.astype("str")


def _unique_ids(ids: pd.Series, *, path: Path, shown: pd.Series, what: str) -> None:
    """Refuse an id used by two rows, naming both; ``what`` says why ("each incident is recorded once")."""
    repeated = ids.duplicated(keep="first").to_numpy()
    if repeated.any():
        again = ids.iloc[int(np.flatnonzero(repeated)[0])]
        first = int(np.flatnonzero((ids == again).to_numpy())[0])
        earlier = _where(path, first).split(": ", 1)[1]
        _fail(path, repeated, "id", f"is the id of {earlier} too; {what}", shown)


def _check_known(
    frame: pd.DataFrame, *, path: Path, catalog: Catalog | None, service_col: str = "service",
    slo_col: str | None = None
) -> None:
    if catalog is None:
        return
    services = [s.name for s in catalog.services]
    svc = frame[service_col].astype("str")
    _fail(path, ~svc.isin(services).to_numpy(), service_col,
          f"is not a service of the catalog; known services: {', '.join(services)}", svc)
    if slo_col is None:
        return
    slo = frame[slo_col].astype("str")
    present = slo.notna().to_numpy() & (slo != "").to_numpy()
    keys = svc + "/" + slo
    known = {f"{o.service}/{o.name}" for o in catalog.slos}
    bad = present & ~keys.isin(known).to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        own = [o.name for o in catalog.slos if o.service == svc.iloc[first]]
        _fail(path, bad, slo_col, f"is not an SLO of service {svc.iloc[first]!r}; its SLOs: {', '.join(own)}",
              slo)


# ------------------------------------------------------------------------------------------- readers


def read_catalog(path: str | Path) -> Catalog:
    """Read a catalog file: the workbench's YAML catalog, or OpenSLO v1 documents.

    A file whose first document is a YAML list or has an ``apiVersion`` key is OpenSLO (read with
    :func:`~slm_analytics.openslo.read_openslo`); any other is a catalog (:func:`~slm_analytics.catalog.
    load_catalog`). So a data folder's ``catalog.yaml`` may be either, and reviews run on OpenSLO files.

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    Catalog

    Raises
    ------
    DefinitionError
        As the reader of the file's kind raises.

    Examples
    --------
    >>> read_catalog(dataset_path("catalog")).services[0].name
    'checkout'
    """
    from .catalog import load_catalog, read_yaml
    from .openslo import read_openslo

    docs = read_yaml(path)
    first = next((d for d, _ in docs if d is not None), None)
    if isinstance(first, list) or isinstance(first, dict) and "apiVersion" in first:
        return read_openslo(path)
    return load_catalog(path)



def read_sli(path: str | Path, *, tz: str | None = None, catalog: Catalog | None = None) -> pd.DataFrame:
    r"""Read SLI event counts per bucket from CSV or Parquet.

    Parameters
    ----------
    path : str or Path
        File with columns ``timestamp, service, slo, good, total``.
    tz : str, optional
        Time zone of naive timestamps. Required when timestamps carry no offset; ignored otherwise.
    catalog : Catalog, optional
        When given, every ``service`` and ``(service, slo)`` must be defined in it.

    Returns
    -------
    DataFrame
        Sorted by ``service``, ``slo``, ``timestamp`` (unsorted input is sorted, not rejected), with
        columns ``timestamp`` (``datetime64[us, UTC]``, bucket start), ``service`` and ``slo``
        (categorical), ``good`` and ``total`` (``int64``).

    Raises
    ------
    DataError
        Missing column; unparsable, naive (without ``tz``), ambiguous or non-existent timestamp;
        duplicated ``(service, slo, timestamp)``; missing, non-integer, non-finite or negative count, or
        one beyond int64 (or, as a float, at or above 2**53); ``good > total``; a service or SLO unknown
        to ``catalog``; a CSV header naming a column twice; a CSV row with more or fewer fields than the
        header; an empty file; bytes that are not UTF-8. The message names the file, row (and for CSV
        the physical line) and column.
    InsufficientDataError
        A file with no rows (a header only).

    Notes
    -----
    A Parquet file with timestamp-typed ``timestamp`` and integer counts is streamed: only the five
    columns are read, record batch by record batch, each validated and written straight into the result's
    arrays, so the peak memory is about twice the result (``benchmarks/bench_sli_memory.py``) where reading
    the whole table first took about seven times. Other files (CSV, text timestamps, decimal counts), and
    any file in which a problem is found, are read whole, so that the message names the first bad row of
    the file. For tables larger than memory see :func:`iter_sli_groups`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "sli.csv"
    >>> _ = f.write_text("timestamp,service,slo,good,total\n"
    ...                  "2026-01-01 00:05,api,availability,99,100\n"
    ...                  "2026-01-01 00:00,api,availability,50,50\n")
    >>> read_sli(f, tz="Europe/London")
                      timestamp service           slo  good  total
    0 2026-01-01 00:00:00+00:00     api  availability    50     50
    1 2026-01-01 00:05:00+00:00     api  availability    99    100
    """
    streamed = _read_sli_streamed(Path(path), tz=tz, catalog=catalog)
    if streamed is not None:
        return streamed
    path, raw = _load_table(path, SLI_COLUMNS)
    return _sli_frame(raw, path=path, tz=tz, catalog=catalog)


def _sli_frame(raw: pd.DataFrame, *, path: Path, tz: str | None, catalog: Catalog | None) -> pd.DataFrame:
    """Validate SLI counts read in full (``raw``: the file's columns as read) and return them sorted.

    The reference reader: every check on whole columns, at about 7x the result's memory. It reads CSV files,
    Parquet files that the streamed reader does not take, and any file in which that reader found a problem
    (so that the message is this one, naming the first bad row of the file).
    """
    if len(raw) == 0:
        msg = f"{path}: no rows after the header; at least one bucket of counts is needed"
        raise InsufficientDataError(msg)
    ts = _timestamps(raw["timestamp"], path=path, column="timestamp", tz=tz)
    svc_codes, svc_names = _factorize(raw["service"], path=path, column="service")
    slo_codes, slo_names = _factorize(raw["slo"], path=path, column="slo")
    good = _counts(raw["good"], path=path, column="good")
    total = _counts(raw["total"], path=path, column="total")
    if catalog is not None:
        services = [s.name for s in catalog.services]
        slo_order = list(dict.fromkeys(o.name for o in catalog.slos))
        unknown = ~np.isin(svc_names, services)
        _fail(path, unknown[svc_codes], "service",
              f"is not a service of the catalog; known services: {', '.join(services)}", raw["service"])
        shared = _shared_series(catalog)
        known = {o.key for o in catalog.slos} | set(shared)
        slo_order = list(dict.fromkeys([*slo_order, *(g for _, g in shared)]))
        pairs = np.unique(svc_codes.astype(np.int64) * len(slo_names) + slo_codes)
        for pair in pairs:
            svc, slo = svc_names[pair // len(slo_names)], slo_names[pair % len(slo_names)]
            if (svc, slo) not in known:
                own = [o.name for o in catalog.slos if o.service == svc]
                bad = (svc_codes == pair // len(slo_names)) & (slo_codes == pair % len(slo_names))
                _fail(path, bad, "slo", f"is not an SLO of service {svc!r}; its SLOs: {', '.join(own)}",
                      raw["slo"])
    else:
        services, slo_order = sorted(svc_names), sorted(slo_names)
    over = good > total
    if over.any():
        i = int(np.flatnonzero(over)[0])
        more = f" (and {int(over.sum()) - 1} more rows)" if over.sum() > 1 else ""
        msg = (
            f"{_where(path, i)}, column 'good': 'good' ({good[i]}) exceeds 'total' ({total[i]}); good events "
            f"are a subset of all events{more}"
        )
        raise DataError(msg)
    svc_cat, slo_cat = pd.CategoricalDtype(services), pd.CategoricalDtype(slo_order)
    # recode to the final category order (catalog order, or sorted names)
    s_codes = pd.Index(services).get_indexer(svc_names)[svc_codes]
    o_codes = pd.Index(slo_order).get_indexer(slo_names)[slo_codes]
    t = ts.dt.tz_convert(None).to_numpy().view(np.int64)
    group = s_codes.astype(np.int64) * len(slo_order) + o_codes
    presorted = bool(np.all((group[1:] > group[:-1]) | ((group[1:] == group[:-1]) & (t[1:] > t[:-1]))))
    order = np.arange(len(t))
    if not presorted:  # sort (stable in time within each SLO); duplicates are then neighbours
        order = np.lexsort((t, group))
        s_codes, o_codes, t = s_codes[order], o_codes[order], t[order]
    dup = (s_codes[1:] == s_codes[:-1]) & (o_codes[1:] == o_codes[:-1]) & (t[1:] == t[:-1])
    if dup.any():
        k = int(np.flatnonzero(dup)[0])
        a, b = sorted((int(order[k]), int(order[k + 1])))
        first = _where(path, a).removeprefix(f"{path}: ")
        msg = (
            f"{_where(path, b)}: duplicate (service, slo, timestamp) = ({services[s_codes[k]]!r}, "
            f"{slo_order[o_codes[k]]!r}, {ts.iloc[b]}) already at {first}; each bucket must appear once "
            "(a daylight-saving repeat of local times is a common cause: export UTC timestamps)"
        )
        raise DataError(msg)
    out = pd.DataFrame({
        "timestamp": ts if presorted else ts.iloc[order].reset_index(drop=True),
        "service": pd.Categorical.from_codes(s_codes, dtype=svc_cat),
        "slo": pd.Categorical.from_codes(o_codes, dtype=slo_cat),
        "good": good if presorted else good[order],
        "total": total if presorted else total[order],
    })
    return out if catalog is None else _give_objectives_their_series(out, catalog, path)


def _shared_series(catalog: Catalog) -> dict[tuple[str, str], list[str]]:
    """(service, OpenSLO SLO name) -> its objectives' catalog names, for SLOs with several objectives."""
    shared: dict[tuple[str, str], list[str]] = {}
    for o in catalog.slos:
        if o.objective_of is not None:
            shared.setdefault((o.service, o.objective_of), []).append(o.name)
    return shared


def _give_objectives_their_series(out: pd.DataFrame, catalog: Catalog, path: Path) -> pd.DataFrame:
    """Copy the rows of a series named after an OpenSLO SLO to each of its objectives (they share an SLI)."""
    shared = _shared_series(catalog)
    order = [o.name for o in catalog.slos]
    if not shared:
        return out
    parts, used = [out], np.zeros(len(out), dtype=bool)
    for (svc, group), names in shared.items():
        rows = ((out["service"] == svc) & (out["slo"] == group)).to_numpy()
        if not rows.any():
            continue
        if (own := [n for n in names if ((out["service"] == svc) & (out["slo"] == n)).any()]):
            msg = (f"{path}: service {svc!r} has rows for SLO {group!r} and for its objective {own[0]!r}: "
                   "the objectives share the SLO's series; give the rows once, under one of the two names")
            raise DataError(msg)
        used |= rows
        parts.extend(out[rows].assign(slo=n) for n in names)
    parts[0] = out[~used]
    both = pd.concat(parts, ignore_index=True)
    both["slo"] = pd.Categorical(both["slo"].astype("str"), categories=list(dict.fromkeys(order)))
    both["service"] = both["service"].astype(out["service"].dtype)
    return both.sort_values(["service", "slo", "timestamp"], kind="stable").reset_index(drop=True)


def _factorize(values: pd.Series, *, path: Path, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes and unique names of a name column (fast on categoricals); empty names are an error."""
    codes, uniques = pd.factorize(values)
    _fail(path, codes < 0, column, "is empty; a name is required")
    names = np.asarray(uniques.astype("str") if hasattr(uniques, "astype") else uniques, dtype=object)
    empty = names == ""
    _fail(path, empty[codes], column, "is empty; a name is required")
    return codes, names


# ------------------------------------------------------------------------------- streamed Parquet reading

#: rows per record batch when streaming a Parquet file (512 KiB per 8-byte column)
_BATCH_ROWS = 1 << 16
#: runs of one series tracked while checking the row order (beyond that, the rows are sorted after reading)
_MAX_RUNS = 1 << 20
#: names per name column the streamed reader numbers (codes are uint16 while reading)
_MAX_NAMES = int(np.iinfo(np.uint16).max)


def _batch_times(col: Any, *, path: Path | str, tz: str | None) -> np.ndarray | None:
    """Timestamps of one record batch as int64 microseconds (UTC); None for text (checked whole).

    Timezone-aware timestamps in s, ms or us are exact as they are; naive or nanosecond ones go through
    :func:`_timestamps` batch by batch, value for value as for the whole column.
    """
    import pyarrow as pa

    if not pa.types.is_timestamp(col.type) or col.null_count:
        return None
    if col.type.tz is not None and col.type.unit != "ns":
        return np.asarray(col.cast(pa.timestamp("us", tz="UTC")).to_numpy()).view(np.int64)
    return _timestamps(col.to_pandas(), path=Path(path), column="timestamp", tz=tz).array.asi8


def _batch_names(col: Any, ids: dict[str, int]) -> np.ndarray | None:
    """uint16 codes of a name column's batch, names numbered in ``ids`` as first seen; None if not names."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if col.null_count:
        return None
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    values = col.dictionary
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    idx = col.indices.to_numpy()
    used = np.bincount(idx, minlength=len(values)) > 0
    local = np.zeros(len(values), dtype=np.uint16)
    for k in np.flatnonzero(used):
        name = values[int(k)].as_py()
        if not name or (name not in ids and len(ids) >= _MAX_NAMES):
            return None
        local[k] = ids.setdefault(name, len(ids))
    return local[idx]


def _batch_counts(col: Any) -> np.ndarray | None:
    """Return a count column's batch as integers when every value is a valid count, else None."""
    import pyarrow as pa

    if not pa.types.is_integer(col.type) or col.null_count:
        return None
    arr = col.to_numpy()
    if arr.size and (arr.min() < 0 if arr.dtype.kind == "i" else arr.max() > _COUNT_MAX):
        return None
    return arr


class _RowOrder:
    """Whether rows come series by series with strictly increasing timestamps, followed batch by batch.

    Series keys are ``service_id << 16 | slo_id`` (ids as first seen); the order of the series themselves
    is only known at the end, when the names are (:meth:`sorted_by`).
    """

    def __init__(self) -> None:
        self.runs: list[int] | None = []  # key of each run of consecutive rows of one series
        self.starts: list[int] = []  # row where each run starts
        self.time_ok = True
        self.last: tuple[int, int] | None = None  # key and timestamp of the previous row

    def add(self, key: np.ndarray, t: np.ndarray, pos: int) -> None:
        """Follow the rows ``pos, pos + 1, ...`` with series ``key`` and timestamps ``t``."""
        same = key[1:] == key[:-1]
        new_run = self.last is None or self.last[0] != int(key[0])
        if self.time_ok and ((same & (t[1:] <= t[:-1])).any() or (not new_run and t[0] <= self.last[1])):
            self.time_ok = False
        if self.runs is not None:
            if new_run:
                self.runs.append(int(key[0]))
                self.starts.append(pos)
            changes = np.flatnonzero(~same) + 1
            self.runs.extend(key[changes].tolist())
            self.starts.extend((changes + pos).tolist())
            if len(self.runs) > _MAX_RUNS:
                self.runs = None
        self.last = (int(key[-1]), int(t[-1]))

    def rank(self, s_map: np.ndarray, o_map: np.ndarray, n_slo: int) -> np.ndarray | None:
        """Rank each run's series as ``s_map[service] * n_slo + o_map[slo]``.

        None unless the rows come series by series, each series in one run of increasing timestamps.
        """
        if not self.time_ok or self.runs is None:
            return None
        keys = np.asarray(self.runs, dtype=np.int64)
        rank = s_map[keys >> 16].astype(np.int64) * n_slo + o_map[keys & 0xFFFF]
        return rank if len(np.unique(rank)) == len(rank) else None


def _sli_categories(svc_names: list[str], slo_names: list[str], catalog: Catalog | None
                    ) -> tuple[list[str], list[str]]:
    """Categories of ``service`` and ``slo``: catalog order (SLO names of shared series too), else sorted."""
    if catalog is None:
        return sorted(svc_names), sorted(slo_names)
    slo_order = [*(o.name for o in catalog.slos), *(g for _, g in _shared_series(catalog))]
    return [s.name for s in catalog.services], list(dict.fromkeys(slo_order))


def _sli_from_batches(batches: Iterator[Any], n: int, *, path: Path | str, tz: str | None,
                      catalog: Catalog | None, categories: tuple[list[str], list[str]] | None = None
                      ) -> pd.DataFrame | None:
    """Build the frame :func:`read_sli` returns from ``n`` rows of record batches; None on any problem.

    Each batch is validated as it comes and written straight into the result's arrays (int64 timestamps
    and counts, uint16 name codes until the categories are known), so no full-size copy of the table is
    made while reading. ``None`` (a problem, or a layout this reader does not take) leaves the table to
    :func:`_sli_frame`, whose message names the first bad row. ``categories`` fixes those of the result
    (a group of a larger table gets the table's).
    """
    import pyarrow as pa

    pool = pa.default_memory_pool()
    t, good, total = (np.empty(n, dtype=np.int64) for _ in range(3))
    svc, slo = np.empty(n, dtype=np.uint16), np.empty(n, dtype=np.uint16)
    svc_ids: dict[str, int] = {}
    slo_ids: dict[str, int] = {}
    order, pairs, pos = _RowOrder(), set(), 0
    for batch in batches:
        m = batch.num_rows
        if m == 0:
            continue
        if pos + m > n:
            return None
        cols = [batch.column(c) for c in SLI_COLUMNS]
        ts = _batch_times(cols[0], path=path, tz=tz)
        s_codes, o_codes = _batch_names(cols[1], svc_ids), _batch_names(cols[2], slo_ids)
        g, tt = _batch_counts(cols[3]), _batch_counts(cols[4])
        if ts is None or s_codes is None or o_codes is None or g is None or tt is None or (g > tt).any():
            return None
        rows = slice(pos, pos + m)
        t[rows], svc[rows], slo[rows], good[rows], total[rows] = ts, s_codes, o_codes, g, tt
        key = s_codes.astype(np.int64) << 16 | o_codes
        order.add(key, ts, pos)
        if catalog is not None:
            pairs.update(pd.unique(key).tolist())
        pos += m
        pool.release_unused()  # arrow's allocator keeps the pages of decoded batches unless told
    if pos != n or n == 0:
        return None
    svc_names, slo_names = list(svc_ids), list(slo_ids)
    if catalog is not None:
        known = {o.key for o in catalog.slos} | set(_shared_series(catalog))
        if any((svc_names[k >> 16], slo_names[k & 0xFFFF]) not in known for k in pairs):
            return None
    services, slo_order = categories or _sli_categories(svc_names, slo_names, catalog)
    s_map, o_map = pd.Index(services).get_indexer(svc_names), pd.Index(slo_order).get_indexer(slo_names)
    if (s_map < 0).any() or (o_map < 0).any():
        return None
    rank = order.rank(s_map, o_map, len(slo_order))
    if rank is not None and not np.all(rank[1:] > rank[:-1]):  # whole series in another order
        columns = [t, svc, slo, good, total]
        del t, svc, slo, good, total
        t, svc, slo, good, total = _move_runs(columns, np.asarray(order.starts), rank)
    elif rank is None:
        sorted_rows = _sort_rows(t, svc, slo, good, total, s_map, o_map, len(slo_order))
        if sorted_rows is None:
            return None
        t, svc, slo, good, total = sorted_rows
    svc_cat, slo_cat = pd.CategoricalDtype(services), pd.CategoricalDtype(slo_order)
    s_codes = s_map.astype(_code_dtype(svc_cat))[svc]
    del svc
    o_codes = o_map.astype(_code_dtype(slo_cat))[slo]
    del slo
    ts_col = pd.Series(t.view("datetime64[us]"), dtype="datetime64[us, UTC]", copy=False)
    del t
    out = pd.DataFrame({
        "timestamp": ts_col,
        "service": pd.Categorical.from_codes(s_codes, dtype=svc_cat),
        "slo": pd.Categorical.from_codes(o_codes, dtype=slo_cat),
        "good": good,
        "total": total,
    }, copy=False)
    return out if catalog is None else _give_objectives_their_series(out, catalog, Path(path))


def _move_runs(columns: list[np.ndarray], starts: np.ndarray, rank: np.ndarray) -> list[np.ndarray]:
    """Put runs of rows (starting at ``starts``) in the order of ``rank``, one column at a time."""
    stops = np.append(starts[1:], len(columns[0]))
    out = []
    for i in range(len(columns)):
        col, moved, at = columns[i], np.empty_like(columns[i]), 0
        for k in np.argsort(rank, kind="stable"):
            a, b = int(starts[k]), int(stops[k])
            moved[at:at + b - a] = col[a:b]
            at += b - a
        columns[i] = None  # the unsorted column goes before the next is copied
        out.append(moved)
    return out


def _code_dtype(dtype: pd.CategoricalDtype) -> np.dtype:
    """Return the integer type pandas keeps the codes of a categorical of ``dtype`` in."""
    return pd.Categorical.from_codes(np.zeros(0, dtype=np.int64), dtype=dtype).codes.dtype


def _sort_rows(t: np.ndarray, svc: np.ndarray, slo: np.ndarray, good: np.ndarray, total: np.ndarray,
               s_map: np.ndarray, o_map: np.ndarray, n_slo: int) -> tuple[np.ndarray, ...] | None:
    """Rows sorted by series (category order) then time, stable; None when a bucket appears twice."""
    wide = np.int64 if len(s_map) * max(n_slo, 1) >= 2**31 else np.int32
    group = s_map.astype(wide)[svc] * wide(n_slo) + o_map.astype(wide)[slo]
    perm = np.lexsort((t, group))
    group = group[perm]
    t = t[perm]
    if ((group[1:] == group[:-1]) & (t[1:] == t[:-1])).any():
        return None
    del group
    return t, svc[perm], slo[perm], good[perm], total[perm]


def _read_sli_streamed(path: Path, *, tz: str | None, catalog: Catalog | None) -> pd.DataFrame | None:
    """Read a Parquet SLI file batch by batch (only its five columns); None to leave it to the full reader.

    Files this reader leaves to :func:`_sli_frame`: CSV, folders, text timestamps (one convention per
    column is checked on the whole column), decimal counts, a table whose pandas index holds one of the
    columns, and every file with a problem (the full reader names the first bad row).
    """
    if path.suffix.lower() not in (".parquet", ".pq") or not path.is_file():
        return None
    try:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path, read_dictionary=["service", "slo"])
        schema = pf.schema_arrow
        index = (schema.pandas_metadata or {}).get("index_columns", [])
        if not set(SLI_COLUMNS) <= set(schema.names) or any(c in SLI_COLUMNS for c in index
                                                             if isinstance(c, str)):
            return None
        batches = pf.iter_batches(batch_size=_BATCH_ROWS, columns=SLI_COLUMNS)
        return _sli_from_batches(batches, pf.metadata.num_rows, path=path, tz=tz, catalog=catalog)
    except Exception:  # whatever it is, the full reader reports it with the row
        return None


# ------------------------------------------------------------------------------- tables by groups of services

#: rows per group when a table is read by groups of services (about 270 MiB as :func:`read_sli` returns it)
GROUP_ROWS = 10_000_000


@dataclass(frozen=True)
class SliGroups:
    """An SLI table on disk, cut into groups of whole services that are read one at a time.

    Iterating yields each group's frame as :func:`read_sli` returns the whole table, restricted to the
    group's services (same columns, dtypes and categories, sorted the same way): concatenated in order, the
    frames are ``read_sli(path)`` (``read_sli(path)[read_sli(path)["service"].isin(services)]`` when built
    with ``services=``). Built by :func:`iter_sli_groups`.

    Attributes
    ----------
    source : str
        The table as messages name it: its path, or ``"dataset"``.
    dataset : pyarrow.dataset.Dataset
        The table.
    groups : list of list of str
        The services of each group, in the order of :func:`read_sli`'s result.
    rows : list of int
        Rows of each group.
    spans : dict
        ``service -> (first, last)`` bucket start of its rows, int64 microseconds since the epoch (UTC).
    categories : tuple of two lists
        Categories of ``service`` and ``slo`` in :func:`read_sli`'s result for the whole table.
    tz, catalog
        As given to :func:`read_sli` for each group.
    """

    source: str
    dataset: Any = dc_field(repr=False)
    groups: list[list[str]]
    rows: list[int]
    spans: dict[str, tuple[int, int]] = dc_field(repr=False)
    categories: tuple[list[str], list[str]] = dc_field(repr=False)
    tz: str | None = None
    catalog: Catalog | None = dc_field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        for i in range(len(self.groups)):
            yield self.read(i)

    def read(self, i: int) -> pd.DataFrame:
        """Read group ``i``, validated as :func:`read_sli` validates a file.

        Raises
        ------
        DataError
            As :func:`read_sli`; the message names the group's services and the row among their rows.
        """
        import pyarrow.compute as pc

        services = self.groups[i]
        where = pc.field("service").isin(services)
        label = f"{self.source}, rows of {', '.join(map(repr, services))}"
        batches = self.dataset.to_batches(columns=SLI_COLUMNS, filter=where, batch_size=_BATCH_ROWS)
        frame = _sli_from_batches(batches, self.rows[i], path=label, tz=self.tz, catalog=self.catalog,
                                  categories=self.categories)
        if frame is None:  # a problem in the group: the full checks name it (on the group's rows only)
            raw = self.dataset.to_table(columns=SLI_COLUMNS, filter=where).to_pandas()
            frame = _sli_frame(raw, path=Path(label), tz=self.tz, catalog=self.catalog)
            frame = frame.astype({"service": pd.CategoricalDtype(self.categories[0]),
                                  "slo": pd.CategoricalDtype(self.categories[1])})
        return frame

    def empty(self) -> pd.DataFrame:
        """Return a frame without rows, with the columns and dtypes of the groups' frames."""
        return pd.DataFrame({
            "timestamp": pd.Series([], dtype="datetime64[us, UTC]"),
            "service": pd.Categorical([], categories=self.categories[0]),
            "slo": pd.Categorical([], categories=self.categories[1]),
            "good": np.array([], dtype=np.int64),
            "total": np.array([], dtype=np.int64),
        })

    def span(self, services: Sequence[str] | None = None) -> tuple[int, int]:
        """First and last bucket start (int64 microseconds, UTC) of the rows of ``services`` (default all)."""
        spans = [self.spans[s] for s in (self.spans if services is None else services) if s in self.spans]
        return min(a for a, _ in spans), max(b for _, b in spans)

    def frames(self, *, services: Sequence[str] | None = None, progress_bar: bool = False,
               desc: str = "SLI groups") -> Iterator[tuple[pd.DataFrame, int]]:
        """Yield each group's frame on the time span of the whole table, and the rows added to span it.

        A group whose rows start later or end earlier than those of ``services`` (default: all) gets a
        bucket with no events (``good = total = 0``) of its first series at the first or last bucket
        start, appended as its last rows, so that a calculation laying series on a time grid lays the
        group on the grid of the whole table; drop the returned number of rows from the end of a
        row-for-row result. ``progress_bar`` shows a tqdm bar over the groups on stderr, only on a
        terminal (as :func:`~slm_analytics.review.runner.run_reviews` does).
        """
        start, end = self.span(services)
        groups: Iterator[pd.DataFrame] = iter(self)
        if progress_bar:
            from tqdm.auto import tqdm

            groups = tqdm(groups, total=len(self), desc=desc, unit="group", file=sys.stderr, disable=None,
                          leave=False)
        for frame in groups:
            t = frame["timestamp"].array.asi8
            add = [x for x in (start, end) if x < t.min() or x > t.max()]
            if add:
                pad = frame.iloc[[0] * len(add)].reset_index(drop=True)
                stamps = np.array(add, dtype="datetime64[us]")
                pad["timestamp"] = pd.Series(stamps, dtype=frame["timestamp"].dtype)
                pad["good"] = np.int64(0)
                pad["total"] = np.int64(0)
                frame = pd.concat([frame, pad], ignore_index=True)
            yield frame, len(add)


def iter_sli_groups(source: str | os.PathLike | Any, *, tz: str | None = None, catalog: Catalog | None = None,
                    services: Sequence[str] | None = None, max_rows: int = GROUP_ROWS) -> SliGroups:
    """Cut an SLI table on disk into groups of whole services that fit in memory, to read one at a time.

    One pass over the ``timestamp``, ``service`` and ``slo`` columns counts each service's rows and
    finds its time span; the groups are then read one by one (with a filter on ``service``, by
    :meth:`SliGroups.read`), each validated as :func:`read_sli` validates a file. The analyses that accept a
    path (:func:`~slm_analytics.budget.rolling_compliance`, :func:`~slm_analytics.budget.burn_rate_alerts`,
    :func:`~slm_analytics.review.fleet_monthly_attainment`...) work through a table this way.

    Parameters
    ----------
    source : str, Path or pyarrow.dataset.Dataset
        A Parquet file, a folder of Parquet files, or a dataset, with columns ``timestamp, service, slo,
        good, total``.
    tz, catalog
        As for :func:`read_sli`.
    services : sequence of str, optional
        Only these services (default: every service of the table).
    max_rows : int
        Rows per group at most, unless one service has more (a group holds at least one service).

    Returns
    -------
    SliGroups
        Iterable: one frame per group.

    Raises
    ------
    DataError
        Not a Parquet file or dataset (a CSV file: read it whole with :func:`read_sli`), a missing column,
        empty names, timestamps stored as text; and, when a group is read, what :func:`read_sli` refuses.

    Examples
    --------
    >>> groups = iter_sli_groups(dataset_path("sli_5min"), max_rows=1_000_000)
    >>> len(groups), groups.groups[0], groups.rows[0]
    (4, ['catalog', 'checkout', 'data-pipeline', 'email'], 946080)
    >>> sum(len(frame) for frame in groups) == len(read_sli(dataset_path("sli_5min")))
    True
    """
    dataset, label = _sli_dataset(source)
    require_columns(pd.DataFrame(columns=dataset.schema.names), SLI_COLUMNS, label, expected=SLI_COLUMNS)
    if not isinstance(max_rows, (int, np.integer)) or max_rows < 1:
        msg = f"max_rows {max_rows!r}: expected a positive number of rows"
        raise ParameterError(msg)
    rows, spans, slo_names = _scan_sli(dataset, label=label, tz=tz)
    categories = _sli_categories(list(rows), slo_names, catalog)
    order = [s for s in categories[0] if s in rows] + [s for s in rows if s not in categories[0]]
    if services is not None:
        wanted = set(services)
        order = [s for s in order if s in wanted]
    groups: list[list[str]] = []
    sizes: list[int] = []
    for s in order:
        if groups and sizes[-1] + rows[s] <= max_rows:
            groups[-1].append(s)
            sizes[-1] += rows[s]
        else:
            groups.append([s])
            sizes.append(rows[s])
    return SliGroups(label, dataset, groups, sizes, spans, categories, tz, catalog)


def _sli_dataset(source: Any) -> tuple[Any, str]:
    """Return the pyarrow dataset of a Parquet path or dataset, and how messages name it."""
    import pyarrow.dataset as ds

    if isinstance(source, ds.Dataset):
        return source, "dataset"
    if not isinstance(source, (str, os.PathLike)):
        msg = (f"expected a Parquet file, a folder of Parquet files or a pyarrow dataset, not "
               f"{type(source).__name__}")
        raise ParameterError(msg)
    path = Path(source)
    if not path.exists():
        msg = f"{path}: file not found"
        raise DataError(msg)
    if _is_csv(path):
        msg = (f"{path}: reading a table by groups of services needs Parquet (a file or a folder of files); "
               "read a CSV file whole with read_sli, or convert it to Parquet")
        raise DataError(msg)
    try:
        return ds.dataset(path, format="parquet"), str(path)
    except Exception as exc:  # not Parquet, unreadable
        msg = f"{path}: cannot read as parquet: {exc}"
        raise DataError(msg) from exc


def _scan_sli(dataset: Any, *, label: str, tz: str | None
              ) -> tuple[dict[str, int], dict[str, tuple[int, int]], list[str]]:
    """Rows and ``(first, last)`` bucket start of each service, and the SLO names, in one pass."""
    svc_ids: dict[str, int] = {}
    slo_ids: dict[str, int] = {}
    counts = np.zeros(0, dtype=np.int64)
    lo = np.zeros(0, dtype=np.int64)
    hi = np.zeros(0, dtype=np.int64)
    offset = 0
    for batch in dataset.to_batches(columns=["timestamp", "service", "slo"], batch_size=_BATCH_ROWS):
        m = batch.num_rows
        where = f"{label}, rows {offset + 1} to {offset + m}"
        t = _batch_times(batch.column("timestamp"), path=where, tz=tz)
        s = _batch_names(batch.column("service"), svc_ids)
        o = _batch_names(batch.column("slo"), slo_ids)
        if t is None or s is None or o is None:
            _sli_frame(batch.to_pandas(), path=Path(where), tz=tz, catalog=None)  # names the bad row
            msg = (f"{label}: column 'timestamp' holds {batch.column('timestamp').type} values; reading by "
                   "groups of services needs Parquet timestamps (read the file whole with read_sli)")
            raise DataError(msg)
        if len(svc_ids) > len(counts):
            grow = len(svc_ids) - len(counts)
            counts = np.append(counts, np.zeros(grow, dtype=np.int64))
            lo = np.append(lo, np.full(grow, np.iinfo(np.int64).max))
            hi = np.append(hi, np.full(grow, np.iinfo(np.int64).min))
        counts += np.bincount(s, minlength=len(counts))
        np.minimum.at(lo, s, t)
        np.maximum.at(hi, s, t)
        offset += m
    names = list(svc_ids)
    return ({n: int(counts[i]) for i, n in enumerate(names)},
            {n: (int(lo[i]), int(hi[i])) for i, n in enumerate(names)}, list(slo_ids))


def _interval_frame(
    path: Path, raw: pd.DataFrame, *, start: str, end: str, tz: str | None, allow_open_end: bool
) -> tuple[pd.Series, pd.Series]:
    s = _timestamps(raw[start], path=path, column=start, tz=tz)
    e = _timestamps(raw[end], path=path, column=end, tz=tz, allow_missing=allow_open_end)
    before = (e < s).to_numpy() & e.notna().to_numpy()
    _fail(path, before, end, f"is before {start!r}; an interval ends after it starts", raw[end])
    return s, e


def read_status_windows(path: str | Path) -> pd.DataFrame:
    """Read status-page downtime windows (``incident_id, component, downtime_start, downtime_end, impact``).

    The layout of ``datasets/real/github-status/downtime_2022_2023.csv`` (one row per incident and affected
    component), read as incident records so that :func:`~slm_analytics.incidents_to_sli` and
    :func:`~slm_analytics.availability_from_incidents` take it as it is.

    Parameters
    ----------
    path : str or Path
        CSV or Parquet file with those columns and optionally ``title``; times with a UTC offset.

    Returns
    -------
    DataFrame
        ``id`` (``"<incident_id>/<component>"``, unique), ``incident_id``, ``service`` (the component;
        missing when the incident named none), ``severity`` (the impact), ``started_at``, ``resolved_at``
        (``datetime64[us, UTC]``) and ``title``, sorted by start.

    Raises
    ------
    DataError
        A missing column, an unparsable or naive time, a window ending before it starts, or one incident
        listing a component twice; the message names the file, the row and line, and the column.

    Examples
    --------
    >>> windows = read_dataset("github_status")
    >>> len(windows), windows["service"].nunique()
    (444, 11)
    >>> sorted(windows["severity"].unique())
    ['critical', 'maintenance', 'major', 'minor', 'none']
    """
    path, frame = _load_table(path, ["incident_id", "component", "downtime_start", "downtime_end", "impact"],
                              ("title",))
    start = _timestamps(frame["downtime_start"], path=path, column="downtime_start", tz=None)
    end = _timestamps(frame["downtime_end"], path=path, column="downtime_end", tz=None)
    _fail(path, (end < start).to_numpy(), "downtime_end",
          "is before downtime_start; a downtime window ends at or after it starts", frame["downtime_end"])
    component = frame["component"].astype("str").where(frame["component"].notna())
    ids = frame["incident_id"].astype("str") + "/" + component.fillna("")
    _fail(path, ids.duplicated().to_numpy(), "component",
          "is listed twice for one incident; each (incident, component) is one row", frame["component"])
    title = frame["title"].astype("str") if "title" in frame.columns else pd.Series("", index=frame.index)
    out = pd.DataFrame({
        "id": ids, "incident_id": frame["incident_id"].astype("str"), "service": component,
        "severity": frame["impact"].astype("str"), "started_at": start, "resolved_at": end, "title": title,
    })
    return out.sort_values("started_at", kind="stable").reset_index(drop=True)


def github_status_slos(target: float = 0.995, *, freq: str = "1D",
                       end: str = "2024-01-01T00:00Z") -> tuple[pd.DataFrame, Catalog]:
    """Return GitHub's real status history as SLIs with a calendar-month SLO per component.

    The bundled ``github_status`` windows, outages only (``maintenance`` and ``none`` impacts left out, and
    the records naming no component), turned into a time-based availability SLI per component by
    :func:`~slm_analytics.incidents_to_sli` from 2022-03-24 to ``end``, with a catalog holding one service
    per component (its name as an identifier: ``git-operations``), time zone UTC, and one SLO
    ``availability`` at ``target`` over the calendar month: the real-data backtest of the breach forecasts.

    Parameters
    ----------
    target : float
        The SLO's target (0.995 by default: 3.6 hours of downtime a 30-day month).
    freq : str
        Bucket width of the SLI (``"1D"``: daily seconds, what the forecasts read).
    end : str
        End of the SLI (exclusive); the data ends 2023-12-31.

    Returns
    -------
    sli : DataFrame
        ``timestamp, service, slo, good, total`` in seconds.
    catalog : Catalog

    Examples
    --------
    >>> sli, catalog = github_status_slos()
    >>> len(catalog.services), sorted(sli["service"].unique())[:3]
    (11, ['actions', 'api-requests', 'codespaces'])
    """
    from .availability import incidents_to_sli
    from .catalog import SLO, Catalog, Service

    windows = read_dataset("github_status")
    outages = windows[windows["service"].notna() & ~windows["severity"].isin(["maintenance", "none"])].copy()
    outages["service"] = [re.sub(r"[^a-z0-9]+", "-", str(n).lower()).strip("-") for n in outages["service"]]
    sli = incidents_to_sli(outages, start="2022-03-24T00:00Z", end=end, freq=freq)
    names = sorted(sli["service"].unique())
    catalog = Catalog(
        services=[Service(name=n, owner="github", tier=1, users=1, business_weight=1, timezone="UTC")
                  for n in names],
        slos=[SLO(service=n, name="availability", indicator={"kind": "ratio", "good": "g", "total": "t"},
                  target=target, window="month") for n in names])
    return sli, catalog


def read_incidents(
    path: str | Path, *, tz: str | None = None, catalog: Catalog | None = None
) -> pd.DataFrame:
    r"""Read incident records from CSV or Parquet.

    Parameters
    ----------
    path : str or Path
        File with columns ``started_at, resolved_at`` and optionally ``id, service, slo, severity, cause,
        detected_at, title``. An empty ``resolved_at`` marks an ongoing incident. Without ``id``, each
        incident is named ``row-N`` after its data row (``N`` as in the messages: 1 is the first row after
        the header, whatever blank lines the file holds). Without ``service``, the file is one service's
        incidents (pass ``by=()`` to :func:`~slm_analytics.availability.availability_from_incidents`).
    tz : str, optional
        Time zone of naive timestamps.
    catalog : Catalog, optional
        When given, services and SLOs must be defined in it (so a ``service`` column is required).

    Returns
    -------
    DataFrame
        Sorted by ``started_at``; columns ``id, service, slo, severity, cause, started_at, detected_at,
        resolved_at, title`` (times ``datetime64[us, UTC]``, ``resolved_at``/``detected_at`` ``NaT`` when
        unknown), plus ``ongoing`` (bool). ``service`` is left out when the file has none: the records
        are then of one service, unnamed, rather than of a made-up one.

    Raises
    ------
    DataError
        Missing column, unparsable timestamp, ``resolved_at`` or ``detected_at`` before ``started_at``,
        severity other than P1-P4, an id given on two rows, unknown service or SLO.

    Examples
    --------
    >>> inc = read_dataset("incidents")
    >>> inc.columns.tolist()[:6]
    ['id', 'service', 'slo', 'severity', 'cause', 'started_at']
    >>> bool((inc["resolved_at"] >= inc["started_at"]).all())
    True

    One service's outages, without ids or a service:

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "outages.csv"
    >>> _ = f.write_text("started_at,resolved_at\n"
    ...                  "2026-01-05T10:00Z,2026-01-05T10:30Z\n"
    ...                  "2026-01-02T08:00Z,2026-01-02T08:20Z\n")
    >>> read_incidents(f)[["id", "started_at", "resolved_at"]]
          id                started_at               resolved_at
    0  row-2 2026-01-02 08:00:00+00:00 2026-01-02 08:20:00+00:00
    1  row-1 2026-01-05 10:00:00+00:00 2026-01-05 10:30:00+00:00
    """
    optional = ("id", "service", "slo", "severity", "cause", "detected_at", "title")
    required = ["started_at", "resolved_at"] + (["service"] if catalog is not None else [])
    layout = ["id", "service", "started_at", "resolved_at", *optional[2:]]
    path, raw = _load_table(path, required, layout=layout)
    has_service = "service" in raw.columns
    for c in optional:
        if c not in raw.columns:
            raw[c] = pd.Series([f"row-{i + 1}" for i in range(len(raw))], dtype="str") if c == "id" else pd.NA
    started, resolved = _interval_frame(path, raw, start="started_at", end="resolved_at", tz=tz,
                                        allow_open_end=True)
    detected = _timestamps(raw["detected_at"], path=path, column="detected_at", tz=tz, allow_missing=True)
    _fail(path, (detected < started).to_numpy() & detected.notna().to_numpy(), "detected_at",
          "is before 'started_at'; an incident is detected after it starts", raw["detected_at"])
    sev = raw["severity"].astype("str")
    bad_sev = raw["severity"].notna().to_numpy() & ~sev.isin(["P1", "P2", "P3", "P4"]).to_numpy()
    _fail(path, bad_sev, "severity", "is not a severity; expected P1, P2, P3 or P4", raw["severity"])
    ids = _names(raw["id"], path=path, column="id")
    # a repeated record would count the incident (and its downtime) twice
    _unique_ids(ids, path=path, shown=raw["id"], what="each incident is recorded once (merge the rows, or "
                "give each incident its own id)")
    out = pd.DataFrame({
        "id": ids,
        "service": _names(raw["service"], path=path, column="service") if has_service else None,
        "slo": raw["slo"].astype("str"),
        "severity": raw["severity"].astype("str"),
        "cause": raw["cause"].astype("str"),
        "started_at": started,
        "detected_at": detected,
        "resolved_at": resolved,
        "title": raw["title"].astype("str"),
        "ongoing": resolved.isna().to_numpy(),
    })
    if has_service:
        _check_known(out, path=path, catalog=catalog, slo_col="slo")
    else:
        out = out.drop(columns="service")
    return out.sort_values("started_at", kind="stable").reset_index(drop=True)


def read_maintenance(
    path: str | Path, *, tz: str | None = None, catalog: Catalog | None = None, start: Any = None,
    end: Any = None
) -> pd.DataFrame:
    r"""Read planned maintenance windows from CSV or Parquet, one-off or recurring.

    File format: one window per row, or one recurring window per row ("every Sunday 02:00-03:00
    Europe/London"), which is expanded to its occurrences.

    ============  ==========================================  ============================================
    column        one-off row                                 recurring row (``rrule`` filled)
    ============  ==========================================  ============================================
    ``service``   the service (required)                      the service (required)
    ``start``     window start (required)                     first occurrence's start (RFC 5545 DTSTART);
                                                              naive: wall-clock time in the row's zone
    ``end``       window end (required)                       when the recurrence stops (RFC 5545 UNTIL:
                                                              the last occurrence starts at or before it);
                                                              empty: the rule's COUNT/UNTIL, or never
    ``reason``    what was done (optional column)             the same
    ``rrule``     empty                                       RFC 5545 rule, e.g. ``FREQ=WEEKLY;BYDAY=SU``
    ``duration``  empty                                       length, ``1h``, ``90m`` (elapsed time)
    ``timezone``  empty                                       IANA zone the rule recurs in; empty: ``tz``,
                                                              else the catalog service's time zone
    ============  ==========================================  ============================================

    ``rrule``, ``duration`` and ``timezone`` are optional columns; with ``rrule`` present, ``end`` is
    optional too. A rule may carry its own ``DTSTART`` line (``start`` is then empty or the same time),
    ``COUNT`` or ``UNTIL`` (``end`` is then empty), and ``EXDATE`` lines to skip occurrences; lines are
    separated by spaces or newlines, as python-dateutil's ``rrulestr`` reads them.

    Parameters
    ----------
    path : str or Path
        The file.
    tz : str, optional
        Time zone of naive timestamps of one-off rows, and the time zone of recurring rows whose
        ``timezone`` is empty.
    catalog : Catalog, optional
        When given, services must be defined in it; a recurring row without ``timezone`` (and no ``tz``)
        recurs in its service's time zone.
    start, end : Timestamp or str, optional
        Timezone-aware period over which recurring rows are expanded (their occurrences overlapping
        ``[start, end)``, whole). Required when a recurring row never ends; without it a rule that ends is
        expanded in full. One-off rows are returned whatever the period.

    Returns
    -------
    DataFrame
        Sorted by ``start``; columns ``service, start, end, reason`` (times ``datetime64[us, UTC]``): plain
        windows, each occurrence of a recurring row being one window, ready for
        :func:`~slm_analytics.windows.exclusion_mask` and the ``exclusions=`` of the SLA and availability
        functions.

    Raises
    ------
    DataError
        Missing column, unparsable or missing timestamp, ``end`` before ``start``, unknown service; on a
        recurring row: a rule dateutil cannot read, a ``DTSTART`` differing from ``start``, both ``end``
        and ``COUNT``/``UNTIL``, an ``end`` before the first occurrence, a rule without occurrences,
        occurrences that overlap, a missing or invalid ``duration`` or ``timezone``, a rule that never ends
        while no period is given; ``duration`` or ``timezone`` on a one-off row. The message names the
        file, row, line and column and quotes the value.
    ParameterError
        Only one of ``start``/``end``, or naive ones.

    Notes
    -----
    Occurrences recur in local wall-clock time (02:00 every Sunday stays 02:00 in the row's zone across
    daylight-saving changes) and last ``duration`` of elapsed time. A start that does not exist locally
    (clocks going forward) is shifted forward to the first valid instant; one that occurs twice (clocks
    going back) is taken at its first occurrence. See :func:`~slm_analytics.windows.parse_recurrence`.

    Examples
    --------
    >>> m = read_dataset("maintenance")
    >>> m.iloc[0][["service", "start", "end"]].tolist()
    [..., Timestamp('2025-11-...', tz='UTC'), Timestamp('2025-11-...', tz='UTC')]

    Every Sunday 02:00-03:00 London time, listed for the fortnight the clocks go back:

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "maintenance.csv"
    >>> _ = f.write_text("service,start,end,reason,rrule,duration,timezone\n"
    ...                  "payments,2026-01-04 02:00,,patching,FREQ=WEEKLY;BYDAY=SU,1h,Europe/London\n")
    >>> read_maintenance(f, start="2026-10-19T00:00Z", end="2026-11-02T00:00Z")
        service                     start                       end    reason
    0  payments 2026-10-25 02:00:00+00:00 2026-10-25 03:00:00+00:00  patching
    1  payments 2026-11-01 02:00:00+00:00 2026-11-01 03:00:00+00:00  patching
    """
    if (start is None) != (end is None):
        msg = (f"give both start and end (the period to expand recurring windows over) or neither; got "
               f"start={start!r}, end={end!r}")
        raise ParameterError(msg)
    span = None if start is None else (as_utc(start, "start"), as_utc(end, "end"))
    optional = ("end", "reason", "rrule", "duration", "timezone")
    path, raw = _load_table(path, ["service", "start"], optional)
    if "end" not in raw.columns and "rrule" not in raw.columns:  # 'end' is optional for recurring rows only
        require_columns(raw, ["service", "start", "end"], str(path), expected=["service", "start", *optional])
    reason = raw["reason"].astype("str") if "reason" in raw.columns else pd.Series("", index=raw.index)
    for c in optional:
        if c not in raw.columns:
            raw[c] = pd.NA
    recurring = raw["rrule"].map(lambda v: isinstance(v, str) and v.strip() != "").to_numpy(dtype=bool)
    one = ~recurring
    times = {}
    for c in ("start", "end"):  # on one-off rows, as every interval reader: required, parsed
        _fail(path, raw[c].isna().to_numpy() & one, c, "is empty; a timestamp is required")
        times[c] = _timestamps(raw[c].where(one), path=path, column=c, tz=tz, allow_missing=True)
    s, e = times["start"], times["end"]
    _fail(path, (e < s).to_numpy() & one, "end", "is before 'start'; an interval ends after it starts",
          raw["end"])
    services = _names(raw["service"], path=path, column="service")
    _check_known(pd.DataFrame({"service": services}), path=path, catalog=catalog)
    for c in ("duration", "timezone"):
        _fail(path, raw[c].notna().to_numpy() & one, c, "is set on a row without 'rrule'; 'duration' and "
              "'timezone' describe recurring windows (a one-off window has an 'end'; naive times of one-off "
              "rows are read in tz=)", raw[c])
    out = pd.DataFrame({"service": services, "start": s, "end": e, "reason": reason})
    if recurring.any():
        frames = _recurring_maintenance(path, raw, recurring, services=services, reason=reason, tz=tz,
                                        catalog=catalog, span=span)
        out = pd.concat([out[one], *frames], ignore_index=True)
    return out.sort_values("start", kind="stable").reset_index(drop=True)


def _recurring_maintenance(
    path: Path, raw: pd.DataFrame, recurring: np.ndarray, *, services: pd.Series, reason: pd.Series,
    tz: str | None, catalog: Catalog | None, span: tuple[pd.Timestamp, pd.Timestamp] | None
) -> list[pd.DataFrame]:
    """Expand the recurring rows of a maintenance file (see :func:`read_maintenance`) to their windows."""
    from ._checks import check_tz
    from ._checks import duration as as_duration
    from .windows import parse_recurrence

    zones = {} if catalog is None else {s.name: s.timezone for s in catalog.services}
    frames = []
    for i in np.flatnonzero(recurring):
        row = np.arange(len(raw)) == i

        def fail(column: str, problem: str, shown: bool = True, row: np.ndarray = row) -> None:
            _fail(path, row, column, problem, raw[column] if shown else None)

        def cell(column: str, i: int = i) -> Any:
            value = raw[column].iloc[i]
            return None if pd.isna(value) or (isinstance(value, str) and not value.strip()) else value

        rule = raw["rrule"].iloc[i].strip()
        zone = cell("timezone") or tz or zones.get(services.iloc[i])
        if zone is None:
            fail("timezone", "is empty; a recurring window needs the time zone its wall-clock times recur "
                 "in (e.g. 'Europe/London'): fill 'timezone', or pass tz= or catalog= (the service's zone)",
                 False)
        try:
            check_tz(str(zone).strip())
        except ParameterError:
            fail("timezone", "is not a known time zone; expected an IANA name such as 'Europe/London' or "
                 "'America/New_York'")
        if cell("duration") is None:
            fail("duration", "is empty; a recurring window needs its length, such as '1h' or '90m'", False)
        try:
            length = as_duration(cell("duration"), "duration")
        except ParameterError as exc:
            hint = str(exc).partition("did you mean ")[2]
            fail("duration", "is not a duration; expected '<n><unit>' with unit s, m, h, d or w, such as "
                 "'1h' or '90m'" + (f"; did you mean {hint}" if hint else ""))
        times = {}
        for c, what in (("start", "the first occurrence's start"), ("end", "when the recurrence stops")):
            try:
                times[c] = None if cell(c) is None else pd.Timestamp(cell(c))
            except (TypeError, ValueError):
                fail(c, f"is not a timestamp; expected ISO 8601 such as '2026-01-04T02:00' ({what}; naive: "
                     "wall-clock time in the row's time zone)")
        if times["start"] is None and "DTSTART" not in rule.upper():
            fail("start", "is empty; a recurring row needs its first occurrence's start (or a DTSTART line "
                 "in 'rrule')", False)
        try:
            rec = parse_recurrence(rule, duration=length, tz=str(zone).strip(), dtstart=times["start"])
        except ParameterError as exc:
            fail("rrule", str(exc), False)
        if times["end"] is not None and rec.ends:
            fail("end", "is given while the rule ends by itself (COUNT or UNTIL); give the end of the "
                 "recurrence once: empty 'end', or drop COUNT/UNTIL from 'rrule'")
        if times["end"] is not None:
            try:
                rec.until(times["end"])
            except ParameterError:
                fail("end", f"is before the first occurrence, which starts {rec.first:%Y-%m-%d %H:%M} UTC; "
                     "the recurrence would never happen")
        elif not rec.ends and span is None:
            fail("rrule", "never ends (no COUNT or UNTIL, and 'end' is empty) and no period was given to "
                 "list it over: pass start= and end= to read_maintenance, fill 'end' (when the recurrence "
                 "stops), or add UNTIL= or COUNT= to the rule")
        try:
            got = rec.windows(*(span or (None, None)), until=times["end"])
        except ParameterError as exc:
            fail("rrule", str(exc), False)
        got.insert(0, "service", services.iloc[i])
        got["reason"] = reason.iloc[i]
        frames.append(got)
    return frames


def _scores(values: pd.Series, *, path: Path, column: str, lo: float, hi: float, integer: bool) -> pd.Series:
    num = pd.to_numeric(values, errors="coerce")
    kind = "an integer" if integer else "a number"
    _fail(path, values.isna().to_numpy(), column, f"is empty; expected {kind} from {lo:g} to {hi:g}")
    _fail(path, num.isna().to_numpy(), column, f"is not {kind} from {lo:g} to {hi:g}", values)
    f = num.to_numpy(dtype=float)
    if integer:
        _fail(path, f != np.round(f), column, f"is not an integer; expected an integer from {lo:g} to {hi:g}",
              values)
    _fail(path, (f < lo) | (f > hi), column,
          f"is outside {lo:g}-{hi:g}; expected {kind} from {lo:g} to {hi:g}", values)
    return pd.Series(f.astype(np.int64) if integer else f, index=values.index)


def _share_or_empty(values: pd.Series, *, path: Path, column: str) -> pd.Series:
    """Read an optional share strictly between 0 and 1 per row (empty cells are NaN)."""
    num = pd.to_numeric(values, errors="coerce").astype(float)
    how = ("expected the share that must meet the requirement, strictly between 0 and 1 (write 99.9 % as "
           "0.999), or an empty cell when the level is not a measurable share")
    _fail(path, (num.isna() & values.notna()).to_numpy(), column, f"is not a number; {how}", values)
    f = num.to_numpy()
    _fail(path, ~np.isnan(f) & ~((f > 0) & (f < 1)), column, f"is outside (0, 1); {how}", values)
    return num


def _positive_or_empty(values: pd.Series, *, path: Path, column: str, how: str) -> pd.Series:
    """Read an optional positive, finite number per row (empty cells are NaN)."""
    num = pd.to_numeric(values, errors="coerce").astype(float)
    _fail(path, (num.isna() & values.notna()).to_numpy(), column, f"is not a number; {how}", values)
    f = num.to_numpy()
    _fail(path, ~np.isnan(f) & ~(np.isfinite(f) & (f > 0)), column, f"is not a positive number; {how}",
          values)
    return num


def read_requirements(path: str | Path, *, catalog: Catalog | None = None) -> pd.DataFrame:
    """Read users' service requirements from CSV or Parquet.

    Parameters
    ----------
    path : str or Path
        File with columns ``id, service, requirement, user_segment, importance, satisfaction`` and
        optionally ``respondents, required_level_text, required_target, threshold_ms, linked_slo``
        (``required_level``, the earlier name of ``required_level_text``, is read as it).
    catalog : Catalog, optional
        When given, services and linked SLOs must be defined in it.

    Returns
    -------
    DataFrame
        The same columns, every optional one present except ``respondents`` (only when the file has it):

        * ``id``, ``service``, ``requirement``, ``user_segment`` : str;
        * ``importance`` : int 1-5; ``satisfaction`` : float 1-5 (a mean of the respondents' answers);
        * ``respondents`` : int >= 1;
        * ``required_level_text`` : str, the level in the users' words (``""`` when not given);
        * ``required_target`` : float in (0, 1), the share of events or time slices that must meet the
          requirement; ``NaN`` when the level is not a measurable share;
        * ``threshold_ms`` : float > 0, the latency or lateness limit of a threshold requirement; ``NaN``
          otherwise;
        * ``linked_slo`` : str, the SLO of ``service`` measuring it; ``""`` when none (an *unmeasured*
          requirement: kept, and reported as such by :func:`~slm_analytics.requirements.requirements_gap`).

    Raises
    ------
    DataError
        Naming the file, row (and CSV line) and column: a missing column, an empty id or service, an id
        used twice, importance or satisfaction outside 1-5, respondents not a whole number >= 1,
        ``required_target`` outside (0, 1), ``threshold_ms`` not a positive number, an unknown service or
        linked SLO (with ``catalog``), or both ``required_level`` and ``required_level_text``.

    Examples
    --------
    >>> r = read_dataset("requirements")
    >>> int(r["importance"].max()) <= 5
    True
    >>> r.loc[r["id"].isin(["REQ-002", "REQ-006"]),
    ...       ["required_level_text", "required_target", "threshold_ms", "linked_slo"]]
      required_level_text  required_target  threshold_ms linked_slo
    1   99 % under 500 ms             0.99         500.0    latency
    5       7 days notice              NaN           NaN
    """
    cols = ["id", "service", "requirement", "user_segment", "importance", "satisfaction"]
    optional = ("respondents", "required_level_text", "required_target", "threshold_ms", "linked_slo")
    path, raw = _load_table(path, cols, optional)
    if "required_level" in raw.columns:
        if "required_level_text" in raw.columns:
            msg = (f"{path}: columns 'required_level' and 'required_level_text' are both given; "
                   "'required_level' is the earlier name of 'required_level_text': keep one of them")
            raise DataError(msg)
        raw = raw.rename(columns={"required_level": "required_level_text"})
    out = raw.copy()
    for c in ("id", "service"):
        out[c] = _names(raw[c], path=path, column=c)
    _unique_ids(out["id"], path=path, shown=raw["id"], what="each requirement is one row (merge the rows, "
                "or give each requirement its own id)")
    out["importance"] = _scores(raw["importance"], path=path, column="importance", lo=1, hi=5, integer=True)
    out["satisfaction"] = _scores(raw["satisfaction"], path=path, column="satisfaction", lo=1, hi=5,
                                  integer=False)
    if "respondents" in raw.columns:
        n = _counts(raw["respondents"], path=path, column="respondents")
        _fail(path, n < 1, "respondents", "is not a positive number of people; a mean of survey answers "
              "needs at least 1 respondent", raw["respondents"])
        out["respondents"] = n
    for c in ("required_level_text", "linked_slo"):
        out[c] = raw[c].fillna("").astype("str") if c in raw.columns else ""
    missing = pd.Series(np.nan, index=raw.index, dtype=object)
    out["required_target"] = _share_or_empty(raw.get("required_target", missing), path=path,
                                             column="required_target")
    out["threshold_ms"] = _positive_or_empty(
        raw.get("threshold_ms", missing), path=path, column="threshold_ms",
        how="expected the time limit in milliseconds, such as 500, or an empty cell when none")
    _check_known(out, path=path, catalog=catalog, slo_col="linked_slo")
    order = [*cols, *(c for c in optional if c in out.columns)]
    return out[order + [c for c in out.columns if c not in order]]


#: the SIP register's columns (``datasets/sip_register.csv``), its statuses and its optional columns
SIP_COLUMNS = ("id", "service", "slo", "problem", "action", "owner", "opened", "due", "closed", "status",
               "kpi", "baseline", "target")
SIP_STATUSES = ("open", "in-progress", "done", "cancelled")
SIP_OPTIONAL = ("kpi_measure", "evidence", "priority", "review")
#: ``kpi_measure`` values saying that the KPI is the SLO's own SLI (see :func:`read_sip_register`)
KPI_MEASURES = ("error_rate", "attainment")


def read_sip_register(path: str | Path, *, catalog: Catalog | None = None) -> pd.DataFrame:
    r"""Read the service improvement plan (SIP) register from CSV or Parquet.

    Parameters
    ----------
    path : str or Path
        File with columns ``id, service, slo, problem, action, owner, opened, due, closed, status, kpi,
        baseline, target`` and optionally ``kpi_measure, evidence, priority, review`` (and any columns of
        your own, kept as text).
    catalog : Catalog, optional
        When given, services and SLOs must be defined in it.

    Returns
    -------
    DataFrame
        The file's columns in the file's order; ``opened``, ``due``, ``closed`` and ``review`` as
        ``datetime64[us]`` dates (``closed`` is ``NaT`` while the item is not closed, ``review`` when not
        set), ``baseline``, ``target`` and ``priority`` float; text columns as ``str``, empty cells as
        ``""``. A file with a header and no rows gives an empty
        register with the columns of the header (a plan may start empty); a file without a header is an
        error.

    Raises
    ------
    DataError
        The file is empty (no header); missing column; an empty ``id``, ``service``, ``slo`` or ``status``;
        an ``id`` given twice; unparsable or missing ``opened``/``due`` date; ``due`` or ``closed`` before
        ``opened``; a status other than open, in-progress, done or cancelled; a ``done`` item without
        ``closed``, or an ``open``/``in-progress`` one with it (``cancelled`` items may have either);
        ``baseline``, ``target`` or ``priority`` not a finite number; ``kpi_measure`` other than
        ``error_rate``, ``attainment`` or empty; unknown service or SLO. The message names the file, the row
        (and for CSV the line) and the column, and quotes the value.

    Notes
    -----
    ``kpi_measure`` says whether the KPI is the SLO's own SLI, so that
    :func:`~slm_analytics.sip.sip_effectiveness` can measure it from the SLI data: ``error_rate`` (the
    share of bad events, or bad slices, of the SLO, as ``baseline``/``target`` are written) or
    ``attainment`` (its complement, the SLI). Empty: the KPI is something else (a p99 latency, incidents
    per quarter...), measured outside the workbench.

    Examples
    --------
    >>> sip = read_dataset("sip_register")
    >>> sorted(sip["status"].unique())
    ['cancelled', 'done', 'in-progress', 'open']
    >>> sip.loc[sip["kpi_measure"] != "", ["id", "service", "slo", "closed", "kpi_measure"]]
             id         service           slo     closed kpi_measure
    3   SIP-004      mobile-api       latency 2026-09-08  error_rate
    6   SIP-007          search       latency 2026-08-31  error_rate
    11  SIP-012  support-portal  availability 2026-10-27  error_rate

    A register with a header and no items yet:

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "sip.csv"
    >>> _ = f.write_text("id,service,slo,problem,action,owner,opened,due,closed,status,kpi,baseline,target\n")
    >>> read_sip_register(f).shape
    (0, 13)
    """
    path, raw = _load_table(path, list(SIP_COLUMNS), SIP_OPTIONAL)
    out = raw.copy()
    for c in ("id", "service", "slo", "status"):
        _names(raw[c], path=path, column=c)
    for c in raw.columns:  # text columns (dates and numbers are parsed below)
        if c not in _SIP_PARSED and not pd.api.types.is_numeric_dtype(raw[c].dtype):
            out[c] = raw[c].fillna("").astype("str")
    _sip_ids(out["id"], path=path, shown=raw["id"])
    _sip_dates(raw, out, path=path)
    _sip_numbers(raw, out, path=path)
    if "kpi_measure" in raw.columns:
        _fail(path, ~out["kpi_measure"].isin(["", *KPI_MEASURES]).to_numpy(), "kpi_measure",
              f"is not one of {', '.join(KPI_MEASURES)} or empty (a KPI measured outside the SLI data)",
              raw["kpi_measure"])
    _check_known(out, path=path, catalog=catalog, slo_col="slo")
    return out


_SIP_PARSED = ("opened", "due", "closed", "review", "baseline", "target", "priority")


def _sip_ids(ids: pd.Series, *, path: Path, shown: pd.Series) -> None:
    """Refuse an id given on two rows of a register (merging and reviews address items by id)."""
    repeated = ids.duplicated(keep="first").to_numpy()
    if repeated.any():
        again = ids.iloc[int(np.flatnonzero(repeated)[0])]
        first = int(np.flatnonzero((ids == again).to_numpy())[0])
        earlier = _where(path, first).split(": ", 1)[1]
        _fail(path, repeated, "id", f"is the id of {earlier} too; each SIP item has its own id", shown)


def _sip_dates(raw: pd.DataFrame, out: pd.DataFrame, *, path: Path) -> None:
    """Parse a register's dates into ``out``; check their order and that ``closed`` matches ``status``."""
    for c in ("opened", "due", "closed", "review"):
        if c not in raw.columns:
            continue
        d = pd.to_datetime(raw[c], format="ISO8601", errors="coerce")
        _fail(path, (d.isna() & raw[c].notna()).to_numpy(), c, "is not a date; expected YYYY-MM-DD", raw[c])
        if c in ("opened", "due"):
            _fail(path, d.isna().to_numpy(), c, "is empty; a date is required")
        out[c] = d.dt.as_unit("us")
    order = (("due", "an item is due after it is opened"), ("closed", "an item closes after it opens"))
    for c, what in order:
        before = (out[c] < out["opened"]).to_numpy()
        if before.any():
            opened = out["opened"].iloc[int(np.flatnonzero(before)[0])]
            _fail(path, before, c, f"is before 'opened' ({opened:%Y-%m-%d}); {what}", raw[c])
    status = out["status"]
    _fail(path, ~status.isin(SIP_STATUSES).to_numpy(), "status", f"is not one of {', '.join(SIP_STATUSES)}",
          raw["status"])
    _fail(path, ((status == "done") & out["closed"].isna()).to_numpy(), "closed",
          "is empty on a 'done' item; give the date it was closed (sip_effectiveness compares before and "
          "after it)")
    _fail(path, (status.isin(["open", "in-progress"]) & out["closed"].notna()).to_numpy(), "closed",
          "is set on an item whose status is open or in-progress; empty it, or set status to done or "
          "cancelled", raw["closed"])


def _sip_numbers(raw: pd.DataFrame, out: pd.DataFrame, *, path: Path) -> None:
    """Parse ``baseline``, ``target`` (required) and ``priority`` (optional) as finite floats."""
    for c in ("baseline", "target", "priority"):
        if c not in raw.columns:
            continue
        num = pd.to_numeric(raw[c], errors="coerce").astype(float)
        empty = raw[c].isna().to_numpy() | (raw[c].astype("str").str.strip() == "").to_numpy()
        if c != "priority":
            _fail(path, empty, c, "is empty; expected a number (the KPI's value, in the KPI's unit)")
        _fail(path, num.isna().to_numpy() & ~empty, c, "is not a number", raw[c])
        _fail(path, np.isinf(num.to_numpy()), c, "is not a finite number", raw[c])
        out[c] = num


def write_sip_register(register: pd.DataFrame, path: str | Path) -> Path:
    r"""Write a SIP register to CSV or Parquet, in the format :func:`read_sip_register` reads.

    The register's columns are written in its order; dates (``opened``, ``due``, ``closed``, ``review``)
    as ``YYYY-MM-DD`` in a CSV file, ``NaT`` and missing text as empty cells. Reading the file back gives
    the same register (tested), so the register grows review by review: read, merge
    (:func:`~slm_analytics.sip.merge_register`), write.

    Parameters
    ----------
    register : DataFrame
        A register with at least the columns of ``sip_register.csv`` (see :func:`read_sip_register`).
    path : str or Path
        ``.csv`` or ``.parquet`` file to write (replaced if it exists).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataError
        A missing column, or an unsupported file type.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> sip = read_dataset("sip_register")
    >>> f = write_sip_register(sip, pathlib.Path(tempfile.mkdtemp()) / "sip.csv")
    >>> read_sip_register(f).equals(sip)
    True
    >>> f.read_text().splitlines()[4]
    'SIP-004,mobile-api,latency,Release 5.2 made order history slow,...,2026-08-15,2026-09-08,done,...'
    """
    path = Path(path)
    require_columns(register, SIP_COLUMNS, "write_sip_register: register", expected=[*SIP_COLUMNS,
                                                                                     *SIP_OPTIONAL])
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        msg = f"{path}: unsupported file type {path.suffix!r}; expected .csv or .parquet"
        raise DataError(msg)
    out = register.reset_index(drop=True).copy()
    if suffix == ".csv":
        for c in ("opened", "due", "closed", "review"):
            if c in out.columns:
                d = pd.to_datetime(out[c])
                out[c] = d.dt.strftime("%Y-%m-%d").where(d.notna(), "")
        out.to_csv(path, index=False)
    else:
        out.to_parquet(path, index=False)
    return path


def write_sli(sli: pd.DataFrame, path: str | Path) -> Path:
    r"""Write an SLI table to a Parquet file that :func:`read_sli` reads back to an equal table.

    The columns ``timestamp, service, slo, good, total`` are written (zstd), the file first to a
    temporary name in the same folder and then renamed, so a failure leaves any earlier file as it was.

    Parameters
    ----------
    sli : DataFrame
        An SLI table as :func:`read_sli` returns it (``timestamp`` timezone-aware; counts whole numbers).
    path : str or Path
        The ``.parquet`` file to write (replaced if it exists).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataError
        A missing column, a naive timestamp, or a path that is not ``.parquet``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> sli = read_dataset("sli_5min")
    >>> part = sli[sli["service"] == "login"].reset_index(drop=True)
    >>> f = write_sli(part, pathlib.Path(tempfile.mkdtemp()) / "sli_5min.parquet")
    >>> back = read_sli(f)
    >>> len(back), back["timestamp"].equals(part["timestamp"]), back["good"].equals(part["good"])
    (315360, True, True)
    """
    path = Path(path)
    require_columns(sli, ["timestamp", "service", "slo", "good", "total"], "write_sli: sli")
    if path.suffix.lower() not in (".parquet", ".pq"):
        msg = f"{path}: unsupported file type {path.suffix!r}; an SLI table is written as .parquet"
        raise DataError(msg)
    if getattr(sli["timestamp"].dtype, "tz", None) is None:
        msg = "write_sli: sli: column 'timestamp' has no time zone; localize it (e.g. .dt.tz_localize('UTC'))"
        raise DataError(msg)
    out = sli[["timestamp", "service", "slo", "good", "total"]].reset_index(drop=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        out.to_parquet(tmp, index=False, compression="zstd", engine="pyarrow")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@dataclass(frozen=True)
class SipAppend:
    """What :func:`append_sip_register` did to a register file.

    Attributes
    ----------
    path : Path
        The register file.
    added : tuple of str
        Ids of the items added (in the register's numbering).
    already : int
        Items the register already held open (same service, SLO and problem): updated, not added again.
    total : int
        Items in the register afterwards.
    created : bool
        Whether the file was created.
    """

    path: Path
    added: tuple[str, ...]
    already: int
    total: int
    created: bool


def _empty_register() -> pd.DataFrame:
    """Return a register with the columns of ``sip_register.csv`` and no items (a plan starting empty)."""
    kinds = {"opened": "datetime64[us]", "due": "datetime64[us]", "closed": "datetime64[us]",
             "baseline": "float64", "target": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=kinds.get(c, "str")) for c in SIP_COLUMNS})


def _register_target(path: str | Path) -> Path:
    """Check a register path a user named: a .csv/.parquet file in an existing folder, not the sample data."""
    if not str(path).strip():
        msg = "the register path is empty; name a .csv or .parquet file, such as 'sip_register.csv'"
        raise ParameterError(msg)
    path = Path(path).expanduser()
    if path.suffix.lower() not in (".csv", ".parquet", ".pq"):
        msg = f"{path}: unsupported file type {path.suffix!r}; expected .csv or .parquet"
        raise DataError(msg)
    folder = path.parent
    if not folder.is_dir():
        msg = (f"{path}: the folder {str(folder)!r} does not exist; create it, or name a file in an existing "
               "folder")
        raise DataError(msg)
    if path.is_dir():
        msg = f"{path}: is a folder, not a register file; name a .csv or .parquet file"
        raise DataError(msg)
    if folder.resolve() == datasets_dir().resolve():
        msg = (f"{path}: is in the bundled sample data, which is read-only; name a register file of your "
               "own, such as 'sip_register.csv' in the current folder")
        raise ParameterError(msg)
    return path


def append_sip_register(items: pd.DataFrame, path: str | Path) -> SipAppend:
    r"""Append new SIP items to a register file, idempotently and atomically; create the file if missing.

    The file is read (:func:`read_sip_register`), the items merged with
    :func:`~slm_analytics.sip.merge_register` (an item whose service, SLO and problem match an open item
    of the register updates that item instead of being added again, so appending the same items twice adds
    nothing) and the result written (:func:`write_sip_register`) to a temporary file in the same folder
    that then replaces the register (``os.replace``): a write that fails or is interrupted leaves the old
    register as it was. When nothing changes the file is not touched.

    Parameters
    ----------
    items : DataFrame
        New items, with the columns :func:`~slm_analytics.sip.merge_register` takes (e.g.
        :func:`~slm_analytics.review.plan.draft_sip`'s result; an ``id`` column is ignored: the register
        numbers its items).
    path : str or Path
        The register: a ``.csv`` or ``.parquet`` file in an existing folder (created with the register's
        columns when it does not exist), never a file of the bundled sample data.

    Returns
    -------
    SipAppend
        The file, the ids added, how many items were already there, the register's size afterwards.

    Raises
    ------
    ParameterError
        An empty path; a file of the bundled sample data; items that
        :func:`~slm_analytics.sip.merge_register` refuses.
    DataError
        A folder that does not exist, an unsupported file type, a path that is a folder, a file that is not
        a valid register (the message names the file, the row and line and the column, as
        :func:`read_sip_register` does), or a write that failed (the old register is kept).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from slm_analytics.review.plan import draft_sip, month_priorities
    >>> pr = month_priorities(read_dataset("sli_5min"), read_dataset("catalog"), service="notifications",
    ...                       month="2026-10", incidents=read_dataset("incidents"), n_paths=100)
    >>> items = draft_sip(pr, top=2)
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "sip.csv"
    >>> append_sip_register(items, f).added
    ('SIP-001', 'SIP-002')
    >>> done = append_sip_register(items, f)
    >>> done.added, done.already, done.total
    ((), 2, 2)
    """
    from .sip import merge_register  # the register's rules live in sip, which builds on this module

    path = _register_target(path)
    created = not path.exists()
    register = _empty_register() if created else read_sip_register(path)
    merged = merge_register(register, items)
    added = tuple(merged["id"].iloc[len(register):].astype(str))
    result = SipAppend(path=path, added=added, already=len(items) - len(added), total=len(merged),
                       created=created)
    if not created and not added and merged.equals(register):
        return result
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        write_sip_register(merged, name)
        os.replace(name, path)
    except OSError as exc:
        Path(name).unlink(missing_ok=True)
        msg = f"{path}: cannot write the register ({exc.strerror or exc}); the file was left as it was"
        raise DataError(msg) from exc
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return result
