"""The public API and the package as installed.

Every name in __all__ resolves, importing the package stays light, and the stub ``__init__.pyi`` is the one
list of public names.
"""

import ast
import os
import subprocess
import sys
import types
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
    assert submodules == "['slm_analytics._version', 'slm_analytics.errors']"
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
