"""The upload page in headless Chromium against a real server: drag and drop a video, see the
upload and analysis progress, then the result (verdict, cues, metrics, plots, overlay)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from service_support import serve, shared_clip

from service.app import create_app
from service.core.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path):
    """The app on a real port in this process (local pool of one worker)."""
    settings = Settings(data_dir=tmp_path / "data", local_workers=1, _env_file=None)
    with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
def page(server: str, browser):
    page = browser.new_page()
    page.goto(server + "/")
    return page


def drop_file(page, path: Path, mime: str) -> None:
    """Drop ``path`` onto the drop zone the way a user's drag and drop does."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    page.evaluate(
        """([name, data, mime]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, { type: mime }));
            const zone = document.getElementById("drop");
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true,
                                                         cancelable: true }));
            }
        }""",
        [path.name, data, mime],
    )


def test_refused_upload_shows_the_reason(page, tmp_path: Path) -> None:
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is a text file with a video's name\n" * 20)
    drop_file(page, fake, "video/mp4")
    page.wait_for_selector("#message.error")
    message = page.inner_text("#message")
    assert "Upload refused (415)" in message and "holiday.mp4" in message
    assert page.is_hidden("#result")


@pytest.mark.slow
def test_drop_a_backward_walk_and_read_the_result(page) -> None:
    clip = shared_clip("backward_walk_side_demo4.mp4")
    page.fill("#height_cm", "160")
    page.select_option("#population", "community_older_adults")
    drop_file(page, clip, "video/mp4")
    page.wait_for_function("document.getElementById('upload-progress').value === 100")
    page.wait_for_selector("#result:not([hidden])", timeout=600_000)
    assert page.inner_text("#message") == "Done."
    assert int(page.eval_on_selector("#analysis-progress", "e => e.value")) == 100

    verdict = page.inner_text("#fall-risk")
    assert verdict.startswith("Fall-risk screen: ")
    assert "community_older_adults" in verdict
    assert page.locator("#cues li").count() >= 1
    metrics = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
        for row in page.locator("#metrics tr").all()
    }
    assert metrics["Walking direction"] in ("backward", "forward", "standing", "turning")
    assert 4 <= int(metrics["Steps"]) <= 40
    # Plots drawn from the result document: a trunk-angle line and one dot per measured step.
    assert page.locator("#trunk-plot polyline").count() >= 1
    assert page.locator("#steps-plot circle[data-length]").count() >= 2
    # The clip walks forward, then backward: both walks side by side, with their ratios.
    rows = {
        row.locator("td").nth(0).inner_text(): row.locator("td").all_inner_texts()[1:]
        for row in page.locator("#comparison tbody tr").all()
    }
    forward, backward, ratio = rows["Speed"]
    assert forward.endswith(" m/s") and backward.endswith(" m/s")
    assert 0.4 < float(ratio) < 1.0
    assert "Bohannon 2011" in page.inner_text("#forward-norms")
    if page.is_visible("#overlay"):
        page.wait_for_function("document.getElementById('overlay').readyState >= 1", timeout=30_000)
        assert page.eval_on_selector("#overlay", "v => v.duration") > 5
    else:
        assert page.is_visible("#overlay-missing")


SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def mark_floor(page, points_px: list[list[float]], size: tuple[int, int]) -> None:
    """Click ``points_px`` (video pixels) on the first frame shown for marking."""
    page.wait_for_selector("#floor-canvas[data-ready='1']", timeout=30_000)
    canvas = page.locator("#floor-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for x, y in points_px:  # a position on the element (Playwright scrolls it into view)
        canvas.click(position={"x": x * box["width"] / size[0], "y": y * box["height"] / size[1]})


def _sample_3m() -> tuple[Path, dict]:
    clip = SAMPLES / "backward_side_3m.mp4"
    truth = json.loads(clip.with_name("backward_side_3m.truth.json").read_text())
    return clip, truth


def test_3m_test_waits_for_the_floor_marks(page) -> None:
    """The 3 m test is timed between two lines on the floor: the page shows the video's first
    frame, will not analyse before both are marked, and turns the clicks into the video's own
    pixels."""
    clip, truth = _sample_3m()
    page.select_option("#protocol", "3mbwt")
    drop_file(page, clip, "video/mp4")
    page.wait_for_selector("#floor-canvas[data-ready='1']", timeout=30_000)
    assert page.eval_on_selector("#floor-canvas", "c => [c.width, c.height]") == [960, 540]
    page.click("#analyse")
    assert "mark both" in page.inner_text("#message")
    assert page.is_hidden("#progress")  # nothing was sent
    marks = truth["floor_calibration"]["two_point"]["image_px"]
    mark_floor(page, marks, (960, 540))
    assert page.get_attribute("#floor-canvas", "data-marks") == "2"
    cal = page.evaluate("floorCalibration()")
    assert cal["distance_m"] == 3
    for got, want in zip(cal["image_px"], marks, strict=True):
        assert got == pytest.approx(want, abs=1.5)
    page.fill("#floor-length", "")  # no distance: no calibration, and the page says why
    assert page.evaluate("floorCalibration()") is None
    assert "distances in metres" in page.inner_text("#floor-status")
    page.fill("#floor-length", "3")
    assert page.evaluate("floorCalibration()") is not None
    page.click("#floor-clear")
    assert page.evaluate("floorCalibration()") is None


@pytest.mark.slow
def test_marked_3m_test_is_timed(page) -> None:
    clip, truth = _sample_3m()
    page.select_option("#protocol", "3mbwt")
    drop_file(page, clip, "video/mp4")
    mark_floor(page, truth["floor_calibration"]["two_point"]["image_px"], (960, 540))
    page.click("#analyse")
    page.wait_for_selector("#result:not([hidden])", timeout=600_000)
    metrics = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
        for row in page.locator("#metrics tr").all()
    }
    assert float(metrics["3 m backward walk test"]) == pytest.approx(
        truth["test_3mbwt"]["time_s"], abs=0.3
    )
    assert metrics["Step length, mean"] != "not measured"  # metres from the same marks


def test_taped_rectangle_marks_give_a_floor_homography(page) -> None:
    """From the front, the back or at an angle: the four corners of a taped rectangle, with its
    length along the walk and its width, in the order clicked."""
    clip, _ = _sample_3m()
    page.click("#floor-box summary")  # open: the page waits for marks on any protocol
    page.select_option("#floor-mode", "rectangle")
    page.fill("#floor-length", "4")
    page.fill("#floor-width", "1.5")
    drop_file(page, clip, "video/mp4")
    corners = [[200, 480], [180, 520], [800, 520], [780, 480]]
    mark_floor(page, corners, (960, 540))
    assert page.get_attribute("#floor-canvas", "data-marks") == "4"
    cal = page.evaluate("floorCalibration()")
    assert cal["floor_m"] == [[0, 0], [0, 1.5], [4, 1.5], [4, 0]]
    for got, want in zip(cal["image_px"], corners, strict=True):
        assert got == pytest.approx(want, abs=1.5)
    assert page.is_hidden("#progress")  # waiting for Analyse, not uploaded
