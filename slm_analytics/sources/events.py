r"""Request-level event logs to the SLI table: SQL generated from the catalog, run by DuckDB (or Dask).

An SLO is aggregated from events when its indicator says ``source: events``. Its definition of good and
total is written in an events vocabulary, as mappings of filters on the log's columns:

* ratio indicators: ``total`` (``{}``: every event of the service) and ``good`` or ``bad``, each a mapping
  of filters; a good (bad) event is an event of ``total`` that passes ``good`` (``bad``);
* threshold indicators: ``metric`` (a filter mapping, ``{}`` or absent: every event of the service) selects
  the events counted; good ones have ``latency <op> threshold`` (``unit`` ``s`` or ``ms``; the log's unit
  is ``latency_unit=``).

Filters (every key given must hold):

``status``
    An HTTP code (``503``), a class (``"5xx"``), a range (``"500-599"``), or a list of these.
``endpoint``
    A path or a pattern with ``*`` (any characters) and ``?`` (one character), or a list of these.

Example catalog entry::

    - service: checkout
      name: availability
      indicator: {kind: ratio, source: events, bad: {status: 5xx}, total: {endpoint: "/api/*"}}
      target: 0.999
      window: 28d
    - service: checkout
      name: latency
      indicator: {kind: threshold, source: events, op: lte, threshold: 300, unit: ms}
      target: 0.99
      window: 28d

SLOs whose indicator has another source (PromQL queries...) are not aggregated here; a catalog without
any ``source: events`` SLO is refused.
"""

from __future__ import annotations

import glob as globmod
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._checks import check_catalog, column_hint, duration
from ..catalog import SLO, Catalog, RatioIndicator
from ..errors import DataError, DefinitionError, ParameterError, shorten

__all__ = ["EVENT_COLUMNS", "SkippedFilesWarning", "aggregate_events", "events_sql", "event_slos"]

#: the log's columns, by role; ``columns=`` maps a role to another column name
EVENT_COLUMNS = {"timestamp": "timestamp", "service": "service", "endpoint": "endpoint", "status": "status",
                 "latency": "latency_ms"}
_FILTER_KEYS = ("status", "endpoint")
_CLASS = re.compile(r"^([1-5])xx$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{3})\s*-\s*(\d{3})$")
_OPS = {"lte": "<=", "lt": "<", "gte": ">=", "gt": ">"}
_TO_MS = {"ms": Decimal(1), "s": Decimal(1000)}


class SkippedFilesWarning(UserWarning):
    """Some files of the source could not be read and were skipped (``on_bad_file="skip"``)."""


# ------------------------------------------------------------------------------ the events vocabulary


def sql_literal(value: str) -> str:
    """Quote ``value`` as an SQL string literal (``'`` doubled), so no text can end the literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_name(name: str) -> str:
    """Quote ``name`` as an SQL identifier (``"`` doubled)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Clause:
    """One filter on one column: status codes in ranges, endpoints matching patterns, or latency vs a bound.

    ``kind`` is ``"status"`` (``ranges``: inclusive ``(lo, hi)`` pairs), ``"endpoint"`` (``patterns``:
    exact paths or ``*``/``?`` patterns) or ``"latency"`` (``op`` and ``bound``, in the log's unit).
    """

    kind: str
    ranges: tuple[tuple[int, int], ...] = ()
    patterns: tuple[str, ...] = ()
    op: str = ""
    bound: float = 0.0

    def sql(self, cols: Mapping[str, str]) -> str:
        """Return the clause as an SQL boolean expression on the quoted columns."""
        col = sql_name(cols[self.kind])
        if self.kind == "status":
            return "(" + " OR ".join(f"{col} = {lo}" if lo == hi else f"{col} BETWEEN {lo} AND {hi}"
                                     for lo, hi in self.ranges) + ")"
        if self.kind == "latency":
            return f"{col} {_OPS[self.op]} CAST({float(self.bound)!r} AS DOUBLE)"
        parts = []
        for p in self.patterns:
            if "*" in p or "?" in p:
                like = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                like = like.replace("*", "%").replace("?", "_")
                parts.append(f"{col} LIKE {sql_literal(like)} ESCAPE '\\'")
            else:
                parts.append(f"{col} = {sql_literal(p)}")
        return "(" + " OR ".join(parts) + ")"

    def mask(self, frame: pd.DataFrame, cols: Mapping[str, str]) -> np.ndarray:
        """Evaluate the clause on a pandas frame (the Dask engine): a boolean array, False where missing."""
        values = frame[cols[self.kind]]
        if self.kind == "status":
            v = values.to_numpy(dtype=np.float64, na_value=np.nan)
            return np.logical_or.reduce([(v >= lo) & (v <= hi) for lo, hi in self.ranges])
        if self.kind == "latency":
            v = values.to_numpy(dtype=np.float64, na_value=np.nan)
            return {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater}[
                _OPS[self.op]](v, float(self.bound))
        text = values.astype("str").where(values.notna())
        out = np.zeros(len(values), dtype=bool)
        for p in self.patterns:
            regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in p)
            out |= text.str.fullmatch(regex, flags=re.DOTALL).fillna(False).to_numpy(dtype=bool)
        return out


@dataclass(frozen=True)
class Condition:
    """Events passing every clause of ``clauses`` and not every clause of ``exclude`` (when given)."""

    clauses: tuple[Clause, ...] = ()
    exclude: tuple[Clause, ...] = ()

    def sql(self, cols: Mapping[str, str]) -> str:
        """Return the condition as an SQL boolean expression (``TRUE`` when it has no clause)."""
        parts = [c.sql(cols) for c in self.clauses]
        if self.exclude:
            parts.append(f"NOT coalesce({' AND '.join(c.sql(cols) for c in self.exclude)}, FALSE)")
        return " AND ".join(parts) or "TRUE"

    def mask(self, frame: pd.DataFrame, cols: Mapping[str, str]) -> np.ndarray:
        """Evaluate the condition on a pandas frame (missing values pass no clause)."""
        out = np.ones(len(frame), dtype=bool)
        for c in self.clauses:
            out &= c.mask(frame, cols)
        if self.exclude:
            out &= ~Condition(self.exclude).mask(frame, cols)
        return out


def _status(value: Any, where: str) -> list[tuple[int, int]]:
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in items:
        text = str(item).strip() if isinstance(item, (str, int)) and not isinstance(item, bool) else None
        m_class = _CLASS.match(text or "")
        m_range = _RANGE.match(text or "")
        if m_class:
            d = int(m_class.group(1))
            out.append((d * 100, d * 100 + 99))
        elif m_range and 100 <= int(m_range.group(1)) <= int(m_range.group(2)) <= 599:
            out.append((int(m_range.group(1)), int(m_range.group(2))))
        elif text is not None and text.isdigit() and 100 <= int(text) <= 599:
            out.append((int(text), int(text)))
        else:
            msg = (f"{where}: status {shorten(item)} is not an HTTP status filter; expected a code from 100 "
                   "to 599 (503), a class ('5xx'), a range ('500-599') or a list of these")
            raise DefinitionError(msg)
    if not out:
        msg = f"{where}: status is an empty list; give at least one code, class or range"
        raise DefinitionError(msg)
    return out


def _endpoints(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items or not all(isinstance(p, str) and p and "\x00" not in p for p in items):
        msg = (f"{where}: endpoint {shorten(value)} must be a non-empty path or pattern such as '/api/*' "
               "(or a list of them)")
        raise DefinitionError(msg)
    return tuple(items)


def _filter(spec: Any, where: str) -> tuple[Clause, ...]:
    """Parse a filter mapping (``{}``: every event) into clauses."""
    if not isinstance(spec, Mapping):
        msg = (f"{where}: {shorten(spec)} is not an events filter; with source 'events' give a mapping "
               f"with keys {', '.join(_FILTER_KEYS)} (or {{}} for every event of the service)")
        raise DefinitionError(msg)
    unknown = [k for k in spec if k not in _FILTER_KEYS]
    if unknown:
        msg = f"{where}: unknown filter key {shorten(unknown[0])}; expected {', '.join(_FILTER_KEYS)}"
        raise DefinitionError(msg)
    out = []
    if "status" in spec:
        out.append(Clause("status", ranges=tuple(_status(spec["status"], f"{where}.status"))))
    if "endpoint" in spec:
        out.append(Clause("endpoint", patterns=_endpoints(spec["endpoint"], f"{where}.endpoint")))
    return tuple(out)


@dataclass(frozen=True)
class EventSLO:
    """An SLO's definition over events: the events it counts (``total``) and the good ones among them."""

    slo: SLO
    total: Condition
    good: Condition


def event_slos(catalog: Catalog, *, latency_unit: Literal["ms", "s"] = "ms") -> list[EventSLO]:
    """Return the catalog's SLOs with ``source: events``, their filters parsed and validated.

    Raises
    ------
    DefinitionError
        No SLO has ``source: events``; a filter that is not a mapping, has an unknown key, or a bad status
        or endpoint; a raw ratio. The message names the SLO and the key.
    """
    if latency_unit not in _TO_MS:
        msg = f"latency_unit={latency_unit!r}: expected 'ms' or 's'"
        raise ParameterError(msg)
    out = []
    for o in catalog.slos:
        ind = o.indicator
        if ind.source != "events":
            continue
        where = f"SLO {o.service}/{o.name}: indicator"
        if isinstance(ind, RatioIndicator):
            if ind.raw is not None:
                msg = f"{where}.raw: a raw ratio cannot be counted from events; give good or bad, and total"
                raise DefinitionError(msg)
            total = _filter(ind.total, f"{where}.total")
            if ind.good is not None:
                good = Condition(total + _filter(ind.good, f"{where}.good"))
            else:
                bad = _filter(ind.bad, f"{where}.bad")
                if not bad:
                    msg = f"{where}.bad: {{}} would make every event bad; name the bad events (status: 5xx)"
                    raise DefinitionError(msg)
                good = Condition(total, exclude=bad)
            out.append(EventSLO(o, Condition(total), good))
            continue
        total = _filter({} if ind.metric is None else ind.metric, f"{where}.metric")
        unit = ind.unit or latency_unit
        bound = float(Decimal(repr(ind.threshold)) * _TO_MS[unit] / _TO_MS[latency_unit])
        fast = Clause("latency", op=ind.op, bound=bound)
        out.append(EventSLO(o, Condition(total), Condition((*total, fast))))
    if not out:
        msg = ("the catalog has no SLO with indicator source 'events', so there is nothing to aggregate from "
               "an event log; give an SLO an indicator such as {kind: ratio, source: events, bad: {status: "
               "5xx}, total: {}}")
        raise DefinitionError(msg)
    return out


# ------------------------------------------------------------------------------------------ the source


@dataclass(frozen=True)
class Source:
    """The files of an event log: ``kind`` ``"parquet"`` or ``"csv"``; ``root`` the folder given, if any."""

    name: str
    files: tuple[Path, ...]
    kind: str
    root: Path | None = None
    skipped: tuple[str, ...] = ()

    def scan(self, *, extra: str = "") -> str:
        """Return the DuckDB table function reading the files (``extra``: more named arguments)."""
        files = "[" + ", ".join(sql_literal(str(f)) for f in self.files) + "]"
        if self.kind == "csv":
            return f"read_csv({files}, header = true{extra})"
        return f"read_parquet({files}, hive_partitioning = {str(self.root is not None).lower()}{extra})"


def find_files(source: str | Path, *, on_bad_file: Literal["raise", "skip"] = "raise") -> Source:
    """Resolve ``source`` (a file, a glob or a folder of hive-partitioned Parquet) to its files.

    Parquet files are opened (their footer read) so that a truncated or foreign file is named before the
    scan; with ``on_bad_file="skip"`` such files are left out and listed in ``Source.skipped``.
    """
    if on_bad_file not in ("raise", "skip"):
        msg = f"on_bad_file={on_bad_file!r}: expected 'raise' or 'skip'"
        raise ParameterError(msg)
    text, path = str(source), Path(source)
    root = None
    if path.is_dir():
        root = path
        files = sorted(p for ext in ("*.parquet", "*.pq") for p in path.rglob(ext) if p.is_file())
        if not files:
            msg = f"{source}: no .parquet files in this folder (or its hive partitions)"
            raise DataError(msg)
    elif any(ch in text for ch in "*?["):
        files = sorted(Path(f) for f in globmod.glob(text, recursive=True) if Path(f).is_file())
        if not files:
            msg = f"{source}: the pattern matches no file"
            raise DataError(msg)
    elif path.is_file():
        files = [path]
    else:
        msg = f"{source}: file not found"
        raise DataError(msg)
    kinds = {"csv" if f.suffix.lower() == ".csv" else "parquet" if f.suffix.lower() in (".parquet", ".pq")
             else f.suffix for f in files}
    if len(kinds) != 1 or not kinds <= {"csv", "parquet"}:
        msg = f"{source}: expected .parquet or .csv files of one kind, found {', '.join(sorted(kinds))}"
        raise DataError(msg)
    kind = kinds.pop()
    skipped: list[str] = []
    if kind == "parquet":
        files = _readable(files, on_bad_file, skipped)
    return Source(text, tuple(files), kind, root, tuple(skipped))


def _readable(files: list[Path], on_bad_file: str, skipped: list[str]) -> list[Path]:
    import pyarrow.parquet as pq

    good = []
    for f in files:
        try:
            pq.ParquetFile(f).close()
        except Exception as exc:  # a truncated file, not Parquet, no permission
            if on_bad_file == "raise":
                msg = (f"{f}: cannot read as Parquet ({shorten(str(exc), 160)}); the file may be truncated "
                       "or not Parquet: fix or remove it, or pass on_bad_file='skip' to aggregate the others")
                raise DataError(msg) from exc
            skipped.append(f"{f}: {shorten(str(exc), 160)}")
        else:
            good.append(f)
    if not good:
        msg = f"no readable file: {'; '.join(skipped)}"
        raise DataError(msg)
    return good


_INTEGER = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT")
_NUMBER = (*_INTEGER, "FLOAT", "DOUBLE", "DECIMAL")


def _check_schema(con: Any, src: Source, cols: Mapping[str, str], needed: list[str]) -> bool:
    """Check the log has the columns with usable types; return whether its timestamps are naive."""
    try:
        found = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {src.scan()}").fetchall()}
    except Exception as exc:
        raise _wrap(exc, src) from exc
    first = src.files[0]
    missing = [cols[r] for r in needed if cols[r] not in found]
    if missing:
        hints = [h for h in (column_hint(c, list(found)) for c in missing) if h]
        msg = (f"{first}: missing column(s) {', '.join(map(repr, missing))}; found "
               f"{', '.join(map(repr, found))}{''.join('; ' + h for h in hints)} (name other columns with "
               "columns={role: name}, roles " + ", ".join(EVENT_COLUMNS) + ")")
        raise DataError(msg)
    wanted = {"timestamp": ("TIMESTAMP",), "status": _INTEGER, "latency": _NUMBER,
              "service": ("VARCHAR", "ENUM"), "endpoint": ("VARCHAR", "ENUM")}
    what = {"timestamp": "timestamps", "status": "integer HTTP status codes", "latency": "numbers",
            "service": "text (service names)", "endpoint": "text (paths)"}
    for role in needed:
        kind = found[cols[role]]
        if not kind.startswith(wanted[role]):
            msg = (f"{first}: column {cols[role]!r} holds {kind} values; expected {what[role]} (a value that "
                   "is not one makes the whole column text in a CSV file)")
            raise DataError(msg)
    return found[cols["timestamp"]] != "TIMESTAMP WITH TIME ZONE"


def _wrap(exc: Exception, src: Source) -> DataError:
    text = str(exc).strip()
    named = any(str(f) in text for f in src.files)
    where = "" if named else f"{src.files[0] if len(src.files) == 1 else src.name}: "
    return DataError(f"{where}cannot aggregate the event log: {shorten(text, 400)}")


# ---------------------------------------------------------------------------------------- aggregation


@dataclass(frozen=True)
class Plan:
    """What one scan counts: the distinct conditions, and each SLO's total and good among them.

    Each condition is one count column (``c0``, ``c1``...); ``refs`` holds, per SLO, the indices of its
    total and good columns (SLOs with the same definition share the columns).
    """

    slos: tuple[EventSLO, ...]
    conditions: tuple[Condition, ...]
    refs: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, slos: list[EventSLO]) -> Plan:
        """Plan the counts of ``slos``."""
        conds: dict[Condition, int] = {}
        refs = tuple((conds.setdefault(s.total, len(conds)), conds.setdefault(s.good, len(conds)))
                     for s in slos)
        return cls(tuple(slos), tuple(conds), refs)

    def needs(self) -> list[str]:
        """Return the log's columns (by role) the aggregation reads."""
        roles = {c.kind for cond in self.conditions for c in (*cond.clauses, *cond.exclude)}
        return ["timestamp", "service", "status", "latency", *(["endpoint"] if "endpoint" in roles else [])]


def _ts_sql(cols: Mapping[str, str], tz: str | None) -> str:
    """Return the timestamp column in SQL: as it is, or naive times read in zone ``tz``."""
    ts = sql_name(cols["timestamp"])
    return ts if tz is None else f"timezone({sql_literal(tz)}, {ts})"


def _valid_sql(cols: Mapping[str, str], ts: str) -> str:
    q = {r: sql_name(c) for r, c in cols.items()}
    return (f"{ts} IS NOT NULL AND {q['service']} IS NOT NULL AND {q['status']} BETWEEN 100 AND 599 AND "
            f"{q['latency']} BETWEEN 0 AND CAST('inf' AS DOUBLE)")


def events_sql(scan: str, plan: Plan, cols: Mapping[str, str], *, width_us: int,
               tz: str | None = None) -> str:
    """Return the one-scan SQL counting every condition of ``plan`` per service and bucket of ``width_us``.

    ``tz``: the zone of naive timestamps (``None``: they are timezone-aware). Buckets are numbered from the
    Unix epoch (``bucket = epoch_us // width_us``); ``invalid`` counts the rows failing validation.
    """
    ts = _ts_sql(cols, tz)
    counts = [f"count(*){'' if (e := c.sql(cols)) == 'TRUE' else f' FILTER (WHERE {e})'} AS c{i}"
              for i, c in enumerate(plan.conditions)]
    return (f"SELECT {sql_name(cols['service'])}::VARCHAR AS service, "
            f"epoch_us({ts}) // {int(width_us)} AS bucket, "
            + ", ".join(counts)
            + f", count(*) FILTER (WHERE NOT coalesce({_valid_sql(cols, ts)}, FALSE)) AS invalid "
            f"FROM {scan} GROUP BY ALL")


def _locate(con: Any, src: Source, cols: Mapping[str, str], tz: str | None, count: int) -> DataError:
    """Find the first invalid row (by file and row) and describe it."""
    ts = _ts_sql(cols, tz)
    cast = ", ".join(f"{sql_name(cols[r])}::VARCHAR" for r in ("timestamp", "service", "status", "latency"))
    if src.kind == "parquet":
        scan = src.scan(extra=", filename = true, file_row_number = true")
        inner = f"SELECT filename, file_row_number AS r, * FROM {scan}"
    else:  # CSV has no row numbers: a single-threaded scan keeps the file's order
        con.execute("SET threads TO 1")
        inner = (f"SELECT filename, row_number() OVER (PARTITION BY filename) - 1 AS r, * "
                 f"FROM {src.scan(extra=', filename = true')}")
    # an aggregate's FILTER, not a WHERE: DuckDB prunes Parquet row groups on a WHERE by their min/max
    # statistics, which leave out NaN, so a WHERE would miss a NaN latency
    sql = (f"SELECT min_by([filename, r::VARCHAR, {cast}], (filename, r)) FILTER (WHERE NOT "
           f"coalesce({_valid_sql(cols, ts)}, FALSE)) FROM ({inner})")
    file, r, t, svc, status, lat = con.execute(sql).fetchone()[0]
    r, status, lat = int(r), None if status is None else int(status), None if lat is None else float(lat)
    if t is None:
        role, problem = "timestamp", "is empty; a timestamp is required"
    elif svc is None:
        role, problem = "service", "is empty; a service name is required"
    elif status is None:
        role, problem = "status", "is empty; a status code is required"
    elif not 100 <= status <= 599:
        role = "status"
        problem = f"{shorten(status)} is not an HTTP status code; expected an integer from 100 to 599"
    elif lat is None:
        role, problem = "latency", "is empty; a latency is required"
    else:
        role, problem = "latency", f"{shorten(lat)} is not a latency; expected a non-negative number"
    line = f" (line {r + 2})" if src.kind == "csv" else ""
    more = f" (and {count - 1} more rows)" if count > 1 else ""
    return DataError(f"{file}: row {r + 1}{line}, column {cols[role]!r}: {problem}{more}")


def duckdb_counts(src: Source, plan: Plan, cols: Mapping[str, str], *, width_us: int, tz: str | None,
                  memory_limit: str | int | None, threads: int | None, progress: bool) -> pd.DataFrame:
    """Run :func:`events_sql` on the files with DuckDB; return the counts per service and bucket."""
    import duckdb

    spill = tempfile.mkdtemp(prefix="slm-duckdb-")  # this call's own: concurrent calls never share it
    con = duckdb.connect(":memory:")
    try:
        _settings(con, memory_limit, threads, progress, spill)
        naive = _check_schema(con, src, cols, plan.needs())
        zone = _zone(naive, tz, src)
        try:
            agg = con.execute(events_sql(src.scan(), plan, cols, width_us=width_us, tz=zone)).fetchdf()
        except duckdb.Error as exc:
            raise _wrap(exc, src) from exc
        if (bad := int(agg["invalid"].sum())) > 0:
            raise _locate(con, src, cols, zone, bad)
        return agg
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _settings(con: Any, memory_limit: str | int | None, threads: int | None, progress: bool,
              spill: str) -> None:
    con.execute(f"SET temp_directory = {sql_literal(spill)}")
    con.execute(f"SET enable_progress_bar = {str(bool(progress)).lower()}")
    con.execute(f"SET enable_progress_bar_print = {str(bool(progress)).lower()}")
    try:
        if memory_limit is not None:
            limit = f"{memory_limit}B" if isinstance(memory_limit, int) else str(memory_limit)
            con.execute(f"SET memory_limit = {sql_literal(limit)}")
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")
    except Exception as exc:
        msg = (f"memory_limit={memory_limit!r} / threads={threads!r}: not accepted by DuckDB ({exc}); give "
               "e.g. memory_limit='500MB' (or bytes as an int) and threads as a positive int")
        raise ParameterError(msg) from exc


def _zone(naive: bool, tz: str | None, src: Source) -> str | None:
    if not naive:
        return None
    if tz is None:
        msg = (f"{src.files[0]}: the timestamps have no time zone; pass tz= with the zone they were recorded "
               "in (e.g. tz='UTC') or store timestamps with an offset")
        raise DataError(msg)
    return tz


def partial_counts(frame: pd.DataFrame, conditions: tuple[Condition, ...], cols: Mapping[str, str],
                   width_us: int, tz: str | None) -> pd.DataFrame:
    """Count as :func:`events_sql` does on one pandas partition (the Dask engine's map step)."""
    ts = frame[cols["timestamp"]]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(tz or "UTC", ambiguous="NaT", nonexistent="NaT")
    t = ts.dt.tz_convert("UTC").dt.as_unit("us").to_numpy(dtype="datetime64[us]").view(np.int64)
    status = frame[cols["status"]].to_numpy(dtype=np.float64, na_value=np.nan)
    lat = frame[cols["latency"]].to_numpy(dtype=np.float64, na_value=np.nan)
    svc = frame[cols["service"]]
    valid = (ts.notna().to_numpy() & svc.notna().to_numpy() & (status >= 100) & (status <= 599)
             & (lat >= 0) & (lat <= np.inf))
    bucket = np.where(t < 0, -(-t // width_us), t // width_us)  # truncated, as DuckDB's // does
    out = {"service": svc.astype("str").where(valid, ""), "bucket": np.where(valid, bucket, 0)}
    for i, c in enumerate(conditions):
        out[f"c{i}"] = (c.mask(frame, cols) & valid).astype(np.int64)
    out["invalid"] = (~valid).astype(np.int64)
    return pd.DataFrame(out).groupby(["service", "bucket"], sort=False).sum().reset_index()


def dask_counts(src: Source, plan: Plan, cols: Mapping[str, str], *, width_us: int, tz: str | None,
                client: Any) -> pd.DataFrame:
    """Count as :func:`duckdb_counts` does, with dask.dataframe (on ``client`` when given)."""
    import dask.dataframe as dd
    import duckdb

    if src.kind != "parquet":
        msg = f"{src.name}: engine='dask' reads Parquet files; aggregate CSV logs with engine='duckdb'"
        raise ParameterError(msg)
    con = duckdb.connect(":memory:")
    try:
        zone = _zone(_check_schema(con, src, cols, plan.needs()), tz, src)
        names = list(dict.fromkeys(cols[r] for r in plan.needs()))
        ddf = dd.read_parquet([str(f) for f in src.files], columns=names)
        meta = pd.DataFrame({"service": pd.Series(dtype="str"), "bucket": pd.Series(dtype=np.int64),
                             **{f"c{i}": pd.Series(dtype=np.int64) for i in range(len(plan.conditions))},
                             "invalid": pd.Series(dtype=np.int64)})
        parts = ddf.map_partitions(partial_counts, plan.conditions, dict(cols), width_us, zone, meta=meta)
        total = parts.groupby(["service", "bucket"]).sum()
        try:
            agg = (client.compute(total).result() if client is not None else total.compute()).reset_index()
        except Exception as exc:
            raise _wrap(exc, src) from exc
        if (bad := int(agg["invalid"].sum())) > 0:
            raise _locate(con, src, cols, zone, bad)
        return agg
    finally:
        con.close()


def assemble(agg: pd.DataFrame, plan: Plan, catalog: Catalog, *, width_us: int, source: str) -> pd.DataFrame:
    """Turn counts per service and bucket into the SLI table of :func:`~slm_analytics.data.read_sli`."""
    from ..errors import InsufficientDataError

    services = [s.name for s in catalog.services]
    slo_names = list(dict.fromkeys(o.name for o in catalog.slos))
    rows = agg.groupby("service", sort=False).indices
    bucket = agg["bucket"].to_numpy(dtype=np.int64)
    counts = [agg[f"c{i}"].to_numpy(dtype=np.int64) for i in range(len(plan.conditions))]
    parts: list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]] = []
    for s, (ti, gi) in zip(plan.slos, plan.refs, strict=True):
        idx = rows.get(s.slo.service)
        if idx is None:
            continue
        idx = idx[counts[ti][idx] > 0]  # buckets where the SLO counted events
        parts.append((services.index(s.slo.service), slo_names.index(s.slo.name), bucket[idx],
                      counts[gi][idx], counts[ti][idx]))
    if not parts or not sum(len(p[2]) for p in parts):
        found = sorted(map(str, rows))[:10]
        msg = (f"{source}: no events counted for the SLOs with source 'events' (services "
               f"{sorted({s.slo.service for s in plan.slos})}); the log's services: {found or 'none'}")
        raise InsufficientDataError(msg)
    svc = np.concatenate([np.full(len(p[2]), p[0], dtype=np.int32) for p in parts])
    slo = np.concatenate([np.full(len(p[2]), p[1], dtype=np.int32) for p in parts])
    b, good, total = (np.concatenate([p[k] for p in parts]) for k in (2, 3, 4))
    order = np.lexsort((b, slo, svc))
    stamps = (b[order] * width_us).astype("datetime64[us]")
    return pd.DataFrame({
        "timestamp": pd.Series(stamps).dt.tz_localize("UTC"),
        "service": pd.Categorical.from_codes(svc[order], categories=services),
        "slo": pd.Categorical.from_codes(slo[order], categories=slo_names),
        "good": good[order],
        "total": total[order],
    })


def _width(freq: str | pd.Timedelta) -> int:
    """Return the bucket width in microseconds: OpenSLO (``"5m"``), pandas (``"5min"``) or a timedelta."""
    try:
        width = duration(freq, "freq")
    except ParameterError:
        try:
            offset = pd.tseries.frequencies.to_offset(freq)
            width = pd.Timedelta(offset) if isinstance(offset, pd.offsets.Tick) else None
        except (ValueError, TypeError):
            width = None
        if width is None or width <= pd.Timedelta(0):
            msg = (f"freq {shorten(freq)} is not a fixed bucket width; give e.g. '5m' (OpenSLO), '5min' "
                   "(pandas) or a timedelta")
            raise ParameterError(msg) from None
    us = width // pd.Timedelta(microseconds=1)
    if us * pd.Timedelta(microseconds=1) != width:
        msg = f"freq {shorten(freq)} is not a whole number of microseconds"
        raise ParameterError(msg)
    return int(us)


def aggregate_events(
    source: str | Path,
    catalog: Catalog,
    *,
    freq: str | pd.Timedelta = "5min",
    engine: Literal["duckdb", "dask"] = "duckdb",
    client: Any = None,
    columns: Mapping[str, str] | None = None,
    latency_unit: Literal["ms", "s"] = "ms",
    tz: str | None = None,
    memory_limit: str | int | None = None,
    threads: int | None = None,
    progress: bool = False,
    on_bad_file: Literal["raise", "skip"] = "raise",
) -> pd.DataFrame:
    r"""Count good and total events per SLO and time bucket from a request log: the SLI table.

    Every SLO of ``catalog`` whose indicator has ``source: events`` is counted (see the module's
    description for the events vocabulary); other SLOs are left out. One scan of the log counts them all:
    SQL generated from the catalog (``count(*) FILTER (WHERE ...)`` per distinct definition, grouped by
    service and bucket), run by DuckDB straight on the files, out of core.

    Parameters
    ----------
    source : str or Path
        One Parquet or CSV file, a glob (``"logs/*.parquet"``, ``"logs/**/*.parquet"``) or a folder of
        Parquet files (hive partitions such as ``date=2026-01-01/`` are read as such).
    catalog : Catalog
        The SLO definitions.
    freq : str or Timedelta
        Bucket width: ``"5m"`` (OpenSLO), ``"5min"`` (pandas) or a timedelta. Buckets start at whole
        multiples of the width since the Unix epoch, in UTC.
    engine : {"duckdb", "dask"}
        ``"dask"`` runs the same counts with dask.dataframe (Parquet only); giving ``client`` selects it.
    client : distributed.Client or str, optional
        A Dask client, or a scheduler address (``"tcp://10.0.0.5:8786"``; a client is opened and closed).
    columns : mapping, optional
        The log's column names by role, when they differ from :data:`EVENT_COLUMNS`
        (``timestamp``, ``service``, ``endpoint``, ``status``, ``latency`` -> ``latency_ms``).
    latency_unit : {"ms", "s"}
        Unit of the latency column; thresholds are converted from their SLO's ``unit``.
    tz : str, optional
        Zone of naive timestamps (required when the log's timestamps have no time zone).
    memory_limit : str or int, optional
        DuckDB's memory limit (``"500MB"``, or bytes); beyond it DuckDB spills to a temporary folder.
    threads : int, optional
        DuckDB's threads (default: every core).
    progress : bool
        Show DuckDB's progress bar for long scans (printed to the terminal or the notebook).
    on_bad_file : {"raise", "skip"}
        A Parquet file that cannot be opened (truncated, not Parquet) raises ``DataError`` naming it, or
        with ``"skip"`` is left out: a :class:`SkippedFilesWarning` names the skipped files, also listed in
        ``result.attrs["skipped_files"]``.

    Returns
    -------
    DataFrame
        As :func:`~slm_analytics.data.read_sli` returns it with ``catalog``: columns ``timestamp``
        (``datetime64[us, UTC]``, bucket start), ``service`` and ``slo`` (categorical, in catalog order),
        ``good`` and ``total`` (``int64``), sorted by service, SLO and time. A row per SLO and bucket in
        which the SLO counted at least one event (``total > 0``): buckets without events have no row, as in
        an SLI file of buckets with data (the grid of :mod:`~slm_analytics.grid` reads them as no events).
        Events of services without an events SLO are ignored.

    Raises
    ------
    DefinitionError
        The catalog has no SLO with ``source: events``, or an events definition is malformed (the SLO and
        key named).
    DataError
        No file matches ``source``; a file cannot be read (named); a column is missing or of the wrong type
        (named, with the file); a row has an empty timestamp or service, a status outside 100-599 or a
        negative or missing latency (file, row and column named); naive timestamps without ``tz``.
    InsufficientDataError
        No event of an events SLO's service in the log.
    ParameterError
        A bad ``freq``, ``engine``, ``latency_unit``, ``memory_limit`` or ``on_bad_file``.

    Notes
    -----
    Dask: ``engine="dask"`` maps :func:`partial_counts` (the same conditions, evaluated with pandas) over
    the Parquet partitions and sums per service and bucket; the result equals DuckDB's.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from slm_analytics import Catalog
    >>> from slm_analytics.sources.eventlog import write_event_log
    >>> logs = write_event_log(pathlib.Path(tempfile.mkdtemp()) / "logs", 20_000, services=2, seed=7)
    >>> catalog = Catalog.model_validate({
    ...     "services": [{"name": n, "owner": "web", "tier": 1, "users": 10, "business_weight": 1}
    ...                  for n in ("svc-00", "svc-01")],
    ...     "slos": [{"service": "svc-00", "name": "availability", "target": 0.999, "window": "28d",
    ...               "indicator": {"kind": "ratio", "source": "events", "bad": {"status": "5xx"},
    ...                             "total": {"endpoint": "/api/*"}}},
    ...              {"service": "svc-00", "name": "latency", "target": 0.99, "window": "28d",
    ...               "indicator": {"kind": "threshold", "source": "events", "op": "lte",
    ...                             "threshold": 0.3, "unit": "s"}}]})
    >>> sli = aggregate_events(logs, catalog, freq="1h")
    >>> sli.head(2)
                      timestamp service           slo  good  total
    0 2026-01-01 00:00:00+00:00  svc-00  availability   356    356
    1 2026-01-01 01:00:00+00:00  svc-00  availability   387    387
    >>> sli.groupby("slo", observed=True)[["good", "total"]].sum()
                   good  total
    slo
    availability   9034   9038
    latency       10011  10013
    """
    check_catalog(catalog, "aggregate_events")
    if engine not in ("duckdb", "dask"):
        msg = f"engine={engine!r}: expected 'duckdb' or 'dask'"
        raise ParameterError(msg)
    width = _width(freq)
    cols = _columns(columns)
    plan = Plan.of(event_slos(catalog, latency_unit=latency_unit))
    src = find_files(source, on_bad_file=on_bad_file)
    if client is not None or engine == "dask":
        agg = _with_client(client, lambda c: dask_counts(src, plan, cols, width_us=width, tz=tz, client=c))
    else:
        agg = duckdb_counts(src, plan, cols, width_us=width, tz=tz, memory_limit=memory_limit,
                            threads=threads, progress=progress)
    out = assemble(agg, plan, catalog, width_us=width, source=src.name)
    if src.skipped:
        out.attrs["skipped_files"] = list(src.skipped)
        warnings.warn(f"skipped {len(src.skipped)} unreadable file(s): {'; '.join(src.skipped)}",
                      SkippedFilesWarning, stacklevel=2)
    return out


def _columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    cols = dict(EVENT_COLUMNS)
    if columns is None:
        return cols
    if not isinstance(columns, Mapping):
        msg = f"columns={shorten(columns)} must map roles to column names, e.g. {{'latency': 'duration_ms'}}"
        raise ParameterError(msg)
    for role, name in columns.items():
        if role not in EVENT_COLUMNS:
            msg = f"columns: unknown role {role!r}; the roles are {', '.join(EVENT_COLUMNS)}"
            raise ParameterError(msg)
        if not isinstance(name, str) or not name:
            msg = f"columns: the column of role {role!r} must be a non-empty name, got {shorten(name)}"
            raise ParameterError(msg)
        cols[role] = name
    return cols


def _with_client(client: Any, run: Callable[[Any], pd.DataFrame]) -> pd.DataFrame:
    """Run on ``client``; a scheduler address opens a client for the call and closes it after."""
    if not isinstance(client, str):
        return run(client)
    from distributed import Client

    try:
        opened = Client(client, timeout="10s", set_as_default=False)
    except Exception as exc:
        msg = f"cannot connect to the Dask scheduler at {client!r}: {exc}"
        raise ParameterError(msg) from exc
    try:
        return run(opened)
    finally:
        opened.close()
