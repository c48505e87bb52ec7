"""Exceptions raised by slm-analytics.

Every input problem raises a subclass of :class:`SLMError` whose message names where the problem is
(file, row, column or definition) and what was expected, so a caller can catch the whole family with
``except SLMError``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "DataError",
    "DefinitionError",
    "InsufficientDataError",
    "ParameterError",
    "SLMError",
    "require_columns",
]


class SLMError(Exception):
    """Base class of every error raised on purpose by slm-analytics."""


class DataError(SLMError, ValueError):
    """Input data (SLI buckets, incidents, maintenance, requirements...) is malformed."""


class DefinitionError(SLMError, ValueError):
    """A service, SLO, SLA, schedule or alert-policy definition is invalid."""


class ParameterError(SLMError, ValueError):
    """A review or function parameter is missing, unknown or out of range."""


class InsufficientDataError(SLMError, ValueError):
    """There is too little data for the requested computation; the message says how much is needed."""


def require_columns(frame: object, columns: Iterable[str], what: str) -> None:
    """Raise DataError unless ``frame`` is a DataFrame with every one of ``columns``; name what is missing."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = f"{what}: expected a DataFrame, got {type(frame).__name__}"
        raise DataError(msg)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (
            f"{what}: missing column(s) {', '.join(map(repr, missing))}; "
            f"found {', '.join(map(str, frame.columns)) or 'none'}"
        )
        raise DataError(msg)
