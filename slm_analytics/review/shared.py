"""Results a review run's notebooks share: computed by the first notebook that needs one, read by the rest.

A review run executes the service review once per service, each in its own kernel, and each ranks the whole
fleet (:func:`~slm_analytics.review.month_priorities`) and judges every past SIP action
(:func:`~slm_analytics.review.past_actions`), the same computation for every service of a time zone. The
runner gives its notebooks a private folder for the run (environment variable :data:`CACHE_ENV`, removed
when the run ends); :func:`shared` computes a result there once, under a file lock so that notebooks running
at the same time wait for it rather than compute it twice, and the others read it back. Outside a run
(JupyterLab, nbval) nothing is stored and each call computes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from ..priorities import Priorities
    from .inputs import ReviewInputs

__all__ = ["CACHE_ENV", "fleet_past_actions", "fleet_priorities", "shared"]

#: environment variable naming the folder a review run's notebooks share results in
CACHE_ENV = "SLM_REVIEW_CACHE"

T = TypeVar("T")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (POSIX ``flock``; without it, no lock: at worst computed twice)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared(name: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Return ``compute()``, computed once per review run for ``(name, key)`` and shared by its notebooks.

    Parameters
    ----------
    name : str
        What is computed (part of the file name).
    key : tuple
        Everything the result depends on besides the run's data, as plain values (their ``repr`` is hashed).
    compute : callable
        Computes the result; called when the run has not stored it yet, or outside a run.

    Returns
    -------
    The result, the same object as ``compute()`` would return (a pickled copy for the later notebooks).

    Examples
    --------
    >>> shared("answer", (1,), lambda: 42)  # outside a review run: computed
    42
    """
    folder = os.environ.get(CACHE_ENV, "")
    if not folder or not Path(folder).is_dir():
        return compute()
    digest = hashlib.sha256(repr((name, key)).encode()).hexdigest()[:24]
    path = Path(folder) / f"{name}-{digest}.pickle"
    with _locked(path.with_suffix(".lock")):
        if path.is_file():
            with contextlib.suppress(Exception):  # unreadable: compute again
                return pickle.loads(path.read_bytes())  # the run's own private folder
        value = compute()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)
        except OSError:  # a full disk costs time, never the review
            tmp.unlink(missing_ok=True)
        return value


def fleet_priorities(inputs: ReviewInputs, *, service: str, month: str) -> Priorities:
    """Return :func:`~slm_analytics.review.month_priorities` of the month, shared by a run's notebooks.

    The fleet's ranking depends only on where it is taken: the month's end in the service's time zone, or
    the end of the data when that comes first. Services whose months end at the same instant share it.

    Examples
    --------
    >>> from slm_analytics import review
    >>> inputs = review.load_inputs(review.validate_parameters(service="checkout", period="2026-10"))
    >>> table = fleet_priorities(inputs, service="checkout", month="2026-10").table
    >>> table.iloc[0][["service", "slo"]].tolist()
    ['notifications', 'delivery']
    """
    from ..priorities import data_end
    from .month import month_bounds
    from .plan import month_priorities

    _, end = month_bounds(month, tz=inputs.catalog.service(service).timezone)
    as_of = min(end, data_end(inputs.sli))  # as month_priorities takes it
    key = (inputs.data_dir, str(as_of.tz_convert("UTC")))
    return shared("month_priorities", key, lambda: month_priorities(
        inputs.sli, inputs.catalog, service=service, month=month, incidents=inputs.incidents,
        requirements=inputs.requirements, exclusions=inputs.maintenance))


def fleet_past_actions(inputs: ReviewInputs) -> pd.DataFrame:
    """Return :func:`~slm_analytics.review.past_actions` of the whole register, shared by a run's kernels."""
    from .plan import past_actions

    return shared("past_actions", (inputs.data_dir,), lambda: past_actions(
        inputs.register, inputs.sli, inputs.catalog, incidents=inputs.incidents))
