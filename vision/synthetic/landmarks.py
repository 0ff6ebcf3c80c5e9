"""Landmark-level synthetic data: truth joints seen through a camera with BlazePose-like errors.

No rendering: the truth joints are projected and disturbed the way BlazePose disturbs real ones
(as seen on rendered walkers; ``bench/synthetic_pose_accuracy.py`` prints the sizes): per-landmark
jitter, foot points sitting above the true heel/ankle, a few frames without pose, legs swapped in
some side-view frames and a wild first detection.

Example::

    from vision.synthetic import WalkParams, simulate_walk
    from vision.synthetic.camera import view_camera
    from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

    truth = simulate_walk(WalkParams(direction="backward"), fps=30.0)
    cam = view_camera(truth.joints, truth.facing_deg[0], view="side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=1)
    seq.image.shape  # (T, 33, 3): pixels x, y and relative z
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vision.landmarks import IDX, LEFT_LEG, NAMES, NUM_LANDMARKS, RIGHT_LEG
from vision.sequence import PoseSequence
from vision.synthetic.camera import Camera
from vision.synthetic.truth import WalkTruth

FOOT_IDX = tuple(
    IDX[f"{s}_{n}"] for s in ("left", "right") for n in ("ankle", "heel", "foot_index")
)
HEEL_AND_ANKLE_IDX = tuple(IDX[f"{s}_{n}"] for s in ("left", "right") for n in ("ankle", "heel"))


@dataclass(frozen=True)
class LandmarkNoise:
    """Error model; fractions are of body height (in pixels for image, metres for world).

    ``dropout_fraction`` of frames lose the pose, in runs of about ``dropout_run_frames``;
    ``swap_fraction`` of frames have the legs' labels exchanged, only where the camera sees the
    person from the side (within 20 degrees of a pure side view); ``wild_first_frame`` throws
    the first detection off by about a fifth of body height.

    Foot points (ankle, heel, toe) sit ``foot_offset_fraction`` above the true ones; heel and
    ankle rise by up to ``frontal_heel_offset_fraction`` more as the view turns to the front or
    back (weight cos^4 of the angle between facing and the camera axis), where the heel hides.
    Both are set from BlazePose's offsets on rendered walks, which
    ``bench/synthetic_pose_accuracy.py`` prints ("resting heel" and "toe").
    """

    jitter_fraction: float = 0.007
    foot_offset_fraction: float = 0.018
    frontal_heel_offset_fraction: float = 0.034
    dropout_fraction: float = 0.0
    dropout_run_frames: int = 3
    swap_fraction: float = 0.0
    wild_first_frame: bool = False

    @classmethod
    def none(cls) -> LandmarkNoise:
        """Exact projection of the truth (for checking analysis code against the geometry)."""
        return cls(jitter_fraction=0.0, foot_offset_fraction=0.0, frontal_heel_offset_fraction=0.0)

    @classmethod
    def blazepose_like(cls) -> LandmarkNoise:
        """Errors of the size seen from BlazePose on rendered walkers, pitfalls included."""
        return cls(dropout_fraction=0.02, swap_fraction=0.15, wild_first_frame=True)


def _runs_mask(
    n: int, fraction: float, run: int, rng: np.random.Generator, allowed: np.ndarray | None = None
) -> np.ndarray:
    """(n,) bool with about ``fraction`` of the allowed frames set, in runs of ~``run``."""
    mask = np.zeros(n, bool)
    if fraction <= 0 or n == 0:
        return mask
    allowed = np.ones(n, bool) if allowed is None else allowed
    target = int(round(fraction * allowed.sum()))
    for _ in range(10 * n):
        if mask.sum() >= target:
            break
        start = int(rng.integers(0, n))
        length = max(1, int(rng.poisson(run)))
        mask[start : start + length] |= allowed[start : start + length]
    return mask


def landmark_sequence(
    truth: WalkTruth, camera: Camera, noise: LandmarkNoise | None = None, seed: int = 0
) -> PoseSequence:
    """The walk as a pose estimator would report it through ``camera``.

    Returns a :class:`vision.sequence.PoseSequence` with the truth's frame timing: ``image``
    pixels + relative z (hip-centred, scaled like x), ``world`` hip-centred metres in the camera's
    axes (x right, y down, z away from the camera, like BlazePose world landmarks), visibility
    lower for the limbs on the far side. ``meta["truth"]`` notes what was done (swapped frames,
    dropped frames) so tests can compare.
    """
    noise = noise or LandmarkNoise()
    rng = np.random.default_rng(seed)
    n = len(truth.joints)
    h = truth.body_height_m
    image, world, depth, height_px = _project(truth, camera)
    _add_jitter(image, world, noise.jitter_fraction, height_px, h, rng)
    # Angle between where the person faces and the camera's axis (rad), per frame.
    facing_vs_camera = np.radians(truth.facing_deg) - math.radians(camera.yaw_deg)
    _raise_foot_points(image, world, camera, noise, np.cos(facing_vs_camera) ** 4, height_px, h)
    visibility = _far_side_visibility(depth, h)

    side_on = np.abs(np.sin(facing_vs_camera)) > math.cos(math.radians(20.0))
    swapped = _runs_mask(n, noise.swap_fraction, 4, rng, side_on)
    for a, b in zip(LEFT_LEG, RIGHT_LEG, strict=True):
        for arr in (image, world):
            arr[swapped, a], arr[swapped, b] = arr[swapped, b].copy(), arr[swapped, a].copy()

    if noise.wild_first_frame and n:
        image[0, :, :2] += rng.normal(0.0, 0.2, 2) * height_px[0]
        image[0, :, :2] += rng.standard_normal((NUM_LANDMARKS, 2)) * 0.05 * height_px[0]
    dropped = _runs_mask(n, noise.dropout_fraction, noise.dropout_run_frames, rng)
    image[dropped] = np.nan
    world[dropped] = np.nan
    visibility[dropped] = 0.0

    return PoseSequence(
        t_s=truth.t_s.copy(),
        frame_index=np.arange(n),
        image=image,
        world=world,
        visibility=visibility,
        fps=truth.fps,
        width=camera.width,
        height=camera.height,
        meta={
            "backend": "synthetic-landmarks",
            "model": "kinematic walker",
            "source": "vision.synthetic",
            "truth": {
                "swapped_frames": np.nonzero(swapped)[0].tolist(),
                "dropped_frames": np.nonzero(dropped)[0].tolist(),
                "wild_first_frame": noise.wild_first_frame,
                "body_height_px_mean": float(np.mean(height_px)),
            },
        },
    )


def _project(
    truth: WalkTruth, camera: Camera
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The exact landmarks through ``camera``: image (T, 33, 3) pixels and relative z, world
    (T, 33, 3) hip-centred metres in the camera's axes, each point's depth (T, 33) metres and
    the body height (T,) in pixels at the hips' depth."""
    joints = truth.joints
    px, depth = camera.project(joints)
    mid_hip = 0.5 * (joints[:, IDX["left_hip"]] + joints[:, IDX["right_hip"]])
    hip_depth = camera.to_camera(mid_hip)[:, 2]
    height_px = camera.focal_px * truth.body_height_m / hip_depth
    rel_z = (depth - hip_depth[:, None]) * camera.focal_px / hip_depth[:, None]
    image = np.concatenate([px, rel_z[..., None]], axis=-1)
    world = camera.to_camera(joints) - camera.to_camera(mid_hip)[:, None, :]
    return image, world, depth, height_px


def _add_jitter(
    image: np.ndarray,
    world: np.ndarray,
    fraction: float,
    height_px: np.ndarray,
    height_m: float,
    rng: np.random.Generator,
) -> None:
    """Per-landmark noise of ``fraction`` of body height on every coordinate (in place)."""
    n = len(image)
    sigma_px = fraction * height_px
    image[..., :2] += rng.standard_normal((n, NUM_LANDMARKS, 2)) * sigma_px[:, None, None]
    image[..., 2] += rng.standard_normal((n, NUM_LANDMARKS)) * sigma_px[:, None]
    world += rng.standard_normal(world.shape) * fraction * height_m


def _raise_foot_points(
    image: np.ndarray,
    world: np.ndarray,
    camera: Camera,
    noise: LandmarkNoise,
    frontal: np.ndarray,
    height_px: np.ndarray,
    height_m: float,
) -> None:
    """Foot points sit above the true ones, straight up in the image and in the world; heel and
    ankle rise more as ``frontal`` (T,) (1: seen from the front or back) grows (in place)."""
    up_world = camera.rotation() @ np.array([0.0, 0.0, 1.0])
    offset = np.full((len(image), len(FOOT_IDX)), noise.foot_offset_fraction)
    hidden = [k for k, i in enumerate(FOOT_IDX) if i in HEEL_AND_ANKLE_IDX]
    offset[:, hidden] += noise.frontal_heel_offset_fraction * frontal[:, None]
    foot = list(FOOT_IDX)
    image[:, foot, 1] -= offset * height_px[:, None]
    world[:, foot] += (offset * height_m)[..., None] * up_world


def _far_side_visibility(depth: np.ndarray, height_m: float) -> np.ndarray:
    """Visibility (T, 33): the far side's limbs are partly hidden behind the body."""
    n = len(depth)
    near_left = depth[:, IDX["left_hip"]] < depth[:, IDX["right_hip"]]
    side_gap = np.abs(depth[:, IDX["left_hip"]] - depth[:, IDX["right_hip"]]) / (0.11 * height_m)
    visibility = np.full((n, NUM_LANDMARKS), 0.95, np.float32)
    far_drop = (0.4 * np.clip(side_gap, 0.0, 1.0)).astype(np.float32)
    left_idx = np.array([i for i, name in enumerate(NAMES) if name.startswith("left_")])
    right_idx = np.array([i for i, name in enumerate(NAMES) if name.startswith("right_")])
    visibility[np.ix_(~near_left, left_idx)] -= far_drop[~near_left, None]
    visibility[np.ix_(near_left, right_idx)] -= far_drop[near_left, None]
    return visibility
