"""What each camera view, and each condition of a recording, measures: one table.

:data:`CAPABILITIES` lists, for a view (side, oblique, front, back) and the conditions that must
hold with it, the metrics that are not measured and the code of the finding that says why
(:data:`vision.finding_texts.CATALOGUE`; ``{view}`` in a code is the view). A metric no row
withholds is measured. The analysis decides what it withholds from this table alone: the step
summary (:func:`withhold_steps`), the posture summary (:func:`withhold_posture`) and the
result's metrics (:func:`withhold_metrics`).

Metrics are named by their key in the result (``step_length_m.sd``); ``steps.length_m`` is
each step's own length.

    >>> sorted(withheld(Conditions(view="side")))
    ['sway_ml_body_heights', 'sway_ml_m']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from vision.findings import Finding, finding
from vision.gait.posture import PostureSummary
from vision.gait.steps import StepSummary
from vision.result import Metrics, View

Condition = Literal[
    "facing_sure",
    "facing_unsure",
    "floor_plane",
    "no_floor_plane",
    "steps_by_motion",
    "steps_by_depth",
    "no_scale",
    "camera_moved",
]
# Who gives a row's finding: the stage the table names ("steps", "posture"), or the stage or
# module that finds the condition ("prepare", "direction", "sway", "scale").
Teller = Literal["prepare", "steps", "posture", "direction", "sway", "scale"]
VIEWS: tuple[View, ...] = ("side", "oblique", "front", "back")
FRONTAL: tuple[View, ...] = ("front", "back")

STEP_LENGTHS = ("steps.length_m", "step_length_m.sd", "step_length_m.cv_pct")
STEP_TIMING = ("double_support_pct", "stride_time_sd_ms")
TRUNK_PITCH = ("trunk_flexion_deg.mean", "trunk_flexion_deg.max", "head_pitch_deg.mean")


@dataclass(frozen=True)
class Capability:
    """One row: in ``views``, when every one of ``when`` holds, ``withheld`` is not measured
    (nothing withheld: everything is measured, less surely, as the finding says).

    Attributes:
        views: the views the row is about.
        when: conditions that must all hold (none: the view alone).
        withheld: metric keys not measured.
        finding: the code of the finding that says why (``{view}`` is the view).
        told_by: who gives that finding.
        reading: True where the reading itself is withheld in any unit; False where only its
            metres are (the summaries keep it in body heights).
    """

    views: tuple[View, ...]
    when: tuple[Condition, ...]
    withheld: tuple[str, ...]
    finding: str
    told_by: Teller
    reading: bool = True

    def code(self, view: View) -> str:
        """The finding's code for ``view``."""
        return self.finding.replace("{view}", view)


# Rows are in the order their findings are given.
CAPABILITIES: tuple[Capability, ...] = (
    Capability(VIEWS, ("camera_moved",), (), "camera.moved", "prepare"),
    Capability(VIEWS, ("facing_unsure",), ("walk_direction",), "facing.unsure", "direction"),
    Capability(
        FRONTAL,
        ("facing_unsure",),
        (*STEP_LENGTHS, "step_length_m.mean", "speed_mps", "step_length_asymmetry_pct")
        + STEP_TIMING,
        "view.{view}.no_steps_unsure_facing",
        "steps",
    ),
    Capability(
        FRONTAL,
        ("facing_sure", "floor_plane"),
        (*STEP_LENGTHS, "step_length_asymmetry_pct"),
        "view.{view}.mean_step_length_only",
        "steps",
    ),
    Capability(
        FRONTAL,
        ("facing_sure", "no_floor_plane"),
        (*STEP_LENGTHS, "step_length_m.mean", "speed_mps", "step_length_asymmetry_pct"),
        "view.{view}.no_step_length",
        "steps",
    ),
    Capability(
        FRONTAL,
        ("facing_sure", "steps_by_motion"),
        STEP_TIMING,
        "view.{view}.steps_by_motion",
        "steps",
    ),
    Capability(
        ("back",),
        ("facing_sure", "steps_by_depth"),
        STEP_TIMING,
        "view.back.steps_by_depth",
        "steps",
    ),
    Capability(
        ("front",),
        ("facing_sure", "steps_by_depth"),
        STEP_TIMING,
        "view.front.steps_by_depth",
        "steps",
    ),
    Capability(
        FRONTAL,
        ("facing_unsure",),
        (*TRUNK_PITCH, "trunk_lateral_lean_deg.mean"),
        "view.{view}.no_posture_unsure_facing",
        "posture",
    ),
    Capability(FRONTAL, ("facing_sure",), TRUNK_PITCH, "view.{view}.no_trunk_flexion", "posture"),
    Capability(
        ("oblique",),
        (),
        ("trunk_lateral_lean_deg.mean", "trunk_lateral_lean_deg.max"),
        "view.oblique.no_lateral_lean",
        "posture",
    ),
    Capability(
        ("side", "oblique"),
        (),
        ("sway_ml_m", "sway_ml_body_heights"),
        "view.{view}.no_sway_ml",
        "sway",
    ),
    Capability(
        VIEWS,
        ("no_scale",),
        ("speed_mps", "step_length_m.mean", "step_length_m.sd"),
        "scale.none",
        "scale",
        reading=False,
    ),
)


@dataclass(frozen=True)
class Conditions:
    """What a recording's analysis found that decides what it measures.

    Attributes:
        view: the camera view.
        facing_sure: which way the subject faces is sure.
        floor_plane: the scale maps the floor (a 4-point calibration).
        steps_by_motion: the steps were timed from the picture's change around the feet (else
            from the pose model's depth of the feet, or from the side).
        scale_method: how pixels became metres (``none``: they did not).
        camera_moved: the camera moved over the clip (its motion undone against the
            background).
    """

    view: View
    facing_sure: bool = True
    floor_plane: bool = False
    steps_by_motion: bool = False
    scale_method: str = "world_landmarks"
    camera_moved: bool = False

    def holding(self) -> frozenset[Condition]:
        """The conditions that hold."""
        found: list[Condition] = [
            "facing_sure" if self.facing_sure else "facing_unsure",
            "floor_plane" if self.floor_plane else "no_floor_plane",
            "steps_by_motion" if self.steps_by_motion else "steps_by_depth",
        ]
        if self.scale_method == "none":
            found.append("no_scale")
        if self.camera_moved:
            found.append("camera_moved")
        return frozenset(found)


def applying(conditions: Conditions) -> list[Capability]:
    """The rows that apply to a recording, in table order."""
    holding = conditions.holding()
    return [
        row for row in CAPABILITIES if conditions.view in row.views and holding.issuperset(row.when)
    ]


def withheld(conditions: Conditions, readings_only: bool = False) -> dict[str, str]:
    """{metric key: the code of the finding that says why} for what is not measured (with
    ``readings_only``, only what is withheld in any unit)."""
    out: dict[str, str] = {}
    for row in applying(conditions):
        if row.reading or not readings_only:
            for metric in row.withheld:
                out.setdefault(metric, row.code(conditions.view))
    return out


def findings_for(conditions: Conditions, teller: Teller) -> list[Finding]:
    """The findings ``teller`` gives for the rows that apply, in table order."""
    view = conditions.view
    rows = [row for row in applying(conditions) if row.told_by == teller]
    return [finding(row.code(view), view=view) for row in rows]


# Metric key -> the StepSummary fields that read it.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "speed_mps": ("speed",),
    "step_length_m.mean": ("step_length_mean",),
    "step_length_m.sd": ("step_length_sd",),
    "step_length_m.cv_pct": ("step_length_cv_pct",),
    "step_length_asymmetry_pct": ("step_length_asymmetry_pct",),
    "double_support_pct": ("double_support_pct",),
    "stride_time_sd_ms": ("stride_time_sd_ms", "stride_time_cv_pct"),
}
# Metric key -> the PostureSummary field that reads it.
POSTURE_FIELDS: dict[str, str] = {
    "trunk_flexion_deg.mean": "trunk_flexion_mean_deg",
    "trunk_flexion_deg.max": "trunk_flexion_max_deg",
    "trunk_lateral_lean_deg.mean": "lateral_lean_mean_deg",
    "trunk_lateral_lean_deg.max": "lateral_lean_max_deg",
    "head_pitch_deg.mean": "head_pitch_mean_deg",
}


def withhold_steps(steps: StepSummary, metrics: Iterable[str]) -> StepSummary:
    """A new step summary without ``metrics`` (keys of :data:`STEP_FIELDS`, and
    ``steps.length_m``: each step's length, in metres and body heights)."""
    metrics = set(metrics)
    blank: dict[str, Any] = {f: None for m in metrics & STEP_FIELDS.keys() for f in STEP_FIELDS[m]}
    if "steps.length_m" in metrics:
        blank["steps"] = [replace(s, length=None, length_bh=None) for s in steps.steps]
    return replace(steps, **blank) if blank else steps


def withhold_posture(posture: PostureSummary, metrics: Iterable[str]) -> PostureSummary:
    """A new posture summary without ``metrics`` (keys of :data:`POSTURE_FIELDS`)."""
    blank = {POSTURE_FIELDS[m]: None for m in metrics if m in POSTURE_FIELDS}
    return replace(posture, **blank) if blank else posture


def withhold_metrics(metrics: Metrics, keys: Iterable[str]) -> Metrics:
    """A new :class:`~vision.result.Metrics` with ``keys`` (``name`` or ``name.part``) null."""
    top: dict[str, Any] = {}
    for key in keys:
        name, _, part = key.partition(".")
        if name == "steps" or not hasattr(metrics, name):
            continue
        if part:
            inner = top.get(name, getattr(metrics, name))
            top[name] = replace(inner, **{part: None})
        else:
            top[name] = None
    return replace(metrics, **top)
