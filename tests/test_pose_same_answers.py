"""The ONNX backend gives the Tasks backend's landmarks on every real clip and every sample.

Both backends run the same networks. With the detector scheduled as the Tasks graph schedules it
(every frame while fewer than ``num_poses`` people are tracked, ``detect_interval_s=0``), every
region of interest is the same, so the subject's landmarks must agree to a fraction of a pixel:
median under 1 px and 95th percentile under 3 px over the frames where both see the subject.

Where that does not hold yet the test is an expected failure (strict: it fails once the gap is
closed, so the mark goes). On those clips the gap lies where the model guesses and where a
region is not re-anchored: in points the pose model itself marks hidden (visibility under 0.5:
the far-side hand and foot in a side view), and in frames where a person's region comes from
their previous landmarks alone because the detector finds nobody there (a walker leaving the
picture or behind a tree, the two people of the two-person clip, tracked together), so that each
frame's difference feeds the next. The crowd clip adds a subject seen from behind among
shoppers, where the model's answer is loose even on the points it marks visible. Moving a region
by a hundredth of a pixel, about what the two runtimes' detector outputs differ by in a 1080p
frame, moves some of these points by a pixel or more. ``bench/same_answers.py`` prints the gap
split both ways, and the ONNX backend against itself with its regions so moved.

How much of the gap any second run would show is measured too: the Tasks backend shown every
frame moved sideways by one pixel (a camera nudged by a pixel) moves its own landmarks further
from its first run than the ONNX backend is from it, on every clip (median 0.9-2.8 px, 95th
percentile 7-170 px, against 0.1-1.6 and 1.7-32 px). A network this sensitive to a sub-pixel
change of its input region cannot agree with another runtime to a fraction of a pixel on the
points it guesses; the ONNX backend must at least agree with Tasks as closely as Tasks agrees
with itself.

The backend's own schedule (the detector every 0.5 s) takes each person's region from their
previous landmarks instead; landmarks then differ by a few pixels, but the subject must be the
same person.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from vision.pipeline import ExtractOptions, extract_pose
from vision.pose import MediaPipePoseEstimator, PoseOptions
from vision.pose.nudged import NudgedEstimator
from vision.pose.onnx import OnnxOptions, OnnxPoseEstimator
from vision.sequence import PoseSequence

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
_HIDDEN_POINTS = pytest.mark.xfail(
    strict=True, reason="95th percentile over 3 px: points the model marks hidden (module doc)"
)
_CROWD = pytest.mark.xfail(
    strict=True, reason="median over 1 px: a hand-held camera among shoppers (see module doc)"
)
SHARED_CLIPS = (
    "backward_walk_side_demo4.mp4",
    pytest.param("forward_walk_side_labeled.mp4", marks=_HIDDEN_POINTS),
    "forward_walk_side_60fps.mp4",
    pytest.param("two_people_side_occluded.mp4", marks=_HIDDEN_POINTS),
    pytest.param("forward_walk_back_view_handheld_crowd.mp4", marks=_CROWD),
    "forward_walk_oblique_overlay.avi",
    pytest.param("john_side_labeled.mp4", marks=_HIDDEN_POINTS),
    "john_side_markers_labeled.mp4",
    pytest.param("forward_circumduction_side_bouts.mp4", marks=_HIDDEN_POINTS),
    pytest.param("forward_no_arm_swing_side_bouts.mp4", marks=_HIDDEN_POINTS),
    pytest.param("forward_slouch_side_bouts.mp4", marks=_HIDDEN_POINTS),
)
SAMPLE_CLIPS = (
    "backward_front.mp4",
    pytest.param("backward_limp_side.mp4", marks=_HIDDEN_POINTS),
    "backward_side_3m.mp4",
    "forward_oblique.mp4",
)
# Landmarks only: camera and foot motion do not depend on the backend.
EXTRACT = ExtractOptions(camera_motion=None, foot_motion=None)


@functools.cache
def _subject(
    clip: Path, backend: str, detect_interval_s: float = 0.0, nudge_px: int = 0
) -> PoseSequence:
    """The subject's landmarks in ``clip`` by ``backend`` (``detect_interval_s``: the ONNX
    detector's schedule), the picture nudged ``nudge_px`` sideways; kept for the module (each
    run of a clip takes seconds to a minute)."""
    estimator: MediaPipePoseEstimator | OnnxPoseEstimator | NudgedEstimator
    if backend == "tasks":
        estimator = MediaPipePoseEstimator(PoseOptions())
    else:
        onnx = OnnxOptions(detect_interval_s=detect_interval_s, threads=1)
        estimator = OnnxPoseEstimator(PoseOptions(), onnx)
    if nudge_px:
        estimator = NudgedEstimator(estimator, nudge_px)
    with estimator:
        return extract_pose(clip, EXTRACT, estimator=estimator)


def _gaps(clip: Path, other: PoseSequence) -> np.ndarray:
    """Pixel distances between the subject's landmarks by Tasks and in ``other``, frames where
    both see the subject."""
    tasks = _subject(clip, "tasks")
    both = tasks.has_pose & other.has_pose
    assert both.sum() >= 0.8 * max(tasks.has_pose.sum(), other.has_pose.sum())
    return np.linalg.norm(tasks.xy[both] - other.xy[both], axis=-1)


def assert_same_landmarks(clip: Path) -> None:
    gap = _gaps(clip, _subject(clip, "onnx", detect_interval_s=0.0))
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


@pytest.mark.slow
@pytest.mark.parametrize("name", ["two_people_side_occluded.mp4", "backward_walk_side_demo4.mp4"])
def test_own_schedule_follows_the_same_subject(shared_videos: Path, name: str) -> None:
    # The woman walks behind a tree while the man stays in view: losing her must not hand the
    # subject to him (his landmarks are hundreds of pixels from hers).
    clip = shared_videos / name
    gap = _gaps(clip, _subject(clip, "onnx", detect_interval_s=0.5))
    assert np.median(gap) < 4.0, f"median {np.median(gap):.2f} px"


def _names(clips: tuple[object, ...]) -> list[str]:
    """The clips' file names, without the marks of the test above."""
    return [c if isinstance(c, str) else str(c.values[0]) for c in clips]  # type: ignore[attr-defined]


def assert_as_close_as_tasks_to_itself(clip: Path) -> None:
    onnx = _gaps(clip, _subject(clip, "onnx", detect_interval_s=0.0))
    own = _gaps(clip, _subject(clip, "tasks", nudge_px=1))
    assert np.median(onnx) <= np.median(own), f"median {np.median(onnx):.2f} > {np.median(own):.2f}"
    p95, own95 = np.percentile(onnx, 95), np.percentile(own, 95)
    assert p95 <= own95, f"95th percentile {p95:.2f} > {own95:.2f} px"


@pytest.mark.slow
@pytest.mark.parametrize("name", _names(SHARED_CLIPS))
def test_backends_as_close_as_tasks_to_itself_on_the_real_clips(
    shared_videos: Path, name: str
) -> None:
    assert_as_close_as_tasks_to_itself(shared_videos / name)


@pytest.mark.slow
@pytest.mark.parametrize("name", _names(SAMPLE_CLIPS))
def test_backends_as_close_as_tasks_to_itself_on_the_samples(name: str) -> None:
    assert_as_close_as_tasks_to_itself(SAMPLES / name)
