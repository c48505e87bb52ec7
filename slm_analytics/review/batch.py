"""Parameter files of the periodic review: which notebooks, services and period a batch runs, checked first.

A batch parameter file (``parameters/monthly-review.yaml``, ``parameters/quarterly-review.yaml``) is what a
cron job runs:

.. code-block:: yaml

    notebooks: [service-review]   # notebooks of notebooks/reports/, by name
    services: all                 # or a list of the catalog's services
    period: last-complete-month   # YYYY-MM, YYYY-Qn, last-complete-month, last-complete-quarter
    data_dir: ""                  # a folder laid out like datasets/; "" for the bundled sample data
    output: reports               # where the reports go
    jobs: 2                       # notebooks run at once
    overrides:                    # per service, notebook parameters that differ from the defaults
      checkout: {n_paths: 5000}

:func:`read_batch_parameters` checks all of it before anything runs, since papermill only warns about a
parameter a notebook does not declare: an unknown or missing key, a wrong type, a bad period, an unknown
service or notebook, and an override of a parameter no notebook of the batch declares
(``papermill.inspect_notebook``) each raise one :class:`~slm_analytics.errors.ParameterError` naming the
file, the key (a dotted path such as ``overrides.checkout.n_paths``) and its line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import DefinitionError, ParameterError, shorten
from .period import parse_period

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = [
    "RUNNER_PARAMETERS",
    "BatchParameters",
    "declared_parameters",
    "known_notebooks",
    "read_batch_parameters",
    "validate_batch",
]

#: notebook parameters the runner sets from the batch (the service, its period, the data folder): an
#: override may not set them
RUNNER_PARAMETERS = frozenset({"service", "month", "period", "data_dir"})

Loc = tuple[str | int, ...]


class BatchParameters(BaseModel):
    """A periodic review batch: the notebooks run for each service, over one period.

    Attributes
    ----------
    notebooks : list of str
        Names of notebooks under ``notebooks/reports/`` (without ``.ipynb``), run for each service;
        default ``["service-review"]``.
    services : "all" or list of str
        The catalog's services to review (default ``"all"``).
    period : str
        ``"YYYY-MM"``, ``"YYYY-Qn"``, ``"last-complete-month"`` or ``"last-complete-quarter"``
        (:func:`~slm_analytics.review.period.parse_period`); relative periods are resolved per service.
    data_dir : str
        Folder laid out like ``datasets/``; ``""`` for the bundled sample data. Required, so that a cron
        job never reviews the sample data by omission. Relative to the working directory.
    output : str
        Folder the reports are written to. Relative to the working directory.
    jobs : int
        Notebooks run at once (at least 1; default 1).
    overrides : dict
        ``service -> {notebook parameter -> value}``: parameters that differ from the notebooks' defaults
        for one service. The runner passes each to the notebooks of the batch that declare it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    notebooks: list[str] = Field(default_factory=lambda: ["service-review"])
    services: Literal["all"] | list[str] = "all"
    period: str
    data_dir: str
    output: str
    jobs: int = 1
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("notebooks")
    @classmethod
    def _notebooks(cls, value: list[str]) -> list[str]:
        if not value:
            msg = "is empty; name at least one notebook of notebooks/reports/, e.g. [service-review]"
            raise ValueError(msg)
        return value

    @field_validator("services", mode="before")
    @classmethod
    def _services(cls, value: Any) -> Any:
        if value == "all":
            return value
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            msg = f"expected 'all' or a non-empty list of service names, got {shorten(value)}"
            raise ValueError(msg)
        twice = sorted({v for v in value if value.count(v) > 1})
        if twice:
            msg = f"{', '.join(map(repr, twice))} listed more than once"
            raise ValueError(msg)
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        try:
            parse_period(value)
        except ParameterError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("output")
    @classmethod
    def _output(cls, value: str) -> str:
        if not value.strip():
            msg = "is empty; give the folder the reports go to, e.g. reports"
            raise ValueError(msg)
        return value

    @field_validator("jobs")
    @classmethod
    def _jobs(cls, value: int) -> int:
        if value < 1:
            msg = f"must be at least 1 (the number of notebooks run at once), got {value}"
            raise ValueError(msg)
        return value


def known_notebooks(notebooks_dir: str | Path | None = None) -> dict[str, Path]:
    """Return the notebooks a batch may name: ``name -> path`` of each ``.ipynb`` of the folder.

    Parameters
    ----------
    notebooks_dir : str or Path, optional
        Default: the project's ``notebooks/reports/``
        (:func:`~slm_analytics.resources.notebook_path`).

    Examples
    --------
    >>> "service-review" in known_notebooks()
    True
    """
    from ..resources import notebook_path

    folder = Path(notebooks_dir) if notebooks_dir is not None else notebook_path("reports")
    return {p.stem: p for p in sorted(folder.glob("*.ipynb"))}


def _label(loc: Loc) -> str:
    """``overrides.checkout.n_paths``, ``services[1]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _type_name(value: Any) -> str:
    return {"str": "a string", "int": "a whole number", "bool": "true/false", "float": "a number",
            "list": "a list", "dict": "a mapping", "NoneType": "empty"}.get(type(value).__name__,
                                                                            type(value).__name__)


def _schema_problems(exc: ValidationError) -> list[tuple[Loc, str]]:
    """``(key path, text)`` of each problem pydantic found, in the words of a parameter file."""
    allowed = ", ".join(BatchParameters.model_fields)
    required = ", ".join(n for n, f in BatchParameters.model_fields.items() if f.is_required())
    expected = {"string_type": "a string", "int_type": "a whole number", "list_type": "a list",
                "dict_type": "a mapping"}
    out = []
    for err in exc.errors(include_url=False):
        loc, kind = tuple(err["loc"]), err["type"]
        if kind == "extra_forbidden":
            text = f"unknown key {shorten(loc[-1])}; allowed: {allowed}"
        elif kind == "missing":
            text = f"missing required key {loc[-1]!r}; required: {required}"
        elif kind in expected:
            text = f"expected {expected[kind]}, got {shorten(err['input'])} ({_type_name(err['input'])})"
        else:
            text = err["msg"].removeprefix("Value error, ")
        out.append((loc, text))
    return out


def declared_parameters(paths: Iterable[Path]) -> dict[str, set[str]]:
    """Return ``notebook name -> parameters`` each notebook's ``parameters`` cell declares.

    Read with ``papermill.inspect_notebook``, as papermill itself reads them: the names the runner may pass.

    Raises
    ------
    ParameterError
        If a notebook cannot be read (the message names its file).

    Examples
    --------
    >>> sorted(declared_parameters([known_notebooks()["portfolio-review"]])["portfolio-review"])
    ['data_dir', 'month', 'n_paths']
    """
    import papermill

    out = {}
    for p in paths:
        try:
            out[p.stem] = set(papermill.inspect_notebook(str(p)))
        except (ValueError, OSError) as exc:  # unreadable JSON, no kernel named, no file
            msg = f"{p}: cannot read the notebook's parameters: {exc}"
            raise ParameterError(msg) from exc
    return out


def _reference_problems(params: BatchParameters, catalog: Catalog, notebooks_dir: str | Path | None
                        ) -> list[tuple[Loc, str]]:
    """``(key path, text)`` of each name the parameters give that the catalog or the notebooks lack."""
    names = [s.name for s in catalog.services]
    problems: list[tuple[Loc, str]] = []
    if params.services != "all":
        problems += [(("services", i), f"unknown service {shorten(s)}; the catalog has {', '.join(names)}")
                     for i, s in enumerate(params.services) if s not in names]
    known = known_notebooks(notebooks_dir)
    problems += [(("notebooks", i), f"unknown notebook {shorten(n)}; known: {', '.join(known) or 'none'} "
                  "(the notebooks of notebooks/reports/, without .ipynb)")
                 for i, n in enumerate(params.notebooks) if n not in known]
    reviewed = names if params.services == "all" else params.services
    for service in params.overrides:
        if service not in names:
            problems.append((("overrides", service),
                             f"unknown service {shorten(service)}; the catalog has {', '.join(names)}"))
        elif service not in reviewed:
            problems.append((("overrides", service), f"service {service!r} is not reviewed by this batch "
                             f"(services: {', '.join(reviewed)}); remove the override or add the service"))
    wanted = [n for n in params.notebooks if n in known]
    if not any(params.overrides.values()) or not wanted:
        return problems
    declared = declared_parameters([known[n] for n in wanted])
    every = set().union(*declared.values())
    listed = "; ".join(f"{nb}: {', '.join(sorted(own - RUNNER_PARAMETERS)) or 'only those the runner sets'}"
                       for nb, own in declared.items())
    for service, values in params.overrides.items():
        for name in values:
            loc = ("overrides", service, name)
            if name in RUNNER_PARAMETERS:
                problems.append((loc, f"{name!r} is set by the runner from the batch (service, period, "
                                      "data_dir); it cannot be overridden"))
            elif name not in every:
                problems.append((loc, f"unknown parameter {shorten(name)}: no notebook of the batch "
                                      f"declares it ({listed})"))
    return problems


def validate_batch(params: BatchParameters, catalog: Catalog, *,
                   notebooks_dir: str | Path | None = None) -> BatchParameters:
    """Check the names a batch gives against the catalog and the notebooks; return the parameters.

    Parameters
    ----------
    params : BatchParameters
        The batch.
    catalog : Catalog
        The catalog of the batch's ``data_dir``.
    notebooks_dir : str or Path, optional
        Folder of the notebooks; default the project's ``notebooks/reports/``.

    Returns
    -------
    BatchParameters
        ``params``, unchanged.

    Raises
    ------
    ParameterError
        One, naming each key (``services[1]``, ``notebooks[0]``, ``overrides.checkout.n_paths``) whose
        service is not in the catalog (or, for an override, not reviewed by the batch), whose notebook is
        not in the folder, or whose override names a parameter none of the batch's notebooks declares (as
        ``papermill.inspect_notebook`` reads their ``parameters`` cell) or one the runner sets.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> params = BatchParameters(services=["checkout", "shop"], period="2026-10", data_dir="", output="r")
    >>> validate_batch(params, read_dataset("catalog"))
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: batch parameters: services[1]: unknown service 'shop'; ...
    """
    problems = _reference_problems(params, catalog, notebooks_dir)
    if problems:
        raise ParameterError("\n".join(f"batch parameters: {_label(loc)}: {text}" for loc, text in problems))
    return params


def _present(data: Any, loc: Loc) -> bool:
    """Whether the file has the key path ``loc`` (a missing key has no line of its own)."""
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False
    return True


def _file_error(path: Path, data: Any, node: Any, problems: list[tuple[Loc, str]]) -> ParameterError:
    """One error for a file: a line per problem, with the line of its key when the file has the key."""
    from ..catalog import line_of

    out = []
    for loc, text in problems:
        line = line_of(node, loc) if _present(data, loc) else None
        out.append(f"{path}: {f'line {line}: ' if line else ''}{_label(loc)}: {text}")
    return ParameterError("\n".join(out))


def read_batch_parameters(path: str | Path, *, notebooks_dir: str | Path | None = None) -> BatchParameters:
    """Read and check a batch parameter file, before anything runs.

    Parameters
    ----------
    path : str or Path
        A YAML mapping with the keys of :class:`BatchParameters`.
    notebooks_dir : str or Path, optional
        Folder of the notebooks; default the project's ``notebooks/reports/``.

    Returns
    -------
    BatchParameters

    Raises
    ------
    ParameterError
        One for the whole file, naming the file and, for each problem, the line and the key (a dotted path
        such as ``overrides.checkout.n_paths``): an unreadable file or YAML syntax error, a file that is not
        one mapping, an unknown or missing key, a wrong type or bad value (a period
        :func:`~slm_analytics.review.period.parse_period` refuses, ``jobs`` below 1), a ``data_dir`` that is
        not a folder, and the unknown names of :func:`validate_batch`.
    DataError, DefinitionError
        If the catalog of ``data_dir`` cannot be read (the message names the catalog's file).

    Examples
    --------
    >>> root = Path(__file__).resolve().parents[2]  # the repository
    >>> params = read_batch_parameters(root / "parameters" / "monthly-review.yaml")
    >>> params.period, params.services, params.notebooks
    ('last-complete-month', 'all', ['service-review', 'portfolio-review'])
    """
    from ..catalog import read_yaml
    from .inputs import read_input

    path = Path(path)
    try:
        docs = read_yaml(path)
    except DefinitionError as exc:
        raise ParameterError(str(exc).replace("definition file", "parameter file")) from None
    keys = ", ".join(BatchParameters.model_fields)
    if len(docs) != 1 or not isinstance(docs[0][0], dict):
        found = ("an empty file" if not docs or docs[0][0] is None else f"{len(docs)} YAML documents"
                 if len(docs) > 1 else _type_name(docs[0][0]))
        msg = f"{path}: expected one mapping with keys {keys}; found {found}"
        raise ParameterError(msg)
    data, node = docs[0]
    try:
        params = BatchParameters.model_validate(data)
    except ValidationError as exc:
        raise _file_error(path, data, node, _schema_problems(exc)) from None
    if params.data_dir and not Path(params.data_dir).is_dir():
        text = (f"{shorten(params.data_dir)} is not a folder; expected \"\" (the bundled sample data) or a "
                "folder laid out like datasets/ (catalog.yaml, sli_5min.parquet, incidents.csv)")
        raise _file_error(path, data, node, [(("data_dir",), text)])
    problems = _reference_problems(params, read_input("catalog", params.data_dir), notebooks_dir)
    if problems:
        raise _file_error(path, data, node, problems)
    return params
