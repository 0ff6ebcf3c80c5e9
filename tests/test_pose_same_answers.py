"""The ONNX backend gives the Tasks backend's landmarks on every real clip and every sample.

Both backends run the same networks. With the detector scheduled as the Tasks graph schedules it
(every frame while fewer than ``num_poses`` people are tracked, ``detect_interval_s=0``), every
region of interest is the same, so the subject's landmarks must agree to a fraction of a pixel:
median under 1 px and 95th percentile under 3 px over the frames where both see the subject.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vision.pipeline import ExtractOptions, extract_pose
from vision.pose import MediaPipePoseEstimator, PoseOptions
from vision.pose_onnx import OnnxOptions, OnnxPoseEstimator
from vision.sequence import PoseSequence

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
SHARED_CLIPS = (
    "backward_walk_side_demo4.mp4",
    "forward_walk_side_labeled.mp4",
    "forward_walk_side_60fps.mp4",
    "two_people_side_occluded.mp4",
    "forward_walk_back_view_handheld_crowd.mp4",
    "forward_walk_oblique_overlay.avi",
    "john_side_labeled.mp4",
    "john_side_markers_labeled.mp4",
    "forward_circumduction_side_bouts.mp4",
    "forward_no_arm_swing_side_bouts.mp4",
    "forward_slouch_side_bouts.mp4",
)
SAMPLE_CLIPS = tuple(sorted(p.name for p in SAMPLES.glob("*.mp4")))
# Landmarks only: camera and foot motion do not depend on the backend.
EXTRACT = ExtractOptions(camera_motion=None, foot_motion=None)


def _subject(clip: Path, estimator: MediaPipePoseEstimator | OnnxPoseEstimator) -> PoseSequence:
    with estimator:
        return extract_pose(clip, EXTRACT, estimator=estimator)


def assert_same_landmarks(clip: Path) -> None:
    tasks = _subject(clip, MediaPipePoseEstimator(PoseOptions()))
    onnx = _subject(
        clip, OnnxPoseEstimator(PoseOptions(), OnnxOptions(detect_interval_s=0.0, threads=1))
    )
    both = tasks.has_pose & onnx.has_pose
    assert both.sum() >= 0.9 * max(tasks.has_pose.sum(), onnx.has_pose.sum())
    gap = np.linalg.norm(tasks.image[both][:, :, :2] - onnx.image[both][:, :, :2], axis=-1)
    assert np.median(gap) < 1.0, f"median {np.median(gap):.2f} px"
    assert np.percentile(gap, 95) < 3.0, f"95th percentile {np.percentile(gap, 95):.2f} px"


@pytest.mark.slow
@pytest.mark.parametrize("name", SHARED_CLIPS)
def test_same_landmarks_on_the_real_clips(shared_videos: Path, name: str) -> None:
    assert_same_landmarks(shared_videos / name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SAMPLE_CLIPS)
def test_same_landmarks_on_the_samples(name: str) -> None:
    assert_same_landmarks(SAMPLES / name)
