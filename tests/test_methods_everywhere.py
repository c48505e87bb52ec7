"""One SLO, three budgeting methods: every public entry point counts the same good, total and unit.

The expected counts come from an independent calculation with plain pandas: in Europe/London (whole-hour
UTC offsets) 30-minute slices from each local midnight are the UTC half-hours, so a slice is
``timestamp.floor("30min")``; October 2026 in London runs from 2026-09-30 23:00 UTC to 2026-10-31 24:00 UTC
(745 hours: the clocks go back on the 25th), 1,490 slices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import slm_analytics as slm
from slm_analytics.catalog import Catalog

MONTH = "2026-10"
START, END = pd.Timestamp("2026-09-30 23:00", tz="UTC"), pd.Timestamp("2026-11-01 00:00", tz="UTC")
SLICE_TARGET = 0.95
NAMES = {"Occurrences": "occurrences", "Timeslices": "timeslices", "RatioTimeslices": "ratiotimeslices"}

CATALOG = f"""
services:
  - {{name: shop, description: A shop, owner: team, tier: 1, users: 10, business_weight: 1,
     timezone: Europe/London}}
slos:
  - {{service: shop, name: occurrences, indicator: {{kind: ratio, good: g, total: t}}, target: 0.99,
     window: month}}
  - {{service: shop, name: timeslices, indicator: {{kind: ratio, good: g, total: t}}, target: 0.9,
     window: month, budgeting_method: Timeslices, timeslice_target: {SLICE_TARGET}, timeslice_window: 30m}}
  - {{service: shop, name: ratiotimeslices, indicator: {{kind: ratio, good: g, total: t}}, target: 0.99,
     window: month, budgeting_method: RatioTimeslices, timeslice_window: 30m}}
slas:
  - {{service: shop, name: sla-occ, customer: C, slo: occurrences, target: 0.99, period: month,
     credits: [{{below: 0.99, credit: 0.1}}], monthly_fee: 100}}
  - {{service: shop, name: sla-ts, customer: C, slo: timeslices, target: 0.9, period: month,
     credits: [{{below: 0.9, credit: 0.1}}], monthly_fee: 100}}
  - {{service: shop, name: sla-rts, customer: C, slo: ratiotimeslices, target: 0.99, period: month,
     credits: [{{below: 0.99, credit: 0.1}}], monthly_fee: 100}}
"""


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Catalog:
    path = tmp_path_factory.mktemp("catalog") / "catalog.yaml"
    path.write_text(CATALOG)
    return slm.load_catalog(path)


@pytest.fixture(scope="module")
def sli() -> pd.DataFrame:
    """Five-minute counts from July to October 2026, the same for the three SLOs (seeded)."""
    rng = np.random.default_rng(20261003)
    ts = pd.date_range(pd.Timestamp("2026-07-01", tz="UTC"), END, freq="5min", inclusive="left").as_unit("us")
    total = rng.poisson(40, len(ts))
    total[rng.random(len(ts)) < 0.02] = 0  # empty buckets
    half_hours = ts.floor("30min")
    quiet = rng.choice(half_hours.unique(), size=60, replace=False)
    total[half_hours.isin(quiet)] = 0  # and whole slices without events (no data)
    rate = np.where(rng.random(len(ts)) < 0.03, 0.2, 0.003)  # bursts make some slices bad
    good = total - rng.binomial(total, rate)
    one = pd.DataFrame({"timestamp": ts, "good": good.astype(np.int64), "total": total.astype(np.int64)})
    frames = [one.assign(service="shop", slo=name) for name in NAMES.values()]
    out = pd.concat(frames, ignore_index=True)[["timestamp", "service", "slo", "good", "total"]]
    out["service"] = out["service"].astype("category")
    out["slo"] = out["slo"].astype("category")
    return out.sort_values(["service", "slo", "timestamp"], ignore_index=True)


def _expected(sli: pd.DataFrame, method: str) -> tuple[float, int, str]:
    """Independent: October's good, total and unit with plain pandas (see the module docstring)."""
    one = sli[(sli["slo"] == "occurrences") & (sli["timestamp"] >= START) & (sli["timestamp"] < END)]
    if method == "Occurrences":
        return float(one["good"].sum()), int(one["total"].sum()), "events"
    slices = one.groupby(one["timestamp"].dt.floor("30min"))[["good", "total"]].sum()
    assert len(slices) == 1490  # 745 hours
    slices = slices[slices["total"] > 0]
    ratio = slices["good"] / slices["total"]
    good = float((ratio >= SLICE_TARGET).sum()) if method == "Timeslices" else float(ratio.sum())
    return good, len(slices), "slices"


@pytest.fixture(params=list(NAMES), scope="module")
def method(request) -> str:
    return request.param


def test_the_data_has_bad_and_empty_slices(sli):
    good, total, _ = _expected(sli, "Timeslices")
    assert 0 < good < total < 1490  # some slices bad, some without data: the methods really differ


def test_attainment(sli, method):
    rows = sli[(sli["slo"] == NAMES[method]) & (sli["timestamp"] >= START) & (sli["timestamp"] < END)]
    got = slm.attainment(rows, method=method, timeslice_target=SLICE_TARGET,
                         timeslice_window="30m", tz="Europe/London").iloc[0]
    good, total, _ = _expected(sli, method)
    assert float(got["good"]) == pytest.approx(good, rel=1e-12)
    assert int(got["total"]) == total


def test_monthly_and_daily_attainment(sli, catalog, method):
    from slm_analytics.review import daily_attainment

    good, total, unit = _expected(sli, method)
    table = slm.monthly_attainment(sli, catalog, service="shop", month=MONTH)
    row = table.set_index("slo").loc[NAMES[method]]
    assert float(row["good"]) == pytest.approx(good, rel=1e-12)
    assert (int(row["total"]), row["unit"]) == (total, unit)
    assert row["attainment"] == pytest.approx(good / total, rel=1e-12)
    daily = daily_attainment(sli, catalog, service="shop", month=MONTH)
    daily = daily[daily["slo"] == NAMES[method]]
    assert len(daily) == 31
    assert float(daily["good"].sum()) == pytest.approx(good, rel=1e-12)
    assert int(daily["total"].sum()) == total
    assert set(daily["unit"]) == {unit}


def test_month_end_budgets(sli, catalog, method):
    from slm_analytics.review import month_end_budgets

    good, total, unit = _expected(sli, method)
    row = month_end_budgets(sli, catalog, service="shop", month=MONTH).set_index("slo").loc[NAMES[method]]
    assert float(row["good"]) == pytest.approx(good, rel=1e-12)
    assert (int(row["total"]), row["unit"]) == (total, unit)
    assert row["sli"] == pytest.approx(good / total, rel=1e-9)


def test_sla_attainment(sli, catalog, method):
    good, total, _ = _expected(sli, method)
    sla = {"Occurrences": "sla-occ", "Timeslices": "sla-ts", "RatioTimeslices": "sla-rts"}[method]
    att = slm.sla_attainment(sli, catalog, sla=sla)
    row = att[att["period_start"] == START].iloc[0]
    assert float(row["good"]) == pytest.approx(good, rel=1e-12)
    assert int(row["total"]) == total
    assert row["attainment"] == pytest.approx(good / total, rel=1e-12)


def test_rolling_compliance_at_the_month_end(sli, catalog, method):
    good, total, _ = _expected(sli, method)
    rc = slm.rolling_compliance(sli, catalog)  # calendar-month window: the month to date
    last = rc[(rc["slo"] == NAMES[method]) & (rc["timestamp"] == END - pd.Timedelta("5min"))]
    assert float(last["sli"].iloc[0]) == pytest.approx(good / total, rel=1e-12)


def test_burn_rate_alerts_count_in_the_methods_units(sli, catalog):
    # a 1h/30m page rule: for the slice methods a window holds whole slices' units, which sit on each
    # slice's last bucket, so a run of firing can only start where a slice ends (on the half-hour)
    policy = pd.DataFrame({"severity": ["page"], "long_window": ["1h"], "short_window": ["30m"],
                           "budget_consumed": [0.001]})  # burn rate 0.72: sensitive
    alerts = slm.burn_rate_alerts(sli, catalog, policy=policy)
    for name in ("timeslices", "ratiotimeslices"):
        starts = alerts.loc[alerts["slo"] == name, "start"]
        assert len(starts) > 0  # the bursts make some slices bad enough to page
        assert (starts.dt.minute % 30 == 0).all()  # a run starts at the end of a slice's last bucket


def test_forecasts_accept_every_method(sli, catalog):
    risk = slm.breach_probabilities(sli, catalog, as_of="2026-10-16T00:00Z", n_paths=2000, seed=1)
    assert set(risk["slo"]) == set(NAMES.values())
    assert risk["probability"].between(0, 1).all()


def test_month_outlook_assesses_every_method(sli, catalog):
    from slm_analytics.review import month_outlook

    outlook = month_outlook(sli, catalog, service="shop", month="2026-09", n_paths=500, seed=1)
    table = outlook.table.set_index("slo")
    assert table.loc[list(NAMES.values()), "unit"].tolist() == ["events", "slices", "slices"]
    assert table["breach_probability"].between(0, 1).all()
    # the outlook's daily counts are daily_attainment's: September's slices with events, summed per day
    from slm_analytics.review import daily_attainment

    daily = outlook.daily[(outlook.daily["slo"] == "ratiotimeslices")
                          & (outlook.daily["timestamp"] >= pd.Timestamp("2026-09-01", tz="Europe/London"))]
    ref = daily_attainment(sli, catalog, service="shop", month="2026-09")
    ref = ref[ref["slo"] == "ratiotimeslices"]
    assert float(daily["total"].sum()) == float(ref["total"].sum())
    assert float(daily["good"].sum()) == pytest.approx(float(ref["good"].sum()), rel=1e-12)


def test_the_review_runs_end_to_end_with_every_method(sli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.yaml").write_text(CATALOG)
    sli.to_parquet(data / "sli_5min.parquet", index=False)
    (data / "incidents.csv").write_text(
        "id,service,slo,severity,cause,started_at,detected_at,resolved_at,title\n"
        "INC-1,shop,occurrences,P2,deploy,2026-10-07T10:00:00Z,2026-10-07T10:05:00Z,2026-10-07T11:00:00Z,"
        "Bad deploy\n")
    (data / "maintenance.csv").write_text("service,start,end,reason\n"
                                          "shop,2026-10-04T02:00:00Z,2026-10-04T03:00:00Z,Upgrade\n")
    run = slm.run_review(data_dir=data, out_dir=tmp_path / "reports", month=MONTH, services=["shop"])
    assert run.ok, run.to_frame()["error"].tolist()
    html = run.reports[0].html.read_text()
    for name in NAMES.values():
        assert name in html
    assert "RatioTimeslices" in html
