"""Tests for slm_analytics.review.formats: how the tables and notes write chances, error rates and changes."""

from __future__ import annotations

import numpy as np
import pytest

from slm_analytics.review import formats


@pytest.mark.parametrize(("value", "text"), [(0.0, "0%"), (1.0, "100%"), (0.0019, "0.2%"), (0.564, "56%"),
                                             (0.9913, "99.1%"), (np.nan, "–")])
def test_chance(value, text):
    assert formats.chance(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.010533, "1.05%"), (0.00024, "0.0240%"), (0.0, "0%"),
                                             (0.0651, "6.51%"), (np.nan, "–")])
def test_error_rate(value, text):
    assert formats.error_rate_pct(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.000583, "+0.058 pp"), (-2.8e-6, "−0.00028 pp"),
                                             (0.0, "0 pp")])
def test_points(value, text):
    assert formats.points(value) == text
