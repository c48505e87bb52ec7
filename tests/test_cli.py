"""Tests for slm_analytics.cli: exit codes and messages of ``slm review`` and ``slm datasets``.

``run_review`` is replaced by a stub where only the command line's own logic is tested; the real runner
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
    """A stand-in for run_review recording its arguments and reporting ``statuses``."""
    calls: list[dict] = []

    def run_review(**kwargs):
        calls.append(kwargs)
        folder = tmp_path / "2026-10"
        reports = tuple(
            ServiceReport(name, status, None, folder / f"{name}.html" if status == "ok" else None,
                          None if status == "ok" else "InsufficientDataError: no SLI data", 1.5)
            for name, status in statuses.items()
        )
        for r in reports:
            kwargs["progress"](r)
        return ReviewRun(month="2026-10", folder=folder, index=folder / "index.html", reports=reports)

    return run_review, calls


def test_review_success_exit_0(tmp_path, monkeypatch, capsys):
    stub, calls = fake_run(tmp_path, {"checkout": "ok", "payments": "ok"})
    monkeypatch.setattr(review, "run_review", stub)
    assert main(["review", "--out", str(tmp_path), "--month", "2026-10"]) == 0
    out, err = capsys.readouterr()
    assert "checkout" in out and "payments" in out and "ok" in out
    assert "2 of 2 service reviews for 2026-10 written to" in out
    assert f"Reports: {(tmp_path / '2026-10' / 'index.html').resolve()}" in out
    assert err == ""
    assert calls[0]["out_dir"] == str(tmp_path) and calls[0]["month"] == "2026-10"


def test_review_failed_service_exit_1(tmp_path, monkeypatch, capsys):
    stub, _ = fake_run(tmp_path, {"checkout": "ok", "payments": "failed"})
    monkeypatch.setattr(review, "run_review", stub)
    assert main(["review", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "payments             FAILED" in out
    assert "error: payments: InsufficientDataError: no SLI data" in err
    assert "Reports: " in out  # where the reports are, even when some failed


def test_review_options_override_the_parameter_file(tmp_path, monkeypatch):
    stub, calls = fake_run(tmp_path, {"checkout": "ok"})
    monkeypatch.setattr(review, "run_review", stub)
    f = tmp_path / "p.yaml"
    f.write_text('data_dir: ""\nout_dir: from-file\nmonth: latest\nservices: [email]\n')
    assert main(["review", "--parameters", str(f)]) == 0
    given = {k: v for k, v in calls[0].items() if k != "progress"}
    assert given == {"data_dir": None, "out_dir": "from-file", "month": None, "services": ["email"]}
    assert main(["review", "--parameters", str(f), "--out", "cli", "--month", "2026-09",
                 "--service", "checkout", "payments", "--data", "d"]) == 0
    given = {k: v for k, v in calls[1].items() if k != "progress"}
    assert given == {"data_dir": "d", "out_dir": "cli", "month": "2026-09",
                     "services": ["checkout", "payments"]}


def test_review_service_option_repeats(tmp_path, monkeypatch):
    stub, calls = fake_run(tmp_path, {"checkout": "ok"})
    monkeypatch.setattr(review, "run_review", stub)
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
    assert err.startswith(f"error: {f}: unknown key 'outdir'; allowed: data_dir, out_dir, month, services")
    assert err.count("\n") == 1


def test_multi_line_errors_are_printed_on_one_line(monkeypatch, capsys):
    def broken(**kwargs):
        raise DataError("catalog.yaml: line 3: bad\ncatalog.yaml: line 9: worse")

    monkeypatch.setattr(review, "run_review", broken)
    assert main(["review"]) == 2
    assert capsys.readouterr().err == "error: catalog.yaml: line 3: bad catalog.yaml: line 9: worse\n"


def test_unknown_service_really_fails_exit_1(tmp_path, capsys):
    """The real runner: an unknown service fails without starting a kernel; the index is still written."""
    assert main(["review", "--out", str(tmp_path), "--month", "2026-10", "--service", "nope"]) == 1
    out, err = capsys.readouterr()
    assert "error: nope: ParameterError: unknown service 'nope'; the catalog has checkout" in err
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
    assert "sli_5min" in out and "sli_5min.parquet" in out and "2838240" in out


def test_installed_script(tmp_path):
    script = Path(sys.executable).with_name("slm")
    result = subprocess.run([str(script), "review", "--month", "bad", "--out", str(tmp_path)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 2
    assert result.stderr == (
        "error: month 'bad' is not a calendar month; expected 'YYYY-MM' such as '2026-10' or 'latest'\n"
    )


def test_review_validate_accepts_the_shipped_parameter_files(capsys):
    for name in ("monthly", "quarterly"):
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
