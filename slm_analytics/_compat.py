"""Workarounds for third-party packages and platform differences.

Each package workaround names the upstream reference that will let us drop it.
"""

from __future__ import annotations

import importlib
import os
import sys

__all__ = ["import_jsonschema", "lazy_exports", "usable_cpus"]


def import_jsonschema() -> None:
    """Import ``jsonschema`` without its eager import of ``rfc3987_syntax`` (over 2 s each process).

    ``rfc3987-syntax`` 1.1, installed with jupyterlab through ``jsonschema[format-nongpl]``, compiles a
    Lark grammar when imported, and ``jsonschema`` imports it eagerly for its ``iri``/``iri-reference``
    format checkers (python-jsonschema/jsonschema#1428, #1521). altair, nbformat and papermill validate
    without those formats, yet pay the cost in every review kernel. Hiding the module while ``jsonschema``
    is first imported skips the grammar; ``rfc3987_syntax`` stays importable afterwards, and only
    ``jsonschema.FormatChecker`` lacks the two IRI formats in this process. Does nothing when
    ``jsonschema`` is already imported.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes `import` raise ImportError
    try:
        importlib.import_module("jsonschema")
    finally:
        del sys.modules["rfc3987_syntax"]


def usable_cpus() -> int:
    """Return the number of CPUs this process may run on (its affinity mask, e.g. a container's limit)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def lazy_exports(package: str, init_file: str, submodules: frozenset[str] = frozenset()
                 ) -> tuple[object, object, list[str]]:
    """Return ``__getattr__``, ``__dir__`` and ``__all__`` of a package whose names its stub lists.

    ``lazy_loader.attach_stub`` (scientific-python SPEC 1) reads ``__init__.pyi`` and imports each name on
    first use. Its ``__getattr__`` is wrapped so that an unknown name raises Python's usual message
    (``module 'x' has no attribute 'y'``); ``submodules`` listed in the stub (``from . import m``) are
    attributes but not part of ``__all__``.
    """
    from lazy_loader import attach_stub

    lazy_getattr, _, names = attach_stub(package, init_file)
    exported = sorted(set(names) - submodules)
    public = frozenset(exported) | submodules
    module = sys.modules[package]

    def __getattr__(name: str) -> object:
        if name in public:
            return lazy_getattr(name)
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    def __dir__() -> list[str]:
        return sorted(set(vars(module)) | public)

    return __getattr__, __dir__, exported
