"""Error messages name the file as the user knows it, not the copy the service stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_support import wait_for, write_test_video

from service.app import create_app
from service.core.settings import Settings
from service.jobs.analysis import in_user_terms

USER_NAME = "Mrs Jones, visit 2.mp4"


def test_stored_name_is_replaced_by_the_uploaded_one() -> None:
    stored = Path("/data/analyses/abc/video.mp4")
    message = "no person was detected in video.mp4"
    assert in_user_terms(message, stored, USER_NAME) == f"no person was detected in {USER_NAME}"
    assert in_user_terms(message, stored, "") == "no person was detected in the upload"


@pytest.mark.slow
def test_failed_upload_names_the_users_file(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "square.mp4", seconds=1.0)  # a moving square, no person
    settings = Settings(
        data_dir=tmp_path / "data", local_workers=1, render_overlay=False, _env_file=None
    )
    with TestClient(create_app(settings)) as client:
        with clip.open("rb") as fh:
            r = client.post("/v1/analyses", files={"video": (USER_NAME, fh, "video/mp4")})
        assert r.status_code == 202, r.text
        url = f"/v1/analyses/{r.json()['id']}"
        doc = wait_for(
            lambda: (d := client.get(url).json())["status"] in ("done", "failed") and d,
            180,
            "the analysis to finish",
        )
    assert doc["status"] == "failed"
    assert doc["error"] == f"no person was detected in {USER_NAME}"
