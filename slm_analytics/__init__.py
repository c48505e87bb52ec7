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

from ._compat import lazy_exports as _lazy_exports
from ._version import __version__
from .errors import DataError, DefinitionError, InsufficientDataError, ParameterError, SLMError

__getattr__, __dir__, __all__ = _lazy_exports(__name__, __file__)
