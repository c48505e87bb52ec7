"""Where the bundled sample datasets and notebooks are, installed or in a source checkout.

An installed wheel carries them inside the package, as ``slm_analytics/datasets`` and
``slm_analytics/notebooks``, found through :mod:`importlib.resources`. A source checkout (including the
editable install that ``make`` makes) keeps them where the repository has them, in the top-level
``datasets/`` and ``notebooks/`` folders beside the package, and uses those: ``make datasets`` and
edits to the notebooks take effect without a reinstall. This is the only module that knows the two
layouts.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["datasets_dir", "notebook_path"]


def _bundled(folder: str) -> Path:
    """Return ``folder`` inside the installed package if it is there, else beside the package folder."""
    package = files(__package__)
    if isinstance(package, Path) and (package / folder).is_dir():
        return (package / folder).resolve()  # installed: shipped as package data
    return Path(__file__).resolve().parent.parent / folder  # source checkout: the repository's folder


def datasets_dir() -> Path:
    """Return the folder of the bundled sample datasets.

    Returns
    -------
    Path
        ``slm_analytics/datasets`` of an installed wheel, else the repository's top-level ``datasets/``
        (source checkout). It holds ``catalog.yaml``, the data files and their ``README.md``; see
        :func:`slm_analytics.data.list_datasets`.

    See Also
    --------
    slm_analytics.data.data_root : the folder the readers use (``data_dir``, ``$SLM_DATASETS`` or this one).

    Examples
    --------
    >>> (datasets_dir() / "catalog.yaml").is_file()
    True
    """
    return _bundled("datasets")


def notebook_path(name: str) -> Path:
    """Return the path of a bundled notebook.

    Parameters
    ----------
    name : str
        The notebook's path relative to the notebooks folder, with ``/`` between folders, e.g.
        ``"reports/service-review.ipynb"`` (the review notebook) or ``"02-slo-risk-forecast.ipynb"``.

    Returns
    -------
    Path
        The file under ``slm_analytics/notebooks`` of an installed wheel, else under the repository's
        top-level ``notebooks/`` (source checkout). Whether it exists is for the caller to check.

    Examples
    --------
    >>> notebook_path("reports/service-review.ipynb").is_file()
    True
    >>> notebook_path("reports/service-review.ipynb").parent.name
    'reports'
    """
    return _bundled("notebooks").joinpath(*name.split("/"))
