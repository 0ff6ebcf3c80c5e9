"""Recordings of several passes (exits, re-entries, a turn, a reflection behind): analysed whole,
every bout measured (pose from the real model: slow)."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.pose import FramePoses

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"


def _in_view() -> dict[str, list[tuple[int, int]]]:
    """Frames [start, stop) where each clip's walker is in view (tests/data/README.md)."""
    path = Path(__file__).resolve().parent / "data" / "bouts_in_view.csv"
    out: dict[str, list[tuple[int, int]]] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["clip"], []).append(
                (int(row["start_frame"]), int(row["stop_frame"]))
            )
    return out


IN_VIEW = _in_view()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=sorted(IN_VIEW))
def clip(request):
    """(stem, detections per frame, fps, frame size) of a bouts clip, the pose model run once."""
    path = VIDEOS / f"{request.param}.mp4"
    if not path.exists():
        pytest.skip(f"real test clip {path.name} not available")
    from vision.pipeline import ExtractOptions, detect_people
    from vision.pose import MediaPipePoseEstimator

    opts = ExtractOptions()
    estimator = MediaPipePoseEstimator(opts.pose)
    try:
        frames, fps, width, height = detect_people(path, estimator, opts)
    finally:
        estimator.close()
    return request.param, frames, fps, (width, height)


def _sequence(frames: list[FramePoses], fps: float, size: tuple[int, int]):
    from vision.pipeline import sequence_from_frames

    return sequence_from_frames(frames, fps, *size)


def test_the_walker_is_followed_wherever_in_view_and_the_reflection_never(clip):
    stem, frames, fps, size = clip
    seq = _sequence(frames, fps, size)
    in_view = np.zeros(len(seq), bool)
    for a, b in IN_VIEW[stem]:
        in_view[a:b] = True
    assert seq.has_pose[in_view].mean() > 0.8
    # Out of view, what is followed is the walker half behind the picture's edge, never the
    # reflection in the cabinet at the middle of the picture (seen alone while they are out).
    hips_x = seq.xy[~in_view & seq.has_pose][:, 23:25, 0].mean(axis=1) / size[0]
    assert np.all((hips_x < 0.25) | (hips_x > 0.75))


def test_every_pass_is_a_bout_and_the_metrics_pool_them(clip):
    _, frames, fps, size = clip
    result = analyze_sequence(_sequence(frames, fps, size), AnalysisOptions(height_cm=170))
    bouts = result.bouts
    # Each clip: one pass left to right, a turn (in view or behind the wardrobe), one back.
    assert [b.direction for b in bouts] == ["forward", "forward"]
    assert all(b.step_count >= 5 for b in bouts)
    assert result.metrics.walk_direction == "forward"
    assert result.metrics.step_count == sum(b.step_count for b in bouts)
    for name in ("speed_mps", "cadence_spm", "step_length_m"):
        values = [getattr(b, name) for b in bouts]
        pooled = getattr(result.metrics, name)
        pooled = pooled.mean if name == "step_length_m" else pooled
        assert all(v is not None for v in values) and pooled is not None, name
        assert min(values) - 0.02 * pooled <= pooled <= max(values) + 0.02 * pooled, name
    # A pass is not a turn: nothing between the passes is read as walking backward.
    assert not any(s.direction == "backward" for s in result.segments)
    assert not any("span a pause" in w for w in result.quality.warnings)


def test_a_second_trial_after_a_long_absence_is_the_same_walker(clip):
    """The physiotherapist's recording: the first pass, the walker out of the picture for 5 s
    (walking back round to the start), the same pass again as a second trial."""
    stem, frames, fps, size = clip
    first = frames[: IN_VIEW[stem][0][1]]
    n, gap = len(first), int(5 * fps)
    empty = [FramePoses(index=n + i, t_s=(n + i) / fps, people=()) for i in range(gap)]
    again = [
        dataclasses.replace(f, index=n + gap + i, t_s=(n + gap + i) / fps)
        for i, f in enumerate(first)
    ]
    seq = _sequence(first + empty + again, fps, size)
    seen = seq.has_pose
    assert seen[n + gap :].sum() == seen[:n].sum() > 0.8 * (n - IN_VIEW[stem][0][0])
    result = analyze_sequence(seq, AnalysisOptions(height_cm=170))
    assert len([b for b in result.bouts if b.direction == "forward"]) >= 2


def test_the_walkers_passes_look_alike(clip):
    """The trunk's colours of one walker's first and last half of the recording (seen from
    either side) match far better than rejoining asks."""
    from vision.appearance import similarity, typical
    from vision.tracking import TrackingOptions, track_people

    _, frames, fps, _ = clip
    subject = [p for p in track_people(frames, fps).subject if p is not None]
    half = len(subject) // 2
    looks = [
        typical([p.appearance for p in part if p.appearance is not None])
        for part in (subject[:half], subject[half:])
    ]
    assert looks[0] is not None and looks[1] is not None
    assert similarity(looks[0], looks[1]) > TrackingOptions().rejoin_min_similarity + 0.2


def test_two_people_dressed_differently_do_not_look_alike():
    """The walker and the man jumping on a box in two_people_side_occluded.mp4."""
    path = VIDEOS / "two_people_side_occluded.mp4"
    if not path.exists():
        pytest.skip(f"real test clip {path.name} not available")
    from vision.appearance import similarity, typical
    from vision.pipeline import ExtractOptions, detect_people
    from vision.pose import MediaPipePoseEstimator
    from vision.tracking import TrackingOptions, link_tracks, merge_fragments

    opts = ExtractOptions()
    estimator = MediaPipePoseEstimator(opts.pose)
    try:
        frames, fps, _, _ = detect_people(path, estimator, opts)
    finally:
        estimator.close()
    tracks = sorted(merge_fragments(link_tracks(frames, fps), fps), key=lambda t: -len(t.rows))
    looks = [
        typical([p.appearance for p in t.poses.values() if p.appearance is not None])
        for t in tracks[:2]
    ]
    assert looks[0] is not None and looks[1] is not None
    assert similarity(looks[0], looks[1]) < TrackingOptions().rejoin_min_similarity
