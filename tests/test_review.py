"""Tests for slm_analytics.review: parameters, review sections, and the papermill runner end to end.

The end-to-end runs execute real kernels: one run of the real review notebook (one service, plus an
unknown service that fails without a kernel), and runs of a tiny notebook that fails on purpose for one
service, to check that the other services go on and that earlier reports survive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from slm_analytics import review
from slm_analytics.data import DATASETS, dataset_path, read_dataset
from slm_analytics.errors import InsufficientDataError, ParameterError
from slm_analytics.review import (
    ReviewParameters,
    ReviewRun,
    ServiceReport,
    latest_complete_month,
    read_run_parameters,
    run_review,
    validate_parameters,
)

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------- parameters


def test_validate_parameters_ok():
    params = validate_parameters(service="checkout", month="2026-10", data_dir="")
    assert params == ReviewParameters(service="checkout", month="2026-10")
    assert params.data_dir == ""


def test_parameters_are_frozen_and_closed():
    params = validate_parameters(service="checkout", month="2026-10")
    with pytest.raises(Exception, match="frozen"):
        params.month = "2026-09"  # type: ignore[misc]
    assert ReviewParameters.model_config["extra"] == "forbid"


def test_unknown_parameter():
    with pytest.raises(ParameterError, match=r"^unknown review parameter 'mnth'; allowed: service, month, "
                                             r"data_dir$"):
        validate_parameters(service="checkout", month="2026-10", mnth="2026-10")


def test_several_unknown_parameters():
    with pytest.raises(ParameterError, match=r"unknown review parameters 'a', 'b'; allowed"):
        validate_parameters(service="checkout", month="2026-10", a=1, b=2)


def test_missing_parameter():
    with pytest.raises(ParameterError, match=r"^missing review parameter 'month'; required: service, month$"):
        validate_parameters(service="checkout")


def test_unknown_and_missing_reported_together():
    with pytest.raises(ParameterError, match=r"unknown review parameter 'servce'.*; missing review parameter "
                                             r"'service'"):
        validate_parameters(servce="checkout", month="2026-10")


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "latest", "2026-10-01"])
def test_bad_month(month):
    with pytest.raises(ParameterError, match=rf"review parameter 'month': '{month}' is not a calendar month; "
                                             r"expected 'YYYY-MM'"):
        validate_parameters(service="checkout", month=month)


def test_month_must_be_a_string():
    message = r"review parameter 'month': expected a string, got 202610 \(int\)"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", month=202610)


def test_bad_service_name():
    message = r"review parameter 'service': 'Check Out' is not a service name"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="Check Out", month="2026-10")


def test_data_dir_must_exist(tmp_path):
    missing = tmp_path / "nope"
    message = r"review parameter 'data_dir': '.*nope' is not a folder; expected '' \(bundled sample data\)"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", month="2026-10", data_dir=str(missing))


def test_parameters_in_picks_the_literal_variables_of_a_notebook():
    import math

    namespace = {"In": ["x"], "Out": {1: 2}, "get_ipython": print, "__name__": "__main__", "_": 1, "_i1": "x",
                 "math": math, "service": "checkout", "month": "2026-10", "data_dir": "", "mnth": "2026-9"}
    found = review.parameters_in(namespace)
    assert found == {"service": "checkout", "month": "2026-10", "data_dir": "", "mnth": "2026-9"}
    with pytest.raises(ParameterError, match=r"unknown review parameter 'mnth'"):
        validate_parameters(**found)


def test_papermill_run_with_a_misspelt_parameter_fails_in_the_validation_cell(tmp_path):
    """papermill only warns about ``mnth``; the notebook's validation cell must stop the run."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as exc:
        papermill.execute_notebook(str(ROOT / review.DEFAULT_NOTEBOOK), str(tmp_path / "out.ipynb"),
                                   parameters={"mnth": "2026-09"}, progress_bar=False, kernel_name="python3")
    assert exc.value.ename == "ParameterError"
    assert "unknown review parameter 'mnth'; allowed: service, month, data_dir" in exc.value.evalue


# ----------------------------------------------------------------------------------------------- inputs


def test_load_inputs_bundled():
    inputs = review.load_inputs(validate_parameters(service="checkout", month="2026-10"))
    assert len(inputs.catalog.services) == 12
    assert {"timestamp", "good", "total"} <= set(inputs.sli.columns)
    assert "started_at" in inputs.incidents.columns
    assert "from bundled sample data" in repr(inputs)


def linked_datasets(tmp_path: Path) -> Path:
    """A data folder with the bundled files (symlinked) under their usual names."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name, info in DATASETS.items():
        (folder / info["file"]).symlink_to(dataset_path(name))
    return folder


def test_load_inputs_from_data_dir(tmp_path):
    folder = linked_datasets(tmp_path)
    inputs = review.load_inputs(validate_parameters(service="email", month="2026-10", data_dir=str(folder)))
    assert inputs.data_dir == str(folder)
    assert len(inputs.incidents) > 0


def test_load_inputs_unknown_service():
    message = r"review parameter 'service': unknown service 'shop'; the catalog has checkout, payments"
    with pytest.raises(ParameterError, match=message):
        review.load_inputs(validate_parameters(service="shop", month="2026-10"))


# ------------------------------------------------------------------------------------ latest_complete_month


def buckets(start: str, end: str, freq: str = "5min") -> pd.DataFrame:
    return pd.DataFrame({"timestamp": pd.date_range(start, end, freq=freq, tz="UTC", unit="us")})


def test_latest_complete_month_bundled_data():
    # the sample data ends with the bucket starting 2026-10-31 23:55 UTC: October is complete
    assert latest_complete_month(read_dataset("sli_5min")) == "2026-10"


@pytest.mark.parametrize(("start", "end", "freq", "expected"), [
    ("2026-01-01 00:00", "2026-02-28 23:55", "5min", "2026-02"),  # last bucket ends at 1 March 00:00
    ("2026-01-01 00:00", "2026-02-28 23:50", "5min", "2026-01"),  # February misses its last 5 minutes
    ("2026-01-01 00:00", "2026-03-01 12:00", "5min", "2026-02"),  # March has only started
    ("2026-01-15 00:00", "2026-03-01 00:00", "5min", "2026-02"),  # January started late, February is whole
    ("2026-01-01 00:00", "2026-02-28 23:00", "1h", "2026-02"),  # hourly buckets: 23:00 + 1 h = 1 March
])
def test_latest_complete_month_small_frames(start, end, freq, expected):
    assert latest_complete_month(buckets(start, end, freq)) == expected


def test_latest_complete_month_ignores_row_order_and_duplicates():
    frame = buckets("2026-01-01", "2026-02-28 23:55")
    frame = pd.concat([frame, frame]).sample(frac=1, random_state=np.random.default_rng(3).integers(1000))
    assert latest_complete_month(frame) == "2026-02"


def test_latest_complete_month_in_a_time_zone():
    # data to 1 March 00:00 UTC is 28 February 19:00 in New York: February is not complete there
    assert latest_complete_month(buckets("2025-12-01 12:00", "2026-02-28 23:55"), tz="America/New_York") \
        == "2026-01"


def test_latest_complete_month_without_a_complete_month():
    message = (r"no complete calendar month \(UTC\) in data from 2026-02-01 00:05 to 2026-03-01 00:00; "
               r"2026-02 would need data from 2026-02-01 00:00")
    with pytest.raises(InsufficientDataError, match=message):
        latest_complete_month(buckets("2026-02-01 00:05", "2026-02-28 23:55"))


def test_latest_complete_month_needs_two_timestamps():
    message = r"1 distinct timestamp\(s\) in 'timestamp': need at least two"
    with pytest.raises(InsufficientDataError, match=message):
        latest_complete_month(buckets("2026-02-01", "2026-02-01"))


# --------------------------------------------------------------------------------------------- sections


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


def test_service_header(catalog):
    header = review.service_header(catalog, service="search", month="2026-10")
    assert (header.owner, header.tier, header.timezone) == ("team-discovery", 2, "America/New_York")
    assert header.period_start == pd.Timestamp("2026-10-01", tz="America/New_York")
    html = header._repr_html_()
    assert "<th" in html and "team-discovery" in html and "America/New_York" in html


def test_attainment_table_presents_without_changing_numbers():
    table = pd.DataFrame({
        "slo": ["availability", "uptime"], "budgeting_method": ["Occurrences", "Timeslices"],
        "unit": ["events", "slices"], "good": [9987, 0], "bad": [13, 0], "total": [10000, 0],
        "attainment": [0.9987, np.nan], "target": [0.999, 0.995],
        "met": pd.array([False, None], dtype="boolean"), "budget_consumed": [1.3, np.nan],
        "no_data": [False, True],
    })
    styled = review.attainment_table(table)
    assert styled.data["result"].tolist() == ["missed", "no data"]
    assert styled.data["attainment"].iloc[0] == 0.9987  # formatted for display only
    html = styled.to_html()
    assert "99.870%" in html and "130%" in html and "10,000" in html


def test_incident_table_selects_overlapping_incidents(catalog):
    t = pd.Timestamp
    incidents = pd.DataFrame({
        "id": ["A", "B", "C", "D", "E"],
        "service": ["checkout", "checkout", "checkout", "payments", "checkout"],
        "slo": "availability", "severity": "P2", "cause": "deploy", "title": "x",
        # London: October starts 2026-09-30 23:00 UTC
        "started_at": [t("2026-09-30 22:00", tz="UTC"),   # A: starts in September local, ends in October
                       t("2026-10-10 10:00", tz="UTC"),   # B: inside
                       t("2026-09-30 21:00", tz="UTC"),   # C: ends before October local starts
                       t("2026-10-10 10:00", tz="UTC"),   # D: another service
                       t("2026-10-31 20:00", tz="UTC")],  # E: ongoing
        "detected_at": [t("2026-09-30 22:05", tz="UTC"), t("2026-10-10 10:10", tz="UTC"),
                        t("2026-09-30 21:01", tz="UTC"), pd.NaT, pd.NaT],
        "resolved_at": [t("2026-09-30 23:30", tz="UTC"), t("2026-10-10 11:00", tz="UTC"),
                        t("2026-09-30 22:59", tz="UTC"), t("2026-10-10 11:00", tz="UTC"), pd.NaT],
    })
    styled = review.incident_table(incidents, catalog, service="checkout", month="2026-10")
    assert styled.data["id"].tolist() == ["A", "B", "E"]
    assert styled.data["impact (min)"].tolist()[:2] == [90.0, 60.0]
    assert styled.data["detect (min)"].tolist()[:2] == [5.0, 10.0]
    assert styled.data["started"].iloc[1] == "Sat 10 Oct 11:00"  # BST
    html = styled.to_html()
    assert "3 incidents recorded for checkout in October 2026" in html and "ongoing" in html


def test_incident_table_without_incidents(catalog):
    none = read_dataset("incidents").iloc[:0]
    styled = review.incident_table(none, catalog, service="email", month="2026-10")
    assert "No incident recorded for email in October 2026." in styled.to_html()


# ---------------------------------------------------------------------------------------- parameter files


def test_bundled_parameter_file():
    assert read_run_parameters(ROOT / "parameters" / "monthly-review.yaml") == {
        "data_dir": None, "out_dir": "reports", "month": None, "services": None}


def test_parameter_file_values(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text('data_dir: /srv/slm\nmonth: "2026-09"\nservices: [checkout, email]\n')
    expected = {"data_dir": "/srv/slm", "month": "2026-09", "services": ["checkout", "email"]}
    assert read_run_parameters(f) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("mnth: 2026-09\n", r"p.yaml: unknown key 'mnth'; allowed: data_dir, out_dir, month, services"),
    ("month: 2026-9\n", r"p.yaml: key 'month': '2026-9' is not a month; expected 'YYYY-MM' \(quoted\) or "
                        r"'latest'"),
    ("month: 2026-09-01\n", r"p.yaml: key 'month': datetime.date\(2026, 9, 1\) is not a month"),
    ("services: checkout\n", r"p.yaml: key 'services': 'checkout' is not 'all' or a non-empty list of "
                             r"service names"),
    ("services: []\n", r"p.yaml: key 'services': \[\] is not 'all' or a non-empty list"),
    ("out_dir: ''\n", r"p.yaml: key 'out_dir': '' is not a folder path"),
    ("data_dir: 3\n", r"p.yaml: key 'data_dir': 3 is not a folder path, or \"\" for the bundled data"),
    ("month: [unclosed\n", r"p.yaml: line 2: not valid YAML"),
    ("- month\n", r"p.yaml: expected a mapping of data_dir, out_dir, month, services, found list"),
])
def test_bad_parameter_files(tmp_path, text, message):
    f = tmp_path / "p.yaml"
    f.write_text(text)
    with pytest.raises(ParameterError, match=message):
        read_run_parameters(f)


def test_missing_parameter_file(tmp_path):
    with pytest.raises(ParameterError, match=r"nope.yaml: cannot read parameter file"):
        read_run_parameters(tmp_path / "nope.yaml")


def test_parameter_file_is_read_safely(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("month: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ParameterError, match=r"not valid YAML"):
        read_run_parameters(f)


# ----------------------------------------------------------------------------------------- runner checks


def test_run_review_rejects_bad_month(tmp_path):
    message = r"month '2026-13' is not a calendar month; expected 'YYYY-MM' .* or 'latest'"
    with pytest.raises(ParameterError, match=message):
        run_review(out_dir=tmp_path, month="2026-13")


def test_run_review_rejects_empty_services(tmp_path):
    with pytest.raises(ParameterError, match=r"services is empty"):
        run_review(out_dir=tmp_path, month="2026-10", services=[])


def test_run_review_rejects_missing_notebook(tmp_path):
    with pytest.raises(ParameterError, match=r"review notebook '.*none.ipynb' not found"):
        run_review(out_dir=tmp_path, month="2026-10", notebook=tmp_path / "none.ipynb")


def test_run_review_rejects_missing_data_dir(tmp_path):
    with pytest.raises(ParameterError, match=r"data_dir '.*nowhere' is not a folder"):
        run_review(out_dir=tmp_path, data_dir=tmp_path / "nowhere")


def test_default_kernel_runs_this_interpreter():
    review._check_kernel("python3")  # raises when a python3 kernel spec points at another Python


def test_unknown_kernel():
    with pytest.raises(ParameterError, match=r"no Jupyter kernel named 'no-such-kernel'"):
        review._check_kernel("no-such-kernel")


def test_svg_ids_are_made_unique_per_chart():
    svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/></svg>'
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.cells[0].outputs = [nbformat.from_dict({"output_type": "display_data", "metadata": {},
                                               "data": {"image/svg+xml": svg}}) for _ in range(2)]
    review._prefix_svg_ids(nb)
    first, second = (o["data"]["image/svg+xml"] for o in nb.cells[0].outputs)
    assert 'id="c1-clip1"' in first and "url(#c1-clip1)" in first
    assert 'id="c2-clip1"' in second and "url(#c2-clip1)" in second


def test_review_run_result():
    reports = (ServiceReport("a", "ok", Path("a.ipynb"), Path("a.html"), None, 1.0),
               ServiceReport("b", "failed", None, None, "ValueError: x", 0.5))
    run = ReviewRun(month="2026-10", folder=Path("r/2026-10"), index=Path("r/2026-10/index.html"),
                    reports=reports)
    assert not run.ok
    assert [r.service for r in run.failed] == ["b"]
    frame = run.to_frame()
    assert frame.columns.tolist() == ["service", "status", "notebook", "html", "error", "seconds"]
    assert frame["status"].tolist() == ["ok", "failed"]
    assert repr(run) == "ReviewRun(month='2026-10', ok=1, failed=1, index='r/2026-10/index.html')"


# ------------------------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def real_run(tmp_path_factory) -> ReviewRun:
    """The real review notebook for one service, and an unknown service (fails before any kernel starts)."""
    out = tmp_path_factory.mktemp("reports")
    seen: list[str] = []
    run = run_review(out_dir=out, month="2026-10", services=["checkout", "nope"],
                     progress=lambda r: seen.append(r.service))
    assert seen == ["checkout", "nope"]
    return run


def test_real_run_writes_notebook_html_and_index(real_run):
    assert real_run.month == "2026-10"
    ok = real_run.reports[0]
    assert (ok.service, ok.status, ok.error) == ("checkout", "ok", None)
    assert ok.html == real_run.folder / "checkout.html" and ok.html.is_file()
    assert ok.notebook == real_run.folder / "checkout.ipynb" and ok.notebook.is_file()
    assert real_run.index.is_file()
    leftovers = [p.name for p in real_run.folder.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary files left behind


def test_real_run_html_is_self_contained_without_code(real_run):
    text = (real_run.folder / "checkout.html").read_text()
    assert text.count("<svg") >= 2  # the budget chart and the daily charts, inline
    assert "Did each SLO meet its target?" in text  # narrative kept
    assert "team-orders" in text  # service header output
    assert "validate_parameters" not in text and "monthly_attainment(" not in text  # no code input
    body = text.split("</head>", 1)[1]
    code_cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', body)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    for hidden in ("jp-CodeMirrorEditor", "jp-InputPrompt", "jp-OutputPrompt"):
        assert hidden not in body
    assert not re.search(r"<script[^>]+src=", text)  # nothing fetched from the network
    assert not re.search(r"<link[^>]+href=\"?http", text)


def test_real_run_executed_notebook_has_parameters_and_outputs(real_run):
    nb = json.loads((real_run.folder / "checkout.ipynb").read_text())
    parameters = nb["metadata"]["papermill"]["parameters"]
    assert parameters == {"service": "checkout", "month": "2026-10", "data_dir": ""}
    assert any("image/svg+xml" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


def test_real_run_unknown_service_fails_alone(real_run):
    failed = real_run.reports[1]
    assert (failed.service, failed.status, failed.html) == ("nope", "failed", None)
    assert failed.error.startswith("ParameterError: unknown service 'nope'; the catalog has checkout")
    assert [r.service for r in real_run.failed] == ["nope"]
    assert not real_run.ok


def test_real_run_index_links_reports(real_run):
    index = real_run.index.read_text()
    assert "<a href='checkout.html'>report</a>" in index
    assert "<a href='checkout.ipynb'>notebook</a>" in index
    assert "3 of 3 met" in index  # checkout's SLOs in October 2026
    assert "nope" in index and "failed" in index and "unknown service" in index


def tiny_notebook(path: Path) -> Path:
    """A review notebook that fails for ``payments`` and shows its parameters otherwise."""
    nb = new_notebook(cells=[
        new_code_cell('service = "x"\nmonth = "2026-01"\ndata_dir = ""', metadata={"tags": ["parameters"]}),
        new_code_cell('if service == "payments":\n    raise RuntimeError(f"boom for {service}")'),
        new_code_cell('print(f"review of {service} for {month} from [{data_dir}]")'),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path


def test_failing_service_keeps_earlier_report_and_others_go_on(tmp_path):
    notebook = tiny_notebook(tmp_path / "tiny.ipynb")
    folder = tmp_path / "out" / "2026-10"
    folder.mkdir(parents=True)
    (folder / "payments.html").write_text("EARLIER REPORT")
    (folder / "payments.ipynb").write_text("{}")
    data = linked_datasets(tmp_path)
    run = run_review(out_dir=tmp_path / "out", month="2026-10", services=["payments", "email"],
                     notebook=notebook, data_dir=data)
    payments, email = run.reports
    assert payments.status == "failed"
    assert payments.error == "RuntimeError: boom for payments"
    assert payments.notebook == folder / "payments.failed.ipynb" and payments.notebook.is_file()
    assert (folder / "payments.html").read_text() == "EARLIER REPORT"  # not destroyed
    assert (folder / "payments.ipynb").read_text() == "{}"
    assert email.status == "ok" and email.html.is_file()
    assert f"review of email for 2026-10 from [{data.resolve()}]" in email.html.read_text()
    index = run.index.read_text()
    assert "failed (earlier report kept)" in index and "RuntimeError: boom for payments" in index
    assert "payments.failed.ipynb" in index
    # a later successful run replaces the report and removes the failed notebook
    run = run_review(out_dir=tmp_path / "out", month="2026-10", services=["email"], notebook=notebook,
                     data_dir=data)
    assert run.ok
    assert "from an earlier run" in run.index.read_text()  # payments' earlier report is still listed
