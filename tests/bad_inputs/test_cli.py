"""Bad command lines, as users type them, each with its exit code and the exact error line it prints.

``slm`` exits 2 for bad usage (argparse's ``usage:`` then ``slm: error: ...``, as ``SystemExit(2)``) and for
a run that cannot start (one ``error: ...`` line on stderr, no traceback), and 1 when service reviews
failed (one ``error: <service>: ...`` line each). No case executes a notebook: each fails before. ``{tmp}``
in an argument or a message stands for the case's folder, laid out by :func:`layout`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slm_analytics.cli import main

CATALOG = Path(__file__).resolve().parents[2] / "datasets" / "catalog.yaml"
SERVICES = ("checkout, payments, search, login, catalog, notifications, mobile-api, reporting, "
            "data-pipeline, support-portal, email, internal-wiki, partner-gateway")
MONTH = "expected 'YYYY-MM' such as '2026-10' or 'latest'"


def case(name, argv, code, expected):
    """One row: ``slm <argv>`` exits ``code`` (``"exit 2"``: argparse's SystemExit) printing ``expected``."""
    return pytest.param(argv, code, expected, id=name)


CASES = [
    # ---- usage (argparse)
    case("no command", [], "exit 2", "slm: error: the following arguments are required: COMMAND"),
    case("unknown command", ["reveiw"], "exit 2",
         "slm: error: argument COMMAND: invalid choice: 'reveiw' (choose from 'review', 'datasets', "
         "'sli', 'rules')"),
    case("unknown option", ["review", "--months", "2026-01"], "exit 2",
         "slm: error: unrecognized arguments: --months 2026-01"),
    case("option without its value", ["review", "--month"], "exit 2",
         "slm review: error: argument --month: expected one argument"),
    # ---- parameters the run refuses before it starts
    case("month 13", ["review", "--month", "2026-13", "--out", "{tmp}/out"], 2,
         f"error: month '2026-13' is not a calendar month; {MONTH}"),
    case("month in words", ["review", "--month", "last", "--out", "{tmp}/out"], 2,
         f"error: month 'last' is not a calendar month; {MONTH}"),
    case("parameter file missing", ["review", "--parameters", "{tmp}/monthly.yaml"], 2,
         "error: {tmp}/monthly.yaml: cannot read parameter file: No such file or directory"),
    case("parameter file not YAML", ["review", "--parameters", "{tmp}/unclosed.yaml"], 2,
         "error: {tmp}/unclosed.yaml: YAML syntax error at line 2, column 1: did not find expected ',' or "
         "']'"),
    case("parameter file unknown key", ["review", "--parameters", "{tmp}/misspelt.yaml"], 2,
         "error: {tmp}/misspelt.yaml: line 2: mnth: unknown key 'mnth'; allowed: notebooks, services, "
         "period, data_dir, output, jobs, overrides"),
    case("data folder is a file", ["review", "--data", "{tmp}/file.txt", "--month", "2026-01"], 2,
         "error: data_dir '{tmp}/file.txt' is not a folder; expected a folder laid out like datasets/"),
    case("data folder without catalog",
         ["review", "--data", "{tmp}/empty", "--month", "2026-01", "--out", "{tmp}/out"], 2,
         "error: {tmp}/empty/catalog.yaml: cannot read definition file: No such file or directory"),
    # the bundled catalog with checkout/availability's target (line 79) written as a percentage
    case("data folder with an invalid catalog",
         ["review", "--data", "{tmp}/percent", "--month", "2026-01", "--out", "{tmp}/out"], 2,
         "error: {tmp}/percent/catalog.yaml: line 79: slos[0] (checkout/availability).target: target 99.9 "
         "is outside (0, 1): write 99.9 % as 0.999"),
    case("data folder with a catalog that is not YAML",
         ["review", "--data", "{tmp}/broken", "--month", "2026-01", "--out", "{tmp}/out"], 2,
         "error: {tmp}/broken/catalog.yaml: YAML syntax error at line 2, column 32: did not find expected "
         "',' or ']'"),
    # used to end in a traceback: NotADirectoryError: [Errno 20] Not a directory: '.../file.txt/2026-01'
    case("out folder is a file", ["review", "--out", "{tmp}/file.txt", "--month", "2026-01"], 2,
         "error: out_dir '{tmp}/file.txt' is a file, not a folder; give the folder the reports go to (it is "
         "created when missing)"),
    case("month folder is a file",
         ["review", "--out", "{tmp}/taken", "--month", "2026-01"], 2,
         "error: out_dir '{tmp}/taken': cannot create the report folder '{tmp}/taken/2026-01': File exists"),
    # ---- a review that fails (exit 1) before any notebook runs
    case("unknown service",
         ["review", "--data", "{tmp}/catalog-only", "--service", "nope", "--month", "2026-01", "--out",
          "{tmp}/out"], 1,
         f"error: 2026-01: nope: ParameterError: unknown service 'nope'; the catalog has {SERVICES}"),
]


def layout(tmp: Path) -> None:
    """The files the cases point at."""
    (tmp / "file.txt").write_text("not a folder\n")
    (tmp / "empty").mkdir()
    (tmp / "taken").mkdir()
    (tmp / "taken" / "2026-01").write_text("a file where the month's reports would go\n")
    (tmp / "unclosed.yaml").write_text("month: [2026-01\n")
    (tmp / "misspelt.yaml").write_text('period: "2026-01"\nmnth: 2026-01\ndata_dir: ""\noutput: out\n')
    text = CATALOG.read_text(encoding="utf-8")
    assert text.splitlines()[78] == "    target: 0.999"  # line 79: checkout/availability, the first SLO
    for folder, content in (("catalog-only", text),
                            ("percent", text.replace("    target: 0.999\n", "    target: 99.9\n", 1)),
                            ("broken", "services:\n  - {name: shop, owner: [team-a}\n")):
        (tmp / folder).mkdir()
        (tmp / folder / "catalog.yaml").write_text(content, encoding="utf-8")


@pytest.mark.parametrize(("argv", "code", "expected"), CASES)
def test_bad_command_line(tmp_path: Path, capsys, argv, code, expected):
    layout(tmp_path)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    expected = expected.replace("{tmp}", str(tmp_path))
    if code == "exit 2":  # argparse: usage, then the error, as SystemExit(2)
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("usage: slm")
        assert err.splitlines()[-1] == expected
    else:
        assert main(argv) == code
        assert capsys.readouterr().err == expected + "\n"  # one line, no traceback


def test_the_table_is_large_enough():
    assert len(CASES) >= 10
