"""Scores 0-100 (posture, steps, balance, overall) from monotone piecewise-linear formulas.

Each measured metric earns a component score: 100 at or better than its ``good`` anchor, 0 at or
worse than its ``bad`` anchor, linear between. A sub-score is the weighted mean of the components
that were measured; ``overall`` is the mean of the sub-scores that exist. A worse metric therefore
never gives a better score. All anchors are design choices except where a source is named; they
are listed in docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from vision.result import AnalysisResult, Scores

from .fall_risk import stride_count
from .presets import DESIGN_CHOICE, FRITZ_2013, HAUSDORFF_2001
from .quality_gate import poor_evidence

SUB_SCORES: tuple[str, ...] = ("posture", "steps", "balance")
# Scores are for coaching, so an estimated (world-landmark) scale is accepted; fall-risk rules are
# stricter (see fall_risk.METRIC_SCALES).
SCORING_SCALES: frozenset[str] = frozenset(
    {"floor_calibration", "subject_height", "world_landmarks"}
)


@dataclass(frozen=True)
class Anchor:
    """One metric's contribution to a sub-score.

    ``good`` earns 100 and ``bad`` earns 0, in the metric's unit; ``good < bad`` means higher is
    worse, ``good > bad`` means lower is worse. ``absolute``: the size of the value counts, not its
    sign (a lean either way). ``needs_scale``: only scored when the result has a metric scale.
    """

    metric: str
    sub_score: str
    good: float
    bad: float
    weight: float
    unit: str
    basis: str = DESIGN_CHOICE
    absolute: bool = False
    needs_scale: bool = False


ANCHORS: tuple[Anchor, ...] = (
    Anchor("trunk_flexion_deg.mean", "posture", 10.0, 40.0, 2.0, "deg", absolute=True),
    Anchor("trunk_flexion_deg.max", "posture", 20.0, 60.0, 1.0, "deg", absolute=True),
    Anchor("trunk_lateral_lean_deg.mean", "posture", 3.0, 15.0, 1.0, "deg", absolute=True),
    Anchor("head_pitch_deg.mean", "posture", 15.0, 45.0, 1.0, "deg", absolute=True),
    Anchor(
        "speed_mps",
        "steps",
        1.0,
        0.2,
        2.0,
        "m/s",
        needs_scale=True,
        basis=f"{DESIGN_CHOICE}; 0.6 m/s, below which all older fallers walked backward "
        f"({FRITZ_2013.split(' (')[0]}), scores 50",
    ),
    Anchor("step_length_m.mean", "steps", 0.50, 0.10, 2.0, "m", needs_scale=True),
    Anchor("step_length_asymmetry_pct", "steps", 5.0, 30.0, 1.0, "%"),
    Anchor("step_length_m.cv_pct", "steps", 5.0, 30.0, 1.0, "%"),
    Anchor(
        "stride_time_sd_ms",
        "balance",
        50.0,
        150.0,
        2.0,
        "ms",
        basis=f"{DESIGN_CHOICE}; 100 near non-fallers' 49 ms, 44 at fallers' 106 ms "
        f"({HAUSDORFF_2001.split(' (')[0]})",
    ),
    Anchor("sway_ml_body_heights", "balance", 0.02, 0.07, 2.0, "body heights"),
    Anchor(
        "double_support_pct",
        "balance",
        35.0,
        65.0,
        1.0,
        "%",
        basis=f"{DESIGN_CHOICE}; backward walking has longer double support than forward "
        "(Laufer 2005), so full marks run to 35 %",
    ),
    Anchor("stumble_count", "balance", 0.0, 2.0, 2.0, "stumbles"),
)


@dataclass(frozen=True)
class ScoreComponent:
    """One measured metric's component score (0-100) and where it went."""

    metric: str
    sub_score: str
    value: float
    unit: str
    score: float
    weight: float
    good: float
    bad: float
    basis: str


def component_score(anchor: Anchor, value: float) -> float:
    """0-100: 100 at or better than ``anchor.good``, 0 at or worse than ``anchor.bad``."""
    x = abs(value) if anchor.absolute else value
    frac = (anchor.bad - x) / (anchor.bad - anchor.good)
    return 100.0 * min(max(frac, 0.0), 1.0)


def metric_value(result: AnalysisResult, name: str) -> float | None:
    """A metric by dotted name (``"trunk_flexion_deg.mean"``, or ``"extras.metrics_more.x"``
    for a measure the gait analysis reports beyond the contract); ``stumble_count`` from extras.

    ``None`` where it was not measured (``stumble_count`` is ``None`` when no stumble detector
    ran, 0 when it ran and found none).
    """
    if name == "stumble_count":
        found = result.extras.get("stumbles")
        return None if found is None else float(len(found))
    obj: object = result
    parts = name.split(".")
    if parts[0] != "extras":
        obj = result.metrics
    for part in parts:
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
        if obj is None:
            return None
    if isinstance(obj, bool) or not isinstance(obj, (int, float)):
        return None
    value = float(obj)
    return value if value == value else None  # NaN counts as not measured


def score_components(result: AnalysisResult, min_strides: int = 6) -> list[ScoreComponent]:
    """Component scores for every anchor whose metric this result measured.

    ``min_strides``: stride-time SD is left out of the balance score below this many strides.
    """
    has_scale = result.scale.method in SCORING_SCALES
    out: list[ScoreComponent] = []
    for anchor in ANCHORS:
        value = metric_value(result, anchor.metric)
        if value is None or (anchor.needs_scale and not has_scale):
            continue
        # A metric whose evidence is poor (events merged or dropped, contacts not alternating,
        # ...) is not scored: the grade follows the evidence, never the value.
        if poor_evidence(result, anchor.metric) is not None:
            continue
        # Plausibility problems (see plausibility.py) do not remove a component: dropping a metric
        # because it got worse could raise the score. They are reported beside the scores.
        if anchor.metric == "stride_time_sd_ms" and stride_count(result) < min_strides:
            continue
        out.append(
            ScoreComponent(
                metric=anchor.metric,
                sub_score=anchor.sub_score,
                value=value,
                unit=anchor.unit,
                score=component_score(anchor, value),
                weight=anchor.weight,
                good=anchor.good,
                bad=anchor.bad,
                basis=anchor.basis,
            )
        )
    return out


def combine(components: list[ScoreComponent]) -> Scores:
    """Weighted means per sub-score (1 decimal) and their plain mean as ``overall``."""
    subs: dict[str, float | None] = {}
    for name in SUB_SCORES:
        mine = [c for c in components if c.sub_score == name]
        total = sum(c.weight for c in mine)
        subs[name] = sum(c.score * c.weight for c in mine) / total if total > 0 else None
    present = [v for v in subs.values() if v is not None]
    overall = sum(present) / len(present) if present else None
    return Scores(
        overall=_r(overall),
        posture=_r(subs["posture"]),
        steps=_r(subs["steps"]),
        balance=_r(subs["balance"]),
    )


def compute_scores(result: AnalysisResult, min_strides: int = 6) -> Scores:
    """Posture, steps, balance and overall scores (0-100, ``None`` where nothing was measured)."""
    return combine(score_components(result, min_strides))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
