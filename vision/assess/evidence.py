"""Evidence for feedback cues: which frames, steps and strides of the walk a cue rests on."""

from __future__ import annotations

from typing import Any

from vision.result import AnalysisResult

SERIES_KEYS = ("series", "per_frame")  # where the gait analysis may put per-frame series


def walk_segments(result: AnalysisResult) -> list[dict[str, Any]]:
    """The walking segments (seconds and frames) the whole-walk metrics came from."""
    fps = result.video.fps
    return [
        {
            "start_s": s.start_s,
            "end_s": s.end_s,
            "direction": s.direction,
            "start_frame": int(round(s.start_s * fps)),
            "end_frame": int(round(s.end_s * fps)),
        }
        for s in result.segments
        if s.direction in ("backward", "forward")
    ]


def frames_beyond(
    result: AnalysisResult, name: str, limit: float, above: bool = True, absolute: bool = False
) -> dict[str, Any] | None:
    """Where, while walking, a per-frame series was beyond a cue's limit.

    Reads ``extras["series"]`` (or ``extras["per_frame"]``): {"t_s": [...] or "frame": [...],
    name: [...]}, as the gait analysis provides it (possibly thinned). Returns the first and last
    frame and time beyond the limit and the fraction of walking samples beyond it, or ``None``
    when there is no series or no sample beyond.
    """
    fps = result.video.fps
    walking = [
        (s.start_s, s.end_s) for s in result.segments if s.direction in ("backward", "forward")
    ]
    for key in SERIES_KEYS:
        series = result.extras.get(key)
        if not isinstance(series, dict) or name not in series:
            continue
        if "t_s" in series:
            times = [float(t) for t in series["t_s"]]
        elif "frame" in series and fps > 0:
            times = [int(f) / fps for f in series["frame"]]
        else:
            continue
        samples = [
            (t, float(v))
            for t, v in zip(times, series[name], strict=False)
            if v is not None and v == v and (not walking or any(a <= t <= b for a, b in walking))
        ]
        hits = [t for t, v in samples if _beyond(v, limit, above, absolute)]
        if hits:
            return {
                "first_frame": int(round(hits[0] * fps)),
                "last_frame": int(round(hits[-1] * fps)),
                "first_s": round(hits[0], 3),
                "last_s": round(hits[-1], 3),
                "fraction_of_walk": round(len(hits) / len(samples), 3),
            }
    return None


def _beyond(value: float, limit: float, above: bool, absolute: bool) -> bool:
    x = abs(value) if absolute else value
    return x > limit if above else x < limit


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
