"""The 33 BlazePose landmarks: named arrays, names, indices, skeleton edges, left/right pairs.

:class:`Landmarks` holds a person's landmarks as named arrays (in one frame, or over frames); the
index constants below pick points out of their landmark axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

NUM_LANDMARKS = len(NAMES)
IDX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

NOSE = IDX["nose"]
L_EAR, R_EAR = IDX["left_ear"], IDX["right_ear"]
L_SHOULDER, R_SHOULDER = IDX["left_shoulder"], IDX["right_shoulder"]
L_ELBOW, R_ELBOW = IDX["left_elbow"], IDX["right_elbow"]
L_WRIST, R_WRIST = IDX["left_wrist"], IDX["right_wrist"]
L_HIP, R_HIP = IDX["left_hip"], IDX["right_hip"]
L_KNEE, R_KNEE = IDX["left_knee"], IDX["right_knee"]
L_ANKLE, R_ANKLE = IDX["left_ankle"], IDX["right_ankle"]
L_HEEL, R_HEEL = IDX["left_heel"], IDX["right_heel"]
L_TOE, R_TOE = IDX["left_foot_index"], IDX["right_foot_index"]

# Landmarks of each leg, used to swap legs when BlazePose mislabels them in side view.
LEFT_LEG = (L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_TOE)
RIGHT_LEG = (R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_TOE)


def _mirror_name(name: str) -> str:
    swapped = name.replace("left", "@").replace("right", "left").replace("@", "right")
    return swapped


# Index permutation mapping each landmark to its mirror (left <-> right).
MIRROR: tuple[int, ...] = tuple(IDX[_mirror_name(n)] for n in NAMES)

SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (L_SHOULDER, R_SHOULDER),
    (L_HIP, R_HIP),
    (L_SHOULDER, L_HIP),
    (R_SHOULDER, R_HIP),
    (L_SHOULDER, L_ELBOW),
    (L_ELBOW, L_WRIST),
    (R_SHOULDER, R_ELBOW),
    (R_ELBOW, R_WRIST),
    (L_HIP, L_KNEE),
    (L_KNEE, L_ANKLE),
    (L_ANKLE, L_HEEL),
    (L_HEEL, L_TOE),
    (L_ANKLE, L_TOE),
    (R_HIP, R_KNEE),
    (R_KNEE, R_ANKLE),
    (R_ANKLE, R_HEEL),
    (R_HEEL, R_TOE),
    (R_ANKLE, R_TOE),
    (NOSE, L_EAR),
    (NOSE, R_EAR),
)

# The points that place a whole body in the picture, head to toes: a person is seen whole
# (for a set-up check, or to judge the hips' height over the floor) when all of them are in it.
WHOLE_BODY = (
    NOSE,
    L_SHOULDER,
    R_SHOULDER,
    L_HIP,
    R_HIP,
    L_KNEE,
    R_KNEE,
    L_ANKLE,
    R_ANKLE,
    L_HEEL,
    R_HEEL,
    L_TOE,
    R_TOE,
)

# The points of each foot in a feet array (T, 2 feet [left, right], 3 points, 2 coords x, y px),
# as :func:`vision.gait.body.foot_points` builds it from the heel, toe and ankle landmarks.
HEEL, TOE, ANKLE = 0, 1, 2


@dataclass(frozen=True)
class Landmarks:
    """One person's 33 BlazePose landmarks as named arrays.

    The leading axes are free: (33, ...) for one frame, (T, 33, ...) for a time series. Index the
    landmark axis with the constants of this module (``xy[..., L_HEEL, :]``).

    Attributes:
        xy: (..., 33, 2) pixels in the (upright) frame: x right, y down.
        z: (..., 33) BlazePose's relative depth, scaled like x (pixels), hip-centred; smaller is
            nearer the camera.
        visibility: (..., 33) probability 0-1 that the point is in view and not hidden.
        presence: (..., 33) probability 0-1 that the point is in the frame at all.
        world: (..., 33, 3) metres, origin at the hip centre, from the model's prior (not
            measured).
    """

    xy: NDArray[np.float32]
    z: NDArray[np.float32]
    visibility: NDArray[np.float32]
    presence: NDArray[np.float32]
    world: NDArray[np.float32]

    def __post_init__(self) -> None:
        lead = self.xy.shape[:-2]
        expected = {
            "xy": lead + (NUM_LANDMARKS, 2),
            "z": lead + (NUM_LANDMARKS,),
            "visibility": lead + (NUM_LANDMARKS,),
            "presence": lead + (NUM_LANDMARKS,),
            "world": lead + (NUM_LANDMARKS, 3),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected {shape}")
