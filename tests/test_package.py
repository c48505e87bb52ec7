"""The public API and the package as installed.

Every name in __all__ resolves, importing the package stays light, the stub ``__init__.pyi`` is the one list
of public names, and a built wheel carries the stub, the sample datasets and the notebooks and finds them
from any directory.
"""

import ast
import json
import os
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

import slm_analytics

ROOT = Path(__file__).resolve().parent.parent
STUB = ROOT / "slm_analytics" / "__init__.pyi"


def test_every_public_name_resolves():
    for name in slm_analytics.__all__:
        assert getattr(slm_analytics, name) is not None, name


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = slm_analytics.nope


def test_import_does_not_load_the_scientific_stack():
    code = (
        "import sys, slm_analytics; "
        "print(','.join(m for m in ('pandas', 'scipy', 'statsmodels', 'altair', 'pydantic', 'numpy', "
        "'pyarrow', 'yaml', 'papermill') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_import_loads_only_the_errors_and_the_version():
    # the errors are imported eagerly (``except slm_analytics.SLMError`` imports nothing more); every other
    # submodule waits for the first use of one of its names
    code = (
        "import sys, slm_analytics; "
        "print(sorted(m for m in sys.modules if m.startswith('slm_analytics.'))); "
        "print(sorted(n for n in ('SLMError', 'DataError', 'DefinitionError', 'InsufficientDataError', "
        "'ParameterError', '__version__') if n in vars(slm_analytics)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    submodules, eager = out.stdout.splitlines()
    # _compat holds the lazy-loading helper (standard library imports only)
    assert submodules == "['slm_analytics._compat', 'slm_analytics._version', 'slm_analytics.errors']"
    assert eager == str(sorted(["SLMError", "DataError", "DefinitionError", "InsufficientDataError",
                                "ParameterError", "__version__"]))


def _stub_names() -> list[str]:
    names = []
    for node in ast.parse(STUB.read_text()).body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1, ast.unparse(node)
        for alias in node.names:
            # ``name as name``: an explicit re-export for type checkers (PEP 484)
            assert alias.asname == alias.name, ast.unparse(node)
            names.append(alias.name)
    return names


def test_the_stub_is_the_list_of_public_names():
    names = _stub_names()
    assert len(names) == len(set(names))
    assert slm_analytics.__all__ == sorted(names)
    assert set(names) <= set(dir(slm_analytics))
    # the package module itself defines nothing public beyond what the stub lists (submodules aside)
    own = {n for n, v in vars(slm_analytics).items()
           if not n.startswith("_") and n != "annotations" and not isinstance(v, types.ModuleType)}
    assert own <= set(names)


def test_stub_names_come_from_where_the_stub_says():
    import importlib

    for node in ast.parse(STUB.read_text()).body:
        module = importlib.import_module(f"slm_analytics.{node.module}")
        for alias in node.names:
            assert getattr(slm_analytics, alias.name) is getattr(module, alias.name), alias.name


def test_usable_cpus_follow_the_affinity_mask():
    from slm_analytics._compat import usable_cpus

    n = usable_cpus()
    assert 1 <= n <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):  # Linux: the CPUs this process may run on, not the machine's
        assert n == len(os.sched_getaffinity(0))


# -- the built wheel (one build per test session: a copy of the source tree, built in isolation) -----------

#: names never copied into the build tree (VCS, environments, caches, earlier builds)
_NOT_SOURCE = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis",
               ".ipynb_checkpoints", ".ruff_cache"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    skip = {n for n in names if n in _NOT_SOURCE or n.endswith(".egg-info")}
    if Path(folder) == ROOT:
        skip |= {"reports"} & set(names)  # `make review` output (notebooks/reports/ is source)
    return skip


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("pip", reason="building the wheel needs pip")
    src = tmp_path_factory.mktemp("src") / "slm-analytics"
    shutil.copytree(ROOT, src, ignore=_ignore)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--disable-pip-version-check",
          "-q", "-w", str(dist)])
    (built,) = dist.glob("slm_analytics-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _run([sys.executable, "-m", "pip", "install", str(wheel), "--no-deps", "--disable-pip-version-check",
          "-q", "--target", str(target)])
    return target


def _source_files(folder: str, patterns: tuple[str, ...]) -> set[str]:
    base = ROOT / folder
    return {
        path.relative_to(base).as_posix()
        for pattern in patterns
        for path in base.rglob(pattern)
        if not any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(base).parts)
    }


def test_wheel_holds_the_stub_the_datasets_and_the_notebooks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "slm_analytics/__init__.pyi" in names
    assert "slm_analytics/review/__init__.pyi" in names
    assert "slm_analytics/review/templates/index.html.j2" in names  # the review index's Jinja2 template
    datasets = _source_files("datasets", ("README.md", "catalog.yaml", "*.csv", "*.parquet"))
    assert {"README.md", "catalog.yaml", "sli_5min.parquet", "incidents.csv"} <= datasets
    assert {f"slm_analytics/datasets/{f}" for f in datasets} <= names
    notebooks = _source_files("notebooks", ("*.ipynb",))
    assert "reports/service-review.ipynb" in notebooks
    assert {f"slm_analytics/notebooks/{f}" for f in notebooks} <= names
    # the data lives inside the package, never as top-level folders of site-packages
    assert {n.split("/")[0] for n in names} == {"slm_analytics", wheel.name.split("-py3")[0] + ".dist-info"}


def test_wheel_holds_every_module_of_the_source_tree(wheel):
    # a subpackage missing from [tool.setuptools] packages in pyproject.toml would be left out silently
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"slm_analytics/{f}" for f in _source_files("slm_analytics", ("*.py",))}
    assert modules <= names, sorted(modules - names)


def test_installed_wheel_finds_its_data_from_any_directory(installed, tmp_path):
    code = """if True:
        import json, sys
        import slm_analytics
        from slm_analytics.resources import datasets_dir, notebook_path

        light = not any(m in sys.modules for m in ("pandas", "numpy", "scipy", "altair"))
        catalog = slm_analytics.read_dataset("catalog")
        print(json.dumps({
            "package": slm_analytics.__file__,
            "light": light,
            "all": slm_analytics.__all__,
            "datasets": str(datasets_dir()),
            "review": str(notebook_path("reports/service-review.ipynb")),
            "review_is_file": notebook_path("reports/service-review.ipynb").is_file(),
            "services": sorted(s.name for s in catalog.services),
            "incidents": len(slm_analytics.read_dataset("incidents")),
        }))
    """
    env = {k: v for k, v in os.environ.items() if k not in ("SLM_DATASETS", "EAGER_IMPORT")}
    env["PYTHONPATH"] = str(installed)
    work = tmp_path / "elsewhere"
    work.mkdir()
    found = json.loads(_run([sys.executable, "-c", code], cwd=work, env=env).stdout)

    site = installed.resolve()
    assert Path(found["package"]).resolve() == site / "slm_analytics" / "__init__.py"
    assert found["light"]  # the stub shipped: lazy loading works in the installed package
    assert found["all"] == slm_analytics.__all__
    assert Path(found["datasets"]) == site / "slm_analytics" / "datasets"
    assert Path(found["review"]) == site / "slm_analytics" / "notebooks" / "reports" / "service-review.ipynb"
    assert found["review_is_file"]
    assert not Path(found["review"]).is_relative_to(ROOT)
    assert found["services"] == sorted(s.name for s in slm_analytics.read_dataset("catalog").services)
    assert found["incidents"] == len(slm_analytics.read_dataset("incidents"))

    listing = _run([sys.executable, "-m", "slm_analytics.cli", "datasets"], cwd=work, env=env).stdout
    assert "sli_5min" in listing and "catalog" in listing


def test_installed_wheel_runs_a_review_from_any_directory(installed, tmp_path):
    # `slm review` after a plain `pip install .`: the notebook and the data come from the installed package
    env = {k: v for k, v in os.environ.items() if k not in ("SLM_DATASETS", "EAGER_IMPORT")}
    env["PYTHONPATH"] = str(installed)
    work = tmp_path / "elsewhere"
    work.mkdir()
    _run([sys.executable, "-m", "slm_analytics.cli", "review", "--service", "checkout", "--out", "out"],
         cwd=work, env=env, timeout=600)
    (report,) = (work / "out").glob("*/checkout.html")
    assert "checkout" in report.read_text()
    assert (report.parent / "index.html").is_file()
