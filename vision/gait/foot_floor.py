"""Where the pose model's foot points sit above the floor, and the point that places a foot on
it for its footprints and the walk's speed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.gait.scale import ScaleModel

# How far above the floor BlazePose's heel point sits while the foot rests, as a fraction of body
# height, by camera view: the medians of `bench/synthetic_pose_accuracy.py` over our rendered
# walks with exact truth ("resting heel": side 0.016, 0.020, 0.020, 0.028; oblique 0.019, 0.021;
# front 0.044, 0.061; back 0.041, 0.063). Seen from the front or back the heel hides behind the
# foot or the leg and the model places it higher.
HEEL_POINT_HEIGHT_FRACTION = {"side": 0.020, "oblique": 0.020, "front": 0.052, "back": 0.052}
# The same for the toe point (foot index), which stays in view from every side: side 0.009-0.021
# (median 0.018), oblique 0.017 and 0.019, front 0.014 and 0.019, back 0.005 and 0.013.
TOE_POINT_HEIGHT_FRACTION = {"side": 0.018, "oblique": 0.018, "front": 0.014, "back": 0.014}


def footprint_points(
    feet: np.ndarray, scale: ScaleModel, view: str
) -> tuple[np.ndarray, ScaleModel]:
    """The point that places each foot on the floor for its footprints and the walk's speed, in
    the heel's slot of a copy of (T, 2, >=2 [heel, toe, ...], 2) ``feet`` pixels, and the scale
    that lifts it to its height above the floor.

    From the side (or without a camera behind a 4-point calibration) that is the heel itself.
    From the front, back or an angle it is the midpoint of heel and toe, at the mean of their
    heights: a foot seen end-on is foreshortened, and the pose model draws its heel and toe
    together along the line of sight, the heel short of where it is and the toe past it, by
    amounts that vary with the distance to the camera. On bench/accuracy.py's rendered back
    walks the heel alone put each footprint 4-5 % too near the camera (its effective height
    3.5-11 cm against the 9 cm assumed; step lengths 0.5-4.8 cm short, speed 4-13 % low) and the
    toe alone placed steps 2.5-4.6 cm long; the midpoint's errors mostly cancel (back views'
    mean step length within 1.5 cm, speed within 3.6 % and +0.5 % on average). The half foot it
    sits ahead of the heel cancels in step lengths and speed alike. Seen at an angle (oblique),
    the foot is partly end-on and the pose model draws it the same way, less so: the heel alone
    reads the steps long there, the midpoint does not.
    """
    if view not in ("front", "back", "oblique") or scale.camera is None:
        return feet, scale
    out = np.array(feet, dtype=np.float64)
    out[:, :, 0] = 0.5 * (out[:, :, 0] + out[:, :, 1])
    return out, replace(scale, heel_height_m=0.5 * (scale.heel_height_m + scale.toe_height_m))
