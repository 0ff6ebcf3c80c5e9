"""Posture while walking: trunk flexion and lateral lean, head pitch, looking back over the
shoulder, knee flexion at contact, arm swing.

Each angle is read in the plane the camera sees: sagittal angles (trunk flexion, head pitch) from
the side, as image angles (most accurate; Kim, PLoS One 2025) corrected for a walk seen at an
angle (see :func:`sagittal_image_share`); the lean to the side from the front or back, as an
image angle. An angle in a plane that holds the camera's line of sight would rest on the pose
model's depth, a learned prior, and is NaN (not measured) rather than a guess. On rendered walks
of known posture through BlazePose, the world landmarks put trunk flexion off from every view
(worst from the front and back), head pitch from the front off its side-view reading, and the
lean to the side off from an oblique camera; only from straight side on is the world landmarks'
lean to the side near, and it is kept there (bench/accuracy.py prints the posture errors by
view). Angles are degrees.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.gait.body import mid_hip, mid_shoulder
from vision.result import View

UP_WORLD = np.array([0.0, -1.0, 0.0])  # BlazePose world y points down


@dataclass(frozen=True)
class PostureOptions:
    """Attributes:
    look_back_yaw_deg: head turned this far from the shoulders counts as looking back.
    """

    look_back_yaw_deg: float = 45.0


@dataclass
class PostureSeries:
    """Per-frame angles (T,), degrees, NaN where unknown or not measured from the view (see the
    module's docstring).

    Attributes:
        trunk_flexion_deg: mid-hip -> mid-shoulder from vertical, toward the facing side positive.
        trunk_lateral_lean_deg: the same toward the person's right positive.
        head_pitch_deg: ear -> nose line below horizontal (positive looks down; about 10-15 deg
            in a neutral head posture, design note).
        head_yaw_deg: head turned from the shoulders' line (absolute), world landmarks.
        knee_flexion_deg: (T, 2) left/right, 0 = straight knee.
        arm_angle_deg: (T, 2) left/right shoulder -> wrist from vertical, toward facing positive.
    """

    trunk_flexion_deg: np.ndarray
    trunk_lateral_lean_deg: np.ndarray
    head_pitch_deg: np.ndarray
    head_yaw_deg: np.ndarray
    knee_flexion_deg: np.ndarray
    arm_angle_deg: np.ndarray


def _angle_from_vertical_image(vec: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Degrees of image vectors (T, 2) from straight up, positive toward ``sign`` * x."""
    return np.degrees(np.arctan2(vec[:, 0] * sign, -vec[:, 1]))


def estimated_up_world(world: np.ndarray) -> np.ndarray:
    """(3,) unit "up" of (T, 33, 3) world landmarks: from the ankles toward the pelvis, averaged
    over the whole sequence.

    The model's world axes follow the camera, so a camera tilted down by a few degrees tilts
    its "up" by as much and would bias every angle read against it. Averaged
    over steps and standing, the pelvis is above the feet (the body stays balanced over its base
    of support; in quiet standing the line of gravity passes close to both the hip and the ankle
    joints), which gives the true vertical without knowing the camera. Falls back to the
    camera's up when the ankles are not seen.
    """
    feet = [lm.L_ANKLE, lm.R_ANKLE]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without pose stay NaN
        v = mid_hip(world) - np.nanmean(world[:, feet], axis=1)
    v = v[np.isfinite(v).all(axis=1)]
    if len(v) < 3:
        return UP_WORLD
    up = v.mean(axis=0)
    norm = float(np.linalg.norm(up))
    if norm == 0 or float(up @ UP_WORLD) / norm < np.cos(np.radians(30.0)):
        return UP_WORLD  # implausible: keep the camera's up
    return up / norm


def _world_axes(world: np.ndarray, up: np.ndarray = UP_WORLD) -> tuple[np.ndarray, np.ndarray]:
    """(T, 3) horizontal forward and right unit vectors of the pelvis, world coordinates."""
    right = world[:, lm.R_HIP] - world[:, lm.L_HIP]
    right = right - np.outer(right @ up, up)
    right /= np.linalg.norm(right, axis=1, keepdims=True)
    fwd = np.cross(up, right)
    return fwd, right


def sagittal_image_share(fwd: np.ndarray, up: np.ndarray) -> float:
    """How much of the subject's forward direction lies across the image: 1 seen exactly from
    the side, cos(30 deg) = 0.87 from 30 degrees off the side, never below 0.5; the median over
    frames of the pelvis's horizontal forward direction ``fwd`` (T, 3) in world
    coordinates with vertical ``up`` (3,) (see :func:`estimated_up_world`).

    A sagittal angle seen at an angle keeps its vertical part and loses the rest to depth:
    tan(image angle) = tan(angle) * share, so an oblique view reads a 15 degree lean as 13. The
    world landmarks' axes are the camera's, so the pelvis's forward direction gives the share;
    only its overall median is used, which the pelvis's rotation within a stride barely moves.
    """
    across = np.array([1.0, 0.0, 0.0]) - up[0] * up  # the image x axis, made horizontal
    across /= np.linalg.norm(across)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without pose stay NaN
        share = float(np.nanmedian(np.abs(fwd @ across)))
    # Beyond 60 degrees off the side the view is front/back, where sagittal angles are not read.
    return max(share, 0.5) if np.isfinite(share) else 1.0


def posture_series(
    xy: NDArray[np.floating],
    world: NDArray[np.floating],
    facing: np.ndarray,
    view: View,
    options: PostureOptions = PostureOptions(),
    image_share: float | None = None,
) -> PostureSeries:
    """Posture angles per frame.

    Args:
        xy: (T, 33, 2) landmark pixels, leg labels consistent.
        world: (T, 33, 3) world metres.
        facing: (T,) +1/-1 facing sign along image x (side views), 0 unknown.
        view: camera view of the sequence.
        image_share: side/oblique views: how much of the forward direction lies across the
            image (see :func:`sagittal_image_share`); None: read from these frames, which needs
            a walk's worth of them (one frame's pelvis turns with the stride).
    """
    img = xy.astype(np.float64)
    w = world.astype(np.float64)
    sign = np.where(facing == 0, np.nan, facing).astype(np.float64)
    trunk_img = mid_shoulder(img) - mid_hip(img)
    trunk_w = mid_shoulder(w) - mid_hip(w)
    up = estimated_up_world(w)
    fwd, right = _world_axes(w, up)
    with np.errstate(invalid="ignore", divide="ignore"):
        unmeasured = np.full(len(img), np.nan)
        if view in ("side", "oblique"):
            share = sagittal_image_share(fwd, up) if image_share is None else image_share
            flexion = np.degrees(
                np.arctan(np.tan(np.radians(_angle_from_vertical_image(trunk_img, sign))) / share)
            )
            lateral = (
                np.degrees(np.arctan2(np.sum(trunk_w * right, 1), trunk_w @ up))
                if view == "side"
                else unmeasured
            )
        else:
            flexion = unmeasured
            # Seen from the front the person's right is image left; from the back, image right.
            right_sign = np.full(len(img), -1.0 if view == "front" else 1.0)
            lateral = _angle_from_vertical_image(trunk_img, right_sign)

        ears = 0.5 * (img[:, lm.L_EAR] + img[:, lm.R_EAR])
        head = img[:, lm.NOSE] - ears
        if view in ("side", "oblique"):
            pitch = np.degrees(np.arctan2(head[:, 1] * share, np.abs(head[:, 0])))
        else:
            pitch = unmeasured

        ear_axis = w[:, lm.R_EAR] - w[:, lm.L_EAR]
        sh_axis = w[:, lm.R_SHOULDER] - w[:, lm.L_SHOULDER]
        yaw = _horizontal_angle(ear_axis, sh_axis)

        knee = np.stack(
            [
                _knee_flexion(img if view in ("side", "oblique") else w, side)
                for side in ("left", "right")
            ],
            axis=1,
        )
        arms = []
        for s_idx, w_idx in ((lm.L_SHOULDER, lm.L_WRIST), (lm.R_SHOULDER, lm.R_WRIST)):
            arm = img[:, w_idx] - img[:, s_idx]
            # Angle from hanging straight down, toward the facing side positive.
            angle = np.degrees(np.arctan2(arm[:, 0] * sign, arm[:, 1]))
            arms.append(angle if view in ("side", "oblique") else np.full(len(img), np.nan))
    return PostureSeries(flexion, lateral, pitch, yaw, knee, np.stack(arms, axis=1))


def _horizontal_angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle (deg) between (T, 3) vectors projected on the horizontal plane."""
    a = a - np.outer(a @ UP_WORLD, UP_WORLD)
    b = b - np.outer(b @ UP_WORLD, UP_WORLD)
    cos = np.sum(a * b, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _knee_flexion(points: np.ndarray, side: str) -> np.ndarray:
    hip, knee, ankle = (lm.IDX[f"{side}_{n}"] for n in ("hip", "knee", "ankle"))
    a = points[:, hip] - points[:, knee]
    b = points[:, ankle] - points[:, knee]
    cos = np.sum(a * b, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


@dataclass
class PostureSummary:
    trunk_flexion_mean_deg: float | None
    trunk_flexion_max_deg: float | None
    lateral_lean_mean_deg: float | None
    lateral_lean_max_deg: float | None
    head_pitch_mean_deg: float | None
    looking_back_s: float | None
    looking_back_fraction: float | None
    arm_swing_deg: float | None


def summarise_posture(
    series: PostureSeries,
    walking: np.ndarray,
    t_s: np.ndarray,
    options: PostureOptions = PostureOptions(),
) -> PostureSummary:
    """Means over the walking frames; "max" is the 98th percentile of the absolute angle, so one
    bad frame cannot set it."""

    def mean(x: np.ndarray) -> float | None:
        v = x[walking & np.isfinite(x)]
        return float(v.mean()) if v.size else None

    def high(x: np.ndarray) -> float | None:
        v = np.abs(x[walking & np.isfinite(x)])
        return float(np.percentile(v, 98)) if v.size else None

    yaw = series.head_yaw_deg
    ok = walking & np.isfinite(yaw)
    dt = float(np.median(np.diff(t_s))) if len(t_s) > 1 else 0.0
    back = ok & (yaw > options.look_back_yaw_deg)
    arm = series.arm_angle_deg[walking]
    swing = None
    if np.isfinite(arm).sum() > 10:
        per_arm = [
            np.nanpercentile(arm[:, k], 95) - np.nanpercentile(arm[:, k], 5)
            for k in range(2)
            if np.isfinite(arm[:, k]).sum() > 10
        ]
        swing = float(np.mean(per_arm)) if per_arm else None
    return PostureSummary(
        trunk_flexion_mean_deg=mean(series.trunk_flexion_deg),
        trunk_flexion_max_deg=high(series.trunk_flexion_deg),
        lateral_lean_mean_deg=mean(series.trunk_lateral_lean_deg),
        lateral_lean_max_deg=high(series.trunk_lateral_lean_deg),
        head_pitch_mean_deg=mean(series.head_pitch_deg),
        looking_back_s=float(back.sum() * dt) if ok.any() else None,
        looking_back_fraction=float(back.sum() / ok.sum()) if ok.any() else None,
        arm_swing_deg=swing,
    )
