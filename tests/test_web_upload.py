"""The upload page in headless Chromium against a real server: drag and drop a video, see the
upload and analysis progress, then the result (verdict, cues, metrics, plots, overlay)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from service_support import need_pipeline, serve, shared_clip

from service.app import create_app
from service.settings import Settings

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
    need_pipeline()
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
    # Plots drawn from the result document: a trunk-angle line and one bar per measured step.
    assert page.locator("#trunk-plot polyline").count() >= 1
    assert page.locator("#steps-plot rect").count() >= 2
    if page.is_visible("#overlay"):
        page.wait_for_function("document.getElementById('overlay').readyState >= 1", timeout=30_000)
        assert page.eval_on_selector("#overlay", "v => v.duration") > 5
    else:
        assert page.is_visible("#overlay-missing")
