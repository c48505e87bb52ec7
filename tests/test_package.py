"""The public API: every name in __all__ resolves, and importing the package stays light."""

import subprocess
import sys

import slm_analytics


def test_every_public_name_resolves():
    for name in slm_analytics.__all__:
        assert getattr(slm_analytics, name) is not None, name


def test_unknown_attribute():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = slm_analytics.nope


def test_import_does_not_load_the_scientific_stack():
    code = (
        "import sys, slm_analytics; "
        "print(','.join(m for m in ('pandas', 'scipy', 'statsmodels', 'altair', 'pydantic') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_usable_cpus_follow_the_affinity_mask():
    import os

    from slm_analytics._compat import usable_cpus

    n = usable_cpus()
    assert 1 <= n <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):  # Linux: the CPUs this process may run on, not the machine's
        assert n == len(os.sched_getaffinity(0))
