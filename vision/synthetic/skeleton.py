"""Body geometry: segment lengths scaled from body height and the BlazePose point layout.

All lengths are metres and all positions world metres (x along the walking line, y lateral,
z up). Segment proportions are the classic anthropometric fractions of body height H
(Drillis and Contini 1966, as tabulated by Winter, *Biomechanics and Motor Control of Human
Movement*): hip joint about 0.53 H above the floor, knee 0.285 H, ankle 0.039 H, shoulder 0.818 H,
upper arm 0.186 H, forearm 0.146 H, hand 0.108 H, foot length 0.152 H. Lateral widths are rounded
to where BlazePose puts its points (its hips sit a little wider than the anatomical joint centres).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BodyDims:
    """Segment lengths (metres) of a person of height ``body_height_m``."""

    body_height_m: float = 1.70

    @property
    def thigh_m(self) -> float:
        return 0.245 * self.body_height_m

    @property
    def shank_m(self) -> float:
        return 0.246 * self.body_height_m

    @property
    def leg_m(self) -> float:
        return self.thigh_m + self.shank_m

    @property
    def ankle_height_m(self) -> float:
        return 0.039 * self.body_height_m

    @property
    def foot_length_m(self) -> float:
        return 0.152 * self.body_height_m

    @property
    def ankle_from_heel_m(self) -> float:
        """Horizontal distance from the back of the heel to the ankle joint."""
        return 0.25 * self.foot_length_m

    @property
    def hip_width_m(self) -> float:
        return 0.11 * self.body_height_m

    @property
    def shoulder_width_m(self) -> float:
        return 0.21 * self.body_height_m

    @property
    def trunk_m(self) -> float:
        """Mid-hip to mid-shoulder."""
        return (0.818 - 0.53) * self.body_height_m

    @property
    def upper_arm_m(self) -> float:
        return 0.186 * self.body_height_m

    @property
    def forearm_m(self) -> float:
        return 0.146 * self.body_height_m

    @property
    def hand_m(self) -> float:
        return 0.108 * self.body_height_m

    @property
    def standing_hip_height_m(self) -> float:
        """Hip-joint height with straight legs (ankle height + thigh + shank, a hair flexed)."""
        return self.ankle_height_m + 0.995 * self.leg_m

    @property
    def head_centre_above_shoulders_m(self) -> float:
        """Mid-shoulder to the point between the ears, along the neck."""
        return 0.105 * self.body_height_m


def unit(v: np.ndarray) -> np.ndarray:
    """Vectors (..., 3) scaled to unit length (zero vectors stay zero)."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def heading_axes(heading_rad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward and left unit vectors (T, 3) on the floor for headings (T,) radians from +x."""
    c, s = np.cos(heading_rad), np.sin(heading_rad)
    zero = np.zeros_like(c)
    return np.stack([c, s, zero], -1), np.stack([-s, c, zero], -1)


def foot_points(
    heel: np.ndarray, yaw_rad: np.ndarray, pitch_rad: np.ndarray, dims: BodyDims
) -> dict[str, np.ndarray]:
    """Heel, toe tip and ankle (T, 3) of a rigid foot.

    ``heel`` (T, 3) is the back of the sole, ``pitch_rad`` (T,) is positive with the toe up. The
    heel and toe points lie on the sole line, so both touch the floor (z = 0) when the foot is flat.
    """
    fwd, _ = heading_axes(yaw_rad)
    up = np.array([0.0, 0.0, 1.0])
    cp, sp = np.cos(pitch_rad)[:, None], np.sin(pitch_rad)[:, None]
    sole = cp * fwd + sp * up  # unit vector heel -> toe
    normal = -sp * fwd + cp * up  # unit vector up out of the sole
    toe = heel + dims.foot_length_m * sole
    ankle = heel + dims.ankle_from_heel_m * sole + dims.ankle_height_m * normal
    return {"heel": heel, "toe": toe, "ankle": ankle}


def heel_from_toe(
    toe: np.ndarray, yaw_rad: np.ndarray, pitch_rad: np.ndarray, dims: BodyDims
) -> np.ndarray:
    """Heel (T, 3) of a foot pivoting about a fixed toe tip ``toe`` (T, 3)."""
    fwd, _ = heading_axes(yaw_rad)
    up = np.array([0.0, 0.0, 1.0])
    sole = np.cos(pitch_rad)[:, None] * fwd + np.sin(pitch_rad)[:, None] * up
    return toe - dims.foot_length_m * sole


def two_bone_ik(
    root: np.ndarray, end: np.ndarray, len_a: float, len_b: float, bend_dir: np.ndarray
) -> np.ndarray:
    """Middle joint (T, 3) of a two-segment chain from ``root`` to ``end`` (T, 3).

    The joint lies in the plane of the chain and ``bend_dir`` (T, 3), on the side ``bend_dir``
    points to (knee forward, elbow backward). Out-of-reach ends get a straight chain.
    """
    d_vec = end - root
    d = np.linalg.norm(d_vec, axis=-1, keepdims=True)
    d = np.clip(d, abs(len_a - len_b) + 1e-6, len_a + len_b - 1e-9)
    axis = unit(d_vec)
    perp = bend_dir - np.sum(bend_dir * axis, -1, keepdims=True) * axis
    perp = unit(perp)
    along = (len_a**2 - len_b**2 + d**2) / (2 * d)
    off = np.sqrt(np.clip(len_a**2 - along**2, 0.0, None))
    return root + along * axis + off * perp


def head_points(
    centre: np.ndarray, fwd: np.ndarray, left: np.ndarray, up: np.ndarray, body_height_m: float
) -> dict[str, np.ndarray]:
    """Face points (T, 3) from the point between the ears and the head axes (T, 3) each."""
    h = body_height_m

    def at(f: float, l_: float, u: float) -> np.ndarray:
        return centre + h * (f * fwd + l_ * left + u * up)

    return {
        "nose": at(0.060, 0.0, -0.008),
        "left_eye_inner": at(0.050, 0.010, 0.010),
        "left_eye": at(0.048, 0.019, 0.011),
        "left_eye_outer": at(0.044, 0.028, 0.011),
        "right_eye_inner": at(0.050, -0.010, 0.010),
        "right_eye": at(0.048, -0.019, 0.011),
        "right_eye_outer": at(0.044, -0.028, 0.011),
        "left_ear": at(0.0, 0.044, 0.0),
        "right_ear": at(0.0, -0.044, 0.0),
        "mouth_left": at(0.052, 0.013, -0.030),
        "mouth_right": at(0.052, -0.013, -0.030),
    }


def hand_points(
    wrist: np.ndarray,
    along: np.ndarray,
    palm_out: np.ndarray,
    fwd: np.ndarray,
    body_height_m: float,
) -> dict[str, np.ndarray]:
    """Pinky, index and thumb points (T, 3) of a hand hanging from ``wrist``.

    ``along`` points from wrist to fingers, ``palm_out`` away from the body, ``fwd`` forward.
    BlazePose puts these near the knuckles, not the finger tips.
    """
    h = body_height_m
    return {
        "pinky": wrist + h * (0.045 * along - 0.014 * fwd),
        "index": wrist + h * (0.050 * along + 0.014 * fwd),
        "thumb": wrist + h * (0.028 * along + 0.022 * fwd + 0.008 * palm_out),
    }
