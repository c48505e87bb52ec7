"""The improvement-priorities explorer: what users need, where the budget went, what to improve first.

Behind ``notebooks/03-improvement-priorities.ipynb``. Everything the weights do not change is gathered once,
when the explorer is built (:func:`priorities_context`: the priority evidence, the requirements gap, the
budget attribution and the effect of past SIP actions, over the year up to the end of the data); a change
of a weight slider then only re-scores (:func:`priorities_view`:
:func:`~slm_analytics.priorities.priority_scores` and :func:`~slm_analytics.review.plan.draft_sip`), within
the meeting's 100 ms.

The "Append to register" button writes the drafted items the user chose to a register file the user names,
through :func:`~slm_analytics.data.append_sip_register` (idempotent, atomic); nothing is written otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import charts
from ..data import SipAppend, append_sip_register
from ..errors import SLMError
from ..improvement import budget_attribution
from ..priorities import DEFAULT_WEIGHTS, Priorities, priority_evidence, priority_scores
from ..requirements import ImportancePerformance, importance_performance, requirements_gap
from ..review.plan import (
    draft_sip,
    effectiveness_table,
    past_actions,
    priorities_table,
    requirements_table,
    sip_table,
)
from ._app import App, Message, interactive, widget_comms

if TYPE_CHECKING:
    import ipywidgets as w

    from ..review.inputs import ReviewInputs

__all__ = ["PANELS", "PrioritiesContext", "PrioritiesView", "append_status", "priorities_context",
           "priorities_explorer", "priorities_view"]

#: the explorer's panels, in the order of the notebook's sections
PANELS = ("requirements", "budget", "ranking", "sip", "effect")
#: weight draws of the sensitivity analysis (enough for a stable top-N share, fast enough for a slider)
DRAWS = 1000
#: the priorities' look-back (the horizon of the annual and quarterly service reviews)
LOOKBACK = "365d"


@dataclass(frozen=True, eq=False)
class PrioritiesContext:
    """What the weights do not change, gathered once (:func:`priorities_context`).

    Attributes
    ----------
    evidence : DataFrame
        :func:`~slm_analytics.priorities.priority_evidence` at the end of the data over :data:`LOOKBACK`.
    start, end : Timestamp
        The period the evidence, the requirements gap and the budget attribution cover (UTC).
    requirements : DataFrame or None
        The requirements gap (:func:`~slm_analytics.requirements.requirements_gap`) with the quadrant
        columns of ``ipa`` (``quadrant, robust, quadrant_measured, unhappy_but_met``); None without a
        requirements file.
    ipa : ImportancePerformance or None
        The importance-performance analysis of the requirements against their measured gap.
    attribution : DataFrame
        :func:`~slm_analytics.improvement.budget_attribution` over the period.
    effectiveness : DataFrame
        :func:`~slm_analytics.sip.sip_effectiveness` of the register's closed actions (no rows without a
        register).
    top_sources : DataFrame
        ``attribution``'s largest source of spent budget per SLO (one row each, largest share first): all
        :func:`~slm_analytics.review.plan.draft_sip` reads of the attribution, so that drafting stays fast.
    """

    evidence: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    requirements: pd.DataFrame | None
    ipa: ImportancePerformance | None
    attribution: pd.DataFrame
    effectiveness: pd.DataFrame
    top_sources: pd.DataFrame


@dataclass(frozen=True, eq=False)
class PrioritiesView:
    """The explorer's result for one choice of weights (:func:`priorities_view`).

    Attributes
    ----------
    context : PrioritiesContext
        What the weights do not change.
    priorities : Priorities
        The SLOs ranked with these weights, with the sensitivity of the top ``top``.
    draft : DataFrame
        SIP items drafted for the first ``top`` SLOs (:func:`~slm_analytics.review.plan.draft_sip`, numbered
        ``SIP-001`` on; the register they are appended to renumbers them).
    """

    context: PrioritiesContext
    priorities: Priorities
    draft: pd.DataFrame

    def __repr__(self) -> str:
        return f"PrioritiesView({self.priorities!r}, {len(self.draft)} items drafted)"


def priorities_context(inputs: ReviewInputs, *, lookback: str = LOOKBACK, n_paths: int = 300,
                       seed: int = 0) -> PrioritiesContext:
    """Gather what the weights do not change: evidence, requirements gap, budget attribution, past actions.

    Parameters
    ----------
    inputs : ReviewInputs
        The data folder (:func:`~slm_analytics.review.load_explorer_inputs`).
    lookback : str
        The period looked at, up to the end of the SLI data (default a year).
    n_paths, seed
        Breach-probability paths and seed (seeded: the explorer shows the same numbers each run).

    Returns
    -------
    PrioritiesContext

    Raises
    ------
    DataError, InsufficientDataError
        As the underlying computations do.
    """
    evidence = priority_evidence(inputs.sli, inputs.catalog, lookback=lookback, incidents=inputs.incidents,
                                 requirements=inputs.requirements, exclusions=inputs.maintenance,
                                 n_paths=n_paths, seed=seed)
    start, end = evidence["lookback_start"].iloc[0], evidence["as_of"].iloc[0]
    table, ipa = None, None
    if inputs.requirements is not None and len(inputs.requirements):
        gap = requirements_gap(inputs.requirements, inputs.sli, inputs.catalog, start=start, end=end)
        ipa = importance_performance(inputs.requirements, gap=gap)
        table = gap.merge(ipa.table[["id", "quadrant", "robust", "quadrant_measured", "unhappy_but_met"]],
                          on="id", how="left")
    attribution = budget_attribution(inputs.sli, inputs.incidents, inputs.catalog, start=start, end=end,
                                     exclusions=inputs.maintenance)
    effect = past_actions(inputs.register, inputs.sli, inputs.catalog, incidents=inputs.incidents)
    spent = attribution[attribution["share"] > 0].sort_values("share", ascending=False, kind="stable")
    top_sources = spent.drop_duplicates(["service", "slo"]).reset_index(drop=True)
    return PrioritiesContext(evidence=evidence, start=start, end=end, requirements=table, ipa=ipa,
                             attribution=attribution, effectiveness=effect, top_sources=top_sources)


def priorities_view(context: PrioritiesContext, *, risk: float, impact: float, user_need: float,
                    worsening: float, recurrence: float, top: int = 5, draws: int = DRAWS,
                    seed: int = 0) -> PrioritiesView:
    """Re-score the SLOs with these weights and draft SIP items for the first ``top``: the sliders' one call.

    Parameters
    ----------
    context : PrioritiesContext
        What the weights do not change (:func:`priorities_context`).
    risk, impact, user_need, worsening, recurrence : float
        Weights of the score's parts (:data:`~slm_analytics.priorities.DEFAULT_WEIGHTS`); the score divides
        by their sum, so only their proportions matter.
    top : int
        SLOs that get a SIP item, and the N of the top-N stability.
    draws, seed
        Weight draws of the sensitivity analysis and their seed.

    Returns
    -------
    PrioritiesView

    Raises
    ------
    ParameterError
        A negative weight, or every weight 0 (:func:`~slm_analytics.priorities.check_weights`).

    Examples
    --------
    >>> from slm_analytics import review
    >>> inputs = review.load_explorer_inputs(review.validate_explorer_parameters(data_dir=""))
    >>> context = priorities_context(inputs, n_paths=100)
    >>> view = priorities_view(context, risk=1, impact=0, user_need=0, worsening=0, recurrence=0, top=2)
    >>> view.draft[["service", "slo"]].values.tolist()
    [['notifications', 'delivery'], ['search', 'latency']]
    """
    weights = {"risk": risk, "impact": impact, "user_need": user_need, "worsening": worsening,
               "recurrence": recurrence}
    priorities = priority_scores(context.evidence, weights=weights, top=top, draws=draws, seed=seed)
    draft = draft_sip(priorities, attribution=context.top_sources, top=top)
    return PrioritiesView(context=context, priorities=priorities, draft=draft)


def _period(context: PrioritiesContext) -> str:
    last = context.end - pd.Timedelta(microseconds=1)
    return f"{context.start:%d %b %Y} to {last:%d %b %Y}"


def _requirements(view: PrioritiesView) -> list[Any]:
    c = view.context
    if c.requirements is None or c.ipa is None:
        return [Message("This data folder has no requirements file (requirements.csv): there is nothing "
                        "users said to compare with the service levels.", "info")]
    title = f"What users need: importance against satisfaction ({_period(c)})"
    return [charts.importance_performance_chart(c.ipa, title=title), requirements_table(c.requirements)]


def _budget(view: PrioritiesView) -> list[Any]:
    c = view.context
    title = f"Where the error budget went, {_period(c)}"
    return [charts.budget_attribution_chart(c.attribution, title=title)]


def _ranking(view: PrioritiesView) -> list[Any]:
    pr = view.priorities
    return [charts.priority_chart(pr, n=15), priorities_table(pr, top=max(10, pr.top))]


def _sip(view: PrioritiesView) -> list[Any]:
    return [sip_table(view.draft, open_only=False)]


def _effect(view: PrioritiesView) -> list[Any]:
    e = view.context.effectiveness
    if not len(e):
        return [Message("No closed SIP actions to assess: this data folder has no register "
                        "(sip_register.csv), or none of its actions is closed.", "info")]
    return [effectiveness_table(e)]


def _item_label(row: Any) -> str:
    return f"{int(row['priority'])}. {row['service']} / {row['slo']}: {row['problem']}"


def append_status(done: SipAppend) -> Message:
    """Say what :func:`~slm_analytics.data.append_sip_register` did (the status line under the button).

    Examples
    --------
    >>> from pathlib import Path
    >>> append_status(SipAppend(Path("x.csv"), ("SIP-008", "SIP-009"), 1, 9, False)).text
    'Appended 2 items to x.csv (now 9 items); 1 already there.'
    """
    n, total = len(done.added), done.total
    text = (f"{'Created' if done.created else 'Appended'} {n} item{'' if n == 1 else 's'} "
            f"{'in' if done.created else 'to'} {done.path} (now {total} item{'' if total == 1 else 's'})")
    if done.already:
        text += f"; {done.already} already there"
    return Message(text + ".", "info")


def _append_widgets(app_view: dict[str, Any]) -> tuple[w.Text, w.SelectMultiple, w.Button, w.HTML]:
    """Build the register path, the drafted items to append, the button and its status line."""
    import ipywidgets as w

    path = w.Text(value="sip_register.csv", description="Register file",
                  placeholder="a .csv or .parquet file of your own",
                  style={"description_width": "initial"}, layout=w.Layout(width="420px"))
    choose = w.SelectMultiple(options=[], description="Items to add", rows=5,
                              style={"description_width": "initial"}, layout=w.Layout(width="720px"))
    button = w.Button(description="Append to register", button_style="primary", icon="",
                      layout=w.Layout(width="200px"))
    status = w.HTML(value="")

    def append(_button: Any) -> None:
        view = app_view.get("view")
        chosen = list(choose.value)
        if view is None or not chosen:
            status.value = Message("Choose at least one drafted item to append.", "warning")._repr_html_()
            return
        items = view.draft.iloc[chosen]
        try:
            done = append_sip_register(items, path.value)
        except SLMError as err:
            status.value = Message(str(err), "error")._repr_html_()
            return
        status.value = append_status(done)._repr_html_()

    button.on_click(append)
    return path, choose, button, status


def priorities_explorer(inputs: ReviewInputs, *, live: bool | None = None, top: int = 5,
                        context: PrioritiesContext | None = None) -> App:
    """Build the improvement-priorities explorer: weight sliders, the SIP draft and an append button.

    Parameters
    ----------
    inputs : ReviewInputs
        The data folder (:func:`~slm_analytics.review.load_explorer_inputs`).
    live : bool, optional
        Interactive widgets or static pictures (default: :func:`~slm_analytics.widgets.interactive`).
    top : int
        Default number of SLOs that get a SIP item (a slider from 1 to 10).
    context : PrioritiesContext, optional
        What the weights do not change, when already gathered (default: :func:`priorities_context`).

    Returns
    -------
    App
        Controls ``risk, impact, user_need, worsening, recurrence`` (weights, 0 to 1) and ``top``; panels
        :data:`PANELS`: ``requirements`` (importance-performance quadrants and the requirements gap),
        ``budget`` (where the budget went), ``ranking`` (the priority ranking and its sensitivity), ``sip``
        (the SIP draft) and ``effect`` (the effect of past SIP actions). Below the controls (interactive
        mode only): the register file, the drafted items to append, the "Append to register" button and
        its status line.
    """
    context = priorities_context(inputs) if context is None else context
    live = interactive() if live is None else live
    with widget_comms(live):
        return _build(context, live, top)


def _build(context: PrioritiesContext, live: bool, top: int) -> App:
    """Build the explorer's widgets and App (within :func:`widget_comms`)."""
    import ipywidgets as w

    n_slos = len(context.evidence)
    controls: dict[str, w.Widget] = {
        part: w.FloatSlider(value=weight, min=0.0, max=1.0, step=0.05, continuous_update=False,
                            readout_format=".2f", description=f"{part.replace('_', ' ')} weight",
                            style={"description_width": "initial"})
        for part, weight in DEFAULT_WEIGHTS.items()
    }
    controls["top"] = w.IntSlider(value=min(top, n_slos), min=1, max=min(10, n_slos), continuous_update=False,
                                  description="SLOs to draft", style={"description_width": "initial"})
    state: dict[str, Any] = {}
    path, choose, button, status = _append_widgets(state)

    def update(**values: Any) -> PrioritiesView:
        state["view"] = None
        choose.options = []
        view = priorities_view(context, **values)
        state["view"] = view
        choose.options = [(_item_label(r), i) for i, (_, r) in enumerate(view.draft.iterrows())]
        status.value = ""
        return view

    panels = {"requirements": _requirements, "budget": _budget, "ranking": _ranking, "sip": _sip,
              "effect": _effect}
    extra: Sequence[w.Widget] = (w.HBox([path, button]), choose, status)
    return App(controls, update, panels, live=live, extra=extra, steady=("requirements", "budget", "effect"))
