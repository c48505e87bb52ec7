"""The reports `slm review` writes, as a reader opens them: the index, a service review, the portfolio review.

Served from 127.0.0.1 to headless Chromium with every other request blocked (issue 12, "Browser test"):
every chart is drawn with a non-zero size, the console has no errors, and the HTML references no external
script, stylesheet or image. Screenshots go to ``browser-screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading

import pytest
from browser_paths import SCREENSHOTS

from slm_analytics.review import run_review

pytestmark = pytest.mark.browser

#: an external reference in a tag's src or href (a link to another page of the folder is fine)
EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


@pytest.fixture(scope="module")
def reports(tmp_path_factory, sync_api):
    out = tmp_path_factory.mktemp("reports")
    run = run_review(out_dir=out, month="2026-10", services=["checkout"], portfolio=True, jobs=2)
    assert run.ok, [(r.service, r.error) for r in (*run.reports, run.portfolio)]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(run.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield run, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(("page_name", "min_charts"), [
    ("index.html", 0),
    ("checkout.html", 3),
    ("portfolio.review.html", 3),  # heatmap, breach risk, priorities
])
def test_a_report_renders_offline(reports, browser, page_name, min_charts):
    run, url = reports
    html = (run.folder / page_name).read_text()
    assert EXTERNAL.findall(html) == [], f"{page_name} references something outside the folder"
    page = browser.new_page()
    page.goto(f"{url}/{page_name}", wait_until="load")
    charts = page.locator(".jp-OutputArea-output svg.marks, .jp-RenderedSVG svg, img[src^='data:image']")
    assert charts.count() >= min_charts
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, (page_name, i, box)
    page.screenshot(path=SCREENSHOTS / f"report-{page_name.removesuffix('.html')}.png", full_page=True)
    if page_name == "index.html":
        assert page.locator("a[href='portfolio.review.html']").count() == 1
        assert page.locator("a[href='checkout.html']").count() == 1
    assert browser.blocked == []
    assert browser.errors == []
