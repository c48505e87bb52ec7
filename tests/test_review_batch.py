"""Tests for slm_analytics.review.batch: the periodic review's parameter files, checked before anything runs.

The bad-input table follows tests/bad_inputs/: each case is a small edit of ``BASE`` (a valid file) or a whole
file, with the exact message it gives. ``{path}`` stands for the file written by the case, ``{line}`` for the
line of the case's ``needle`` (the only line of the file containing it). The notebooks are two small ones
written by :func:`notebooks` whose parameters are stated there; the catalog is the bundled one.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from slm_analytics import read_dataset
from slm_analytics.errors import ParameterError
from slm_analytics.review.batch import (
    BatchParameters,
    known_notebooks,
    read_batch_parameters,
    validate_batch,
)

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("checkout, payments, search, login, catalog, notifications, mobile-api, reporting, "
            "data-pipeline, support-portal, email, internal-wiki, partner-gateway")
KEYS = "notebooks, services, period, data_dir, output, jobs, overrides"
KNOWN = "known: portfolio-review, service-review (the notebooks of notebooks/reports/, without .ipynb)"
PERIODS = ("expected 'YYYY-MM' (a month, e.g. '2026-10'), 'YYYY-Qn' (a quarter, n 1 to 4, e.g. '2026-Q3'), "
           "'last-complete-month' or 'last-complete-quarter'")

BASE = """\
notebooks: [service-review, portfolio-review]
services:
  - checkout
  - payments
period: last-complete-month
data_dir: ""
output: reports
jobs: 2
overrides:
  checkout: {n_paths: 5000}
  payments:
    n_paths: 3000
    top: 5
"""


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def notebooks(folder: Path) -> Path:
    """service-review declares service, month, data_dir, n_paths; portfolio-review period, data_dir, top."""
    folder.mkdir()
    for name, source in [("service-review", 'service = "checkout"\nmonth = "2026-10"\ndata_dir = ""\n'
                                            "n_paths = 2000"),
                         ("portfolio-review", 'period = "2026-10"\ndata_dir = ""\ntop = 10')]:
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                "display_name": "Python 3"}})
        nb.cells = [nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("print(1)")]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def line_of(text: str, needle: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def case(name, text, expected, needle=None):
    return pytest.param(text, expected, needle, id=name)


CASES = [
    # ---- the file
    case("missing file", None, "{path}: cannot read parameter file: No such file or directory"),
    case("empty file", "", f"{{path}}: expected one mapping with keys {KEYS}; found an empty file"),
    case("a list", "- period\n- output\n", f"{{path}}: expected one mapping with keys {KEYS}; found a list"),
    case("two documents", BASE + "---\n" + BASE,
         f"{{path}}: expected one mapping with keys {KEYS}; found 2 YAML documents"),
    case("syntax error", edit("checkout: {n_paths: 5000}", "checkout: {n_paths: 5000"),
         # the flow mapping opened on line 10 is still open at the ':' ending line 11 ('  payments:')
         "{path}: YAML syntax error at line 11, column 11: did not find expected ',' or '}}'"),
    case("a key twice", edit("jobs: 2\n", "jobs: 2\njobs: 3\n"),
         # BASE's 'jobs: 2' is its line 8
         "{path}: line {line}: key 'jobs' appears twice in one mapping (also line 8); the later one would "
         "silently replace the earlier: keep one", needle="jobs: 3"),
    # ---- keys and types
    case("unknown key", edit("output: reports\n", "output: reports\nout_dir: reports\n"),
         f"{{path}}: line {{line}}: out_dir: unknown key 'out_dir'; allowed: {KEYS}", needle="out_dir"),
    case("missing key", edit("period: last-complete-month\n", ""),
         "{path}: period: missing required key 'period'; required: period, data_dir, output"),
    case("data_dir left out", edit('data_dir: ""\n', ""),
         "{path}: data_dir: missing required key 'data_dir'; required: period, data_dir, output"),
    case("jobs a word", edit("jobs: 2", "jobs: two"),
         "{path}: line {line}: jobs: expected a whole number, got 'two' (a string)", needle="jobs:"),
    case("jobs true", edit("jobs: 2", "jobs: true"),
         "{path}: line {line}: jobs: expected a whole number, got True (true/false)", needle="jobs:"),
    case("jobs a fraction", edit("jobs: 2", "jobs: 1.5"),
         "{path}: line {line}: jobs: expected a whole number, got 1.5 (a number)", needle="jobs:"),
    case("no jobs", edit("jobs: 2", "jobs: 0"),
         "{path}: line {line}: jobs: must be at least 1 (the number of notebooks run at once), got 0",
         needle="jobs:"),
    case("period a date", edit("period: last-complete-month", "period: 2026-10-01"),
         "{path}: line {line}: period: expected a string, got datetime.date(2026, 10, 1) (date)",
         needle="period:"),
    case("bad period", edit("period: last-complete-month", "period: 2026-Q5"),
         f"{{path}}: line {{line}}: period: period '2026-Q5' is not a review period; {PERIODS}",
         needle="period:"),
    case("period latest", edit("period: last-complete-month", "period: latest"),
         f"{{path}}: line {{line}}: period: period 'latest' is not a review period; {PERIODS}",
         needle="period:"),
    case("services a name", edit("services:\n  - checkout\n  - payments\n", "services: checkout\n"),
         "{path}: line {line}: services: expected 'all' or a non-empty list of service names, got 'checkout'",
         needle="services:"),
    case("services empty", edit("services:\n  - checkout\n  - payments\n", "services: []\n"),
         "{path}: line {line}: services: expected 'all' or a non-empty list of service names, got []",
         needle="services:"),
    case("a service twice", edit("  - payments\n", "  - payments\n  - checkout\n"),
         "{path}: line {line}: services: 'checkout' listed more than once", needle="services:"),
    case("notebooks a name", edit("[service-review, portfolio-review]", "service-review"),
         "{path}: line {line}: notebooks: expected a list, got 'service-review' (a string)",
         needle="notebooks:"),
    case("no notebooks", edit("notebooks: [service-review, portfolio-review]", "notebooks: []"),
         "{path}: line {line}: notebooks: is empty; name at least one notebook of notebooks/reports/, e.g. "
         "[service-review]", needle="notebooks:"),
    case("data_dir empty", edit('data_dir: ""', "data_dir:"),
         "{path}: line {line}: data_dir: expected a string, got None (empty)", needle="data_dir:"),
    case("data_dir not a folder", edit('data_dir: ""', "data_dir: no/such/folder"),
         "{path}: line {line}: data_dir: 'no/such/folder' is not a folder; expected \"\" (the bundled sample "
         "data) or a folder laid out like datasets/ (catalog.yaml, sli_5min.parquet, incidents.csv)",
         needle="data_dir:"),
    case("output empty", edit("output: reports", 'output: ""'),
         "{path}: line {line}: output: is empty; give the folder the reports go to, e.g. reports",
         needle="output:"),
    case("override not a mapping", edit("checkout: {n_paths: 5000}", "checkout: 5000"),
         "{path}: line {line}: overrides.checkout: expected a mapping, got 5000 (a whole number)",
         needle="checkout: 5000"),
    # ---- names: services, notebooks, notebook parameters
    case("unknown service", edit("  - payments\n", "  - paymnets\n"),
         f"{{path}}: line {{line}}: services[1]: unknown service 'paymnets'; the catalog has {SERVICES}\n"
         # and the override of payments (line 11) no longer applies
         "{path}: line 11: overrides.payments: service 'payments' is not reviewed by this batch (services: "
         "checkout, paymnets); remove the override or add the service", needle="paymnets"),
    case("unknown notebook", edit("[service-review, portfolio-review]", "[service-review, portfolio]"),
         f"{{path}}: line {{line}}: notebooks[1]: unknown notebook 'portfolio'; {KNOWN}\n"
         # and 'top' (line 13) is a parameter of portfolio-review only
         "{path}: line 13: overrides.payments.top: unknown parameter 'top': no notebook of the batch "
         "declares it (service-review: n_paths)", needle="notebooks:"),
    case("notebook with its suffix", edit("[service-review, portfolio-review]", "[service-review.ipynb]"),
         f"{{path}}: line {{line}}: notebooks[0]: unknown notebook 'service-review.ipynb'; {KNOWN}",
         needle="notebooks:"),
    case("override of an unknown service", edit("  checkout: {n_paths", "  chekout: {n_paths"),
         f"{{path}}: line {{line}}: overrides.chekout: unknown service 'chekout'; the catalog has {SERVICES}",
         needle="chekout"),
    case("override of a service not reviewed", edit("  checkout: {n_paths", "  email: {n_paths"),
         "{path}: line {line}: overrides.email: service 'email' is not reviewed by this batch (services: "
         "checkout, payments); remove the override or add the service", needle="email"),
    case("override of an undeclared parameter", edit("n_paths: 3000", "n_path: 3000"),
         "{path}: line {line}: overrides.payments.n_path: unknown parameter 'n_path': no notebook of the "
         "batch declares it (service-review: n_paths; portfolio-review: top)", needle="n_path:"),
    case("override of a parameter the runner sets", edit("{n_paths: 5000}", "{month: x}"),
         "{path}: line {line}: overrides.checkout.month: 'month' is set by the runner from the batch "
         "(service, period, data_dir); it cannot be overridden", needle="month: x"),
    case("several problems, one error", edit("jobs: 2\n", "jobs: 0\njbos: 2\n"),
         "{path}: line 8: jobs: must be at least 1 (the number of notebooks run at once), got 0\n"
         f"{{path}}: line 9: jbos: unknown key 'jbos'; allowed: {KEYS}"),
]


@pytest.mark.parametrize(("text", "expected", "needle"), CASES)
def test_bad_batch_parameters(tmp_path: Path, text, expected, needle):
    folder = notebooks(tmp_path / "reports")
    path = tmp_path / "monthly.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    line = line_of(text, needle) if needle else None
    with pytest.raises(ParameterError) as info:
        read_batch_parameters(path, notebooks_dir=folder)
    assert str(info.value) == expected.format(path=path, line=line)


def test_the_table_is_large_enough():
    assert len(CASES) >= 30


def test_base_is_valid(tmp_path):
    path = tmp_path / "monthly.yaml"
    path.write_text(BASE, encoding="utf-8")
    params = read_batch_parameters(path, notebooks_dir=notebooks(tmp_path / "reports"))
    assert params == BatchParameters(
        notebooks=["service-review", "portfolio-review"], services=["checkout", "payments"],
        period="last-complete-month", data_dir="", output="reports", jobs=2,
        overrides={"checkout": {"n_paths": 5000}, "payments": {"n_paths": 3000, "top": 5}})


def test_defaults(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('period: 2026-Q3\ndata_dir: ""\noutput: out\n', encoding="utf-8")
    params = read_batch_parameters(path)
    assert (params.notebooks, params.services, params.jobs, params.overrides) == (
        ["service-review"], "all", 1, {})


@pytest.mark.parametrize(("name", "period"), [("monthly-review.yaml", "last-complete-month"),
                                               ("quarterly-review.yaml", "last-complete-quarter")])
def test_the_project_parameter_files_are_valid(name, period):
    params = read_batch_parameters(ROOT / "parameters" / name)
    assert params.period == period
    assert (params.notebooks, params.services, params.data_dir) == (
        ["service-review", "portfolio-review"], "all", "")


def test_the_project_notebooks():
    assert "service-review" in known_notebooks()


def test_an_override_against_the_project_review_notebook(tmp_path):
    # the service review declares service, period and data_dir (set by the runner), previous_summary and
    # at_risk_probability
    path = tmp_path / "p.yaml"
    path.write_text('period: 2026-10\ndata_dir: ""\noutput: out\noverrides:\n  checkout: {n_paths: 5}\n',
                    encoding="utf-8")
    message = (f"{path}: line 5: overrides.checkout.n_paths: unknown parameter 'n_paths': no notebook of the "
               "batch declares it (service-review: at_risk_probability, previous_summary)")
    with pytest.raises(ParameterError) as info:
        read_batch_parameters(path)
    assert str(info.value) == message


def test_validate_batch_without_a_file(tmp_path):
    catalog = read_dataset("catalog")
    params = BatchParameters(services=["checkout"], period="2026-10", data_dir="", output="r",
                             notebooks=["service-review", "nope"], overrides={"shop": {}})
    message = (f"batch parameters: notebooks[1]: unknown notebook 'nope'; {KNOWN}\n"
               f"batch parameters: overrides.shop: unknown service 'shop'; the catalog has {SERVICES}")
    with pytest.raises(ParameterError) as info:
        validate_batch(params, catalog, notebooks_dir=notebooks(tmp_path / "reports"))
    assert str(info.value) == message
    ok = BatchParameters(period="last-complete-quarter", data_dir="", output="r")
    assert validate_batch(ok, catalog) is ok


def test_the_model_is_strict():
    with pytest.raises(ValueError, match="jobs"):
        BatchParameters(period="2026-10", data_dir="", output="r", jobs="2")
    with pytest.raises(ValueError, match="extra"):
        BatchParameters(period="2026-10", data_dir="", output="r", month="2026-10")
