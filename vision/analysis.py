"""From a subject's :class:`~vision.sequence.PoseSequence` to an :class:`AnalysisResult`: walk
segments, gait events, steps, spatiotemporal metrics, posture, sway, scale and quality warnings.

Scores, feedback and fall risk are left at their defaults; :mod:`vision.assess` fills them.

    >>> result = analyze_sequence(seq, AnalysisOptions(height_cm=165))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from vision.camera_motion import CameraMove, camera_move, frame_boxes
from vision.foot_motion import by_picture_side, where_camera_still
from vision.gait.body import despiked, foot_points, mid_hip, with_consistent_legs
from vision.gait.bounds import WalkValues
from vision.gait.bouts import bout_events, summarise_bouts, walking_bouts
from vision.gait.comparison import WalkReadings, compare_walks
from vision.gait.direction import (
    MOVING,
    WALKS,
    DirectionAnalysis,
    DirectionOptions,
    analyze_direction,
)
from vision.gait.events import (
    REGISTRY,
    EventOptions,
    airborne_lifts,
    alternation_breaks,
    default_detector,
    detect_events,
    motion_measured,
)
from vision.gait.first_movement import body_points
from vision.gait.foot_tracks import foot_tracks
from vision.gait.frontal_cadence import settle_frontal_cadence
from vision.gait.plausible import plausible_events
from vision.gait.posture import PostureOptions, posture_series, summarise_posture
from vision.gait.protocols import ProtocolOptions, compute_test_3mbwt
from vision.gait.quality import (
    Evidence,
    check_warnings,
    evidence_warnings,
    quality_document,
)
from vision.gait.rhythm import RhythmOptions, sway_rhythm
from vision.gait.scale import (
    HEEL_POINT_HEIGHT_FRACTION,
    TOE_POINT_HEIGHT_FRACTION,
    FloorCalibration,
    ScaleModel,
    estimate_scale,
    footprint_points,
)
from vision.gait.steps import StepOptions, StepSummary, analyze_steps
from vision.gait.sway import StumbleOptions, analyze_sway, detect_stumbles
from vision.gait.turns import turns_between_walks
from vision.gait.walk_bounds import nearest_walks, settle_walk_ends
from vision.result import (
    AnalysisResult,
    Event,
    Mean,
    MeanMax,
    MeanSd,
    MeanSdCv,
    Metrics,
    PoseSummary,
    Quality,
    Scale,
    Segment,
    VideoSummary,
)
from vision.sequence import PoseSequence

PROTOCOLS = ("3mbwt",)
MAX_SERIES_POINTS = 600
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class AnalysisOptions:
    """What the user tells the analysis.

    Attributes:
        height_cm: subject height, for metres when no floor calibration is given.
        calibration: floor points and their distance (see :class:`FloorCalibration`).
        protocol: None (free walk) or "3mbwt" (3 m backward walk test; needs ``calibration``).
        population: population preset for the assessment (kept with the result).
        event_detector: name in :data:`vision.gait.events.REGISTRY`; None chooses by view
            (:func:`vision.gait.events.default_detector`).
        event_cutoff_hz: low-pass cut-off of the landmarks used for events (after despiking).
        posture_cutoff_hz: low-pass cut-off for posture and sway.
        max_gap_s: pose gaps up to this long are interpolated.
        rhythm: how cadence is read from the trunk's sway in front and back views.
    """

    height_cm: float | None = None
    calibration: FloorCalibration | None = None
    protocol: str | None = None
    population: str = "general_adult"
    event_detector: str | None = None
    event_cutoff_hz: float = 12.0
    posture_cutoff_hz: float = 6.0
    max_gap_s: float = 0.25
    direction: DirectionOptions = field(default_factory=DirectionOptions)
    events: EventOptions | None = None
    steps: StepOptions = field(default_factory=StepOptions)
    posture: PostureOptions = field(default_factory=PostureOptions)
    protocol_options: ProtocolOptions = field(default_factory=ProtocolOptions)
    stumbles: StumbleOptions = field(default_factory=StumbleOptions)
    rhythm: RhythmOptions = field(default_factory=RhythmOptions)

    def validate(self) -> None:
        """Raise ``ValueError`` (or :class:`~vision.gait.scale.CalibrationError`) for options
        that cannot work."""
        if self.protocol is not None and self.protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {self.protocol!r}; known: {', '.join(PROTOCOLS)}")
        if self.event_detector is not None and self.event_detector not in REGISTRY:
            known = ", ".join(sorted(REGISTRY))
            raise ValueError(f"unknown event detector {self.event_detector!r}; known: {known}")
        if self.height_cm is not None and not 50.0 <= self.height_cm <= 250.0:
            raise ValueError(f"height_cm={self.height_cm} is outside 50-250 cm")
        if self.calibration is not None:
            self.calibration.validate()


def analyze_sequence(seq: PoseSequence, options: AnalysisOptions | None = None) -> AnalysisResult:
    """Gait analysis of one subject's landmarks (raw or smoothed; gaps are filled here).

    Raises:
        ValueError: invalid options (see :meth:`AnalysisOptions.validate`).
    """
    opts = options or AnalysisOptions()
    opts.validate()
    warnings: list[str] = []
    result = AnalysisResult(
        video=VideoSummary(
            fps=float(seq.fps),
            frame_count=int(seq.meta.get("frames_decoded", len(seq))),
            duration_s=round(len(seq) / seq.fps, 4) if seq.fps else 0.0,
            width=int(seq.width),
            height=int(seq.height),
        ),
        pose=PoseSummary(
            backend=str(seq.meta.get("backend", "unknown")),
            model=str(seq.meta.get("model", "unknown")),
            frames_with_pose=int(seq.has_pose.sum()),
            coverage=round(seq.coverage, 4),
        ),
        quality=Quality(warnings=warnings),
    )
    result.fall_risk.population = opts.population
    if len(seq) < 3 or seq.has_pose.sum() < 3:
        warnings.append("no person was seen long enough to analyse (fewer than 3 frames)")
        return result
    if seq.coverage < MIN_COVERAGE:
        warnings.append(
            f"the subject is seen in only {100 * seq.coverage:.0f}% of frames; "
            "metrics rest on the frames where they are seen"
        )
    move = camera_move(seq.camera, seq.width) if seq.camera is not None else None
    # Where the picture is, for what is seen whole: the frame, or each frame's own box in the
    # first frame's background once the camera's motion is undone.
    picture: tuple[int, int] | np.ndarray = (seq.width, seq.height)
    if move is not None and move.moved:
        seq = seq.stabilised()
        picture = frame_boxes(seq.camera, seq.width, seq.height)
        warnings.append(_moving_camera_warning(move, opts.calibration is not None))

    image, world, vis, swapped = with_consistent_legs(seq.image, seq.world, seq.visibility, seq.t_s)
    base = replace(seq, image=image, world=world, visibility=vis).filled(opts.max_gap_s)
    ev_seq = replace(base, image=despiked(base.image, base.fps)).smoothed(opts.event_cutoff_hz)
    post_seq = base.smoothed(opts.posture_cutoff_hz)
    t = base.t_s

    direction = analyze_direction(ev_seq.image, t, opts.direction, (seq.width, seq.height))
    walking = np.isin(direction.label, MOVING)
    frontal = direction.view in ("front", "back")
    tracks = foot_tracks(
        ev_seq.image,
        base.visibility,
        t,
        base.frame_index,
        picture,
        direction.travel,
        walking,
        direction.body_height_px,
        frontal=frontal,
        raw_image=base.image,
        motion=_still_foot_motion(seq, move, frontal),
    )
    detector = opts.event_detector or default_detector(frontal)
    if detector == "foot_motion" and not motion_measured(tracks):
        detector = "separation"  # what it falls back to, named as such in the result
    ev_opts = replace(opts.events or EventOptions(), detector=detector)
    # From the front or back, steps are timed by the feet's depth from the pose model. When the
    # model reads the subject's front and back in turn (the facing unsure), that depth is not
    # the feet's, and the steps would be guesses: none are given. (Even read the right way
    # round, the back views of bench/accuracy.py's rendered walks give a depth difference of the
    # feet that follows the true one with a correlation of only 0.40-0.45, against 0.91-0.95
    # from the front: see the back-view warning in _frontal_step_limits.)
    depth_unreliable = frontal and not direction.facing_sure
    events, checks = plausible_events(
        [] if depth_unreliable else detect_events(tracks, ev_opts),
        foot_points(base.image[:, :, :2]),
        t,
        direction.travel,
        picture,
        direction.body_height_px,
        frontal,
        ev_opts.plausibility,
    )
    warnings.extend(check_warnings(checks, ev_opts.plausibility))
    result.events = events
    body = body_points(tracks.feet, mid_hip(ev_seq.image[:, :, :2]), direction.body_height_px)
    # The walk starts at the reading that starts the 3 m test's clock: one MovementOptions.
    direction = settle_walk_ends(
        direction,
        events,
        t,
        max_trim_s=opts.direction.standing_window_s,
        min_standing_s=opts.direction.min_standing_s,
        body=body,
        movement=opts.protocol_options.movement,
    )
    direction = turns_between_walks(direction, t, opts.direction)
    result.segments = direction.segments
    breaks = alternation_breaks(events)
    if breaks:
        warnings.append(
            f"{breaks} pairs of consecutive contacts by the same foot: a step may be "
            "missed or the feet confused"
        )
    airborne = airborne_lifts(events)
    if airborne and not frontal:  # front/back: double support is withheld, see below
        warnings.append(
            f"{airborne} lifts were found while the other foot was still in the air "
            "(walking always has a foot down): they come too early or the landing "
            "before them too late, so double support and stance times read "
            "short"
        )

    scale = estimate_scale(
        post_seq.image,
        post_seq.world,
        opts.calibration,
        opts.height_cm,
        image_size=(seq.width, seq.height),
        heel_height_fraction=HEEL_POINT_HEIGHT_FRACTION.get(direction.view, 0.0),
        toe_height_fraction=TOE_POINT_HEIGHT_FRACTION.get(direction.view, 0.0),
    )
    result.scale = Scale(
        method=scale.method,
        metres_per_pixel=scale.metres_per_pixel,
        uncertainty_pct=scale.uncertainty_pct,
    )
    _scale_warnings(scale, direction, warnings)
    if not direction.facing_sure:
        warnings.append(
            f"which way the subject faces is unsure from this {direction.view} view "
            f"(the pose agrees with it in {100 * direction.facing_agreement:.0f}% of"
            " frames): the walk's direction is not given, and forward and backward "
            "may be swapped in the segments; film from the side to be "
            "sure"
        )

    walk_axis = np.array([0.0, 1.0]) if frontal else np.array([1.0, 0.0])
    # Metrics describe the walk in its main direction only: a clip that walks forward to the
    # start and then backward would otherwise mix the two (their speeds even cancel).
    main = direction.walk_direction
    in_main = _in_direction(events, direction.segments, main)
    others = [
        e for e, keep in zip(events, in_main, strict=True) if not keep and e.type == "contact"
    ]
    main_events = [e for e, keep in zip(events, in_main, strict=True) if keep]
    if others and main in WALKS:
        other = "forward" if main == "backward" else "backward"
        warnings.append(
            f"metrics describe the {main} walking only; {len(others)} steps taken "
            f"while {other} walking, standing or turning are left out of them (a {other} "
            "walk of enough steps is measured on its own in the comparison)"
        )
    step_feet, step_scale = footprint_points(tracks.feet, scale, direction.view)
    bouts = walking_bouts(direction.segments, direction.facing, t, opts.steps.max_step_s)
    steps = analyze_steps(
        main_events,
        step_feet,
        t,
        step_scale,
        walk_axis,
        opts.steps,
        bouts_s=tuple(b.rest_s for b in bouts),
    )
    result.bouts = summarise_bouts(
        bouts,
        bout_events([] if depth_unreliable else events, direction.segments, bouts),
        step_feet,
        t,
        step_scale,
        walk_axis,
        opts.steps,
        limit=lambda s: _frontal_step_limits(
            s, direction.view, scale, [], by_motion=detector == "foot_motion"
        ),
    )
    if depth_unreliable:
        warnings.append(
            f"steps are not counted or timed from this {direction.view} view: the "
            "pose model reads the subject's front and back in turn, so the feet's "
            "depth that times steps from the front or back is unreliable; film from "
            "the side for step metrics"
        )
    else:
        _frontal_step_limits(
            steps, direction.view, scale, warnings, by_motion=detector == "foot_motion"
        )
        warnings.extend(steps.warnings)
    # The sway's period is read over the longest walk, the steps counted over every walk.
    walks = _main_walks(direction.segments, main)
    longest = max(walks, key=lambda g: g.end_s - g.start_s, default=None)
    rhythm = (
        sway_rhythm(base.image, t, (longest.start_s, longest.end_s), opts.rhythm)
        if frontal and longest is not None
        else None
    )
    cadence = settle_frontal_cadence(
        steps,
        rhythm,
        sum(g.end_s - g.start_s for g in walks),
        direction.view,
        detector == "foot_motion",
        warnings,
    )
    result.steps = steps.result_steps()

    posture = posture_series(
        post_seq.image, post_seq.world, direction.facing, direction.view, opts.posture
    )
    # The labels as settled by the steps (``walking`` above is the pelvis's, for the foot tracks).
    main_rows = direction.label == main if main in WALKS else np.isin(direction.label, MOVING)
    pose_summary = summarise_posture(posture, main_rows, t, opts.posture)
    if depth_unreliable:
        # The side a lateral lean is to is the person's right or left only once front and back
        # are known; its size (the max, unsigned) is the picture's own.
        pose_summary = replace(
            pose_summary,
            trunk_flexion_mean_deg=None,
            trunk_flexion_max_deg=None,
            head_pitch_mean_deg=None,
            lateral_lean_mean_deg=None,
        )
        warnings.append(
            f"trunk flexion and head pitch are not given from this {direction.view} "
            "view: they rest on the pose model's depth and its reading of the "
            "subject's left and right, which turn over with its reading of front "
            "and back; for the same reason a lean to the side is given by its size "
            "only, not its side"
        )
    elif direction.view in ("front", "back"):
        warnings.append(
            f"trunk flexion and head pitch are not measured from this "
            f"{direction.view} view: the lean toward the camera is not in the "
            "picture, and the pose model's depth puts it several degrees off; "
            "film from the side for them"
        )
    elif direction.view == "oblique":
        warnings.append(
            "the lean to the side is not measured from this oblique view: part of "
            "it lies along the camera's line of sight, where the pose model's depth "
            "puts it several degrees off; film from the front or back for it"
        )

    height_m = (
        opts.height_cm / 100.0
        if opts.height_cm
        else (scale.estimated_height_m if scale.method == "floor_calibration" else None)
    )
    sway = analyze_sway(
        post_seq.image, t, main_events, direction.view, posture.trunk_flexion_deg, height_m
    )
    warnings.extend(sway.warnings)

    test_s = None
    test_extra = None
    if opts.protocol == "3mbwt":
        test = compute_test_3mbwt(tracks.feet, body, t, main_events, scale, opts.protocol_options)
        warnings.extend(test.warnings)
        test_s = test.time_s
        test_extra = {
            "start_s": test.start_s,
            "stop_s": test.stop_s,
            "time_s": test.time_s,
            "time_if_short_s": test.time_if_short_s,
            "time_if_past_s": test.time_if_past_s,
        }

    result.metrics = _metrics(direction, steps, pose_summary, sway, test_s)
    readings = WalkReadings(
        events,
        direction,
        step_feet,
        t,
        step_scale,
        walk_axis,
        posture,
        opts.steps,
        opts.posture,
        bouts_s=tuple(b.rest_s for b in bouts),
    )
    result.comparison = compare_walks(readings, main, (steps, pose_summary))
    stumbles = detect_stumbles(
        post_seq.image,
        t,
        base.frame_index,
        opts.stumbles,
        visibility=base.visibility,
        frame_size=picture,
    )
    knee_at_contact = _knee_at_contact(posture.knee_flexion_deg, t, events)
    evidence = Evidence(
        checks,
        len(steps.steps),
        direction.view,
        direction.facing_sure,
        scale.method,
        values=WalkValues(
            speed_mps=result.metrics.speed_mps,
            step_length_body_heights=_mean_bh(steps),
            cadence_spm=result.metrics.cadence_spm,
            body_height_m=scale.estimated_height_m,
        ),
    )
    warnings.extend(evidence_warnings(evidence))
    result.extras = {
        "event_detector": detector,
        "event_checks": asdict(checks),
        "metric_quality": quality_document(evidence),
        "view": direction.view,
        "body_height_px": round(direction.body_height_px, 2),
        "facing_agreement": _r(direction.facing_agreement),
        "leg_label_swaps_repaired_frames": int(swapped.sum()),
        "camera_motion": None
        if move is None
        else {
            "zoom": round(move.zoom, 4),
            "shift_frame_widths": round(move.shift, 4),
            "moved": move.moved,
        },
        "stumbles": stumbles,
        "sway_rhythm": None
        if rhythm is None
        else {
            "stride_s": round(rhythm.stride_s, 4),
            "cadence_spm": round(rhythm.cadence_spm, 2),
            "explained": round(rhythm.explained, 3),
            "cadence_se_spm": _r(rhythm.cadence_se_spm),
            "cadence_se_df": _r(rhythm.cadence_se_df, 2),
        },
        "steps_outside_main_direction": [
            {"foot": e.foot, "t_contact_s": round(e.t_s, 4), "frame": e.frame} for e in others
        ],
        "step_details": [
            {
                "foot": s.foot,
                "t_contact_s": round(s.t_contact_s, 4),
                "frame": s.frame,
                "duration_s": round(s.duration_s, 4) if np.isfinite(s.duration_s) else None,
                "length_m": _r(s.length) if steps.metric else None,
                "length_body_heights": _r(s.length_bh),
                "steady": s.steady,
                "bout": s.bout,
                "knee_flexion_at_contact_deg": knee_at_contact.get(round(s.t_contact_s, 4)),
            }
            for s in steps.steps
        ],
        "metrics_more": {
            "step_length_body_heights_mean": _r(_mean_bh(steps)),
            "speed_body_heights_per_s": _r(steps.speed)
            if not steps.metric
            else (_r(steps.speed / height_m) if steps.speed and height_m else None),
            "stride_time_cv_pct": _r(steps.stride_time_cv_pct),
            "n_strides": steps.n_strides,
            "knee_flexion_at_contact_deg_mean": _r(_mean(list(knee_at_contact.values()))),
            "arm_swing_deg": _r(pose_summary.arm_swing_deg),
            "looking_back_s": _r(pose_summary.looking_back_s),
            "looking_back_fraction": _r(pose_summary.looking_back_fraction),
            "trunk_sway_deg": _r(sway.trunk_sway_deg),
            "sway_ml_parts_body_heights": {k: _r(v) for k, v in sway.ml_parts_body_heights.items()},
            "estimated_height_m": _r(scale.estimated_height_m),
            "step_count_by_rhythm": cadence.steps_by_rhythm,
            "cadence_source": cadence.source,
        },
        "series": _series(t, posture),
    }
    if test_extra is not None:
        result.extras["test_3mbwt"] = test_extra
    return result


def _still_foot_motion(
    seq: PoseSequence, move: CameraMove | None, frontal: bool
) -> np.ndarray | None:
    """The picture's change around the feet where the camera stood still, each column following
    its foot's side of the picture from the front or back; None when it was not measured or the
    camera moved over the clip (its own motion swamps the feet's)."""
    if seq.foot_motion is None or (move is not None and move.moved):
        return None
    motion = where_camera_still(seq.foot_motion, seq.camera)
    return by_picture_side(motion, seq.image, seq.fps) if frontal else motion


def _moving_camera_warning(move: CameraMove, calibrated: bool) -> str:
    text = (
        f"the camera moved (the background grew or shrank by up to {100 * move.zoom:.0f}% "
        f"and shifted by up to {100 * move.shift:.0f}% of the frame's width): the subject is "
        "followed against the background, which undoes a pan or zoom but only part of a "
        "camera's own travel, so the walk's direction, distances and speed are less sure "
        "than from a camera on a stand"
    )
    if calibrated:
        text += "; the floor calibration holds for the first frame's view only"
    return text


def _frontal_step_limits(
    steps: StepSummary, view: str, scale: ScaleModel, warnings: list[str], by_motion: bool
) -> None:
    """Withhold (in place) what steps seen from the front or back cannot measure, with why.
    ``by_motion``: the steps were timed from the picture's change around the feet (else from
    the pose model's depth of the feet)."""
    if view not in ("front", "back"):
        return
    # bench/accuracy.py, rendered front and back walks through the pose model (all but one of
    # even steps): the lengths between the contacts' footprints read a CV of 8-82% and a left/right
    # asymmetry of 4-89% (an uneven-steps cue from 15%) with the depth's contacts, still 6-28%
    # and 4-40% with the contacts from the feet's motion and the heel-toe midpoint's footprints
    # (see footprint_points). Only their mean is kept: over those walks and the sample front
    # walk it was 0.8 cm off on average, 1.6 cm at worst (2.9 and 6.4 cm with the depth's
    # contacts and the heel's footprints).
    for s in steps.steps:
        s.length = s.length_bh = None
    steps.step_length_sd = steps.step_length_cv_pct = steps.step_length_asymmetry_pct = None
    if scale.homography is None:
        steps.step_length_mean = steps.speed = None
        warnings.append(
            f"step length and speed need a side view or a 4-point floor calibration;"
            f" this is a {view} view"
        )
    else:
        warnings.append(
            f"each step's length, their spread and the left/right asymmetry are not "
            f"given from this {view} view, only the mean step length: the contacts "
            "that mark the footprints are timed too loosely from here"
        )
    # bench/accuracy.py, rendered front and back walks: a foot is seen to start moving before it
    # leaves the floor (forward walks: lifts 3.5-6.1 frames early on average) or, from behind
    # walking backward, after it (the toe rises hidden behind the heel: up to 6.4 frames late).
    # Double support read from such lifts on those walks was 0-50% against a true 24% (with the
    # depth's lifts, 24-66%).
    steps.double_support_pct = None
    # Contacts from the front or back are 1-2 frames off at times (p95), against about a frame
    # from the side: too coarse for stride-to-stride variability.
    if steps.stride_time_sd_ms is not None:
        steps.stride_time_sd_ms = steps.stride_time_cv_pct = None
    if by_motion:
        warnings.append(
            f"steps seen from the {view} are timed from the picture's change around "
            "each foot: double support and stride-time variability are not reported"
            " from this view (a foot starts to move out of sight of the camera, or "
            "before it leaves the floor); film from the side for them"
        )
    elif view == "back":
        # bench/accuracy.py, six rendered back views through BlazePose: contact F1 0.11-0.56
        # and the step count exact on none; the rendered front views: F1 0.35-0.83.
        warnings.append(
            "steps seen from behind are timed by the pose model's depth of the feet,"
            " which followed the true depth poorly on test walks (correlation 0.4,"
            " against 0.9 from the front): the step count, each step's timing and,"
            " where the trunk's sway gives no cadence, the cadence from this back"
            " view may be well off; film from the side (or the front) for step"
            " metrics;"
            " double support and stride-time variability are not reported from this"
            " view"
        )
    else:
        warnings.append(
            f"steps seen from the {view} are found less reliably than from the side"
            " (step timing and counts may be off): film from the side for step"
            " metrics; double support and stride-time variability are not reported"
            " from this view"
        )


def _main_walks(segments: list[Segment], main: str | None) -> list[Segment]:
    """The segments walking in the main direction (any walking or turning when there is none)."""
    return [g for g in segments if main in WALKS and g.direction == main] or [
        g for g in segments if g.direction in MOVING
    ]


def _in_direction(
    events: list[Event], segments: list[Segment], direction: str | None
) -> list[bool]:
    """Which events belong to walking in ``direction``: each goes with its nearest walking
    segment (:func:`~vision.gait.walk_bounds.nearest_walks`). Everything belongs when there is
    no segment of that direction."""
    if direction not in MOVING or not any(g.direction == direction for g in segments):
        return [True] * len(events)
    return [g is not None and g.direction == direction for g in nearest_walks(events, segments)]


def _scale_warnings(scale: ScaleModel, direction: DirectionAnalysis, warnings: list[str]) -> None:
    if scale.method == "world_landmarks":
        warnings.append(
            "metres are estimated from the pose model's world landmarks (a prior, "
            f"about +-{scale.uncertainty_pct:.0f}%); give the subject's height or a "
            "floor calibration for measured distances"
        )
    elif scale.method == "subject_height":
        warnings.append(
            f"metres rest on the entered height (about +-{scale.uncertainty_pct:.0f}"
            "%, design assumption)"
        )
    elif scale.method == "none":
        warnings.append("no scale: spatial metrics are in body heights and metres are null")


def _metrics(
    direction: DirectionAnalysis, steps: StepSummary, posture, sway, test_s: float | None
) -> Metrics:
    m = steps.metric
    walk = direction.walk_direction
    return Metrics(
        # Forward or backward read from a facing the pose itself disagrees with is a guess.
        walk_direction=walk if direction.facing_sure or walk not in WALKS else None,
        step_count=len(steps.steps),
        cadence_spm=_r(steps.cadence_spm),
        speed_mps=_r(steps.speed) if m else None,
        step_length_m=MeanSdCv(
            mean=_r(steps.step_length_mean) if m else None,
            sd=_r(steps.step_length_sd) if m else None,
            cv_pct=_r(steps.step_length_cv_pct),
        ),
        step_time_s=MeanSd(mean=_r(steps.step_time_mean_s), sd=_r(steps.step_time_sd_s)),
        stride_time_sd_ms=_r(steps.stride_time_sd_ms),
        step_length_asymmetry_pct=_r(steps.step_length_asymmetry_pct),
        double_support_pct=_r(steps.double_support_pct),
        trunk_flexion_deg=MeanMax(
            mean=_r(posture.trunk_flexion_mean_deg), max=_r(posture.trunk_flexion_max_deg)
        ),
        trunk_lateral_lean_deg=MeanMax(
            mean=_r(posture.lateral_lean_mean_deg), max=_r(posture.lateral_lean_max_deg)
        ),
        head_pitch_deg=Mean(mean=_r(posture.head_pitch_mean_deg)),
        sway_ml_m=_r(sway.ml_m),
        sway_ml_body_heights=_r(sway.ml_body_heights),
        test_3mbwt_s=_r(test_s),
    )


def _knee_at_contact(knee: np.ndarray, t: np.ndarray, events) -> dict[float, float]:
    out = {}
    for e in events:
        if e.type != "contact":
            continue
        i = int(np.argmin(np.abs(t - e.t_s)))
        v = knee[i, 0 if e.foot == "left" else 1]
        if np.isfinite(v):
            out[round(e.t_s, 4)] = round(float(v), 2)
    return out


def _series(t: np.ndarray, posture) -> dict[str, list]:
    step = max(int(np.ceil(len(t) / MAX_SERIES_POINTS)), 1)
    sel = slice(None, None, step)
    return {
        "t_s": [round(float(v), 3) for v in t[sel]],
        "trunk_flexion_deg": [_r(v, 2) for v in posture.trunk_flexion_deg[sel]],
        "trunk_lateral_lean_deg": [_r(v, 2) for v in posture.trunk_lateral_lean_deg[sel]],
        "head_pitch_deg": [_r(v, 2) for v in posture.head_pitch_deg[sel]],
        "knee_flexion_left_deg": [_r(v, 2) for v in posture.knee_flexion_deg[sel, 0]],
        "knee_flexion_right_deg": [_r(v, 2) for v in posture.knee_flexion_deg[sel, 1]],
    }


def _mean_bh(steps: StepSummary) -> float | None:
    return _mean([s.length_bh for s in steps.steps if s.steady and s.length_bh is not None])


def _mean(values: list) -> float | None:
    return float(np.mean(values)) if values else None


def _r(v: float | None, nd: int = 4) -> float | None:
    if v is None or not np.isfinite(v):
        return None
    return round(float(v), nd)
