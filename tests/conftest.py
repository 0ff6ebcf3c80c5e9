"""Shared fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from service_support import unavailable

SHARED_VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"

# The distribution's Chromium (it has the proprietary codecs the overlay videos need), else the
# first one on PATH.
CHROMIUM_PATHS = (Path("/usr/bin/chromium"),)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Headless and quiet: no GPU, no sandbox (containers), no background network traffic.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="session")
def shared_videos() -> Path:
    """Folder of real test clips (see its MANIFEST.md) beside the repository; skips when absent."""
    if not (SHARED_VIDEOS / "MANIFEST.md").is_file():
        pytest.skip(f"real test clips not available ({SHARED_VIDEOS} is absent)")
    return SHARED_VIDEOS


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the Chromium the browser tests drive; skips when absent (fails under CI=true)."""
    for path in CHROMIUM_PATHS:
        if path.is_file():
            return str(path)
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    unavailable("Chromium is not installed (apt-get install -y chromium)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def playwright_sync_api() -> ModuleType:
    """``playwright.sync_api``; skips when the package is missing (fails under CI=true)."""
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("the playwright Python package is not installed (pip install playwright)")
    return sync_api


class TestBrowser:
    """A Playwright browser whose pages bypass the service's Content-Security-Policy unless asked
    otherwise (``new_page(bypass_csp=False)``): Playwright runs string predicates
    (``page.wait_for_function``) with ``eval``, which the policy forbids.
    tests/test_security_headers_browser.py opens the pages under the real policy."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    def new_page(self, **kwargs: Any) -> Any:
        return self._browser.new_page(**{"bypass_csp": True, **kwargs})

    def new_context(self, **kwargs: Any) -> Any:
        return self._browser.new_context(**{"bypass_csp": True, **kwargs})


@pytest.fixture
def launch_chromium(playwright_sync_api: ModuleType, chromium_executable: str) -> Iterator[Any]:
    """A function ``launch(extra_args=())`` that starts headless Chromium with
    :data:`CHROMIUM_ARGS` (plus ``extra_args``) and returns the Playwright browser; everything
    launched is closed after the test."""
    with playwright_sync_api.sync_playwright() as pw:
        browsers = []

        def launch(extra_args: tuple[str, ...] | list[str] = ()) -> Any:
            b = pw.chromium.launch(
                executable_path=chromium_executable, args=[*CHROMIUM_ARGS, *extra_args]
            )
            browsers.append(b)
            return TestBrowser(b)

        yield launch
        for b in browsers:
            b.close()


@pytest.fixture
def browser(launch_chromium: Any) -> Any:
    """Headless Chromium (a Playwright ``Browser``) with :data:`CHROMIUM_ARGS`, for one test."""
    return launch_chromium()
