"""Argument checks shared by the computation modules (public names in a private module).

Each check raises the project's exception with a message that quotes the bad value and says what is
allowed; callers pass ``what`` (their own name or the argument's) so the message says where it was found.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from ._compat import usable_cpus
from .errors import DataError, ParameterError, shorten

__all__ = [
    "all_blocks",
    "as_utc",
    "check_by",
    "check_catalog",
    "check_counts",
    "check_int",
    "check_levels",
    "check_target",
    "check_tz",
    "column_hint",
    "duration",
    "horizon_days",
    "infer_step",
    "integer_counts",
    "make_rng",
    "require_columns",
    "timestamp",
    "zone",
]


def check_target(target: object, what: str = "target", *, upto_one: bool = False) -> float:
    """Return ``target`` as a float if it is a number in (0, 1), or in (0, 1] with ``upto_one``.

    Raises
    ------
    ParameterError
        Anything else (a percentage such as 99.9, a string such as ``"0.999"``, a bool).

    Examples
    --------
    >>> check_target(0.999)
    0.999
    """
    number = isinstance(target, numbers.Real) and not isinstance(target, bool)
    if not number or not (0 < float(target) <= 1 if upto_one else 0 < float(target) < 1):
        kind = "" if number else f", a number, not a {type(target).__name__}"  # '0.999' is text, not 0.999
        top = "]" if upto_one else ")"
        msg = f"{what} {shorten(target)} is outside (0, 1{top}: write 99.9 % as 0.999{kind}"
        raise ParameterError(msg)
    return float(target)


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


def timestamp(value: Any, what: str, *, aware: bool = False) -> pd.Timestamp:
    """Return ``value`` (Timestamp, datetime or ISO 8601 text) as a Timestamp; refuse other text and NaT.

    ``aware`` only changes the example the message gives (one with an offset).
    """
    example = "'2026-03-01T00:00Z'" if aware else "'2026-01-04T02:00'"
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        offset = "with an offset " if aware else ""
        msg = f"{what} {value!r} is not a timestamp; give ISO 8601 {offset}such as {example}"
        raise ParameterError(msg) from exc
    if ts is pd.NaT:
        msg = f"{what} {value!r} is NaT; give a {'timezone-aware ' if aware else ''}time such as {example}"
        raise ParameterError(msg)
    return ts


def as_utc(value: Any, what: str) -> pd.Timestamp:
    """Return a timezone-aware instant (Timestamp or ISO 8601 string) as a UTC, microsecond Timestamp.

    Naive times are refused, not guessed to be UTC.
    """
    ts = timestamp(value, what, aware=True)
    if ts.tzinfo is None:
        msg = (
            f"{what} {value!r} has no time zone; give an offset ('2026-03-01T00:00Z', "
            "'2026-03-01T00:00+01:00') or a timezone-aware Timestamp: naive times are not guessed to be UTC"
        )
        raise ParameterError(msg)
    return ts.tz_convert("UTC").as_unit("us")


def zone(tz: str) -> ZoneInfo:
    """Return the IANA time zone ``tz``, or raise ParameterError naming it."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        msg = f"unknown time zone {tz!r}: expected an IANA name such as 'UTC', 'Europe/London', 'Asia/Seoul'"
        raise ParameterError(msg) from None


def check_tz(tz: str) -> str:
    """Return ``tz`` if it names a known time zone (see :func:`zone`)."""
    zone(tz)
    return tz


def _no_bare_number(value: object, what: str, example: str) -> None:
    """Refuse a bare number as a duration: pandas would read ``30`` as 30 nanoseconds, not 30 days."""
    if isinstance(value, numbers.Real) and not isinstance(value, np.timedelta64):
        msg = (f"{what} {value!r} is a number without a unit; give a duration such as {example!r} "
               "or a timedelta")
        raise ParameterError(msg)


def horizon_days(horizon: str | pd.Timedelta, what: str = "horizon") -> int:
    """Whole days of a positive duration (``"7d"`` or a Timedelta)."""
    _no_bare_number(horizon, what, "7d")
    try:
        if isinstance(horizon, str):
            from .catalog import parse_window

            td = pd.Timedelta(parse_window(horizon))
        else:
            td = pd.Timedelta(horizon)
    except (TypeError, ValueError) as exc:
        hint = str(exc).partition("; did you mean ")[2]  # the window grammar's hint ('7D' -> '7d')
        msg = (f"{what} {shorten(horizon)} is not a positive duration; "
               + (f"did you mean {hint[:-1]}? " if hint else "") + "use whole days such as '7d'")
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


def infer_step(times: pd.Series | pd.Index | np.ndarray) -> pd.Timedelta | None:
    """Return the bucket length of bucket start times: the greatest common divisor of their gaps.

    The one definition of a bucket's length (the grid engine, time slices, the forecasts' end of data and
    the review's month coverage use it). With missing buckets the gaps are multiples of the step, so the
    divisor still finds it; the smallest gap would too, but only the divisor puts every time on one grid.

    Parameters
    ----------
    times : Series, Index or ndarray
        Timezone-aware times, or int64 microseconds; any order, repeats allowed.

    Returns
    -------
    Timedelta or None
        ``None`` with fewer than two distinct times (the step is unknown).

    Examples
    --------
    >>> import pandas as pd
    >>> infer_step(pd.Series(pd.to_datetime(["2026-01-01 00:00", "2026-01-01 00:15", "2026-01-01 00:05"],
    ...                                     utc=True)))
    Timedelta('0 days 00:05:00')
    """
    if isinstance(times, np.ndarray) and times.dtype.kind in "iu":
        us = times.astype(np.int64, copy=False)
    else:
        index = pd.DatetimeIndex(times)
        us = index.as_unit("us").asi8
    uniq = np.unique(us)
    if len(uniq) < 2:
        return None
    return pd.Timedelta(int(np.gcd.reduce(np.diff(uniq))), unit="us")


def require_columns(frame: object, columns: Iterable[str], what: str, *,
                    expected: Sequence[str] | None = None) -> None:
    """Raise DataError unless ``frame`` is a DataFrame with every one of ``columns``; name what is missing.

    ``expected`` (e.g. a file's whole layout, optional columns included) is listed in the message too. The
    names found are quoted (``'total '`` shows its trailing space), and a found name that differs from a
    missing one only by spaces, invisible characters (a byte order mark, a zero-width space), case or
    ``_``/``-``/space is pointed out (:func:`column_hint`).

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame(columns=["good", "total "]), ["good", "total"], "sli.csv")
    Traceback (most recent call last):
    ...
    slm_analytics.errors.DataError: sli.csv: missing column(s) 'total'; found 'good', 'total '; column \
'total ' has a trailing space: rename it 'total'
    """
    if not isinstance(frame, pd.DataFrame):
        msg = f"{what}: expected a DataFrame, got {type(frame).__name__}"
        raise DataError(msg)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        layout = "" if expected is None else f"expected columns {', '.join(expected)}, "
        found = [c for c in frame.columns]
        hints = [h for h in (column_hint(c, found) for c in missing) if h]
        msg = (
            f"{what}: missing column(s) {', '.join(map(repr, missing))}; {layout}"
            f"found {', '.join(map(repr, found)) or 'none'}{''.join('; ' + h for h in hints)}"
        )
        raise DataError(msg)


#: characters that do not show in a column name: byte order mark, zero-width space/joiners, word joiner
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
_SPACE_NAMES = {" ": "space", "\t": "tab", "\xa0": "no-break space"}


def _column_key(name: object) -> str:
    """Return a column name without invisible characters, surrounding space, case, or ``_``/``-``/space."""
    text = str(name).translate(_INVISIBLE).strip().casefold()
    return "".join("_" if ch in " -" else ch for ch in text)


def column_hint(wanted: str, found: Sequence[object]) -> str:
    r"""Say how a found column name differs from ``wanted`` when it differs only in ways hard to see.

    Returns ``""`` when no found name is ``wanted`` up to invisible characters, surrounding whitespace,
    case and ``_``/``-``/space.

    Examples
    --------
    >>> column_hint("total", ["good", "total "])
    "column 'total ' has a trailing space: rename it 'total'"
    >>> column_hint("timestamp", ["\ufefftimestamp"])
    "column '\\ufefftimestamp' has an invisible character (U+FEFF, a byte order mark): rename it 'timestamp'"
    >>> column_hint("started_at", ["Started At"])
    "did you mean 'started_at' for column 'Started At'?"
    """
    near = [f for f in found if _column_key(f) == _column_key(wanted)]
    if not near:
        return ""
    name = str(near[0])
    fix = f": rename it {wanted!r}"
    hidden = [ch for ch in name if ord(ch) in _INVISIBLE]
    if hidden and name.translate(_INVISIBLE) == wanted:
        what = " (U+FEFF, a byte order mark)" if hidden[0] == "\ufeff" else f" (U+{ord(hidden[0]):04X})"
        return f"column {name!r} has an invisible character{what}{fix}"
    if name.strip() == wanted:
        lead, trail = name[: len(name) - len(name.lstrip())], name[len(name.rstrip()):]
        sides = [f"{side} {_SPACE_NAMES.get(ws[0], 'whitespace') if len(set(ws)) == 1 else 'whitespace'}"
                 for side, ws in (("a leading", lead), ("a trailing", trail)) if ws]
        return f"column {name!r} has {' and '.join(sides)}{fix}"
    if name.casefold() == wanted.casefold():
        return f"column {name!r} differs from {wanted!r} in upper/lower case{fix}"
    return f"did you mean {wanted!r} for column {name!r}?"


def all_blocks(holds: Callable[[int], bool], starts: range) -> bool:
    """Whether ``holds(a)`` for every block start ``a``; many blocks are checked on a few threads."""
    threads = min(usable_cpus(), 4)
    if threads <= 1 or len(starts) < 8:
        return all(holds(a) for a in starts)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return all(pool.map(holds, starts))


def _count(value: object) -> str:
    """Format an event count for a message: ``105`` for integers and whole floats, ``2.5`` otherwise."""
    if isinstance(value, int | np.integer) or float(value).is_integer():
        return str(int(value))
    return f"{float(value):g}"


def check_counts(good: np.ndarray, total: np.ndarray, what: str) -> None:
    """Raise DataError at the first row without ``0 <= good <= total`` (checked in cache-sized blocks).

    ``good`` and ``total`` are integer or float (NaN-free) arrays of the same length, one entry per row.
    """
    block = 1 << 20

    def valid(a: int) -> bool:
        g, t = good[a:a + block], total[a:a + block]
        from .grid import scratch  # a reused buffer (grid owns them); imported late: grid imports this module

        return g.min() >= 0 and not np.greater(g, t, out=scratch("counts_hit", len(t), np.bool_)).any()

    if not all_blocks(valid, range(0, len(total), block)):
        i = int(np.flatnonzero((good > total) | (good < 0))[0])
        msg = (
            f"{what}: row {i + 1}: good ({_count(good[i])}) and total ({_count(total[i])}) must satisfy "
            "0 <= good <= total; good events are a subset of all events"
        )
        raise DataError(msg)


def integer_counts(frame: pd.DataFrame, good: str, total: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``good`` and ``total`` columns as arrays after checking they are integer event counts.

    Raises
    ------
    DataError
        A column that does not hold integers, an unsigned count beyond int64, or a row without
        ``0 <= good <= total``
        (:func:`check_counts`).
    """
    g, t = frame[good].to_numpy(), frame[total].to_numpy()
    for name, arr in ((good, g), (total, t)):
        if not np.issubdtype(arr.dtype, np.integer):
            msg = f"{what}: column {name!r} must hold integer event counts, not {arr.dtype}"
            raise DataError(msg)
        if arr.dtype.kind == "u" and len(arr) and arr.max() > np.iinfo(np.int64).max:  # would wrap in sums
            i = int(np.flatnonzero(arr > np.iinfo(np.int64).max)[0])
            msg = (f"{what}: row {i + 1}: column {name!r} ({arr[i]}) exceeds the largest count supported, "
                   f"{np.iinfo(np.int64).max}")
            raise DataError(msg)
    check_counts(g, t, what)
    return g, t


def duration(value: object, what: str) -> pd.Timedelta:
    """Return a positive duration: an OpenSLO window string (``"28d"``, ``"5m"``) or a timedelta.

    Raises
    ------
    ParameterError
        A string outside the OpenSLO grammar, a bare number (``30`` would be 30 nanoseconds to pandas),
        or a duration that is not positive.

    Examples
    --------
    >>> duration("28d", "window")
    Timedelta('28 days 00:00:00')
    """
    from .catalog import parse_window

    _no_bare_number(value, what, "28d")
    if isinstance(value, str):
        try:
            return pd.Timedelta(parse_window(value))
        except Exception as exc:
            msg = f"{what} {value!r}: {exc}"
            raise ParameterError(msg) from exc
    try:
        out = pd.Timedelta(value)
    except (TypeError, ValueError) as exc:
        msg = f"{what} {value!r} is not a duration; give e.g. '5m' or a timedelta"
        raise ParameterError(msg) from exc
    if pd.isna(out) or out <= pd.Timedelta(0):
        msg = f"{what} {value!r} must be a positive duration such as '5m'"
        raise ParameterError(msg)
    return out


def check_by(by: object, frame: object, what: str) -> tuple[str, ...]:
    """Return the grouping columns ``by`` as a tuple; a single string is one column, ``()`` one group.

    A string is one column name (``by="service"``), never a sequence of letters. A ``by`` column
    ``frame`` lacks is refused with the columns it has, as :func:`require_columns` does (nothing is
    checked when ``frame`` is not a DataFrame: the caller's :func:`require_columns` refuses it).

    Raises
    ------
    ParameterError
        ``by`` is not a column name or a sequence of names.
    DataError
        ``frame`` lacks a ``by`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> check_by("service", pd.DataFrame(columns=["service", "slo"]), "ratio_sli")
    ('service',)
    >>> check_by("nope", pd.DataFrame(columns=["service", "slo"]), "ratio_sli")
    Traceback (most recent call last):
    ...
    slm_analytics.errors.DataError: ratio_sli: missing column(s) 'nope' named in by=; found 'service', \
'slo'; by= names the columns that identify a series, such as ('service', 'slo'), or () for one series
    """
    cols = (by,) if isinstance(by, str) else tuple(by) if isinstance(by, Iterable) else (by,)
    if not all(isinstance(c, str) for c in cols):
        msg = (f"{what}: by={shorten(by)} must be a column name or a sequence of column names, such as "
               "('service', 'slo') (or () for one series)")
        raise ParameterError(msg)
    if isinstance(frame, pd.DataFrame):
        unknown = [c for c in cols if c not in frame.columns]
        if unknown:
            found = list(frame.columns)
            near = {c: [f for f in found if _column_key(f) == _column_key(c)] for c in unknown}
            hints = [f"did you mean {str(n[0])!r} for {c!r}?" for c, n in near.items() if n]
            msg = (
                f"{what}: missing column(s) {', '.join(map(repr, unknown))} named in by=; found "
                f"{', '.join(map(repr, found)) or 'none'}{''.join('; ' + h for h in hints)}; by= names the "
                "columns that identify a series, such as ('service', 'slo'), or () for one series"
            )
            raise DataError(msg)
    return cols


def check_catalog(catalog: object, what: str, *, optional: bool = False) -> None:
    """Raise ParameterError unless ``catalog`` is a :class:`~slm_analytics.catalog.Catalog`.

    ``None`` is allowed with ``optional``; a path or a mapping must be read first.
    """
    from .catalog import Catalog

    if isinstance(catalog, Catalog) or (optional and catalog is None):
        return
    msg = (f"{what}: catalog {shorten(catalog)} is not a Catalog; read the file first with "
           "load_catalog(path) or read_openslo(path), or use read_dataset('catalog')")
    raise ParameterError(msg)
