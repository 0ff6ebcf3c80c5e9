"""Evidence for feedback cues: which frames, steps and strides of the walk a cue rests on."""

from __future__ import annotations

from typing import Any

from vision.result import AnalysisResult

SERIES_KEYS = ("series", "per_frame")  # where the gait analysis may put per-frame series


def walk_segments(result: AnalysisResult) -> list[dict[str, Any]]:
    """The walking segments (seconds and frames) the whole-walk metrics came from."""
    fps = result.video.fps
    return [
        {"start_s": s.start_s, "end_s": s.end_s, "direction": s.direction,
         "start_frame": int(round(s.start_s * fps)), "end_frame": int(round(s.end_s * fps))}
        for s in result.segments if s.direction in ("backward", "forward")
    ]  # fmt: skip


def frames_beyond(result: AnalysisResult, name: str, mean_value: float) -> dict[str, Any] | None:
    """First/last frame and count where a per-frame series is beyond its walk mean's side.

    Uses ``extras["series"]`` (or ``extras["per_frame"]``): {"frame": [...], name: [...]} when the
    gait analysis provides it; ``None`` otherwise.
    """
    for key in SERIES_KEYS:
        series = result.extras.get(key)
        if isinstance(series, dict) and name in series and "frame" in series:
            pairs = [
                (int(f), float(v)) for f, v in zip(series["frame"], series[name], strict=False)
                if v is not None and v == v
            ]  # fmt: skip
            sign = 1.0 if mean_value >= 0 else -1.0
            limit = 0.5 * abs(mean_value)  # half the mean: the part of the walk that drove it
            hits = [f for f, v in pairs if sign * v >= limit]
            if hits:
                return {"first_frame": hits[0], "last_frame": hits[-1], "count": len(hits)}
    return None


def mean_step_length_per_foot(result: AnalysisResult) -> dict[str, float] | None:
    sums: dict[str, list[float]] = {"left": [], "right": []}
    for s in result.steps:
        if s.length_m is not None:
            sums[s.foot].append(s.length_m)
    if not sums["left"] or not sums["right"]:
        return None
    return {foot: round(sum(v) / len(v), 3) for foot, v in sums.items()}


def step_refs(result: AnalysisResult) -> list[dict[str, Any]]:
    return [
        {"index": i, "foot": s.foot, "t_contact_s": s.t_contact_s, "length_m": s.length_m}
        for i, s in enumerate(result.steps)
    ]


def stride_times(result: AnalysisResult) -> list[tuple[float, float]]:
    """(contact time s, stride time s) for each same-foot contact-to-contact interval."""
    out: list[tuple[float, float]] = []
    for foot in ("left", "right"):
        times = sorted(s.t_contact_s for s in result.steps if s.foot == foot)
        out += [(a, b - a) for a, b in zip(times, times[1:], strict=False)]
    return sorted(out)
