"""The live page's own behaviour in headless Chromium (no camera): set-up checks that settle
before they change, no placeholders, cues in time order, a clean finished state, and the
out-of-view message gone once the walker is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_support import serve

from service.app import create_app
from service.core.settings import Settings

pytestmark = pytest.mark.browser

GOOD = {"whole_body": True, "side_on": True, "ok": True, "messages": []}
BAD = {"whole_body": False, "side_on": True, "ok": False, "messages": ["Step back: feet cut off."]}


@pytest.fixture
def page(tmp_path: Path, browser):
    settings = Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None)
    with serve(create_app(settings)) as url:
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "/live")
        yield page
        assert errors == []


def _setup_frames(page, readings: list[dict], start_ms: float = 0.0, step_ms: float = 100.0):
    """Feed set-up readings one per ``step_ms``; returns the Start button's disabled state and
    the body check's class after each."""
    return page.evaluate(
        """([readings, start, step]) => readings.map((s, i) => {
            updateSetup(s, start + i * step);
            return [ui.start.disabled, document.getElementById("chk-body").className];
        })""",
        [readings, start_ms, step_ms],
    )


def test_checks_settle_before_they_change(page) -> None:
    page.check("#space-clear")
    # Each frame's reading flips for three seconds: nothing turns green or red, Start stays off.
    flicker = _setup_frames(page, [GOOD, BAD] * 15)
    assert {disabled for disabled, _ in flicker} == {True}
    assert {cls for _, cls in flicker} == {"pending"}
    # A good reading held: Start only once it has held a second, not before.
    held = _setup_frames(page, [GOOD] * 15, start_ms=10_000)
    assert [d for d, _ in held[:10]] == [True] * 10
    assert held[-1] == [False, "ok"]
    # One bad frame (a foot cut off for a tenth of a second) changes nothing.
    blip = _setup_frames(page, [BAD, GOOD, GOOD], start_ms=11_500)
    assert {tuple(x) for x in blip} == {(False, "ok")}


def test_no_placeholders_before_any_measurement(page) -> None:
    text = page.inner_text("#metrics")
    assert "-°" not in text and "\n-\n" not in text
    assert "Trunk lean\nnot yet measured" in text


def _frame(state: str) -> dict:
    metrics = {"step_count": 3, "walk_direction": "backward", "cadence_spm": None}
    metrics |= {"trunk_flexion_deg": 4.2, "elapsed_s": 7.4}
    return {"landmarks": None, "setup": GOOD, "metrics": metrics, "state": state}


def test_out_of_view_message_goes_when_the_walker_is_back(page) -> None:
    message = "You walked out of the camera's view."
    page.evaluate(
        """(m) => {
            showCue({code: "left_view", severity: "warning", message: m});
            showAlert({kind: "left_view", message: m});
        }""",
        message,
    )
    assert page.inner_text("#cue") == message and page.is_visible("#alert")
    page.evaluate("(f) => onFrame(f)", _frame("paused"))
    assert page.inner_text("#cue") == message  # still out of view
    page.evaluate("(f) => onFrame(f)", _frame("coaching"))
    assert page.inner_text("#cue") == "" and page.is_hidden("#alert")
    assert page.inner_text("#m-trunk") == "4° forward"
    assert page.inner_text("#m-cadence") == "not yet measured"


def test_summary_lists_cues_in_time_order_and_the_view_is_cleared(page) -> None:
    page.evaluate(
        """() => {
            const c = ui.overlay;
            c.width = 64; c.height = 48;
            const ctx = c.getContext("2d");
            ctx.fillStyle = SKELETON_COLOUR; ctx.fillRect(0, 0, 64, 48);
            showSummary({live: {step_count: 9, duration_s: 21.5, cadence_spm: 88.4,
                cues: [{t_s: 12, message: "late cue"}, {t_s: 2, message: "first cue"}],
                alerts: [{t_s: 7, message: "an alert"}]}});
        }"""
    )
    items = page.locator("#s-cues li").all_inner_texts()
    assert items == ["2 s: first cue", "7 s: an alert", "12 s: late cue"]
    assert page.get_attribute("#s-cues li:nth-child(2)", "class") == "alert-item"
    assert page.inner_text("#s-duration") == "21.5 s"
    assert page.inner_text("#s-cadence") == "88 steps/min"
    drawn = page.evaluate(
        "() => Array.from(ui.overlay.getContext('2d').getImageData(0, 0, 64, 48).data)"
        ".some((v) => v !== 0)"
    )
    assert drawn is False
    assert "finished" in page.get_attribute("#view", "class")
    # A frame answered after Finish does not bring a skeleton back.
    page.evaluate("(f) => onFrame({...f, landmarks: [[0.5, 0.5, 1.0]]})", _frame("coaching"))
    assert page.inner_text("#m-elapsed") != "7 s"
