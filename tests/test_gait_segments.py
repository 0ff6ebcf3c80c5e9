"""Walking segments (forward / standing / backward) on synthetic walks and on the real clip with
a pause between a forward and a backward walk."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from vision import landmarks as lm
from vision.gait.body import despiked, leg_swaps, with_legs_exchanged
from vision.gait.direction import (
    DirectionOptions,
    analyze_direction,
    classify_view,
    width_ratio,
)
from vision.gait.facing import facing_between_turns
from vision.gait.travel import path_angle_deg
from vision.sequence import PoseSequence
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"
DEMO = VIDEOS / "backward_walk_side_demo4.mp4"


def _direction(seq: PoseSequence, options: DirectionOptions | None = None):
    """Direction analysis on the landmarks as the analysis prepares them for events."""
    options = options or DirectionOptions()
    swapped = leg_swaps(seq.xy, seq.t_s)
    base = replace(
        seq,
        image=with_legs_exchanged(seq.image, swapped),
        world=with_legs_exchanged(seq.world, swapped),
        visibility=with_legs_exchanged(seq.visibility, swapped),
    ).filled(0.25)
    ev = replace(base, image=despiked(base.image, base.fps)).smoothed(12.0)
    size = (seq.width, seq.height)
    return analyze_direction(ev.xy, base.t_s, options, image_size=size), base


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_side_walk_reads_standing_walk_standing(direction):
    truth = simulate_walk(
        WalkParams(n_steps=8, direction=direction, stand_before_s=1.0, stand_after_s=1.0)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=2)
    d, _ = _direction(seq)
    assert [s.direction for s in d.segments] == ["standing", direction, "standing"]
    walk = d.segments[1]
    ref = [s for s in truth.segments if s["direction"] == direction][0]
    # The first step leaves the floor a little after the pelvis starts to move: standing lasts
    # until the feet move (see the real clip below), so the start may read up to 0.35 s late.
    assert ref["start_s"] - 0.1 <= walk.start_s <= ref["start_s"] + 0.35
    assert abs(walk.end_s - ref["end_s"]) <= 0.5


def test_slow_walk_is_not_cut_into_standing_pieces():
    # 80 steps/min with short steps: the pelvis slows down at every double support.
    truth = simulate_walk(
        WalkParams(n_steps=10, direction="backward", cadence_spm=80.0, step_length_m=0.25)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=4)
    d, _ = _direction(seq)
    assert [s.direction for s in d.segments] == ["standing", "backward", "standing"]


@pytest.mark.slow
def test_real_clip_forward_pause_backward():
    """backward_walk_side_demo4: looking at the frames, she finishes her last forward step at
    frame ~162 (feet together), both feet stay planted through frame ~183 while the hips start
    to sway back from ~177, and the right foot lifts for the first backward step at ~184."""
    if not DEMO.exists():
        pytest.skip(f"real test clip {DEMO.name} not available")
    from vision.pipeline import extract_pose

    seq = extract_pose(DEMO)
    d, base = _direction(seq)
    segs = [
        (
            s.direction,
            int(base.frame_index[np.argmin(np.abs(base.t_s - s.start_s))]),
            int(base.frame_index[np.argmin(np.abs(base.t_s - s.end_s))]),
        )
        for s in d.segments
    ]
    assert [s[0] for s in segs] == ["forward", "standing", "backward"], segs
    (_, f0, f1), (_, s0, s1), (_, b0, b1) = segs
    assert f0 <= 45 and 157 <= f1 <= 167
    assert 158 <= s0 <= 168 and 177 <= s1 <= 188
    assert 178 <= b0 <= 190 and b1 >= 335
    assert all(s.view == "side" for s in d.segments if s.direction != "standing")


@pytest.mark.parametrize(
    ("view", "lo", "hi"),
    [("side", 0.0, 10.0), ("oblique", 20.0, 45.0), ("front", 75.0, 90.0), ("back", 75.0, 90.0)],
)
def test_path_angle_from_apparent_size_and_position(view, lo, hi):
    truth = simulate_walk(WalkParams(n_steps=8))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise(), seed=1)
    assert lo <= path_angle_deg(seq.xy, (seq.width, seq.height)) <= hi
    # Without the image size the focal length is guessed; the path keeps its kind.
    assert lo - 10.0 <= path_angle_deg(seq.xy) <= hi + 5.0


def test_standing_subject_has_no_path():
    truth = simulate_walk(WalkParams(n_steps=8, stand_before_s=2.0))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "front")
    seq = landmark_sequence(truth, cam, LandmarkNoise(), seed=1)
    still = truth.t_s < 1.5
    assert np.isnan(path_angle_deg(seq.xy[still], (seq.width, seq.height)))


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_back_view_with_narrow_shoulders_is_still_a_back_view(direction):
    """BlazePose draws a back seen from behind about 0.45 trunk lengths wide, which alone reads
    as oblique (and then the walk along the line of sight as standing still)."""
    truth = simulate_walk(WalkParams(n_steps=8, direction=direction))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "back")
    seq = landmark_sequence(truth, cam, LandmarkNoise(), seed=4)
    image = seq.image.copy()
    for a, b in ((lm.L_SHOULDER, lm.R_SHOULDER), (lm.L_HIP, lm.R_HIP)):
        mid = 0.5 * (image[:, a, 0] + image[:, b, 0])
        for k in (a, b):
            image[:, k, 0] = mid + 0.6 * (image[:, k, 0] - mid)
    seq = replace(seq, image=image)
    assert np.nanmedian(width_ratio(seq.xy)) < DirectionOptions().frontal_width_ratio
    d, _ = _direction(seq)
    assert d.view == "back"
    assert d.walk_direction == direction


@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_front_and_back_walks_read_standing_walk_standing(view, direction):
    """Along the line of sight travel is read from apparent size. Closing the feet at the end
    straightens the legs and lengthens the body, which read as a short walk the other way."""
    truth = simulate_walk(
        WalkParams(n_steps=8, direction=direction, stand_before_s=1.0, stand_after_s=1.0)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    d, _ = _direction(seq)
    assert [s.direction for s in d.segments] == ["standing", direction, "standing"]
    assert {s.view for s in d.segments} == {view}
    ref = [s for s in truth.segments if s["direction"] == direction][0]
    assert abs(d.segments[1].start_s - ref["start_s"]) < 0.45
    assert abs(d.segments[1].end_s - ref["end_s"]) < 0.35


def test_coming_to_rest_is_not_a_short_walk_the_other_way():
    """A front-view limp walked backward away from the camera: after the last step the apparent
    size keeps changing a little (feet closing, weight settling) at about 0.1 BH/s for half a
    second. That carries the pelvis a few hundredths of a body height: standing, not a short
    forward walk that would take the closing step out of the backward walk."""
    truth = simulate_walk(
        WalkParams(direction="backward", n_steps=8, asymmetry=0.15, sway_ml_m=0.06)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "front")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    d, _ = _direction(seq)
    assert [s.direction for s in d.segments] == ["standing", "backward", "standing"]
    last_contact = max(e["t_s"] for e in truth.events if e["type"] == "contact")
    assert d.segments[1].end_s >= last_contact - 0.1
    # Without the rule the settling is read as walking forward.
    loose, _ = _direction(seq, DirectionOptions(min_walk_bh=0.0))
    assert "forward" in [s.direction for s in loose.segments]


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_back_view_walk_keeps_its_facing_when_left_and_right_flip(direction):
    """Seen from behind, the pose model swaps the shoulders' and hips' left/right order in
    stretches: that must not read as turning round on the spot (nobody turns without showing
    the camera a side)."""
    truth = simulate_walk(
        WalkParams(n_steps=8, direction=direction, stand_before_s=0.6, stand_after_s=0.6)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "back")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=3)
    image = seq.image.copy()
    flipped = (np.arange(len(image)) // 12) % 3 == 1  # a third of the time, 0.4 s at a stretch
    for a, b in ((lm.L_SHOULDER, lm.R_SHOULDER), (lm.L_HIP, lm.R_HIP)):
        image[flipped, a], image[flipped, b] = seq.image[flipped, b], seq.image[flipped, a]
    d, _ = _direction(replace(seq, image=image))
    assert d.view == "back"
    assert d.facing_agreement < DirectionOptions().min_facing_agreement and not d.facing_sure
    steady = _direction(seq)[0]
    assert steady.facing_agreement == 1.0 and steady.facing_sure
    # (Whether the last moments read standing is not this test's business.)
    assert [s.direction for s in d.segments][:2] == ["standing", direction]
    assert [s.direction for s in d.segments if s.direction != "standing"] == [direction]


def test_facing_turns_only_through_a_side_on_moment():
    fps = 30.0
    cue = np.full(120, -1.0)
    cue[20:30] = cue[80:95] = 1.0  # flips of the left/right order, the trunk square to the camera
    square = np.full(120, 0.6)
    facing = facing_between_turns(cue, square, fps, side_on_ratio=0.3)
    # No side-on moment: one facing throughout, the majority's.
    assert (facing == -1).all()
    cue[60:] = 1.0
    cue[100:110] = -1.0
    turning = square.copy()
    turning[55:65] = 0.15  # a turn shows the camera a side for a third of a second
    facing = facing_between_turns(cue, turning, fps, side_on_ratio=0.3)
    assert (facing[:50] == -1).all() and (facing[70:] == 1).all()
    assert (facing[57:63] == 0).all()


def test_an_unsure_facing_from_behind_is_said_and_its_steps_and_lean_are_withheld():
    """When the pose model reads a back view's front and back in turn, its depth (which times
    steps from behind, and gives the lean's forward) turns over with it: the result says the
    facing is unsure and gives no walk direction, steps or side of the lean rather than
    guesses (cadence, from the trunk's sway, rests on neither). The same walk read steadily
    keeps them all (trunk flexion and head pitch are not measured from behind either way)."""
    from vision.analysis import analyze_sequence

    truth = simulate_walk(WalkParams(n_steps=6, direction="backward"))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "back")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=5)
    unsure = "which way the subject faces is unsure"
    steady = analyze_sequence(seq)
    assert not any(unsure in w for w in steady.quality.warnings)
    assert steady.metrics.step_count == len(truth.steps) and steady.events
    assert steady.metrics.cadence_spm is not None
    assert steady.metrics.trunk_lateral_lean_deg.mean is not None
    assert steady.metrics.trunk_flexion_deg.mean is None
    assert steady.metrics.head_pitch_deg.mean is None

    image = seq.image.copy()
    flipped = (np.arange(len(image)) // 9) % 5 < 2  # two fifths of the time
    for a, b in ((lm.L_SHOULDER, lm.R_SHOULDER), (lm.L_HIP, lm.R_HIP)):
        image[flipped, a], image[flipped, b] = seq.image[flipped, b], seq.image[flipped, a]
    res = analyze_sequence(replace(seq, image=image))
    warnings = res.quality.warnings
    assert any(unsure in w and "back view" in w for w in warnings), warnings
    assert any("steps are not counted or timed from this back view" in w for w in warnings)
    assert any("trunk flexion and head pitch are not given" in w for w in warnings)
    assert res.events == [] and res.steps == [] and res.metrics.step_count == 0
    assert steady.metrics.walk_direction == "backward" and res.metrics.walk_direction is None
    # The trunk's sway needs neither the feet's depth nor which side is which: cadence is kept.
    assert res.metrics.cadence_spm == pytest.approx(truth.cadence_spm, abs=2.0)
    assert res.metrics.step_time_s.sd is None
    assert res.metrics.trunk_flexion_deg.mean is None and res.metrics.trunk_flexion_deg.max is None
    assert res.metrics.head_pitch_deg.mean is None
    # What the picture itself gives is kept: how far the trunk leans to a side (not which
    # side: that needs front and back) and where the walk runs.
    assert res.metrics.trunk_lateral_lean_deg.max is not None
    assert res.metrics.trunk_lateral_lean_deg.mean is None
    assert any(g.direction in ("forward", "backward") for g in res.segments)


def test_standing_before_and_after_a_walk_is_seen_from_the_walks_view():
    """BlazePose draws the shoulders of a back narrow, and a standing body has no path to say
    the view: standing alone it would read as an oblique view. Standing where the walk starts
    and stops, the person faces as they walk: the standing takes the walk's view."""
    truth = simulate_walk(
        WalkParams(n_steps=8, direction="backward", stand_before_s=1.0, stand_after_s=1.0)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "back")
    seq = landmark_sequence(truth, cam, LandmarkNoise(), seed=7)
    walking = [g for g in truth.segments if g["direction"] == "backward"][0]
    standing = (seq.t_s < walking["start_s"]) | (seq.t_s > walking["end_s"])
    image = seq.image.copy()
    mid = 0.5 * (image[:, lm.L_SHOULDER] + image[:, lm.R_SHOULDER])
    for k in (lm.L_SHOULDER, lm.R_SHOULDER):  # shoulders drawn at a third of their width
        image[standing, k] = mid[standing] + (image[standing, k] - mid[standing]) / 3.0
    before = seq.t_s < walking["start_s"]
    narrowed = replace(seq, image=image)
    alone = classify_view(narrowed.xy[before], image_size=(seq.width, seq.height))
    assert alone in ("side", "oblique")
    d, _ = _direction(narrowed)
    assert [g.direction for g in d.segments] == ["standing", "backward", "standing"]
    assert [g.view for g in d.segments] == ["back", "back", "back"]


def test_a_back_views_facing_survives_hips_set_against_the_shoulders():
    """Where the repair of leg swaps has exchanged the legs with their hips but not the
    shoulders (14-22% of the frames of the rendered back views), the hips' left/right order is
    against the shoulders'. The facing (and the view) rest on that order alone, the wider
    shoulders outvoting the hips, and stay sure. The face's visibility is not read at all:
    BlazePose gives the nose 0.9 or more from behind (99% of the real back-view clip's frames),
    and counted as facing the camera it made this walk's facing unsure (agreement 0.76)."""
    truth = simulate_walk(WalkParams(n_steps=6, direction="backward"))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "back")
    seq = landmark_sequence(truth, cam, LandmarkNoise(), seed=5)
    image = seq.image.copy()
    exchanged = (np.arange(len(image)) // 15) % 5 == 0  # a fifth of the frames, in runs
    for a, b in zip(lm.LEFT_LEG, lm.RIGHT_LEG, strict=True):
        image[exchanged, a], image[exchanged, b] = seq.image[exchanged, b], seq.image[exchanged, a]
    read = analyze_direction(
        replace(seq, image=image).xy, seq.t_s, image_size=(seq.width, seq.height)
    )
    assert read.facing_sure and (read.facing[read.facing != 0] == -1).all()
    assert read.walk_direction == "backward"


@pytest.mark.parametrize("view", ["side", "front", "back"])
@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_a_walk_ends_when_its_last_foot_lands(view, direction):
    """Travel is read over a window, so the pelvis alone ends a walk late (0.2-0.3 s seen from
    the front or back, where the window is twice as long); the last contact ends it."""
    from vision.analysis import analyze_sequence

    truth = simulate_walk(
        WalkParams(n_steps=8, direction=direction, stand_before_s=1.0, stand_after_s=1.0)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    res = analyze_sequence(seq)
    assert [s.direction for s in res.segments] == ["standing", direction, "standing"]
    walk, rest = res.segments[1], res.segments[2]
    last = max(e["t_s"] for e in truth.events if e["type"] == "contact")
    assert abs(walk.end_s - last) <= 0.1, (walk.end_s, last)
    assert 0 < rest.start_s - walk.end_s < 0.05  # the next frame
    # The steps' metrics and labels agree with the segments.
    assert res.metrics.step_count == len(truth.steps)


@pytest.mark.parametrize("view", ["side", "oblique"])
def test_a_slow_walk_of_short_steps_keeps_its_first_and_last_steps(view):
    """0.25 m steps at 80 steps/min carry the pelvis too slowly at the ends to count as travel:
    the first step and the last ones read as standing, until the steps themselves say so."""
    from vision.analysis import analyze_sequence

    truth = simulate_walk(
        WalkParams(n_steps=8, direction="backward", step_length_m=0.25, cadence_spm=80.0)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    res = analyze_sequence(landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7))
    assert [s.direction for s in res.segments] == ["standing", "backward", "standing"]
    walk = res.segments[1]
    lifts = [e["t_s"] for e in truth.events if e["type"] == "lift"]
    contacts = [e["t_s"] for e in truth.events if e["type"] == "contact"]
    assert walk.start_s <= min(lifts) + 0.15, (walk.start_s, min(lifts))
    assert abs(walk.end_s - max(contacts)) <= 0.1, (walk.end_s, max(contacts))


@pytest.mark.parametrize("view", ["side", "oblique", "front", "back"])
@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_a_walk_starts_at_its_first_movement_after_standing_still(view, direction):
    """Short slow steps from a stand, pose-model-like noise: the pelvis's travel, read over a
    window, and the first lift, timed where the feet stand side by side, both start the walk
    late (0.3-0.45 s on these walks); the first movement after standing still starts it where
    the body starts to move (the truth's start: the weight shift before the first lift)."""
    from vision.analysis import analyze_sequence

    truth = simulate_walk(
        WalkParams(
            n_steps=8, direction=direction, step_length_m=0.25, cadence_spm=80.0, stand_before_s=1.0
        )
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    res = analyze_sequence(landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=3))
    walks = [g for g in res.segments if g.direction == direction]
    ref = next(s for s in truth.segments if s["direction"] == direction)
    assert len(walks) == 1, res.segments
    assert abs(walks[0].start_s - ref["start_s"]) <= 0.15, (walks[0].start_s, ref["start_s"])
    # The frames before are standing, up to the frame before.
    rest = res.segments[res.segments.index(walks[0]) - 1]
    assert rest.direction == "standing" and 0 < walks[0].start_s - rest.end_s < 0.05


@pytest.mark.parametrize("view", ["front", "back", "side"])
def test_a_recording_that_stops_soon_after_the_walk_ends_with_standing(view):
    """0.6 s of standing before the recording stops: travel, read over a window (0.8 s from the
    front or back), still says walking at the last frame; the stillness from the last contact
    to the end says standing."""
    from vision.analysis import analyze_sequence

    truth = simulate_walk(
        WalkParams(n_steps=8, direction="forward", stand_before_s=1.0, stand_after_s=0.6)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    res = analyze_sequence(landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=5))
    assert [s.direction for s in res.segments] == ["standing", "forward", "standing"]
    last = max(e["t_s"] for e in truth.events if e["type"] == "contact")
    assert abs(res.segments[1].end_s - last) <= 0.1, (res.segments[1].end_s, last)
    assert res.metrics.step_count == len(truth.steps)


def test_despiking_a_long_recording_is_a_running_median_across_its_stretches() -> None:
    # Longer than one stretch of the running median: every frame, the seams between stretches
    # included, is the median of its own 5-frame window (NaN ignored), and a spike goes.
    rng = np.random.default_rng(4)
    points = rng.normal(size=(2600, 3, 2))
    points[rng.random(points.shape) < 0.1] = np.nan
    points[1500, 0, 0] = 50.0  # a one-frame jump
    out = despiked(points, fps=30.0)
    padded = np.concatenate([points[:1], points[:1], points, points[-1:], points[-1:]])
    for t in (0, 1, 1023, 1024, 1025, 2047, 2048, 2599):
        window = padded[t : t + 5]
        with np.errstate(all="ignore"):
            expected = np.where(np.isfinite(points[t]), np.nanmedian(window, axis=0), np.nan)
        np.testing.assert_array_equal(out[t], expected)
    assert abs(out[1500, 0, 0]) < 5.0


def test_a_slow_down_cut_short_by_the_recording_is_standing_one_between_walks_is_not() -> None:
    """A slow-down shorter than ``min_standing_s`` between two stretches of walking is part of
    the walk; the same slow-down at the recording's start or end has no walk on one side (the
    recording cut it short) and is standing."""
    from vision.gait.direction import _moving

    fps, opts = 30.0, DirectionOptions()
    t = np.arange(120) / fps
    short = int(0.3 * fps)  # shorter than opts.min_standing_s
    assert short / fps < opts.min_standing_s
    speed = np.full(len(t), 0.3)  # body heights a second: walking
    speed[:short] = speed[-short:] = 0.0
    speed[60 : 60 + short] = 0.0
    moving = _moving(np.full((len(t), 33, 2), np.nan), t, speed, True, fps, 1.0, opts)
    assert not moving[:short].any() and not moving[-short:].any()
    assert moving[short:-short].all()
