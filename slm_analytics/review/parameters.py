"""The notebooks' parameters: validated models of the review and risk-forecast notebooks' parameter cells.

papermill only warns about a parameter it does not know, so each parameterised notebook validates its
parameters through this module in the cell after its ``parameters`` cell:
``validate_parameters(**parameters_in(globals()))`` for ``notebooks/reports/service-review.ipynb`` and
``validate_risk_parameters(**parameters_in(globals()))`` for ``notebooks/02-slo-risk-forecast.ipynb``. Every
unknown or missing parameter and every bad value is named in one
:class:`~slm_analytics.errors.ParameterError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import ParameterError

__all__ = [
    "MONTH",
    "QUARTER",
    "ExplorerParameters",
    "ReviewParameters",
    "RiskParameters",
    "as_of_time",
    "parameters_in",
    "validate_explorer_parameters",
    "validate_parameters",
    "check_n_paths",
    "validate_model",
    "validate_risk_parameters",
]

#: A calendar month, ``"YYYY-MM"`` (groups: year, month).
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: A calendar quarter, ``"YYYY-Qn"`` (groups: year, quarter).
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ReviewParameters(BaseModel):
    """Parameters of the service review notebook (one service, one month or quarter).

    Attributes
    ----------
    service : str
        Service name, as in the catalog.
    period : str
        Calendar month ``"YYYY-MM"`` (the monthly review) or quarter ``"YYYY-Qn"`` (the quarterly review),
        cut in the service's time zone.
    data_dir : str
        Folder laid out like ``datasets/`` (``catalog.yaml``, ``sli_5min.parquet``, ``incidents.csv``,
        ``maintenance.csv``...); ``""`` for the bundled sample data.
    previous_summary : str
        The previous review's ``<service>.summary.json``, compared with this one in "What changed since the
        last review"; ``""`` when there is none (the runner finds it beside the previous period's report).
    at_risk_probability : float
        An SLO met so far is *at risk* when its forecast breach probability is at least this (0 to 1;
        default 0.5), or when 75 % of its budget is spent with more than 25 % of its window left.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    service: str
    period: str
    data_dir: str = ""
    previous_summary: str = ""
    at_risk_probability: float = 0.5

    @field_validator("service")
    @classmethod
    def _service(cls, value: str) -> str:
        if not _NAME.match(value):
            msg = f"{value!r} is not a service name; expected lower-case letters, digits and dashes"
            raise ValueError(msg)
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if not (MONTH.match(value) or QUARTER.match(value)):
            msg = (f"{value!r} is not a calendar month or quarter; expected 'YYYY-MM' such as '2026-10' or "
                   "'YYYY-Qn' such as '2026-Q3'")
            raise ValueError(msg)
        return value

    @field_validator("previous_summary")
    @classmethod
    def _previous(cls, value: str) -> str:
        if value and not Path(value).is_file():
            msg = f"{value!r} is not a file; expected the previous review's summary JSON, or \"\" for none"
            raise ValueError(msg)
        return value

    @field_validator("at_risk_probability", mode="before")
    @classmethod
    def _probability(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            msg = f"{value!r} is not a probability; expected a number above 0 and at most 1, such as 0.5"
            raise ValueError(msg)
        return float(value)


_LITERAL_TYPES = (str, int, float, bool, type(None), list, tuple, dict)
_IPYTHON_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython", "open"})


def parameters_in(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Return the notebook parameters in a namespace: every public variable holding a literal value.

    A parameterised notebook's ``parameters`` cell, and the cell papermill injects after it, define only
    literals. Passing the notebook's ``globals()`` here, before any other variable is assigned, hands
    :func:`validate_parameters` every parameter given to papermill, including misspelt ones papermill
    merely warns about. Modules, functions, IPython's ``In``/``Out`` and ``_``-prefixed names are left out.

    Parameters
    ----------
    namespace : mapping
        Usually ``globals()`` of the notebook.

    Returns
    -------
    dict
        ``name -> value`` of the literal-valued variables.

    Examples
    --------
    >>> import math
    >>> parameters_in({"service": "checkout", "month": "2026-10", "mnth": "2026-9", "math": math, "_": 1})
    {'service': 'checkout', 'month': '2026-10', 'mnth': '2026-9'}
    """
    return {k: v for k, v in namespace.items()
            if not k.startswith("_") and k not in _IPYTHON_NAMES and isinstance(v, _LITERAL_TYPES)}


def validate_parameters(**params: Any) -> ReviewParameters:
    """Check the review notebook's parameters; call it in the notebook's validation cell.

    In the notebook: ``validate_parameters(**parameters_in(globals()))``, so that a parameter papermill
    injected under a wrong name is reported (papermill only warns).

    Parameters
    ----------
    **params
        ``service``, ``period`` and optionally ``data_dir``, ``previous_summary`` and
        ``at_risk_probability`` (see :class:`ReviewParameters`).

    Returns
    -------
    ReviewParameters
        The validated parameters.

    Raises
    ------
    ParameterError
        Naming every unknown or missing parameter and every bad value (a period other than ``YYYY-MM`` or
        ``YYYY-Qn``, a service name that cannot be one, a ``data_dir`` that is not an existing folder, a
        ``previous_summary`` that is not a file).

    Examples
    --------
    >>> validate_parameters(service="checkout", period="2026-10")
    ReviewParameters(service='checkout', period='2026-10', data_dir='', previous_summary='', ...)
    >>> validate_parameters(service="checkout", period="2026-10", perod="x")
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: unknown review parameter 'perod'; allowed: service, period, ...
    """
    return validate_model(ReviewParameters, params, "review")


def check_n_paths(value: int) -> int:
    """Return ``value`` if it is enough simulated paths (at least 100); raise ValueError otherwise."""
    if value < 100:
        msg = (f"{value} simulated paths are too few for a probability with an interval; give at least "
               "100 (2000 is the default)")
        raise ValueError(msg)
    return value


def validate_model(model: type[BaseModel], params: Mapping[str, Any], noun: str) -> Any:
    """Validate notebook parameters with ``model``; one ParameterError naming every problem.

    The shared check behind each notebook's ``validate_*_parameters``: unknown and missing parameters,
    each bad value (its field validator's message, or the expected type), and a ``data_dir`` that is not a
    folder are all named in one :class:`~slm_analytics.errors.ParameterError`, each prefixed with
    ``noun`` (``"review parameter 'month': ..."``).

    Parameters
    ----------
    model : pydantic model class
        The notebook's parameters (``extra="forbid"``, strict).
    params : mapping
        The parameters given (``parameters_in(globals())`` in the notebook).
    noun : str
        What the parameters are called in messages (``"review"``, ``"risk-forecast"``...).

    Returns
    -------
    BaseModel
        An instance of ``model``.

    Raises
    ------
    ParameterError
        Naming every problem found.
    """
    allowed = list(model.model_fields)
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    problems = []
    unknown = [k for k in params if k not in allowed]
    if unknown:
        problems.append(f"unknown {noun} parameter{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}")
    missing = [k for k in required if k not in params]
    if missing:
        problems.append(f"missing {noun} parameter{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(map(repr, missing))}; required: {', '.join(required)}")
    known = {k: v for k, v in params.items() if k in allowed}
    try:
        result = model(**known) if not missing else None
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            name = str(err["loc"][0]) if err["loc"] else "?"
            if err["type"] == "string_type":
                text = f"expected a string, got {err['input']!r} ({type(err['input']).__name__})"
            elif err["type"] == "int_type":
                text = f"expected a whole number, got {err['input']!r} ({type(err['input']).__name__})"
            else:
                text = err["msg"].removeprefix("Value error, ")
            problems.append(f"{noun} parameter {name!r}: {text}")
        result = None
    data_dir = getattr(result, "data_dir", "")
    if data_dir and not Path(data_dir).is_dir():
        problems.append(
            f"{noun} parameter 'data_dir': {data_dir!r} is not a folder; expected '' (bundled sample "
            "data) or a folder laid out like datasets/ (catalog.yaml, sli_5min.parquet, incidents.csv)"
        )
    if problems or result is None:
        raise ParameterError("; ".join(problems))
    return result


def as_of_time(value: str) -> pd.Timestamp:
    """Parse an ``as_of`` parameter: a date (midnight UTC) or a timezone-aware time; UTC microseconds."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        msg = (f"{value!r} is not a time; expected '' (the end of the data), a date 'YYYY-MM-DD' (midnight "
               "UTC) or a timezone-aware time such as '2026-07-01T00:00Z'")
        raise ValueError(msg) from exc
    if ts is pd.NaT:
        msg = (f"{value!r} is not a time; expected '' (the end of the data) or a time such as "
               "'2026-07-01T00:00Z'")
        raise ValueError(msg)
    if ts.tzinfo is None:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
            msg = (f"{value!r} has no time zone; give a date 'YYYY-MM-DD' (midnight UTC) or a timezone-aware "
                   "time such as '2026-07-01T00:00Z'")
            raise ValueError(msg)
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").as_unit("us")


class RiskParameters(BaseModel):
    """Parameters of the risk-forecast notebook (``notebooks/02-slo-risk-forecast.ipynb``).

    Attributes
    ----------
    as_of : str
        Instant of the forecasts: ``""`` for the end of the data, a date ``"YYYY-MM-DD"`` (midnight UTC) or
        a timezone-aware time. Data from ``as_of`` on is ignored, so an earlier ``as_of`` shows what could
        have been known then.
    data_dir : str
        Folder laid out like ``datasets/``; ``""`` for the bundled sample data.
    n_paths : int
        Simulated paths per SLO of the breach probabilities (at least 100).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    as_of: str = ""
    data_dir: str = ""
    n_paths: int = 2000

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, value: str) -> str:
        if value.strip():
            as_of_time(value)
        return value

    @field_validator("n_paths")
    @classmethod
    def _n_paths(cls, value: int) -> int:
        return check_n_paths(value)


def validate_risk_parameters(**params: Any) -> RiskParameters:
    """Check the risk-forecast notebook's parameters; call it in the notebook's validation cell.

    In the notebook: ``validate_risk_parameters(**parameters_in(globals()))``, so that a parameter papermill
    injected under a wrong name is reported.

    Parameters
    ----------
    **params
        ``as_of``, ``data_dir`` and ``n_paths``, all optional (see :class:`RiskParameters`).

    Returns
    -------
    RiskParameters
        The validated parameters.

    Raises
    ------
    ParameterError
        Naming every unknown parameter and every bad value (an ``as_of`` that is not a time, or a time
        without a time zone; ``n_paths`` below 100 or not a whole number; a ``data_dir`` that is not a
        folder).

    Examples
    --------
    >>> validate_risk_parameters(as_of="2026-07-01", n_paths=2000)
    RiskParameters(as_of='2026-07-01', data_dir='', n_paths=2000)
    >>> validate_risk_parameters(as_of="2026-07-01 12:00", n_path=500)
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: unknown risk-forecast parameter 'n_path'; allowed: as_of, data_dir,
    n_paths; risk-forecast parameter 'as_of': '2026-07-01 12:00' has no time zone; give a date 'YYYY-MM-DD'
    (midnight UTC) or a timezone-aware time such as '2026-07-01T00:00Z'
    """
    return validate_model(RiskParameters, params, "risk-forecast")


class ExplorerParameters(BaseModel):
    """Parameters of the interactive meeting notebooks (compliance explorer, improvement priorities).

    Everything else (service, SLO, window, dates, weights) is chosen with the notebook's controls.

    Attributes
    ----------
    data_dir : str
        Folder laid out like ``datasets/``; ``""`` for the bundled sample data.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    data_dir: str = ""


def validate_explorer_parameters(**params: Any) -> ExplorerParameters:
    """Check an interactive notebook's parameters; call it in the notebook's validation cell.

    Parameters
    ----------
    **params
        ``data_dir``, optional (see :class:`ExplorerParameters`).

    Returns
    -------
    ExplorerParameters

    Raises
    ------
    ParameterError
        Naming every unknown parameter and a ``data_dir`` that is not a folder.

    Examples
    --------
    >>> validate_explorer_parameters()
    ExplorerParameters(data_dir='')
    >>> validate_explorer_parameters(data_dri="x")
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: unknown explorer parameter 'data_dri'; allowed: data_dir
    """
    return validate_model(ExplorerParameters, params, "explorer")
