"""Steps and strides from contact/lift events and where each foot rests on the floor.

A step ends when a foot makes contact; its length is the distance along the walking line between
that foot's resting place (footprint) and the other foot's, its duration the time since the
previous contact. Summary metrics use the steady steps: the first and last step of each bout of
walking (gait initiation and the closing step) are left out once a bout has four or more steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vision.findings import Finding, finding, messages
from vision.gait.scale import ScaleModel
from vision.gait.step_period import step_period_s
from vision.landmarks import HEEL
from vision.result import FEET, Event, Foot, Step, other_foot
from vision.stats import mean_standard_error, sd_without_outlier


@dataclass(frozen=True)
class StepOptions:
    """Attributes:
    max_step_s: a longer gap between contacts starts a new bout (a pause).
    speed_read_s: speed reads both feet at a contact's frame or, where one is not seen there,
        at the nearest frame this close to it (both feet stay down for the double support that
        follows a contact: about 0.1 s at a brisk pace).
    min_strides_for_variability: stride-time SD needs at least this many strides (Hausdorff
        2001 measured over long walks; fewer strides say little).
    outlier_k: cadence: an event further than this many robust standard deviations from the
        line of event time over step number is left out of the step time (and a stride this
        far from the others' median is marked: see ``stride_time_sd_without_outlier_ms``) ...
    outlier_floor_s: ... and never one nearer than this (s): an error of a few frames, or a
        limp's long and short steps, is not an outlier.
    """

    max_step_s: float = 2.0
    speed_read_s: float = 0.05
    min_strides_for_variability: int = 6
    outlier_k: float = 3.0
    outlier_floor_s: float = 0.1


@dataclass
class StepRecord:
    """One step with what the summary and feedback need.

    ``length`` is in metres when the scale is metric, else body heights; ``length_bh`` is always
    body heights.
    """

    foot: Foot
    t_contact_s: float
    frame: int
    duration_s: float
    length: float | None
    length_bh: float | None
    bout: int
    steady: bool = False


@dataclass
class StepSummary:
    steps: list[StepRecord] = field(default_factory=list)
    metric: bool = False
    cadence_spm: float | None = None
    speed: float | None = None  # m/s when metric, else body heights per second
    step_length_mean: float | None = None
    step_length_sd: float | None = None
    step_length_cv_pct: float | None = None
    step_time_mean_s: float | None = None
    step_time_sd_s: float | None = None
    stride_time_sd_ms: float | None = None
    stride_time_cv_pct: float | None = None
    # Where one stride lies far off the others (see StepOptions.outlier_k): the SD without it
    # and when it ended (its closing contact, s), to tell how much the SD rests on it.
    stride_time_sd_without_outlier_ms: float | None = None
    stride_outlier_t_s: float | None = None
    n_strides: int = 0
    step_length_asymmetry_pct: float | None = None
    double_support_pct: float | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The findings' messages."""
        return messages(self.findings)

    def result_steps(self) -> list[Step]:
        """Steps for :class:`~vision.result.AnalysisResult` (length in metres or None)."""
        return [
            Step(
                foot=s.foot,
                t_contact_s=round(s.t_contact_s, 4),
                duration_s=round(s.duration_s, 4),
                length_m=(round(s.length, 4) if self.metric and s.length is not None else None),
            )
            for s in self.steps
        ]


def stance_intervals(events: list[Event], foot: Foot, t_end_s: float) -> list[tuple[float, float]]:
    """(contact_s, lift_s) of ``foot``; a stance whose lift is not seen ends at ``t_end_s``."""
    out: list[tuple[float, float]] = []
    own = [e for e in events if e.foot == foot]
    for i, e in enumerate(own):
        if e.type != "contact":
            continue
        lift = next((x.t_s for x in own[i + 1 :] if x.type == "lift"), t_end_s)
        nxt = next((x.t_s for x in own[i + 1 :] if x.type == "contact"), t_end_s)
        out.append((e.t_s, min(lift, nxt)))
    return out


def _seen_stances(
    events: list[Event], foot: Foot, t_end_s: float, bout_starts_s: tuple[float, ...] = ()
) -> list[tuple[float, float]]:
    """:func:`stance_intervals`, and a stance from the start of time (or of a bout) to the
    foot's first lift where that lift comes before its first contact (the foot was down when
    the view or the bout began)."""
    own = [e for e in events if e.foot == foot]
    first = []
    for start in (-np.inf, *bout_starts_s):
        after = [e for e in own if e.t_s >= start]
        if after and after[0].type == "lift":
            first.append((start, after[0].t_s))
    return sorted(set(first) | set(stance_intervals(events, foot, t_end_s)))


def footprint_px(
    feet: np.ndarray, t_s: np.ndarray, foot: int, start_s: float, stop_s: float
) -> np.ndarray | None:
    """(2,) median heel pixel of ``foot`` (0 left, 1 right) while it rests in [start_s, stop_s];
    ``feet`` is (T, 2, >=2, 2). None when the heel is never seen then."""
    rows = (t_s >= start_s - 1e-9) & (t_s <= stop_s + 1e-9)
    pts = feet[rows, foot, HEEL]
    pts = pts[np.isfinite(pts).all(axis=1)]
    return np.median(pts, axis=0) if len(pts) else None


def analyze_steps(
    events: list[Event],
    feet: np.ndarray,
    t_s: np.ndarray,
    scale: ScaleModel,
    walk_axis_px: np.ndarray,
    options: StepOptions = StepOptions(),
    bouts_s: tuple[tuple[float, float], ...] = (),
) -> StepSummary:
    """Steps and spatiotemporal metrics.

    Args:
        events: contact/lift events sorted by time (see :mod:`vision.gait.events`).
        feet: (T, 2, >=2, 2) foot points px [left, right] x [heel, toe, ...] x (x, y).
        t_s: (T,) frame times, seconds.
        scale: pixels-to-metres model; without a metric scale lengths are in body heights.
        walk_axis_px: (2,) unit travel direction in the image (side views: (1, 0)).
        bouts_s: (start, end) s of the bouts of walking with the standing around them (see
            :class:`vision.gait.bouts.BoutSpan`): a contact after a bout's start begins a new
            bout whatever the time since the one before (a turn, an exit and re-entry), and a
            stance whose lift is not seen ends with its bout; a pause longer than
            ``options.max_step_s`` starts a bout too.
    """
    out = StepSummary(metric=scale.metric)
    t_end = float(t_s[-1]) if len(t_s) else 0.0
    stances = {
        f: _within_bouts(stance_intervals(events, f, t_end), bouts_s) for f in ("left", "right")
    }
    # A foot already down when the view begins has a footprint too (its landing was not seen):
    # the step that lands next is measured from it.
    prints: dict[str, list[tuple[float, float, np.ndarray | None]]] = {
        f: [
            (a, b, footprint_px(feet, t_s, k, a, b))
            for a, b in _within_bouts(
                _seen_stances(events, f, t_end, tuple(a for a, _ in bouts_s)), bouts_s
            )
        ]
        for k, f in enumerate(FEET)
    }
    scale = scale.with_walk_line(
        np.array([p[2] for f in prints.values() for p in f if p[2] is not None]).reshape(-1, 2)
    )
    contacts = [e for e in events if e.type == "contact"]
    bout = 0
    prev: Event | None = None
    for e in contacts:
        started = prev is not None and any(prev.t_s < b <= e.t_s for b, _ in bouts_s)
        if prev is not None and (started or e.t_s - prev.t_s > options.max_step_s):
            bout += 1
            prev = None
        other = other_foot(e.foot)
        mine = next((p for p in prints[e.foot] if abs(p[0] - e.t_s) < 1e-6), None)
        # The other foot's footprint: its latest stance begun before this contact, and still
        # down when this contact's bout began (not one left behind before a turn or an exit).
        began = max((a for a, _ in bouts_s if a <= e.t_s), default=-np.inf)
        theirs = [p for p in prints[other] if p[0] < e.t_s and p[1] >= began]
        length = length_bh = None
        if mine is not None and mine[2] is not None and theirs and theirs[-1][2] is not None:
            pair = np.stack([theirs[-1][2], mine[2]])
            length = float(abs(np.diff(scale.along_walk(pair, walk_axis_px))[0]))
            if not scale.metric:
                length_bh = length
            elif scale.estimated_height_m:
                length_bh = length / scale.estimated_height_m
        if prev is not None:
            duration = e.t_s - prev.t_s
        else:
            lifts = [
                x.t_s for x in events if x.foot == e.foot and x.type == "lift" and x.t_s < e.t_s
            ]
            duration = e.t_s - lifts[-1] if lifts else float("nan")
        out.steps.append(StepRecord(e.foot, e.t_s, e.frame, duration, length, length_bh, bout))
        prev = e
    _mark_steady(out.steps)
    lifts = sorted(e.t_s for e in events if e.type == "lift")
    _summarise(out, stances, lifts, feet, t_s, scale, walk_axis_px, options)
    return out


def _within_bouts(
    stances: list[tuple[float, float]], bouts_s: tuple[tuple[float, float], ...]
) -> list[tuple[float, float]]:
    """``stances`` (start, end) s, each ending no later than the end of the bout it begins in
    (or, begun between bouts, of the next one): a last stance whose lift was not seen would
    otherwise run on through the turn or exit after its bout, and its footprint with it. A
    stance begun before the view (start -inf) starts with its bout."""
    out = []
    for a, b in stances:
        if not np.isfinite(a):  # down when the view began: from its bout's start
            a = max((start for start, _ in bouts_s if start <= b), default=a)
        ends = [end for _, end in bouts_s if end >= a]
        out.append((a, max(a, min(b, ends[0])) if ends else b))
    return out


def cadence_standard_error(step_times_s: list[float]) -> tuple[float, int] | None:
    """Standard error (steps/min) of a cadence read from these step times (s), from their own
    per-step cadences (60 / step time), and its degrees of freedom; None for fewer than two."""
    return mean_standard_error([60.0 / d for d in step_times_s if d > 0])


def _feet_midpoint_px(
    feet: np.ndarray, t_s: np.ndarray, t: float, within_s: float
) -> np.ndarray | None:
    """(2,) midpoint of the two heels in the frame nearest ``t`` (a contact, both feet down)
    where both are seen, looking no further than ``within_s`` away (both feet stay down for the
    double support after a contact); None where no such frame is."""
    near = np.flatnonzero(np.abs(t_s - t) <= within_s + 1e-9)
    for i in near[np.argsort(np.abs(t_s[near] - t), kind="stable")]:
        heels = feet[i, :, HEEL]
        if np.isfinite(heels).all():
            return heels.mean(axis=0)
    return None


def _mark_steady(steps: list[StepRecord]) -> None:
    for b in sorted({s.bout for s in steps}):
        idx = [i for i, s in enumerate(steps) if s.bout == b]
        keep = idx[1:-1] if len(idx) >= 4 else idx[1:]
        for i in keep:
            steps[i].steady = True


def _pooled_speed(
    steady: list[StepRecord],
    feet: np.ndarray,
    t_s: np.ndarray,
    scale: ScaleModel,
    walk_axis_px: np.ndarray,
    options: StepOptions,
) -> float | None:
    """Walking speed (m/s, or body heights/s): in each bout, the distance the feet's mid-point
    on the floor travels from its first to its last steady contact; pooled over the bouts as
    their total distance over their total time, so a pause, a turn or an exit between bouts is
    not walking. None where no bout has both feet seen at two steady contacts."""
    distance = duration = 0.0
    for b in sorted({s.bout for s in steady}):
        own = [s for s in steady if s.bout == b]
        t0, t1 = own[0].t_contact_s, own[-1].t_contact_s
        mids = [_feet_midpoint_px(feet, t_s, t, options.speed_read_s) for t in (t0, t1)]
        if t1 <= t0 or any(m is None for m in mids):
            continue
        pos = scale.along_walk(np.stack(mids), walk_axis_px)  # type: ignore[arg-type]
        distance += float(abs(pos[1] - pos[0]))
        duration += t1 - t0
    return distance / duration if duration > 0 else None


def _summarise(
    out: StepSummary,
    stances: dict[str, list[tuple[float, float]]],
    lifts: list[float],
    feet: np.ndarray,
    t_s: np.ndarray,
    scale: ScaleModel,
    walk_axis_px: np.ndarray,
    options: StepOptions,
) -> None:
    steady = [s for s in out.steps if s.steady and np.isfinite(s.duration_s)]
    if len(steady) < 2:
        out.findings.append(finding("steps.too_few_steady", n=len(steady)))
        return
    times = np.array([s.duration_s for s in steady])
    out.step_time_mean_s = step_period_s(steady, lifts, options)
    out.step_time_sd_s = float(times.std(ddof=1))
    out.cadence_spm = 60.0 / out.step_time_mean_s

    lengths = np.array([s.length for s in steady if s.length is not None], float)
    if lengths.size >= 2:
        out.step_length_mean = float(lengths.mean())
        out.step_length_sd = float(lengths.std(ddof=1))
        if out.step_length_mean > 0:  # feet that never moved apart have no CV
            out.step_length_cv_pct = 100.0 * out.step_length_sd / out.step_length_mean
        by_foot = {
            f: [s.length for s in steady if s.foot == f and s.length is not None]
            for f in ("left", "right")
        }
        if all(len(v) >= 2 for v in by_foot.values()):
            ml, mr = float(np.mean(by_foot["left"])), float(np.mean(by_foot["right"]))
            if ml + mr > 0:
                out.step_length_asymmetry_pct = 100.0 * abs(ml - mr) / (0.5 * (ml + mr))
    else:
        out.findings.append(finding("steps.no_step_length"))

    out.speed = _pooled_speed(steady, feet, t_s, scale, walk_axis_px, options)
    if out.speed is None:
        out.findings.append(finding("steps.no_speed"))

    # Stride times: same-foot contact to contact within a bout, steady steps only (the first
    # step starts from standing and the closing step only joins the feet).
    ends: list[float] = []  # each stride's closing contact, s
    strides: list[float] = []
    for f in ("left", "right"):
        own = [s for s in out.steps if s.foot == f and s.steady]
        pairs = [(a, b) for a, b in zip(own, own[1:], strict=False) if a.bout == b.bout]
        ends += [b.t_contact_s for _, b in pairs]
        strides += [b.t_contact_s - a.t_contact_s for a, b in pairs]
    out.n_strides = len(strides)
    if len(strides) >= options.min_strides_for_variability:
        sd = float(np.std(strides, ddof=1))
        out.stride_time_sd_ms = 1000.0 * sd
        out.stride_time_cv_pct = 100.0 * sd / float(np.mean(strides))
        # An outlier as cadence judges one: a misplaced contact, not a limp's rhythm.
        odd = sd_without_outlier(strides, options.outlier_k, options.outlier_floor_s)
        if odd is not None:
            out.stride_time_sd_without_outlier_ms = 1000.0 * odd[0]
            out.stride_outlier_t_s = ends[odd[1]]
    else:
        out.findings.append(
            finding(
                "steps.few_strides",
                min_strides=options.min_strides_for_variability,
                n=len(strides),
            )
        )

    # Double support: both feet resting, over the steady part of each bout (not the pauses,
    # turns or exits between them).
    spans = [
        [s.t_contact_s for s in steady if s.bout == b] for b in sorted({s.bout for s in steady})
    ]
    grid = np.concatenate([np.arange(ts[0], ts[-1], 0.002) for ts in spans])
    if grid.size:
        both = np.ones_like(grid, dtype=bool)
        for f in ("left", "right"):
            on = np.zeros_like(grid, dtype=bool)
            for a, b in stances[f]:
                on |= (grid >= a) & (grid < b)
            both &= on
        out.double_support_pct = 100.0 * float(both.mean())
