"""A real Prometheus server for tests: backfill a TSDB from OpenMetrics text with promtool, then serve it.

Self-contained (no fixtures here: a test module wraps :func:`start_prometheus` in its own fixture)::

    server = start_prometheus(tmp_path, openmetrics([...]))
    try:
        ...  # query server.url
    finally:
        server.stop()

Known behaviour of Debian's prometheus 2.42 this relies on: out-of-order samples are dropped silently by the
backfill (generate them in order), OpenMetrics needs ``# EOF`` at the end and timestamps in seconds, and
retention counts from the newest block (so it is set to 100 years).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["PromServer", "Series", "binaries", "openmetrics", "start_prometheus"]

#: one series: (metric name, labels, [(unix seconds, value), ...]) with the samples in time order
Series = tuple[str, dict[str, str], list[tuple[float, float]]]


def binaries() -> tuple[str, str]:
    """Paths of ``prometheus`` and ``promtool``; skip the calling test when either is missing."""
    prom, tool = shutil.which("prometheus"), shutil.which("promtool")
    if prom is None or tool is None:
        pytest.skip("the prometheus and promtool binaries are not installed "
                    "(Debian: apt-get install prometheus)")
    return prom, tool


def openmetrics(families: dict[tuple[str, str], list[Series]]) -> str:
    """OpenMetrics text of ``{(family name, type): [series, ...]}``, ending with ``# EOF``."""
    lines = []
    for (family, kind), series in families.items():
        lines.append(f"# TYPE {family} {kind}")
        for name, labels, samples in series:
            text = ",".join(f'{k}="{v}"' for k, v in labels.items())
            for t, v in samples:
                lines.append(f"{name}{{{text}}} {v:g} {t:.3f}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


@dataclass
class PromServer:
    """A running server: its ``url`` and process."""

    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """Stop the server (terminate, then kill if it lingers)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def start_prometheus(folder: Path, text: str, *, attempts: int = 3) -> PromServer:
    """Backfill ``text`` (OpenMetrics) into a TSDB under ``folder`` and serve it on a free 127.0.0.1 port."""
    prom, tool = binaries()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.om").write_text(text)
    db = folder / "tsdb"
    subprocess.run([tool, "tsdb", "create-blocks-from", "openmetrics", str(folder / "data.om"), str(db)],
                   check=True, capture_output=True, timeout=60)
    (folder / "prometheus.yml").write_text("global:\n  scrape_interval: 1h\n")
    for _ in range(attempts):  # another process may take the free port between choosing and binding it
        url, log = f"http://127.0.0.1:{_free_port()}", folder / "prometheus.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [prom, f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={db}",
                 "--storage.tsdb.retention.time=100y", f"--web.listen-address={url.removeprefix('http://')}"],
                stdout=out, stderr=subprocess.STDOUT,
            )
        server = PromServer(url, proc, log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if _ready(url):
                return server
            time.sleep(0.05)
        server.stop()
    msg = f"prometheus did not become ready; its log:\n{log.read_text()[-2000:]}"
    raise RuntimeError(msg)
