"""Where the browser tests find the project, the notebooks they open, Chromium and the screenshot folder."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARE = ROOT / "share" / "jupyter"
#: the notebook ``make dashboard`` serves (Makefile: DASHBOARD) and the one opened in Lab
DASHBOARD = os.environ.get("SLM_DASHBOARD", "notebooks/01-compliance-explorer.ipynb")
#: the notebooks opened in Lab (comma-separated in SLM_LAB_NOTEBOOKS)
LAB_NOTEBOOKS = os.environ.get(
    "SLM_LAB_NOTEBOOKS", "notebooks/02-slo-risk-forecast.ipynb,notebooks/03-improvement-priorities.ipynb"
).split(",")
SCREENSHOTS = Path(os.environ.get("SLM_SCREENSHOTS", ROOT / "browser-screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
