"""The 33 BlazePose landmarks: names, indices, skeleton edges and left/right pairs."""

from __future__ import annotations

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
