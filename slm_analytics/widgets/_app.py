"""The app behind every interactive notebook: controls, one library call per change, panels that show it.

A private module with public names: the explorers of the package (``widgets.compliance`` ...) build on it.

An :class:`App` holds named ipywidgets controls, an ``update`` function (a library call taking the controls'
values as keyword arguments) and named panels (each a function turning ``update``'s result into the things to
show: charts, tables, messages). A notebook shows ``app.controls`` once and ``app.panel(name)`` in the section
that narrates it; a change of any control calls ``update`` once and redraws every panel, wherever it is in the
notebook.

Two modes, chosen by :func:`interactive`:

* **interactive** (JupyterLab, Voilà): the controls are widgets and each panel an ``Output`` widget whose
  outputs are replaced on every change; charts are altair ``JupyterChart`` widgets, offline;
* **static** (papermill, nbval, nbconvert, a plain IPython): nothing a widget manager must draw is emitted.
  The controls show as a table of the values used and each panel as its pictures (SVG) and tables, so a saved
  notebook and its HTML export render anywhere, offline.

A library error (:class:`~slm_analytics.errors.SLMError`: no data in range, an impossible setting) is shown in
the panels as a :class:`Message`, never as a traceback.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from .._compat import import_jsonschema
from ..errors import ParameterError, SLMError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402
import ipywidgets as w  # noqa: E402
from IPython.core.formatters import format_display_data  # noqa: E402
from IPython.display import HTML, display  # noqa: E402

__all__ = ["SWITCH", "App", "Message", "interactive", "widget_comms"]

#: environment variable forcing a mode: ``1``/``on`` interactive widgets, ``0``/``off`` static pictures
SWITCH = "SLM_WIDGETS"
_ON = {"1", "on", "true", "yes"}
_OFF = {"0", "off", "false", "no"}
#: message colours: border, background (readable on a projector, WCAG AA text on the background)
_MESSAGE_STYLE = {
    "info": ("#1f77b4", "#eef5fb"),
    "warning": ("#b8860b", "#fdf6e3"),
    "error": ("#c0392b", "#fdecea"),
}


def interactive() -> bool:
    """Whether the kernel runs under a front end that draws widgets (JupyterLab, Notebook 7, Voilà).

    Returns
    -------
    bool
        ``True`` when the environment variable :data:`SWITCH` (``SLM_WIDGETS``) says ``1``/``on``, or, when it
        is unset, when the kernel was started by a Jupyter server (which sets ``JPY_SESSION_NAME``) or by
        Voilà (``VOILA_*`` variables). ``False`` otherwise: papermill, nbval and nbconvert start kernels
        without either, and a saved notebook must hold pictures, not references to widgets nobody drew.

    Raises
    ------
    ParameterError
        If ``SLM_WIDGETS`` holds something else than on/off values.

    Examples
    --------
    >>> import os
    >>> os.environ["SLM_WIDGETS"] = "off"
    >>> interactive()
    False
    >>> del os.environ["SLM_WIDGETS"]
    """
    value = os.environ.get(SWITCH, "").strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    if value:
        msg = (f"environment variable {SWITCH}={os.environ[SWITCH][:40]!r} is not an on/off value: expected "
               f"one of {sorted(_ON)} (interactive widgets) or {sorted(_OFF)} (static pictures), or unset")
        raise ParameterError(msg)
    return "JPY_SESSION_NAME" in os.environ or any(key.startswith("VOILA_") for key in os.environ)


@contextmanager
def widget_comms(live: bool) -> Iterator[None]:
    """Build widgets that talk to a front end (``live``) or that stay in the kernel (static mode).

    In static mode the widgets an explorer builds (its controls hold the values its update reads) get a
    :class:`comm.DummyComm`: no comm is opened, so a headless run (nbclient, papermill) records no widget
    state in the saved notebook, and its HTML export asks no widget manager (from a CDN) to draw anything.

    Examples
    --------
    >>> with widget_comms(False):
    ...     slider = w.IntSlider(value=3)
    >>> type(slider.comm).__name__, slider.value
    ('DummyComm', 3)
    """
    if live:
        yield
        return
    import comm

    create = comm.create_comm
    comm.create_comm = comm.DummyComm
    try:
        yield
    finally:
        comm.create_comm = create


@dataclass(frozen=True)
class Message:
    """A sentence shown where a chart or a table would be: no data in range, nothing to show, an error.

    Attributes
    ----------
    text : str
        The sentence; shown as text (escaped), never as markup.
    kind : {"info", "warning", "error"}
        Its colour.

    Examples
    --------
    >>> Message("No data for <b>x</b>", "warning")._repr_html_()[-38:]
    'No data for &lt;b&gt;x&lt;/b&gt;</div>'
    """

    text: str
    kind: Literal["info", "warning", "error"] = "info"

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        border, background = _MESSAGE_STYLE[self.kind]
        return (f'<div class="slm-message slm-{self.kind}" style="border-left:4px solid {border};'
                f"background:{background};color:#222;padding:6px 10px;margin:4px 0;font-size:14px\">"
                f"{html.escape(self.text)}</div>")


def _shown(result: Any, panel: Callable[[Any], Sequence[Any]]) -> list[Any]:
    """Return what one panel shows for ``result``: its objects, or the message of the library's error."""
    if isinstance(result, Message):
        return [result]
    try:
        return list(panel(result))
    except SLMError as err:
        return [Message(str(err), "warning")]


def _label_in_description(control: w.Widget) -> None:
    """Show a selection slider's value in full after its description.

    The slider's own readout box clips long labels ("01 Nov 2025-31 Oct" for a range of days).
    """
    base = control.description

    def show(_change: Any = None) -> None:
        label = control.label if isinstance(control.label, str) else " to ".join(control.label)
        control.description = f"{base}: {label}"

    control.readout = False
    control.style.description_width = "initial"
    control.observe(show, names="index")
    show()


def _control_rows(controls: Mapping[str, w.Widget]) -> str:
    rows = []
    for name, control in controls.items():
        label = getattr(control, "description", "") or name
        value = control.value
        if isinstance(control, w.Dropdown | w.SelectionSlider | w.ToggleButtons | w.RadioButtons):
            value = control.label
        elif isinstance(control, w.SelectionRangeSlider):
            value = " to ".join(control.label)
        rows.append(f"<tr><th style='text-align:left;padding-right:12px'>{html.escape(str(label))}</th>"
                    f"<td style='text-align:left'>{html.escape(str(value))}</td></tr>")
    return "<table class='slm-controls'>" + "".join(rows) + "</table>"


class App:
    """Controls, one library call per change and the panels that show its result (see the module docstring).

    Parameters
    ----------
    controls : mapping of str to ipywidgets widget
        The controls, by the keyword ``update`` takes their value as. Each must have a ``value``.
    update : callable
        Called as ``update(**values)`` once at start and once per change: one library call returning a
        result object. An :class:`~slm_analytics.errors.SLMError` it raises becomes a :class:`Message` in
        every panel.
    panels : mapping of str to callable
        Each turns ``update``'s result into a list of things to show (altair charts, DataFrames, Stylers,
        :class:`Message`, HTML). An ``SLMError`` it raises is shown as a message in that panel only.
    live : bool, optional
        Interactive widgets (``True``) or static pictures (``False``); default :func:`interactive`.
    extra : sequence of ipywidgets widget, optional
        Widgets shown after the controls that are not arguments of ``update`` (a button, its status line).
    steady : collection of str, optional
        Panels that show what does not depend on the controls: when an update fails they keep showing the
        last result that did not, instead of the error (which the other panels show).

    Attributes
    ----------
    result : object
        ``update``'s last result, or the :class:`Message` of its last error.
    """

    def __init__(self, controls: Mapping[str, w.Widget], update: Callable[..., Any],
                 panels: Mapping[str, Callable[[Any], Sequence[Any]]], *, live: bool | None = None,
                 extra: Sequence[w.Widget] = (), steady: Collection[str] = ()) -> None:
        self._controls = dict(controls)
        self._update = update
        self._panels = dict(panels)
        self.live = interactive() if live is None else live
        self._extra = list(extra)
        self._steady = set(steady)
        self._last_good: Any = None
        self._outputs: dict[str, w.Output] = {}
        self._charts: dict[str, list[alt.JupyterChart]] = {}
        self._held = 0
        self.result: Any = None
        if self.live:
            alt.JupyterChart.enable_offline(offline=True)
            for control in self._controls.values():
                if isinstance(control, w.SelectionSlider | w.SelectionRangeSlider):
                    _label_in_description(control)
        for control in self._controls.values():
            control.observe(self._changed, names="value")
        self.refresh()

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by keyword."""
        return {name: control.value for name, control in self._controls.items()}

    @property
    def control_widgets(self) -> dict[str, w.Widget]:
        """The control widgets, by keyword (set one from code: ``app.control_widgets["slo"].value = ...``)."""
        return dict(self._controls)

    @property
    def controls(self) -> Any:
        """What a notebook shows for the controls: the widgets (interactive) or a table of their values."""
        if self.live:
            return w.VBox([w.HBox(list(self._controls.values())[i:i + 3])
                           for i in range(0, len(self._controls), 3)] + self._extra)
        return HTML(_control_rows(self._controls))

    def shown(self, name: str) -> list[Any]:
        """Return what panel ``name`` shows now (the objects, before display)."""
        if name not in self._panels:
            msg = f"panel {name!r} is not one of this app's panels: {sorted(self._panels)}"
            raise ParameterError(msg)
        result = self.result
        if isinstance(result, Message) and name in self._steady and self._last_good is not None:
            result = self._last_good
        return _shown(result, self._panels[name])

    def panel(self, name: str) -> Any:
        """Return what a notebook shows for panel ``name``: an ``Output`` kept up to date, or pictures."""
        objects = self.shown(name)
        if not self.live:
            return _Static(objects)
        if name not in self._outputs:
            self._outputs[name] = w.Output(layout=w.Layout(min_height="40px"))
            self._draw(name, objects)
        return self._outputs[name]

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls and call ``update`` once, at the end."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            self.refresh()

    def refresh(self) -> None:
        """Call ``update`` with the controls' values and redraw every panel shown."""
        try:
            self.result = self._last_good = self._update(**self.values)
        except SLMError as err:
            self.result = Message(str(err), "warning")
        for name in self._outputs:
            self._draw(name, self.shown(name))

    def _changed(self, _change: Mapping[str, Any]) -> None:
        if not self._held:
            self.refresh()

    def _draw(self, name: str, objects: list[Any]) -> None:
        """Show ``objects`` in the panel's Output, reusing its chart widgets (redrawn in place)."""
        old = self._charts.pop(name, [])
        charts: list[alt.JupyterChart] = []
        shown = []
        for obj in objects:
            if isinstance(obj, alt.TopLevelMixin):
                if len(charts) < len(old):
                    widget = old[len(charts)]
                    widget.chart = obj
                else:
                    widget = alt.JupyterChart(obj)
                charts.append(widget)
                obj = widget
            data, metadata = format_display_data(obj)
            shown.append({"output_type": "display_data", "data": data, "metadata": metadata})
        for widget in old[len(charts):]:
            widget.close()
        self._charts[name] = charts
        self._outputs[name].outputs = tuple(shown)

    def _ipython_display_(self) -> None:
        display(self.controls)
        for name in self._panels:
            display(self.panel(name))


class _Static:
    """A panel's objects shown as pictures and tables: charts as SVG whatever renderer is active."""

    def __init__(self, objects: list[Any]) -> None:
        self.objects = objects

    def _ipython_display_(self) -> None:
        with alt.renderers.enable("svg"):
            for obj in self.objects:
                display(obj)

    def __repr__(self) -> str:
        return "\n".join(str(obj) if isinstance(obj, Message) else type(obj).__name__ for obj in self.objects)
