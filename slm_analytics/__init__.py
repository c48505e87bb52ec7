"""slm-analytics: a Jupyter-based analytics workbench for Service Level Management.

The package follows the SLM loop: service catalog and agreements (``catalog``), data loading
(``data``), SLIs, windows, error budgets and SLAs, trends and forecasts, requirements and improvement
priorities, charts and the papermill review runner.

The public names are listed once, in the stub ``__init__.pyi``; ``lazy_loader`` (scientific-python
SPEC 1) reads it and imports each name from its module on first use, so ``import slm_analytics`` stays
fast while the scientific stack loads only when a function needs it. The errors are imported eagerly
(they are light, and ``except slm_analytics.SLMError`` should not import anything).
"""

from __future__ import annotations

from lazy_loader import attach_stub as _attach_stub

from ._version import __version__
from .errors import DataError, DefinitionError, InsufficientDataError, ParameterError, SLMError

_lazy_getattr, _, __all__ = _attach_stub(__name__, __file__)
_PUBLIC = frozenset(__all__)


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        return _lazy_getattr(name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | _PUBLIC)
