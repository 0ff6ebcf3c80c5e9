"""The clinic pages in headless Chromium against a real server: create a patient, upload two
sample clips at once, watch each file's progress, see the timeline with two visits and trends,
open a report; refused files and API keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from service_support import REPO, serve

from service.app import create_app
from service.core import accounts
from service.core.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path):
    """The app on a real port in this process (local pool of one worker); yields (url, app)."""
    settings = Settings(
        data_dir=tmp_path / "data", local_workers=1, render_overlay=False, _env_file=None
    )
    app = create_app(settings)
    with serve(app) as url:
        yield url, app


def _create_patient(page, code: str, height_cm: str) -> None:
    page.fill("#new-patient-id", code)
    page.fill("#new-patient-height", height_cm)
    page.click("#create-patient")
    page.wait_for_function(
        f"document.getElementById('patient-code').textContent === {code!r} && "
        "!document.getElementById('patient-view').hidden"
    )


def test_refused_file_is_shown_with_its_reason(server, browser, tmp_path: Path) -> None:
    url, _app = server
    page = browser.new_page()
    page.goto(url + "/clinic")
    page.wait_for_selector("#no-patients:not([hidden])")
    _create_patient(page, "P-REF", "171")
    fake = tmp_path / "holiday.mp4"
    fake.write_text("a text file with a video's name\n" * 20)
    page.set_input_files("#files", [str(fake)])
    page.click("#send")
    page.wait_for_selector("#batch-files li[data-status=refused]")
    assert "not a usable video" in page.inner_text("#batch-files li.refused")
    assert "0 scored, 0 failed, 1 refused" in page.inner_text("#message")
    page.click("#back")
    page.wait_for_selector("#patients tbody tr")
    assert page.inner_text("#patients tbody tr td:first-child") == "P-REF"


def test_api_key_is_sent_by_the_clinic_pages(server, browser) -> None:
    url, app = server
    with app.state.retrogait.sessions() as s:
        key = accounts.create_key(s, "clinic-a").key
        s.commit()
    page = browser.new_page()
    page.goto(url + "/clinic")
    page.wait_for_selector("#message.error")
    assert "401" in page.inner_text("#message")
    page.click("#key-box summary")
    page.fill("#api-key", key)
    page.dispatch_event("#api-key", "change")
    _create_patient(page, "P-KEY", "165")
    page.goto(url + "/clinic")  # the key is remembered by the browser
    page.wait_for_selector("#patients tbody tr")
    assert page.inner_text("#patients tbody tr td:first-child") == "P-KEY"


@pytest.mark.slow
def test_upload_two_clips_then_follow_the_patient_over_visits(server, browser) -> None:
    url, _app = server
    clips = sorted((REPO / "sample_videos").glob("*.mp4"))[:2]
    if len(clips) < 2:
        pytest.skip("sample_videos/ has fewer than two clips")
    page = browser.new_page()
    page.goto(url + "/clinic")
    _create_patient(page, "P-CLINIC", "168")
    page.set_input_files("#files", [str(c) for c in clips])
    page.click("#send")
    page.wait_for_selector("#batch-files li:not([data-status=uploading])")
    assert page.locator("#batch-files li").count() == 2
    assert int(page.eval_on_selector("#upload-progress", "e => e.value")) == 100
    page.wait_for_function(
        "document.querySelectorAll('#batch-files li[data-status=done]').length === 2",
        timeout=900_000,
    )
    assert "2 scored, 0 failed, 0 refused" in page.inner_text("#message")

    page.wait_for_function(
        "document.querySelectorAll('#timeline tbody tr[data-status=done]').length === 2"
    )
    rows = page.locator("#timeline tbody tr")
    for i in range(2):
        risk = rows.nth(i).locator(".risk").inner_text()
        assert risk in ("low", "moderate", "high", "undetermined")
    headers = page.locator("#timeline thead th").all_inner_texts()
    assert "Speed (m/s)" in headers and "3MBWT (s)" in headers  # units on every metric
    speed = page.locator("#trends figure[data-metric=speed_mps]")
    # Two recordings of one date are one point (their mean, their range), not a trend.
    assert "one visit date so far" in speed.locator("figcaption").inner_text()
    assert "change since" not in page.inner_text("#trends")
    score = page.locator("#trends figure[data-metric=overall_score] circle.point")
    assert score.count() == 1 and "mean of 2 recordings" in score.locator("title").text_content()

    with page.expect_popup() as popup_info:
        rows.nth(0).locator("a.report-html").click()
    report = popup_info.value
    report.wait_for_function("document.body && document.body.innerText.includes('P-CLINIC')")
    assert "P-CLINIC" in report.inner_text("body")


def test_3m_test_batch_carries_the_floor_marked_on_its_first_recording(server, browser) -> None:
    """A clinic films every recording with one camera that stays put: the floor is marked once,
    on the first recording's first frame, and goes with each recording of the batch; the 3 m
    test is not sent without it."""
    url, _app = server
    clip = REPO / "sample_videos" / "backward_side_3m.mp4"
    truth = json.loads(clip.with_name("backward_side_3m.truth.json").read_text())
    marks = truth["floor_calibration"]["two_point"]["image_px"]
    page = browser.new_page()
    page.goto(url + "/clinic")
    _create_patient(page, "P-FLOOR", "170")
    page.select_option("#protocol", "3mbwt")
    page.set_input_files("#files", [str(clip), str(clip)])
    page.wait_for_selector("#floor-canvas[data-ready='1']", timeout=30_000)
    page.click("#send")
    assert "mark both" in page.inner_text("#message")
    assert page.is_hidden("#batch")  # nothing was sent
    canvas = page.locator("#floor-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for x, y in marks:
        canvas.click(position={"x": x * box["width"] / 960, "y": y * box["height"] / 540})
    page.click("#send")
    page.wait_for_selector("#batch-files li:not([data-status=uploading])")
    listed = page.evaluate(
        "async () => (await (await fetch('/v1/analyses?patient_id=P-FLOOR')).json()).items"
    )
    assert len(listed) == 2
    for item in listed:
        doc = page.evaluate(f"async () => (await fetch('/v1/analyses/{item['id']}')).json()")
        cal = doc["options"]["calibration"]
        assert cal["distance_m"] == 3 and doc["options"]["protocol"] == "3mbwt"
        for got, want in zip(cal["image_px"], marks, strict=True):
            assert got == pytest.approx(want, abs=1.5)
