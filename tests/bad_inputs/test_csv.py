"""Bad CSV files as users have them, one case per row of the table, each with the exact message it gives.

Every message names the file and, for a problem in a row, the data row (1 is the first row after the
header) and the PHYSICAL line of the file where that record starts: blank lines, line breaks inside quoted
values and leading blank lines are counted, so the line is not always row + 1. ``{path}`` in an expected
message stands for the file written by the case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slm_analytics.catalog import Catalog
from slm_analytics.data import read_dataset, read_incidents, read_requirements, read_sli
from slm_analytics.errors import DataError, InsufficientDataError

H = "timestamp,service,slo,good,total\n"
R1 = "2026-01-01T00:00:00Z,checkout,availability,99,100\n"
R2 = "2026-01-01T00:05:00Z,checkout,availability,98,100\n"
INC_H = "id,service,severity,started_at,resolved_at,title\n"
INC_1 = "INC-1,checkout,P2,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,Bad release\n"
SERVICES = ("checkout, payments, search, login, catalog, notifications, mobile-api, reporting, "
            "data-pipeline, support-portal, email, internal-wiki, partner-gateway")
COUNTS = "counts are non-negative integers"
LAYOUT = "expected columns timestamp, service, slo, good, total"
READERS = {"sli": read_sli, "incidents": read_incidents, "requirements": read_requirements}


def case(name, content, expected, *, reader="sli", file="data.csv", error=DataError, **kwargs):
    return pytest.param(content, file, reader, kwargs, error, expected, id=name)


CASES = [
    # ---- the file itself
    case("empty file", "",
         f"{{path}}: the file is empty; expected a header line naming the columns {LAYOUT[17:]}"),
    case("header only", H, "{path}: no rows after the header; at least one bucket of counts is needed",
         error=InsufficientDataError),
    case("wrong extension", H + R1, "{path}: unsupported file type '.txt'; expected .csv or .parquet",
         file="data.txt"),
    case("directory instead of file", None, "{path}: is a folder, not a CSV file"),
    case("non-UTF-8 bytes", (H + "2026-01-01T00:00:00Z,caf\xe9,availability,99,100\n").encode("latin-1"),
         "{path}: row 1 (line 2), column 'service': b'caf\\xe9' is not UTF-8 text; save the file as UTF-8 "
         "(it may be Latin-1 or Windows-1252)"),
    # ---- the header
    case("missing column", H.replace(",total", "") + R1.replace(",100", ""),
         f"{{path}}: missing column(s) 'total'; {LAYOUT}, found 'timestamp', 'service', 'slo', 'good'"),
    case("trailing space in a column name", H.replace("total", "total ") + R1,
         f"{{path}}: missing column(s) 'total'; {LAYOUT}, found 'timestamp', 'service', 'slo', 'good', "
         "'total '; column 'total ' has a trailing space: rename it 'total'"),
    case("byte order mark before a later column", H.replace("good", "\ufeffgood") + R1,
         f"{{path}}: missing column(s) 'good'; {LAYOUT}, found 'timestamp', 'service', 'slo', '\\ufeffgood', "
         "'total'; column '\\ufeffgood' has an invisible character (U+FEFF, a byte order mark): rename it "
         "'good'"),
    case("column name in another case", H.replace("slo", "SLO") + R1,
         f"{{path}}: missing column(s) 'slo'; {LAYOUT}, found 'timestamp', 'service', 'SLO', 'good', "
         "'total'; column 'SLO' differs from 'slo' in upper/lower case: rename it 'slo'"),
    case("duplicate column", H.replace("\n", ",good\n") + R1.replace("\n", ",3\n"),
         "{path}: line 1: column 'good' appears twice (columns 4 and 6); name each column once, or one of "
         "them would be ignored"),
    # ---- rows with another number of fields than the header
    case("trailing comma on every row", H + R1.replace("\n", ",\n") + R2.replace("\n", ",\n"),
         "{path}: row 1 (line 2) has 6 fields but the header (line 1) has 5 (a trailing comma, or an "
         "unquoted comma in a value?) (and 1 more rows); every row needs one value per column"),
    case("trailing comma on one row", H + R1 + R2.replace("\n", ",\n"),
         "{path}: row 2 (line 3) has 6 fields but the header (line 1) has 5 (a trailing comma, or an "
         "unquoted comma in a value?); every row needs one value per column"),
    case("short row", H + R1 + R2.replace(",100\n", "\n"),
         "{path}: row 2 (line 3) has 4 fields but the header (line 1) has 5 (a missing value, or a line "
         "break in an unquoted value?); every row needs one value per column"),
    # ---- physical lines: blank lines, quoted line breaks, CRLF, blank lines before the header
    case("blank lines then a bad value", H + R1 + "\n\n" + R2.replace(",98,", ",x,"),
         f"{{path}}: row 2 (line 5), column 'good': 'x' is not a number; {COUNTS}"),
    case("CRLF and a blank line then a bad value",
         (H + R1 + "\n" + R2.replace(",98,", ",-1,")).replace("\n", "\r\n"),
         f"{{path}}: row 2 (line 4), column 'good': '-1' is negative; {COUNTS}"),
    case("blank lines before the header", "\n\n" + H + R1.replace(",99,", ",x,"),
         f"{{path}}: row 1 (line 4), column 'good': 'x' is not a number; {COUNTS}"),
    case("quoted line breaks then a bad value",
         INC_H + INC_1.replace("Bad release", '"Bad\nrelease\n\nrolled back"')
         + "INC-2,checkout,P7,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,Slow\n",
         "{path}: row 2 (line 6), column 'severity': 'P7' is not a severity; expected P1, P2, P3 or P4",
         reader="incidents"),
    # ---- timestamps
    case("unparsable timestamp", H + R1 + R2.replace("2026-01-01T00:05:00Z", "01/02/2026 25:00"),
         "{path}: row 2 (line 3), column 'timestamp': '01/02/2026 25:00' is not a timestamp; expected ISO "
         "8601 such as '2026-03-01T14:05:00Z'"),
    case("naive timestamp without tz", H + R1.replace("00:00:00Z", "00:00:00"),
         "{path}: row 1 (line 2), column 'timestamp': naive timestamp '2026-01-01T00:00:00' has no time "
         "zone; pass tz= with the zone it was recorded in (e.g. tz='UTC' or tz='Europe/London') or store "
         "timestamps with an offset"),
    # Europe/London, 2025-10-26: clocks go back at 02:00 BST to 01:00 GMT, so 01:30 happens twice
    case("ambiguous DST timestamp", H + "2025-10-26 01:30,checkout,availability,99,100\n",
         "{path}: row 1 (line 2), column 'timestamp': '2025-10-26 01:30' is ambiguous or does not exist in "
         "Europe/London (a daylight-saving change); store timestamps in UTC or with an offset",
         tz="Europe/London"),
    # ---- counts
    case("empty count", H + R1.replace(",99,", ",,"),
         f"{{path}}: row 1 (line 2), column 'good': is missing (NaN); {COUNTS}"),
    case("negative count", H + R1 + R2.replace(",100\n", ",-100\n").replace(",98,", ",0,"),
         f"{{path}}: row 2 (line 3), column 'total': '-100' is negative; {COUNTS}"),
    case("good above total", H + R1.replace(",99,", ",101,"),
         "{path}: row 1 (line 2), column 'good': 'good' (101) exceeds 'total' (100); good events are a "
         "subset of all events"),
    case("fractional count", H + R1.replace(",99,", ",99.5,"),
         f"{{path}}: row 1 (line 2), column 'good': '99.5' is not an integer; {COUNTS}"),
    case("count just beyond int64", H + R1.replace(",100\n", ",9223372036854775808\n"),
         "{path}: row 1 (line 2), column 'total': '9223372036854775808' exceeds the largest count supported, "
         "9223372036854775807"),
    case("count far beyond int64", H + R1.replace(",100\n", ",100000000000000000000000000\n"),
         "{path}: row 1 (line 2), column 'total': '100000000000000000000000000' exceeds the largest count "
         "supported, 9223372036854775807"),
    case("decimal count beyond int64", H + R1.replace(",100\n", ",1e30\n"),
         "{path}: row 1 (line 2), column 'total': '1e30' exceeds the largest count supported, "
         "9223372036854775807"),
    case("NaN as text", H + R1.replace(",100\n", ",NaN\n"),
         f"{{path}}: row 1 (line 2), column 'total': 'NaN' is not a number; {COUNTS}"),
    case("inf as text", H + R1.replace(",100\n", ",inf\n"),
         f"{{path}}: row 1 (line 2), column 'total': 'inf' is not a finite number; {COUNTS}"),
    case("score counts in another reader", "id,service,requirement,user_segment,importance,satisfaction,"
         "respondents\nR1,checkout,Fast,shoppers,5,4.2,12.5\n",
         f"{{path}}: row 1 (line 2), column 'respondents': '12.5' is not an integer; {COUNTS}",
         reader="requirements"),
    # ---- names checked against the catalog
    case("unknown service with catalog", H + R1 + R2.replace("checkout", "chekout"),
         f"{{path}}: row 2 (line 3), column 'service': 'chekout' is not a service of the catalog; known "
         f"services: {SERVICES}", catalog=True),
    case("unknown SLO with catalog", H + R1.replace("availability", "delivery"),
         "{path}: row 1 (line 2), column 'slo': 'delivery' is not an SLO of service 'checkout'; its SLOs: "
         "availability, latency, uptime", catalog=True),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return read_dataset("catalog")


@pytest.mark.parametrize(("content", "file", "reader", "kwargs", "error", "expected"), CASES)
def test_bad_csv(tmp_path: Path, catalog, content, file, reader, kwargs, error, expected):
    path = tmp_path / file
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")  # line endings as written in the case
    if kwargs.pop("catalog", False):
        kwargs["catalog"] = catalog
    with pytest.raises(error) as info:
        READERS[reader](path, **kwargs)
    assert type(info.value) is error
    assert str(info.value) == expected.replace("{path}", str(path))


def test_the_table_is_large_enough():
    assert len(CASES) >= 25
