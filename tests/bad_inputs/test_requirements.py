"""Bad users' requirements, read from a file or handed to the API, each with the exact message it gives.

File cases (``read_requirements``) name the file, the row and physical line and the column; API cases
(``requirements_gap``, ``slo_coverage``, ``importance_performance``) name the function and the requirement
by its id, or the argument. ``{path}`` in an expected message stands for the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slm_analytics.catalog import Catalog
from slm_analytics.data import read_dataset, read_requirements
from slm_analytics.errors import DataError, ParameterError
from slm_analytics.requirements import importance_performance, requirements_gap, slo_coverage

H = ("id,service,requirement,user_segment,importance,satisfaction,respondents,required_level_text,"
     "required_target,threshold_ms,linked_slo\n")
ROW = "R1,checkout,Orders work,shoppers,5,4.2,473,99.9 %,0.999,,availability\n"
LAT = "R2,checkout,Checkout is fast,shoppers,4,4.5,106,99 % under 500 ms,0.99,500,latency\n"
SERVICES = ("checkout, payments, search, login, catalog, notifications, mobile-api, reporting, "
            "data-pipeline, support-portal, email, internal-wiki, partner-gateway")
SHARE = ("expected the share that must meet the requirement, strictly between 0 and 1 (write 99.9 % as "
         "0.999), or an empty cell when the level is not a measurable share")
MS = "expected the time limit in milliseconds, such as 500, or an empty cell when none"
SLI = pd.DataFrame({"timestamp": pd.date_range("2026-01-05", periods=2, freq="5min", tz="UTC", unit="us"),
                    "service": "checkout", "slo": "availability", "good": [99, 100], "total": [100, 100]})
PERIOD = {"start": "2026-01-05T00:00Z", "end": "2026-01-06T00:00Z"}


def frame(**columns) -> pd.DataFrame:
    """Two requirements as read_requirements returns them."""
    data = {
        "id": ["R1", "R2"], "service": ["checkout", "checkout"], "requirement": ["Orders work", "Fast"],
        "user_segment": ["shoppers", "shoppers"], "importance": [5, 4], "satisfaction": [4.2, 4.5],
        "respondents": [473, 106], "required_level_text": ["99.9 %", "99 % under 500 ms"],
        "required_target": [0.999, 0.99], "threshold_ms": [np.nan, 500.0],
        "linked_slo": ["availability", "latency"],
    }
    data.update(columns)
    return pd.DataFrame({k: v for k, v in data.items() if v is not None})


def read(name, content, expected, *, error=DataError, **kwargs):
    return pytest.param(content, read_requirements, kwargs, error, expected, id=name)


def api(name, call, requirements, expected, *, error=DataError, **kwargs):
    return pytest.param(requirements, call, kwargs, error, expected, id=name)


def gap(requirements, **kwargs):
    sli, catalog = kwargs.pop("sli", SLI), kwargs.pop("catalog")
    return requirements_gap(requirements, sli, catalog, **{**PERIOD, **kwargs})


CASES = [
    # ---- files
    read("unknown service with catalog", H + ROW.replace("checkout", "chekout"),
         f"{{path}}: row 1 (line 2), column 'service': 'chekout' is not a service of the catalog; known "
         f"services: {SERVICES}", catalog=True),
    read("unknown linked SLO with catalog", H + ROW + LAT.replace(",latency", ",speed"),
         "{path}: row 2 (line 3), column 'linked_slo': 'speed' is not an SLO of service 'checkout'; its "
         "SLOs: availability, latency, uptime", catalog=True),
    read("importance above 5", H + ROW.replace(",5,", ",6,"),
         "{path}: row 1 (line 2), column 'importance': '6' is outside 1-5; expected an integer from 1 to 5"),
    read("importance 0 after a blank line", H + ROW + "\n" + LAT.replace(",4,4.5,", ",0,4.5,"),
         "{path}: row 2 (line 4), column 'importance': '0' is outside 1-5; expected an integer from 1 to 5"),
    read("satisfaction above 5", H + ROW.replace(",4.2,", ",5.5,"),
         "{path}: row 1 (line 2), column 'satisfaction': '5.5' is outside 1-5; expected a number from 1 to "
         "5"),
    read("satisfaction as a percentage", H + ROW.replace(",4.2,", ",84%,"),
         "{path}: row 1 (line 2), column 'satisfaction': '84%' is not a number from 1 to 5"),
    read("no respondents", H + ROW.replace(",473,", ",0,"),
         "{path}: row 1 (line 2), column 'respondents': '0' is not a positive number of people; a mean of "
         "survey answers needs at least 1 respondent"),
    read("negative respondents", H + ROW.replace(",473,", ",-12,"),
         "{path}: row 1 (line 2), column 'respondents': '-12' is negative; counts are non-negative integers"),
    read("required target as a percentage", H + ROW.replace(",0.999,", ",99.9,"),
         f"{{path}}: row 1 (line 2), column 'required_target': '99.9' is outside (0, 1); {SHARE}"),
    read("required target 1", H + ROW + LAT.replace(",0.99,", ",1,"),
         f"{{path}}: row 2 (line 3), column 'required_target': '1' is outside (0, 1); {SHARE}"),
    read("required target 0", H + ROW.replace(",0.999,", ",0,"),
         f"{{path}}: row 1 (line 2), column 'required_target': '0' is outside (0, 1); {SHARE}"),
    read("required target with a percent sign", H + ROW.replace(",0.999,", ",99.9 %,"),
         f"{{path}}: row 1 (line 2), column 'required_target': '99.9 %' is not a number; {SHARE}"),
    read("threshold 0", H + LAT.replace(",500,", ",0,"),
         f"{{path}}: row 1 (line 2), column 'threshold_ms': '0' is not a positive number; {MS}"),
    read("threshold with a unit", H + LAT.replace(",500,", ",500ms,"),
         f"{{path}}: row 1 (line 2), column 'threshold_ms': '500ms' is not a number; {MS}"),
    read("repeated id", H + ROW + LAT.replace("R2,", "R1,"),
         "{path}: row 2 (line 3), column 'id': 'R1' is the id of row 1 (line 2) too; each requirement is one "
         "row (merge the rows, or give each requirement its own id)"),
    read("empty id", H + ROW + LAT.replace("R2,", ","),
         "{path}: row 2 (line 3), column 'id': is empty; a name is required"),
    read("both names of the level column",
         H.replace("\n", ",required_level\n") + ROW.replace("\n", ",99.9 %\n"),
         "{path}: columns 'required_level' and 'required_level_text' are both given; 'required_level' is the "
         "earlier name of 'required_level_text': keep one of them"),
    # ---- frames handed to the API
    api("gap: required target as a percentage", gap, frame(required_target=[99.9, 0.99]),
        "requirements_gap: requirement 'R1', column 'required_target': 99.9 is outside (0, 1); write 99.9 % "
        "as 0.999 (or leave it empty when the level is not a share)"),
    api("gap: unknown linked SLO", gap, frame(linked_slo=["availability", "speed"]),
        "requirements_gap: requirement 'R2', column 'linked_slo': 'speed' is not an SLO of service "
        "'checkout'; its SLOs: availability, latency, uptime"),
    api("gap: unknown service", gap, frame(service=["checkout", "chekout"]),
        f"requirements_gap: requirement 'R2', column 'service': 'chekout' is not a service of the catalog; "
        f"known services: {SERVICES}"),
    api("gap: importance outside 1-5", gap, frame(importance=[5, 7]),
        "requirements_gap: requirement 'R2', column 'importance': 7 is outside 1-5; expected a number from 1 "
        "to 5"),
    api("gap: satisfaction as text", gap, frame(satisfaction=["good", "4.5"]),
        "requirements_gap: requirement 'R1', column 'satisfaction': 'good' is not a number; expected a "
        "number from 1 to 5"),
    api("gap: no respondents", gap, frame(respondents=[0, 106]),
        "requirements_gap: requirement 'R1', column 'respondents': 0 is not a whole number of people >= 1"),
    api("gap: threshold not positive", gap, frame(threshold_ms=[np.nan, -500.0]),
        "requirements_gap: requirement 'R2', column 'threshold_ms': -500.0 is not a positive number of "
        "milliseconds"),
    api("gap: repeated id", gap, frame(id=["R1", "R1"]),
        "requirements_gap: requirement 'R1', column 'id': appears more than once; each requirement is one "
        "row (merge the rows, or give each requirement its own id)"),
    api("gap: missing column", gap, frame(satisfaction=None),
        "requirements_gap: requirements: missing column(s) 'satisfaction'; found 'id', 'service', "
        "'requirement', 'user_segment', 'importance', 'respondents', 'required_level_text', "
        "'required_target', 'threshold_ms', 'linked_slo'"),
    api("gap: naive period", gap, frame(),
        "requirements_gap: start '2026-01-05T00:00' has no time zone; give an offset ('2026-03-01T00:00Z', "
        "'2026-03-01T00:00+01:00') or a timezone-aware Timestamp: naive times are not guessed to be UTC",
        error=ParameterError, start="2026-01-05T00:00"),
    api("gap: end before start", gap, frame(),
        "requirements_gap: end 2026-01-04 00:00:00+00:00 is not after start 2026-01-05 00:00:00+00:00; the "
        "period is [start, end) with start < end", error=ParameterError, end="2026-01-04T00:00Z"),
    api("gap: level as a percentage", gap, frame(),
        "requirements_gap: level 95 is outside (0, 1): write 95 % as 0.95", error=ParameterError, level=95),
    api("gap: naive SLI timestamps", gap, frame(),
        "requirements_gap: sli column 'timestamp' holds datetime64[us] values; timezone-aware timestamps are "
        "needed (read data with read_sli, or localize with .dt.tz_localize('UTC'))",
        sli=SLI.assign(timestamp=SLI["timestamp"].dt.tz_localize(None))),
    api("coverage: overengineering above 1", slo_coverage, frame(),
        "slo_coverage: overengineering 2 is outside (0, 1]; it is the fraction of the strictest "
        "requirement's allowed bad share below which an SLO counts as far stricter (0.5)",
        error=ParameterError, overengineering=2),
    api("coverage: required target 0", slo_coverage, frame(required_target=[0.0, 0.99]),
        "slo_coverage: requirement 'R1', column 'required_target': 0.0 is outside (0, 1); write 99.9 % as "
        "0.999 (or leave it empty when the level is not a share)"),
    api("ipa: unknown cuts", importance_performance, frame(),
        "importance_performance: cuts 'median' is not one of 'mean', 'midpoint'", error=ParameterError,
        cuts="median"),
    api("ipa: sd not positive", importance_performance, frame(),
        "importance_performance: sd 0 is not a positive number; it is the standard deviation of one answer "
        "on the 1-5 scale", error=ParameterError, sd=0),
    api("ipa: gap of other requirements", importance_performance, frame(),
        "importance_performance: gap= holds requirement(s) 'R9' not in requirements; pass the "
        "requirements_gap result of the same requirements", error=ParameterError,
        gap=pd.DataFrame({"id": ["R9"], "achieved": [0.99], "required_target": [0.999]})),
    api("ipa: satisfaction empty", importance_performance, frame(satisfaction=[4.2, None]),
        "importance_performance: requirement 'R2', column 'satisfaction': is empty; expected a number from 1 "
        "to 5"),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return read_dataset("catalog")


@pytest.mark.parametrize(("source", "call", "kwargs", "error", "expected"), CASES)
def test_bad_requirements(tmp_path: Path, catalog, source, call, kwargs, error, expected):
    kwargs = dict(kwargs)
    if call is read_requirements:
        if kwargs.pop("catalog", False):
            kwargs["catalog"] = catalog
        path = tmp_path / "requirements.csv"
        path.write_text(source, encoding="utf-8", newline="")
        source, expected = path, expected.replace("{path}", str(path))
    elif call is gap or call is slo_coverage:
        kwargs["catalog"] = catalog
    with pytest.raises(error) as info:
        call(source, **kwargs)
    assert type(info.value) is error
    assert str(info.value) == expected


def test_the_table_is_large_enough():
    assert len(CASES) >= 30
