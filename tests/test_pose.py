"""The pose model bundle and the MediaPipe backend with subject tracking, on real clips."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from vision.pipeline import detect_people, extract_pose, sequence_from_frames
from vision.pose import MediaPipePoseEstimator, PoseOptions, default_model_path
from vision.tracking import hip_centre

MODELS = Path(__file__).resolve().parents[1] / "models"


def test_bundled_model_matches_its_recorded_sha256() -> None:
    recorded = re.search(r"sha256 `([0-9a-f]{64})`", (MODELS / "README.md").read_text())
    assert recorded, "models/README.md must record the bundle's sha256"
    digest = hashlib.sha256(default_model_path().read_bytes()).hexdigest()
    assert digest == recorded.group(1)


def test_estimator_finds_nobody_in_a_blank_frame() -> None:
    with MediaPipePoseEstimator(PoseOptions()) as est:
        assert est.estimate(np.full((480, 640, 3), 128, np.uint8), 0.0) == []


def test_estimator_rejects_non_rgb_input() -> None:
    with MediaPipePoseEstimator() as est, pytest.raises(ValueError, match="RGB"):
        est.estimate(np.zeros((480, 640), np.uint8), 0.0)


@pytest.mark.slow
def test_subject_landmarks_cover_the_backward_walk_clip(shared_videos: Path) -> None:
    seq = extract_pose(shared_videos / "backward_walk_side_demo4.mp4")
    assert len(seq) == 401 and seq.fps == pytest.approx(30, abs=0.1)
    # MANIFEST: she walks in at about frame 25 and leaves after about 345; fully in view between.
    in_view = (seq.frame_index >= 35) & (seq.frame_index <= 335)
    assert seq.has_pose[in_view].mean() >= 0.95
    x = seq.xy[seq.has_pose][:, :, 0]
    assert np.all((x > -0.2 * seq.width) & (x < 1.2 * seq.width))
    assert seq.world[seq.has_pose].std() < 1.0  # metres, hip-centred
    assert seq.meta["backend"] == "mediapipe-tasks"


@pytest.mark.slow
def test_subject_is_the_walking_woman_not_the_man_on_the_box(shared_videos: Path) -> None:
    with MediaPipePoseEstimator() as est:
        frames, fps, width, height = detect_people(
            shared_videos / "two_people_side_occluded.mp4", est
        )
    seq = sequence_from_frames(frames, fps, width, height)

    # The woman walks right to left along the lower part of the frame while the man stands and
    # jumps on the box (upper left); she leaves the frame at about frame 200, when he jumps down
    # and runs off to the right (checked by eye). Until then a detection whose hips are in the
    # lower part of the frame is the woman.
    def is_woman(p) -> bool:  # noqa: ANN001
        return hip_centre(p)[1] > 0.55 * height

    visible = [i for i, f in enumerate(frames[:195]) if any(is_woman(p) for p in f.people)]
    assert len(visible) > 100
    subject_hips_y = seq.xy[visible][:, [23, 24], 1].mean(axis=1)
    is_subject_woman = np.nan_to_num(subject_hips_y, nan=0.0) > 0.55 * height
    assert is_subject_woman.mean() >= 0.90
    assert len(seq.meta["others_seen"]) >= 1
