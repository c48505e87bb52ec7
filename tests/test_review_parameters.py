"""Tests for slm_analytics.review.parameters: the review and risk-forecast notebooks' parameter validation.

One test runs the real review notebook with papermill and a misspelt parameter, which papermill only warns
about: the notebook's validation cell must stop the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slm_analytics import review
from slm_analytics.errors import ParameterError
from slm_analytics.review import ReviewParameters, validate_parameters

ROOT = Path(__file__).resolve().parent.parent


def test_validate_parameters_ok():
    params = validate_parameters(service="checkout", period="2026-10", data_dir="")
    assert params == ReviewParameters(service="checkout", period="2026-10")
    assert params.data_dir == ""


def test_parameters_are_frozen_and_closed():
    params = validate_parameters(service="checkout", period="2026-10")
    with pytest.raises(Exception, match="frozen"):
        params.period = "2026-09"  # type: ignore[misc]
    assert ReviewParameters.model_config["extra"] == "forbid"


def test_unknown_parameter():
    with pytest.raises(ParameterError, match=r"^unknown review parameter 'perod'; allowed: service, period, "
                                             r"data_dir, previous_summary, at_risk_probability$"):
        validate_parameters(service="checkout", period="2026-10", perod="2026-10")


def test_several_unknown_parameters():
    with pytest.raises(ParameterError, match=r"unknown review parameters 'a', 'b'; allowed"):
        validate_parameters(service="checkout", period="2026-10", a=1, b=2)


def test_missing_parameter():
    message = r"^missing review parameter 'period'; required: service, period$"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout")


def test_unknown_and_missing_reported_together():
    with pytest.raises(ParameterError, match=r"unknown review parameter 'servce'.*; missing review parameter "
                                             r"'service'"):
        validate_parameters(servce="checkout", period="2026-10")


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "latest", "2026-10-01", "2026-Q5", "2026Q3"])
def test_bad_period(period):
    message = rf"review parameter 'period': '{period}' is not a calendar month or quarter; expected 'YYYY-MM'"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", period=period)


def test_a_quarter_is_a_period():
    assert validate_parameters(service="checkout", period="2026-Q3").period == "2026-Q3"


def test_previous_summary_must_be_a_file(tmp_path):
    message = r"review parameter 'previous_summary': '.*nope.json' is not a file"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", period="2026-10",
                            previous_summary=str(tmp_path / "nope.json"))


@pytest.mark.parametrize("value", [0, 1.5, -0.1, True, "0.5"])
def test_at_risk_probability_is_a_probability(value):
    message = r"review parameter 'at_risk_probability': .* is not a probability"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", period="2026-10", at_risk_probability=value)


def test_at_risk_probability_accepts_one_and_whole_numbers():
    params = validate_parameters(service="checkout", period="2026-10", at_risk_probability=1)
    assert params.at_risk_probability == 1.0


def test_period_must_be_a_string():
    message = r"review parameter 'period': expected a string, got 202610 \(int\)"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", period=202610)


def test_bad_service_name():
    message = r"review parameter 'service': 'Check Out' is not a service name"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="Check Out", period="2026-10")


def test_data_dir_must_exist(tmp_path):
    missing = tmp_path / "nope"
    message = r"review parameter 'data_dir': '.*nope' is not a folder; expected '' \(bundled sample data\)"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", period="2026-10", data_dir=str(missing))


def test_parameters_in_picks_the_literal_variables_of_a_notebook():
    import math

    namespace = {"In": ["x"], "Out": {1: 2}, "get_ipython": print, "__name__": "__main__", "_": 1, "_i1": "x",
                 "math": math, "service": "checkout", "period": "2026-10", "data_dir": "", "mnth": "2026-9"}
    found = review.parameters_in(namespace)
    assert found == {"service": "checkout", "period": "2026-10", "data_dir": "", "mnth": "2026-9"}
    with pytest.raises(ParameterError, match=r"unknown review parameter 'mnth'"):
        validate_parameters(**found)


def test_papermill_run_with_a_misspelt_parameter_fails_in_the_validation_cell(tmp_path):
    """papermill only warns about ``mnth``; the notebook's validation cell must stop the run."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as exc:
        papermill.execute_notebook(str(ROOT / review.DEFAULT_NOTEBOOK), str(tmp_path / "out.ipynb"),
                                   parameters={"mnth": "2026-09"}, progress_bar=False, kernel_name="python3")
    assert exc.value.ename == "ParameterError"
    assert "unknown review parameter 'mnth'; allowed: service, period, data_dir" in exc.value.evalue


def test_validate_risk_parameters_defaults_and_values():
    assert review.validate_risk_parameters() == review.RiskParameters(as_of="", data_dir="", n_paths=2000)
    assert review.validate_risk_parameters(as_of="2026-07-01T00:00+09:00", n_paths=500).n_paths == 500


@pytest.mark.parametrize(("params", "message"), [
    ({"asof": "2026-07-01"}, r"^unknown risk-forecast parameter 'asof'; allowed: as_of, data_dir, n_paths$"),
    ({"as_of": "soon"}, r"risk-forecast parameter 'as_of': 'soon' is not a time; expected ''"),
    ({"as_of": "2026-07-01 12:00"}, r"'as_of': '2026-07-01 12:00' has no time zone; give a date 'YYYY-MM"),
    ({"as_of": "July"}, r"'as_of': 'July' has no time zone"),
    ({"n_paths": 50}, r"'n_paths': 50 simulated paths are too few .* give at least 100"),
    ({"n_paths": 2000.0}, r"'n_paths': expected a whole number, got 2000.0 \(float\)"),
    ({"data_dir": "/nonexistent"}, r"'data_dir': '/nonexistent' is not a folder"),
])
def test_validate_risk_parameters_rejects(params, message):
    with pytest.raises(ParameterError, match=message):
        review.validate_risk_parameters(**params)
