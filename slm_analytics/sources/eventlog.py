"""Synthetic request logs: seeded, generated on demand, for tests and benchmarks of :func:`aggregate_events`.

One event per request with columns ``timestamp`` (UTC, microseconds), ``service``, ``endpoint``, ``status``
(HTTP code) and ``latency_ms``. Each service has its own error rate and latency distribution (log-normal),
so the SLIs aggregated from the log differ between services. Large logs are written chunk by chunk
(a few million events in memory at a time), so a 100M-event log needs no more memory than a small one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .._checks import as_utc, check_int, make_rng
from ..errors import ParameterError

__all__ = ["ENDPOINTS", "event_log", "write_event_log"]

#: endpoints every synthetic service serves, with their share of the requests
ENDPOINTS = {"/api/orders": 0.4, "/api/items": 0.3, "/api/users": 0.2, "/health": 0.1}
_STATUS = np.array([200, 404, 500, 503], dtype=np.int16)
_CHUNK = 4_000_000


def _services(services: int | list[str]) -> list[str]:
    if isinstance(services, int):
        return [f"svc-{i:02d}" for i in range(check_int(services, "services"))]
    if not services or not all(isinstance(s, str) and s for s in services):
        msg = f"services={services!r}: give a count or a list of service names"
        raise ParameterError(msg)
    return list(services)


def _chunk(rng: np.random.Generator, n: int, t0: int, t1: int, names: list[str]) -> pd.DataFrame:
    """``n`` events spread uniformly over ``[t0, t1)`` (epoch microseconds), in time order."""
    k = len(names)
    svc = rng.integers(0, k, n).astype(np.int32)
    # per-service error rate 0.05 % .. 2 % and median latency 40 .. 200 ms
    err = np.linspace(0.0005, 0.02, k)[svc]
    median = np.linspace(40.0, 200.0, k)[svc]
    u = rng.random(n)
    status = np.where(u < err * 0.7, _STATUS[3], np.where(u < err, _STATUS[2], _STATUS[0]))
    status = np.where((u > 0.97) & (status == 200), _STATUS[1], status).astype(np.int16)
    ends = list(ENDPOINTS)
    endpoint = rng.choice(len(ends), n, p=list(ENDPOINTS.values())).astype(np.int32)
    latency = np.round(median * rng.lognormal(0.0, 0.6, n), 3)
    times = np.sort(rng.integers(t0, t1, n))
    return pd.DataFrame({
        "timestamp": pd.to_datetime(times, unit="us", utc=True),
        "service": pd.Categorical.from_codes(svc, categories=names),
        "endpoint": pd.Categorical.from_codes(endpoint, categories=ends),
        "status": status,
        "latency_ms": latency,
    })


def _plan(n_events: int, start: object, days: float) -> tuple[int, int, int]:
    n = check_int(n_events, "n_events")
    t0 = int(as_utc(start, "start").value) // 1000  # .value is in nanoseconds
    if not days > 0:
        msg = f"days={days!r} must be positive"
        raise ParameterError(msg)
    return n, t0, t0 + int(days * 86_400_000_000)


def event_log(
    n_events: int, *, services: int | list[str] = 4, start: object = "2026-01-01T00:00Z", days: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Return a synthetic request log held in memory (for small logs; see :func:`write_event_log`).

    Parameters
    ----------
    n_events : int
        Number of events (requests).
    services : int or list of str
        How many services (named ``svc-00``, ``svc-01``...) or their names.
    start : str or Timestamp
        The first instant covered (timezone-aware).
    days : float
        The span covered, in days: events are spread uniformly over ``[start, start + days)``.
    seed : int
        Seed of the random generator: the same arguments give the same log.

    Returns
    -------
    DataFrame
        Columns ``timestamp`` (``datetime64[us, UTC]``), ``service`` and ``endpoint`` (categorical),
        ``status`` (``int16``, HTTP code: 200, 404, 500 or 503) and ``latency_ms`` (``float64``), in time
        order.

    Examples
    --------
    >>> log = event_log(1000, services=2, seed=1)
    >>> len(log), sorted(log["service"].unique())
    (1000, ['svc-00', 'svc-01'])
    """
    n, t0, t1 = _plan(n_events, start, days)
    return _chunk(make_rng(seed), n, t0, t1, _services(services))


def write_event_log(
    path: str | Path, n_events: int, *, layout: Literal["hive", "parquet", "csv"] = "hive",
    services: int | list[str] = 4, start: object = "2026-01-01T00:00Z", days: float = 1.0, seed: int = 0,
    chunk: int = _CHUNK,
) -> Path:
    """Write a synthetic request log (the events of :func:`event_log`), chunk by chunk.

    Parameters
    ----------
    path : str or Path
        For ``layout="hive"`` a folder (created), else the file to write.
    n_events, services, start, days, seed
        As for :func:`event_log`. The log is generated in chunks of ``chunk`` events (each a consecutive
        slice of time), so the same arguments with another ``chunk`` give other (equally valid) events.
    layout : {"hive", "parquet", "csv"}
        ``"hive"``: zstd Parquet files in hive partitions ``date=YYYY-MM-DD/part-NNNNN.parquet``;
        ``"parquet"``: one zstd Parquet file (row groups of up to ``chunk`` events); ``"csv"``: one CSV
        file with ISO 8601 UTC timestamps.
    chunk : int
        Events generated (and held in memory) at a time.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = write_event_log(pathlib.Path(tempfile.mkdtemp()) / "logs", 1000, days=2)
    >>> sorted(p.parent.name for p in folder.rglob("*.parquet"))
    ['date=2026-01-01', 'date=2026-01-02']
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if layout not in ("hive", "parquet", "csv"):
        msg = f"layout={layout!r}: expected 'hive', 'parquet' or 'csv'"
        raise ParameterError(msg)
    n, t0, t1 = _plan(n_events, start, days)
    names, rng, path = _services(services), make_rng(seed), Path(path)
    size = check_int(chunk, "chunk")
    if layout == "hive":
        path.mkdir(parents=True, exist_ok=True)
    writer, parts = None, 0
    edges = np.linspace(t0, t1, -(-n // size) + 1).astype(np.int64)
    counts = np.diff(np.linspace(0, n, len(edges)).astype(np.int64))
    try:
        for i, m in enumerate(counts):
            frame = _chunk(rng, int(m), int(edges[i]), int(edges[i + 1]), names)
            if layout == "csv":
                frame.to_csv(path, mode="w" if i == 0 else "a", header=i == 0, index=False,
                             date_format="%Y-%m-%dT%H:%M:%S.%fZ")
                continue
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if layout == "parquet":
                writer = writer or pq.ParquetWriter(path, table.schema, compression="zstd")
                writer.write_table(table, row_group_size=size)
                continue
            day = frame["timestamp"].dt.strftime("%Y-%m-%d").to_numpy()
            for d in np.unique(day):
                folder = path / f"date={d}"
                folder.mkdir(exist_ok=True)
                pq.write_table(table.filter(pa.array(day == d)), folder / f"part-{parts:05d}.parquet",
                               compression="zstd")
                parts += 1
    finally:
        if writer is not None:
            writer.close()
    return path
