"""Tests for slm_analytics.review.runner: run parameter files, the runner's checks, and the runner end to end.

The end-to-end runs execute real kernels: one run of the real review notebook (one service, plus an
unknown service that fails without a kernel), and runs of a tiny notebook that fails on purpose for one
service, to check that the other services go on and that earlier reports survive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from slm_analytics.data import DATASETS, dataset_path, read_dataset
from slm_analytics.errors import ParameterError
from slm_analytics.review import (
    ReviewRun,
    ServiceReport,
    read_batch_parameters,
    run_batch,
    run_review,
    runner,
)
from slm_analytics.review.period import ReviewPeriod

ROOT = Path(__file__).resolve().parent.parent


def linked_datasets(tmp_path: Path) -> Path:
    """A data folder with the bundled files (symlinked) under their usual names."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name, info in DATASETS.items():
        if info.get("bundled"):  # real data read from the package, not from a data folder
            continue
        (folder / info["file"]).symlink_to(dataset_path(name))
    return folder


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


def test_index_summaries_flag_an_incomplete_month(catalog):
    sli = read_dataset("sli_5min")
    summaries = runner._summaries(sli, catalog, ["search", "mobile-api"], "2026-10")
    assert summaries["search"].endswith("; incomplete month: no data for the last 4 h")
    assert "incomplete" not in summaries["mobile-api"]


def test_period_and_month_are_one_option(tmp_path):
    with pytest.raises(ParameterError, match=r"give period or month, not both"):
        run_review(out_dir=tmp_path, period="2026-10", month="2026-10")


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "last-month", "2026/10"])
def test_run_review_rejects_bad_period(tmp_path, period):
    with pytest.raises(ParameterError, match=r"is not a review period; expected"):
        run_review(out_dir=tmp_path, period=period)
    assert not any(tmp_path.iterdir())  # refused before anything was written


def test_overrides_are_checked_before_anything_runs(tmp_path):
    # the service review declares previous_summary and at_risk_probability besides what the runner sets
    message = (r"overrides.checkout.n_paths: unknown notebook parameter 'n_paths'; the notebooks take "
               r"at_risk_probability, previous_summary$")
    with pytest.raises(ParameterError, match=message):
        run_review(out_dir=tmp_path, services=["checkout"], overrides={"checkout": {"n_paths": 5}})
    with pytest.raises(ParameterError, match=r"overrides: service 'email' is not reviewed by this run"):
        run_review(out_dir=tmp_path, services=["checkout"], overrides={"email": {}})
    with pytest.raises(ParameterError, match=r"unknown notebook 'nope'; known: "):
        run_review(out_dir=tmp_path, services=["checkout"], notebooks=["nope"])
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("history", [0, 25, 1.0, True])
def test_history_is_a_whole_number_of_periods(tmp_path, history):
    params = read_batch_parameters(ROOT / "parameters" / "monthly-review.yaml")
    with pytest.raises(ParameterError, match=r"history .* is not a number of periods to review"):
        run_batch(params, output=str(tmp_path), history=history)


def test_each_notebook_gets_the_parameters_it_declares(tmp_path):
    quarter, month = ReviewPeriod("2026-Q3", "quarter"), ReviewPeriod("2026-10", "month")
    review = {"service", "period", "data_dir", "previous_summary", "at_risk_probability"}
    # no previous summary under out_dir: "" (the notebook then says "no previous review found")
    assert runner._notebook_parameters("service-review", review, service="checkout", period=month,
                                       data_dir="/d", out_dir=tmp_path, overrides={}) == {
        "service": "checkout", "period": "2026-10", "data_dir": "/d", "previous_summary": ""}
    # found by the path convention <out_dir>/<previous period>/<service>.summary.json
    earlier = tmp_path / "2026-Q2" / "checkout.summary.json"
    earlier.parent.mkdir()
    earlier.write_text("{}")
    found = runner._notebook_parameters("service-review", review, service="checkout", period=quarter,
                                        data_dir="", out_dir=tmp_path, overrides={"at_risk_probability": 0.3})
    assert found["previous_summary"] == str(earlier.resolve()) and found["at_risk_probability"] == 0.3
    # an override given explicitly wins over the convention
    given = runner._notebook_parameters("service-review", review, service="checkout", period=quarter,
                                        data_dir="", out_dir=tmp_path,
                                        overrides={"previous_summary": "/x.json"})
    assert given["previous_summary"] == "/x.json"
    # the portfolio review takes a month: a quarter's fleet review shows the months up to its end
    assert runner._notebook_parameters("portfolio-review", {"month", "data_dir", "n_paths"}, service=None,
                                       period=quarter, data_dir="", out_dir=tmp_path, overrides={}) == {
        "month": "2026-09", "data_dir": ""}
    # a per-service notebook that only takes a month cannot review a quarter
    with pytest.raises(ParameterError, match=r"notebook 'old' reviews a month .* cannot review 2026-Q3"):
        runner._notebook_parameters("old", {"service", "month"}, service="checkout", period=quarter,
                                    data_dir="", out_dir=tmp_path, overrides={})


def test_run_review_rejects_bad_month(tmp_path):
    # month is the older option of period
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
    runner._check_kernel("python3")  # raises when a python3 kernel spec points at another Python


def test_unknown_kernel():
    with pytest.raises(ParameterError, match=r"no Jupyter kernel named 'no-such-kernel'"):
        runner._check_kernel("no-such-kernel")


def test_svg_ids_are_made_unique_per_chart():
    svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/></svg>'
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.cells[0].outputs = [nbformat.from_dict({"output_type": "display_data", "metadata": {},
                                               "data": {"image/svg+xml": svg}}) for _ in range(2)]
    runner._prefix_svg_ids(nb)
    first, second = (o["data"]["image/svg+xml"] for o in nb.cells[0].outputs)
    assert 'id="c1-clip1"' in first and "url(#c1-clip1)" in first
    assert 'id="c2-clip1"' in second and "url(#c2-clip1)" in second


def test_review_run_result():
    reports = (ServiceReport("a", "ok", Path("a.ipynb"), Path("a.html"), None, 1.0),
               ServiceReport("b", "failed", None, None, "ValueError: x", 0.5))
    run = ReviewRun(period="2026-10", folder=Path("r/2026-10"), index=Path("r/2026-10/index.html"),
                    reports=reports)
    assert not run.ok
    assert [r.service for r in run.failed] == ["b"]
    frame = run.to_frame()
    assert frame.columns.tolist() == ["service", "status", "notebook", "html", "error", "seconds"]
    assert frame["status"].tolist() == ["ok", "failed"]
    assert repr(run) == "ReviewRun(period='2026-10', ok=1, failed=1, index='r/2026-10/index.html')"


@pytest.fixture(scope="module")
def real_run(tmp_path_factory) -> ReviewRun:
    """The real review notebook for one service, and an unknown service (fails before any kernel starts)."""
    out = tmp_path_factory.mktemp("reports")
    seen: list[str] = []
    run = run_review(out_dir=out, month="2026-10", services=["checkout", "nope"],
                     progress=lambda r: seen.append(r.service))
    assert sorted(seen) == ["checkout", "nope"]  # each reported once (the unknown one before any kernel)
    return run


def test_real_run_writes_notebook_html_and_index(real_run):
    assert real_run.period == "2026-10"
    assert [r.period for r in real_run.reports] == ["2026-10", ""]  # the unknown service has no period
    ok = real_run.reports[0]
    assert (ok.service, ok.status, ok.error) == ("checkout", "ok", None)
    assert ok.html == real_run.folder / "checkout.html" and ok.html.is_file()
    assert ok.notebook == real_run.folder / "checkout.ipynb" and ok.notebook.is_file()
    assert real_run.index.is_file()
    leftovers = [p.name for p in real_run.folder.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary files left behind


def test_real_run_html_is_self_contained_without_code(real_run):
    text = (real_run.folder / "checkout.html").read_text()
    assert text.count("<svg") >= 3  # the budget consumed, budget through the month and daily charts, inline
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


def test_real_run_html_has_every_section(real_run):
    text = (real_run.folder / "checkout.html").read_text()
    for heading in ("Error budget at the month", "Budget through the month", "Planned maintenance",
                    "Availability from the incident records", "Burn-rate alerts in the month",
                    "The alert policies", "SLA attainment and service credits", "Error-budget policy"):
        assert heading in text
    assert "Error budget remaining through October 2026" in text  # the budget chart's title, as SVG text
    assert "No planned maintenance recorded for checkout in October 2026." in text
    assert "retail-partners" in text  # checkout's SLA
    for heading in ("Executive summary", "What changed since the last review", "Outlook: trend and risk",
                    "What it means for the meeting", "The error rate ahead"):
        assert heading in text
    assert "Where checkout's SLOs stood at the end of October 2026, riskiest first:" in text
    assert "checkout / uptime (share of bad time slices)" in text  # the forecast chart's title, as SVG text
    assert "Traceback" not in text and "Error" + "Name" not in text


def test_real_run_shows_what_to_improve_first(real_run):
    text = (real_run.folder / "checkout.html").read_text()
    mine, fleet = text.split("What to improve first", 1)[1].split("For comparison, the five SLOs", 1)
    # the sample data's planted problems (datasets/README.md) lead the fleet at the end of October 2026
    for slo in ("notifications / delivery", "search / latency", "mobile-api / latency",
                "payments / availability"):
        assert slo in fleet.split("</table>", 1)[0]
    assert "checkout / availability" in mine and "team-orders" in mine and "notifications" not in mine
    assert "relax releases or refocus / reduce false alerts or loosen slo" in mine
    for heading in ("What users need", "Where the budget went", "Service Improvement Plan",
                    "Did past actions work?"):
        assert heading in text
    needs = text.split("What users need", 1)[1].split("What to improve first", 1)[0]
    # checkout's three requirements (datasets/requirements.csv), each linked to an SLO
    for req in ("REQ-001", "REQ-002", "REQ-003"):
        assert req in needs
    past = text.split("Did past actions work?", 1)[1].split("For comparison", 1)[0]
    assert "SIP-003" in past and "not assessed" in past  # its KPI (p99 on peak day) is not the SLO's SLI


@pytest.fixture(scope="module")
def payments_february(tmp_path_factory) -> Path:
    """The real review of payments for February 2026: the scripted outage, an SLA breach and the policy."""
    out = tmp_path_factory.mktemp("reports")
    run = run_review(out_dir=out, month="2026-02", services=["payments"])
    assert run.ok, run.to_frame()["error"].tolist()
    return run.folder / "payments.html"


def test_payments_february_report_shows_the_breach_credit_and_policy(payments_february):
    from slm_analytics.review import month_policy_triggers, month_sla

    text = payments_february.read_text()
    sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    sla = month_sla(sli, catalog, service="payments", month="2026-02",
                    exclusions=read_dataset("maintenance")).iloc[0]
    assert (bool(sla["breached"]), sla["credit"], sla["credit_amount"]) == (True, 0.1, 4000.0)
    assert "merchant-gateway" in text and "breached" in text and "4,000" in text and "40,000" in text
    incidents = read_dataset("incidents")
    triggers = month_policy_triggers(sli, incidents, catalog, service="payments", month="2026-02")
    assert f"{len(triggers)} rules triggered for payments at the end of February 2026" in text
    assert "release freeze" in text and "postmortem" in text and "quarterly planning item" in text
    assert "18 alerts fired for payments in February 2026" in text
    assert "1 planned maintenance window for payments in February 2026" in text
    # the outlook at the end of February: March is a coin toss for availability, because of single bad days
    assert "A coin toss: a 40% chance (11%–79%) of missing 99.95% in March, by 31 Mar." in text
    assert "single bad days (up to 6.51% on 12 Feb)" in text


def test_real_run_executed_notebook_has_parameters_and_outputs(real_run):
    nb = json.loads((real_run.folder / "checkout.ipynb").read_text())
    parameters = nb["metadata"]["papermill"]["parameters"]
    assert parameters == {"service": "checkout", "period": "2026-10", "data_dir": "", "previous_summary": ""}
    assert any("image/svg+xml" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


def test_real_run_unknown_service_fails_alone(real_run):
    failed = real_run.reports[1]
    assert (failed.service, failed.status, failed.html) == ("nope", "failed", None)
    assert failed.error.startswith("ParameterError: unknown service 'nope'; the catalog has checkout")
    assert [r.service for r in real_run.failed] == ["nope"]
    assert not real_run.ok


def test_real_run_index_links_reports(real_run):
    index = real_run.index.read_text()
    assert '<a href="checkout.html">report</a>' in index
    assert '<a href="checkout.ipynb">notebook</a>' in index
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


def test_a_failing_rerun_keeps_the_earlier_reports_in_the_index(real_run, tmp_path):
    # rerunning one unknown service into a finished folder: the index still lists checkout's report with
    # its summary (it used to be rewritten with the failing service's line only)
    import shutil

    out = tmp_path / "reports"
    shutil.copytree(real_run.folder.parent, out)
    again = run_review(out_dir=out, month="2026-10", services=["nope"])
    assert not again.ok
    index = again.index.read_text()
    assert '<a href="checkout.html">report</a>' in index
    assert "3 of 3 met" in index  # checkout's SLOs in October 2026, as in the first run's index
    assert "unknown service" in index


def test_index_writes_user_text_as_text_not_markup(catalog, tmp_path):
    # a service owner, a summary and an error holding markup (from the user's catalog and data) come out
    # escaped: the index is rendered from a Jinja2 template with autoescape on
    evil = "<script>alert('x')</script>"
    services = tuple(s.model_copy(update={"owner": evil}) if s.name == "checkout" else s
                     for s in catalog.services)
    cat = catalog.model_copy(update={"services": services})
    (tmp_path / "checkout.html").write_text("<html></html>")
    reports = (ServiceReport("checkout", "ok", tmp_path / "checkout.ipynb", tmp_path / "checkout.html", None,
                             1.0),
               ServiceReport("payments", "failed", None, None, f"DataError: bad value {evil}", 0.5))
    run = ReviewRun(period="2026-10", folder=tmp_path, index=tmp_path / "index.html", reports=reports)
    runner._write_index(run, cat, {"checkout": f"3 of 3 met {evil}"})
    text = run.index.read_text()
    assert "<script>" not in text
    assert text.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") == 3  # owner, summary, error
    assert '<a href="checkout.html">report</a>' in text
    assert "failed</span>" in text and "1 of 2 reviews of this run succeeded" in text


@pytest.fixture(scope="module")
def portfolio_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    return folder, _portfolio_task("2026-10", folder)


def _portfolio_task(month: str, folder: Path) -> ServiceReport:
    from slm_analytics.resources import notebook_path

    return runner._notebook_task(stem=runner.PORTFOLIO, period=month, folder=folder, kernel_name="python3",
                                 notebook=notebook_path("reports/portfolio-review.ipynb"), timeout=600,
                                 parameters={"month": month, "data_dir": ""},
                                 title=f"Portfolio review, {month}")


def test_the_portfolio_review_runs_beside_the_services_and_the_index_links_it(portfolio_run, catalog):
    folder, report = portfolio_run
    assert report.status == "ok", report.error
    assert report.html == folder / "portfolio.review.html" and report.html.is_file()
    assert (folder / "portfolio.review.ipynb").is_file()
    assert "Attainment against target" in report.html.read_text()  # its compliance heatmap
    run = ReviewRun(period="2026-10", folder=folder, index=folder / "index.html", reports=(),
                    portfolio=report)
    runner._write_index(run, catalog, {})
    index = run.index.read_text()
    assert '<a href="portfolio.review.html">report</a>' in index
    # the portfolio's files are not listed as a service's report
    assert "<td>portfolio.review</td>" not in index


def test_the_portfolio_review_writes_its_summary(portfolio_run, catalog):
    from slm_analytics.review import month_sla, read_summary

    folder, _ = portfolio_run
    doc = read_summary(folder / "portfolio.summary.json")  # valid against the portfolio schema
    assert doc["kind"] == "portfolio-review" and doc["period"] == {
        "label": "2026-10", "previous": "2026-09", "as_of": "2026-11-01T00:00:00Z"}
    # every SLO of the catalog, once
    assert len(doc["slos"]) == len(catalog.slos) == sum(doc["status_counts"].values())
    # the credits owed are the month's SLA credits, service by service (month_sla, each in its time zone)
    sli, maintenance = read_dataset("sli_5min"), read_dataset("maintenance")
    owed = sum(month_sla(sli, catalog, service=s.name, month="2026-10", exclusions=maintenance)
               ["credit_amount"].sum() for s in catalog.services)
    assert doc["credits_owed"] == pytest.approx(owed)
    assert [p["rank"] for p in doc["priorities"]] == list(range(1, 16))


def test_a_failing_portfolio_review_fails_the_run_and_is_reported(tmp_path):
    report = _portfolio_task("2020-01", tmp_path)
    assert report.status == "failed" and "2020-01" in report.error
    assert (tmp_path / "portfolio.review.failed.ipynb").is_file()  # kept for diagnosis
    run = ReviewRun(period="2020-01", folder=tmp_path, index=tmp_path / "index.html", reports=(),
                    portfolio=report)
    assert not run.ok


def test_two_jobs_give_the_reports_of_one_job(real_run, tmp_path):
    # the same services as the serial run (real_run: checkout and an unknown one), two worker processes
    seen = []
    run = run_review(out_dir=tmp_path, month="2026-10", services=["checkout", "nope"], jobs=2,
                     progress=seen.append)
    assert [(r.service, r.status) for r in run.reports] == [("checkout", "ok"), ("nope", "failed")]
    assert sorted(r.service for r in seen) == ["checkout", "nope"]  # each report once, as it completed
    assert "unknown service 'nope'" in run.reports[1].error
    # the report's numbers are those of the serial run (the HTML differs only in the random ids of tables)
    strip = re.compile(r"T_[0-9a-f_]+|0x[0-9a-f]+")  # pandas Styler ids, object addresses
    serial = nbformat.read(real_run.reports[0].notebook, as_version=4)
    parallel = nbformat.read(run.reports[0].notebook, as_version=4)
    for a, b in zip(serial.cells, parallel.cells, strict=True):
        for x, y in zip(a.get("outputs", []), b.get("outputs", []), strict=True):
            for kind in ("text/plain", "text/html"):
                assert strip.sub("", str(x.get("data", {}).get(kind, ""))) == (
                    strip.sub("", str(y.get("data", {}).get(kind, "")))), (a.get("id"), kind)


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_jobs_must_be_a_whole_number_of_at_least_one(tmp_path, jobs):
    with pytest.raises(ParameterError, match="is not a number of notebooks to run at once"):
        run_review(out_dir=tmp_path, month="2026-10", services=["checkout"], jobs=jobs)


def test_real_run_writes_the_summary_beside_the_report(real_run):
    from slm_analytics.review import read_summary

    path = real_run.folder / "checkout.summary.json"
    doc = read_summary(path)  # schema-valid
    assert doc["service"]["name"] == "checkout" and doc["period"]["label"] == "2026-10"
    # attainment of the month as plain sums of the month's rows (London time), as the report shows it
    sli = read_dataset("sli_5min")
    start = pd.Timestamp("2026-10-01", tz="Europe/London")
    end = pd.Timestamp("2026-11-01", tz="Europe/London")
    rows = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")
               & (sli["timestamp"] >= start) & (sli["timestamp"] < end)]
    (slo,) = [o for o in doc["slos"] if o["name"] == "availability"]
    assert slo["attainment"] == pytest.approx(rows["good"].sum() / rows["total"].sum(), rel=1e-5)
    assert not (real_run.folder / "nope.summary.json").exists()  # the failed service wrote none


def test_real_run_writes_run_json_beside_the_reports(real_run):
    # run metadata lives in run.json, never in the summaries (which compare byte for byte across runs)
    doc = json.loads((real_run.folder / "run.json").read_text())
    assert doc["period"] == "2026-10" and doc["ok"] is False and doc["jobs"] == 1
    assert [(r["name"], r["status"]) for r in doc["reports"]] == [("checkout", "ok"), ("nope", "failed")]
    assert doc["reports"][0]["html"] == "checkout.html" and "unknown service" in doc["reports"][1]["error"]
    assert doc["started"] <= doc["finished"]
    assert "started" not in (real_run.folder / "checkout.summary.json").read_text()
