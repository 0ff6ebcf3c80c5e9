"""What a physiotherapist report shows, built once from result documents for HTML and PDF alike.

A report covers one patient: one result document per visit (the ``AnalysisResult.to_dict()``
form), in time order. Visit details (date, recording, protocol) are read from the optional
``extras["visit"]`` mapping that ``retrogait batch`` writes into each result; a document without
it still renders, labelled by its position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from service.reports.metrics import (
    KEY_METRICS,
    METHOD_BY_KIND,
    TREND_METRICS,
    MetricSpec,
    format_value,
    metric_value,
    scale_text,
    spec_at,
)
from vision.assess import CONDITIONS, compare_visits
from vision.assess import SCREENING_STATEMENT as ASSESS_STATEMENT
from vision.assess.change import MetricChange
from vision.result import result_from_dict

SCREENING_STATEMENT = (
    ASSESS_STATEMENT[0].upper() + ASSESS_STATEMENT[1:] + ". Cut-offs depend on the population, "
    "and a prior fall is as predictive as any test. Every flag below states its rule, value, "
    "cut-off and source."
)

TREND_NOTE = (
    "Shaded band: the first visit's value ± the smallest real change. That is the published "
    "minimal detectable change (MDC) or smallest real difference for the patient's condition "
    "where one exists, otherwise the repeatability measured from the two walks, otherwise a "
    "stated design choice; each row says which. A change inside the band is not a real change."
)


@dataclass
class MetricRow:
    label: str
    value_text: str  # formatted with unit, or "not measured"
    method: str
    measured: bool
    reason: str | None = None  # why not measured


@dataclass
class ReasonRow:
    rule: str  # the rule, with its plain-language note where the assessment gave one
    value: str  # with unit and measurement uncertainty where known
    cutoff: str
    outcome: str
    source: str


@dataclass
class VisitView:
    index: int  # 1-based
    title: str
    date: str | None
    recording: str | None
    protocol: str | None
    population: str
    scale_text: str
    risk_level: str
    risk_text: str
    reasons: list[ReasonRow]
    metrics: list[MetricRow]
    scores: list[tuple[str, str]]
    feedback: list[tuple[str, str]]  # (severity, message)
    warnings: list[str]
    doc: dict[str, Any] = field(repr=False)


@dataclass
class TrendView:
    """A metric per visit date: same-date recordings are averaged (``ranges`` holds their
    (lowest, highest) where a date has more than one; None otherwise)."""

    spec: MetricSpec
    labels: list[str]
    values: list[float | None]
    change: MetricChange  # first versus last visit, as the assessment judges it
    change_text: str
    ranges: list[tuple[float, float] | None] = field(default_factory=list)


@dataclass
class ReportView:
    patient_id: str | None
    patient_name: str | None
    patient_details: list[tuple[str, str]]
    visits: list[VisitView]
    trends: list[TrendView]
    condition: str = "general"  # picks the published minimal detectable changes
    trend_notes: list[str] = field(default_factory=list)
    statement: str = SCREENING_STATEMENT


TEST_NOT_REQUESTED = "the 3 m backward walk test was not requested for this recording"


def _reason_for(spec: MetricSpec, warnings: list[str], test_requested: bool = True) -> str:
    if spec.kind == "test" and not test_requested:
        return TEST_NOT_REQUESTED
    for warning in warnings:
        low = warning.lower()
        if any(word in low for word in spec.keywords):
            return warning
    return "the analysis gave no specific reason; see the quality warnings"


def _fmt_reason_value(value: Any, unit: str | None = None, uncertainty: Any = None) -> str:
    if value is None:
        return "not measured"
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    if isinstance(uncertainty, int | float) and isinstance(value, int | float):
        text += f" ± {uncertainty:.2g}"
    return f"{text} {unit}" if unit else text


def reason_row(reason: dict[str, Any]) -> ReasonRow:
    """One fall-risk rule as the report prints it (optional detail keys may be absent)."""
    unit = reason.get("unit")
    rule = str(reason.get("rule", ""))
    if reason.get("note"):
        rule += f": {reason['note']}"
    source = str(reason.get("source") or "")
    if reason.get("design_choice") or not source:
        source = (source + "; " if source else "") + "design choice, no published cut-off"
    return ReasonRow(
        rule=rule,
        value=_fmt_reason_value(reason.get("value"), unit, reason.get("uncertainty")),
        cutoff=_fmt_reason_value(reason.get("cutoff"), unit)
        if reason.get("cutoff") is not None
        else "-",
        outcome=str(reason.get("outcome") or "-").replace("_", " "),
        source=source,
    )


def _risk_text(level: str, population: str) -> str:
    if level == "undetermined":
        return "Fall risk undetermined: the measurements needed for a verdict are missing."
    return f"Fall risk {level.upper()} (cut-offs for population preset: {population})."


def visit_view(doc: dict[str, Any], index: int) -> VisitView:
    """The report's view of one result document (``index`` is 1-based)."""
    extras = doc.get("extras") or {}
    visit = extras.get("visit") or doc.get("visit") or {}
    warnings = [str(w) for w in (doc.get("quality") or {}).get("warnings") or []]
    rows = []
    for spec in KEY_METRICS:
        value = metric_value(doc, spec.path)
        measured = value is not None
        rows.append(
            MetricRow(
                label=spec.label,
                value_text=format_value(value, spec),
                method=METHOD_BY_KIND[spec.kind](doc),
                measured=measured,
                reason=None if measured else _reason_for(spec, warnings, "test_3mbwt" in extras),
            )
        )
    risk = doc.get("fall_risk") or {}
    level = str(risk.get("level") or "undetermined")
    summary = extras.get("assessment") or {}
    population = str(
        summary.get("population_label")
        or risk.get("population")
        or visit.get("population")
        or "not stated"
    )
    protocol = summary.get("protocol_label") or visit.get("protocol")
    reasons = [reason_row(r) for r in risk.get("reasons") or []]
    scores = [
        (name, "not scored" if v is None else f"{v:.0f} / 100")
        for name, v in (doc.get("scores") or {}).items()
    ]
    feedback = [
        (str(f.get("severity", "info")), str(f.get("message", "")))
        for f in doc.get("feedback") or []
    ]
    date = visit.get("date")
    title = f"Visit {index}" + (f", {date}" if date else "")
    return VisitView(
        index=index,
        title=title,
        date=date,
        recording=visit.get("recording"),
        protocol=protocol,
        population=population,
        scale_text=scale_text(doc),
        risk_level=level,
        risk_text=_risk_text(level, population),
        reasons=reasons,
        metrics=rows,
        scores=scores,
        feedback=feedback,
        warnings=warnings,
        doc=doc,
    )


def _change_text(spec: MetricSpec, change: MetricChange) -> str:
    if change.change is None:
        return f"{change.verdict}: {change.note}"
    text = f"{change.change:+.{spec.decimals}f} {spec.unit} first to last visit: {change.verdict}"
    if change.direction:
        text += f" ({change.direction})"
    return f"{text}; {change.note}; {change.source}"


def _trends(
    results: Sequence[dict[str, Any]], visits: list[VisitView], condition: str
) -> tuple[list[TrendView], list[str]]:
    """Each change metric across visits, and notes on what limits the comparison."""
    try:
        changes = compare_visits(
            result_from_dict(results[0]), result_from_dict(results[-1]), condition
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"a result document lacks a required part: {exc}") from exc
    by_visit = [v.date or f"visit {v.index}" for v in visits]
    labels = list(dict.fromkeys(by_visit))
    trends = []
    for path in TREND_METRICS:
        spec = spec_at(path)
        raw = [metric_value(doc, path) for doc in results]
        groups = [
            [
                float(v)
                for v, at in zip(raw, by_visit, strict=True)
                if at == label and isinstance(v, int | float)
            ]
            for label in labels
        ]
        values = [sum(g) / len(g) if g else None for g in groups]
        ranges = [(min(g), max(g)) if len(g) > 1 else None for g in groups]
        change = changes.get(".".join(path))
        trends.append(TrendView(spec, labels, values, change, _change_text(spec, change), ranges))
    return trends, list(changes.notes)


DETAIL_UNITS = {"_cm": "cm", "_kg": "kg", "_m": "m", "_years": "years"}


def _detail(key: str, value: Any) -> tuple[str, str]:
    """("height", "162 cm") from ("height_cm", 162.0): the unit goes with the value."""
    for suffix, unit in DETAIL_UNITS.items():
        if key.endswith(suffix) and isinstance(value, int | float):
            return key[: -len(suffix)].replace("_", " "), f"{value:g} {unit}"
    return key.replace("_", " "), str(value)


def build_report(
    results: Sequence[dict[str, Any]], patient: dict[str, Any] | None = None
) -> ReportView:
    """Assemble the report for one patient from result documents in visit order."""
    if not results:
        raise ValueError("a report needs at least one result document")
    for i, doc in enumerate(results):
        if not isinstance(doc, dict) or "metrics" not in doc:
            raise ValueError(f"result {i + 1} is not an analysis result document (no 'metrics')")
    visits = [visit_view(doc, i + 1) for i, doc in enumerate(results)]
    patient = dict(patient or {})
    first_visit = (results[0].get("extras") or {}).get("visit") or {}
    patient_id = patient.pop("id", None) or patient.pop("patient_id", None)
    patient_id = patient_id or first_visit.get("patient_id")
    name = patient.pop("name", None)
    details = [_detail(str(k), v) for k, v in patient.items() if v is not None]
    condition = str(patient.pop("condition", None) or "general")
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    # A trend needs two visit dates: recordings of one date are repeats, not a change.
    dates = {v.date or f"visit {v.index}" for v in visits}
    trends, trend_notes = _trends(results, visits, condition) if len(dates) >= 2 else ([], [])
    return ReportView(
        patient_id=str(patient_id) if patient_id is not None else None,
        patient_name=str(name) if name is not None else None,
        patient_details=details,
        visits=visits,
        trends=trends,
        condition=condition,
        trend_notes=trend_notes,
    )
