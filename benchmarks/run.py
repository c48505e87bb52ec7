"""Run every benchmark (``benchmarks/bench_*.py``) and print one table of figures.

Each module has ``run() -> list[dict]`` returning rows with ``benchmark``, ``figure``, ``value``, ``unit``
and ``target`` (text, may be empty). Figures that need a clean interpreter (import time, peak memory) are
measured in subprocesses. ``python benchmarks/run.py [name ...]`` runs only the named modules.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    modules = sorted(HERE.glob("bench_*.py"))
    if argv:
        modules = [m for m in modules if any(a in m.stem for a in argv)]
    rows = []
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        t0 = time.perf_counter()
        rows.extend(mod.run())
        print(f"# {path.stem}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    width = max(len(r["benchmark"]) + len(r["figure"]) for r in rows) + 3
    print(f"{'benchmark / figure':<{width}} {'value':>12}  unit   target")
    for r in rows:
        name = f"{r['benchmark']} / {r['figure']}"
        print(f"{name:<{width}} {r['value']:>12.3f}  {r['unit']:<6} {r.get('target', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
