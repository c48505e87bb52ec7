"""The review runner: papermill executes the review notebooks; nbconvert, summaries and indexes publish them.

:func:`run_review` executes ``notebooks/reports/service-review.ipynb`` with papermill once per service for
its period (a month or a quarter, relative periods resolved in the service's own time zone), and the
portfolio review once, converts each executed notebook to a self-contained HTML page (no code, charts as
inline SVG: it opens without network), keeps the summary each shows as JSON and writes an index per period
and one over every period::

    reports/index.html                      every period reviewed
    reports/2026-10/index.html              the period's reports, with each service's status
    reports/2026-10/checkout.ipynb
    reports/2026-10/checkout.html
    reports/2026-10/checkout.summary.json   the numbers the report shows (review.summary)
    reports/2026-10/portfolio.review.html
    reports/2026-10/portfolio.summary.json
    reports/2026-10/run.json                when and how the run went

Files are written under temporary names and renamed once complete, so a failing notebook never destroys
an earlier report; its partly executed notebook is kept as ``<service>.failed.ipynb`` for diagnosis.
:func:`run_batch` runs a parameter file (``parameters/monthly-review.yaml``), and several periods in a row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from .._compat import import_jsonschema
from ..errors import InsufficientDataError, ParameterError, SLMError
from .executive import template_environment
from .inputs import read_input
from .parameters import MONTH
from .tables import service_header

if TYPE_CHECKING:
    from ..catalog import Catalog
    from .batch import BatchParameters
    from .period import ReviewPeriod

__all__ = [
    "DEFAULT_NOTEBOOK",
    "PORTFOLIO",
    "PORTFOLIO_NOTEBOOK",
    "SERVICE_NOTEBOOK",
    "ReviewRun",
    "ServiceReport",
    "report_stem",
    "run_batch",
    "check_history",
    "period_steps",
    "run_review",
    "summary_name",
    "write_periods_index",
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
    period : str
        The period reviewed, ``YYYY-MM`` or ``YYYY-Qn`` (``""`` when it could not be resolved).
    """

    service: str
    status: Literal["ok", "failed"]
    notebook: Path | None
    html: Path | None
    error: str | None
    seconds: float
    period: str = ""


@dataclass(frozen=True, repr=False)
class ReviewRun:
    """The outcome of :func:`run_review`.

    Attributes
    ----------
    period : str
        The period reviewed, ``YYYY-MM`` or ``YYYY-Qn``; when a relative period resolved differently per
        service (a month not yet complete in one time zone), the latest of them (the portfolio's).
    folder : Path
        Where that period's reports are (``<out_dir>/<period>``).
    index : Path
        The ``index.html`` of that folder.
    reports : tuple of ServiceReport
        One per service and notebook, in the order of the services; each names its own ``period``.
    portfolio : ServiceReport or None
        The portfolio review of all services (``service`` is :data:`PORTFOLIO`, ``"portfolio.review"``, also
        the stem of its files), when the run reviewed the whole catalog.
    indexes : tuple of Path
        The ``index.html`` of every period folder the run wrote to, oldest first.
    """

    period: str
    folder: Path
    index: Path
    reports: tuple[ServiceReport, ...]
    portfolio: ServiceReport | None = None
    indexes: tuple[Path, ...] = ()

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
        return (f"ReviewRun(period={self.period!r}, ok={n_ok}, failed={len(self.reports) - n_ok}, "
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


#: the portfolio review's file names in the period's folder (a service name cannot hold the dot)
PORTFOLIO = "portfolio.review"
#: the notebooks of ``notebooks/reports/`` a review runs by default: per service, and once for the fleet
SERVICE_NOTEBOOK, PORTFOLIO_NOTEBOOK = "service-review", "portfolio-review"


def report_stem(notebook: str, service: str | None) -> str:
    """Return the file name stem of a report: ``checkout`` for the service review, ``portfolio.review``...

    A notebook run per service writes ``<service>`` (the service review) or ``<service>.<notebook>``
    (another one, dashes as dots); a notebook run once for the fleet writes its name with dots, so no stem
    can be a service's name (service names have no dot).

    Examples
    --------
    >>> report_stem("service-review", "checkout"), report_stem("portfolio-review", None)
    ('checkout', 'portfolio.review')
    """
    dotted = notebook.replace("-", ".")
    if service is None:
        return dotted
    return service if notebook == SERVICE_NOTEBOOK else f"{service}.{dotted}"


def summary_name(stem: str) -> str:
    """``checkout`` -> ``checkout.summary.json``; the portfolio review's is ``portfolio.summary.json``."""
    return f"{stem.removesuffix('.review')}.summary.json"


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


def _notebook_task(*, stem: str, period: str, notebook: Path, parameters: dict[str, Any], title: str,
                   folder: Path, kernel_name: str, timeout: float) -> ServiceReport:
    """Run one notebook into ``<stem>.ipynb``/``.html`` (and ``.summary.json`` when it shows a summary).

    A failure is reported in the result, never raised, so that the other notebooks go on.
    """
    import nbformat

    from .summary import summary_of, write_summary

    t0 = time.perf_counter()
    try:
        nb_out, html_out = _execute(name=stem, parameters=parameters, title=title, folder=folder,
                                    notebook=notebook, kernel_name=kernel_name, exporter=_html_exporter(),
                                    timeout=timeout)
        doc = summary_of(nbformat.read(nb_out, as_version=4))
        if doc is not None:
            write_summary(doc, folder / summary_name(stem))  # validated against its schema first
        return ServiceReport(stem, "ok", nb_out, html_out, None, time.perf_counter() - t0, period)
    except Exception as exc:  # keep the other notebooks going; the error is reported per notebook
        failed_nb = folder / f"{stem}.failed.ipynb"
        return ServiceReport(stem, "failed", failed_nb if failed_nb.exists() else None, None,
                             _error_text(exc), time.perf_counter() - t0, period)


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
    text = template_environment().get_template("index.html.j2").render(
        title=f"Service reviews: {_period_name(run.period)}", period=run.period,
        n_ok=len(run.reports) - len(run.failed), n_reports=len(run.reports),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        rows=_index_rows(run, catalog, summaries), portfolio=_portfolio_row(run))
    _write_atomic(run.index, text)


def _period_name(label: str) -> str:
    """``2026-10`` -> ``October 2026``; ``2026-Q3`` -> ``Q3 2026``."""
    if "-Q" in label:
        year, quarter = label.split("-Q")
        return f"Q{quarter} {year}"
    return f"{pd.Period(label, freq='M'):%B %Y}"


#: environment of a worker process and of the kernels it starts: one thread per numeric library
_ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                      "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}


def _pin_threads() -> None:
    os.environ.update(_ONE_THREAD)


def _run_tasks(tasks: Mapping[str, tuple[Callable[..., ServiceReport], dict[str, Any]]], *, jobs: int,
               progress: Callable[[ServiceReport], None] | None,
               done: dict[str, ServiceReport] | None = None) -> dict[str, ServiceReport]:
    """Run the review tasks, ``jobs`` at once in worker processes (one after another for 1), into ``done``.

    ``progress`` sees each report as it completes. On an interrupt the tasks not started are cancelled and
    the interrupt goes on, ``done`` holding the reports finished so far; every file written so far is whole
    (each is written atomically).
    """
    done = {} if done is None else done
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


def _data_folder(data_dir: str | os.PathLike[str] | None) -> str:
    if data_dir is None or str(data_dir) == "":
        return ""
    if not Path(data_dir).is_dir():
        msg = f"data_dir {str(data_dir)!r} is not a folder; expected a folder laid out like datasets/"
        raise ParameterError(msg)
    return str(Path(data_dir).resolve())


def _period_option(period: str | Mapping[str, str] | None, month: str | None) -> str | Mapping[str, str]:
    """Return the period asked for: ``period``, or the older ``month`` (``latest``: last-complete-month)."""
    if period is not None and month is not None:
        msg = "give period or month, not both (month is the older name of period)"
        raise ParameterError(msg)
    if month is not None:
        if not isinstance(month, str) or not (month == "latest" or MONTH.match(month)):
            msg = f"month {month!r} is not a calendar month; expected 'YYYY-MM' such as '2026-10' or 'latest'"
            raise ParameterError(msg)
        return "last-complete-month" if month == "latest" else month
    if period is None:
        return "last-complete-month"
    from .period import parse_period

    for text in ([period] if isinstance(period, str) else period.values()):
        parse_period(text)  # ParameterError naming the accepted forms
    return period


def _notebook_paths(notebooks: Sequence[str] | None, notebook: str | os.PathLike[str] | None,
                    portfolio: bool | None, whole_catalog: bool) -> dict[str, Path]:
    """``name -> path`` of the notebooks to run (the service review, the portfolio review by default)."""
    from .batch import known_notebooks

    known = known_notebooks()
    if notebooks is None:
        notebooks = [SERVICE_NOTEBOOK]
        if (whole_catalog if portfolio is None else portfolio) and PORTFOLIO_NOTEBOOK in known:
            notebooks.append(PORTFOLIO_NOTEBOOK)
    elif portfolio is False:
        notebooks = [n for n in notebooks if n != PORTFOLIO_NOTEBOOK]
    unknown = [n for n in notebooks if n not in known]
    if unknown:
        msg = (f"unknown notebook {', '.join(map(repr, unknown))}; known: {', '.join(known)} (the notebooks "
               "of notebooks/reports/, without .ipynb)")
        raise ParameterError(msg)
    paths = {n: known[n] for n in dict.fromkeys(notebooks)}
    if notebook is not None:  # another service review notebook in place of the project's
        if not Path(notebook).is_file():
            msg = (f"review notebook {str(notebook)!r} not found; pass notebook= "
                   f"(the project's is {DEFAULT_NOTEBOOK} in the repository)")
            raise ParameterError(msg)
        paths[SERVICE_NOTEBOOK] = Path(notebook)
    return paths


def _check_overrides(overrides: Mapping[str, Mapping[str, Any]], declared: Mapping[str, set[str]],
                     services: Sequence[str]) -> None:
    """Refuse an override of a service not reviewed, or of a parameter no per-service notebook declares."""
    from .batch import RUNNER_PARAMETERS

    every = set().union(*(d for d in declared.values() if "service" in d)) - RUNNER_PARAMETERS
    for service, values in overrides.items():
        if service not in services:
            msg = (f"overrides: service {service!r} is not reviewed by this run (services: "
                   f"{', '.join(services)})")
            raise ParameterError(msg)
        for name in values:
            if name not in every:
                msg = (f"overrides.{service}.{name}: unknown notebook parameter {name!r}; the notebooks take "
                       f"{', '.join(sorted(every)) or 'none besides those the runner sets'}")
                raise ParameterError(msg)


def _notebook_parameters(name: str, declared: set[str], *, service: str | None, period: ReviewPeriod,
                         data_dir: str, out_dir: Path, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return the parameters the runner passes to one notebook: only those its parameters cell declares."""
    from .summary import find_previous

    params: dict[str, Any] = {}
    if service is not None:
        params["service"] = service
    if "period" in declared:
        params["period"] = period.label
    elif "month" in declared:
        if service is not None and period.kind != "month":
            msg = f"notebook {name!r} reviews a month (parameter 'month'); it cannot review {period.label}"
            raise ParameterError(msg)
        params["month"] = period.months[-1]  # a fleet notebook of a quarter: the months up to its end
    if "data_dir" in declared:
        params["data_dir"] = data_dir
    if service is not None and "previous_summary" in declared and name == SERVICE_NOTEBOOK:
        found = find_previous(out_dir, service, period.label)
        params["previous_summary"] = "" if found is None else str(found.resolve())
    params.update({k: v for k, v in overrides.items() if k in declared})
    return params


def _resolve(text: str, sli: pd.DataFrame | None, catalog: Catalog, service: str) -> ReviewPeriod | str:
    """Return the service's period, or the error text when it cannot be resolved."""
    from .period import resolve_period

    try:
        return resolve_period(text, sli, catalog, service=service)
    except SLMError as exc:
        return _error_text(exc)


def _failed(stem: str, error: str) -> ServiceReport:
    return ServiceReport(stem, "failed", None, None, error, 0.0, "")


def run_review(
    *,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    period: str | Mapping[str, str] | None = None,
    month: str | None = None,
    services: Sequence[str] | None = None,
    notebooks: Sequence[str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    notebook: str | os.PathLike[str] | None = None,
    kernel_name: str | None = None,
    timeout: float = 600,
    progress: Callable[[ServiceReport], None] | None = None,
    jobs: int = 1,
    portfolio: bool | None = None,
    progress_bar: bool = False,
) -> ReviewRun:
    """Run the periodic service review: per service an executed notebook, an HTML report and a summary.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder laid out like ``datasets/``; ``None`` or ``""`` for the bundled sample data.
    out_dir : str or Path
        Reports go to ``<out_dir>/<period>/``; the previous period's summaries are looked for there too.
    period : str or mapping, optional
        ``"YYYY-MM"``, ``"YYYY-Qn"``, ``"last-complete-month"`` (default) or ``"last-complete-quarter"``,
        relative periods resolved per service in its own time zone
        (:func:`~slm_analytics.review.period.resolve_period`); or ``service -> period`` for each service.
    month : str, optional
        The older form of ``period``: ``"YYYY-MM"`` or ``"latest"`` (= ``"last-complete-month"``).
    services : sequence of str, optional
        Services to review; ``None`` for every service of the catalog. An unknown name is reported as a
        failed service.
    notebooks : sequence of str, optional
        Notebooks of ``notebooks/reports/`` by name: one declaring a ``service`` parameter runs per service,
        another once for the fleet. Default: the service review, and the portfolio review with the whole
        catalog.
    overrides : mapping, optional
        ``service -> {parameter -> value}`` passed to that service's notebooks that declare the parameter.
    notebook : str or Path, optional
        A service review notebook to run in place of ``notebooks/reports/service-review.ipynb``.
    kernel_name : str, optional
        Jupyter kernel; default ``python3`` of this environment (checked to run this interpreter).
    timeout : float
        Seconds a notebook cell may run before the notebook is failed.
    progress : callable, optional
        Called with each :class:`ServiceReport` as soon as it is done (the CLI prints it).
    jobs : int
        Notebooks run at once, each in its own worker process (threads were tried: a kernel occasionally
        received an interrupt), with the numeric libraries of its kernel pinned to one thread.
    portfolio : bool, optional
        Run the portfolio review (``portfolio-review``) with the default notebooks: default when
        ``services`` is None (the whole catalog); False also drops it from ``notebooks``.
    progress_bar : bool
        Show a tqdm progress bar over the batch on stderr (only on a terminal).

    Returns
    -------
    ReviewRun
        Per notebook: status, paths, error, period; ``.ok`` and ``.to_frame()``.

    Raises
    ------
    ParameterError
        Bad ``period``, ``month`` or ``jobs``, empty ``services``, an unknown notebook, an override the
        notebooks do not declare, a missing ``data_dir``, an unsuitable kernel, an ``out_dir`` that is a file
        or where a report folder cannot be created.
    InsufficientDataError
        If a relative period resolves for no service (the data holds no complete period).
    DataError, DefinitionError
        If the catalog or the SLI data cannot be read.

    Notes
    -----
    Each notebook runs in a fresh kernel. One's failure (notebook error, timeout, conversion error) is
    recorded and the others still run; files are written under temporary names and renamed only when
    complete, so an earlier report stays in place. The service review of a period finds the previous
    period's ``<service>.summary.json`` under ``out_dir`` and shows what changed since then.

    Examples
    --------
    >>> run = run_review(out_dir="reports", services=["checkout"])  # doctest: +SKIP
    >>> run.to_frame()[["service", "status"]]  # doctest: +SKIP
        service status
    0  checkout     ok
    """
    data = _data_folder(data_dir)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        msg = f"jobs {jobs!r} is not a number of notebooks to run at once; expected a whole number >= 1"
        raise ParameterError(msg)
    text = _period_option(period, month)
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        msg = (f"out_dir {str(out_dir)!r} is a file, not a folder; give the folder the reports go to (it is "
               "created when missing)")
        raise ParameterError(msg)
    kernel = kernel_name or "python3"
    if kernel_name is None:
        _check_kernel(kernel)
    started = dt.datetime.now(dt.UTC)
    catalog = read_input("catalog", data)
    names = [s.name for s in catalog.services]
    todo = _services(services, names)
    paths = _notebook_paths(notebooks, notebook, portfolio, services is None)
    from .batch import declared_parameters

    declared = {name: declared_parameters([path])[path.stem] for name, path in paths.items()}
    overrides = dict(overrides or {})
    _check_overrides(overrides, declared, todo)
    from .period import ReviewPeriod, parse_period

    explicit = isinstance(text, str) and isinstance(parse_period(text), ReviewPeriod)
    sli = None if explicit else read_input("sli_5min", data)  # a relative period is resolved on the data
    resolved = {s: _resolve(text if isinstance(text, str) else text.get(s, "last-complete-month"),
                            sli, catalog, s) for s in todo if s in names}
    main = _main_period(text, resolved)
    tasks, early = _tasks(todo, names, resolved, main, paths, declared, overrides, data=data,
                          out_dir=Path(out_dir), kernel=kernel, timeout=timeout)
    for report in early:  # unknown services, periods that cannot be resolved: said before any kernel starts
        if progress is not None:
            progress(report)
    done: dict[str, ServiceReport] = {}
    try:
        with _shared_folder():  # results the notebooks share (review.shared), gone with the run
            _run_tasks(tasks, jobs=jobs, progress=_ticker(len(tasks), progress, progress_bar), done=done)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM through the CLI: say in the index what got done, then stop
        for key, (_, kwargs) in tasks.items():
            if key not in done:
                failed_nb = kwargs["folder"] / f"{kwargs['stem']}.failed.ipynb"
                done[key] = ServiceReport(kwargs["stem"], "failed", failed_nb if failed_nb.exists() else None,
                                          None, "interrupted before it finished", 0.0, kwargs["period"])
        _finish(done, tasks, early, todo, main, Path(out_dir), catalog=catalog, sli=sli, started=started,
                jobs=jobs, data=data)
        raise
    return _finish(done, tasks, early, todo, main, Path(out_dir), catalog=catalog, sli=sli, started=started,
                   jobs=jobs, data=data)


@contextlib.contextmanager
def _shared_folder() -> Iterator[None]:
    """Give the run's kernels a private folder for shared results (``SLM_REVIEW_CACHE``), then drop it."""
    import tempfile

    from .shared import CACHE_ENV

    before = os.environ.get(CACHE_ENV)
    with tempfile.TemporaryDirectory(prefix="slm-review-") as folder:
        os.environ[CACHE_ENV] = folder
        try:
            yield
        finally:
            if before is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = before


def _finish(done: Mapping[str, ServiceReport], tasks: Mapping[str, Any], early: list[ServiceReport],
            todo: list[str], main: ReviewPeriod, out_dir: Path, **publish: Any) -> ReviewRun:
    """Order the reports as the services were given and publish them (indexes, run.json)."""
    reports = [*early, *(done[k] for k in tasks if not k.endswith(f"/{PORTFOLIO}"))]
    order = {n: i for i, n in enumerate(todo)}
    reports.sort(key=lambda r: order.get(r.service.split(".")[0], len(order)))
    folio = next((done[k] for k in tasks if k.endswith(f"/{PORTFOLIO}")), None)
    return _publish(reports, folio, main, out_dir, **publish)


def _services(services: Sequence[str] | None, names: list[str]) -> list[str]:
    if services is None:
        return names
    if isinstance(services, str):
        services = [services]
    todo = list(dict.fromkeys(services))
    if not todo:
        msg = "services is empty; give at least one service name, or None for every catalog service"
        raise ParameterError(msg)
    return todo


def _main_period(text: str | Mapping[str, str], resolved: Mapping[str, ReviewPeriod | str]) -> ReviewPeriod:
    """Return the run's period: as given, or the latest any service resolved to (the portfolio's)."""
    from .period import ReviewPeriod, parse_period

    if isinstance(text, str):
        parsed = parse_period(text)
        if isinstance(parsed, ReviewPeriod):
            return parsed
    periods = [p for p in resolved.values() if isinstance(p, ReviewPeriod)]
    if not periods:
        errors = [e for e in resolved.values() if isinstance(e, str)]
        msg = f"no service has a complete period to review: {errors[0] if errors else 'no known service'}"
        raise InsufficientDataError(msg)
    return max(periods, key=lambda p: (p.to_period().end_time, p.label))


def _tasks(todo: list[str], names: list[str], resolved: Mapping[str, ReviewPeriod | str], main: ReviewPeriod,
           paths: Mapping[str, Path], declared: Mapping[str, set[str]],
           overrides: Mapping[str, Mapping[str, Any]], *, data: str, out_dir: Path, kernel: str,
           timeout: float) -> tuple[dict[str, tuple[Callable[..., ServiceReport], dict[str, Any]]],
                                    list[ServiceReport]]:
    """Return the notebooks to run (``"<period>/<stem>" -> (task, kwargs)``) and the failures found first."""
    tasks: dict[str, tuple[Callable[..., ServiceReport], dict[str, Any]]] = {}
    early: list[ServiceReport] = []
    per_service = [n for n in paths if "service" in declared[n]]
    _fleet_tasks(tasks, [n for n in paths if n not in per_service], main, paths, declared, data=data,
                 out_dir=out_dir, kernel=kernel, timeout=timeout)  # first: the longest notebook starts first
    for service in todo:
        for name in per_service:
            stem = report_stem(name, service)
            if service not in names:
                early.append(_failed(stem, f"ParameterError: unknown service {service!r}; the catalog has "
                                           f"{', '.join(names)}"))
                continue
            p = resolved[service]
            if isinstance(p, str):
                early.append(_failed(stem, p))
                continue
            try:
                params = _notebook_parameters(name, declared[name], service=service, period=p, data_dir=data,
                                              out_dir=out_dir, overrides=overrides.get(service, {}))
            except ParameterError as exc:
                early.append(_failed(stem, _error_text(exc)))
                continue
            title = f"Service review: {service}, {p.label}" if name == SERVICE_NOTEBOOK else \
                f"{name.replace('-', ' ').capitalize()}: {service}, {p.label}"
            tasks[f"{p.label}/{stem}"] = (_notebook_task, {
                "stem": stem, "period": p.label, "notebook": paths[name], "parameters": params,
                "title": title, "folder": _folder(out_dir, p.label), "kernel_name": kernel,
                "timeout": timeout})
    return tasks, early


def _fleet_tasks(tasks: dict[str, tuple[Callable[..., ServiceReport], dict[str, Any]]], names: list[str],
                 main: ReviewPeriod, paths: Mapping[str, Path], declared: Mapping[str, set[str]], *,
                 data: str, out_dir: Path, kernel: str, timeout: float) -> None:
    """Add the notebooks run once for the fleet (the portfolio review), for the run's period."""
    for name in names:
        params = _notebook_parameters(name, declared[name], service=None, period=main, data_dir=data,
                                      out_dir=out_dir, overrides={})
        title = (f"Portfolio review, {main.label}" if name == PORTFOLIO_NOTEBOOK
                 else f"{name.replace('-', ' ').capitalize()}, {main.label}")
        tasks[f"{main.label}/{report_stem(name, None)}"] = (_notebook_task, {
            "stem": report_stem(name, None), "period": main.label, "notebook": paths[name],
            "parameters": params, "title": title, "folder": _folder(out_dir, main.label),
            "kernel_name": kernel, "timeout": timeout})


def _folder(out_dir: Path, label: str) -> Path:
    folder = out_dir / label
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission, a read-only disk
        msg = (f"out_dir {str(out_dir)!r}: cannot create the report folder {str(folder)!r}: "
               f"{exc.strerror or exc}")
        raise ParameterError(msg) from exc
    return folder


def _ticker(total: int, progress: Callable[[ServiceReport], None] | None,
            bar: bool) -> Callable[[ServiceReport], None] | None:
    """Wrap ``progress`` with a tqdm bar over ``total`` notebooks (stderr, shown only on a terminal)."""
    if not bar:
        return progress
    from tqdm.auto import tqdm

    meter = tqdm(total=total, unit="notebook", desc="slm review", file=sys.stderr, disable=None, leave=False)

    def tick(report: ServiceReport) -> None:
        meter.update(1)
        if meter.n >= total:
            meter.close()
        if progress is not None:
            progress(report)

    return tick


def _publish(reports: list[ServiceReport], folio: ServiceReport | None, main: ReviewPeriod, out_dir: Path, *,
             catalog: Catalog, sli: pd.DataFrame | None, started: dt.datetime, jobs: int,
             data: str) -> ReviewRun:
    """Write each period folder's index and run.json and the index of every period; return the run."""
    if sli is None:  # the index's summaries need it; a review that could not read it says why in its line
        try:
            sli = read_input("sli_5min", data)
        except SLMError:
            sli = None
    labels = sorted({r.period for r in reports if r.period} | {main.label})
    indexes = []
    for label in labels:
        folder = _folder(out_dir, label)
        own = tuple(r for r in reports if r.period == label or (not r.period and label == main.label))
        part = ReviewRun(period=label, folder=folder, index=folder / "index.html", reports=own,
                         portfolio=folio if label == main.label else None)
        names = {s.name for s in catalog.services}
        reviewed = [r.service for r in own if r.service in names]
        earlier = [p.stem for p in sorted(folder.glob("*.html"))
                   if p.stem in names and p.stem not in reviewed]
        _write_index(part, catalog, _summaries(sli, catalog, [*reviewed, *earlier], label))
        _write_run_json(part, started=started, jobs=jobs, data_dir=data)
        indexes.append(part.index)
    write_periods_index(out_dir)
    folder = out_dir / main.label
    return ReviewRun(period=main.label, folder=folder, index=folder / "index.html", reports=tuple(reports),
                     portfolio=folio, indexes=tuple(indexes))


def _write_run_json(run: ReviewRun, *, started: dt.datetime, jobs: int, data_dir: str) -> None:
    """Write ``run.json``: when and how the run went (the summaries hold no run metadata, so they compare)."""
    import json

    import slm_analytics

    entries = [*run.reports, *([run.portfolio] if run.portfolio is not None else [])]
    finished = dt.datetime.now(dt.UTC)
    doc = {
        "period": run.period, "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "seconds": round((finished - started).total_seconds(), 1), "jobs": jobs,
        "data_dir": data_dir or "", "slm_analytics": slm_analytics.__version__, "ok": run.ok,
        "reports": [{"name": r.service, "status": r.status, "seconds": round(r.seconds, 1), "error": r.error,
                     "html": None if r.html is None else r.html.name,
                     "notebook": None if r.notebook is None else r.notebook.name} for r in entries],
    }
    _write_atomic(run.folder / "run.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def write_periods_index(out_dir: str | os.PathLike[str]) -> Path:
    """Write ``<out_dir>/index.html``: every period folder holding reviews, the latest first.

    Each line links the period's own ``index.html`` and says how its last run went (its ``run.json``).

    Returns
    -------
    Path
        The index written.
    """
    import json

    out_dir = Path(out_dir)
    rows = []
    for index in sorted(out_dir.glob("*/index.html"), key=lambda p: p.parent.name, reverse=True):
        run_file = index.parent / "run.json"
        try:
            run = json.loads(run_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            run = {}
        reports = run.get("reports", [])
        rows.append({"period": index.parent.name, "href": f"{index.parent.name}/index.html",
                     "n_ok": sum(r.get("status") == "ok" for r in reports), "n": len(reports),
                     "ok": bool(run.get("ok")),
                     "finished": str(run.get("finished", "")).replace("T", " ").replace("+00:00", " UTC")})
    _write_atomic(out_dir / "index.html", template_environment().get_template("periods.html.j2").render(
        rows=rows, generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")))
    return out_dir / "index.html"



def period_steps(period: str, sli: pd.DataFrame, catalog: Catalog, services: Sequence[str],
                 history: int) -> list[dict[str, str]]:
    """Return ``history`` periods per service ending at ``period``, oldest first: ``service -> label``.

    A relative period is resolved per service first (:func:`~slm_analytics.review.period.resolve_period`);
    each step goes one month (or quarter) back. A service whose period cannot be resolved keeps ``period``
    in every step, so that the run reports why.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> steps = period_steps("last-complete-month", read_dataset("sli_5min"), read_dataset("catalog"),
    ...                      ["checkout", "search"], 2)
    >>> steps  # search runs in New York time: its October ends after the data does
    [{'checkout': '2026-09', 'search': '2026-08'}, {'checkout': '2026-10', 'search': '2026-09'}]
    """
    from .period import ReviewPeriod, previous

    history = check_history(history)
    latest = {s: _resolve(period, sli, catalog, s) for s in services}
    steps = []
    for back in range(history - 1, -1, -1):
        step = {}
        for service, p in latest.items():
            if isinstance(p, ReviewPeriod):
                for _ in range(back):
                    p = previous(p)
                step[service] = p.label
            else:
                step[service] = period
        steps.append(step)
    return steps


def check_history(history: object) -> int:
    """Return ``history`` if it is a whole number of periods from 1 to 24; raise ParameterError otherwise."""
    if isinstance(history, bool) or not isinstance(history, int) or not 1 <= history <= 24:
        msg = (f"history {history!r} is not a number of periods to review; expected a whole number from 1 "
               "(the period only) to 24")
        raise ParameterError(msg)
    return history


def run_batch(params: BatchParameters, *, period: str | None = None, services: Sequence[str] | None = None,
              jobs: int | None = None, output: str | os.PathLike[str] | None = None, history: int = 1,
              progress: Callable[[ServiceReport], None] | None = None,
              progress_bar: bool = False) -> list[ReviewRun]:
    """Run a batch parameter file's review (``slm review run``), for one period or several in a row.

    Parameters
    ----------
    params : BatchParameters
        The batch (:func:`~slm_analytics.review.read_batch_parameters`, which checked it).
    period, services, jobs, output : optional
        Command-line values that replace the file's.
    history : int
        Periods to review, ending at the batch's period, oldest first: with 2, the month before is reviewed
        first, so that the latest review shows what changed since it.
    progress, progress_bar
        As :func:`run_review`.

    Returns
    -------
    list of ReviewRun
        One per period, oldest first.

    Raises
    ------
    ParameterError, InsufficientDataError, DataError, DefinitionError
        As :func:`run_review`; a bad ``history``.

    Examples
    --------
    >>> from slm_analytics.review import read_batch_parameters
    >>> runs = run_batch(read_batch_parameters("parameters/monthly-review.yaml"), history=2)  # doctest: +SKIP
    >>> [run.period for run in runs]  # doctest: +SKIP
    ['2026-09', '2026-10']
    """
    history = check_history(history)
    text = period if period is not None else params.period
    chosen = (list(services) if services is not None
              else None if params.services == "all" else params.services)
    options: dict[str, Any] = {
        "data_dir": params.data_dir, "out_dir": output if output is not None else params.output,
        "services": chosen, "notebooks": params.notebooks, "overrides": params.overrides,
        "jobs": jobs if jobs is not None else params.jobs, "progress": progress, "progress_bar": progress_bar}
    if history == 1:
        return [run_review(period=text, **options)]
    _period_option(text, None)
    catalog = read_input("catalog", params.data_dir)
    names = [s.name for s in catalog.services]
    known = [s for s in (chosen or names) if s in names]
    steps = period_steps(text, read_input("sli_5min", params.data_dir), catalog, known, history)
    return [run_review(period=step, **options) for step in steps]
