"""Fixtures of the forecast tests: the bundled 5-minute counts, their catalog and their UTC daily counts."""

from __future__ import annotations

import pandas as pd
import pytest

from slm_analytics import read_dataset
from slm_analytics.sli import ratio_sli


@pytest.fixture(scope="session")
def sli() -> pd.DataFrame:
    return read_dataset("sli_5min")


@pytest.fixture(scope="session")
def catalog():
    return read_dataset("catalog")


@pytest.fixture(scope="session")
def daily(sli) -> pd.DataFrame:
    return ratio_sli(sli, freq="1D")
