"""The text summary ``retrogait analyze`` prints: what a physiotherapist reads in a terminal.

Pure functions over the result document (schema_version "1", see DESIGN.md): the metrics with
their units, then the scores, the fall-risk screen with each rule's value, cut-off and source
(or why it is undetermined), the top coaching cues and the findings that matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.reports.comparison import comparison_lines
from vision.live.cues import PRIORITY


@dataclass(frozen=True)
class SummaryOptions:
    """How much of the feedback the summary shows.

    ``top_cues``: most coaching cues printed, most severe first (the rest stay in the result
    document). ``finding_severities``: the quality findings printed.
    """

    top_cues: int = 3
    finding_severities: tuple[str, ...] = ("warning", "alert")


def _fmt(value: Any, unit: str, nd: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{nd}f} {unit}"


def _quantity(value: Any, unit: str | None, measured: bool = True) -> str:
    """A rule's value (2 decimals) or cut-off (as published) with its unit; words as they are."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    number = f"{value:.2f}" if measured else f"{value:g}"
    return number + (f" {unit}" if unit else "")


def metrics_lines(doc: dict[str, Any]) -> list[str]:
    """The walk, its steps and the main numbers with units."""
    m, sc = doc["metrics"], doc["scale"]
    segs = (
        ", ".join(
            f"{s['direction']} {s['start_s']:.1f}-{s['end_s']:.1f} s ({s['view']})"
            for s in doc["segments"]
        )
        or "none"
    )
    lines = [
        f"walk: {m['walk_direction'] or 'not found'}; segments: {segs}",
        f"steps: {m['step_count']}   cadence: {_fmt(m['cadence_spm'], 'steps/min', 1)}   "
        f"speed: {_fmt(m['speed_mps'], 'm/s')}",
        f"step length: {_fmt(m['step_length_m']['mean'], 'm')}   "
        f"step time: {_fmt(m['step_time_s']['mean'], 's')}   "
        f"double support: {_fmt(m['double_support_pct'], '%', 1)}",
        f"stride time SD: {_fmt(m['stride_time_sd_ms'], 'ms', 0)}   "
        f"step-length asymmetry: {_fmt(m['step_length_asymmetry_pct'], '%', 1)}",
        f"trunk flexion: mean {_fmt(m['trunk_flexion_deg']['mean'], 'deg', 1)}, "
        f"max {_fmt(m['trunk_flexion_deg']['max'], 'deg', 1)}   "
        f"head pitch: {_fmt(m['head_pitch_deg']['mean'], 'deg', 1)}",
        f"scale: {sc['method']}"
        + (f" (+-{sc['uncertainty_pct']:.0f}%)" if sc.get("uncertainty_pct") else ""),
    ]
    lines += bout_lines(doc)
    if m.get("test_3mbwt_s") is not None:
        lines.append(f"3 m backward walk test: {m['test_3mbwt_s']:.2f} s")
    return lines


def bout_lines(doc: dict[str, Any]) -> list[str]:
    """One line per walking bout, where a recording holds several (the trials of one visit)."""
    bouts = doc.get("bouts") or []
    if len(bouts) < 2:
        return []
    return [
        f"bout {i}: {b['direction']} {b['start_s']:.1f}-{b['end_s']:.1f} s, "
        f"{b['step_count']} steps, cadence {_fmt(b['cadence_spm'], 'steps/min', 1)}, "
        f"speed {_fmt(b['speed_mps'], 'm/s')}, step length {_fmt(b['step_length_m'], 'm')}"
        for i, b in enumerate(bouts, 1)
    ]


def scores_line(doc: dict[str, Any]) -> str:
    """The 0-100 scores on one line; ``n/a`` where the evidence did not allow one."""
    scores = doc.get("scores") or {}
    parts = [
        f"{name} {'n/a' if scores.get(name) is None else f'{scores[name]:.0f}'}"
        for name in ("overall", "posture", "steps", "balance")
    ]
    return "scores (0-100): " + ", ".join(parts)


def fall_risk_lines(doc: dict[str, Any]) -> list[str]:
    """The screen's level and population, then each rule: value, cut-off, outcome, source."""
    risk = doc.get("fall_risk") or {}
    level = risk.get("level") or "undetermined"
    lines = [f"fall risk ({risk.get('population', 'n/a')}): {level}"]
    reasons = risk.get("reasons") or []
    if not reasons and level == "undetermined":
        lines.append("  no rule could be applied to this walk")
    for r in reasons:
        unit = r.get("unit")
        outcome = str(r.get("outcome") or "").replace("_", " ")
        cutoff = r.get("cutoff")
        if cutoff is None:
            measured = _quantity(r.get("value"), unit)
        elif isinstance(cutoff, str):  # a condition, such as the walk's direction
            measured = f"{r.get('value')}, needs {cutoff}"
        else:
            measured = (
                f"{_quantity(r.get('value'), unit)}, cut-off {_quantity(r['cutoff'], unit, False)}"
            )
        lines.append(f"  {r.get('rule')}: {measured} -> {outcome}")
        if r.get("note"):
            lines.append(f"    {r['note']}")
        if r.get("source"):
            lines.append(f"    source: {r['source']}")
    return lines


def feedback_lines(doc: dict[str, Any], options: SummaryOptions) -> list[str]:
    """The most severe coaching cues (alert first), and how many more the document holds."""
    cues = sorted(doc.get("feedback") or [], key=lambda f: PRIORITY.get(f.get("severity"), 9))
    if not cues:
        return []
    shown = cues[: options.top_cues]
    lines = ["feedback:"] + [f"  {c['severity']}: {c['message']}" for c in shown]
    if len(cues) > len(shown):
        lines.append(f"  (+{len(cues) - len(shown)} more in the result document)")
    return lines


def findings_lines(doc: dict[str, Any], options: SummaryOptions) -> list[str]:
    """The quality findings at the severities that matter, then the measurement notes."""
    quality = doc.get("quality") or {}
    lines = [
        f"{f['severity']}: {f['message']}"
        for f in quality.get("findings") or []
        if f.get("severity") in options.finding_severities
    ]
    lines += [f"note: {w}" for w in quality.get("warnings") or []]
    return lines


def summary_text(doc: dict[str, Any], options: SummaryOptions | None = None) -> str:
    """The whole summary, one item per line."""
    opts = options or SummaryOptions()
    lines = metrics_lines(doc)
    lines += comparison_lines(doc)
    lines.append(scores_line(doc))
    lines += fall_risk_lines(doc)
    lines += feedback_lines(doc, opts)
    lines += findings_lines(doc, opts)
    return "\n".join(lines)
