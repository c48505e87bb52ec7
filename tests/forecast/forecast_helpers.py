"""Inputs the forecast tests build by hand: a catalog SLO and the daily counts of one series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from slm_analytics.catalog import SLO

Z95 = 1.959963984540054


def make_slo(target=0.999, window="28d", service="svc", name="availability") -> SLO:
    return SLO(service=service, name=name, indicator={"kind": "ratio", "good": "g", "total": "t"},
               target=target, window=window)


def daily_counts(bad, total, *, start="2026-01-01", service="svc", slo="availability", tz="UTC"):
    """Daily counts of one series from arrays of bad and total events per day."""
    bad, total = np.asarray(bad, dtype=np.int64), np.asarray(total, dtype=np.int64)
    return pd.DataFrame({
        "service": service, "slo": slo,
        "timestamp": pd.date_range(start, periods=len(total), freq="D", tz=tz, unit="us"),
        "good": total - bad, "total": total,
    })
