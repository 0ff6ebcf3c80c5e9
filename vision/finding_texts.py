"""The words of every finding the analysis reports, under stable codes.

Each entry is ``code: (severity, template)``; the template is filled with the finding's
evidence by ``str.format``. Codes name what the finding is about, then what it says:
``pose.*`` the landmarks, ``camera.*`` the camera, ``events.*`` the foot contacts and lifts,
``scale.*`` pixels to metres, ``facing.*`` which way the subject faces, ``view.<view>.*`` what a
view cannot measure (see :mod:`vision.capabilities`), ``steps.*``, ``cadence.*``, ``sway.*``,
``protocol.3mbwt.*`` the 3 m backward walk test, ``quality.*`` why a metric's grade is below good
(:mod:`vision.gait.quality`), ``bounds.*`` a value no walk has (:mod:`vision.gait.bounds`),
``comparison.*`` why the forward/backward comparison leaves an entry null
(:mod:`vision.gait.comparison`), ``plausibility.*`` whole-walk metrics that contradict each other
(:mod:`vision.assess.plausibility`), ``input.*`` what the command took from beside the video.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["info", "warning"]

_CAMERA_MOVED = (
    "the camera moved (the background grew or shrank by up to {zoom_pct:.0f}% and shifted by "
    "up to {shift_pct:.0f}% of the frame's width): the subject is followed against the "
    "background, which undoes a pan or zoom but only part of a camera's own travel, so the "
    "walk's direction, distances and speed are less sure than from a camera on a stand"
)
_FRONTAL_NOT_TIMED = " double support and stride-time variability are not reported from this view"


def _per_view(views: tuple[str, ...], code: str, severity: Severity, text: str) -> dict:
    """One entry per view for a text that names the view (``{view}`` filled here)."""
    return {f"view.{v}.{code}": (severity, text.replace("{view}", v)) for v in views}


FRONTAL = ("front", "back")

CATALOGUE: dict[str, tuple[Severity, str]] = {
    "pose.too_short": (
        "warning",
        "no person was seen long enough to analyse (fewer than 3 frames)",
    ),
    "pose.low_coverage": (
        "warning",
        "the subject is seen in only {coverage_pct:.0f}% of frames; metrics rest on the frames "
        "where they are seen",
    ),
    "camera.moved": ("warning", _CAMERA_MOVED),
    "camera.moved_calibrated": (
        "warning",
        _CAMERA_MOVED + "; the floor calibration holds for the first frame's view only",
    ),
    "events.contacts_at_edge": (
        "warning",
        "{n} foot landings at the picture's edge were not counted: the foot was leaving the "
        "picture or only partly in it, so where it came down is not seen",
    ),
    "events.contacts_merged": (
        "warning",
        "{n} contacts came less than {min_step_s:.2f} s after the one before, faster than "
        "anyone walks: each was read as the same landing and merged into it",
    ),
    "events.stances_short": (
        "warning",
        "{n} stances shorter than {min_stance_s:.2f} s were dropped (a foot point jittering "
        "on the floor, not a step)",
    ),
    "events.swings_short": (
        "warning",
        "{n} swings shorter than {min_swing_s:.2f} s were dropped (a foot point jittering, "
        "not a step)",
    ),
    "events.feet_slid": (
        "warning",
        "the feet moved along the floor without leaving it (sliding, not stepping): "
        "{n} moves that looked like steps were not counted",
    ),
    "events.alternation_breaks": (
        "warning",
        "{n} pairs of consecutive contacts by the same foot: a step may be missed or the feet "
        "confused",
    ),
    "events.airborne_lifts": (
        "warning",
        "{n} lifts were found while the other foot was still in the air (walking always has a "
        "foot down): they come too early or the landing before them too late, so double "
        "support and stance times read short",
    ),
    "scale.world_landmarks": (
        "info",
        "metres are estimated from the pose model's world landmarks (a prior, about "
        "+-{uncertainty_pct:.0f}%); give the subject's height or a floor calibration for "
        "measured distances",
    ),
    "scale.subject_height": (
        "info",
        "metres rest on the entered height (about +-{uncertainty_pct:.0f}%, design assumption)",
    ),
    "scale.none": ("warning", "no scale: spatial metrics are in body heights and metres are null"),
    "facing.unsure": (
        "warning",
        "which way the subject faces is unsure from this {view} view (the pose agrees with it "
        "in {agreement_pct:.0f}% of frames): the walk's direction is not given, and forward and "
        "backward may be swapped in the segments; film from the side to be sure",
    ),
    "walk.other_direction_steps": (
        "info",
        "metrics describe the {main} walking only; {n} steps taken while {other} walking, "
        "standing or turning are left out of them (a {other} walk of enough steps is measured "
        "on its own in the comparison)",
    ),
    **_per_view(
        FRONTAL,
        "no_steps_unsure_facing",
        "warning",
        "steps are not counted or timed from this {view} view: the pose model reads the "
        "subject's front and back in turn, so the feet's depth that times steps from the front "
        "or back is unreliable; film from the side for step metrics",
    ),
    **_per_view(
        FRONTAL,
        "no_step_length",
        "warning",
        "step length and speed need a side view or a 4-point floor calibration; this is a "
        "{view} view",
    ),
    **_per_view(
        FRONTAL,
        "mean_step_length_only",
        "warning",
        "each step's length, their spread and the left/right asymmetry are not given from this "
        "{view} view, only the mean step length: the contacts that mark the footprints are "
        "timed too loosely from here",
    ),
    **_per_view(
        FRONTAL,
        "steps_by_motion",
        "warning",
        "steps seen from the {view} are timed from the picture's change around each foot: "
        "double support and stride-time variability are not reported from this view (a foot "
        "starts to move out of sight of the camera, or before it leaves the floor); film from "
        "the side for them",
    ),
    "view.back.steps_by_depth": (
        "warning",
        "steps seen from behind are timed by the pose model's depth of the feet, which followed "
        "the true depth poorly on test walks (correlation 0.4, against 0.9 from the front): the "
        "step count, each step's timing and, where the trunk's sway gives no cadence, the "
        "cadence from this back view may be well off; film from the side (or the front) for "
        "step metrics;" + _FRONTAL_NOT_TIMED,
    ),
    "view.front.steps_by_depth": (
        "warning",
        "steps seen from the front are found less reliably than from the side (step timing and "
        "counts may be off): film from the side for step metrics;" + _FRONTAL_NOT_TIMED,
    ),
    **_per_view(
        FRONTAL,
        "no_posture_unsure_facing",
        "warning",
        "trunk flexion and head pitch are not given from this {view} view: they rest on the "
        "pose model's depth and its reading of the subject's left and right, which turn over "
        "with its reading of front and back; for the same reason a lean to the side is given "
        "by its size only, not its side",
    ),
    **_per_view(
        FRONTAL,
        "no_trunk_flexion",
        "info",
        "trunk flexion and head pitch are not measured from this {view} view: the lean toward "
        "the camera is not in the picture, and the pose model's depth puts it several degrees "
        "off; film from the side for them",
    ),
    "view.oblique.no_lateral_lean": (
        "info",
        "the lean to the side is not measured from this oblique view: part of it lies along "
        "the camera's line of sight, where the pose model's depth puts it several degrees off; "
        "film from the front or back for it",
    ),
    **_per_view(
        ("side", "oblique"),
        "no_sway_ml",
        "info",
        "mediolateral sway needs a front or back view; this is a {view} view",
    ),
    "steps.too_few_steady": (
        "warning",
        "only {n} steady steps: too few for cadence, step length and speed",
    ),
    "steps.no_step_length": (
        "warning",
        "step length not measurable: the feet's resting places were not seen",
    ),
    "steps.no_speed": (
        "warning",
        "speed not measurable: both feet were not seen together at the first and last steady "
        "contacts of any bout of walking",
    ),
    "steps.few_strides": (
        "info",
        "stride-time variability needs at least {min_strides} strides; {n} seen",
    ),
    "cadence.from_contacts": (
        "info",
        "cadence from this {view} view is read from the foot contacts, timed from the "
        "picture's change around each foot; the trunk's side-to-side sway agrees "
        "({sway_cadence_spm:.0f} steps/min)",
    ),
    "cadence.from_sway": (
        "info",
        "cadence from this {view} view is read from the trunk's side-to-side sway (one sway to "
        "each side per stride), not from the foot contacts; step time is its mean only",
    ),
    "cadence.readings_disagree": (
        "warning",
        "the foot contacts give a cadence of {contacts_cadence_spm:.0f} steps/min, the trunk's "
        "sway {sway_cadence_spm:.0f}: steps may have been missed or found twice",
    ),
    "cadence.count_off_rhythm": (
        "warning",
        "{n} steps were found, but the walk's time at the sway's cadence holds about "
        "{expected}: the step count from this {view} view may be off",
    ),
    "sway.no_stride": ("warning", "sway needs at least one whole stride"),
    "sway.no_height": (
        "info",
        "sway in metres needs the subject's height: reported in body heights only",
    ),
    "protocol.3mbwt.no_calibration": (
        "warning",
        "3 m backward walk test needs a floor calibration (start line and 3 m line); "
        "test_3mbwt_s not measured",
    ),
    "protocol.3mbwt.feet_unseen": ("warning", "3 m backward walk test: the feet are not seen"),
    "protocol.3mbwt.no_standing_start": (
        "warning",
        "3 m backward walk test: the recording must begin with the person standing still on "
        "the start line",
    ),
    "protocol.3mbwt.no_movement": (
        "warning",
        "3 m backward walk test: no movement after standing still",
    ),
    "protocol.3mbwt.line_not_crossed": (
        "warning",
        "3 m backward walk test: the rear-most foot never crossed the 3 m line in view",
    ),
    "protocol.3mbwt.foot_at_line": (
        "warning",
        "3 m backward walk test: a foot came to rest within {margin_cm:.0f} cm {side} the 3 m "
        "line, inside the landmarks' error; had it rested {had} the line, the test took "
        "{other_s:.2f} s, not {time_s:.2f} s",
    ),
    # Why a metric's grade is below good (vision.gait.quality).
    "quality.events_corrected": (
        "info",
        "steps were found with events that walking does not allow",
    ),
    "quality.alternation_breaks": (
        "info",
        "consecutive contacts by the same foot: a step missed or feet confused",
    ),
    "quality.few_steps": ("info", "fewer than {min_steps} steps were measured"),
    "quality.frontal_view": (
        "info",
        "steps seen from the {view} are found less reliably than from the side",
    ),
    "quality.facing_unsure": ("info", "which way the subject faces is unsure from this view"),
    "quality.scale_estimated": (
        "info",
        "distances rest on a {method!r} scale, not a measured one",
    ),
    "quality.scale_across_only": (
        "warning",
        "from this oblique view the walk runs partly toward or away from the camera, where an "
        "entered height measures nothing: distances and speed read short; mark the floor (four "
        "points, or two along the walking line) for them",
    ),
    "quality.no_steps": ("info", "no steps were found"),
    # A value outside what walking allows (vision.gait.bounds).
    "bounds.speed_implausible": (
        "warning",
        "the walking speed, {speed_value:.3g} m/s, is outside what people walk at "
        "({speed_least:g}-{speed_most:g} m/s): the scale or the steps are wrong",
    ),
    "bounds.step_length_implausible": (
        "warning",
        "the mean step length, {step_length_value:.2f} body heights, is outside what legs "
        "allow ({step_length_least:g}-{step_length_most:g}): steps were missed or doubled",
    ),
    "bounds.cadence_implausible": (
        "warning",
        "the cadence, {cadence_value:.0f} steps/min, is outside walking's "
        "({cadence_least:.0f}-{cadence_most:.0f}): steps were missed or doubled",
    ),
    "bounds.body_height_implausible": (
        "warning",
        "the scale makes the subject {body_height_value:.3g} m tall, outside "
        "{body_height_least:g}-{body_height_most:g} m: the floor calibration or the entered "
        "height is wrong",
    ),
    # Why an entry of the forward/backward comparison is null (vision.gait.comparison).
    "comparison.not_seen": ("info", "no {direction} walking was seen in this recording"),
    "comparison.not_backward": (
        "warning",
        "no backward walking was seen: this recording is not a backward walk, so its forward "
        "walk is measured for comparison and no backward scores are given",
    ),
    "comparison.direction_unsure": (
        "info",
        "which way the subject faces is unsure from this view, so forward and backward walking "
        "cannot be told apart",
    ),
    "comparison.frontal_view": (
        "info",
        "the {direction} walk is not measured from this {view} view: only the main walk is; "
        "film from the side to compare the two walks",
    ),
    "comparison.too_few_steps": (
        "info",
        "the {direction} walk has {steps} steps, fewer than the {min_steps} needed",
    ),
    "comparison.missing_walk": (
        "info",
        "both a forward and a backward walk are needed for the ratios",
    ),
    # Whole-walk metrics that contradict each other (vision.assess.plausibility).
    "plausibility.speed_mismatch": (
        "warning",
        "the walking speed ({speed_mps:.2f} m/s) disagrees with step length x cadence "
        "({expected_mps:.2f} m/s) by more than {max_mismatch_pct:.0f}%: the recording may mix "
        "walking directions, turns or standing",
    ),
    "plausibility.stride_variability": (
        "warning",
        "stride times vary by {stride_cv_pct:.0f} % of the mean stride, more than steady walking "
        "shows ({max_stride_cv_pct:.0f} %): steps may be missed or the walk mixes turns or "
        "standing",
    ),
    "plausibility.one_stride_decides": (
        "warning",
        "stride times vary by {sd_ms:.0f} ms, at or above the {cutoff_ms:.0f} ms limit, but "
        "by {without_ms:.0f} ms without the stride ending at {t_s:.1f} s, far off the others: "
        "one stride decides, and one such stride in a short walk is more often a foot contact "
        "misplaced than the walker's rhythm",
    ),
    # What `retrogait analyze` took from files beside the video.
    "input.sidecar_calibration": ("info", "used floor calibration from {path}"),
    "input.sidecar_calibration_protocol": (
        "info",
        "used floor calibration from {path} (protocol {protocol})",
    ),
}
