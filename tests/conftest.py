"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"


@pytest.fixture(scope="session")
def shared_videos() -> Path:
    """Folder of real test clips (see its MANIFEST.md) beside the repository; skips when absent."""
    if not (SHARED_VIDEOS / "MANIFEST.md").is_file():
        pytest.skip(f"real test clips not available ({SHARED_VIDEOS} is absent)")
    return SHARED_VIDEOS
