"""Decoding a stretch of a video from its keyframe gives the frames of a whole pass."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from vision.keyframes import plan_seek, read_seek_plan
from vision.video import iter_frames


def test_plan_starts_at_the_last_keyframe_before_the_start() -> None:
    # Packets in decode order (B-frames make it differ from presentation order).
    pts = [0, 30, 10, 20, 60, 40, 50, 90, 70, 80]
    plan = plan_seek(pts, [0, 60], first_pts=0, start=7)
    assert plan is not None and plan.keyframe_pts == 60
    assert [plan.index_of(p) for p in (0, 40, 60, 90)] == [0, 4, 6, 9]
    assert plan.index_of(45) is None
    # Before the second keyframe there is nothing to skip.
    assert plan_seek(pts, [0, 60], first_pts=0, start=5) is None


def test_no_plan_where_timestamps_cannot_number_the_frames() -> None:
    assert plan_seek([0, None, 20, 30], [0, 20], first_pts=0, start=3) is None  # missing
    assert plan_seek([0, 10, 10, 30], [0, 30], first_pts=0, start=3) is None  # repeated
    assert plan_seek([0, 10, 20, 30], [0, 20], first_pts=0, start=0) is None  # from the start
    assert plan_seek([0, 10, 20, 30], [0, 20], first_pts=0, start=4) is None  # past the end


def test_packets_before_the_first_frame_are_not_frames() -> None:
    # An edit list discards the packet at -10: frame 0 is the one at 0.
    plan = plan_seek([-10, 0, 10, 20, 30], [-10, 20], first_pts=0, start=3)
    assert plan is not None and plan.keyframe_pts == 20 and plan.index_of(30) == 3


def _write_gops(path: Path, frames: int, gop: int) -> Path:
    """An H.264 clip with a keyframe every ``gop`` frames and B-frames between."""
    rng = np.random.default_rng(5)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        stream.options = {"g": str(gop), "keyint_min": str(gop), "bf": "2", "sc_threshold": "0"}
        for i in range(frames):
            rgb = rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)
            rgb[:8, : i + 1] = 255  # a growing bar: no two frames alike
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode(None))
    return path


@pytest.mark.parametrize("start", [1, 9, 10, 11, 25, 39])
def test_a_stretch_decoded_from_its_keyframe_is_that_of_a_whole_pass(
    tmp_path: Path, start: int
) -> None:
    path = _write_gops(tmp_path / "gops.mp4", frames=40, gop=10)
    with av.open(str(path)) as container:
        plan = read_seek_plan(container, container.streams.video[0], start)
    assert (plan is not None) == (start >= 10)  # the file allows seeking past its first GOP
    whole = list(iter_frames(path))
    part = list(iter_frames(path, start=start))
    assert [f.index for f in part] == list(range(start, 40))
    for a, b in zip(whole[start:], part, strict=True):
        assert (a.index, a.t_s) == (b.index, b.t_s)
        assert np.array_equal(a.rgb, b.rgb)


@pytest.mark.parametrize(
    ("name", "start"),
    [("backward_walk_side_demo4.mp4", 200), ("forward_walk_oblique_overlay.avi", 50)],
)
def test_real_clip_stretch_is_that_of_a_whole_pass(
    shared_videos: Path, name: str, start: int
) -> None:
    path = shared_videos / name
    with av.open(str(path)) as container:
        assert read_seek_plan(container, container.streams.video[0], start) is not None
    whole = [f for f in iter_frames(path, max_side=320) if start <= f.index < start + 30]
    part = []
    for frame in iter_frames(path, max_side=320, start=start):
        part.append(frame)
        if len(part) == len(whole):
            break
    assert [(f.index, f.t_s) for f in part] == [(f.index, f.t_s) for f in whole]
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(whole, part, strict=True))
