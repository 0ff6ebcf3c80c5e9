"""The synthetic walker's truth is self-consistent: planted feet, events, steps, cameras, noise."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from vision.landmarks import IDX
from vision.synthetic import Stumble, WalkParams, WalkTruth, simulate_walk
from vision.synthetic.camera import floor_calibration, view_camera
from vision.synthetic.landmarks import FOOT_IDX, LandmarkNoise, landmark_sequence

FPS_FINE = 240.0  # fine sampling so event-time checks are not limited by frame spacing


def _point(truth: WalkTruth, foot: str, name: str) -> np.ndarray:
    return truth.joints[:, IDX[f"{foot}_{name}"]]


def _stances(truth: WalkTruth, foot: str) -> list[tuple[float, float]]:
    """(contact_s, lift_s) of each stance of ``foot``, open ends as -inf / inf."""
    ev = [e for e in truth.events if e["foot"] == foot]
    out, start = [], -math.inf
    for e in ev:
        if e["type"] == "lift":
            out.append((start, e["t_s"]))
        else:
            start = e["t_s"]
    if ev and ev[-1]["type"] == "contact":
        out.append((start, math.inf))
    return out


@pytest.mark.parametrize("direction", ["backward", "forward"])
@pytest.mark.parametrize("variability", [0.0, 0.06])
def test_planted_feet_do_not_slide(direction: str, variability: float) -> None:
    truth = simulate_walk(
        WalkParams(direction=direction, n_steps=7, step_variability=variability, seed=3),
        fps=FPS_FINE,
    )
    t = truth.t_s
    for foot in ("left", "right"):
        heel, toe = _point(truth, foot, "heel"), _point(truth, foot, "foot_index")
        for c, lift in _stances(truth, foot):
            inside = (t >= c + 1e-9) & (t <= lift - 1e-9)
            assert inside.any()
            on_floor = [(p[inside, 2] < 1e-9) for p in (heel, toe)]
            assert np.all(on_floor[0] | on_floor[1]), "some stance frame has no point on the floor"
            for p, floor in zip((heel, toe), on_floor, strict=True):
                xy = p[inside][floor, :2]
                if len(xy):
                    assert np.max(np.linalg.norm(xy - xy[0], axis=1)) < 1e-3
            # The foot's last contact point stays put from its contact to its lift (< 1 mm).
            pivot = toe if direction == "backward" else heel
            if math.isfinite(c) and math.isfinite(lift):
                first_on = np.nonzero(inside & (pivot[:, 2] < 1e-9))[0]
                last = heel if direction == "backward" else toe
                last_on = np.nonzero(inside & (last[:, 2] < 1e-9))[0]
                assert len(first_on) and len(last_on)
    feet_z = truth.joints[:, list(FOOT_IDX), 2]
    assert feet_z.min() > -1e-9, "a foot point went below the floor"


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_contact_order_toe_first_backward_heel_first_forward(direction: str) -> None:
    truth = simulate_walk(WalkParams(direction=direction, n_steps=6), fps=FPS_FINE)
    first, last = ("foot_index", "heel") if direction == "backward" else ("heel", "foot_index")
    checked = 0
    for e in truth.events:
        f = e["frame"]
        if e["type"] == "contact":
            # At contact the first point touches while the other is still clear of the floor.
            assert _point(truth, e["foot"], first)[f, 2] < 2e-3
            assert _point(truth, e["foot"], last)[f, 2] > 0.02
            # and a few frames earlier the first point was still in the air
            assert _point(truth, e["foot"], first)[f - 6, 2] > 1e-4
        else:
            assert _point(truth, e["foot"], last)[f, 2] < 2e-3
            assert _point(truth, e["foot"], first)[f, 2] > 0.02
            assert _point(truth, e["foot"], last)[min(f + 6, len(truth.t_s) - 1), 2] > 1e-4
        checked += 1
    assert checked >= 12


def test_events_alternate() -> None:
    truth = simulate_walk(WalkParams(n_steps=8, step_variability=0.05, asymmetry=0.15), fps=30.0)
    contacts = [e["foot"] for e in truth.events if e["type"] == "contact"]
    assert all(a != b for a, b in zip(contacts, contacts[1:], strict=False))
    for foot in ("left", "right"):
        kinds = [e["type"] for e in truth.events if e["foot"] == foot]
        assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False))
    times = [e["t_s"] for e in truth.events]
    assert times == sorted(times)
    for e in truth.events:
        assert e["frame"] == round(e["t_s"] * truth.fps)


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_steps_match_parameters(direction: str) -> None:
    p = WalkParams(direction=direction, step_length_m=0.35, cadence_spm=90.0, n_steps=8)
    truth = simulate_walk(p, fps=30.0)
    steady = [s for s in truth.steps if s["kind"] == "steady"]
    assert len(steady) == 7
    assert np.allclose([s["length_m"] for s in steady], 0.35, atol=1e-6)
    assert np.allclose([s["duration_s"] for s in steady], 60.0 / 90.0, atol=1e-6)
    assert truth.cadence_spm == pytest.approx(90.0, rel=1e-6)
    assert truth.speed_mps == pytest.approx(0.35 * 90.0 / 60.0, rel=0.03)
    assert truth.steps[-1]["kind"] == "closing" and truth.steps[-1]["length_m"] < 1e-9
    # Travel is opposite to facing for a backward walk.
    travel = np.sign(truth.joints[-1, IDX["left_hip"], 0] - truth.joints[0, IDX["left_hip"], 0])
    facing = np.sign(math.cos(math.radians(truth.facing_deg[0])))
    assert (travel == facing) == (direction == "forward")


def test_variability_and_asymmetry_statistics() -> None:
    p = WalkParams(n_steps=400, step_variability=0.05, seed=11, stand_after_s=0.0)
    steady = [s for s in simulate_walk(p, fps=30.0).steps if s["kind"] == "steady"]
    lengths = np.array([s["length_m"] for s in steady])
    assert lengths.mean() == pytest.approx(p.step_length_m, rel=0.02)
    assert lengths.std() / lengths.mean() == pytest.approx(0.05, rel=0.15)

    limp = WalkParams(n_steps=10, asymmetry=0.2, limp_side="right")
    steps = [s for s in simulate_walk(limp, fps=30.0).steps if s["kind"] == "steady"]
    right = np.mean([s["length_m"] for s in steps if s["foot"] == "right"])
    left = np.mean([s["length_m"] for s in steps if s["foot"] == "left"])
    assert abs(right - left) / (0.5 * (right + left)) == pytest.approx(0.4, rel=1e-6)
    t_right = np.mean([s["duration_s"] for s in steps if s["foot"] == "right"])
    t_left = np.mean([s["duration_s"] for s in steps if s["foot"] == "left"])
    assert t_right > t_left


def test_three_metre_test_timing_is_consistent() -> None:
    truth = simulate_walk(WalkParams(distance_m=3.0, stand_before_s=1.5), fps=60.0)
    test = truth.test_3mbwt
    assert test is not None
    assert test["start_s"] == pytest.approx(1.5)
    feet = truth.joints[:, list(FOOT_IDX), 0] * truth.travel_sign
    line = test["end_line_x_m"] * truth.travel_sign
    before = truth.t_s < test["stop_s"] - 1e-9
    assert np.all(feet[before].min(axis=1) < line)
    after = truth.t_s >= test["stop_s"] + 1.0 / 60.0
    assert np.all(feet[after].min(axis=1) >= line - 1e-9)
    assert test["end_line_x_m"] - test["start_line_x_m"] == pytest.approx(3.0 * truth.travel_sign)
    # Nothing moves while standing before the start.
    still = truth.t_s < test["start_s"]
    assert np.ptp(truth.joints[still], axis=0).max() < 1e-9
    assert simulate_walk(WalkParams(n_steps=3), fps=30.0).test_3mbwt is None


def test_turn_stumble_and_fall() -> None:
    turn = simulate_walk(WalkParams(n_steps=4, turning=True), fps=30.0)
    assert [s["direction"] for s in turn.segments] == [
        "standing",
        "backward",
        "turning",
        "backward",
        "standing",
    ]
    assert abs(turn.facing_deg[-1] - turn.facing_deg[0]) == pytest.approx(180.0, abs=1e-6)

    base = simulate_walk(WalkParams(n_steps=8), fps=30.0)
    stumble = simulate_walk(WalkParams(n_steps=8, stumble=Stumble(t_s=3.0, drop_m=0.12)), 30.0)
    hip = IDX["left_hip"]
    drop = base.joints[:, hip, 2] - stumble.joints[:, hip, 2]
    assert drop.max() == pytest.approx(0.12, abs=0.02)
    assert abs(drop[-1]) < 1e-6  # recovered

    fall = simulate_walk(WalkParams(n_steps=8, stumble=Stumble(t_s=3.0, fall=True)), 30.0)
    assert fall.segments[-1]["direction"] == "fallen"
    assert fall.joints[-1, hip, 2] < 0.25
    assert max(e["t_s"] for e in fall.events) < 3.0 + 60.0 / 100.0 + 1e-6


def test_json_round_trip(tmp_path) -> None:
    truth = simulate_walk(WalkParams(distance_m=3.0, asymmetry=0.1), fps=30.0)
    path = tmp_path / "walk.truth.json"
    truth.to_json(path)
    back = WalkTruth.from_json(path)
    assert back.events == truth.events and back.steps == truth.steps
    assert np.allclose(back.joints, truth.joints, atol=1e-6)
    assert back.test_3mbwt == truth.test_3mbwt


def test_invalid_parameters_raise() -> None:
    with pytest.raises(ValueError, match="stance_fraction"):
        simulate_walk(WalkParams(stance_fraction=0.4))
    with pytest.raises(ValueError, match="too long"):
        simulate_walk(WalkParams(step_length_m=1.3, body_height_m=1.5))
    with pytest.raises(ValueError, match="fps"):
        simulate_walk(WalkParams(), fps=0.0)


def test_camera_projection_and_floor_homography() -> None:
    truth = simulate_walk(WalkParams(distance_m=3.0), fps=30.0)
    for view in ("side", "front", "back", "oblique"):
        cam = view_camera(truth.joints, truth.facing_deg[0], view)
        px, depth = cam.project(truth.joints)
        assert np.all(depth > 0)
        assert np.all((px[..., 0] > 0) & (px[..., 0] < cam.width))
        assert np.all((px[..., 1] > 0) & (px[..., 1] < cam.height))
    cam = view_camera(truth.joints, truth.facing_deg[0], "side")
    lines = (truth.test_3mbwt["start_line_x_m"], truth.test_3mbwt["end_line_x_m"])
    cal = floor_calibration(cam, lines)
    h = np.asarray(cal["homography"]["matrix"])
    heel = truth.joints[:, IDX["left_heel"]]
    on_floor = heel[:, 2] < 1e-9
    img, _ = cam.project(heel[on_floor])
    mapped = np.c_[img, np.ones(len(img))] @ h.T
    mapped = mapped[:, :2] / mapped[:, 2:]
    assert np.allclose(mapped, heel[on_floor, :2], atol=1e-3)
    assert cal["two_point"]["distance_m"] == pytest.approx(3.0)


def test_landmark_sequence_exact_and_noisy() -> None:
    truth = simulate_walk(WalkParams(distance_m=3.0), fps=30.0)
    cam = view_camera(truth.joints, truth.facing_deg[0], "side")
    exact = landmark_sequence(truth, cam, LandmarkNoise.none())
    assert exact.image.shape == (len(truth.t_s), 33, 3) and exact.coverage == 1.0
    px, _ = cam.project(truth.joints)
    assert np.allclose(exact.xy, px, atol=1e-3)
    assert np.allclose(exact.t_s, truth.t_s)
    mid = 0.5 * (exact.world[:, IDX["left_hip"]] + exact.world[:, IDX["right_hip"]])
    assert np.abs(mid).max() < 1e-5  # hip-centred
    thigh = exact.world[:, IDX["left_knee"]] - exact.world[:, IDX["left_hip"]]
    bone = np.linalg.norm(thigh, axis=-1)
    assert np.allclose(bone, 0.245 * truth.body_height_m, atol=1e-4)

    noisy = landmark_sequence(truth, cam, LandmarkNoise(), seed=4)
    height_px = noisy.meta["truth"]["body_height_px_mean"]
    resid = (
        noisy.xy[:, [IDX["left_hip"], IDX["nose"]]] - exact.xy[:, [IDX["left_hip"], IDX["nose"]]]
    )
    assert np.std(resid) / height_px == pytest.approx(0.007, rel=0.2)
    foot_shift = noisy.xy[:, IDX["left_heel"], 1] - exact.xy[:, IDX["left_heel"], 1]
    offsets = LandmarkNoise()
    assert -np.mean(foot_shift) / height_px == pytest.approx(offsets.foot_offset_fraction, rel=0.1)
    # Seen from the front the heel hides behind the foot and is placed higher; the toe is not.
    cam_front = view_camera(truth.joints, truth.facing_deg[0], "front")
    ex_f = landmark_sequence(truth, cam_front, LandmarkNoise.none())
    no_f = landmark_sequence(truth, cam_front, replace(LandmarkNoise(), jitter_fraction=0.0))
    hpx_f = no_f.meta["truth"]["body_height_px_mean"]
    heel = offsets.foot_offset_fraction + offsets.frontal_heel_offset_fraction
    for name, lift in (("left_heel", heel), ("left_foot_index", offsets.foot_offset_fraction)):
        up = ex_f.xy[:, IDX[name], 1] - no_f.xy[:, IDX[name], 1]
        assert np.median(up) / hpx_f == pytest.approx(lift, rel=0.1)

    bp = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=5)
    swapped = bp.meta["truth"]["swapped_frames"]
    assert 0.08 < len(swapped) / len(truth.t_s) < 0.25
    assert 0.0 < 1.0 - bp.coverage < 0.06
    front = view_camera(truth.joints, truth.facing_deg[0], "front")
    assert (
        landmark_sequence(truth, front, LandmarkNoise.blazepose_like()).meta["truth"][
            "swapped_frames"
        ]
        == []
    )


def test_limp_cadence_is_counted_over_whole_strides() -> None:
    """A limp alternates a short and a long step time; steps per minute over whole strides is
    the walk's cadence, where the mean of an odd number of step times leans to one kind."""
    limp = simulate_walk(WalkParams(n_steps=8, asymmetry=0.15, cadence_spm=100.0), fps=30.0)
    assert limp.cadence_spm == pytest.approx(100.0, abs=0.1)
    steady = [s["duration_s"] for s in limp.steps if s["kind"] == "steady"]
    assert len(steady) % 2 == 1 and 60.0 / np.mean(steady) > 101.0
