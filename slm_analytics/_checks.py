"""Argument checks shared by the computation modules (public names in a private module).

Each check raises the project's exception with a message that quotes the bad value and says what is
allowed; callers pass ``what`` (their own name or the argument's) so the message says where it was found.
"""

from __future__ import annotations

__all__ = ["check_target"]


def check_target(target: object, what: str = "target", *, upto_one: bool = False) -> float:
    """Return ``target`` as a float if it is a number in (0, 1), or in (0, 1] with ``upto_one``.

    Raises
    ------
    ParameterError
        Anything else (a percentage such as 99.9, a string, a bool).

    Examples
    --------
    >>> check_target(0.999)
    0.999
    """
    import numbers

    from .errors import ParameterError

    ok = isinstance(target, numbers.Real) and not isinstance(target, bool) and (
        0 < float(target) <= 1 if upto_one else 0 < float(target) < 1)
    if not ok:
        msg = f"{what} {target!r} is outside (0, 1{']' if upto_one else ')'}: write 99.9 % as 0.999"
        raise ParameterError(msg)
    return float(target)
