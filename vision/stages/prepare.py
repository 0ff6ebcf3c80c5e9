"""Stage 1, prepare the landmarks: the camera's motion undone, the legs labelled consistently,
gaps filled, and the landmarks smoothed once for the events and once for posture and sway."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vision.camera_motion import CameraMove, camera_move, frame_boxes
from vision.findings import Finding, finding
from vision.foot_motion import by_picture_side, where_camera_still
from vision.gait.body import despiked, leg_swaps, with_legs_exchanged
from vision.sequence import PoseSequence
from vision.stages.options import AnalysisOptions

# A subject seen in fewer frames than this fraction is said to be.
MIN_COVERAGE = 0.5
# Fewer frames (or frames with a pose) than this are nothing to analyse.
MIN_FRAMES = 3


@dataclass(frozen=True)
class Prepared:
    """The landmarks as every later stage reads them.

    Attributes:
        seq: the sequence as given, or stabilised against the background where the camera
            moved.
        move: the camera's motion over the clip; None where it was not measured.
        picture: where the picture is, for what is seen whole: (width, height) px, or (T, 4)
            each frame's own box in the first frame's background once the camera's motion is
            undone.
        base: legs labelled consistently, gaps up to ``max_gap_s`` filled.
        events_seq: ``base`` despiked and its image landmarks smoothed at ``event_cutoff_hz``
            (its world landmarks are ``base``'s).
        posture_seq: ``base`` smoothed at ``posture_cutoff_hz``.
        swapped: (T,) frames whose left/right leg labels were repaired.
        findings: the subject's coverage, the camera's motion.
    """

    seq: PoseSequence
    move: CameraMove | None
    picture: tuple[int, int] | np.ndarray
    base: PoseSequence
    events_seq: PoseSequence
    posture_seq: PoseSequence
    swapped: np.ndarray
    findings: tuple[Finding, ...]

    @property
    def t_s(self) -> np.ndarray:
        """(T,) seconds."""
        return self.base.t_s

    @property
    def camera_moved(self) -> bool:
        """The camera moved over the clip."""
        return self.move is not None and self.move.moved


def too_short(seq: PoseSequence) -> bool:
    """Too few frames, or frames with a pose, to analyse."""
    return len(seq) < MIN_FRAMES or seq.has_pose.sum() < MIN_FRAMES


def prepare_landmarks(seq: PoseSequence, opts: AnalysisOptions) -> Prepared:
    """Stage 1 (see the module docstring)."""
    found: list[Finding] = []
    if seq.coverage < MIN_COVERAGE:
        found.append(finding("pose.low_coverage", coverage_pct=100 * seq.coverage))
    camera = seq.camera
    move = camera_move(camera, seq.width) if camera is not None else None
    picture: tuple[int, int] | np.ndarray = (seq.width, seq.height)
    if camera is not None and move is not None and move.moved:
        seq = seq.stabilised()
        picture = frame_boxes(camera, seq.width, seq.height)
        code = "camera.moved_calibrated" if opts.calibration is not None else "camera.moved"
        found.append(finding(code, zoom_pct=100 * move.zoom, shift_pct=100 * move.shift))
    swapped = leg_swaps(seq.xy, seq.t_s)
    base = replace(
        seq,
        image=with_legs_exchanged(seq.image, swapped),
        world=with_legs_exchanged(seq.world, swapped),
        visibility=with_legs_exchanged(seq.visibility, swapped),
    ).filled(opts.max_gap_s)
    # The events read the image landmarks alone: the world ones stay unfiltered here.
    despiked_seq = replace(base, image=despiked(base.image, base.fps))
    events_seq = despiked_seq.smoothed(opts.event_cutoff_hz, world=False)
    return Prepared(
        seq=seq,
        move=move,
        picture=picture,
        base=base,
        events_seq=events_seq,
        posture_seq=base.smoothed(opts.posture_cutoff_hz),
        swapped=swapped,
        findings=tuple(found),
    )


def still_foot_motion(prep: Prepared, frontal: bool) -> np.ndarray | None:
    """The picture's change around the feet where the camera stood still, each column following
    its foot's side of the picture from the front or back; None when it was not measured or the
    camera moved over the clip (its own motion swamps the feet's)."""
    seq = prep.seq
    if seq.foot_motion is None or prep.camera_moved:
        return None
    motion = where_camera_still(seq.foot_motion, seq.camera)
    return by_picture_side(motion, seq.xy, seq.fps) if frontal else motion
