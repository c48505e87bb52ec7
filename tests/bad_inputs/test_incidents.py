"""Bad incident records, read from a file or handed to the API, each with the exact message it gives.

File cases (``read_incidents``) name the file, the row and physical line and the column; API cases
(``availability_from_incidents``, ``incident_metrics``) name the function and the incident by its id, or
by ``row-N`` when the frame has no ``id`` column. ``{path}`` in an expected message stands for the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from slm_analytics.availability import availability_from_incidents, incident_metrics
from slm_analytics.catalog import Catalog
from slm_analytics.data import read_dataset, read_incidents
from slm_analytics.errors import DataError, ParameterError

H = "id,service,severity,started_at,detected_at,resolved_at,title\n"
ROW = "INC-1,checkout,P2,2026-01-01T10:00:00Z,2026-01-01T10:05:00Z,2026-01-01T11:00:00Z,Bad release\n"
DAY = {"start": "2026-01-01T00:00Z", "end": "2026-01-02T00:00Z"}


def utc(*values) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True)).dt.as_unit("us")


def frame(**columns) -> pd.DataFrame:
    """Two resolved incidents of one service, as read_incidents returns them; ``None`` drops a column."""
    data = {
        "id": ["INC-1", "INC-2"],
        "service": ["checkout", "checkout"],
        "started_at": utc("2026-01-01T02:00Z", "2026-01-01T05:00Z"),
        "detected_at": utc("2026-01-01T02:10Z", "2026-01-01T05:05Z"),
        "resolved_at": utc("2026-01-01T03:00Z", "2026-01-01T06:00Z"),
    }
    data.update(columns)
    return pd.DataFrame({k: v for k, v in data.items() if v is not None})


def read(name, content, expected, *, error=DataError, **kwargs):
    return pytest.param(content, read_incidents, kwargs, error, expected, id=name)


def api(name, incidents, expected, *, call=availability_from_incidents, error=DataError, **kwargs):
    return pytest.param(incidents, call, {**DAY, **kwargs}, error, expected, id=name)


CASES = [
    # ---- files
    read("no service column with a catalog", H.replace("service,", "") + ROW.replace("checkout,", ""),
         "{path}: missing column(s) 'service'; expected columns id, service, started_at, resolved_at, slo, "
         "severity, cause, detected_at, title, found 'id', 'severity', 'started_at', 'detected_at', "
         "'resolved_at', 'title'", catalog=True),
    read("no id and resolved before started", "started_at,resolved_at\n2026-01-01T10:00Z,2026-01-01T11:00Z\n"
         "\n2026-01-02T10:00Z,2026-01-02T09:00Z\n",
         "{path}: row 2 (line 4), column 'resolved_at': '2026-01-02T09:00Z' is before 'started_at'; an "
         "interval ends after it starts"),
    read("resolved before started", H + ROW.replace("2026-01-01T11:00:00Z", "2026-01-01T09:00:00Z"),
         "{path}: row 1 (line 2), column 'resolved_at': '2026-01-01T09:00:00Z' is before 'started_at'; an "
         "interval ends after it starts"),
    read("detected before started", H + ROW.replace("2026-01-01T10:05:00Z", "2026-01-01T09:55:00Z"),
         "{path}: row 1 (line 2), column 'detected_at': '2026-01-01T09:55:00Z' is before 'started_at'; an "
         "incident is detected after it starts"),
    read("bad severity", H + ROW.replace(",P2,", ",Sev2,"),
         "{path}: row 1 (line 2), column 'severity': 'Sev2' is not a severity; expected P1, P2, P3 or P4"),
    read("repeated id", H + ROW + "\n" + ROW.replace("2026-01-01T1", "2026-01-02T1"),
         "{path}: row 2 (line 4), column 'id': 'INC-1' is the id of row 1 (line 2) too; each incident is "
         "recorded once (merge the rows, or give each incident its own id)"),
    read("open incident written as text", H + ROW.replace("2026-01-01T11:00:00Z", "ongoing"),
         "{path}: row 1 (line 2), column 'resolved_at': 'ongoing' is not a timestamp; expected ISO 8601 "
         "such as '2026-03-01T14:05:00Z' (or an empty cell while it is not known)"),
    read("incident without a start", H + ROW.replace("2026-01-01T10:00:00Z", ""),
         "{path}: row 1 (line 2), column 'started_at': is empty; a timestamp is required"),
    read("naive times without tz", H + ROW.replace(":00Z", ":00"),
         "{path}: row 1 (line 2), column 'started_at': naive timestamp '2026-01-01T10:00:00' has no time "
         "zone; pass tz= with the zone it was recorded in (e.g. tz='UTC' or tz='Europe/London') or store "
         "timestamps with an offset"),
    read("unknown service with catalog", H + ROW.replace("checkout", "check-out"),
         "{path}: row 1 (line 2), column 'service': 'check-out' is not a service of the catalog; known "
         "services: checkout, payments, search, login, catalog, notifications, mobile-api, reporting, "
         "data-pipeline, support-portal, email, internal-wiki, partner-gateway", catalog=True),
    read("quoted line break in a title, then an empty id", H + ROW.replace("Bad release", '"Bad\nrelease"')
         + ROW.replace("INC-1", ""),
         "{path}: row 2 (line 4), column 'id': is empty; a name is required"),
    # ---- frames handed to the API
    api("no service column and the default by", frame(service=None),
        "availability_from_incidents: missing column(s) 'service' named in by=; found 'id', 'started_at', "
        "'detected_at', 'resolved_at'; by= names the columns that identify a series, such as ('service', "
        "'slo'), or () for one series", error=DataError),
    api("no id and resolved before started",
        frame(id=None, resolved_at=utc("2026-01-01T03:00Z", "2026-01-01T04:00Z")),
        "availability_from_incidents: incident 'row-2': 'resolved_at' (2026-01-01 04:00:00+00:00) is "
        "before 'started_at' (2026-01-01 05:00:00+00:00); an incident is resolved at or after it starts",
        by=()),
    api("detected before started", frame(detected_at=utc("2026-01-01T01:00Z", None)),
        "incident_metrics: incident 'INC-1': 'detected_at' (2026-01-01 01:00:00+00:00) is before "
        "'started_at' (2026-01-01 02:00:00+00:00); an incident is detected at or after it starts",
        call=incident_metrics),
    api("repeated id", frame(id=["INC-1", "INC-1"]),
        "incident_metrics: incident 'INC-1' appears more than once; each incident is one row (drop the "
        "repeated rows, or give each incident its own id)", call=incident_metrics, by=()),
    api("by=() with services", frame(),
        "availability_from_incidents: services= lists services to report and needs by='service', not "
        "by=()", error=ParameterError, by=(), services=["checkout"]),
    api("naive incident times", frame(started_at=utc("2026-01-01T02:00Z", "2026-01-01T05:00Z")
                                      .dt.tz_localize(None)),
        "availability_from_incidents: incidents column 'started_at' has dtype datetime64[us]; expected "
        "timezone-aware timestamps such as datetime64[us, UTC] (read_incidents/read_maintenance return "
        "them)"),
    api("no start column", frame(started_at=None),
        "incident_metrics: incidents: missing column(s) 'started_at'; found 'id', 'service', "
        "'detected_at', 'resolved_at'", call=incident_metrics),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return read_dataset("catalog")


@pytest.mark.parametrize(("source", "call", "kwargs", "error", "expected"), CASES)
def test_bad_incidents(tmp_path: Path, catalog, source, call, kwargs, error, expected):
    kwargs = dict(kwargs)
    if kwargs.pop("catalog", False):
        kwargs["catalog"] = catalog
    if isinstance(source, str):
        path = tmp_path / "incidents.csv"
        path.write_text(source, encoding="utf-8", newline="")
        source, expected = path, expected.replace("{path}", str(path))
    with pytest.raises(error) as info:
        call(source, **kwargs)
    assert type(info.value) is error
    assert str(info.value) == expected


def test_the_table_is_large_enough():
    assert len(CASES) >= 12
