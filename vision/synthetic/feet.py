"""Foot trajectories: rigid feet rolling about a fixed point in stance and swinging between stances.

Forward walking: the heel touches first with the toe up, the foot rolls down about the heel, lies
flat, then rolls up about the toe tip, which leaves the floor last. Backward walking is the same
played in reverse: the toe tip touches first with the heel up, the foot rolls down about the toe,
lies flat, then rolls up about the heel, which leaves last. While a foot rolls about a point that
point is fixed exactly, so nothing on the floor slides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vision.synthetic.footsteps import Placement
from vision.synthetic.skeleton import BodyDims, heel_from_toe


@dataclass(frozen=True)
class RollStyle:
    """How a foot meets and leaves the floor (angles radians, toe up positive; durations s)."""

    backward: bool
    contact_pitch_rad: float  # pitch at contact: backward < 0 (toe down), forward > 0
    lift_pitch_rad: float  # pitch at lift: backward > 0 (toe up), forward < 0
    roll_in_s: float
    roll_out_s: float
    clearance_m: float


def smoothstep(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def min_jerk(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10.0 - 15.0 * u + 6.0 * u * u)


def _stance_pose(
    pl: Placement, t: np.ndarray, style: RollStyle, dims: BodyDims
) -> tuple[np.ndarray, np.ndarray]:
    """Heel (n, 3) and pitch (n,) of a planted foot at times ``t`` inside its stance."""
    heel_flat = np.array([pl.heel_xy[0], pl.heel_xy[1], 0.0])
    fwd = np.array([math.cos(pl.yaw_rad), math.sin(pl.yaw_rad), 0.0])
    toe_flat = heel_flat + dims.foot_length_m * fwd
    duration = pl.lift_s - pl.contact_s
    roll_in = min(style.roll_in_s, 0.3 * duration) if math.isfinite(pl.contact_s) else 0.0
    roll_out = min(style.roll_out_s, 0.45 * duration) if math.isfinite(pl.lift_s) else 0.0
    pitch = np.zeros_like(t)
    if roll_in > 0:
        pitch += style.contact_pitch_rad * (1.0 - smoothstep((t - pl.contact_s) / roll_in))
    if roll_out > 0:
        pitch += style.lift_pitch_rad * smoothstep((t - (pl.lift_s - roll_out)) / roll_out)
    heel = np.tile(heel_flat, (len(t), 1))
    yaw = np.full(len(t), pl.yaw_rad)
    # Heel-up pitch (< 0) pivots on the toe tip; toe-up pitch (> 0) pivots on the heel.
    on_toe = pitch < 0
    if on_toe.any():
        heel[on_toe] = heel_from_toe(
            np.tile(toe_flat, (on_toe.sum(), 1)), yaw[on_toe], pitch[on_toe], dims
        )
    return heel, pitch


def foot_trajectory(
    placements: list[Placement], t: np.ndarray, style: RollStyle, dims: BodyDims
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heel point (T, 3), yaw (T,) and pitch (T,) of one foot over times ``t`` (T,) seconds.

    ``placements`` are that foot's stances in time order.
    """
    heel = np.zeros((len(t), 3))
    yaw = np.zeros(len(t))
    pitch = np.zeros(len(t))
    for i, pl in enumerate(placements):
        inside = (t >= pl.contact_s) & (t <= pl.lift_s)
        if inside.any():
            heel[inside], pitch[inside] = _stance_pose(pl, t[inside], style, dims)
            yaw[inside] = pl.yaw_rad
        if i + 1 == len(placements):
            continue
        nxt = placements[i + 1]
        swing = (t > pl.lift_s) & (t < nxt.contact_s)
        if not swing.any():
            continue
        ends = np.array([pl.lift_s, nxt.contact_s])
        h0, p0 = _stance_pose(pl, ends[:1], style, dims)
        h1, p1 = _stance_pose(nxt, ends[1:], style, dims)
        u = (t[swing] - pl.lift_s) / (nxt.contact_s - pl.lift_s)
        m = min_jerk(u)
        pitch_s = p0[0] + (p1[0] - p0[0]) * m
        dyaw = (nxt.yaw_rad - pl.yaw_rad + math.pi) % (2 * math.pi) - math.pi
        yaw[swing] = pl.yaw_rad + dyaw * m
        heel[swing, :2] = h0[0, :2] + (h1[0, :2] - h0[0, :2]) * m[:, None]
        # The lowest sole point (heel or toe) rises by the clearance profile and no lower.
        heel[swing, 2] = -np.minimum(
            0.0, dims.foot_length_m * np.sin(pitch_s)
        ) + style.clearance_m * np.sin(np.pi * u)
        pitch[swing] = pitch_s
    return heel, yaw, pitch
