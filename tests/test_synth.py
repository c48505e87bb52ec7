"""The committed sample datasets are exactly what the seeded generator produces."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from slm_analytics import read_dataset
from slm_analytics.data import dataset_path
from slm_analytics.synth import _incident_plan, generate, write


def _fingerprint(sli: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(sli["timestamp"].dt.tz_convert(None).dt.as_unit("us").to_numpy().view(np.int64).tobytes())
    h.update("|".join(sli["service"].astype(str) + "/" + sli["slo"].astype(str)).encode())
    h.update(sli["good"].to_numpy(np.int64).tobytes())
    h.update(sli["total"].to_numpy(np.int64).tobytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    catalog = read_dataset("catalog")
    out = tmp_path_factory.mktemp("datasets")
    data = generate(catalog, seed=7)
    write(data, out, catalog=catalog, seed=7)
    return data, out


def test_sli_file_equals_generator(generated):
    data, _ = generated
    committed = read_dataset("sli_5min")
    assert _fingerprint(committed) == _fingerprint(data["sli_5min"])


@pytest.mark.parametrize("name", ["incidents.csv", "maintenance.csv", "requirements.csv", "sip_register.csv",
                                  "README.md"])
def test_text_files_equal_generator(generated, name):
    _, out = generated
    assert (out / name).read_text() == (dataset_path("catalog").parent / name).read_text()


def test_other_seed_gives_other_incidents():
    catalog = read_dataset("catalog")
    a = _incident_plan(catalog, np.random.default_rng(7))
    b = _incident_plan(catalog, np.random.default_rng(8))
    assert not a.equals(b)


def test_sample_data_is_realistic(generated):
    """What later analyses rely on is really in the data (checks computed from the data itself)."""
    data, _ = generated
    sli = data["sli_5min"]
    catalog = read_dataset("catalog")
    # 12 months of 5-minute buckets for every SLO: 365 days * 288 buckets
    assert sli.groupby(["service", "slo"], observed=True).size().eq(365 * 288).all()
    assert len(sli.groupby(["service", "slo"], observed=True)) == len(catalog.slos)
    # low-traffic service: tens of events per bucket at most in business hours
    wiki = sli[(sli["service"] == "internal-wiki") & (sli["slo"] == "availability")]
    assert 5 <= wiki["total"].quantile(0.9) <= 80
    # two or more SLOs miss their target in at least one calendar month
    sli = sli.assign(month=sli["timestamp"].dt.tz_convert(None).dt.to_period("M"))
    monthly = sli.groupby(["service", "slo", "month"], observed=True)[["good", "total"]].sum()
    attainment = monthly["good"] / monthly["total"]
    targets = pd.Series({o.key: o.target for o in catalog.slos})
    missed = attainment[
        attainment.to_numpy() < targets.reindex(attainment.index.droplevel("month")).to_numpy()
    ]
    assert {("payments", "availability"), ("notifications", "delivery"), ("mobile-api", "latency")} <= {
        k[:2] for k in missed.index}
    # step regression: mobile-api latency bad share triples after 2026-06-16 09:30 UTC
    mob = data["sli_5min"]
    mob = mob[(mob["service"] == "mobile-api") & (mob["slo"] == "latency")]
    cut = pd.Timestamp("2026-06-16 09:30", tz="UTC")
    before = mob[(mob["timestamp"] < cut) & (mob["timestamp"] >= cut - pd.Timedelta(days=14))]
    after = mob[(mob["timestamp"] >= cut) & (mob["timestamp"] < cut + pd.Timedelta(days=14))]
    bad = lambda f: 1 - f["good"].sum() / f["total"].sum()  # noqa: E731
    assert bad(after) > 2 * bad(before)
    # incidents are consistent with the SLI: the P1 payments outage shows in its bucket
    inc = data["incidents"]
    p1 = inc[(inc["service"] == "payments") & (inc["severity"] == "P1")].iloc[0]
    pay = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    during = pay[(pay["timestamp"] >= p1["started_at"]) & (pay["timestamp"] < p1["resolved_at"])]
    assert 1 - during["good"].sum() / during["total"].sum() > 0.1


def test_incident_driven_service(generated):
    """partner-gateway: outages are rare, long and recorded; outside them next to no probe fails."""
    data, _ = generated
    sli, inc = data["sli_5min"], data["incidents"]
    pg = sli[sli["service"] == "partner-gateway"].reset_index(drop=True)
    out = inc[inc["service"] == "partner-gateway"]
    assert 2 <= len(out) <= 15  # about 0.7 a month over 12 months
    # the other services' incident ids come first: every id is unique and the outages' come last
    assert inc["id"].is_unique and set(out["id"]) == {f"INC-{len(inc) - i:04d}" for i in range(len(out))}
    covered = np.zeros(len(pg), dtype=bool)
    for r in out.itertuples():
        covered |= ((pg["timestamp"] + pd.Timedelta(minutes=5) > r.started_at)
                    & (pg["timestamp"] < r.resolved_at)).to_numpy()
    fail = 1 - pg["good"] / pg["total"]
    # outside the recorded outages: at most a handful of failed probes a month (background 0.02 %)
    assert fail[~covered].mean() < 0.001
    # every bucket where most probes fail lies inside a recorded outage
    assert covered[(fail > 0.5).to_numpy()].all()
    # heavy tail: the longest outage is over ten times the shortest and longer than the 216 minutes a
    # 99.5 % SLO allows in a 30-day month, so one outage alone misses a month
    minutes = (out["resolved_at"] - out["started_at"]).dt.total_seconds() / 60
    assert minutes.max() > 10 * minutes.min() and minutes.max() > 0.005 * 30 * 24 * 60
    month = pg["timestamp"].dt.tz_convert(None).dt.to_period("M")
    monthly = pg.groupby(month)[["good", "total"]].sum()
    missed = monthly["good"] / monthly["total"] < 0.995
    assert 1 <= missed.sum() <= 4 and (~missed).sum() >= 8
