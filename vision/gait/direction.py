"""Which way the subject faces, which way they travel, and from where the camera sees them.

Backward walking is travelling opposite to where one faces, so the two are estimated separately:

* facing: from the nose ahead of the ears and the toes ahead of the heels (side views), or from
  the shoulders' left/right order and the face's visibility (front/back views, where it changes
  only through a turn: see :mod:`vision.gait.facing`);
* travel: from the pelvis displacement (image x in side views; apparent size in front/back views,
  growing when the subject comes nearer); the measures themselves are in
  :mod:`vision.gait.travel`.

Per frame, the walk is labelled backward, forward, standing or turning; runs of labels become
:class:`~vision.result.Segment` s, each with the camera view (side, front, back, oblique).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.gait.body import (
    body_height_px,
    mid_hip,
    mid_shoulder,
    nanmedian_filter,
)
from vision.gait.direction_labels import WALKS, label_frames, label_runs
from vision.gait.facing import facing_between_turns, frontal_facing, lateral_facing
from vision.gait.travel import (
    feet_speed_bh_s,
    focal_guess_px,
    frontal_sizes_px,
    path_angle_deg,
    window_speed,
)
from vision.result import Direction, Segment, View
from vision.timeseries import true_runs


@dataclass(frozen=True)
class DirectionOptions:
    """Thresholds for direction and view classification.

    Attributes:
        standing_speed_bh_s: pelvis speed (body heights per second) below which the subject is
            standing; 0.08 BH/s is about 0.13 m/s, below the slowest backward walkers (design
            choice).
        standing_window_s: side views: the speed is the pelvis's net displacement over a
            centred window this long (ignores the pelvis's to-and-fro within a step).
        feet_still_bh_s: side views: both feet slower than this (body heights per second) are
            planted; walking always has a foot in swing faster than ~0.3 BH/s.
        standing_sway_bh_s: with both feet planted, hips slower than this are standing (the
            weight shift before a first step); design choice.
        min_standing_s: slower than ``standing_speed_bh_s`` for at least this long is standing;
            a shorter slow-down between two stretches of walking is part of the walk.
        min_segment_s: shorter runs of one label are merged into their neighbours.
        min_walk_bh: a run of walking that carries the pelvis less than this far (body heights)
            is standing: the shortest steps in DOMAIN.md's cut-offs (~0.25 m) move it about
            0.15 BH, while coming to rest (closing the feet, straightening up) changes the
            apparent size of a front/back view by a few hundredths.
        smooth_s: window of the running medians applied to the per-frame cues.
        side_width_ratio: shoulder+hip width over trunk length below which the view is side.
        frontal_width_ratio: above this the view is front or back; in between, oblique.
        turn_window_s: frames this close to a change of facing are labelled turning.
        min_path_bh: a path shorter than this (body heights) leaves the view to the trunk's
            width alone.
        frontal_path_deg: a path at least this steep to the image plane (degrees) is a
            front/back view, whatever the trunk's width; one between ``side_path_deg`` and this
            is oblique; a flatter one is side or oblique by the trunk's width.
        max_turn_s: a walk that ends facing one way and the next walk that starts facing the
            other way, at most this long apart (seconds), turned round between them: everything
            between is one turning segment (a pause to turn, steps on the spot, the stepping
            back a turn near a wall reads as). Longer apart, the person stood, then turned
            (design choice: a 180-degree turn takes a few seconds even at a slow pace).
        min_turn_walk_s: walks shorter than this (seconds) are not the walks a turn lies
            between but part of the turn (about two steps).
        min_facing_agreement: a facing that fewer of its frames' own cues agree with than this
            fraction is unsure (see ``DirectionAnalysis.facing_agreement``): a facing read
            from clear cues agrees on nearly every frame, while rendered back views through the
            pose model agree far less and can read the wrong way (bench/accuracy.py prints the
            walk direction found); design choice. From the front or back, an unsure facing
            also withholds the steps and sagittal angles
            (:func:`vision.analysis.analyze_sequence`): the model's depth turns over with it.
    """

    standing_speed_bh_s: float = 0.08
    standing_window_s: float = 0.4
    feet_still_bh_s: float = 0.25
    standing_sway_bh_s: float = 0.25
    min_standing_s: float = 0.4
    min_segment_s: float = 0.4
    min_walk_bh: float = 0.1
    smooth_s: float = 0.5
    side_width_ratio: float = 0.3
    frontal_width_ratio: float = 0.55
    turn_window_s: float = 0.3
    min_path_bh: float = 0.6
    frontal_path_deg: float = 60.0
    side_path_deg: float = 20.0
    max_turn_s: float = 5.0
    min_turn_walk_s: float = 1.0
    min_facing_agreement: float = 0.9


@dataclass
class DirectionAnalysis:
    """Per-frame direction labels and the segments built from them.

    Attributes:
        view: the dominant camera view of the whole sequence.
        facing: (T,) +1/-1 facing sign along the travel axis, 0 unknown. Side views: +1 faces
            image right. Front/back views: +1 faces the camera.
        travel: (T,) +1/-1 travel sign along the same axis, 0 when standing or unknown.
        label: (T,) per-frame direction labels (object array of str; "" where no pose).
        speed_bh_s: (T,) pelvis speed along the travel axis in body heights per second (signed).
        body_height_px: the subject's apparent standing height in pixels.
        segments: runs of one direction with their view.
        facing_agreement: fraction of the frames given a facing whose own facing cue agrees
            with it: 1 when every frame agrees, near 0.5 when the facing is a guess.
        facing_sure: the agreement reaches ``DirectionOptions.min_facing_agreement`` (or there
            was nothing to agree on); when not, forward and backward are guesses.
    """

    view: View
    facing: np.ndarray
    travel: np.ndarray
    label: np.ndarray
    speed_bh_s: np.ndarray
    body_height_px: float
    segments: list[Segment] = field(default_factory=list)
    facing_agreement: float = float("nan")
    facing_sure: bool = True

    @property
    def walk_direction(self) -> Direction | None:
        """The direction the subject spent most time walking in (backward wins a tie)."""
        n_back = int(np.sum(self.label == "backward"))
        n_fwd = int(np.sum(self.label == "forward"))
        if n_back == 0 and n_fwd == 0:
            return "standing" if np.any(self.label == "standing") else None
        return "backward" if n_back >= n_fwd else "forward"


def width_ratio(xy: NDArray[np.floating]) -> np.ndarray:
    """(T,) mean of shoulder and hip widths (image x) over trunk length in ``xy`` (T, 33, 2)
    landmark pixels: ~0.1-0.3 seen from the side, ~0.6-0.9 from the front or back."""
    sh = np.abs(xy[:, lm.L_SHOULDER, 0] - xy[:, lm.R_SHOULDER, 0])
    hp = np.abs(xy[:, lm.L_HIP, 0] - xy[:, lm.R_HIP, 0])
    trunk = np.linalg.norm(mid_shoulder(xy) - mid_hip(xy), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 0.5 * (sh + hp) / trunk


def classify_view(
    xy: NDArray[np.floating],
    options: DirectionOptions = DirectionOptions(),
    image_size: tuple[int, int] | None = None,
) -> View:
    """Camera view of frames ``xy`` (T, 33, 2) landmark pixels, from the trunk's apparent width,
    overruled by the path walked when that is clear (see :func:`path_angle_deg`): BlazePose
    draws the shoulders of a person seen from behind narrow enough to pass for an oblique view,
    while the walk itself runs along the line of sight. Front or back is the left/right order
    of shoulders and hips (:func:`~vision.gait.facing.frontal_facing`). ``image_size`` (width,
    height px) places the principal point for the path."""
    r = width_ratio(xy)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return "side"
    ratio = float(np.median(r))
    view: View = (
        "side"
        if ratio < options.side_width_ratio
        else "oblique"
        if ratio < options.frontal_width_ratio
        else "front"
    )
    angle = path_angle_deg(xy, image_size, options.min_path_bh)
    if np.isfinite(angle):
        if angle >= options.frontal_path_deg:
            view = "front"
        elif angle > options.side_path_deg:
            view = "oblique"
        elif view == "front":  # walking across the image: not a front/back view
            view = "oblique"
    if view != "front":
        return view
    # The same left/right order of shoulders and hips as the facing (the face's visibility says
    # nothing: see frontal_facing); an even vote says front.
    cue = frontal_facing(xy)
    votes = np.nanmedian(np.sign(cue)) if np.isfinite(cue).any() else 0.0
    return "back" if votes < 0 else "front"


def _standing_in_line(segments: list[Segment]) -> list[Segment]:
    """Segments with each standing next to a walk given that walk's view (the next walk's, else
    the previous one's).

    The person stands where the walk starts or stops, facing as they walk. Without a path of
    its own to overrule the trunk's apparent width, a standing body's view is read from the
    width alone, which BlazePose draws narrow from behind, so a person standing before or after
    a front or back walk would often read "oblique" or "side".
    """
    out = list(segments)
    for i, g in enumerate(out):
        if g.direction != "standing":
            continue
        walks = [out[j] for j in (i + 1, i - 1) if 0 <= j < len(out) and out[j].direction in WALKS]
        if walks:
            out[i] = replace(g, view=walks[0].view)
    return out


def analyze_direction(
    xy: NDArray[np.floating],
    t_s: NDArray[np.float64],
    options: DirectionOptions = DirectionOptions(),
    image_size: tuple[int, int] | None = None,
) -> DirectionAnalysis:
    """Facing, travel and per-frame direction labels of one subject.

    Args:
        xy: (T, 33, 2) landmark pixels (NaN where no pose), ideally smoothed.
        t_s: (T,) frame times in seconds.
        image_size: (width, height) px of the video, for the path walked (see
            :func:`path_angle_deg`).
    """
    n = len(t_s)
    view = classify_view(xy, options, image_size)
    h_px = body_height_px(xy)
    fps = (n - 1) / (t_s[-1] - t_s[0]) if n > 1 and t_s[-1] > t_s[0] else 30.0
    win = max(int(round(options.smooth_s * fps)) | 1, 1)
    if not np.isfinite(h_px) or h_px <= 0:
        empty = np.zeros(n, dtype=np.int8)
        return DirectionAnalysis(
            view, empty, empty.copy(), np.full(n, "", dtype=object), np.zeros(n), float("nan")
        )
    frontal = view in ("front", "back")
    if frontal:
        speed, facing_cue, facing = _frontal_travel(xy, t_s, fps, win, options, image_size)
    else:
        speed, facing_cue, facing = _side_travel(xy, t_s, fps, win, h_px, options)
    moving = _moving(xy, t_s, speed, frontal, fps, h_px, options)
    travel = np.where(moving, np.sign(np.nan_to_num(speed)), 0).astype(np.int8)
    has_pose = np.isfinite(xy[:, :, 0]).any(axis=1)
    label = label_frames(has_pose, t_s, speed, moving, travel, facing, options)
    segments = [
        Segment(
            start_s=float(t_s[a]),
            end_s=float(t_s[b - 1]),
            direction=label[a],
            view=classify_view(xy[a:b], options, image_size),
        )
        for a, b in label_runs(label)
        if label[a] != ""
    ]
    segments = _standing_in_line(segments)
    told = np.isfinite(facing_cue) & (facing_cue != 0) & (facing != 0)
    agreement = float(np.mean(np.sign(facing_cue[told]) == facing[told])) if told.any() else np.nan
    return DirectionAnalysis(
        view,
        facing,
        travel,
        label,
        speed,
        h_px,
        segments,
        agreement,
        facing_sure=not agreement < options.min_facing_agreement,
    )


def _frontal_travel(
    xy: NDArray[np.floating],
    t_s: NDArray[np.float64],
    fps: float,
    win: int,
    options: DirectionOptions,
    image_size: tuple[int, int] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Front and back views: (T,) travel speed (body heights/s, + toward the camera), the
    facing cue, and the facing settled between turns."""
    # Travel along the line of sight: distance in body heights is f / apparent height. The net
    # change over a window, like the side view's, ignores the within-step bob; three sizes vote
    # (see frontal_sizes_px), and their few landmarks are noisier than the pelvis's x, hence the
    # window twice as long.
    sizes = [nanmedian_filter(size, win) for size in frontal_sizes_px(xy)]
    f = focal_guess_px(sizes[0], image_size)
    speeds = [-window_speed(f / hs, t_s, 2.0 * options.standing_window_s) for hs in sizes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without pose stay NaN
        speed = np.nanmedian(np.stack(speeds), axis=0)
    facing_cue = nanmedian_filter(frontal_facing(xy), win)
    facing = facing_between_turns(facing_cue, width_ratio(xy), fps, options.side_width_ratio)
    return speed, facing_cue, facing


def _side_travel(
    xy: NDArray[np.floating],
    t_s: NDArray[np.float64],
    fps: float,
    win: int,
    h_px: float,
    options: DirectionOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Side and oblique views: (T,) travel speed of the pelvis along image x (body heights/s),
    the facing cue, and its sign as the facing."""
    x = nanmedian_filter(mid_hip(xy)[:, 0], max(int(round(0.13 * fps)) | 1, 3))
    speed = window_speed(x, t_s, options.standing_window_s) / h_px
    facing_cue = nanmedian_filter(lateral_facing(xy, h_px), win)
    facing = np.sign(np.nan_to_num(facing_cue)).astype(np.int8)
    return speed, facing_cue, facing


def _moving(
    xy: NDArray[np.floating],
    t_s: NDArray[np.float64],
    speed: np.ndarray,
    frontal: bool,
    fps: float,
    h_px: float,
    options: DirectionOptions,
) -> np.ndarray:
    """(T,) bool: the subject travels (not standing)."""
    moving = np.abs(np.nan_to_num(speed)) >= options.standing_speed_bh_s
    if not frontal:
        # Both feet planted while the hips only sway (coming to rest, shifting weight before
        # the first step) is standing too. Front/back views see the feet move mostly in depth,
        # so their image speed says little there.
        still = feet_speed_bh_s(xy, t_s, h_px, fps) < options.feet_still_bh_s
        moving &= ~(still & (np.abs(np.nan_to_num(speed)) < options.standing_sway_bh_s))
    # Standing needs the hips still for a while: a brief slow-down mid-walk is still walking.
    # One at the recording's start or end has no walk on its other side: the recording, not
    # the person, cut it short, and it stays standing.
    for a, b in true_runs(~moving):
        if 0 < a and b < len(moving) and t_s[b - 1] - t_s[a] < options.min_standing_s:
            moving[a:b] = True
    return moving
