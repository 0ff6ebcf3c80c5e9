"""Clinical test protocols timed from landmarks: the 3 m backward walk test (3MBWT).

3MBWT (Carter et al., J Geriatr Phys Ther 2019): the person stands on the start line, walks
backward 3 m on "go"; the time runs from the first movement to the moment the rear-most foot
point crosses the 3 m line. Needs a floor calibration whose first point (or first line) is the
start line and which runs toward the 3 m line. Every ``compute_*`` returns the value or None
plus the reason in words.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from vision.findings import Finding, finding, messages
from vision.gait.first_movement import MovementOptions, movement_after_standing
from vision.gait.scale import ScaleModel
from vision.result import Event
from vision.timeseries import frame_rate, segment_median

TEST_DISTANCE_M = 3.0


@dataclass(frozen=True)
class ProtocolOptions:
    """Attributes:
    movement: standing still before the start, and the first movement that starts the clock
        (see :class:`~vision.gait.first_movement.MovementOptions`).
    line_margin_m: a foot resting less than this from the 3 m line may in truth rest on its
        other side: the pose model's toe lies some centimetres from the true toe of a resting
        shoe, and the test then ends a step later or earlier (design choice; bench/accuracy.py
        marks the test times whose result says a foot rested at the line).
    """

    movement: MovementOptions = field(default_factory=MovementOptions)
    line_margin_m: float = 0.08


@dataclass
class TimedTest:
    """A timed test: ``time_s`` from ``start_s`` to ``stop_s`` (seconds, None where not
    measured); ``time_if_short_s`` (``time_if_past_s``): the time had a foot read as resting
    just past (short of) the line rested on its other side (None when no foot rested that
    close)."""

    time_s: float | None = None
    start_s: float | None = None
    stop_s: float | None = None
    time_if_short_s: float | None = None
    time_if_past_s: float | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The findings' messages."""
        return messages(self.findings)


def floor_progress_m(
    scale: ScaleModel, points_px: np.ndarray, height_m: float | None = None
) -> np.ndarray:
    """(N,) distance in metres from the start line toward the far mark of (N, 2) image foot
    points (2-point: along the line from point 1 to point 2; 4-point: floor x, the points
    placed ``height_m`` above the floor, see :meth:`ScaleModel.floor_m`)."""
    if scale.homography is not None:
        return scale.floor_m(points_px, height_m)[:, 0]
    if scale.line_axis is None or scale.metres_per_pixel is None:
        raise ValueError("floor progress needs a floor calibration")
    return (points_px - scale.line_origin_px) @ scale.line_axis * scale.metres_per_pixel


def compute_test_3mbwt(
    feet: np.ndarray,
    body: tuple[np.ndarray, np.ndarray],
    t_s: np.ndarray,
    events: list[Event],
    scale: ScaleModel,
    options: ProtocolOptions = ProtocolOptions(),
) -> TimedTest:
    """Time the 3MBWT.

    Args:
        feet: (T, 2, >=2, 2) foot points px [left, right] x [heel, toe, ...] x (x, y).
        body: the pelvis and foot points and the rows where all are seen, as
            :func:`~vision.gait.first_movement.body_points` gives them (the analysis passes the
            ones its walk start reads, so the clock starts at the same reading).
        t_s: (T,) seconds.
        events: contact/lift events (a lift is a first movement too).
        scale: must come from a floor calibration.
    """
    out = TimedTest()
    if scale.method != "floor_calibration":
        out.findings.append(finding("protocol.3mbwt.no_calibration"))
        return out
    points, ok = body
    if ok.sum() < 3:
        out.findings.append(finding("protocol.3mbwt.feet_unseen"))
        return out

    # First movement after standing still: the pelvis or a foot leaves where it stood.
    fps = frame_rate(t_s)
    still, moved = movement_after_standing(points, ok, fps, options.movement)
    if still is None:
        out.findings.append(finding("protocol.3mbwt.no_standing_start"))
        return out
    start_i = still[0]
    lifts = [e.t_s for e in events if e.type == "lift" and e.t_s >= t_s[start_i]]
    candidates = ([t_s[moved]] if moved is not None else []) + lifts[:1]
    if not candidates:
        out.findings.append(finding("protocol.3mbwt.no_movement"))
        return out
    out.start_s = float(min(candidates))

    # Stop: the rear-most foot point (least progress) passes the 3 m line.
    trail, lead = _trail_and_lead(scale, feet, ok)
    # A point in the air reads further from the camera than it is when the floor is seen at an
    # angle (a 4-point calibration: front, back, oblique views), and the line is crossed in the
    # air: there the crossing is placed within the swing from where the foot rested before and
    # after it, wherever the swings seen allow. Along a side view's line, height does not move a
    # point: there, and where the swings cannot say, the rear-most point's own reading decides.
    # One way or the other for every line, so the at-the-line check compares like with like.
    swings = (
        _swing_rests(trail, lead, t_s, events, out.start_s) if scale.camera is not None else None
    )
    if swings is not None and _swing_crossing_s(*swings, TEST_DISTANCE_M) is None:
        swings = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without the feet
        rear = np.nanmin(trail, axis=1)
    after = int(np.searchsorted(t_s, out.start_s, "right"))

    def stop_at(level: float) -> float | None:
        if swings is not None:
            return _swing_crossing_s(*swings, level)
        j = _first_reach(rear, level, after)
        return None if j is None else _crossing_s(rear, t_s, j, level)

    stop = stop_at(TEST_DISTANCE_M)
    if stop is None:
        out.findings.append(finding("protocol.3mbwt.line_not_crossed"))
        return out
    out.stop_s = stop
    out.time_s = out.stop_s - out.start_s
    margin = options.line_margin_m
    _flag_foot_at_line(
        out, stop_at(TEST_DISTANCE_M + margin), stop_at(TEST_DISTANCE_M - margin), margin
    )
    return out


def _trail_and_lead(
    scale: ScaleModel, feet: np.ndarray, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(T, 2) progress (m) of the hindmost and the foremost foot's [heel, toe] points, NaN where
    the feet are not seen (``ok`` False). Heel and toe points sit at different heights above the
    floor, which matters where the floor is seen at an angle."""
    n = len(feet)
    prog = np.full((n, 2, 2), np.nan)
    for k, height in ((0, scale.heel_height_m), (1, scale.toe_height_m)):
        prog[ok, :, k] = floor_progress_m(
            scale, feet[ok][:, :, k, :2].reshape(-1, 2), height
        ).reshape(-1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without the feet stay NaN
        return np.nanmin(prog, axis=1), np.nanmax(prog, axis=1)


def _swing_rests(
    trail: np.ndarray, lead: np.ndarray, t_s: np.ndarray, events: list[Event], after_s: float
) -> tuple[list[tuple[float, float]], np.ndarray] | None:
    """The swings seen in ``events`` after ``after_s`` as (lift, contact) times (s), and where
    each foot rested around them: (2 kinds, swings + 2) progress (m) of [heel, toe]; None when
    the events are not one swing after another.

    ``trail``/``lead`` (T, 2) are the hindmost and foremost feet's [heel, toe] progress. Each
    swing carries the hindmost foot from where it landed two swings before to the front, where
    ``lead`` reads its landing place just after the contact; before the first swing the feet
    stand side by side (``trail`` and ``lead``). Rests are read away from the ends of a swing,
    as the foot rolls off before it leaves and onto its heel after it lands.
    """
    swings: list[tuple[float, float]] = []
    for lift in sorted(
        (e for e in events if e.type == "lift" and e.t_s >= after_s), key=lambda e: e.t_s
    ):
        # The same foot's next contact: a lift timed a little early can come before the other
        # foot's contact.
        tc = min(
            (
                e.t_s
                for e in events
                if e.type == "contact" and e.foot == lift.foot and e.t_s > lift.t_s
            ),
            default=None,
        )
        if tc is None:
            break
        swings.append((lift.t_s, tc))
    if not swings or any(b[1] < a[1] for a, b in zip(swings, swings[1:], strict=False)):
        return None

    def rest(x: np.ndarray, a_s: float, b_s: float) -> float:  # median over a < t <= b
        return segment_median(x, *np.searchsorted(t_s, [a_s, b_s], side="right"))

    t0 = swings[0][0]
    rests = np.array(
        [
            [rest(trail[:, k], t0 - 0.35, t0 - 0.1), rest(lead[:, k], t0 - 0.35, t0 - 0.1)]
            + [rest(lead[:, k], tc + 0.05, tc + 0.2) for _, tc in swings]
            for k in range(trail.shape[1])
        ]
    )
    return swings, rests


def _swing_crossing_s(
    swings: list[tuple[float, float]], rests: np.ndarray, level: float
) -> float | None:
    """When the rear-most foot point passed ``level`` (m), placed within the swing that carried
    it there (see :func:`_swing_rests`); None when the swings cannot say.

    The rear-most point passes ``level`` in the swing whose foot rested short of the level while
    the other foot's place and its own landing place are past it. Within the swing the foot is
    taken to follow a minimum-jerk profile (Flash & Hogan, J Neurosci 1985), the usual model of
    a point-to-point limb movement. Each point kind gives a time, and the later one is when every
    point had passed.
    """
    crossed = []
    for kind in rests:
        for n_swing, (tl, tc) in enumerate(swings):
            start, other, end = kind[n_swing : n_swing + 3]
            if not np.isfinite([start, other, end]).all() or start >= level:
                return None  # a rest not seen, or passed without a swing seen
            if min(other, end) >= level:
                share = (level - start) / (end - start)
                crossed.append(tl + (tc - tl) * _min_jerk_time(share))
                break
        else:
            return None
    return max(crossed)


def _min_jerk_time(share: float) -> float:
    """Fraction of a minimum-jerk move's duration at which it has covered ``share`` (0-1) of
    its distance: the inverse of 10 u^3 - 15 u^4 + 6 u^5."""
    u = np.linspace(0.0, 1.0, 1001)
    return float(np.interp(np.clip(share, 0.0, 1.0), 10 * u**3 - 15 * u**4 + 6 * u**5, u))


def _first_reach(progress: np.ndarray, level: float, start: int) -> int | None:
    """First row from ``start`` on where ``progress`` (T,) m reaches ``level`` m, or None."""
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(progress[start:] >= level)
    return start + int(rows[0]) if rows.size else None


def _crossing_s(progress: np.ndarray, t_s: np.ndarray, j: int, level: float) -> float:
    """When ``progress`` (T,) m passed ``level`` m, first reached at row ``j``: interpolated
    from the row before where that is known."""
    if j > 0 and np.isfinite(progress[j - 1]) and progress[j] != progress[j - 1]:
        return float(np.interp(level, [progress[j - 1], progress[j]], [t_s[j - 1], t_s[j]]))
    return float(t_s[j])


def _flag_foot_at_line(
    out: TimedTest, stop_past_s: float | None, stop_short_s: float | None, margin_m: float
) -> None:
    """When the rear-most point came to rest within ``margin_m`` of the line, which side of the
    line that foot rests on is within the landmarks' error. The time stays the crossing as
    read; the other one, with a warning, is ``time_if_short_s`` for a foot read just past the
    line (the crossing of the line ``margin_m`` further on, ``stop_past_s``: that foot swinging
    on) and ``time_if_past_s`` for one read just short of it (the crossing of the line
    ``margin_m`` nearer, ``stop_short_s``: the other foot passing the line)."""
    start_s, stop_s = out.start_s, out.stop_s
    if start_s is None or stop_s is None:  # a test not timed end to end has no line to flag
        return
    # A crossing of the other line within 0.3 s of the crossing is one swing passing both lines,
    # not a foot resting between them (a stance lasts longer).
    if stop_past_s is not None and stop_past_s > stop_s + 0.3:
        out.time_if_short_s = stop_past_s - start_s
        side, other = "past", out.time_if_short_s
    elif stop_short_s is not None and stop_short_s < stop_s - 0.3:
        out.time_if_past_s = stop_short_s - start_s
        side, other = "short of", out.time_if_past_s
    else:
        return
    had = "short of" if side == "past" else "past"
    out.findings.append(
        finding(
            "protocol.3mbwt.foot_at_line",
            margin_cm=100 * margin_m,
            side=side,
            had=had,
            other_s=other,
            time_s=out.time_s,
        )
    )
