"""Fixtures of the browser tests: the dashboard (Voilà) and JupyterLab as servers, headless Chromium.

The servers are started here with the same options as ``make dashboard`` and ``make lab`` (plus a free port,
no token and a throw-away user settings folder); a server counts as up when it logs "is running at" (for Voilà
requesting ``/`` would start a kernel). Chromium is Debian's ``/usr/bin/chromium`` (``$CHROMIUM`` to use
another), driven by Playwright through ``launch_persistent_context``; every request for a host other than
127.0.0.1 is aborted and recorded in ``Browser.blocked``. Everything skips when Playwright, Voilà or Chromium
is missing. ``make test`` deselects these tests (marker ``browser``); ``make test-browser`` runs them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_paths import CHROMIUM, DASHBOARD, ROOT, SCREENSHOTS, SHARE

#: seconds a server may take to log "is running at"
START_TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process whose combined output is collected in ``log``."""

    url: str
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)

    def wait_running(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any("is running at" in line for line in self.log):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not log 'is running at' in {timeout} s:\n" + "".join(self.log[-40:]))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _start(args: list[str], port: int, tmp: Path) -> Server:
    env = dict(os.environ, PYTHONPATH=str(ROOT), JUPYTER_PATH=str(SHARE),
               JUPYTER_RUNTIME_DIR=str(tmp / "run"))
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    server = Server(f"http://127.0.0.1:{port}", process)

    def pump() -> None:
        for line in process.stdout:
            server.log.append(line)

    threading.Thread(target=pump, daemon=True).start()
    server.wait_running()
    return server


@pytest.fixture(scope="session")
def sync_api():
    """Playwright's sync API, or a skip when Playwright or Chromium is missing (before any server starts)."""
    api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    return api


@pytest.fixture(scope="session")
def dashboard(sync_api, tmp_path_factory) -> Iterator[Server]:
    """``make dashboard``: Voilà on the DASHBOARD notebook with the project's template (no CDN)."""
    pytest.importorskip("voila", reason="Voilà is not installed")
    port = _free_port()
    server = _start([sys.executable, "-m", "voila", DASHBOARD, "--no-browser", "--Voila.ip=127.0.0.1",
                     f"--port={port}", "--template=slm"], port, tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab(sync_api, tmp_path_factory) -> Iterator[Server]:
    """``make lab`` with no token, its own user settings (autosave off) and the app object exposed."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed")
    tmp = tmp_path_factory.mktemp("lab")
    # autosave off: the run must not write its outputs into the committed notebook
    docmanager = tmp / "user-settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    port = _free_port()
    server = _start([sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
                     f"--port={port}", "--notebook-dir=.", "--ServerApp.open_browser=False",
                     "--LabApp.news_url=None", f"--LabApp.app_settings_dir={SHARE / 'lab' / 'settings'}",
                     "--IdentityProvider.token=", f"--LabApp.user_settings_dir={tmp / 'user-settings'}",
                     f"--LabApp.workspaces_dir={tmp / 'workspaces'}", "--LabApp.expose_app_in_browser=True"],
                    port, tmp)
    yield server
    server.stop()


@dataclass
class Browser:
    """A headless Chromium context: ``blocked`` (requests outside 127.0.0.1), ``errors`` (console, page)."""

    context: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def new_page(self):
        page = self.context.new_page()
        page.on("console",
                lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        return page


@pytest.fixture
def browser(sync_api, tmp_path) -> Iterator[Browser]:
    """Chromium with every request for a host other than 127.0.0.1 aborted and recorded."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            viewport={"width": 1400, "height": 1000})
        result = Browser(context)

        def route(route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                result.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        yield result
        context.close()
