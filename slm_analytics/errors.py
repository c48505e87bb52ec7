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
    "shorten",
]

#: the most characters of a bad value a message quotes
QUOTE_LIMIT = 80


def shorten(value: object, limit: int = QUOTE_LIMIT) -> str:
    """Return ``repr(value)`` cut to at most ``limit`` characters, so no message quotes a huge value.

    >>> shorten("x" * 200)[-20:]
    '... (202 characters)'
    >>> len(shorten("x" * 200))
    80
    >>> shorten({"a": 1})
    "{'a': 1}"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    tail = f"... ({len(text)} characters)"
    return text[: max(limit - len(tail), 10)] + tail


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
