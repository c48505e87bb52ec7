"""Seeded generator of the bundled sample data (``python -m slm_analytics.synth --seed 7``).

It reads the service catalog (``datasets/catalog.yaml``) and writes, for a fictional online retailer:

* ``sli_5min.parquet`` - 12 months of 5-minute good/total counts per SLO;
* ``incidents.csv`` and ``maintenance.csv`` - the incidents and planned maintenance behind them;
* ``requirements.csv`` - users' service requirements with importance and satisfaction;
* ``sip_register.csv`` - the service improvement plan's past actions;
* ``README.md`` - the index of the datasets.

What the data holds, so later analyses have something real to find:

* traffic with daily and weekly seasonality in each service's time zone, a growth trend and peak-season
  days; Poisson counts with hour-level log-normal noise (over-dispersion);
* low-traffic internal services (``reporting``, ``internal-wiki``: tens of events per bucket in business
  hours, close to none outside);
* random incidents (about two a month for tier-1 services) whose error bursts are in the SLI data, plus a
  few scripted ones (a payments outage in February 2026 that misses the monthly SLO);
* a slow degradation of ``search`` latency and ``notifications`` delivery over the year;
* a step regression of ``mobile-api`` latency after a deploy on 2026-06-16 09:30 UTC, fixed 2026-09-08;
* an incident-driven service (``partner-gateway``): next to no background errors, but rare outages of the
  whole service (about two every three months) whose durations are heavy-tailed (log-normal, median 50
  minutes, one in ten over four hours), so a single outage can spend a month's budget or several;
* planned maintenance with errors during the window (excluded by SLAs that say so);
* SLO misses: ``notifications/delivery`` late in the year, ``mobile-api/latency`` during the regression,
  ``payments/availability`` in February 2026;
* users' requirements whose satisfaction is lowest where the data hurts most (``mobile-api`` latency,
  then ``notifications`` delivery), a few without a measurable level (unmeasured), an SLO
  looser than a segment asks for (``search/availability`` 99.9 % where marketplace partners need 99.95 %)
  and one far stricter than anyone asks (``payments/uptime`` 99.5 % where merchants ask for 98 %).

The same seed always gives the same data; the files are generated, never edited by hand.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import Catalog, load_catalog

__all__ = ["GENERATED_FILES", "generate", "main"]

START = pd.Timestamp("2025-11-01", tz="UTC")
END = pd.Timestamp("2026-11-01", tz="UTC")  # exclusive
FREQ = "5min"
CAUSES = np.array(["deploy", "capacity", "dependency", "network", "config", "hardware"])
CAUSE_P = np.array([0.34, 0.16, 0.2, 0.1, 0.14, 0.06])
PROBES_PER_BUCKET = 30  # one synthetic probe every 10 s
GENERATED_FILES = ("sli_5min.parquet", "incidents.csv", "maintenance.csv", "requirements.csv",
                   "sip_register.csv", "README.md")


@dataclass(frozen=True)
class _Traffic:
    base: float  # mean events per 5-minute bucket at the daily peak
    profile: str  # "retail", "business", "batch", "always"
    weekend: float  # weekend multiplier


# Per service: traffic shape. Per SLO: the baseline bad share (bad events / events).
_TRAFFIC = {
    "checkout": _Traffic(2600, "retail", 1.15),
    "payments": _Traffic(2100, "retail", 1.15),
    "search": _Traffic(9000, "retail", 1.2),
    "login": _Traffic(3800, "retail", 1.05),
    "catalog": _Traffic(6500, "retail", 1.2),
    "notifications": _Traffic(1400, "retail", 1.1),
    "mobile-api": _Traffic(4200, "retail", 1.25),
    "reporting": _Traffic(45, "business", 0.02),
    "data-pipeline": _Traffic(60, "batch", 1.0),
    "support-portal": _Traffic(220, "retail", 0.6),
    "email": _Traffic(1600, "always", 0.8),
    "internal-wiki": _Traffic(30, "business", 0.03),
}
_BASE_BAD = {
    ("checkout", "availability"): 0.00022, ("checkout", "latency"): 0.0035,
    ("payments", "availability"): 0.00011, ("payments", "latency"): 0.003,
    ("search", "availability"): 0.0002, ("search", "latency"): 0.0035,
    ("login", "availability"): 0.0001, ("login", "latency"): 0.0015,
    ("catalog", "availability"): 0.0002, ("catalog", "latency"): 0.0035,
    ("notifications", "delivery"): 0.00028, ("notifications", "latency"): 0.003,
    ("mobile-api", "availability"): 0.00025, ("mobile-api", "latency"): 0.0038,
    ("reporting", "availability"): 0.002, ("reporting", "latency"): 0.003,
    ("data-pipeline", "success"): 0.0012, ("data-pipeline", "freshness"): 0.0035,
    ("support-portal", "availability"): 0.0012, ("support-portal", "latency"): 0.003,
    ("email", "delivery"): 0.00025,
    ("internal-wiki", "availability"): 0.002, ("internal-wiki", "latency"): 0.0035,
}
_PROBE_FAIL = 0.002  # per-probe failure share outside incidents
_INCIDENTS_PER_MONTH = {1: 2.0, 2: 1.5, 3: 0.8}
#: incident-driven services: outages per month, their median length (minutes) and log-normal spread, the
#: longest (minutes), the share of probes failing outside outages; drawn from their own random stream, so
#: adding one leaves every other service's data as it was
_OUTAGES = {"partner-gateway": (0.7, 50.0, 1.3, 20 * 60, 0.0002)}
_REGRESSION = ("mobile-api", "latency", pd.Timestamp("2026-06-16 09:30", tz="UTC"),
               pd.Timestamp("2026-09-08 10:15", tz="UTC"), 0.0105, 0.0052)


def _index() -> pd.DatetimeIndex:
    return pd.date_range(START, END, freq=FREQ, inclusive="left", unit="us")


def _traffic(idx: pd.DatetimeIndex, service: str, catalog: Catalog, rng: np.random.Generator) -> np.ndarray:
    svc = catalog.service(service)
    spec = _TRAFFIC[service]
    local = idx.tz_convert(svc.timezone)
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60
    dow = local.day_of_week.to_numpy()
    weekend = dow >= 5
    if spec.profile == "retail":
        shape = 0.56 - 0.44 * np.cos(2 * np.pi * (hour - 3.5) / 24)
    elif spec.profile == "always":
        shape = 0.75 - 0.25 * np.cos(2 * np.pi * (hour - 4) / 24)
    elif spec.profile == "batch":
        shape = 0.35 + 2.5 * ((hour >= 1) & (hour < 4)) + 0.4 * (local.minute.to_numpy() < 10)
    else:  # business: offices open 08-19 local, near silence outside
        open_ = (hour >= 8) & (hour < 19)
        shape = np.where(open_, 0.65 + 0.35 * np.sin(np.pi * (hour - 8) / 11), 0.015)
        if svc.schedule is not None:
            holidays = np.array(catalog.schedule(svc.schedule).holidays, dtype="datetime64[D]")
            days = local.tz_localize(None).to_numpy().astype("datetime64[D]")
            shape = np.where(np.isin(days, holidays), 0.015, shape)
    shape = np.where(weekend, shape * spec.weekend, shape)
    years = (idx - START) / pd.Timedelta(days=365)
    growth = 1 + 0.18 * np.asarray(years)
    days = np.asarray((idx - START) / pd.Timedelta(days=1)).astype(int)
    peak = np.ones(len(idx))
    if spec.profile == "retail" and service != "support-portal":
        for day, factor in (("2025-11-28", 2.4), ("2025-12-01", 1.8), ("2025-12-14", 1.3),
                            ("2026-07-14", 1.5)):
            d = (pd.Timestamp(day, tz="UTC") - START).days
            peak[days == d] = factor
    hours = np.asarray((idx - START) / pd.Timedelta(hours=1)).astype(int)
    noise = rng.lognormal(0, 0.12, hours.max() + 1)[hours]
    lam = spec.base * shape * growth * peak * noise
    return rng.poisson(lam).astype(np.int64)


def _bad_share(idx: pd.DatetimeIndex, key: tuple[str, str], rng: np.random.Generator) -> np.ndarray:
    base = _BASE_BAD[key]
    hours = np.asarray((idx - START) / pd.Timedelta(hours=1)).astype(int)
    # AR(1) on the log scale per hour: over-dispersed, autocorrelated background errors
    n = hours.max() + 1
    eps = rng.normal(0, 0.35, n)
    ar = np.empty(n)
    ar[0] = eps[0]
    for i in range(1, n):  # 8,760 hours: cheap
        ar[i] = 0.8 * ar[i - 1] + eps[i]
    share = base * np.exp(ar[hours] - 0.5 * 0.35**2 / (1 - 0.64))
    t = np.asarray((idx - START) / (END - START))
    if key == ("search", "latency"):
        share = share * (1 + 2.2 * t**1.5)
    if key == ("notifications", "delivery"):
        share = share * (1 + 3.6 * t**2)
    service, slo, start, fixed, regressed, after = _REGRESSION
    if key == (service, slo):
        share = np.where((idx >= start) & (idx < fixed), regressed, share)
        share = np.where(idx >= fixed, after * share / base, share)
    return share


def _incident_plan(catalog: Catalog, rng: np.random.Generator) -> pd.DataFrame:
    """Random incidents per service plus scripted ones; returns one row per incident."""
    rows = []
    span_min = (END - START) / pd.Timedelta(minutes=1)
    for svc in catalog.services:
        if svc.name in _OUTAGES:
            continue
        n = rng.poisson(_INCIDENTS_PER_MONTH[svc.tier] * 12)
        starts = np.sort(rng.uniform(0, span_min - 24 * 60, n))
        for s in starts:
            rows.append({
                "service": svc.name,
                "start": START + pd.Timedelta(minutes=float(np.floor(s))),
                "minutes": float(np.clip(rng.lognormal(np.log(32), 0.85), 8, 16 * 60)),
                "share": float(np.clip(rng.lognormal(np.log(0.05), 1.0), 0.004, 0.9)),
                "cause": str(rng.choice(CAUSES, p=CAUSE_P)),
                "recorded": bool(rng.random() > 0.12),
                "scripted": "",
            })
    scripted = [
        ("payments", "2026-02-12 14:05", 115, 0.45, "dependency",
         "Card acquirer outage: authorisations failing"),
        ("checkout", "2025-11-28 18:40", 55, 0.12, "capacity", "Black Friday: checkout saturated, timeouts"),
        ("login", "2026-04-21 07:10", 28, 0.55, "config", "Expired signing key rejected session tokens"),
        ("notifications", "2026-09-22 11:00", 180, 0.04, "dependency", "SMS provider throttling deliveries"),
        ("email", "2026-03-09 02:30", 240, 0.03, "network", "Mail relay blocklisted by a large receiver"),
    ]
    for service, start, minutes, share, cause, title in scripted:
        rows.append({"service": service, "start": pd.Timestamp(start, tz="UTC"), "minutes": float(minutes),
                     "share": share, "cause": cause, "recorded": True, "scripted": title})
    plan = pd.DataFrame(rows).sort_values(["start", "service"], kind="stable").reset_index(drop=True)
    plan["start"] = plan["start"].dt.floor("min")
    plan["end"] = plan["start"] + pd.to_timedelta(plan["minutes"].round(), unit="min")
    return plan


def _maintenance_plan(catalog: Catalog) -> pd.DataFrame:
    rows = []
    months = pd.date_range("2025-11-01", "2026-10-01", freq="MS")
    for m in months:
        # payments: first Sunday of the month, 02:00-03:30 Europe/London
        first_sunday = m + pd.offsets.Week(weekday=6) if m.day_of_week != 6 else m
        s = pd.Timestamp(f"{first_sunday.date()} 02:00", tz="Europe/London")
        rows.append(("payments", s, s + pd.Timedelta(minutes=90),
                     "Database minor-version upgrade and failover test"))
        # data-pipeline: second Saturday 22:00 UTC, 4 hours
        second_sat = m + pd.offsets.Week(weekday=5) + pd.offsets.Week(1)
        s = pd.Timestamp(f"{second_sat.date()} 22:00", tz="UTC")
        rows.append(("data-pipeline", s, s + pd.Timedelta(hours=4), "Warehouse cluster patching"))
        if m.month in (1, 4, 7, 10):  # quarterly, first Saturday 20:00 Asia/Seoul
            sat = m + pd.offsets.Week(weekday=5) if m.day_of_week != 5 else m
            s = pd.Timestamp(f"{sat.date()} 20:00", tz="Asia/Seoul")
            rows.append(("reporting", s, s + pd.Timedelta(hours=3), "Quarterly BI platform upgrade"))
    s = pd.Timestamp("2026-05-17 01:00", tz="UTC")
    rows.append(("email", s, s + pd.Timedelta(hours=2), "Mail transfer agent migration"))
    frame = pd.DataFrame(rows, columns=["service", "start", "end", "reason"])
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    return frame.sort_values(["start", "service"], kind="stable").reset_index(drop=True)


def _mask(idx: pd.DatetimeIndex, starts: pd.Series, ends: pd.Series) -> list[np.ndarray]:
    """Per interval, the bucket positions it overlaps and the overlapped share of each bucket."""
    step = pd.Timedelta(FREQ)
    out = []
    i0 = idx.searchsorted(starts.dt.floor(FREQ))
    i1 = idx.searchsorted(ends.dt.ceil(FREQ))
    for a, b, s, e in zip(i0, i1, starts, ends, strict=True):
        pos = np.arange(a, b)
        lo = np.maximum(idx[pos], s)
        hi = np.minimum(idx[pos] + step, e)
        out.append((pos, np.asarray((hi - lo) / step, dtype=float)))
    return out


def _severity(share: float, minutes: float, tier: int, rng: np.random.Generator | None) -> str:
    impact = share * minutes  # "fully-down minutes"
    level = 1 if impact > 12 else 2 if impact > 3 else 3 if impact > 0.6 else 4
    level = max(level, tier) if tier == 3 else level
    return f"P{level}"


_TITLES = {
    "deploy": ["Error spike after release {v}", "Rollback of release {v}: failing requests"],
    "capacity": ["Saturation under peak load", "Connection pool exhausted"],
    "dependency": ["Upstream dependency returning errors", "Third-party API timeouts"],
    "network": ["Packet loss between availability zones", "Load balancer health-check flapping"],
    "config": ["Bad feature-flag rollout", "Misconfigured rate limit"],
    "hardware": ["Storage node failure", "Hypervisor host failure"],
}


def _sli(catalog: Catalog, plan: pd.DataFrame, maint: pd.DataFrame, rng: np.random.Generator,
         outages: list[pd.DataFrame]) -> pd.DataFrame:
    idx = _index()
    n = len(idx)
    frames = []
    inc_masks = _mask(idx, plan["start"], plan["end"])
    mnt_masks = _mask(idx, maint["start"], maint["end"])
    # per incident: does it hit availability, latency, both?
    hits_latency = np.where(plan["cause"].isin(["capacity", "dependency", "network"]), 0.75, 0.3)
    lat_hit = rng.random(len(plan)) < hits_latency
    lat_factor = rng.uniform(0.6, 2.0, len(plan))
    for svc in catalog.services:
        if svc.name in _OUTAGES:
            continue
        traffic = _traffic(idx, svc.name, catalog, rng)
        inc = plan.index[plan["service"] == svc.name]
        mnt = maint.index[maint["service"] == svc.name]
        drained = np.ones(n)
        maint_bad = np.zeros(n)
        for j in mnt:
            pos, frac = mnt_masks[j]
            drained[pos] *= 1 - 0.7 * frac
            maint_bad[pos] = np.maximum(maint_bad[pos], 0.35 * frac)
        for slo in catalog.slos_of(svc.name):
            key = slo.key
            if slo.budgeting_method == "Timeslices":  # synthetic probes
                total = np.full(n, PROBES_PER_BUCKET, dtype=np.int64)
                total -= rng.binomial(1, 0.002, n)  # a missed scrape now and then
                share = np.full(n, _PROBE_FAIL)
                for j in inc:
                    pos, frac = inc_masks[j]
                    share[pos] = np.maximum(share[pos], np.minimum(1, 2.5 * plan.at[j, "share"]) * frac)
                share = np.maximum(share, np.minimum(1, 2 * maint_bad))
            else:
                total = rng.binomial(traffic, drained)
                share = _bad_share(idx, key, rng)
                latency = slo.indicator.kind == "threshold"
                for j in inc:
                    pos, frac = inc_masks[j]
                    if latency:
                        if lat_hit[j]:
                            share[pos] += np.minimum(1, lat_factor[j] * plan.at[j, "share"]) * frac
                    else:
                        share[pos] += plan.at[j, "share"] * frac
                if not latency:
                    share = share + maint_bad
                share = np.minimum(share, 1.0)
            bad = rng.binomial(total, share)
            frames.append(pd.DataFrame({
                "timestamp": idx, "service": svc.name, "slo": slo.name,
                "good": (total - bad).astype(np.int64), "total": total.astype(np.int64),
            }))
    sli = pd.concat(frames + outages, ignore_index=True)
    slo_names = list(dict.fromkeys(o.name for o in catalog.slos))
    sli = sli.astype({"service": pd.CategoricalDtype([s.name for s in catalog.services]),
                      "slo": pd.CategoricalDtype(slo_names)})
    # the order read_sli returns: service and SLO in catalog order, then time
    order = np.lexsort((sli["slo"].cat.codes.to_numpy(), sli["service"].cat.codes.to_numpy()))
    return sli.iloc[order].reset_index(drop=True)


def _outage_plan(catalog: Catalog, seed: int) -> pd.DataFrame:
    """Outages of the incident-driven services, from a random stream of their own; one row per outage."""
    rows = []
    span_min = (END - START) / pd.Timedelta(minutes=1)
    for k, svc in enumerate(s for s in catalog.services if s.name in _OUTAGES):
        rng = np.random.default_rng([seed, 13, k])
        per_month, median, sigma, longest, _ = _OUTAGES[svc.name]
        starts = np.sort(rng.uniform(0, span_min - longest, rng.poisson(per_month * 12)))
        for s in starts:
            full = rng.random() < 0.8  # most outages take the whole service down
            rows.append({
                "service": svc.name,
                "start": START + pd.Timedelta(minutes=float(np.floor(s))),
                "minutes": float(np.clip(rng.lognormal(np.log(median), sigma), 5, longest)),
                "share": 1.0 if full else float(rng.uniform(0.3, 0.8)),
                "cause": str(rng.choice(CAUSES, p=CAUSE_P)),
                "recorded": True,
                "scripted": "",
                "detect": float(rng.lognormal(np.log(8), 0.6)),
                "title": int(rng.integers(2)),
            })
    plan = pd.DataFrame(rows, columns=["service", "start", "minutes", "share", "cause", "recorded",
                                       "scripted", "detect", "title"])
    plan["end"] = plan["start"] + pd.to_timedelta(plan["minutes"].round(), unit="min")
    return plan


def _outage_sli(catalog: Catalog, outages: pd.DataFrame, seed: int) -> list[pd.DataFrame]:
    """Probe counts of the incident-driven services: failing in proportion to the outage covering a bucket."""
    idx = _index()
    masks = _mask(idx, outages["start"], outages["end"])
    frames = []
    for k, svc in enumerate(s for s in catalog.services if s.name in _OUTAGES):
        rng = np.random.default_rng([seed, 17, k])
        share = np.full(len(idx), _OUTAGES[svc.name][4])
        for j in outages.index[outages["service"] == svc.name]:
            pos, frac = masks[j]
            share[pos] = np.maximum(share[pos], outages.at[j, "share"] * frac)
        for slo in catalog.slos_of(svc.name):
            total = np.full(len(idx), PROBES_PER_BUCKET, dtype=np.int64) - rng.binomial(1, 0.002, len(idx))
            bad = rng.binomial(total, share)
            frames.append(pd.DataFrame({"timestamp": idx, "service": svc.name, "slo": slo.name,
                                        "good": (total - bad).astype(np.int64), "total": total}))
    return frames


def _outage_incidents(catalog: Catalog, outages: pd.DataFrame) -> pd.DataFrame:
    """Incident records of the outages (every outage is recorded), in the columns of ``incidents.csv``."""
    rows = []
    for _, r in outages.iterrows():
        svc = catalog.service(r["service"])
        detected = r["start"] + pd.Timedelta(minutes=round(min(r["minutes"] * 0.8, max(1.0, r["detect"]))))
        rows.append({
            "service": svc.name, "slo": catalog.slos_of(svc.name)[0].name,
            "severity": _severity(r["share"], r["minutes"], svc.tier, None),
            "cause": r["cause"], "started_at": r["start"], "detected_at": detected, "resolved_at": r["end"],
            "title": _TITLES[r["cause"]][r["title"]].format(v=f"{svc.name} {r['start']:%Y.%m.%d}"),
        })
    return pd.DataFrame(rows)


def _incidents(catalog: Catalog, plan: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    recorded = plan[plan["recorded"]].reset_index(drop=True)
    rows = []
    for i, r in recorded.iterrows():
        svc = catalog.service(r["service"])
        slos = catalog.slos_of(svc.name)
        main = slos[0].name
        detect = min(r["minutes"] * 0.8, float(rng.lognormal(np.log(6), 0.7)))
        detected = r["start"] + pd.Timedelta(minutes=round(max(1.0, detect)))
        title = r["scripted"] or rng.choice(_TITLES[r["cause"]]).format(
            v=f"{svc.name} {r['start']:%Y.%m.%d}")
        rows.append({
            "id": f"INC-{i + 1:04d}", "service": svc.name, "slo": main,
            "severity": _severity(r["share"], r["minutes"], svc.tier, rng) if not r["scripted"] else
            ("P1" if r["share"] * r["minutes"] > 12 else "P2"),
            "cause": r["cause"], "started_at": r["start"], "detected_at": detected, "resolved_at": r["end"],
            "title": title,
        })
    service, slo, start, fixed, _, _ = _REGRESSION
    rows.append({"id": f"INC-{len(rows) + 1:04d}", "service": service, "slo": slo, "severity": "P3",
                 "cause": "deploy", "started_at": start, "detected_at": start + pd.Timedelta(days=2, hours=5),
                 "resolved_at": fixed,
                 "title": "Slow app responses after release 5.2 (N+1 query on order history)"})
    frame = pd.DataFrame(rows).sort_values("started_at", kind="stable").reset_index(drop=True)
    frame["id"] = [f"INC-{i + 1:04d}" for i in range(len(frame))]
    return frame


# Per requirement: service, requirement, segment, importance, the required level in words and as numbers
# (required_target: the share of events or time that must meet it; threshold_ms: the latency or lateness
# limit of threshold requirements), and the linked SLO. A level that is not a measurable share ("7 days
# notice") has no required_target and no linked SLO: an unmeasured requirement.
_REQUIREMENTS = [
    ("checkout", "Placing an order always works", "retail customers", 5, "99.9 % of checkouts succeed",
     0.999, None, "availability"),
    ("checkout", "Checkout feels instant", "retail customers", 4, "99 % under 500 ms", 0.99, 500,
     "latency"),
    ("checkout", "Partner orders are accepted around the clock", "marketplace partners", 5,
     "99.5 % monthly", 0.995, None, "availability"),
    ("payments", "Card payments are authorised first time", "retail customers", 5,
     "99.95 % without error", 0.9995, None, "availability"),
    ("payments", "Authorisation answers within a second", "merchants", 4, "99 % under 1 s", 0.99, 1000,
     "latency"),
    ("payments", "Maintenance is announced a week ahead", "merchants", 3, "7 days notice", None, None, ""),
    ("search", "Relevant results appear as I type", "retail customers", 4, "99 % under 300 ms", 0.99, 300,
     "latency"),
    ("search", "Search never shows an error page", "retail customers", 4, "99.9 % without error", 0.999,
     None, "availability"),
    ("search", "Affiliate search API is dependable", "affiliates", 3, "99.5 % per quarter", 0.995, None,
     "availability"),
    ("login", "I can always sign in", "retail customers", 5, "99.95 % without error", 0.9995, None,
     "availability"),
    ("login", "Sign-in is quick on mobile", "mobile users", 4, "99.5 % under 250 ms", 0.995, 250,
     "latency"),
    ("login", "SSO works for partner portals", "sso partners", 4, "99.9 % monthly", 0.999, None,
     "availability"),
    ("catalog", "Product pages load quickly", "retail customers", 4, "99 % under 400 ms", 0.99, 400,
     "latency"),
    ("catalog", "Prices shown are current", "retail customers", 3, "price updates within 5 min", None,
     None, ""),
    ("notifications", "Delivery updates arrive", "retail customers", 4, "99.9 % accepted by provider",
     0.999, None, "delivery"),
    ("notifications", "Notifications arrive promptly", "retail customers", 3, "99 % within 5 s", 0.99,
     5000, "latency"),
    ("mobile-api", "The app responds without lag", "mobile users", 5, "99 % under 800 ms", 0.99, 800,
     "latency"),
    ("mobile-api", "The app does not show errors", "mobile users", 4, "99.9 % without error", 0.999, None,
     "availability"),
    ("mobile-api", "White-label apps stay up", "app partners", 4, "99.5 % monthly", 0.995, None,
     "availability"),
    ("reporting", "Morning sales report is ready at 09:00", "finance analysts", 4, "ready by 09:00 KST",
     None, None, ""),
    ("reporting", "Reports open within 10 seconds", "finance analysts", 3, "99 % under 10 s", 0.99, 10000,
     "latency"),
    ("reporting", "Reporting is available in office hours", "finance analysts", 4,
     "99 % in business hours", 0.99, None, "availability"),
    ("data-pipeline", "Loads finish on schedule", "data analysts", 4, "99 % within 15 min of schedule",
     0.99, 900000, "freshness"),
    ("data-pipeline", "Failed loads are rerun automatically", "data analysts", 3, "99.5 % success", 0.995,
     None, "success"),
    ("support-portal", "I can submit a ticket any time", "retail customers", 3, "99.5 % without error",
     0.995, None, "availability"),
    ("support-portal", "Enterprise tickets are accepted in support hours", "enterprise customers", 4,
     "99 % in support hours", 0.99, None, "availability"),
    ("support-portal", "Help pages load quickly", "retail customers", 2, "99 % under 1.5 s", 0.99, 1500,
     "latency"),
    ("email", "Order confirmations arrive", "retail customers", 4, "99.9 % accepted", 0.999, None,
     "delivery"),
    ("email", "Bulk sending is reliable", "business customers", 4, "99.5 % monthly", 0.995, None,
     "delivery"),
    ("internal-wiki", "Runbooks are reachable during incidents", "on-call engineers", 4,
     "99 % in office hours", 0.99, None, "availability"),
    ("internal-wiki", "Pages open quickly", "staff", 2, "99 % under 2 s", 0.99, 2000, "latency"),
    # added after the survey's first 31 rows (their random draws are unchanged): an SLO looser than
    # what a segment needs (search availability 99.9 % < 99.95 %) and one far stricter than anyone asks
    # (payments uptime 99.5 % of 5-minute slices, where merchants ask for 98 %)
    ("payments", "The payment page is reachable for merchants", "merchants", 3,
     "98 % of 5-minute checks", 0.98, None, "uptime"),
    ("search", "Search never fails during marketplace sales", "marketplace partners", 4,
     "99.95 % without error", 0.9995, None, "availability"),
]


def _requirements(catalog: Catalog, rng: np.random.Generator) -> pd.DataFrame:
    # satisfaction reflects how the service really behaved: lower where the data shows misses/degradation
    pain = {("mobile-api", "latency"): 1.3, ("notifications", "delivery"): 0.9, ("search", "latency"): 0.8,
            ("payments", "availability"): 0.6, ("support-portal", "availability"): 0.4}
    rows = []
    for i, (service, req, segment, importance, level, target, threshold, slo) in enumerate(_REQUIREMENTS):
        respondents = (int(rng.integers(12, 60))
                       if segment in ("finance analysts", "data analysts", "staff", "on-call engineers")
                       else int(rng.integers(80, 900)))
        sat = 4.3 - pain.get((service, slo), 0.0) + rng.normal(0, 0.25)
        rows.append({"id": f"REQ-{i + 1:03d}", "service": service, "requirement": req,
                     "user_segment": segment, "importance": importance,
                     "satisfaction": round(float(np.clip(sat, 1, 5)), 1),
                     "respondents": respondents, "required_level_text": level,
                     "required_target": np.nan if target is None else target,
                     "threshold_ms": threshold, "linked_slo": slo})
    for r in rows:
        if r["linked_slo"]:
            catalog.slo(r["service"], r["linked_slo"])  # every link points at a real SLO
    return pd.DataFrame(rows).astype({"threshold_ms": "Int64"})  # whole milliseconds, empty when none


def _sip_register() -> pd.DataFrame:
    """Return the SIP register, with three closed actions planted for ``sip_effectiveness`` (28 days).

    The SLI data is not generated for them; the rows are chosen so that the existing data behaves as
    planted (numbers: daily bad/total over the 28 local days either side of the closing day):

    * SIP-004, mobile-api latency, closed 2026-09-08 (the fix of the 2026-06-16 regression went out that
      day at 10:15 UTC): **effective**, the share of calls over 800 ms fell from 1.10 % (257,148 of 23.4 M)
      to 0.53 %, and ``change_points`` finds a level shift on 2026-09-09;
    * SIP-007, search latency, closed 2026-08-31: **not effective**, the slow degradation goes on (0.90 %
      of queries over 300 ms before, 1.06 % after: the interval of the change excludes a 20 % reduction);
    * SIP-012, support-portal availability, closed 2026-10-27: **inconclusive**, only four days of data
      after it.

    The other closed actions have KPIs measured outside the SLI data (``kpi_measure`` empty).
    """
    rows = [
        ("payments", "availability", "Single acquirer is a single point of failure",
         "Add failover to a second acquirer",
         "team-payments", "2026-02-16", "2026-04-30", "2026-04-22", "done",
         "auth error rate during acquirer incidents", 0.45, 0.02, ""),
        ("payments", "availability", "Maintenance windows consume the error budget",
         "Zero-downtime database failover",
         "team-payments", "2025-12-08", "2026-03-31", "", "in-progress",
         "bad events per maintenance", 900, 50, ""),
        ("checkout", "latency", "Peak-day saturation",
         "Autoscaling on queue depth and a peak-day load test",
         "team-orders", "2025-12-03", "2026-02-28", "2026-02-20", "done",
         "p99 latency on peak day (ms)", 2400, 500, ""),
        ("mobile-api", "latency", "Release 5.2 made order history slow",
         "Remove N+1 query; add query-count test in CI",
         "team-mobile", "2026-06-22", "2026-08-15", "2026-09-08", "done",
         "share of calls over 800 ms", 0.0105, 0.004, "error_rate"),
        ("mobile-api", "latency", "Regressions reach production unnoticed",
         "Canary analysis on latency SLI before full rollout",
         "team-mobile", "2026-09-10", "2026-12-15", "", "open",
         "regressions caught in canary", 0, 0.8, ""),
        ("notifications", "delivery", "Delivery failures rising since spring",
         "Second SMS provider with automatic routing",
         "team-messaging", "2026-07-01", "2026-10-31", "", "in-progress",
         "delivery failure share", 0.0011, 0.0003, ""),
        ("search", "latency", "Index growth slows queries",
         "Shard the product index; cache top queries",
         "team-discovery", "2026-05-12", "2026-09-30", "2026-08-31", "done",
         "share of queries over 300 ms", 0.008, 0.004, "error_rate"),
        ("login", "availability", "Key rotation caused an outage",
         "Automate signing-key rotation with overlap",
         "team-identity", "2026-04-22", "2026-05-31", "2026-05-19", "done",
         "key-related incidents per quarter", 1, 0, ""),
        ("email", "delivery", "Blocklisting by large receivers",
         "Warm-up dedicated IPs; monitor reputation",
         "team-messaging", "2026-03-10", "2026-05-31", "2026-06-12", "done",
         "bounce share at top receivers", 0.03, 0.005, ""),
        ("reporting", "availability", "Reports fail during month-end close",
         "Move heavy reports to read replica",
         "team-bi", "2026-01-05", "2026-03-31", "", "cancelled",
         "errors during close week", 0.01, 0.002, ""),
        ("data-pipeline", "freshness", "Late loads after patching weekends",
         "Stagger patching across nodes",
         "team-data", "2026-03-16", "2026-06-30", "2026-06-25", "done",
         "late jobs after patching", 0.04, 0.005, ""),
        ("support-portal", "availability", "Errors on ticket upload",
         "Resumable uploads with size check",
         "team-support", "2026-08-03", "2026-11-30", "2026-10-27", "done",
         "share of failed portal requests", 0.0013, 0.0005, "error_rate"),
    ]
    frame = pd.DataFrame(rows, columns=["service", "slo", "problem", "action", "owner", "opened", "due",
                                        "closed", "status", "kpi", "baseline", "target", "kpi_measure"])
    frame.insert(0, "id", [f"SIP-{i + 1:03d}" for i in range(len(frame))])
    return frame


def _readme(catalog: Catalog, seed: int, sizes: dict[str, int]) -> str:
    from .data import DATASETS

    lines = [
        "# Sample datasets",
        "",
        "Generated by `python -m slm_analytics.synth --seed "
        f"{seed} --out datasets` (or `make datasets`) from `catalog.yaml`; "
        "never edit the data files by hand.",
        "The data describes a fictional online retailer: "
        f"{len(catalog.services)} services, {len(catalog.slos)} SLOs, {len(catalog.slas)} SLAs, "
        f"{START:%Y-%m-%d} to {(END - pd.Timedelta(days=1)):%Y-%m-%d} (UTC).",
        "Load them with `slm_analytics.read_dataset(name)`; `slm_analytics.list_datasets()` lists them.",
        "",
    ]
    for name, info in DATASETS.items():
        rows = f", {sizes[name]:,} rows" if name in sizes else ""
        lines += [f"## `{name}` — `{info['file']}`{rows}", "", info["description"], ""]
        lines += ["| column | meaning | unit |", "|---|---|---|"]
        lines += [f"| `{c}` | {m} | {u} |" for c, (m, u) in info["columns"].items()]
        lines.append("")
    doc = (__doc__ or "").split("What the data holds")[1].split("The same seed")[0]
    lines += ["## What the data holds", "", "What the data holds" + doc.strip(), ""]
    lines += [
        "## Real data: `real/github-status/`", "",
        "`real/github-status/downtime_2022_2023.csv` is **real** public data, not generated: every "
        "downtime window GitHub's status page reported from 2022-03-24 to 2023-12-31, one row per incident "
        "and affected component (444 rows, 11 components), from the repository mrshu/github-statuses under "
        "the MIT licence (see `LICENSE` and `README.md` beside it). `read_dataset(\"github_status\")` reads "
        "it as incident records and `incidents_to_sli` turns them into a time-based availability SLI: the "
        "breach forecasts are backtested on it, because outages in real life are rarer, burstier and more "
        "heavy-tailed than in the generated data.", ""]
    return "\n".join(lines)


def generate(catalog: Catalog, *, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Generate every sample dataset in memory.

    Parameters
    ----------
    catalog : Catalog
        The services and SLOs to generate data for (the bundled ``catalog.yaml``).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    dict of str to DataFrame
        ``sli_5min``, ``incidents``, ``maintenance``, ``requirements``, ``sip_register``.
    """
    rng = np.random.default_rng(seed)
    plan = _incident_plan(catalog, rng)
    maint = _maintenance_plan(catalog)
    outages = _outage_plan(catalog, seed)
    sli = _sli(catalog, plan, maint, rng, _outage_sli(catalog, outages, seed))
    incidents = _incidents(catalog, plan, rng)
    # the outages' records numbered after the others, so that every other incident keeps its id
    extra = _outage_incidents(catalog, outages)
    extra.insert(0, "id", [f"INC-{len(incidents) + i + 1:04d}" for i in range(len(extra))])
    incidents = pd.concat([incidents, extra], ignore_index=True)
    return {
        "sli_5min": sli,
        "incidents": incidents.sort_values("started_at", kind="stable").reset_index(drop=True),
        "maintenance": maint,
        "requirements": _requirements(catalog, rng),
        "sip_register": _sip_register(),
    }


def _iso(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        out[c] = out[c].dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(out[c].notna(), "")
    return out


def write(data: dict[str, pd.DataFrame], out: Path, *, catalog: Catalog, seed: int) -> None:
    """Write generated datasets to ``out`` (each file via a temporary name, then renamed)."""
    out.mkdir(parents=True, exist_ok=True)

    def _replace(name: str, writer) -> None:
        tmp = out / f".{name}.tmp"
        writer(tmp)
        tmp.replace(out / name)

    sli = data["sli_5min"]
    _replace("sli_5min.parquet", lambda p: sli.to_parquet(p, index=False, compression="zstd",
                                                          compression_level=9, engine="pyarrow"))
    _replace("incidents.csv", lambda p: _iso(data["incidents"], ["started_at", "detected_at",
                                                                 "resolved_at"]).to_csv(p, index=False))
    _replace("maintenance.csv", lambda p: _iso(data["maintenance"], ["start", "end"]).to_csv(p, index=False))
    _replace("requirements.csv", lambda p: data["requirements"].to_csv(p, index=False))
    _replace("sip_register.csv", lambda p: data["sip_register"].to_csv(p, index=False))
    sizes = {k: len(v) for k, v in data.items()}
    _replace("README.md", lambda p: p.write_text(_readme(catalog, seed, sizes), encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m slm_analytics.synth --seed 7 --out datasets``."""
    parser = argparse.ArgumentParser(
        prog="python -m slm_analytics.synth", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("datasets"))
    parser.add_argument("--catalog", type=Path, default=None, help="catalog YAML (default: OUT/catalog.yaml)")
    args = parser.parse_args(argv)
    catalog = load_catalog(args.catalog or args.out / "catalog.yaml")
    data = generate(catalog, seed=args.seed)
    write(data, args.out, catalog=catalog, seed=args.seed)
    for name, frame in data.items():
        print(f"{name}: {len(frame):,} rows")
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
