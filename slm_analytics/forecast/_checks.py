"""Argument checks shared by the forecast modules: counts, coverage levels, targets, times, horizons, seeds.

A private module with public names; the checks that other packages own (targets, instants, time zones) are
reached through here, so the forecasts depend on them in one place.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["as_utc", "check_int", "check_levels", "check_target", "check_tz", "horizon_days", "make_rng"]


def check_int(value: Any, name: str, *, low: int = 1) -> int:
    """Return ``value`` as an int, or raise ParameterError unless it is an integer >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < low:
        msg = f"{name} {value!r} must be an integer >= {low}"
        raise ParameterError(msg)
    return int(value)


def check_levels(levels: Sequence[float]) -> tuple[float, ...]:
    """Return the coverage levels sorted and without repeats; each must lie strictly between 0 and 1."""
    try:
        out = tuple(float(x) for x in levels)
    except (TypeError, ValueError) as exc:
        msg = f"levels {levels!r} must be a sequence of coverage probabilities such as (0.8, 0.95)"
        raise ParameterError(msg) from exc
    if not out or any(not 0 < x < 1 for x in out):
        msg = f"levels {levels!r} must be coverage probabilities strictly between 0 and 1, e.g. (0.8, 0.95)"
        raise ParameterError(msg)
    return tuple(sorted(set(out)))


def check_target(target: float, what: str = "target") -> float:
    """Return an SLO target checked to lie in (0, 1) (the error budget's check)."""
    from ..budget import _check_target

    return _check_target(target, what)


def as_utc(value: Any, what: str) -> pd.Timestamp:
    """Return a timezone-aware instant (Timestamp or ISO string) converted to UTC."""
    from ..windows import _utc

    return _utc(value, what)


def check_tz(tz: str) -> str:
    """Return ``tz`` if it names a known time zone."""
    from ..windows import _zone

    _zone(tz)
    return tz


def horizon_days(horizon: str | pd.Timedelta, what: str = "horizon") -> int:
    """Whole days of a positive duration (``"7d"`` or a Timedelta)."""
    try:
        if isinstance(horizon, str):
            from ..catalog import parse_window

            td = pd.Timedelta(parse_window(horizon))
        else:
            td = pd.Timedelta(horizon)
    except (TypeError, ValueError) as exc:
        msg = f"{what} {horizon!r} is not a positive duration; use whole days such as '7d'"
        raise ParameterError(msg) from exc
    if pd.isna(td) or td <= pd.Timedelta(0) or td % pd.Timedelta(days=1):
        msg = f"{what} {horizon!r} must be a positive whole number of days such as '7d'"
        raise ParameterError(msg)
    return int(td // pd.Timedelta(days=1))


def make_rng(seed: Any) -> np.random.Generator:
    """Return the random generator of ``seed``: None, an integer or a Generator (used as it is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        msg = f"seed {seed!r} must be None, an integer or a numpy Generator"
        raise ParameterError(msg)
    return np.random.default_rng(seed)
