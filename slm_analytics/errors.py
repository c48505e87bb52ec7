"""Exceptions raised by slm-analytics.

Every input problem raises a subclass of :class:`SLMError` whose message names where the problem is
(file, row, column or definition) and what was expected, so a caller can catch the whole family with
``except SLMError``.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DefinitionError",
    "InsufficientDataError",
    "ParameterError",
    "SLMError",
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
