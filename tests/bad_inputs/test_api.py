"""Bad arguments to the public functions, as users write them, each with the exact message it gives.

Every message names the function or the argument (``target``, ``window``, ``by``, ``horizon``...) or the
column, quotes the bad value and says what is expected; none is a raw pandas, numpy or pydantic message.
Frames are tiny (60 days of one series) so the table runs in a second; the catalog, incidents and SLAs are
the bundled ones. ``{path}`` in an expected message stands for the case's own (missing) file.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from slm_analytics import (
    attainment,
    availability_from_incidents,
    breach_probability,
    burn_rate_alerts,
    error_budget,
    load_catalog,
    ratio_sli,
    read_dataset,
    read_openslo,
    rolling_compliance,
    service_credits,
    sla_attainment,
    trend_test,
)
from slm_analytics.errors import DataError, DefinitionError, InsufficientDataError, ParameterError

COLUMNS = "'timestamp', 'service', 'slo', 'good', 'total'"
BY = "by= names the columns that identify a series, such as ('service', 'slo'), or () for one series"
PERCENT = "write 99.9 % as 0.999"
GRAMMAR = ("expected a positive duration '<n><unit>' with unit s, m, h, d or w (e.g. '28d', '5m') or a "
           "calendar period week, month, quarter")
MONTH = "2026-01-01T00:00Z", "2026-02-01T00:00Z"
SLAS = ("['checkout/retail-partners', 'payments/merchant-gateway', 'login/sso-partners', "
        "'mobile-api/app-store-partners', 'search/affiliate-search', 'email/bulk-senders', "
        "'support-portal/enterprise-support']")


def budget(**kwargs):
    """error_budget with 99 good of 100 events against 99.9 % over 28 days, but for ``kwargs``."""
    return error_budget(**{"good": 99, "total": 100, "target": 0.999, "window": "28d", **kwargs})


def case(name, call, expected, *, error=ParameterError):
    """One row: ``call(f)``; ``f`` holds sli, catalog, slo, bare_slo, incidents and path."""
    return pytest.param(call, error, expected, id=name)


CASES = [
    # ---- error_budget: counts
    case("budget NaN count", lambda f: budget(good=math.nan),
         "good (nan) is not a finite number; counts are numbers of events or slices"),
    case("budget infinite count", lambda f: budget(total=math.inf),
         "total (inf) is not a finite number; counts are numbers of events or slices"),
    case("budget negative count", lambda f: budget(good=-1),
         "good (-1) is negative; counts are numbers of events or slices, 0 or more"),
    case("budget count as text", lambda f: budget(good="99"),
         "good ('99') is not a number; counts are numbers of events or slices"),
    case("budget good above total", lambda f: budget(good=101),
         "good (101) exceeds total (100); good events are a subset of all events"),
    case("budget no events", lambda f: budget(good=0, total=0),
         "no events in the window (total = 0): there is no data to compute an error budget from",
         error=InsufficientDataError),
    # ---- error_budget: target and window
    case("target as a percentage", lambda f: budget(target=99.9),
         f"target 99.9 is outside (0, 1): {PERCENT}"),
    case("target 0", lambda f: budget(target=0), f"target 0 is outside (0, 1): {PERCENT}"),
    case("target 1", lambda f: budget(target=1), f"target 1 is outside (0, 1): {PERCENT}"),
    case("target as text", lambda f: budget(target="0.999"),
         f"target '0.999' is outside (0, 1): {PERCENT}, a number, not a str"),
    case("budget window the pandas way", lambda f: budget(window="30D"),
         f"window '30D': unparsable window '30D': {GRAMMAR}; did you mean '30d'?"),
    case("budget window in words", lambda f: budget(window="1 month"),
         f"window '1 month': unparsable window '1 month': {GRAMMAR}; did you mean 'month' (the calendar "
         "month) or '30d' (rolling)?"),
    # pandas reads a bare 30 as 30 nanoseconds: a 0-minute budget 500 % consumed, before this was refused
    case("budget window a bare number", lambda f: budget(window=30),
         "window 30 is a number without a unit; give a duration such as '28d' or a timedelta"),
    case("budget elapsed negative", lambda f: budget(elapsed="-1d"),
         f"elapsed '-1d': unparsable window '-1d': {GRAMMAR}"),
    case("budget elapsed beyond the window", lambda f: budget(elapsed="29d"),
         "elapsed 29d is longer than the window 28d"),
    # ---- attainment, rolling_compliance, burn_rate_alerts: columns, windows, methods, by
    case("attainment missing column", lambda f: attainment(f.sli.drop(columns="good"), method="Occurrences"),
         "attainment: missing column(s) 'good'; found 'timestamp', 'service', 'slo', 'total'",
         error=DataError),
    case("attainment unknown method", lambda f: attainment(f.sli, method="occurrences"),
         "unknown budgeting method 'occurrences'; expected one of Occurrences, Timeslices, RatioTimeslices"),
    case("attainment slice window the pandas way",
         lambda f: attainment(f.sli, method="Timeslices", timeslice_target=0.99, timeslice_window="5M"),
         f"timeslice_window '5M': unparsable window '5M': {GRAMMAR}; did you mean '5m'?"),
    case("attainment Timeslices without a slice target", lambda f: attainment(f.sli, method="Timeslices"),
         "method 'Timeslices' needs timeslice_target (the ratio a good slice must reach)"),
    # a string used to be split into its letters: "missing column(s) 'n', 'o', 'p', 'e'"
    case("attainment by a string naming no column",
         lambda f: attainment(f.sli, method="Occurrences", by="nope"),
         f"attainment: missing column(s) 'nope' named in by=; found {COLUMNS}; {BY}", error=DataError),
    case("attainment by a number", lambda f: attainment(f.sli, method="Occurrences", by=3),
         "attainment: by=3 must be a column name or a sequence of column names, such as ('service', 'slo') "
         "(or () for one series)"),
    case("attainment counts as floats", lambda f: attainment(f.sli.assign(good=99.5), method="Occurrences"),
         "attainment: column 'good' must hold integer event counts, not float64", error=DataError),
    case("attainment naive timestamps",
         lambda f: attainment(f.sli.assign(timestamp=f.sli["timestamp"].dt.tz_localize(None)),
                              method="Occurrences"),
         "attainment: column 'timestamp' must be timezone-aware timestamps (read data with read_sli)",
         error=DataError),
    case("rolling window the pandas way", lambda f: rolling_compliance(f.sli, window="30D", target=0.999),
         f"window '30D': unparsable window '30D': {GRAMMAR}; did you mean '30d'?"),
    case("rolling window in words", lambda f: rolling_compliance(f.sli, window="1 month", target=0.999),
         f"window '1 month': unparsable window '1 month': {GRAMMAR}; did you mean 'month' (the calendar "
         "month) or '30d' (rolling)?"),
    case("rolling missing column", lambda f: rolling_compliance(f.sli.drop(columns="total"), window="28d",
                                                                 target=0.999),
         "rolling_compliance: missing column(s) 'total'; found 'timestamp', 'service', 'slo', 'good'",
         error=DataError),
    case("rolling by a string naming no column",
         lambda f: rolling_compliance(f.sli, window="28d", target=0.999, by="nope"),
         f"rolling_compliance: missing column(s) 'nope' named in by=; found {COLUMNS}; {BY}",
         error=DataError),
    case("rolling neither catalog nor window", lambda f: rolling_compliance(f.sli),
         "give window= and target=, or a catalog that defines them for every SLO in the data"),
    case("rolling catalog given as its path", lambda f: rolling_compliance(f.sli, "datasets/catalog.yaml"),
         "rolling_compliance: catalog 'datasets/catalog.yaml' is not a Catalog; read the file first with "
         "load_catalog(path) or read_openslo(path), or use read_dataset('catalog')"),
    case("alerts period the pandas way", lambda f: burn_rate_alerts(f.sli, target=0.999, period="30D"),
         f"period '30D': unparsable window '30D': {GRAMMAR}; did you mean '30d'?"),
    case("alerts missing column", lambda f: burn_rate_alerts(f.sli.drop(columns="good"), target=0.999),
         "burn_rate_alerts: missing column(s) 'good'; found 'timestamp', 'service', 'slo', 'total'",
         error=DataError),
    case("alerts by a string naming no column", lambda f: burn_rate_alerts(f.sli, target=0.999, by="nope"),
         f"burn_rate_alerts: missing column(s) 'nope' named in by=; found {COLUMNS}; {BY}", error=DataError),
    case("alerts without a target", lambda f: burn_rate_alerts(f.sli),
         "give target=, or a catalog that defines the target of every SLO in the data"),
    case("alerts policy by name", lambda f: burn_rate_alerts(f.sli, target=0.999, policy="sre-workbook"),
         "policy must be a DataFrame, an AlertPolicy or None, not str"),
    # ---- breach_probability
    case("breach SLO without a zone", lambda f: breach_probability(f.sli, f.bare_slo),
         "breach_probability: give tz= (the time zone of service 'checkout', which cuts its days and "
         "calendar periods) or catalog= (to take it from the catalog)"),
    case("breach SLO given by name", lambda f: breach_probability(f.sli, "checkout/availability"),
         "breach_probability: slo must be a catalog SLO (catalog.slo(service, name)), not str"),
    case("breach horizon 0d", lambda f: breach_probability(f.sli, f.slo, horizon="0d"),
         "horizon '0d' is not a positive duration; use whole days such as '7d'"),
    case("breach horizon soon", lambda f: breach_probability(f.sli, f.slo, horizon="soon"),
         "horizon 'soon' is not a positive duration; use whole days such as '7d'"),
    case("breach horizon the pandas way", lambda f: breach_probability(f.sli, f.slo, horizon="7D"),
         "horizon '7D' is not a positive duration; did you mean '7d'? use whole days such as '7d'"),
    case("breach horizon a bare number", lambda f: breach_probability(f.sli, f.slo, horizon=7),
         "horizon 7 is a number without a unit; give a duration such as '7d' or a timedelta"),
    case("breach horizon in hours", lambda f: breach_probability(f.sli, f.slo, horizon="12h"),
         "horizon '12h' must be a positive whole number of days such as '7d'"),
    case("breach as_of without a zone", lambda f: breach_probability(f.sli, f.slo, as_of="2026-02-01"),
         "as_of '2026-02-01' has no time zone; give an offset ('2026-03-01T00:00Z', "
         "'2026-03-01T00:00+01:00') or a timezone-aware Timestamp: naive times are not guessed to be UTC"),
    case("breach as_of after the data", lambda f: breach_probability(f.sli, f.slo, as_of="2027-01-01T00:00Z"),
         "breach_probability: as_of 2027-01-01 00:00:00+00:00 is after the end of the data (2026-03-02 "
         "00:00:00+00:00); give a time within the data"),
    case("breach no paths", lambda f: breach_probability(f.sli, f.slo, n_paths=0),
         "n_paths 0 must be an integer >= 1"),
    case("breach seed as text", lambda f: breach_probability(f.sli, f.slo, seed="x"),
         "seed 'x' must be None, an integer or a numpy Generator"),
    case("breach unknown zone", lambda f: breach_probability(f.sli, f.bare_slo, tz="Mars/Base"),
         "unknown time zone 'Mars/Base': expected an IANA name such as 'UTC', 'Europe/London', 'Asia/Seoul'"),
    case("breach too little history", lambda f: breach_probability(f.sli.iloc[:3], f.slo),
         "breach_probability: SLO checkout/availability has 3 days with events before as_of; at least 14 "
         "days of history are needed", error=InsufficientDataError),
    # ---- availability_from_incidents
    case("availability start after end",
         lambda f: availability_from_incidents(f.incidents, start=MONTH[1], end=MONTH[0]),
         "window end 2026-01-01 00:00:00+00:00 is not after window start 2026-02-01 00:00:00+00:00; the "
         "window is [start, end) with start < end"),
    case("availability naive start",
         lambda f: availability_from_incidents(f.incidents, start="2026-01-01", end=MONTH[1]),
         "window start '2026-01-01' has no time zone; give an offset ('2026-03-01T00:00Z', "
         "'2026-03-01T00:00+01:00') or a timezone-aware Timestamp: naive times are not guessed to be UTC"),
    case("availability start in words",
         lambda f: availability_from_incidents(f.incidents, start="yesterday", end=MONTH[1]),
         "window start 'yesterday' is not a timestamp; give ISO 8601 with an offset such as "
         "'2026-03-01T00:00Z'"),
    case("availability by no column",
         lambda f: availability_from_incidents(f.incidents, start=MONTH[0], end=MONTH[1], by="nope"),
         "availability_from_incidents: missing column(s) 'nope' named in by=; found 'id', 'service', 'slo', "
         "'severity', 'cause', 'started_at', 'detected_at', 'resolved_at', 'title', 'ongoing'; by= names the "
         "columns that identify a series, such as ('service', 'slo'), or () for one series", error=DataError),
    # ---- SLAs and credits
    case("SLA unknown", lambda f: sla_attainment(f.sli, f.catalog, sla="gold"),
         f"SLA 'gold' is not in the catalog; the catalog has {SLAS}"),
    case("SLA catalog missing", lambda f: sla_attainment(f.sli, None),
         "sla_attainment: catalog None is not a Catalog; read the file first with load_catalog(path) or "
         "read_openslo(path), or use read_dataset('catalog')"),
    # a string used to be read tier by tier, one letter each: "credit tier 'g' must be a CreditTier..."
    case("credits for an SLA name", lambda f: service_credits(0.99, "gold"),
         "credit tiers 'gold' must be a list of tiers, e.g. an SLA's credits (catalog.slas[0].credits) or "
         "[{'below': 0.999, 'credit': 0.1}], or a DataFrame with columns 'below' and 'credit'",
         error=DefinitionError),
    case("credits tier without a credit", lambda f: service_credits(0.99, [{"below": 0.99}]),
         "credit tier {'below': 0.99} must be a CreditTier or a mapping with 'below' and 'credit'",
         error=DefinitionError),
    case("credits attainment as a percentage",
         lambda f: service_credits(99.5, [{"below": 0.999, "credit": 0.1}]),
         f"attainment 99.5 is outside [0, 1]: {PERCENT}"),
    # ---- trends, SLIs, datasets and files
    case("trend too few points", lambda f: trend_test([0.99, 0.98]),
         "trend_test: 2 non-NaN value(s); the Mann-Kendall test needs at least 3",
         error=InsufficientDataError),
    case("trend unknown method", lambda f: trend_test([0.99, 0.98, 0.97, 0.96], method="sen"),
         "method 'sen' is not one of 'original', 'hamed_rao'"),
    # the message used to name only the container: "values must be numbers; got list"
    case("trend value as text", lambda f: trend_test([0.99, 0.98, "n/a", 0.96]),
         "trend_test: values must be numbers; position 2 is 'n/a'", error=DataError),
    case("ratio freq in words", lambda f: ratio_sli(f.sli, freq="1 day"),
         "freq '1 day' is not a pandas offset alias such as '1h', '1D', 'W-MON' or 'MS'"),
    case("ratio by a string naming no column", lambda f: ratio_sli(f.sli, by="nope"),
         f"ratio_sli: missing column(s) 'nope' named in by=; found {COLUMNS}; {BY}", error=DataError),
    case("ratio by a column in another case", lambda f: ratio_sli(f.sli, by=("Service",)),
         f"ratio_sli: missing column(s) 'Service' named in by=; found {COLUMNS}; did you mean 'service' for "
         f"'Service'?; {BY}", error=DataError),
    case("unknown dataset", lambda f: read_dataset("sli"),
         "unknown dataset 'sli'; available: catalog, sli_5min, incidents, maintenance, requirements, "
         "sip_register, github_status"),
    case("catalog file missing", lambda f: load_catalog(f.path),
         "{path}: cannot read definition file: No such file or directory", error=DefinitionError),
    case("OpenSLO file missing", lambda f: read_openslo(f.path),
         "{path}: cannot read definition file: No such file or directory", error=DefinitionError),
]


@pytest.fixture(scope="module")
def fixtures() -> SimpleNamespace:
    catalog = read_dataset("catalog")
    times = pd.date_range("2026-01-01", periods=60, freq="1D", tz="UTC").as_unit("us")
    sli = pd.DataFrame({"timestamp": times, "service": "checkout", "slo": "availability",
                        "good": 999, "total": 1000})
    slo = catalog.slo("checkout", "availability")  # carries its service's zone, Europe/London
    bare_slo = slo.model_copy(update={"timezone": None})  # as a user builds it, without a catalog
    return SimpleNamespace(sli=sli, catalog=catalog, slo=slo, bare_slo=bare_slo,
                           incidents=read_dataset("incidents"))


@pytest.mark.parametrize(("call", "error", "expected"), CASES)
def test_bad_api_argument(tmp_path: Path, fixtures, call, error, expected):
    path = tmp_path / "missing.yaml"
    with pytest.raises(error) as info:
        call(SimpleNamespace(**vars(fixtures), path=path))
    assert type(info.value) is error
    assert str(info.value) == expected.replace("{path}", str(path))


def test_the_table_is_large_enough():
    assert len(CASES) >= 25


def test_by_as_one_string_is_one_column(fixtures):
    """``by="service"`` is ``by=("service",)``, as ``availability_from_incidents`` reads it: not 7 letters."""
    sli = fixtures.sli
    pd.testing.assert_frame_equal(ratio_sli(sli, by="service"), ratio_sli(sli, by=("service",)))
    pd.testing.assert_frame_equal(attainment(sli, method="Occurrences", by="service"),
                                  attainment(sli, method="Occurrences", by=("service",)))


def test_by_empty_takes_the_frame_as_one_series(fixtures):
    """``by=()`` gives one row of attainment over all rows (issue 9: it failed with "nan is not in list")."""
    out = attainment(fixtures.sli, method="Occurrences", by=())
    assert len(out) == 1
    # 60 days of 999 good of 1000 events: 59,940 / 60,000
    assert out["attainment"].iloc[0] == pytest.approx(59_940 / 60_000, rel=1e-12)
