"""Pose extraction split over processes (vision.parallel): the plan, the seams, the result."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from service.cli import main as cli_main
from vision.camera_motion import compose, inverse
from vision.parallel import Stretch, join_stretches, plan_stretches
from vision.pipeline import ExtractOptions, extract_pose
from vision.pose import FramePoses, PoseOptions

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "backward_side_3m.mp4"


def test_stretches_cover_every_frame_once_with_warm_ups() -> None:
    plan = plan_stretches(401, 30.0, workers=2, overlap_s=1.0)
    assert plan == [Stretch(0, 0, 201), Stretch(171, 201, 401)]
    plan = plan_stretches(1000, 30.0, workers=3, overlap_s=1.0)
    assert [s.start for s in plan] == [0, 334, 668] and plan[-1].stop == 1000
    assert all(s.start - s.warm == 30 for s in plan[1:])


def test_a_short_video_is_not_split_into_mostly_warm_up() -> None:
    assert plan_stretches(50, 30.0, workers=4, overlap_s=1.0) == [Stretch(0, 0, 50)]
    assert len(plan_stretches(130, 30.0, workers=4, overlap_s=1.0)) == 2


def _frames(indices: range, camera_start: float) -> list[FramePoses]:
    return [
        FramePoses(i, i / 30, (), camera=(0.0, camera_start + (i - indices[0]), 0.0))
        for i in indices
    ]


def test_joined_stretches_keep_their_frames_and_continue_the_camera_motion() -> None:
    # The camera pans 1 px per frame; the second worker counts its pan from its own first frame.
    stretches = [Stretch(0, 0, 10), Stretch(5, 10, 20)]
    joined = join_stretches([_frames(range(0, 10), 0.0), _frames(range(5, 20), 0.0)], stretches)
    assert [f.index for f in joined] == list(range(20))
    assert [f.camera[1] for f in joined] == [float(i) for i in range(20)]


@pytest.mark.slow
def test_a_zooming_camera_is_continued_across_the_seam() -> None:
    # A camera closing in (zoom 1 % a frame) while panning: zoom and shift compose, so the
    # second worker's motion, counted from its own first frame, cannot just be offset.
    step = np.array([np.log(1.01), 3.0, -1.0])
    truth = [np.zeros(3)]
    for _ in range(19):
        truth.append(compose(truth[-1], step))
    stretches = [Stretch(0, 0, 10), Stretch(5, 10, 20)]

    def worker(indices: range) -> list[FramePoses]:
        origin = inverse(truth[indices[0]])
        return [FramePoses(i, i / 30, (), camera=tuple(compose(origin, truth[i]))) for i in indices]

    joined = join_stretches([worker(range(0, 10)), worker(range(5, 20))], stretches)
    got = np.array([f.camera for f in joined])
    np.testing.assert_allclose(got, np.array(truth), atol=1e-9)
    assert got[-1, 1] > 60.0  # the shift grew with the zoom: an offset would be off here


def test_two_workers_give_the_tasks_backend_s_landmarks_of_one() -> None:
    # With two poses asked for and one person in view the Tasks graph takes each frame's region
    # from the detector, so a seam changes nothing.
    one = extract_pose(SAMPLE, ExtractOptions(pose=PoseOptions(), workers=1))
    two = extract_pose(SAMPLE, ExtractOptions(pose=PoseOptions(), workers=2))
    assert np.array_equal(one.frame_index, two.frame_index)
    np.testing.assert_array_equal(one.has_pose, two.has_pose)
    np.testing.assert_allclose(one.image, two.image, atol=1e-3)
    assert two.camera is not None and np.abs(two.camera - one.camera).max() < 1.0


def test_workers_forked_from_a_process_that_ran_opencv_threads_finish_and_restore_it() -> None:
    # The workers fork from a process whose OpenCV thread pool has run: they must not hang on
    # the pool (a worker resizing a pool inherited through fork waits forever), and the parent
    # must get its own thread count back. Run in a process of its own, so a hang fails here.
    script = f"""
import cv2, numpy as np
from vision.pipeline import ExtractOptions, extract_pose
from vision.pose import PoseOptions
cv2.GaussianBlur(np.zeros((720, 1280), np.uint8), (3, 3), 0)
before = cv2.getNumThreads()
options = ExtractOptions(pose=PoseOptions(backend="onnx"), workers=2)
seq = extract_pose({str(SAMPLE)!r}, options)
print(float(seq.has_pose.mean()), before, cv2.getNumThreads())
"""
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, _ = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the forked workers too
        child.communicate()
        pytest.fail("pose extraction over two workers hung")
    assert child.returncode == 0
    found, before, after = out.split()
    assert float(found) > 0.9
    assert after == before


def test_cli_refuses_zero_workers() -> None:
    with pytest.raises(SystemExit) as exc:
        cli_main(["analyze", str(SAMPLE), "--workers", "0"])
    assert exc.value.code == 2
