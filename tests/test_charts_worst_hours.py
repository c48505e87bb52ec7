"""Tests of charts.worst_hours_chart on its Vega-Lite spec (``to_dict()``)."""

from __future__ import annotations

import pandas as pd
import pytest

from slm_analytics import DataError, charts, read_dataset, worst_hours
from slm_analytics.charts import INCIDENT_COLORS


@pytest.fixture(scope="module")
def table():
    sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    pay = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    return worst_hours(pay, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z", n=5, incidents=inc,
                       exclusions=read_dataset("maintenance"))


def _values(spec: dict, layer: str) -> list[dict]:
    (found,) = [x for x in spec["layer"] if x["name"] == layer]
    return spec["datasets"][found.get("data", spec.get("data"))["name"]]  # both layers share one dataset


def test_worst_hours_chart_bars_worst_first_with_exact_tooltips(table):
    spec = charts.worst_hours_chart(table).to_dict()
    assert [x["name"] for x in spec["layer"]] == ["bars", "labels"]
    rows = _values(spec, "bars")
    shares = [r["budget_share"] for r in rows]
    assert shares == sorted(shares, reverse=True)
    assert shares[0] == pytest.approx(table["budget_share"].max(), rel=1e-12)  # the table's own number
    (bars,) = [x for x in spec["layer"] if x["name"] == "bars"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "budget_share"
    assert bars["encoding"]["y"]["sort"] == [r["label"] for r in rows]  # worst on top
    assert bars["encoding"]["color"]["scale"] == {"domain": list(INCIDENT_COLORS),
                                                  "range": list(INCIDENT_COLORS.values())}
    tips = {t["field"] for t in bars["encoding"]["tooltip"]}
    assert {"budget_share", "bad", "total", "incidents", "hour"} <= tips
    first = rows[0]
    assert first["incident"] == "incident overlaps" and "INC-0066" in first["incidents"]
    assert rows[-1]["incident"] == "no incident recorded" and rows[-1]["incidents"] == "none recorded"
    assert first["hour"] == "Thu 12 Feb 2026 15:00 UTC"
    assert spec["title"]["text"] == ("payments / availability: the hours that spent the most error budget, "
                                     "01 Feb 2026 to 28 Feb 2026")


def test_worst_hours_chart_labels_several_slos(table):
    two = pd.concat([table, table.assign(slo="latency")], ignore_index=True)
    rows = _values(charts.worst_hours_chart(two).to_dict(), "bars")
    assert rows[0]["label"].startswith("payments / ") and " · " in rows[0]["label"]


def test_worst_hours_chart_errors(table):
    with pytest.raises(DataError, match="worst_hours_chart.*'incidents'"):
        charts.worst_hours_chart(table.drop(columns="incidents"))
    with pytest.raises(DataError, match="worst_hours_chart"):
        charts.worst_hours_chart(table.iloc[:0])


def test_worst_hours_chart_renders_offline(table):
    vl_convert = pytest.importorskip("vl_convert")
    assert vl_convert.vegalite_to_svg(charts.worst_hours_chart(table).to_json()).startswith("<svg")
