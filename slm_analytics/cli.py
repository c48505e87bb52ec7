"""The ``slm`` command line.

``slm review run FILE`` runs a review parameter file (:func:`~slm_analytics.review.run_batch`), ``slm review
validate FILE`` checks one and ``slm review list`` shows the services, notebooks and periods; ``slm review``
with options alone reviews the whole catalog of the bundled (or given) data. Each prints one line per notebook
and where the reports are. ``slm datasets`` lists the bundled sample datasets.

From your own data to a review: ``slm sli events LOGS --catalog catalog.yaml --data DIR`` aggregates raw
request logs (:func:`~slm_analytics.aggregate_events`), ``slm sli prometheus URL --catalog catalog.yaml
--start ... --end ... --data DIR`` reads a Prometheus server (:func:`~slm_analytics.read_prometheus`); both
write ``DIR/sli_5min.parquet`` (and an empty incident and maintenance file where DIR has none), so that
``slm review --data DIR`` reviews it. ``slm rules catalog.yaml -o slo-rules.yml`` writes the Prometheus
recording and alerting rules of the catalog's SLOs (:func:`~slm_analytics.prometheus_rules`).

Exit codes, for cron: 0 success; 1 one or more services failed (the others' reports are written);
2 the run could not start (bad parameters, unreadable data or catalog) or bad command-line usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from ._version import __version__
from .errors import ParameterError, SLMError

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _run_options(parser: argparse.ArgumentParser, *, legacy: bool) -> None:
    """Add the options ``slm review run`` and ``slm review`` share."""
    parser.add_argument("--period", metavar="PERIOD", default=None,
                        help="YYYY-MM, YYYY-Qn, last-complete-month or last-complete-quarter (relative "
                        "periods are judged per service in its own time zone)")
    parser.add_argument("--service", metavar="NAME", nargs="+", action="extend", dest="services",
                        default=None, help="service(s) to review (default: the parameter file's, or all)")
    parser.add_argument("--jobs", metavar="N", type=int, default=None,
                        help="notebooks to run at once, each in its own process")
    parser.add_argument("--output", "--out", metavar="DIR", dest="output", default=None,
                        help="output folder (default: the parameter file's, or reports)")
    parser.add_argument("--history", metavar="N", type=int, default=1,
                        help="review the N periods ending at --period, oldest first, so that each review "
                        "shows what changed since the one before (default 1)")
    if legacy:
        parser.add_argument("--data", metavar="DIR", default=None,
                            help="folder laid out like datasets/ (default: the bundled sample data)")
        parser.add_argument("--month", metavar="YYYY-MM", default=None,
                            help="the older form of --period: a month, or latest (= last-complete-month)")
        parser.add_argument("--parameters", metavar="FILE", default=None,
                            help="YAML parameter file (e.g. parameters/monthly-review.yaml); options given "
                            "here override it")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slm", description="Service Level Management analytics: periodic service reviews and datasets."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    review = commands.add_parser(
        "review",
        help="run the service review (one HTML report and summary per service, the portfolio review, "
        "indexes); also: slm review run|validate|list",
        description="Execute the service-review notebook for every service (or those given) for one month or "
        "quarter, and the portfolio review, and write <out>/<period>/<service>.ipynb, .html, .summary.json "
        "and index.html. `slm review run FILE` runs a parameter file, `slm review validate FILE` checks one, "
        "`slm review list` shows what can be reviewed. Exit code 1 if any notebook failed, 2 if the run "
        "could not start.",
    )
    _run_options(review, legacy=True)
    commands.add_parser("datasets", help="list the bundled sample datasets",
                        description="List the bundled sample datasets.")
    _sli_parser(commands)
    rules = commands.add_parser(
        "rules", help="write Prometheus recording and alerting rules for a catalog's SLOs",
        description="Write the recording rules (error ratio per window) and multi-window multi-burn-rate "
        "alerting rules of every SLO of the catalog, from its alert policy, as a Prometheus rule file; "
        "SLOs whose queries cannot become rules are listed on stderr.")
    rules.add_argument("catalog", metavar="CATALOG", help="catalog YAML (or OpenSLO) file")
    rules.add_argument("-o", "--out", metavar="FILE", default=None,
                       help="rule file to write (default: stdout)")
    return parser


def _sli_parser(commands: Any) -> None:
    """``slm sli events|prometheus``: build a data folder's SLI table from raw logs or a Prometheus server."""
    sli = commands.add_parser(
        "sli", help="build the SLI table (sli_5min.parquet) from raw request logs or a Prometheus server",
        description="Build DIR/sli_5min.parquet for `slm review --data DIR`; an empty incidents.csv and "
        "maintenance.csv are created where DIR has none.")
    kinds = sli.add_subparsers(dest="source", required=True, metavar="SOURCE")
    events = kinds.add_parser(
        "events", help="aggregate request logs (Parquet or CSV: a file, a glob or a hive-partitioned folder)",
        description="Aggregate request-level events into good/total counts per bucket for every SLO of the "
        "catalog defined on events, with DuckDB (or a Dask cluster).")
    events.add_argument("logs", metavar="LOGS", help="a Parquet or CSV file, a glob, or a folder")
    events.add_argument("--engine", choices=["duckdb", "dask"], default="duckdb")
    events.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="address of a Dask scheduler (tcp://host:8786): run there "
                        "(implies --engine dask)")
    events.add_argument("--memory-limit", metavar="SIZE", default=None, help="DuckDB memory limit, e.g. 4GB")
    events.add_argument("--column", metavar="ROLE=NAME", action="append", default=[], dest="columns",
                        help="the log's name for a column: timestamp, service, endpoint, status or latency "
                        "(e.g. --column latency=duration_ms); repeat for several")
    events.add_argument("--latency-unit", choices=["ms", "s"], default="ms",
                        help="unit of the latency column")
    events.add_argument("--tz", metavar="ZONE", default=None,
                        help="time zone of timestamps written without one (e.g. Europe/London)")
    prom = kinds.add_parser(
        "prometheus", help="read good/total counts from a Prometheus server's HTTP API",
        description="Read every SLO of the catalog (or those given) from a Prometheus server, with the "
        "PromQL queries of its definition.")
    prom.add_argument("url", metavar="URL", help="the server, e.g. http://prometheus:9090")
    prom.add_argument("--start", required=True, help="first instant (ISO 8601, UTC unless it says)")
    prom.add_argument("--end", required=True, help="end instant (exclusive)")
    prom.add_argument("--slo", metavar="SERVICE/NAME", nargs="+", action="extend", dest="slos", default=None,
                      help="SLO(s) to read (default: every SLO with Prometheus queries)")
    for p in (events, prom):
        p.add_argument("--catalog", required=True, metavar="FILE", help="catalog YAML (or OpenSLO) file")
        p.add_argument("--data", required=True, metavar="DIR",
                       help="data folder to write sli_5min.parquet to")
        p.add_argument("--freq", "--step", dest="freq", default="5m", help="bucket length (default 5m)")


def _review(args: argparse.Namespace) -> int:
    """``slm review [options]``: the whole catalog's review of the bundled data unless told otherwise."""
    from .review import BatchParameters, read_batch_parameters

    if args.parameters:
        params = read_batch_parameters(args.parameters)
    else:
        whole = args.services is None
        params = BatchParameters(
            notebooks=["service-review", *(["portfolio-review"] if whole else [])],
            period="last-complete-month", data_dir="", output="reports")
    if args.data is not None:
        params = params.model_copy(update={"data_dir": args.data})
    if args.month is not None:
        if args.period is not None:
            print("error: give --period or --month, not both", file=sys.stderr)
            return EXIT_ERROR
        args.period = "last-complete-month" if args.month == "latest" else args.month
        from .review.parameters import MONTH

        if args.month != "latest" and not MONTH.match(args.month):
            print(f"error: month {args.month!r} is not a calendar month; expected 'YYYY-MM' such as "
                  "'2026-10' or 'latest'", file=sys.stderr)
            return EXIT_ERROR
    return _run(params, args)


def _run(params: Any, args: argparse.Namespace) -> int:
    """Run a batch and print one line per notebook, the failures and where the reports are."""
    from tqdm.auto import tqdm

    from .review import ServiceReport, run_batch

    def show(report: ServiceReport) -> None:
        status = "ok" if report.status == "ok" else "FAILED"
        tqdm.write(f"  {report.period or '?':<8} {report.service:<20} {status:<7} {report.seconds:5.1f} s")

    print(f"slm review: {', '.join(params.notebooks)} for {args.period or params.period}"
          f"{f' ({args.history} periods)' if args.history > 1 else ''}...", flush=True)
    runs = run_batch(params, period=args.period, services=args.services, jobs=args.jobs, output=args.output,
                     history=args.history, progress=show, progress_bar=True)
    for run in runs:
        for r in [*run.failed, *([run.portfolio] if run.portfolio and run.portfolio.status != "ok" else [])]:
            print(f"error: {r.period or run.period}: {r.service}: {r.error}", file=sys.stderr)
        n_ok = len(run.reports) - len(run.failed)
        folders = ", ".join(str(i.parent) for i in run.indexes) or str(run.folder)
        print(f"{run.period}: {n_ok} of {len(run.reports)} service reviews written to {folders}")
        if run.portfolio is not None and run.portfolio.status == "ok":
            print(f"Portfolio review: {run.portfolio.html}")
    top = runs[-1].folder.parent / "index.html"
    print(f"Reports: {top.resolve()}")
    return EXIT_OK if all(run.ok for run in runs) else EXIT_FAILED


def _datasets() -> int:
    import pandas as pd

    from .data import list_datasets

    frame = list_datasets()[["name", "file", "rows", "description"]]
    with pd.option_context("display.max_colwidth", 70, "display.width", 200):
        print(frame.to_string(index=False))
    return EXIT_OK


def _sli(args: argparse.Namespace) -> int:
    """``slm sli events|prometheus``: write DIR/sli_5min.parquet and the empty files a review needs."""
    from .data import read_catalog, write_sli

    catalog = read_catalog(args.catalog)  # the workbench's YAML or OpenSLO
    folder = _prepare_folder(args.data, args.catalog, catalog)
    if args.source == "events":
        from .sources.events import aggregate_events

        engine = "dask" if args.scheduler else args.engine
        columns = {}
        for pair in args.columns:
            role, sep, name = pair.partition("=")
            if not sep or not role or not name:
                msg = f"--column {pair!r}: expected ROLE=NAME, e.g. latency=duration_ms"
                raise ParameterError(msg)
            columns[role.strip()] = name.strip()
        sli = aggregate_events(args.logs, catalog, freq=args.freq, engine=engine, client=args.scheduler,
                               columns=columns or None, latency_unit=args.latency_unit, tz=args.tz,
                               memory_limit=args.memory_limit, progress=sys.stderr.isatty())
    else:
        sli = _read_prometheus_all(args, catalog)
    path = write_sli(sli, folder / "sli_5min.parquet")
    print(f"{path}: {len(sli):,} rows, {sli.groupby(['service', 'slo'], observed=True).ngroups} SLOs")
    print(f"Review it: slm review --data {folder}")
    return EXIT_OK


def _prepare_folder(data: str, catalog_path: str, catalog: Any) -> Any:
    """Create the data folder with what a review reads besides the SLI.

    That is the catalog, and empty incident and maintenance files where the folder has none (no incident
    recorded, no maintenance planned).
    """
    from pathlib import Path

    from .catalog import save_catalog
    from .data import DATASETS, dataset_path

    folder = Path(data).expanduser()
    if folder.exists() and not folder.is_dir():
        msg = f"--data {data!r} is a file; name a folder (it is created if missing)"
        raise ParameterError(msg)
    folder.mkdir(parents=True, exist_ok=True)
    target = dataset_path("catalog", data_dir=folder)
    if not target.exists():
        save_catalog(catalog, target)
        print(f"{target}: the catalog, from {catalog_path}", file=sys.stderr)
    for name in ("incidents", "maintenance"):
        path = dataset_path(name, data_dir=folder)
        if not path.exists():
            path.write_text(",".join(DATASETS[name]["columns"]) + "\n", encoding="utf-8")
            print(f"{path}: created empty (add your {name} records to it)", file=sys.stderr)
    return folder


def _read_prometheus_all(args: argparse.Namespace, catalog: Any) -> Any:
    import pandas as pd

    from .sources.prometheus import read_prometheus

    if args.slos:
        keys = []
        for text in args.slos:
            service, _, name = text.partition("/")
            if not name:
                msg = f"--slo {text!r}: expected SERVICE/NAME, e.g. checkout/availability"
                raise ParameterError(msg)
            keys.append((service, name))
        slos = [catalog.slo(service, name) for service, name in keys]
    else:
        slos = [o for o in catalog.slos if o.indicator.source == "prometheus"]
    if not slos:
        msg = f"{args.catalog}: no SLO with Prometheus queries; give their queries, or --slo"
        raise ParameterError(msg)
    frames = []
    for slo in slos:
        frames.append(read_prometheus(args.url, slo, args.start, args.end, args.freq))
        print(f"{slo.service}/{slo.name}: {len(frames[-1]):,} buckets", file=sys.stderr)
    return pd.concat(frames, ignore_index=True)


def _rules(args: argparse.Namespace) -> int:
    from .data import read_catalog
    from .sources.rules import prometheus_rules

    rules = prometheus_rules(read_catalog(args.catalog))
    for row in rules.skipped.itertuples(index=False):
        print(f"skipped {row.service}/{row.slo}: {row.reason}", file=sys.stderr)
    text = rules.to_yaml()
    if args.out is None:
        sys.stdout.write(text)
    else:
        tmp = f"{args.out}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, args.out)
        print(f"{args.out}: rules for {len(rules.groups)} SLOs", file=sys.stderr)
    return EXIT_OK


def _tools_parser() -> argparse.ArgumentParser:
    """``slm review run|validate FILE`` and ``slm review list``: run or check a parameter file, list."""
    parser = argparse.ArgumentParser(prog="slm review", description="Run, check and list periodic reviews.")
    commands = parser.add_subparsers(dest="tool", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run a review parameter file (parameters/monthly-review.yaml): what a cron job calls",
        description="Check the parameter file, then run its notebooks for its services and period. Options "
        "given here replace the file's. Exit code 0 when every notebook ran, 1 when one failed (the others' "
        "reports are written), 2 when the run could not start.")
    run.add_argument("file", metavar="FILE", help="YAML parameter file, e.g. parameters/monthly-review.yaml")
    _run_options(run, legacy=False)
    validate = commands.add_parser(
        "validate", help="check a review parameter file (parameters/monthly-review.yaml) before it runs",
        description="Read a review parameter file and check every key, the services against the catalog "
        "of its data_dir and the notebooks' parameters. Exit code 0 when valid, 2 with one line per problem.")
    validate.add_argument("file", metavar="FILE",
                          help="YAML parameter file, e.g. parameters/monthly-review.yaml")
    listing = commands.add_parser(
        "list", help="the services, the review notebooks and the periods the data covers",
        description="List the catalog's services with the complete months and quarters their data covers "
        "(cut in each service's time zone), and the review notebooks.")
    listing.add_argument("--data", metavar="DIR", default=None,
                         help="folder laid out like datasets/ (default: the bundled sample data)")
    return parser


def _validate(args: argparse.Namespace) -> int:
    from .review import read_batch_parameters

    params = read_batch_parameters(args.file)  # ParameterError: one line per problem, file and key named
    print(f"{args.file}: valid ({', '.join(params.notebooks)} for services {params.services!s}, period "
          f"{params.period})")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from .review import known_notebooks, periods_covered
    from .review.inputs import read_input

    catalog = read_input("catalog", args.data)
    sli = read_input("sli_5min", args.data)
    print("notebooks: " + ", ".join(sorted(known_notebooks())))
    print(f"{'service':<20} {'time zone':<20} {'complete months':<20} complete quarters")
    for service in catalog.services:
        months = periods_covered(sli, catalog, service=service.name, kind="month")
        quarters = periods_covered(sli, catalog, service=service.name, kind="quarter")
        span = f"{months[0].label} to {months[-1].label}" if months else "none"
        quarter = f"{quarters[0].label} to {quarters[-1].label}" if quarters else "none"
        print(f"{service.name:<20} {service.timezone:<20} {span:<20} {quarter}")
    return EXIT_OK


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> None:
    """Let SIGTERM (systemd stopping the unit, a cron job's timeout) stop a run as Ctrl-C does, cleanly."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``slm`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit code: 0 success, 1 some service reviews failed, 2 error (printed as one ``error: ...`` line
        on stderr, without traceback) or bad usage.

    Examples
    --------
    >>> main(["datasets"])  # doctest: +ELLIPSIS
    name ... description
    catalog ...
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    _stop_on_sigterm()
    tool = argv[:1] == ["review"] and argv[1:2] in (["run"], ["validate"], ["list"])
    args = _tools_parser().parse_args(argv[1:]) if tool else _parser().parse_args(argv)
    try:
        if tool:
            if args.tool == "run":
                from .review import read_batch_parameters

                return _run(read_batch_parameters(args.file), args)
            return _validate(args) if args.tool == "validate" else _list(args)
        if args.command == "review":
            return _review(args)
        if args.command == "sli":
            return _sli(args)
        if args.command == "rules":
            return _rules(args)
        return _datasets()
    except SLMError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
