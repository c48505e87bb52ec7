"""Tests for slm_analytics.cli: exit codes and messages of ``slm review`` and ``slm datasets``.

``run_batch`` is replaced by a stub where only the command line's own logic is tested; the real runner
is tested end to end in test_review_runner.py. One test runs the installed ``slm`` script in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from slm_analytics import review
from slm_analytics.cli import main
from slm_analytics.errors import DataError
from slm_analytics.review import ReviewRun, ServiceReport

ROOT = Path(__file__).resolve().parents[1]


def fake_run(tmp_path: Path, statuses: dict[str, str]):
    """A stand-in for run_batch recording its arguments and reporting ``statuses`` for 2026-10."""
    calls: list[dict] = []

    def run_batch(params, **kwargs):
        calls.append({"params": params, **kwargs})
        folder = tmp_path / "2026-10"
        reports = tuple(
            ServiceReport(name, status, None, folder / f"{name}.html" if status == "ok" else None,
                          None if status == "ok" else "InsufficientDataError: no SLI data", 1.5, "2026-10")
            for name, status in statuses.items()
        )
        for r in reports:
            kwargs["progress"](r)
        return [ReviewRun(period="2026-10", folder=folder, index=folder / "index.html", reports=reports)]

    return run_batch, calls


def test_review_success_exit_0(tmp_path, monkeypatch, capsys):
    stub, calls = fake_run(tmp_path, {"checkout": "ok", "payments": "ok"})
    monkeypatch.setattr(review, "run_batch", stub)
    assert main(["review", "--out", str(tmp_path), "--month", "2026-10"]) == 0
    out, err = capsys.readouterr()
    assert "checkout" in out and "payments" in out and "ok" in out
    assert "2026-10: 2 of 2 service reviews written to" in out
    assert f"Reports: {(tmp_path / 'index.html').resolve()}" in out  # the index of every period
    assert err == ""
    assert calls[0]["output"] == str(tmp_path) and calls[0]["period"] == "2026-10"
    # without a parameter file: the bundled data, the whole catalog with the portfolio review
    params = calls[0]["params"]
    assert (params.data_dir, params.services, params.notebooks) == (
        "", "all", ["service-review", "portfolio-review"])


def test_review_failed_service_exit_1(tmp_path, monkeypatch, capsys):
    stub, _ = fake_run(tmp_path, {"checkout": "ok", "payments": "failed"})
    monkeypatch.setattr(review, "run_batch", stub)
    assert main(["review", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "payments             FAILED" in out
    assert "error: 2026-10: payments: InsufficientDataError: no SLI data" in err
    assert "Reports: " in out  # where the reports are, even when some failed


def test_review_options_override_the_parameter_file(tmp_path, monkeypatch):
    stub, calls = fake_run(tmp_path, {"checkout": "ok"})
    monkeypatch.setattr(review, "run_batch", stub)
    f = tmp_path / "p.yaml"
    f.write_text('period: last-complete-month\ndata_dir: ""\noutput: from-file\nservices: [email]\n')
    assert main(["review", "--parameters", str(f)]) == 0
    params = calls[0]["params"]
    assert (params.output, params.period, params.services, params.data_dir) == (
        "from-file", "last-complete-month", ["email"], "")
    assert (calls[0]["output"], calls[0]["period"], calls[0]["services"], calls[0]["history"]) == (
        None, None, None, 1)  # nothing replaced
    assert main(["review", "--parameters", str(f), "--out", "cli", "--month", "2026-09",
                 "--service", "checkout", "payments", "--data", "d", "--history", "2"]) == 0
    assert (calls[1]["output"], calls[1]["period"], calls[1]["services"], calls[1]["history"]) == (
        "cli", "2026-09", ["checkout", "payments"], 2)
    assert calls[1]["params"].data_dir == "d"


def test_review_run_runs_a_parameter_file(tmp_path, monkeypatch, capsys):
    stub, calls = fake_run(tmp_path, {"checkout": "ok"})
    monkeypatch.setattr(review, "run_batch", stub)
    assert main(["review", "run", str(ROOT / "parameters" / "quarterly-review.yaml"), "--period", "2026-Q2",
                 "--jobs", "3", "--output", str(tmp_path)]) == 0
    call = calls[0]
    assert call["params"].period == "last-complete-quarter"  # the file's, replaced by --period
    assert (call["period"], call["jobs"], call["output"]) == ("2026-Q2", 3, str(tmp_path))
    assert "Reports: " in capsys.readouterr().out


def test_review_run_refuses_a_bad_parameter_file_before_running(tmp_path, monkeypatch, capsys):
    stub, calls = fake_run(tmp_path, {"checkout": "ok"})
    monkeypatch.setattr(review, "run_batch", stub)
    f = tmp_path / "p.yaml"
    f.write_text('period: last-complete-month\ndata_dir: ""\noutput: r\nservices: [checkout, shop]\n')
    assert main(["review", "run", str(f)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {f}: line 4: services[1]: unknown service 'shop'")
    assert calls == []


def test_review_service_option_repeats(tmp_path, monkeypatch):
    stub, calls = fake_run(tmp_path, {"checkout": "ok"})
    monkeypatch.setattr(review, "run_batch", stub)
    main(["review", "--service", "checkout", "--service", "email", "login"])
    assert calls[0]["services"] == ["checkout", "email", "login"]


def test_review_bad_month_is_one_line_error_exit_2(tmp_path, capsys):
    assert main(["review", "--out", str(tmp_path), "--month", "2026-13"]) == 2
    out, err = capsys.readouterr()
    assert err == ("error: month '2026-13' is not a calendar month; expected 'YYYY-MM' such as '2026-10' or "
                   "'latest'\n")
    assert "Traceback" not in out + err


def test_review_bad_parameter_file_exit_2(tmp_path, capsys):
    f = tmp_path / "p.yaml"
    f.write_text("outdir: reports\n")
    assert main(["review", "--parameters", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {f}: period: missing required key 'period'")
    assert f"{f}: line 1: outdir: unknown key 'outdir'; allowed: notebooks, services" in err
    assert err.count("\n") == 1  # every problem of the file on the one error line


def test_multi_line_errors_are_printed_on_one_line(monkeypatch, capsys):
    def broken(params, **kwargs):
        raise DataError("catalog.yaml: line 3: bad\ncatalog.yaml: line 9: worse")

    monkeypatch.setattr(review, "run_batch", broken)
    assert main(["review"]) == 2
    assert capsys.readouterr().err == "error: catalog.yaml: line 3: bad catalog.yaml: line 9: worse\n"


def test_unknown_service_really_fails_exit_1(tmp_path, capsys):
    """The real runner: an unknown service fails without starting a kernel; the index is still written."""
    assert main(["review", "--out", str(tmp_path), "--month", "2026-10", "--service", "nope"]) == 1
    out, err = capsys.readouterr()
    assert "error: 2026-10: nope: ParameterError: unknown service 'nope'; the catalog has checkout" in err
    assert (tmp_path / "2026-10" / "index.html").is_file()
    assert "Reports: " in out


def test_usage_errors_exit_2(capsys):
    for argv in ([], ["review", "--bogus"], ["frobnicate"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert "usage: slm" in capsys.readouterr().err


def test_datasets_lists_bundled_data(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    # 28 SLOs x 105,120 five-minute buckets
    assert "sli_5min" in out and "sli_5min.parquet" in out and "2943360" in out


def test_installed_script(tmp_path):
    script = Path(sys.executable).with_name("slm")
    result = subprocess.run([str(script), "review", "--month", "bad", "--out", str(tmp_path)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 2
    assert result.stderr == (
        "error: month 'bad' is not a calendar month; expected 'YYYY-MM' such as '2026-10' or 'latest'\n"
    )


def test_review_validate_accepts_the_shipped_parameter_files(capsys):
    for name in ("monthly-review", "quarterly-review"):
        assert main(["review", "validate", str(ROOT / "parameters" / f"{name}.yaml")]) == 0
        assert "valid" in capsys.readouterr().out


def test_review_validate_names_the_file_the_line_and_the_key(tmp_path, capsys):
    bad = tmp_path / "monthly.yaml"
    bad.write_text('period: last-complete-month\ndata_dir: ""\noutput: reports\nservices: [checkout, nope]\n')
    assert main(["review", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: line 4: services")
    assert "'nope'" in err


def test_review_list_shows_each_service_s_complete_periods_in_its_time_zone(capsys):
    assert main(["review", "list"]) == 0
    out = capsys.readouterr().out
    assert "portfolio-review" in out and "service-review" in out
    # the data ends 2026-10-31 23:55 UTC: October is complete in London, not yet in New York
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert rows["checkout"][2:5] == ["2025-11", "to", "2026-10"]
    assert rows["search"][2:5] == ["2025-11", "to", "2026-09"]
