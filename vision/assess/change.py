"""Change between two visits of the same person: real change or within measurement noise.

A change counts as real when its size reaches the smallest real change: the published minimal
detectable change (MDC) or smallest real difference (SRD) for the person's condition where one
exists, otherwise the repeatability measured from the two walks themselves (the step-to-step
spread of each walk and its scale uncertainty), otherwise a stated design choice. Every verdict
says which of these it used.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from vision.gait.steps import cadence_standard_error
from vision.result import AnalysisResult
from vision.stats import mean_standard_error

from .fall_risk import stride_count
from .presets import DESIGN_CHOICE
from .scores import metric_value

Verdict = Literal["real change", "within measurement noise", "not comparable"]
CONDITIONS: tuple[str, ...] = (
    "general",
    "multiple_sclerosis",
    "knee_replacement",
    "stroke",
    "parkinsons",
)
Z_95 = 1.96  # two-sided 95 %: MDC95 = 1.96 * SE of the difference, for many steps


@dataclass(frozen=True)
class PublishedChange:
    """A published smallest real change, in the metric's unit."""

    threshold: float
    kind: str  # "MDC" or "SRD"
    source: str


PUBLISHED: dict[tuple[str, str], PublishedChange] = {
    ("test_3mbwt_s", "multiple_sclerosis"): PublishedChange(
        1.69, "MDC", "Söke et al. 2022 (multiple sclerosis)"
    ),
    ("test_3mbwt_s", "knee_replacement"): PublishedChange(
        2.94, "SRD", "Unver et al. 2020 (after total knee replacement)"
    ),
    ("test_3mbwt_s", "parkinsons"): PublishedChange(
        2.13, "MDC", "Ir J Med Sci 2023;192(6):3063-3071 (Parkinson's disease)"
    ),
    ("speed_mps", "stroke"): PublishedChange(
        0.11, "MDC", "DeMark et al. 2023 (stroke; 0.07-0.11 m/s, the upper end used)"
    ),
}


@dataclass(frozen=True)
class KeyMetric:
    """A metric followed over visits. ``better``: which way is an improvement (None: neither)."""

    name: str
    unit: str
    better: Literal["lower", "higher"] | None
    absolute: bool = False  # compare sizes (a lean either way)
    fallback: float | None = None  # design-choice threshold when nothing else is available
    fallback_basis: str = ""


KEY_METRICS: tuple[KeyMetric, ...] = (
    KeyMetric(
        "test_3mbwt_s",
        "s",
        "lower",
        fallback=1.69,
        fallback_basis="the smallest published MDC of the 3 m backward walk test (1.69 s, "
        "Söke et al. 2022, multiple sclerosis), for lack of one for this condition",
    ),
    KeyMetric("speed_mps", "m/s", "higher"),
    KeyMetric("cadence_spm", "steps/min", None),
    KeyMetric("step_length_m.mean", "m", "higher"),
    KeyMetric("stride_time_sd_ms", "ms", "lower"),
    KeyMetric(
        "trunk_flexion_deg.mean",
        "deg",
        "lower",
        absolute=True,
        fallback=5.0,
        fallback_basis="video joint-angle error of 4.0-5.6 deg against motion capture "
        "(Stenum et al. 2021)",
    ),
    KeyMetric(
        "sway_ml_body_heights",
        "body heights",
        "lower",
        fallback=0.02,
        fallback_basis="single-camera sway is not validated (Mehdizadeh 2021); 0.02 body "
        "heights is about 3.5 cm for a 1.75 m person",
    ),
)


@dataclass(frozen=True)
class MetricChange:
    """One metric's change from the earlier to the later visit (``change = later - earlier``)."""

    metric: str
    unit: str
    earlier: float | None
    later: float | None
    change: float | None
    threshold: float | None  # smallest real change, in ``unit``
    threshold_kind: str  # published MDC | published SRD | measured repeatability | design choice
    source: str
    verdict: Verdict
    direction: Literal["better", "worse"] | None = None  # only for a real change
    note: str = ""


@dataclass(frozen=True)
class VisitChange:
    """Every key metric's change between two visits, and what limits the comparison."""

    condition: str
    changes: list[MetricChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, metric: str) -> MetricChange:
        """The change of ``metric`` (``KeyError`` when it is not a key metric)."""
        for c in self.changes:
            if c.metric == metric:
                return c
        raise KeyError(metric)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_visits(
    earlier: AnalysisResult, later: AnalysisResult, condition: str = "general"
) -> VisitChange:
    """Compare two analyses of the same person; ``condition`` picks the published MDCs."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    notes: list[str] = []
    d1, d2 = earlier.metrics.walk_direction, later.metrics.walk_direction
    comparable = d1 == d2 and d1 in ("backward", "forward")
    if not comparable:
        notes.append(f"the walks differ in direction ({d1} then {d2}): metrics not compared")
    if earlier.scale.method != later.scale.method:
        notes.append(
            f"the scale was set differently ({earlier.scale.method} then "
            f"{later.scale.method}): distances and speeds may differ for that reason alone"
        )
    changes = [_change(k, earlier, later, condition, comparable) for k in KEY_METRICS]
    return VisitChange(condition=condition, changes=changes, notes=notes)


def _change(
    key: KeyMetric, a: AnalysisResult, b: AnalysisResult, condition: str, comparable: bool
) -> MetricChange:
    v1, v2 = metric_value(a, key.name), metric_value(b, key.name)
    if key.absolute:
        v1, v2 = (None if v is None else abs(v) for v in (v1, v2))
    if not comparable or v1 is None or v2 is None:
        why = "not measured in both visits" if comparable else "walk directions differ"
        return MetricChange(
            key.name, key.unit, v1, v2, None, None, "none", "", "not comparable", note=why
        )
    delta = v2 - v1
    threshold, kind, source = _threshold(key, a, b, condition)
    if threshold is None:
        return MetricChange(
            key.name,
            key.unit,
            v1,
            v2,
            _r(delta),
            None,
            "none",
            "",
            "not comparable",
            note="no repeatability could be measured "
            "(per-step data missing, or a trunk's sway of fewer than three whole "
            "strides) and none is published",
        )
    real = abs(delta) >= threshold - 1e-9  # a change exactly at the threshold counts as real
    direction: Literal["better", "worse"] | None = None
    if real and key.better is not None and delta != 0:
        improved = delta < 0 if key.better == "lower" else delta > 0
        direction = "better" if improved else "worse"
    return MetricChange(
        metric=key.name,
        unit=key.unit,
        earlier=_r(v1),
        later=_r(v2),
        change=_r(delta),
        threshold=_r(threshold),
        threshold_kind=kind,
        source=source,
        verdict="real change" if real else "within measurement noise",
        direction=direction,
        note=f"{'at or above' if real else 'below'} the smallest real change of "
        f"{threshold:.3g} {key.unit} ({kind})",
    )


def _threshold(
    key: KeyMetric, a: AnalysisResult, b: AnalysisResult, condition: str
) -> tuple[float | None, str, str]:
    published = PUBLISHED.get((key.name, condition))
    if published is not None:
        return published.threshold, f"published {published.kind}", published.source
    e1, e2 = walk_error(key.name, a), walk_error(key.name, b)
    if e1 is not None and e2 is not None:
        return (
            _t_95(e1, e2) * math.hypot(e1.se, e2.se),
            "measured repeatability",
            "measured: Student's t (95 %, Welch's degrees of freedom; 1.96 for many steps) x the "
            "combined standard error of the two walks (their step-to-step spread and scale "
            "uncertainty); no published MDC for this condition",
        )
    if key.fallback is not None:
        return key.fallback, DESIGN_CHOICE, f"{DESIGN_CHOICE}: {key.fallback_basis}"
    return None, "none", ""


@dataclass(frozen=True)
class WalkError:
    """One walk's standard error of a metric (its unit) and the degrees of freedom it rests on
    (``inf``: known to be many, or not limited by a few steps)."""

    se: float
    df: float = math.inf


def standard_error(metric: str, result: AnalysisResult) -> float | None:
    """Standard error of one walk's metric, in its unit; ``None`` if unknown (see
    :func:`walk_error`)."""
    e = walk_error(metric, result)
    return None if e is None else e.se


def walk_error(metric: str, result: AnalysisResult) -> WalkError | None:
    """Standard error of one walk's metric, from its own steps, with its degrees of freedom;
    ``None`` if unknown.

    Speed and cadence from per-step values of the steady steps (:func:`steady_steps`), except a
    cadence read from the trunk's sway (``extras["metrics_more"]["cadence_source"]``, with the
    rhythm in ``extras["sway_rhythm"]``), which brings its own; mean
    step length from its SD over those steps; stride-time SD from its sampling error
    SD / sqrt(2 (n - 1)). Distances add the scale's uncertainty (``scale.uncertainty_pct``, taken
    as one standard uncertainty, with many degrees of freedom).
    """
    value = metric_value(result, metric)
    if value is None:
        return None
    scale_se = abs(value) * (result.scale.uncertainty_pct or 0.0) / 100.0
    steps = steady_steps(result)
    if metric == "speed_mps":
        e = _se_of_mean([length / dur for dur, length in steps if length is not None])
        return None if e is None else _with_scale(e, scale_se)
    if metric == "cadence_spm":
        rhythm = result.extras.get("sway_rhythm")
        # Results stored before the cadence's source was recorded took it from the sway
        # wherever there was one.
        source = (result.extras.get("metrics_more") or {}).get("cadence_source", "sway")
        if isinstance(rhythm, dict) and source == "sway":
            # The cadence itself came from the trunk's sway (front and back views): so does its
            # error.
            se, df = rhythm.get("cadence_se_spm"), rhythm.get("cadence_se_df")
            return None if se is None else WalkError(float(se), math.inf if df is None else df)
        cadence_se = cadence_standard_error([dur for dur, _ in steps])
        return None if cadence_se is None else WalkError(*cadence_se)
    if metric == "step_length_m.mean":
        sd, n = result.metrics.step_length_m.sd, sum(length is not None for _, length in steps)
        if sd is None or n < 2:
            return None
        return _with_scale(WalkError(sd / math.sqrt(n), n - 1), scale_se)
    if metric == "stride_time_sd_ms":
        n = stride_count(result)
        return WalkError(value / math.sqrt(2 * (n - 1)), n - 1) if n >= 2 else None
    return None


def _with_scale(e: WalkError, scale_se: float) -> WalkError:
    """``e`` with the scale's uncertainty added (Welch-Satterthwaite for the degrees of
    freedom: the scale's part has many)."""
    total = math.hypot(e.se, scale_se)
    if e.se == 0 or not math.isfinite(e.df):
        return WalkError(total)
    return WalkError(total, total**4 / (e.se**4 / e.df))


def _t_95(e1: WalkError, e2: WalkError) -> float:
    """Two-sided 95 % multiplier for the difference of two walks: Student's t at Welch's
    degrees of freedom (the normal's 1.96 when both rest on many)."""
    v1, v2 = e1.se**2, e2.se**2
    parts = [v**2 / e.df for v, e in ((v1, e1), (v2, e2)) if math.isfinite(e.df) and e.df > 0]
    if not parts or v1 + v2 == 0:
        return Z_95
    # Imported here: scipy.stats takes most of a second to load, and the command line checks
    # the population preset (vision.assess) before any analysis runs.
    from scipy.stats import t as student_t

    return float(student_t.ppf(0.975, (v1 + v2) ** 2 / sum(parts)))


def steady_steps(result: AnalysisResult) -> list[tuple[float, float | None]]:
    """(duration s, length m or None) of the walk's steady steps.

    The gait analysis marks them in ``extras["step_details"]`` (``steady``: not the first step
    from standing nor the closing step); without that list, every step in ``result.steps``.
    """
    details = result.extras.get("step_details")
    if isinstance(details, list) and details:
        return [
            (float(d["duration_s"]), d.get("length_m"))
            for d in details
            if d.get("steady") and (d.get("duration_s") or 0) > 0
        ]
    return [
        (s.duration_s, s.length_m)
        for s in result.steps
        if s.duration_s is not None and s.duration_s > 0
    ]


def _se_of_mean(values: list[float]) -> WalkError | None:
    e = mean_standard_error(values)
    return None if e is None else WalkError(*e)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
