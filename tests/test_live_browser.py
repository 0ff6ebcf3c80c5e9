"""End to end: the /live page in headless Chromium, whose fake camera plays the real backward-walk
clip, against a real uvicorn server with the real pose model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from service_support import serve, shared_clip

CLIP = "backward_walk_side_demo4.mp4"
SKELETON_RGB = np.array([0, 255, 102])  # live.js SKELETON_COLOUR

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def write_y4m(video: Path, out: Path, size: tuple[int, int] = (640, 360)) -> Path:
    """The clip as a raw YUV4MPEG2 file (what Chromium's fake camera plays, looping)."""
    import cv2

    cap = cv2.VideoCapture(str(video))
    fps = round(cap.get(cv2.CAP_PROP_FPS)) or 30
    w, h = size
    with open(out, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            yuv = cv2.cvtColor(
                cv2.resize(bgr, size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2YUV_I420
            )
            fh.write(b"FRAME\n")
            fh.write(yuv.tobytes())
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app (SQLite in a temporary folder) served by uvicorn on a free loopback port."""
    from service.app import create_app
    from service.core.settings import Settings

    data = tmp_path_factory.mktemp("data")
    with serve(create_app(Settings(data_dir=data, local_workers=0))) as url:
        yield url


def skeleton_pixels(png: bytes) -> int:
    import cv2

    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]
    return int((np.abs(img.astype(int) - SKELETON_RGB).max(axis=2) < 40).sum())


def test_live_page_counts_backward_steps_and_coaches(
    server: str, tmp_path: Path, launch_chromium: Callable[..., Any]
) -> None:
    y4m = write_y4m(shared_clip(CLIP), tmp_path / "camera.y4m")
    browser = launch_chromium(
        [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
        ]
    )
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/live")
    page.click("#camera")
    page.check("#space-clear")
    # The set-up check passes once the walker is whole and side-on in view.
    page.wait_for_function("!document.querySelector('#start').disabled", timeout=60_000)
    page.evaluate(
        "window.cuesShown = [];"
        "new MutationObserver(() => { const t = document.querySelector('#cue').textContent;"
        " if (t) window.cuesShown.push(t); })"
        ".observe(document.querySelector('#cue'), {childList: true, subtree: true});"
    )
    page.click("#start")
    page.wait_for_function(
        "document.querySelector('#m-direction').textContent === 'backward'", timeout=60_000
    )
    page.wait_for_function(
        "Number(document.querySelector('#m-steps').textContent) >= 4"
        " && window.cuesShown.length > 0",
        timeout=60_000,
    )
    # The skeleton is drawn over the video while the walker is in view.
    best = 0
    for _ in range(40):
        best = max(best, skeleton_pixels(page.locator("#view").screenshot()))
        if best > 300:
            break
        page.wait_for_timeout(250)
    page.screenshot(path=str(tmp_path / "live.png"))
    assert best > 300, f"only {best} skeleton-coloured pixels on the overlay"
    steps = int(page.text_content("#m-steps"))
    shown = page.evaluate("window.cuesShown")
    page.click("#stop")
    page.wait_for_selector("#summary:not([hidden])", timeout=90_000)
    summary_steps = int(page.text_content("#s-steps"))
    cues = page.locator("#s-cues li").count()
    assert summary_steps >= steps >= 4
    assert cues >= 1 and shown, shown
    assert not errors, errors


def test_api_key_typed_on_the_upload_page_is_remembered_on_the_live_page(
    server: str, browser: Any
) -> None:
    page = browser.new_page()
    page.goto(f"{server}/")
    page.click("#key-box summary")
    page.fill("#api-key", "k-shared-123")
    page.dispatch_event("#api-key", "change")
    page.goto(f"{server}/live")
    assert page.input_value("#api-key") == "k-shared-123"
