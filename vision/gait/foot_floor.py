"""Where the pose model's foot points sit above the floor, and the point that places a foot on
it for its footprints and the walk's speed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.gait.scale import ScaleModel

# How far above the floor BlazePose's heel point sits while the foot rests, as a fraction of body
# height, by camera view: set from what `bench/synthetic_pose_accuracy.py` prints ("resting
# heel") for rendered walks with exact truth. Seen from the front or back the heel hides behind
# the foot or the leg and the model places it higher, so those views get a larger value.
HEEL_POINT_HEIGHT_FRACTION = {"side": 0.020, "oblique": 0.020, "front": 0.052, "back": 0.052}
# The same for the toe point (foot index), set from the same bench. The toe stays in view from
# every side, so its height varies less with the view than the heel's.
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
    amounts that vary with the distance to the camera. So the heel alone puts each footprint
    too near the camera (its effective height is not the one assumed, and varies: steps read
    short and speed low) and the toe alone places steps long; at the midpoint the two errors
    mostly cancel (bench/accuracy.py prints the step length and speed errors of rendered back
    walks). The half foot the midpoint sits ahead of the heel cancels in step lengths and speed
    alike. Seen at an angle (oblique), the foot is partly end-on and the pose model draws it the
    same way, less so: the heel alone reads the steps long there, the midpoint does not.
    """
    if view not in ("front", "back", "oblique") or scale.camera is None:
        return feet, scale
    out = np.array(feet, dtype=np.float64)
    out[:, :, 0] = 0.5 * (out[:, :, 0] + out[:, :, 1])
    return out, replace(scale, heel_height_m=0.5 * (scale.heel_height_m + scale.toe_height_m))
