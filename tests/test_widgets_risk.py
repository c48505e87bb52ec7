"""The SLO risk explorer: its views against independent calculations, the as_of cut, the live controls."""

from __future__ import annotations

import re

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from slm_analytics.errors import InsufficientDataError, ParameterError
from slm_analytics.forecast import breach_probabilities, breach_probability, exhaustion_time
from slm_analytics.review import load_risk_inputs, validate_risk_parameters
from slm_analytics.review.inputs import risk_inputs_at
from slm_analytics.widgets import Message, risk

CHECKOUT = ("checkout", "availability")  # Occurrences, 28d rolling, target 0.999, Europe/London
PAYMENTS = ("payments", "availability")  # Occurrences, calendar month, target 0.9995
AS_OF = pd.Timestamp("2026-09-07", tz="UTC")
N_PATHS = 300


@pytest.fixture(scope="module")
def full():
    return load_risk_inputs(validate_risk_parameters())


@pytest.fixture(scope="module")
def small(full):
    """The sample data of two SLOs only (the views are per SLO; two keep the fleet quick)."""
    keep = np.zeros(len(full.sli), dtype=bool)
    for service, slo in (CHECKOUT, PAYMENTS):
        keep |= ((full.sli["service"] == service) & (full.sli["slo"] == slo)).to_numpy()
    return risk_inputs_at(full.catalog, full.sli[keep], "")


@pytest.fixture(scope="module")
def fleet(small):
    return risk.fleet_view(small, as_of=AS_OF, n_paths=N_PATHS, seed=3)


def _rows(sli: pd.DataFrame, key: tuple[str, str], before: pd.Timestamp | None = None) -> pd.DataFrame:
    one = sli[((sli["service"] == key[0]) & (sli["slo"] == key[1])).to_numpy()]
    return one if before is None else one[(one["timestamp"] < before).to_numpy()]


def test_fleet_risk_is_breach_probabilities_on_the_data_before_as_of(small, fleet):
    # independent cut: plain pandas, the buckets starting before AS_OF
    cut = small.sli[(small.sli["timestamp"] < AS_OF).to_numpy()]
    expected = breach_probabilities(cut, small.catalog, as_of=AS_OF, n_paths=N_PATHS, seed=3)
    assert_frame_equal(fleet.risk, expected)
    assert fleet.as_of == AS_OF and fleet.inputs.sli["timestamp"].max() == AS_OF - pd.Timedelta(minutes=5)
    assert list(fleet.risk["service"] + "/" + fleet.risk["slo"]) == ["checkout/availability",
                                                                     "payments/availability"]


def test_fleet_exhaustion_is_exhaustion_time_of_each_slo(small, fleet):
    slo = small.catalog.slo(*PAYMENTS)
    ex = exhaustion_time(_rows(small.sli, PAYMENTS, AS_OF), slo, catalog=small.catalog, as_of=AS_OF,
                         n_paths=N_PATHS, seed=3)
    row = fleet.exhaustion.set_index(["service", "slo"]).loc[PAYMENTS]
    assert row["probability"] == pytest.approx(ex.probability, abs=0)
    assert row["remaining"] == pytest.approx(ex.remaining, rel=1e-12)
    # the dates are the times to exhaustion counted from the first simulated day
    assert (pd.isna(row["median_date"]) if ex.median is None else row["median_date"] == ex.as_of + ex.median)
    # payments is a calendar-month SLO: simulated to the end of September (London), 23:00 UTC on the 30th
    assert row["window_end"] == pd.Timestamp("2026-09-30 23:00", tz="UTC")


def test_the_data_from_as_of_on_is_not_used(small, fleet):
    """Every count from AS_OF on made bad: the views at AS_OF stay the same, the views at the end change."""
    spoiled = small.sli.copy()
    later = (spoiled["timestamp"] >= AS_OF).to_numpy()
    spoiled.loc[later, "good"] = 0
    spoiled_inputs = risk_inputs_at(small.catalog, spoiled, "")
    again = risk.fleet_view(spoiled_inputs, as_of=AS_OF, n_paths=N_PATHS, seed=3)
    assert_frame_equal(again.risk, fleet.risk)
    assert_frame_equal(again.exhaustion, fleet.exhaustion)
    assert_frame_equal(risk.slo_view(again, slo=CHECKOUT).history, risk.slo_view(fleet, slo=CHECKOUT).history)
    what_if = risk.target_view(again, slo=CHECKOUT, target=0.9995)
    unspoiled = risk.target_view(fleet, slo=CHECKOUT, target=0.9995)
    assert what_if.breach.probability == unspoiled.breach.probability
    # and the spoiled data would change the answer: at its end every window is missed for certain
    end = risk.fleet_view(spoiled_inputs, as_of=spoiled_inputs.as_of, n_paths=N_PATHS, seed=3)
    assert end.risk["probability"].tolist() == [1.0, 1.0]
    assert fleet.risk["probability"].max() < 1.0


def test_slo_view_history_trend_and_forecast(small, fleet):
    drill = risk.slo_view(fleet, slo=CHECKOUT)
    rows = _rows(small.sli, CHECKOUT, AS_OF)
    # daily error rate by plain sums over the UTC days
    day = rows["timestamp"].dt.floor("D")
    sums = rows.groupby(day)[["good", "total"]].sum()
    expected = 1 - sums["good"] / sums["total"]
    got = drill.history.set_index("timestamp")["error_rate"]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert len(drill.recent) == risk.TREND_DAYS and drill.recent["timestamp"].max() < AS_OF
    # Sen's slope (per day) by hand: the median of the slopes of every pair of days
    y = drill.recent["sli"].to_numpy()
    i, j = np.triu_indices(len(y), k=1)
    assert drill.trend.slope == pytest.approx(np.median((y[j] - y[i]) / (j - i)), rel=1e-9)
    fc = drill.forecast.forecasts
    assert len(fc) == risk.FORECAST_DAYS
    assert fc["timestamp"].min() == drill.history["timestamp"].max() + pd.Timedelta(days=1)
    assert drill.target == 0.999


def test_target_view_breach_is_breach_probability_with_the_same_seed(small, fleet):
    what_if = risk.target_view(fleet, slo=CHECKOUT, target=0.9995)
    rows = _rows(small.sli, CHECKOUT, AS_OF)
    direct = breach_probability(rows, small.catalog.slo(*CHECKOUT), target=0.9995, catalog=small.catalog,
                                as_of=AS_OF, n_paths=N_PATHS, seed=3)
    assert what_if.breach.probability == direct.probability
    assert (what_if.breach.low, what_if.breach.high) == (direct.low, direct.high)
    assert what_if.achievability.targets["target"].tolist() == [0.999, 0.9995]


def test_target_view_achievability_by_plain_sums_and_at_the_boundary(small, fleet):
    rows = _rows(small.sli, CHECKOUT, AS_OF)
    att = risk.target_view(fleet, slo=CHECKOUT, target=0.9995).achievability.attainment
    for r in att.iloc[[0, len(att) // 2, -1]].itertuples():  # each 28-day window by plain sums
        inside = ((rows["timestamp"] >= r.window_start) & (rows["timestamp"] < r.window_end)).to_numpy()
        by_hand = rows["good"][inside].sum() / rows["total"][inside].sum()
        assert r.attainment == pytest.approx(by_hand, rel=1e-12)
    # boundary: a target exactly equal to the median window's attainment; that window meets it (A >= T)
    edge = float(np.sort(att["attainment"].to_numpy())[len(att) // 2])
    boundary = risk.target_view(fleet, slo=CHECKOUT, target=edge).achievability.targets.set_index("target")
    expected = int((att["attainment"].to_numpy() >= edge).sum())  # the median window and every one above
    assert boundary.loc[edge, "met"] == expected == len(att) - len(att) // 2
    # the SLO's own target: one row, marked current
    own = risk.target_view(fleet, slo=CHECKOUT, target=0.999).achievability.targets
    assert own["target"].tolist() == [0.999] and bool(own["current"].iloc[0])


def test_no_data_and_too_early_are_the_package_errors(small, fleet):
    with pytest.raises(InsufficientDataError, match="no SLI data for search/availability before 2026-09-07"):
        risk.target_view(fleet, slo=("search", "availability"), target=0.999)
    with pytest.raises(ParameterError, match="is outside the data"):
        risk.fleet_view(small, as_of=small.start, n_paths=N_PATHS)
    with pytest.raises(InsufficientDataError):  # a week of data: the simulation needs 14 days
        risk.fleet_view(small, as_of=small.start + pd.Timedelta(days=7), n_paths=N_PATHS)


def test_controls_offer_only_possible_values(small):
    options = risk.as_of_options(small)
    times = [t for _, t in options]
    assert times[0] == small.as_of and "(end of data)" in options[0][0]
    assert all(b - a == pd.Timedelta(days=-7) for a, b in zip(times, times[1:], strict=False))
    assert min(times) > small.start and min(times) - pd.Timedelta(days=7) <= small.start
    targets = [v for _, v in risk.target_options(small)]
    assert all(0 < v < 1 for v in targets) and targets == sorted(targets)
    assert {o.target for o in small.catalog.slos} <= set(targets)
    with pytest.raises(ParameterError, match="is not one of the slider's targets"):
        risk.risk_explorer(small, n_paths=N_PATHS, target=0.12345, live=False)


@pytest.fixture
def counted(monkeypatch):
    calls = {"fleet_view": 0, "slo_view": 0, "target_view": 0}
    for name in calls:
        original = getattr(risk, name)

        def wrapper(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(risk, name, wrapper)
    return calls


def _html(output: w.Output) -> str:
    """The panel's text, without the random ids pandas gives each Styler's CSS."""
    text = "".join(str(o["data"].get("text/html", "")) for o in output.outputs)
    return re.sub(r"T_[0-9a-f]+", "T_", text)


def _model_ids(output: w.Output) -> list[str]:
    return [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for o in output.outputs
            if "application/vnd.jupyter.widget-view+json" in o["data"]]


def test_live_each_control_calls_its_view_once_and_redraws(small, counted):
    app = risk.risk_explorer(small, n_paths=N_PATHS, seed=3, live=True)
    assert counted == {"fleet_view": 1, "slo_view": 1, "target_view": 1}
    panels = {name: app.panel(name) for name in risk.PANELS}
    before = {name: [o["data"] for o in out.outputs] for name, out in panels.items()}
    assert all(isinstance(out, w.Output) for out in panels.values())
    assert isinstance(app.control_widgets["target"], w.SelectionSlider)
    assert app.control_widgets["target"].continuous_update is False

    app.control_widgets["target"].value = 0.99
    assert counted == {"fleet_view": 1, "slo_view": 1, "target_view": 2}
    assert "99%" in _html(panels["what_if"]) and panels["what_if"].outputs != tuple(before["what_if"])

    forecast_before, table_before = app._charts["forecast"][0].spec, _html(panels["fleet"])
    app.control_widgets["slo"].value = PAYMENTS
    assert counted == {"fleet_view": 1, "slo_view": 2, "target_view": 3}
    assert app.result.drill.service == "payments" and app.result.what_if.service == "payments"
    # the same chart widget (redrawn in place) with the new SLO's chart
    assert _model_ids(panels["forecast"]) == [app._charts["forecast"][0].model_id]
    assert app._charts["forecast"][0].spec != forecast_before
    assert _html(panels["fleet"]) == table_before  # the fleet was not simulated again

    earlier = app.control_widgets["as_of"].options[2][1]
    app.control_widgets["as_of"].value = earlier
    assert counted == {"fleet_view": 2, "slo_view": 3, "target_view": 4}
    assert app.result.fleet.as_of == earlier
    assert _html(panels["fleet"]) != table_before  # other probabilities, other window ends

    app.control_widgets["as_of"].value = app.control_widgets["as_of"].options[0][1]  # cached: no simulation
    assert counted["fleet_view"] == 2


def test_live_as_of_at_the_start_shows_a_message_not_a_traceback(small):
    app = risk.risk_explorer(small, n_paths=N_PATHS, seed=3, live=True)
    fleet_panel = app.panel("fleet")
    app.control_widgets["as_of"].value = app.control_widgets["as_of"].options[-1][1]  # the first week
    assert isinstance(app.result, Message)
    assert "slm-message" in _html(fleet_panel) and "14" in str(app.result)
    assert "slm-message" in _html(app.panel("what_if"))
    app.control_widgets["as_of"].value = app.control_widgets["as_of"].options[0][1]  # and back: charts again
    assert "application/vnd.jupyter.widget-view+json" in fleet_panel.outputs[0]["data"]


def test_static_shows_the_values_and_pictures(small):
    app = risk.risk_explorer(small, n_paths=N_PATHS, seed=3, live=False)
    assert "checkout / availability" in app.controls.data and "99.95 %" in app.controls.data
    shown = app.shown("what_if")
    assert type(shown[0]).__name__ == "LayerChart" and len(shown) == 3


def test_the_rows_given_to_the_simulations_cover_their_whole_history():
    from slm_analytics.forecast import HISTORY_WEEKS

    # the longest window (a quarter, 92 days) and every history week the breach simulation resamples
    assert risk.SIMULATION_DAYS >= 92 + 7 * HISTORY_WEEKS
