"""The App behind the interactive notebooks: one library call per change, panels redrawn, errors shown."""

from __future__ import annotations

import altair as alt
import ipywidgets as w
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from slm_analytics.errors import InsufficientDataError, ParameterError
from slm_analytics.widgets import App, Message, interactive


def _chart(n: int) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": list(range(n))})).mark_point().encode(x="x:Q")


def _update(n: int, label: str) -> dict:
    if n == 0:
        raise InsufficientDataError(f"no data for {label} in the range chosen")
    return {"n": n, "label": label}


def _app(live: bool) -> tuple[App, list]:
    calls = []

    def update(n, label):
        calls.append((n, label))
        return _update(n, label)

    controls = {"n": w.IntSlider(value=3, min=0, max=10, description="Points"),
                "label": w.Dropdown(options=["a", "b"], value="a", description="Label")}
    panels = {"chart": lambda r: [_chart(r["n"])],
              "table": lambda r: [pd.DataFrame({"label": [r["label"]]})]}
    return App(controls, update, panels, live=live), calls


def test_one_call_at_start_and_per_change():
    app, calls = _app(live=True)
    assert calls == [(3, "a")]
    app.control_widgets["n"].value = 5
    assert calls == [(3, "a"), (5, "a")]
    with app.hold():  # two changes, one call
        app.control_widgets["n"].value = 6
        app.control_widgets["label"].value = "b"
    assert calls[-1] == (6, "b") and len(calls) == 3


def test_live_panels_are_outputs_redrawn_on_change():
    app, _ = _app(live=True)
    out = app.panel("chart")
    assert isinstance(out, w.Output)
    (first,) = out.outputs
    assert "application/vnd.jupyter.widget-view+json" in first["data"]  # an altair JupyterChart
    model = first["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    (widget,) = app._charts["chart"]  # the JupyterChart behind the output
    assert widget.model_id == model
    before = widget.spec
    app.control_widgets["n"].value = 7
    (second,) = out.outputs
    # the same chart widget, redrawn in place with the new chart (no flicker in the meeting)
    assert second["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] == model
    assert widget.spec != before
    (rows,) = widget.spec["datasets"].values()
    assert len(rows) == 7  # the new chart's seven points
    assert isinstance(app.controls, w.VBox)


def test_a_library_error_is_a_message_in_every_panel_not_a_traceback():
    app, _ = _app(live=True)
    table = app.panel("table")
    app.control_widgets["n"].value = 0
    assert isinstance(app.result, Message)
    (shown,) = table.outputs
    assert "no data for a in the range chosen" in shown["data"]["text/html"]
    app.control_widgets["n"].value = 2  # and back: the table again
    assert "<table" in table.outputs[0]["data"]["text/html"]


def test_static_panels_are_svg_pictures_and_tables():
    app, _ = _app(live=False)
    InteractiveShell.instance()
    with alt.renderers.enable("default"), capture_output() as captured:
        app.panel("chart")._ipython_display_()
        app.panel("table")._ipython_display_()
    data = [o.data for o in captured.outputs]
    assert "image/svg+xml" in data[0] and "<svg" in data[0]["image/svg+xml"]
    assert "application/vnd.jupyter.widget-view+json" not in data[0]
    assert "<table" in data[1]["text/html"]
    assert "Points" in app.controls.data and "Label" in app.controls.data  # the values used, as a table


def test_unknown_panel_is_named():
    app, _ = _app(live=False)
    with pytest.raises(ParameterError, match="'chrat' is not one of this app's panels"):
        app.panel("chrat")


@pytest.mark.parametrize(("env", "expected"), [
    ({"SLM_WIDGETS": "on"}, True),
    ({"SLM_WIDGETS": "off", "JPY_SESSION_NAME": "x.ipynb"}, False),
    ({"JPY_SESSION_NAME": "x.ipynb"}, True),  # started by a Jupyter server (Lab, Notebook 7)
    ({"VOILA_BASE_URL": "/"}, True),  # started by Voilà
    ({}, False),  # papermill, nbval, nbconvert
])
def test_interactive_follows_the_front_end(monkeypatch, env, expected):
    for key in ("SLM_WIDGETS", "JPY_SESSION_NAME", "VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_APP_PORT",
                "VOILA_REQUEST_URL", "VOILA_KERNEL_ID", "VOILA_PREHEAT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert interactive() is expected


def test_interactive_switch_refuses_other_values(monkeypatch):
    monkeypatch.setenv("SLM_WIDGETS", "maybe")
    with pytest.raises(ParameterError, match="SLM_WIDGETS='maybe' is not an on/off value"):
        interactive()


def test_static_widgets_open_no_comm(monkeypatch):
    import comm

    from slm_analytics.widgets import widget_comms

    opened = []

    def kernel_comm(**kwargs):  # stands for ipykernel's: records each comm a widget opens
        opened.append(kwargs["target_name"])
        return comm.DummyComm(**kwargs)

    monkeypatch.setattr(comm, "create_comm", kernel_comm)
    with widget_comms(False):
        static = w.IntSlider(value=2)
    assert opened == []
    with widget_comms(True):
        w.IntSlider(value=2)
    assert opened and set(opened) == {"jupyter.widget"}  # the slider, its layout and its style
    assert comm.create_comm is kernel_comm  # restored
    static.value = 4  # still a working control in the kernel
    assert static.value == 4


def test_steady_panels_keep_the_last_good_result_when_an_update_fails():
    controls = {"n": w.IntSlider(value=3, min=0, max=10), "label": w.Dropdown(options=["a"], value="a")}
    panels = {"chart": lambda r: [_chart(r["n"])], "table": lambda r: [pd.DataFrame({"n": [r["n"]]})]}
    app = App(controls, _update, panels, live=False, steady=("table",))
    app.control_widgets["n"].value = 0  # the update raises: no data
    assert isinstance(app.shown("chart")[0], Message)
    (table,) = app.shown("table")  # what does not depend on the failed choice stays
    assert table["n"].tolist() == [3]
