"""Where SLI data come from besides tidy CSV/Parquet tables: raw event logs, Prometheus, and rules back to it.

Modules
-------
events
    ``aggregate_events``: request-level event logs (Parquet or CSV) to the SLI table, run by DuckDB (or Dask).
prometheus
    ``read_prometheus``: good/total series from a Prometheus server's HTTP API.
rules
    ``prometheus_rules``: recording and multi-window multi-burn-rate alerting rules from the catalog.
"""

from __future__ import annotations

__all__: list[str] = []
