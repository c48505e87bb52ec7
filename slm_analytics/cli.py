"""The ``slm`` command line.

``slm review`` runs the monthly service review (:func:`~slm_analytics.review.run_review`) and prints one
line per service and where the reports are. ``slm datasets`` lists the bundled sample datasets.

Exit codes, for cron: 0 success; 1 one or more services failed (the others' reports are written);
2 the run could not start (bad parameters, unreadable data or catalog) or bad command-line usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._version import __version__
from .errors import SLMError

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slm", description="Service Level Management analytics: monthly service reviews and datasets."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    review = commands.add_parser(
        "review",
        help="run the monthly service review (one HTML report per service and an index)",
        description="Execute the service-review notebook for every service (or those given) for one calendar "
        "month, and write <out>/<YYYY-MM>/<service>.ipynb, <service>.html and index.html. Exit code 1 if any "
        "service failed, 2 if the run could not start.",
    )
    review.add_argument("--data", metavar="DIR", default=None,
                        help="folder laid out like datasets/ (default: the bundled sample data)")
    review.add_argument("--out", metavar="DIR", default=None, help="output folder (default: reports)")
    review.add_argument("--month", metavar="YYYY-MM", default=None,
                        help="month to review (default: latest, the last complete month in the data, UTC)")
    review.add_argument("--service", metavar="NAME", nargs="+", action="extend", dest="services",
                        default=None, help="service(s) to review (default: every service of the catalog)")
    review.add_argument("--jobs", metavar="N", type=int, default=None,
                        help="notebooks to run at once, each in its own process (default: 1)")
    review.add_argument("--parameters", metavar="FILE", default=None,
                        help="YAML parameter file (e.g. parameters/monthly-review.yaml); options given here "
                        "override it")
    commands.add_parser("datasets", help="list the bundled sample datasets",
                        description="List the bundled sample datasets.")
    return parser


def _review(args: argparse.Namespace) -> int:
    from .review import ServiceReport, read_run_parameters, run_review

    options = read_run_parameters(args.parameters) if args.parameters else {}
    given = {"data_dir": args.data, "out_dir": args.out, "month": args.month, "services": args.services,
             "jobs": args.jobs}
    options.update({k: v for k, v in given.items() if v is not None})
    if options.get("month") == "latest":
        options["month"] = None

    def show(report: ServiceReport) -> None:
        status = "ok" if report.status == "ok" else "FAILED"
        print(f"  {report.service:<20} {status:<7} {report.seconds:5.1f} s", flush=True)

    print("slm review: running the service-review notebook per service...", flush=True)
    run = run_review(**options, progress=show)
    for r in run.failed:
        print(f"error: {r.service}: {r.error}", file=sys.stderr)
    if run.portfolio is not None and run.portfolio.status != "ok":
        print(f"error: portfolio review: {run.portfolio.error}", file=sys.stderr)
    n_ok = len(run.reports) - len(run.failed)
    print(f"{n_ok} of {len(run.reports)} service reviews for {run.month} written to {run.folder}")
    if run.portfolio is not None and run.portfolio.status == "ok":
        print(f"Portfolio review: {run.portfolio.html}")
    print(f"Reports: {run.index.resolve()}")
    return EXIT_OK if run.ok else EXIT_FAILED


def _datasets() -> int:
    import pandas as pd

    from .data import list_datasets

    frame = list_datasets()[["name", "file", "rows", "description"]]
    with pd.option_context("display.max_colwidth", 70, "display.width", 200):
        print(frame.to_string(index=False))
    return EXIT_OK


def _tools_parser() -> argparse.ArgumentParser:
    """``slm review validate FILE`` and ``slm review list``: check a parameter file, show what can be run."""
    parser = argparse.ArgumentParser(prog="slm review", description="Check and list periodic reviews.")
    commands = parser.add_subparsers(dest="tool", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="check a review parameter file (parameters/monthly.yaml) before anything runs",
        description="Read a review parameter file and check every key, the services against the catalog "
        "of its data_dir and the notebooks' parameters. Exit code 0 when valid, 2 with one line per problem.")
    validate.add_argument("file", metavar="FILE", help="YAML parameter file, e.g. parameters/monthly.yaml")
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
    tool = argv[:1] == ["review"] and argv[1:2] in (["validate"], ["list"])
    args = _tools_parser().parse_args(argv[1:]) if tool else _parser().parse_args(argv)
    try:
        if tool:
            return _validate(args) if args.tool == "validate" else _list(args)
        if args.command == "review":
            return _review(args)
        return _datasets()
    except SLMError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
