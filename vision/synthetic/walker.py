"""Kinematic walker: a footstep plan turned into the 33 BlazePose points per frame.

Example::

    from vision.synthetic import WalkParams, simulate_walk
    truth = simulate_walk(WalkParams(direction="backward", step_length_m=0.4), fps=30.0)
    truth.joints.shape        # (T, 33, 3) world metres
    truth.events[:2]          # [{'frame': 30, 't_s': 1.0, 'foot': 'right', 'type': 'lift'}, ...]

Feet follow :mod:`vision.synthetic.feet` (planted exactly in stance). The pelvis passes through
the midpoint of the feet in each double support, rises over the stance foot, shifts toward it
(sway) and is lowered wherever a leg could not reach its ankle. Knees and elbows come from
two-bone inverse kinematics; the trunk, head and arms ride on the pelvis.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import PchipInterpolator

from vision.landmarks import IDX, NUM_LANDMARKS
from vision.synthetic.feet import RollStyle, foot_trajectory, smoothstep
from vision.synthetic.footsteps import FootstepPlan, plan_footsteps
from vision.synthetic.params import WalkParams
from vision.synthetic.skeleton import (
    BodyDims,
    foot_points,
    hand_points,
    head_points,
    heading_axes,
    two_bone_ik,
    unit,
)
from vision.synthetic.truth import WalkTruth, build_truth

SIDES = ("left", "right")


def roll_style(p: WalkParams) -> RollStyle:
    stance_s = 2.0 * p.step_time_s * p.stance_fraction
    if p.direction == "backward":
        return RollStyle(
            True,
            -math.radians(p.toe_angle_at_contact_deg),
            math.radians(0.5 * p.lift_angle_deg),
            0.15 * stance_s,
            0.25 * stance_s,
            p.foot_clearance_m,
        )
    return RollStyle(
        False,
        math.radians(p.heel_angle_at_contact_deg),
        -math.radians(p.lift_angle_deg),
        0.12 * stance_s,
        0.3 * stance_s,
        p.foot_clearance_m,
    )


def _pchip(times: list[float], values: list | np.ndarray, t: np.ndarray) -> np.ndarray:
    """Monotone cubic through knots (sorted, near-duplicates dropped), held flat outside them."""
    order = np.argsort(times, kind="stable")
    ts = np.asarray(times, float)[order]
    vs = np.asarray(values, float)[order]
    keep = np.concatenate([[True], np.diff(ts) > 1e-6])
    ts, vs = ts[keep], vs[keep]
    if len(ts) == 1:
        return np.repeat(vs[:1], len(t), axis=0)
    return PchipInterpolator(ts, vs, axis=0, extrapolate=False)(np.clip(t, ts[0], ts[-1]))


def _circular_mean(a: float, b: float) -> float:
    return math.atan2(math.sin(a) + math.sin(b), math.cos(a) + math.cos(b))


def _pelvis_knots(plan: FootstepPlan, p: WalkParams, dims: BodyDims) -> dict[str, list]:
    """Knot times and values of the pelvis: floor position, heading, sway and height."""
    pls = plan.placements
    st = p.step_time_s
    h_stand = dims.standing_hip_height_m
    h_top = h_stand - 0.01  # a slightly flexed stance knee at mid-stance

    def ankle_xy(pl) -> np.ndarray:
        return pl.heel_xy + dims.ankle_from_heel_m * np.array(
            [math.cos(pl.yaw_rad), math.sin(pl.yaw_rad)]
        )

    k: dict[str, list] = {"t": [], "xy": [], "yaw": [], "st": [], "sway": [], "zt": [], "z": []}

    def pose_knot(t: float, a, b) -> None:
        k["t"].append(t)
        k["xy"].append(0.5 * (ankle_xy(a) + ankle_xy(b)))
        k["yaw"].append(_circular_mean(a.yaw_rad, b.yaw_rad))

    pose_knot(0.0, pls[0], pls[1])
    pose_knot(plan.start_s, pls[0], pls[1])
    k["st"] += [0.0, plan.start_s]
    k["sway"] += [0.0, 0.0]
    k["zt"] += [0.0, plan.start_s]
    k["z"] += [h_stand, h_stand]
    for i in range(2, len(pls)):
        pl, prev = pls[i], pls[i - 1]
        ds_end = prev.lift_s if math.isfinite(prev.lift_s) else pl.contact_s + 0.4 * st
        t_ds = 0.5 * (pl.contact_s + ds_end)
        pose_knot(t_ds, pl, prev)
        k["st"].append(t_ds)
        k["sway"].append(0.0)
        walking = pl.kind in ("initiation", "steady") and i + 1 < len(pls)
        k["zt"].append(t_ds)
        k["z"].append(h_top - p.vertical_bounce_m if walking or pl.kind == "turn" else h_stand)
        if walking and math.isfinite(pl.lift_s):
            t_ss = 0.5 * (ds_end + pls[i + 1].contact_s)
            k["st"].append(t_ss)
            k["sway"].append((0.5 if pl.foot == "left" else -0.5) * p.sway_ml_m)
            k["zt"].append(t_ss)
            k["z"].append(h_top)
    t_end = plan.end_s
    pose_knot(t_end, pls[-1], pls[-2])
    k["st"].append(t_end)
    k["sway"].append(0.0)
    k["zt"].append(t_end)
    k["z"].append(h_stand)
    return k


def _stumble_offset_m(t: np.ndarray, p: WalkParams, dims: BodyDims, z: np.ndarray) -> np.ndarray:
    """Height change (T,) of the pelvis from a stumble or fall."""
    s = p.stumble
    if s is None:
        return np.zeros_like(t)
    u = t - s.t_s
    if s.fall:
        target = s.fall_hip_height_fraction * dims.body_height_m
        return (target - z) * smoothstep(u / 0.7)
    down = smoothstep(u / 0.15)
    up = smoothstep((u - 0.15) / 0.6)
    return -s.drop_m * down * (1.0 - up)


def simulate_walk(params: WalkParams, fps: float = 30.0) -> WalkTruth:
    """Simulate ``params`` sampled at ``fps`` frames per second; exact truth by construction.

    Raises ``ValueError`` for impossible parameters (e.g. a step too long for the legs).
    """
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    p = params
    dims = BodyDims(p.body_height_m)
    style = roll_style(p)
    plan = plan_footsteps(p, dims.foot_length_m, first_roll_s=style.roll_out_s)
    n = int(math.floor(plan.end_s * fps)) + 1
    t = np.arange(n) / fps
    feet = {}
    for side in SIDES:
        heel, yaw, pitch = foot_trajectory(
            [pl for pl in plan.placements if pl.foot == side], t, style, dims
        )
        feet[side] = foot_points(heel, yaw, pitch, dims)

    knots = _pelvis_knots(plan, p, dims)
    xy = _pchip(knots["t"], knots["xy"], t)
    heading = _pchip(knots["t"], np.unwrap(knots["yaw"]), t)
    fwd, left = heading_axes(heading)
    sway = _pchip(knots["st"], knots["sway"], t)
    xy = xy + sway[:, None] * left[:, :2]
    z = _pchip(knots["zt"], knots["z"], t)

    # Pelvis rotation follows the feet: the hip of the leading leg is carried forward.
    spread = np.sum((feet["left"]["ankle"] - feet["right"]["ankle"]) * fwd, -1)
    spread = np.clip(spread / max(p.step_length_m, 0.05), -1.0, 1.0)
    pelvis_yaw = -math.radians(p.pelvis_rotation_deg) * 0.5 * spread
    _, hip_axis = heading_axes(heading + pelvis_yaw)
    half_hip = 0.5 * dims.hip_width_m * hip_axis
    hips = {"left": half_hip, "right": -half_hip}  # offsets from the pelvis centre

    reach = 0.995 * dims.leg_m
    z_max = np.full(n, np.inf)
    for side in SIDES:
        d_xy = np.linalg.norm(xy + hips[side][:, :2] - feet[side]["ankle"][:, :2], axis=-1)
        if d_xy.max() > reach:
            raise ValueError(
                f"step_length_m={p.step_length_m} is too long for body_height_m="
                f"{p.body_height_m}: the legs cannot reach the feet"
            )
        z_max = np.minimum(z_max, feet[side]["ankle"][:, 2] + np.sqrt(reach**2 - d_xy**2))
    z = np.minimum(z, z_max)
    z = z + _stumble_offset_m(t, p, dims, z)
    pelvis = np.column_stack([xy, z])

    joints = np.full((n, NUM_LANDMARKS, 3), np.nan)
    for side in SIDES:
        hip = pelvis + hips[side]
        knee = two_bone_ik(hip, feet[side]["ankle"], dims.thigh_m, dims.shank_m, fwd)
        joints[:, IDX[f"{side}_hip"]] = hip
        joints[:, IDX[f"{side}_knee"]] = knee
        joints[:, IDX[f"{side}_ankle"]] = feet[side]["ankle"]
        joints[:, IDX[f"{side}_heel"]] = feet[side]["heel"]
        joints[:, IDX[f"{side}_foot_index"]] = feet[side]["toe"]

    _upper_body(joints, pelvis, heading, pelvis_yaw, spread, sway, t, p, dims)
    return build_truth(p, fps, t, joints, plan, heading)


def _upper_body(
    joints: np.ndarray,
    pelvis: np.ndarray,
    heading: np.ndarray,
    pelvis_yaw: np.ndarray,
    spread: np.ndarray,
    sway: np.ndarray,
    t: np.ndarray,
    p: WalkParams,
    dims: BodyDims,
) -> None:
    """Trunk, head and arms written into ``joints`` (T, 33, 3) in place."""
    up = np.array([0.0, 0.0, 1.0])
    fwd, left = heading_axes(heading)
    flex = np.full(len(t), p.trunk_flexion_deg)
    if p.stumble is not None:
        jolt = smoothstep((t - p.stumble.t_s) / 0.15)
        if p.stumble.fall:
            flex += 25.0 * jolt
        else:
            flex += 12.0 * jolt * (1.0 - smoothstep((t - p.stumble.t_s - 0.15) / 0.6))
    # The trunk leans a little over the stance foot as the pelvis shifts toward it.
    lat = p.lateral_lean_deg - 60.0 * sway
    fl, la = np.radians(flex)[:, None], np.radians(lat)[:, None]
    trunk_up = unit(np.cos(fl) * np.cos(la) * up + np.sin(fl) * fwd - np.sin(la) * left)
    _, thorax_left = heading_axes(heading - 0.5 * pelvis_yaw)
    thorax_left = unit(thorax_left - np.sum(thorax_left * trunk_up, -1, keepdims=True) * trunk_up)
    thorax_fwd = np.cross(thorax_left, trunk_up)
    mid_shoulder = pelvis + dims.trunk_m * trunk_up
    shoulders = {
        "left": mid_shoulder + 0.5 * dims.shoulder_width_m * thorax_left,
        "right": mid_shoulder - 0.5 * dims.shoulder_width_m * thorax_left,
    }

    # The neck holds the head more upright than the trunk.
    head_pitch = np.radians(0.4 * flex)[:, None]
    head_up = unit(np.cos(head_pitch) * up + np.sin(head_pitch) * fwd)
    head_fwd = unit(fwd - np.sum(fwd * head_up, -1, keepdims=True) * head_up)
    head_left = np.cross(head_up, head_fwd)
    centre = mid_shoulder + dims.body_height_m * (0.06 * trunk_up + 0.045 * head_up)
    for name, pts in head_points(centre, head_fwd, head_left, head_up, dims.body_height_m).items():
        joints[:, IDX[name]] = pts

    swing = math.radians(0.5 * p.arm_swing_deg)
    abduction = math.radians(8.0)
    for side in SIDES:
        sign = 1.0 if side == "left" else -1.0
        out = sign * thorax_left
        # Each arm swings with the opposite leg.
        alpha = (-sign * swing * spread)[:, None]
        upper = unit(
            np.cos(alpha) * -trunk_up + np.sin(alpha) * thorax_fwd + math.sin(abduction) * out
        )
        bend = alpha + math.radians(20.0)
        lower = unit(
            np.cos(bend) * -trunk_up + np.sin(bend) * thorax_fwd + 0.5 * math.sin(abduction) * out
        )
        elbow = shoulders[side] + dims.upper_arm_m * upper
        wrist = elbow + dims.forearm_m * lower
        joints[:, IDX[f"{side}_shoulder"]] = shoulders[side]
        joints[:, IDX[f"{side}_elbow"]] = elbow
        joints[:, IDX[f"{side}_wrist"]] = wrist
        for name, pts in hand_points(wrist, lower, out, thorax_fwd, dims.body_height_m).items():
            joints[:, IDX[f"{side}_{name}"]] = pts
