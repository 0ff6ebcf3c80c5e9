"""What the event detectors see: both feet's points per frame, and which of them to trust."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.camera_motion import inside_frame
from vision.gait.body import foot_points, mid_hip
from vision.timeseries import frame_rate, true_runs


@dataclass(frozen=True)
class FootSeenOptions:
    """When a foot's points are trusted.

    Attributes:
        min_visibility: a foot is seen where its heel or toe is at least this visible ...
        hidden_visibility: ... or at least this visible for ``hidden_min_s`` on end. Seen at an
            angle, the far foot standing behind the near one keeps a middling visibility for as
            long as it is hidden, and its points stay where the leg puts it; a brief dip is a
            guess (a foot leaving the picture, a blurred swing) and is dropped.
        hidden_min_s: seconds, see ``hidden_visibility``.
    """

    min_visibility: float = 0.5
    hidden_visibility: float = 0.3
    hidden_min_s: float = 0.2


def feet_seen(
    feet: np.ndarray,
    visibility: np.ndarray,
    frame_size: tuple[int, int] | np.ndarray,
    fps: float,
    options: FootSeenOptions = FootSeenOptions(),
) -> np.ndarray:
    """(T, 2) bool: where each foot of ``feet`` (T, 2, K, 2) pixels is trusted, given its
    ``visibility`` (T, 2) (the better of heel and toe, 0..1): every point inside the picture
    (``frame_size``: (width, height), or each frame's box (T, 4) for stabilised points, see
    :func:`vision.camera_motion.inside_frame`), and visible enough (see
    :class:`FootSeenOptions`)."""
    inside = inside_frame(feet, frame_size).all(axis=-1)
    seen = (visibility >= options.min_visibility) & inside
    hidden = (visibility >= options.hidden_visibility) & inside & ~seen
    for f in range(seen.shape[1]):
        for a, b in true_runs(hidden[:, f]):
            if b - a >= options.hidden_min_s * fps:
                seen[a:b, f] = True
    return seen


@dataclass
class FootTracks:
    """What the detectors see: both feet's points and the walk's direction, per frame.

    Attributes:
        t_s: (T,) seconds.
        frame_index: (T,) video frame numbers.
        feet: (T, 2, 3, 2) pixels: [left, right] x [heel, toe, ankle] x (x, y), leg labels
            already made consistent (see :func:`vision.gait.body.leg_swaps`).
        pelvis: (T, 2) mid-hip pixels.
        travel: (T,) +1/-1 travel sign along the travel axis, 0 when standing.
        walking: (T,) bool, frames labelled backward, forward or turning.
        body_height_px: apparent standing height in pixels.
        frontal: True when travel is along the line of sight (front/back view): the travel axis is
            then image y (down = nearer the camera), else image x.
        readings: (T, 2, 3, 2) the same foot points unsmoothed (gaps filled only), for detectors
            that must not blend the two feet where the pose model swapped their labels; None:
            use ``feet``.
        depth: (T, 2, 2) the pose model's relative depth of [left, right] x [heel, toe], in
            pixels like x (hip-centred, smaller is nearer the camera); None if not known.
        motion: (T, 2) fraction of pixels changed around [left, right] foot since the previous
            frame, in the pose model's own labels (see :mod:`vision.foot_motion`); NaN where not
            measured; None if never (landmarks without video, a moving camera).
    """

    t_s: np.ndarray
    frame_index: np.ndarray
    feet: np.ndarray
    pelvis: np.ndarray
    travel: np.ndarray
    walking: np.ndarray
    body_height_px: float
    frontal: bool = False
    readings: np.ndarray | None = None
    depth: np.ndarray | None = None
    motion: np.ndarray | None = None


def foot_tracks(
    xy: NDArray[np.floating],
    z: NDArray[np.floating] | None,
    visibility: NDArray[np.floating],
    t_s: NDArray[np.float64],
    frame_index: np.ndarray,
    frame_size: tuple[int, int] | np.ndarray,
    travel: np.ndarray,
    walking: np.ndarray,
    body_height_px: float,
    frontal: bool = False,
    raw_xy: NDArray[np.floating] | None = None,
    motion: np.ndarray | None = None,
    options: FootSeenOptions = FootSeenOptions(),
) -> FootTracks:
    """Build :class:`FootTracks` from ``xy`` (T, 33, 2) landmark pixels, their depth ``z``
    (T, 33) (pixels like x, hip-centred, smaller is nearer; None: not known) and ``visibility``
    (T, 33) 0-1; ``raw_xy`` (T, 33, 2) pixels are the same landmarks unsmoothed (None: none).

    A foot is missing (NaN) in frames where it is not seen (see :func:`feet_seen`): BlazePose
    guesses such points, and a guessed foot must not make events.
    """
    feet = foot_points(xy)
    vis = np.stack(
        [
            visibility[:, [lm.L_HEEL, lm.L_TOE]].max(axis=1),
            visibility[:, [lm.R_HEEL, lm.R_TOE]].max(axis=1),
        ],
        axis=1,
    )
    seen = feet_seen(feet, vis, frame_size, frame_rate(t_s), options)
    feet[~seen] = np.nan
    readings = None
    if raw_xy is not None:
        readings = foot_points(raw_xy)
        # Frames filled across a short gap carry visibility 0 but interpolated points: keep them.
        readings[~(seen | (vis == 0))] = np.nan
    depth = None
    if z is not None:
        depth = z[:, [lm.L_HEEL, lm.L_TOE, lm.R_HEEL, lm.R_TOE]].reshape(-1, 2, 2)
        depth = np.where(seen[:, :, None], depth, np.nan)
    return FootTracks(
        t_s=t_s,
        frame_index=frame_index,
        feet=feet,
        pelvis=mid_hip(xy),
        travel=travel,
        walking=walking,
        body_height_px=body_height_px,
        frontal=frontal,
        readings=readings,
        depth=depth,
        motion=motion,
    )
