"""HTML report opened in headless Chromium: plots load, verdict and statement are visible."""

from __future__ import annotations

import pytest

from service.reports.render import render_html
from tests.report_docs import three_visits, visit_document

pytestmark = pytest.mark.browser


def open_report(browser, html: str):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_content(html, wait_until="load")
    return page, errors


def test_report_plots_load_and_verdict_is_visible(browser):
    page, errors = open_report(browser, render_html(three_visits(), {"id": "P-017"}))
    sizes = page.eval_on_selector_all(
        "img.plot", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert len(sizes) == 13
    assert all(done and w > 400 and h > 150 for done, w, h in sizes)
    verdicts = page.locator(".verdict")
    assert verdicts.count() == 3
    assert [verdicts.nth(i).get_attribute("data-level") for i in range(3)] == [
        "high",
        "high",
        "moderate",
    ]
    assert verdicts.first.is_visible() and "Fall risk HIGH" in verdicts.first.inner_text()
    assert page.locator("#screening-statement").is_visible()
    assert "Screening aid, not a diagnosis" in page.locator("#screening-statement").inner_text()
    assert "real change (better)" in page.locator("#trends table.changes").inner_text()
    # Pixels, not just markup: the first plot is drawn inside the viewport width.
    box = page.locator("img.plot").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert errors == []
    page.close()


def test_not_measured_metric_shows_its_reason_in_the_page(browser):
    docs = [visit_document("2025-01-10", None, None, level="undetermined", step_length_m=None)]
    page, errors = open_report(browser, render_html(docs))
    cell = page.locator("table.metrics tr", has_text="Step length, mean").locator("td").nth(1)
    text = cell.inner_text()
    assert "not measured" in text and "no floor calibration or subject height" in text
    # Styled as a missing value (red), so it is not read as a number.
    colour = cell.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(170, 51, 51)"
    assert errors == []
    page.close()
