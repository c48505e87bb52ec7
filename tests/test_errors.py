"""Tests for slm_analytics.errors: the exception hierarchy (the shared checks are in test_checks.py)."""

from __future__ import annotations

import pytest

import slm_analytics
from slm_analytics.errors import (
    DataError,
    DefinitionError,
    InsufficientDataError,
    ParameterError,
    SLMError,
)

SPECIFIC = [DataError, DefinitionError, ParameterError, InsufficientDataError]


@pytest.mark.parametrize("error", SPECIFIC)
def test_every_error_is_an_slm_error_and_a_value_error(error):
    # callers catch the whole family with SLMError, or bad input in general with ValueError
    assert issubclass(error, SLMError)
    assert issubclass(error, ValueError)
    with pytest.raises(SLMError, match="where and what"):
        raise error("where and what")


def test_the_family_is_distinct():
    assert issubclass(SLMError, Exception)
    assert not issubclass(SLMError, ValueError)  # the base says nothing about the kind of problem
    for a in SPECIFIC:
        for b in SPECIFIC:
            assert issubclass(a, b) == (a is b)


def test_errors_are_exported_by_the_package():
    for error in (SLMError, *SPECIFIC):
        assert getattr(slm_analytics, error.__name__) is error
