"""Tests of slm_analytics.improvement.worst_hours: the hours that spent the most error budget.

Expected values come from the hand calculation written above the small case, or from plain pandas sums of the
sample data grouped by clock hour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slm_analytics import (
    DataError,
    DefinitionError,
    InsufficientDataError,
    ParameterError,
    read_dataset,
    worst_hours,
)
from slm_analytics.catalog import SLO, Catalog, Service

T0 = pd.Timestamp("2026-03-02T00:00Z")

# The small case worked by hand. One service "svc" in UTC, twelve 15-minute buckets from 00:00 to 03:00:
#
#   SLO "avail" (Occurrences, target 0.9): 100 events per bucket, 1200 in all -> allowed bad 0.1 * 1200 = 120
#       bad per bucket  hour 0: 1 2 3 4 = 10 | hour 1: 10 20 0 0 = 30 | hour 2: 5 5 5 5 = 20
#       worst first: hour 1 (30/120 = 0.25), hour 2 (20/120), hour 0 (10/120)
#   SLO "probe" (Timeslices, 30-minute slices, good at >= 90 %, target 0.5): 10 probes per bucket,
#       good = 10 everywhere but 9, 7 at 01:00, 01:15 (slice 16/20 = 0.8: bad) and 5, 10 at 02:00, 02:15
#       (15/20: bad). A slice's unit sits on its last bucket (01:15, 02:15): 6 slices, 2 per hour, allowed
#       0.5 * 6 = 3; hours 1 and 2 each spent 1/3, tie -> the earlier hour first.
#   INC-1 P2 deploy, slo avail, [01:10, 01:20)  -> hour 1 of avail only
#   INC-2 P1 network, no slo,   [01:50, 02:05)  -> hours 1 and 2 of both SLOs
#   INC-3 of another service                    -> never
#   maintenance of svc [02:30, 02:45)           -> hour 2


def _ts(minutes: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(minutes=minutes)


def _catalog() -> Catalog:
    return Catalog(
        services=[Service(name="svc", owner="team", tier=1, users=1, business_weight=1, timezone="UTC")],
        slos=[SLO(service="svc", name="avail", indicator={"kind": "ratio", "good": "g", "total": "t"},
                  target=0.9, window="28d"),
              SLO(service="svc", name="probe", indicator={"kind": "ratio", "good": "g", "total": "t"},
                  target=0.5, window="28d", budgeting_method="Timeslices", timeslice_target=0.9,
                  timeslice_window="30m")],
    )


def _sli() -> pd.DataFrame:
    times = [_ts(15 * i) for i in range(12)]
    avail_bad = [1, 2, 3, 4, 10, 20, 0, 0, 5, 5, 5, 5]
    probe_good = [10, 10, 10, 10, 9, 7, 10, 10, 5, 10, 10, 10]
    return pd.DataFrame({
        "timestamp": pd.DatetimeIndex(times * 2).as_unit("us"),
        "service": "svc",
        "slo": ["avail"] * 12 + ["probe"] * 12,
        "good": [100 - b for b in avail_bad] + probe_good,
        "total": [100] * 12 + [10] * 12,
    })


def _incidents() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["INC-1", "INC-2", "INC-3"],
        "service": ["svc", "svc", "other"],
        "slo": ["avail", None, None],
        "severity": ["P2", "P1", "P1"],
        "cause": ["deploy", "network", "config"],
        "started_at": pd.DatetimeIndex([_ts(70), _ts(110), _ts(0)]).as_unit("us"),
        "resolved_at": pd.DatetimeIndex([_ts(80), _ts(125), _ts(180)]).as_unit("us"),
    })


def _maintenance() -> pd.DataFrame:
    return pd.DataFrame({"service": ["svc"], "start": pd.DatetimeIndex([_ts(150)]).as_unit("us"),
                         "end": pd.DatetimeIndex([_ts(165)]).as_unit("us")})


def _worst(**kw):
    args = {"start": T0, "end": _ts(180), "incidents": _incidents(), "exclusions": _maintenance(), **kw}
    return worst_hours(_sli(), _catalog(), **args)


def test_worst_hours_worked_by_hand():
    got = _worst()
    avail = got[got["slo"] == "avail"]
    assert avail["hour"].tolist() == [_ts(60), _ts(120), _ts(0)]
    assert avail["rank"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(avail["bad"], [30, 20, 10], rtol=1e-12)
    np.testing.assert_allclose(avail["total"], [400, 400, 400], rtol=1e-12)
    np.testing.assert_allclose(avail["budget_share"], [30 / 120, 20 / 120, 10 / 120], rtol=1e-12)
    assert avail["allowed_bad"].iloc[0] == pytest.approx(120, rel=1e-12)
    assert avail["unit"].unique().tolist() == ["events"]
    probe = got[got["slo"] == "probe"]
    assert probe["hour"].tolist() == [_ts(60), _ts(120)]  # tie: the earlier hour first
    np.testing.assert_allclose(probe["bad"], [1, 1], rtol=1e-12)
    np.testing.assert_allclose(probe["total"], [2, 2], rtol=1e-12)
    np.testing.assert_allclose(probe["budget_share"], [1 / 3, 1 / 3], rtol=1e-12)
    assert probe["unit"].unique().tolist() == ["slices"]
    assert str(got["hour"].dtype) == "datetime64[us, UTC]"


def test_worst_hours_incidents_overlapping_each_hour():
    got = _worst()
    avail = got[got["slo"] == "avail"]
    assert avail["incidents"].tolist() == ["INC-1 (P2, deploy); INC-2 (P1, network)", "INC-2 (P1, network)",
                                           ""]
    assert avail["n_incidents"].tolist() == [2, 1, 0]
    probe = got[got["slo"] == "probe"]  # INC-1 names avail: not probe's
    assert probe["incidents"].tolist() == ["INC-2 (P1, network)", "INC-2 (P1, network)"]
    none = _worst(incidents=None)
    assert none["n_incidents"].tolist() == [0] * 5 and set(none["incidents"]) == {""}


def test_worst_hours_flags_maintenance_without_removing_it():
    got = _worst()
    assert got.loc[got["slo"] == "avail", "maintenance"].tolist() == [False, True, False]
    without = _worst(exclusions=None)
    assert not without["maintenance"].any()
    np.testing.assert_allclose(without["budget_share"], got["budget_share"], rtol=1e-12)


def test_worst_hours_keeps_n_and_skips_hours_without_bad_units():
    got = _worst(n=2)
    assert got.groupby("slo").size().to_dict() == {"avail": 2, "probe": 2}  # probe: hour 0 had no bad slice
    assert got.loc[got["slo"] == "avail", "hour"].tolist() == [_ts(60), _ts(120)]


def test_worst_hours_against_pandas_on_the_sample():
    sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    pay = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    got = worst_hours(pay, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z", n=5, incidents=inc)
    feb = pay[(pay["timestamp"] >= "2026-02-01T00:00Z") & (pay["timestamp"] < "2026-03-01T00:00Z")]
    by_hour = (feb["total"] - feb["good"]).groupby(feb["timestamp"].dt.floor("h")).sum()
    expected = by_hour.sort_values(ascending=False, kind="stable").head(5)
    allowed = (1 - 0.9995) * feb["total"].sum()  # payments/availability: Occurrences, target 99.95 %
    assert got["hour"].tolist() == expected.index.tolist()
    np.testing.assert_allclose(got["bad"], expected.to_numpy(dtype=float), rtol=1e-12)
    np.testing.assert_allclose(got["budget_share"], expected.to_numpy(dtype=float) / allowed, rtol=1e-12)
    assert got["incidents"].iloc[0].startswith("INC-0066 (")  # the dependency incident of 12 February


@pytest.mark.parametrize(("kw", "error", "match"), [
    ({"n": 0}, ParameterError, r"worst_hours: n 0 must be an integer >= 1"),
    ({"end": T0}, ParameterError, r"worst_hours: end .* is not after start"),
    ({"start": "2026-03-02T00:00"}, ParameterError, r"worst_hours: start"),
    ({"start": _ts(600), "end": _ts(700)}, InsufficientDataError, r"worst_hours: sli has no buckets"),
    ({"incidents": _incidents().drop(columns="cause")}, DataError, r"worst_hours: incidents.*'cause'"),
    ({"exclusions": _maintenance().drop(columns="end")}, DataError, r"worst_hours: exclusions.*'end'"),
])
def test_worst_hours_errors(kw, error, match):
    with pytest.raises(error, match=match):
        _worst(**kw)


def test_worst_hours_unknown_slo():
    sli = _sli().replace({"slo": {"probe": "nope"}})
    with pytest.raises(DefinitionError, match="nope"):
        worst_hours(sli, _catalog(), start=T0, end=_ts(180))
