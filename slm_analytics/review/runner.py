"""The review runner: papermill executes the review notebook per service; nbconvert and an index publish it.

:func:`run_review` executes ``notebooks/reports/service-review.ipynb`` with papermill once per service,
converts each executed notebook to a self-contained HTML page (no code, charts as inline SVG: it opens
without network) and writes an ``index.html`` linking them::

    reports/2026-10/checkout.ipynb
    reports/2026-10/checkout.html
    ...
    reports/2026-10/index.html

Files are written under temporary names and renamed once complete, so a failing service never destroys
an earlier report; its partly executed notebook is kept as ``<service>.failed.ipynb`` for diagnosis.
:func:`read_run_parameters` reads a run's parameters from a YAML file (``parameters/monthly-review.yaml``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from .._compat import import_jsonschema
from ..errors import ParameterError, SLMError
from .inputs import latest_complete_month, read_input
from .parameters import MONTH
from .tables import service_header

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = [
    "DEFAULT_NOTEBOOK",
    "PORTFOLIO",
    "ReviewRun",
    "ServiceReport",
    "read_run_parameters",
    "run_review",
]


#: The review notebook, relative to the project root (the folder holding the package).
DEFAULT_NOTEBOOK = Path("notebooks") / "reports" / "service-review.ipynb"


@dataclass(frozen=True)
class ServiceReport:
    """The outcome of one service's review.

    Attributes
    ----------
    service : str
        The service.
    status : {"ok", "failed"}
        Whether the notebook ran and both files were written.
    notebook : Path or None
        The executed notebook (``<service>.ipynb``), or for a failure the partly executed notebook
        (``<service>.failed.ipynb``) when there is one.
    html : Path or None
        The HTML report (``None`` for a failure; an earlier report, if any, is left in place).
    error : str or None
        For a failure: the error, e.g. ``"InsufficientDataError: no SLI data for ..."``.
    seconds : float
        Wall time spent on the service.
    """

    service: str
    status: Literal["ok", "failed"]
    notebook: Path | None
    html: Path | None
    error: str | None
    seconds: float


@dataclass(frozen=True, repr=False)
class ReviewRun:
    """The outcome of :func:`run_review`.

    Attributes
    ----------
    month : str
        The reviewed month, ``YYYY-MM``.
    folder : Path
        Where the reports are (``<out_dir>/<month>``).
    index : Path
        The ``index.html`` linking the reports.
    reports : tuple of ServiceReport
        One per service, in the order run.
    portfolio : ServiceReport or None
        The portfolio review of all services (``service`` is :data:`PORTFOLIO`, ``"portfolio.review"``, also
        the stem of its files), when the run reviewed the whole catalog.
    """

    month: str
    folder: Path
    index: Path
    reports: tuple[ServiceReport, ...]
    portfolio: ServiceReport | None = None

    @property
    def ok(self) -> bool:
        """Whether every service's review succeeded, and the portfolio review when there was one."""
        return (all(r.status == "ok" for r in self.reports)
                and (self.portfolio is None or self.portfolio.status == "ok"))

    @property
    def failed(self) -> tuple[ServiceReport, ...]:
        """The failed services' reports."""
        return tuple(r for r in self.reports if r.status != "ok")

    def to_frame(self) -> pd.DataFrame:
        """One row per service: ``service``, ``status``, ``notebook``, ``html``, ``error``, ``seconds``."""
        return pd.DataFrame(
            [{"service": r.service, "status": r.status,
              "notebook": None if r.notebook is None else str(r.notebook),
              "html": None if r.html is None else str(r.html), "error": r.error, "seconds": r.seconds}
             for r in self.reports],
            columns=["service", "status", "notebook", "html", "error", "seconds"],
        )

    def __repr__(self) -> str:
        n_ok = sum(r.status == "ok" for r in self.reports)
        return (f"ReviewRun(month={self.month!r}, ok={n_ok}, failed={len(self.reports) - n_ok}, "
                f"index={str(self.index)!r})")


def _default_notebook() -> Path:
    from ..resources import notebook_path

    return notebook_path("reports/service-review.ipynb")


def _check_kernel(kernel_name: str) -> None:
    """Check that ``kernel_name`` runs this interpreter (a user-level ``python3`` spec could shadow it)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        msg = (f"no Jupyter kernel named {kernel_name!r}; install this environment's with "
               "`python -m ipykernel install --sys-prefix`")
        raise ParameterError(msg) from exc
    exe = spec.argv[0] if spec.argv else ""
    if exe in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        return  # jupyter_client runs these with sys.executable
    # same bin/ folder = same environment (resolving symlinks would equate a venv with its base Python)
    if Path(exe).absolute().parent != Path(sys.executable).absolute().parent:
        msg = (
            f"Jupyter kernel {kernel_name!r} runs {exe}, not this environment's {sys.executable}; pass "
            "kernel_name= (slm review uses the environment's own kernel by default) or remove the other "
            f"kernel spec in {spec.resource_dir}"
        )
        raise ParameterError(msg)


_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
{{ output.data['image/svg+xml'] }}
</div>
{%- endblock data_svg -%}
{%- block extra_css -%}
<style type="text/css">
  body { max-width: 1100px; margin: 0 auto; }
  .slm-service-header th, .slm-service-header td { padding: 2px 8px; }
  .jp-RenderedHTMLCommon caption { caption-side: top; text-align: left; color: #444; padding: 0 0 6px 0; }
  .slm-note { padding: 6px 10px; border-left: 3px solid #4c78a8; background: #f4f6fa; }
</style>
{%- endblock extra_css -%}
"""


_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^"\)]+)')


def _prefix_svg_ids(nb: Any) -> None:
    """Make the ids inside each SVG output unique in the page (vega numbers clip paths per chart).

    The report inlines SVG charts (text stays selectable and readable by screen readers); without this,
    a second chart's ``url(#clip1)`` would resolve to the first chart's clip path.
    """
    n = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            svg = output.get("data", {}).get("image/svg+xml")
            if svg:
                n += 1
                text = "".join(svg) if isinstance(svg, list) else svg
                output["data"]["image/svg+xml"] = _SVG_ID.sub(
                    lambda m, k=n: f"{m.group(1)}c{k}-{m.group(2)}", text
                )


def _html_exporter() -> Any:
    """Build the nbconvert HTML exporter of reports: no code, no prompts, no external scripts, SVG inline."""
    import_jsonschema()  # before nbconvert/nbformat: skips a slow import (see _compat)
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="slm_review.html.j2",
        extra_loaders=[jinja2.DictLoader({"slm_review.html.j2": _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def _kernel_config() -> Any:
    """Kernel settings: local IPC sockets on POSIX (no TCP port, and no ipykernel warning on stderr).

    Each kernel gets its own socket path prefix: jupyter_client numbers IPC sockets by probing for free
    file names, which races when several kernels start at once (parallel reviews).
    """
    import tempfile
    import uuid

    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    prefix = os.path.join(tempfile.gettempdir(), f"slm-kernel-{uuid.uuid4().hex[:12]}")
    return Config({"KernelManager": {"transport": "ipc", "ip": prefix}})


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` (unique to this process), then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _error_text(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        text = f"{exc.ename}: {exc.evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


#: the portfolio review's file names in the month's folder (a service name cannot hold the dot)
PORTFOLIO = "portfolio.review"


def _review_one(
    *, service: str, month: str, data_dir: str, folder: Path, notebook: Path, kernel_name: str,
    exporter: Any, timeout: float
) -> tuple[Path, Path]:
    """Run one service's review, and write ``<service>.summary.json`` when the notebook shows a summary."""
    import nbformat

    from .summary import summary_of, write_summary

    out_nb, out_html = _execute(name=service, parameters={"service": service, "month": month,
                                                          "data_dir": data_dir},
                                title=f"Service review: {service}, {month}", folder=folder, notebook=notebook,
                                kernel_name=kernel_name, exporter=exporter, timeout=timeout)
    doc = summary_of(nbformat.read(out_nb, as_version=4))
    if doc is not None:
        write_summary(doc, folder / f"{service}.summary.json")  # validated against the schema first
    return out_nb, out_html


def _execute(
    *, name: str, parameters: dict[str, Any], title: str, folder: Path, notebook: Path, kernel_name: str,
    exporter: Any, timeout: float
) -> tuple[Path, Path]:
    """Run ``notebook`` with papermill into ``<name>.ipynb`` and ``<name>.html`` of ``folder``, atomically.

    A failure keeps the partly executed notebook as ``<name>.failed.ipynb`` and leaves earlier files alone.
    """
    import nbformat
    import papermill

    partial = folder / f".{name}.{os.getpid()}.partial.ipynb"  # unique if two runs share the folder
    failed = folder / f"{name}.failed.ipynb"
    out_html, out_nb = folder / f"{name}.html", folder / f"{name}.ipynb"
    try:
        papermill.execute_notebook(
            str(notebook), str(partial), parameters=parameters,
            kernel_name=kernel_name, language="python", progress_bar=False, log_output=False,
            start_timeout=120, execution_timeout=timeout, config=_kernel_config(),
        )
        nb = nbformat.read(partial, as_version=4)
        nb.metadata["title"] = title
        _prefix_svg_ids(nb)
        body, _ = exporter.from_notebook_node(nb)
        _write_atomic(out_html, body)
    except BaseException:  # keep what ran for diagnosis; earlier reports stay untouched
        if partial.exists():
            partial.replace(failed)
        raise
    partial.replace(out_nb)
    failed.unlink(missing_ok=True)
    return out_nb, out_html


def _portfolio(*, month: str, data_dir: str, folder: Path, kernel_name: str, timeout: float) -> ServiceReport:
    """Run the portfolio review of every service for ``month``; a failure is reported, never raised."""
    from ..resources import notebook_path

    t0 = time.perf_counter()
    try:
        nb_out, html_out = _execute(
            name=PORTFOLIO, parameters={"month": month, "data_dir": data_dir},
            title=f"Portfolio review, {month}", folder=folder,
            notebook=notebook_path("reports/portfolio-review.ipynb"), kernel_name=kernel_name,
            exporter=_html_exporter(), timeout=timeout)
        return ServiceReport(PORTFOLIO, "ok", nb_out, html_out, None, time.perf_counter() - t0)
    except Exception as exc:  # the services' reports stand; the index and the exit status say it failed
        failed_nb = folder / f"{PORTFOLIO}.failed.ipynb"
        return ServiceReport(PORTFOLIO, "failed", failed_nb if failed_nb.exists() else None, None,
                             _error_text(exc), time.perf_counter() - t0)


def _summaries(
    sli: pd.DataFrame | None, catalog: Catalog, services: Iterable[str], month: str
) -> dict[str, str]:
    """``service -> "2 of 3 met (missed: latency)"`` for the index; empty where it cannot be computed."""
    from .month import monthly_attainment

    out: dict[str, str] = {}
    if sli is None:
        return out
    for s in services:
        try:
            table = monthly_attainment(sli, catalog, service=s, month=month)
        except SLMError:
            continue
        met = table["met"].fillna(False).astype(bool)
        text = f"{int(met.sum())} of {len(table)} met"
        missed = table.loc[~met & ~table["no_data"], "slo"].tolist()
        nodata = table.loc[table["no_data"], "slo"].tolist()
        if missed:
            text += f"; missed: {', '.join(missed)}"
        if nodata:
            text += f"; no data: {', '.join(nodata)}"
        header = service_header(catalog, service=s, month=month, sli=sli)
        if not header.complete:
            text += f"; incomplete month: no data for {header.missing()}"
        out[s] = text
    return out


def _index_rows(run: ReviewRun, catalog: Catalog | None, summaries: Mapping[str, str]
                ) -> list[dict[str, Any]]:
    """One row per service of the folder (catalog order first): plain values for the template."""
    services = {s.name: s for s in catalog.services} if catalog is not None else {}
    this_run = {r.service: r for r in run.reports}
    earlier = sorted(p.stem for p in run.folder.glob("*.html")
                     if p.name != "index.html" and p.stem != PORTFOLIO and p.stem not in this_run)
    known = [n for n in services if n in this_run or n in earlier]  # catalog order first
    rows = []
    for name in [*known, *(n for n in [*this_run, *earlier] if n not in services)]:
        r, s = this_run.get(name), services.get(name)
        summary = summaries.get(name, "")
        rows.append({
            "name": name, "owner": s.owner if s else "", "tier": s.tier if s else "", "summary": summary,
            "alarm": "missed" in summary or "incomplete" in summary, **_files(name, r, run.folder),
        })
    return rows


def _files(name: str, r: ServiceReport | None, folder: Path) -> dict[str, Any]:
    """Return the status and links of one report (``r`` None: a report an earlier run left in the folder)."""
    html_file = folder / f"{name}.html"
    links = []
    if html_file.exists():
        links += [{"href": html_file.name, "text": "report"}, {"href": f"{name}.ipynb", "text": "notebook"}]
    if r is not None and r.status == "failed" and r.notebook is not None:
        links.append({"href": r.notebook.name, "text": "failed notebook"})
    return {"status": "earlier" if r is None else r.status, "kept": html_file.exists(),
            "error": (r.error or "") if r is not None else "", "links": links}


def _portfolio_row(run: ReviewRun) -> dict[str, Any] | None:
    """Return the portfolio review's line of the index (this run's, or a report an earlier run left)."""
    if run.portfolio is None and not (run.folder / f"{PORTFOLIO}.html").exists():
        return None
    return _files(PORTFOLIO, run.portfolio, run.folder)


def _write_index(run: ReviewRun, catalog: Catalog | None, summaries: Mapping[str, str]) -> None:
    """Write ``index.html`` from the package's Jinja2 template (autoescape: user text is text, not markup)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("slm_analytics.review", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    text = env.get_template("index.html.j2").render(
        title=f"Service reviews: {pd.Period(run.month, freq='M'):%B %Y}", month=run.month,
        n_ok=len(run.reports) - len(run.failed), n_reports=len(run.reports),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        rows=_index_rows(run, catalog, summaries), portfolio=_portfolio_row(run))
    _write_atomic(run.index, text)


def _review_task(*, service: str, names: Sequence[str], month: str, data_dir: str, folder: Path,
                 notebook: Path, kernel_name: str, timeout: float) -> ServiceReport:
    """Review one service; a failure is reported in the result, never raised (the others go on)."""
    t0 = time.perf_counter()
    try:
        if service not in names:
            msg = f"unknown service {service!r}; the catalog has {', '.join(names)}"
            raise ParameterError(msg)
        nb_out, html_out = _review_one(service=service, month=month, data_dir=data_dir, folder=folder,
                                       notebook=notebook, kernel_name=kernel_name, exporter=_html_exporter(),
                                       timeout=timeout)
        return ServiceReport(service, "ok", nb_out, html_out, None, time.perf_counter() - t0)
    except Exception as exc:  # keep the other services going; the error is reported per service
        failed_nb = folder / f"{service}.failed.ipynb"
        return ServiceReport(service, "failed", failed_nb if failed_nb.exists() else None, None,
                             _error_text(exc), time.perf_counter() - t0)


#: environment of a worker process and of the kernels it starts: one thread per numeric library
_ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                      "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}


def _pin_threads() -> None:
    os.environ.update(_ONE_THREAD)


def _run_tasks(tasks: Mapping[str, tuple[Callable[..., ServiceReport], dict[str, Any]]], *, jobs: int,
               progress: Callable[[ServiceReport], None] | None) -> dict[str, ServiceReport]:
    """Run the review tasks, ``jobs`` at once in worker processes (one after another for 1).

    ``progress`` sees each report as it completes. On an interrupt the tasks not started are cancelled and
    the interrupt goes on; every file written so far is whole (each is written atomically).
    """
    done: dict[str, ServiceReport] = {}
    if jobs == 1 or len(tasks) == 1:
        for key, (task, kwargs) in tasks.items():
            done[key] = task(**kwargs)
            if progress is not None:
                progress(done[key])
        return done
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_pin_threads,
                               mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {pool.submit(task, **kwargs): key for key, (task, kwargs) in tasks.items()}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            if progress is not None:
                progress(done[futures[future]])
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return done


def run_review(
    *,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    month: str | None = None,
    services: Sequence[str] | None = None,
    notebook: str | os.PathLike[str] | None = None,
    kernel_name: str | None = None,
    timeout: float = 600,
    progress: Callable[[ServiceReport], None] | None = None,
    jobs: int = 1,
    portfolio: bool | None = None,
) -> ReviewRun:
    """Run the monthly service review: one executed notebook and one HTML report per service, and an index.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder laid out like ``datasets/``; ``None`` or ``""`` for the bundled sample data.
    out_dir : str or Path
        Reports go to ``<out_dir>/<month>/``.
    month : str, optional
        ``"YYYY-MM"``; ``None`` or ``"latest"`` for :func:`latest_complete_month` of the SLI data (UTC).
    services : sequence of str, optional
        Services to review; ``None`` for every service of the catalog. An unknown name is reported as a
        failed service.
    notebook : str or Path, optional
        The review notebook; default ``notebooks/reports/service-review.ipynb`` of the project.
    kernel_name : str, optional
        Jupyter kernel; default ``python3`` of this environment (checked to run this interpreter).
    timeout : float
        Seconds a notebook cell may run before the service is failed.
    progress : callable, optional
        Called with each :class:`ServiceReport` as soon as the service is done (the CLI prints it).
    jobs : int
        Notebooks run at once, each in its own worker process (threads were tried: a kernel occasionally
        received an interrupt), with the numeric libraries of its kernel pinned to one thread.
    portfolio : bool, optional
        Also run the portfolio review of all services (``notebooks/reports/portfolio-review.ipynb``) into
        ``portfolio.review.html``; default when ``services`` is None (the whole catalog).

    Returns
    -------
    ReviewRun
        Per service: status, paths, error; ``.ok`` and ``.to_frame()``.

    Raises
    ------
    ParameterError
        Bad ``month``, empty ``services``, missing notebook or ``data_dir``, unsuitable kernel, an
        ``out_dir`` that is a file or where the report folder cannot be created.
    InsufficientDataError
        If ``month`` is not given and the data holds no complete month.
    DataError, DefinitionError
        If the catalog or the SLI data cannot be read.

    Notes
    -----
    Services run one after the other, each in a fresh kernel (a few seconds each). A service's failure
    (notebook error, timeout, conversion error) is recorded and the others still run; its files are
    written under temporary names and renamed only when complete, so an earlier report stays in place.

    Examples
    --------
    >>> run = run_review(out_dir="reports", services=["checkout"])  # doctest: +SKIP
    >>> run.to_frame()[["service", "status"]]  # doctest: +SKIP
        service status
    0  checkout     ok
    """
    nb_path = Path(notebook) if notebook is not None else _default_notebook()
    if not nb_path.is_file():
        msg = (f"review notebook {str(nb_path)!r} not found; pass notebook= "
               f"(the project's is {DEFAULT_NOTEBOOK} in the repository)")
        raise ParameterError(msg)
    data = ""
    if data_dir is not None and str(data_dir) != "":
        if not Path(data_dir).is_dir():
            msg = f"data_dir {str(data_dir)!r} is not a folder; expected a folder laid out like datasets/"
            raise ParameterError(msg)
        data = str(Path(data_dir).resolve())
    kernel = kernel_name or "python3"
    if kernel_name is None:
        _check_kernel(kernel)
    started = dt.datetime.now(dt.UTC)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        msg = f"jobs {jobs!r} is not a number of notebooks to run at once; expected a whole number >= 1"
        raise ParameterError(msg)
    latest = month is None or month == "latest"
    if not latest and (not isinstance(month, str) or not MONTH.match(month)):
        msg = f"month {month!r} is not a calendar month; expected 'YYYY-MM' such as '2026-10' or 'latest'"
        raise ParameterError(msg)
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        msg = (f"out_dir {str(out_dir)!r} is a file, not a folder; give the folder the reports go to (it is "
               "created when missing)")
        raise ParameterError(msg)
    catalog = read_input("catalog", data)
    sli = None
    if latest:
        sli = read_input("sli_5min", data)
        month = latest_complete_month(sli)
    names = [s.name for s in catalog.services]
    if services is None:
        todo = names
    else:
        if isinstance(services, str):
            services = [services]
        todo = list(dict.fromkeys(services))
        if not todo:
            msg = "services is empty; give at least one service name, or None for every catalog service"
            raise ParameterError(msg)
    folder = Path(out_dir) / month
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission, a read-only disk
        msg = (f"out_dir {str(out_dir)!r}: cannot create the report folder {str(folder)!r}: "
               f"{exc.strerror or exc}")
        raise ParameterError(msg) from exc

    tasks = {service: (_review_task, {"service": service, "names": names, "month": month, "data_dir": data,
                                      "folder": folder, "notebook": nb_path, "kernel_name": kernel,
                                      "timeout": timeout})
             for service in todo}
    if services is None if portfolio is None else portfolio:  # by default with the whole catalog
        tasks[PORTFOLIO] = (_portfolio, {"month": month, "data_dir": data, "folder": folder,
                                         "kernel_name": kernel, "timeout": timeout})
    done = _run_tasks(tasks, jobs=jobs, progress=progress)
    reports = [done[service] for service in todo]
    portfolio = done.get(PORTFOLIO)
    run = ReviewRun(month=month, folder=folder, index=folder / "index.html", reports=tuple(reports),
                    portfolio=portfolio)
    if sli is None:
        try:
            sli = read_input("sli_5min", data)
        except SLMError:
            sli = None
    reviewed = [r.service for r in reports if r.service in names]
    # the folder's earlier reports keep their line in the index (a rerun of one service, or a failing one,
    # must not drop the others' summaries)
    earlier = [p.stem for p in sorted(folder.glob("*.html"))
               if p.stem in names and p.stem not in reviewed]
    _write_index(run, catalog, _summaries(sli, catalog, [*reviewed, *earlier], month))
    _write_run_json(run, started=started, jobs=jobs, data_dir=data)
    return run


def _write_run_json(run: ReviewRun, *, started: dt.datetime, jobs: int, data_dir: str) -> None:
    """Write ``run.json``: when and how the run went (the summaries hold no run metadata, so they compare)."""
    import json

    import slm_analytics

    entries = [*run.reports, *([run.portfolio] if run.portfolio is not None else [])]
    finished = dt.datetime.now(dt.UTC)
    doc = {
        "month": run.month, "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "seconds": round((finished - started).total_seconds(), 1), "jobs": jobs,
        "data_dir": data_dir or "", "slm_analytics": slm_analytics.__version__, "ok": run.ok,
        "reports": [{"name": r.service, "status": r.status, "seconds": round(r.seconds, 1), "error": r.error,
                     "html": None if r.html is None else r.html.name,
                     "notebook": None if r.notebook is None else r.notebook.name} for r in entries],
    }
    _write_atomic(run.folder / "run.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


_RUN_KEYS = ("data_dir", "out_dir", "month", "services")


def read_run_parameters(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a review parameter file (``parameters/monthly-review.yaml``) into :func:`run_review` arguments.

    Parameters
    ----------
    path : str or Path
        YAML mapping with any of ``data_dir`` (``""`` for the bundled data), ``out_dir``, ``month``
        (``YYYY-MM`` or ``latest``) and ``services`` (``all`` or a list of names). Relative folders are
        relative to the working directory, as on the command line.

    Returns
    -------
    dict
        The keys present, normalised: ``month`` ``None`` for ``latest``, ``services`` ``None`` for ``all``,
        ``data_dir`` ``None`` for ``""``.

    Raises
    ------
    ParameterError
        If the file cannot be read or parsed, is not a mapping, or has an unknown key or a bad value; the
        message names the file and the key.

    Examples
    --------
    >>> from pathlib import Path
    >>> root = Path(__file__).resolve().parents[2]
    >>> read_run_parameters(root / "parameters" / "monthly-review.yaml")
    {'data_dir': None, 'out_dir': 'reports', 'month': None, 'services': None}
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read parameter file: {exc.strerror or exc}"
        raise ParameterError(msg) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{path}:{where}: not valid YAML: {problem}"
        raise ParameterError(msg) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping of {', '.join(_RUN_KEYS)}, found {type(data).__name__}"
        raise ParameterError(msg)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _RUN_KEYS:
            msg = f"{path}: unknown key {key!r}; allowed: {', '.join(_RUN_KEYS)}"
            raise ParameterError(msg)
        where = f"{path}: key {key!r}"
        if key in ("data_dir", "out_dir"):
            if value is None or not isinstance(value, str) or (key == "out_dir" and not value):
                allowed = "a folder path" + (", or \"\" for the bundled data" if key == "data_dir" else "")
                msg = f"{where}: {value!r} is not {allowed}"
                raise ParameterError(msg)
            out[key] = value or None
        elif key == "month":
            if not isinstance(value, str) or not (value == "latest" or MONTH.match(value)):
                msg = f"{where}: {value!r} is not a month; expected 'YYYY-MM' (quoted) or 'latest'"
                raise ParameterError(msg)
            out[key] = None if value == "latest" else value
        else:
            if value == "all":
                out[key] = None
            elif (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
                out[key] = value
            else:
                msg = f"{where}: {value!r} is not 'all' or a non-empty list of service names"
                raise ParameterError(msg)
    return out
