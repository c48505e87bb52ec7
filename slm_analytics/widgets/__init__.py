"""ipywidgets apps for the notebooks: controls and what reacts to them live here, notebooks display them.

Each explorer is a function returning an :class:`App` (see :mod:`slm_analytics.widgets._app`): controls, one
library call per change, and named panels a notebook shows section by section. Under JupyterLab or Voilà they
are live widgets; under papermill, nbval or nbconvert they are pictures and tables of the default selection,
so a saved notebook renders offline (:func:`interactive` decides, ``SLM_WIDGETS=on|off`` overrides).
"""

from __future__ import annotations

from ._app import SWITCH, App, Message, interactive, widget_comms
from .compliance import ComplianceView, compliance_explorer, compliance_view
from .priorities import (
    PrioritiesContext,
    PrioritiesView,
    priorities_context,
    priorities_explorer,
    priorities_view,
)
from .risk import (
    FleetRisk,
    RiskView,
    SLODrillDown,
    TargetWhatIf,
    fleet_view,
    risk_explorer,
    risk_view,
    slo_view,
    target_view,
)

__all__ = [
    "SWITCH",
    "App",
    "ComplianceView",
    "FleetRisk",
    "Message",
    "PrioritiesContext",
    "PrioritiesView",
    "RiskView",
    "SLODrillDown",
    "TargetWhatIf",
    "compliance_explorer",
    "compliance_view",
    "fleet_view",
    "interactive",
    "priorities_context",
    "priorities_explorer",
    "priorities_view",
    "risk_explorer",
    "risk_view",
    "slo_view",
    "target_view",
    "widget_comms",
]
