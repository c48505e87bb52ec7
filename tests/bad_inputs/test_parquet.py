"""Bad Parquet files as users have them, one case per row of the table, each with the exact message it gives.

Parquet keeps types, so the problems differ from CSV: counts stored as text or as floats (with NaN, or too
large for float64 to hold exactly), unsigned counts beyond int64, naive timestamps. Messages name the file,
the row (1 is the first row) and the column. ``{path}`` in an expected message stands for the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slm_analytics.data import read_incidents, read_sli
from slm_analytics.errors import DataError

COUNTS = "counts are non-negative integers"
LAYOUT = "expected columns timestamp, service, slo, good, total"
READERS = {"sli": read_sli, "incidents": read_incidents}


def sli(**columns) -> pd.DataFrame:
    """Two valid checkout/availability buckets (UTC), with ``columns`` replacing defaults."""
    data = {
        "timestamp": pd.to_datetime(["2026-01-01T00:00Z", "2026-01-01T00:05Z"], utc=True),
        "service": ["checkout", "checkout"],
        "slo": ["availability", "availability"],
        "good": np.array([99, 98], dtype=np.int64),
        "total": np.array([100, 100], dtype=np.int64),
    }
    data.update(columns)
    return pd.DataFrame(data)


def case(name, frame, expected, *, reader="sli", **kwargs):
    return pytest.param(frame, reader, kwargs, expected, id=name)


CASES = [
    case("string counts", sli(total=["100", "a hundred"]),
         f"{{path}}: row 2, column 'total': 'a hundred' is not a number; {COUNTS}"),
    case("float counts with NaN", sli(good=[99.0, np.nan]),
         f"{{path}}: row 2, column 'good': is missing (NaN); {COUNTS}"),
    case("fractional float count", sli(good=[99.0, 97.5]),
         f"{{path}}: row 2, column 'good': 97.5 is not an integer; {COUNTS}"),
    case("infinite float count", sli(total=[100.0, np.inf]),
         f"{{path}}: row 2, column 'total': inf is not a finite number; {COUNTS}"),
    # 2**53 + 2 = 9007199254740994 is a float64, but so is the rounding of 2**53 + 1 or + 3: inexact
    case("float count beyond 2**53", sli(good=[1.0, 1.0], total=[100.0, 2.0**53 + 2]),
         "{path}: row 2, column 'total': 9007199254740994.0 is beyond 2**53: float64 cannot hold this count "
         "exactly; store counts as integers"),
    case("uint64 count beyond int64", sli(total=np.array([100, 2**63], dtype=np.uint64)),
         "{path}: row 2, column 'total': 9223372036854775808 exceeds the largest count supported, "
         "9223372036854775807"),
    case("nullable integer with a gap", sli(total=pd.array([100, None], dtype="Int64")),
         f"{{path}}: row 2, column 'total': is missing (NaN); {COUNTS}"),
    case("negative count", sli(good=np.array([99, -1])),
         f"{{path}}: row 2, column 'good': -1 is negative; {COUNTS}"),
    case("missing column", sli().drop(columns="slo"),
         f"{{path}}: missing column(s) 'slo'; {LAYOUT}, found 'timestamp', 'service', 'good', 'total'"),
    case("trailing space in a column name", sli().rename(columns={"good": "good "}),
         f"{{path}}: missing column(s) 'good'; {LAYOUT}, found 'timestamp', 'service', 'slo', 'good ', "
         "'total'; column 'good ' has a trailing space: rename it 'good'"),
    case("tz-naive timestamps", sli(timestamp=pd.to_datetime(["2026-01-01 00:00", "2026-01-01 00:05"])),
         "{path}: row 1, column 'timestamp': naive timestamp '2026-01-01 00:00:00' has no time zone; pass "
         "tz= with the zone it was recorded in (e.g. tz='UTC' or tz='Europe/London') or store timestamps "
         "with an offset"),
    case("timestamps as unparsable text", sli(timestamp=["2026-01-01T00:00Z", "soon"]),
         "{path}: row 2, column 'timestamp': 'soon' is not a timestamp; expected ISO 8601 such as "
         "'2026-03-01T14:05:00Z'"),
    case("good above total", sli(good=np.array([99, 101])),
         "{path}: row 2, column 'good': 'good' (101) exceeds 'total' (100); good events are a subset of all "
         "events"),
    case("incident times as integers", pd.DataFrame({"started_at": [1, 2], "resolved_at": [3, 4]}),
         "{path}: row 1, column 'started_at': 1 is not a timestamp; expected ISO 8601 such as "
         "'2026-03-01T14:05:00Z' (and 1 more rows)", reader="incidents"),
    case("corrupt file", b"PAR1 this is not parquet",
         "{path}: cannot read as parquet: Could not open Parquet input source: Parquet magic bytes not found "
         "in footer. Either the file is corrupted or this is not a parquet file."),
]


@pytest.mark.parametrize(("frame", "reader", "kwargs", "expected"), CASES)
def test_bad_parquet(tmp_path: Path, frame, reader, kwargs, expected):
    path = tmp_path / "data.parquet"
    if isinstance(frame, bytes):
        path.write_bytes(frame)
    else:
        frame.to_parquet(path, index=False)
    with pytest.raises(DataError) as info:
        READERS[reader](path, **kwargs)
    assert str(info.value) == expected.replace("{path}", str(path))


def test_the_table_is_large_enough():
    assert len(CASES) >= 10


def test_counts_up_to_int64_are_read_exactly(tmp_path):
    # 2**53 + 1 and 2**63 - 1 have no float64; an int64 or uint64 column keeps them exact
    big = [2**53 + 1, 2**63 - 1]
    for dtype in (np.int64, np.uint64):
        path = tmp_path / f"{np.dtype(dtype).name}.parquet"
        sli(good=np.array(big, dtype=dtype), total=np.array(big, dtype=dtype)).to_parquet(path)
        out = read_sli(path)
        assert out["total"].dtype == np.int64 and out["total"].tolist() == big
