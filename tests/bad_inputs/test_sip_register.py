"""Bad SIP registers, one case per row of the table, each with the exact message it gives.

Every message names the file, the data row (1 is the first row after the header), the physical line of
the file where the record starts and the column, quotes the bad value and says what was expected.
``{path}`` in an expected message stands for the file written by the case. A file with a header and no
rows is not bad: it is an empty register (tested in ``tests/test_data.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slm_analytics.catalog import Catalog
from slm_analytics.data import read_dataset, read_sip_register
from slm_analytics.errors import DataError

COLUMNS = "id,service,slo,problem,action,owner,opened,due,closed,status,kpi,baseline,target"
H = COLUMNS + "\n"
R1 = ("SIP-001,payments,availability,Single acquirer,Add failover,team-payments,2026-02-16,2026-04-30,"
      "2026-04-22,done,auth error rate,0.45,0.02\n")
R2 = ("SIP-002,checkout,latency,Peak-day saturation,Autoscaling,team-orders,2025-12-03,2026-02-28,,"
      "in-progress,p99 latency (ms),2400,500\n")
OPT_H = COLUMNS + ",kpi_measure,evidence,priority,review\n"
OPT_R1 = R1.replace("\n", ",error_rate,61 % of the budget went to deploys,0.8,2026-06-01\n")
LAYOUT = COLUMNS.replace(",", ", ") + ", kpi_measure, evidence, priority, review"
SERVICES = ("checkout, payments, search, login, catalog, notifications, mobile-api, reporting, "
            "data-pipeline, support-portal, email, internal-wiki, partner-gateway")


def case(name, content, expected, **kwargs):
    return pytest.param(content, kwargs, expected, id=name)


CASES = [
    # ---- the file
    case("empty file", "",
         "{path}: the file is empty; expected a header line naming the columns "
         + COLUMNS.replace(",", ", ")),
    case("no header (data from the first line)", R1 + R2,
         "{path}: missing column(s) 'id', 'service', 'slo', 'problem', 'action', 'owner', 'opened', "
         f"'due', 'closed', 'status', 'kpi', 'baseline', 'target'; expected columns {LAYOUT}, found "
         "'SIP-001', 'payments', 'availability', 'Single acquirer', 'Add failover', 'team-payments', "
         "'2026-02-16', '2026-04-30', '2026-04-22', 'done', 'auth error rate', '0.45', '0.02'"),
    case("missing column", H.replace(",kpi", "") + R1.replace(",auth error rate", ""),
         "{path}: missing column(s) 'kpi'; expected columns " + LAYOUT + ", found 'id', 'service', 'slo', "
         "'problem', 'action', 'owner', 'opened', 'due', 'closed', 'status', 'baseline', 'target'"),
    # ---- ids
    case("duplicate id", H + R1 + "\n" + R2.replace("SIP-002", "SIP-001"),
         "{path}: row 2 (line 4), column 'id': 'SIP-001' is the id of row 1 (line 2) too; each SIP item has "
         "its own id"),
    case("empty id", H + R1 + R2.replace("SIP-002", ""),
         "{path}: row 2 (line 3), column 'id': is empty; a name is required"),
    # ---- dates
    case("closed before opened", H + R1.replace("2026-04-22", "2026-02-15"),
         "{path}: row 1 (line 2), column 'closed': '2026-02-15' is before 'opened' (2026-02-16); an item "
         "closes after it opens"),
    case("due before opened", H + R1 + R2.replace("2026-02-28", "2025-11-30"),
         "{path}: row 2 (line 3), column 'due': '2025-11-30' is before 'opened' (2025-12-03); an item is due "
         "after it is opened"),
    case("date not ISO", H + R1 + R2.replace("2026-02-28", "28/02/2026"),
         "{path}: row 2 (line 3), column 'due': '28/02/2026' is not a date; expected YYYY-MM-DD"),
    case("opened empty", H + R1.replace("2026-02-16", ""),
         "{path}: row 1 (line 2), column 'opened': is empty; a date is required"),
    case("review not a date", OPT_H + OPT_R1.replace("2026-06-01", "June"),
         "{path}: row 1 (line 2), column 'review': 'June' is not a date; expected YYYY-MM-DD"),
    # ---- status
    case("unknown status", H + R1 + R2.replace("in-progress", "wip"),
         "{path}: row 2 (line 3), column 'status': 'wip' is not one of open, in-progress, done, cancelled"),
    case("status in capitals", H + R1.replace(",done,", ",Done,"),
         "{path}: row 1 (line 2), column 'status': 'Done' is not one of open, in-progress, done, cancelled"),
    case("done without closed date", H + R1.replace("2026-04-22", ""),
         "{path}: row 1 (line 2), column 'closed': is empty on a 'done' item; give the date it was closed "
         "(sip_effectiveness compares before and after it)"),
    case("closed date on an item in progress",
         H + R1 + R2.replace(",,in-progress", ",2026-02-20,in-progress"),
         "{path}: row 2 (line 3), column 'closed': '2026-02-20' is set on an item whose status is open or "
         "in-progress; empty it, or set status to done or cancelled"),
    # ---- numbers
    case("baseline not a number", H + R1 + R2.replace(",2400,", ",2.4 s,"),
         "{path}: row 2 (line 3), column 'baseline': '2.4 s' is not a number"),
    case("target empty", H + R1.replace(",0.02\n", ",\n"),
         "{path}: row 1 (line 2), column 'target': is empty; expected a number (the KPI's value, in the "
         "KPI's unit)"),
    case("baseline infinite", H + R1.replace(",0.45,", ",inf,"),
         "{path}: row 1 (line 2), column 'baseline': 'inf' is not a finite number"),
    case("priority not a number", OPT_H + OPT_R1.replace(",0.8,", ",high,"),
         "{path}: row 1 (line 2), column 'priority': 'high' is not a number"),
    case("unknown kpi_measure", OPT_H + OPT_R1.replace(",error_rate,", ",p99,"),
         "{path}: row 1 (line 2), column 'kpi_measure': 'p99' is not one of error_rate, attainment or empty "
         "(a KPI measured outside the SLI data)"),
    # ---- the catalog
    case("unknown service with catalog", H + R1 + R2.replace("checkout", "shop"),
         "{path}: row 2 (line 3), column 'service': 'shop' is not a service of the catalog; known "
         f"services: {SERVICES}", catalog=True),
    case("unknown SLO with catalog", H + R1 + R2.replace("latency", "throughput"),
         "{path}: row 2 (line 3), column 'slo': 'throughput' is not an SLO of service 'checkout'; its SLOs: "
         "availability, latency, uptime", catalog=True),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return read_dataset("catalog")


@pytest.mark.parametrize(("content", "kwargs", "expected"), CASES)
def test_bad_sip_register(tmp_path: Path, catalog, content, kwargs, expected):
    path = tmp_path / "sip_register.csv"
    path.write_text(content, encoding="utf-8", newline="")
    if kwargs.pop("catalog", False):
        kwargs["catalog"] = catalog
    with pytest.raises(DataError) as info:
        read_sip_register(path, **kwargs)
    assert type(info.value) is DataError
    assert str(info.value) == expected.replace("{path}", str(path))


def test_the_good_rows_are_good(tmp_path: Path, catalog):
    path = tmp_path / "sip_register.csv"
    path.write_text(H + R1 + R2, encoding="utf-8")
    assert read_sip_register(path, catalog=catalog)["id"].tolist() == ["SIP-001", "SIP-002"]
    path.write_text(OPT_H + OPT_R1, encoding="utf-8")
    assert read_sip_register(path, catalog=catalog)["kpi_measure"].tolist() == ["error_rate"]
