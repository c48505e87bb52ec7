"""Where the browser tests find the project, the notebooks they open, Chromium and the screenshot folder."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARE = ROOT / "share" / "jupyter"
#: the notebook ``make dashboard`` serves (Makefile: DASHBOARD) and the one opened in Lab
DASHBOARD = os.environ.get("SLM_DASHBOARD", "notebooks/risk-forecast.ipynb")
LAB_NOTEBOOK = os.environ.get("SLM_LAB_NOTEBOOK", "notebooks/risk-forecast.ipynb")
SCREENSHOTS = Path(os.environ.get("SLM_SCREENSHOTS", ROOT / "browser-screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
