"""Every notebook under notebooks/ is committed clean and follows CONVENTIONS.md section 8.

Clean: no outputs, no execution counts, only kernelspec/language_info metadata (nbstripout-like). Shape: a
Markdown title first; at most one cell tagged ``parameters`` holding only literal assignments, followed by
a validation cell (``validate_parameters(`` or ``validate_<notebook>_parameters(``); no ``def``, ``class`` or
``lambda`` in code cells. nbval runs them (``make test``).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from slm_analytics.review import ReviewParameters, RiskParameters

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
#: the call a validation cell makes: validate_parameters( or validate_risk_parameters(...
VALIDATION = re.compile(r"\bvalidate_(\w+_)?parameters\(")


def test_the_review_notebook_exists():
    assert ROOT / "notebooks" / "reports" / "service-review.ipynb" in NOTEBOOKS


def test_the_risk_forecast_notebook_exists():
    assert ROOT / "notebooks" / "02-slo-risk-forecast.ipynb" in NOTEBOOKS


def test_notebooks_are_not_git_ignored():
    """A pattern such as ``reports/`` (meant for the output folder) must not hide notebooks/reports/."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", "check-ignore", "--no-index", *map(str, NOTEBOOKS)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.stdout == "", f"git ignores {result.stdout.split()}"


@pytest.fixture(params=NOTEBOOKS, ids=IDS)
def notebook(request) -> nbformat.NotebookNode:
    nb = nbformat.read(request.param, as_version=4)
    nbformat.validate(nb)
    return nb


def test_committed_without_outputs(notebook):
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} has outputs: clear them before committing"
            assert cell.execution_count is None, f"cell {i} has an execution count"
        assert set(cell.metadata) <= {"tags"}, f"cell {i} has metadata {sorted(cell.metadata)}"


def test_clean_notebook_metadata(notebook):
    assert set(notebook.metadata) <= {"kernelspec", "language_info"}
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_starts_with_a_markdown_title(notebook):
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")


def test_no_definitions_in_notebooks(notebook):
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda), (
                f"cell {i} defines {type(node).__name__}: move it into the package")


def test_parameters_cell_holds_only_literals(notebook):
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) <= 1
    if not tagged:
        return
    for node in ast.parse(tagged[0].source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1
        assert isinstance(node.targets[0], ast.Name)
        ast.literal_eval(node.value)  # raises unless a literal
    following = notebook.cells[notebook.cells.index(tagged[0]) + 1]
    assert VALIDATION.search(following.source), "the cell after the parameters must validate them"


def test_sections_end_with_their_table_or_chart(notebook):
    """After the validation cell, each code cell's last statement is an expression: what the section shows."""
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    start = next((i + 1 for i, c in enumerate(cells) if VALIDATION.search(c.source)), len(cells))
    for cell in cells[start:]:
        body = ast.parse(cell.source).body
        ends = bool(body) and isinstance(body[-1], ast.Expr)
        assert ends, f"cell {cell.source[:60]!r} does not end with an expression"


def test_review_notebook_parameters_match_the_model():
    nb = nbformat.read(ROOT / "notebooks" / "reports" / "service-review.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = [node.targets[0].id for node in ast.parse(cell.source).body]
    assert names == list(ReviewParameters.model_fields)
    assert '_ = charts.use_renderer("report")' in "".join(c.source for c in nb.cells)


def test_risk_forecast_notebook_parameters_match_the_model():
    nb = nbformat.read(ROOT / "notebooks" / "02-slo-risk-forecast.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    body = ast.parse(cell.source).body
    names = [node.targets[0].id for node in body]
    assert names == list(RiskParameters.model_fields)
    defaults = {node.targets[0].id: ast.literal_eval(node.value) for node in body}
    assert defaults == RiskParameters().model_dump()  # as_of "" (end of data), data_dir "", n_paths 2000
    source = "".join(c.source for c in nb.cells)
    assert "review.validate_risk_parameters(**review.parameters_in(globals()))" in source
    # interactive charts in JupyterLab, SVG pictures headless (nbval, papermill): no network needed either way
    assert '_ = charts.use_renderer("auto")' in source
