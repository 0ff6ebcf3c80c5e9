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

from vision.gait.scale import ScaleModel
from vision.result import Event
from vision.timeseries import frame_rate

TEST_DISTANCE_M = 3.0


@dataclass(frozen=True)
class ProtocolOptions:
    """Attributes:
    still_before_s: the subject must stand still at least this long before the start.
    still_speed_bh_s: below this pelvis speed (body heights/s) the subject stands still.
    first_move_bh: pelvis or foot displacement (body heights) from the standing position that
        counts as the first movement.
    line_margin_m: a foot resting less than this past the 3 m line may in truth rest short of
        it: the pose model's toe lies up to about 9 cm from the true toe of a resting shoe
        (bench/accuracy.py's rendered side walks), and the test then ends a step later (design
        choice).
    """

    still_before_s: float = 0.5
    still_speed_bh_s: float = 0.05
    first_move_bh: float = 0.01
    line_margin_m: float = 0.08


@dataclass
class TimedTest:
    """A timed test: ``time_s`` from ``start_s`` to ``stop_s`` (seconds, None where not
    measured); ``time_if_short_s``: the time had a foot read as resting just past the line
    rested short of it (None when no foot rested that close)."""

    time_s: float | None = None
    start_s: float | None = None
    stop_s: float | None = None
    time_if_short_s: float | None = None
    warnings: list[str] = field(default_factory=list)


def floor_progress_m(scale: ScaleModel, points_px: np.ndarray) -> np.ndarray:
    """(N,) distance in metres from the start line toward the far mark of (N, 2) floor pixels
    (2-point: along the line from point 1 to point 2; 4-point: floor x)."""
    if scale.homography is not None:
        return scale.floor_m(points_px)[:, 0]
    if scale.line_axis is None or scale.metres_per_pixel is None:
        raise ValueError("floor progress needs a floor calibration")
    return (points_px - scale.line_origin_px) @ scale.line_axis * scale.metres_per_pixel


def compute_test_3mbwt(
    feet: np.ndarray, pelvis: np.ndarray, t_s: np.ndarray, events: list[Event],
    scale: ScaleModel, options: ProtocolOptions = ProtocolOptions(),
) -> TimedTest:
    """Time the 3MBWT.

    Args:
        feet: (T, 2, >=2, 2) foot points px [left, right] x [heel, toe, ...] x (x, y).
        pelvis: (T, 2) mid-hip px.
        t_s: (T,) seconds.
        events: contact/lift events (a lift is a first movement too).
        scale: must come from a floor calibration.
    """
    out = TimedTest()
    if scale.method != "floor_calibration":
        out.warnings.append("3 m backward walk test needs a floor calibration (start line and "
                            "3 m line); test_3mbwt_s not measured")  # fmt: skip
        return out
    n = len(t_s)
    h = scale.body_height_px
    pts = feet[:, :, :2].reshape(n, 4, 2)
    ok = np.isfinite(pts).all(axis=(1, 2)) & np.isfinite(pelvis).all(axis=1)
    if ok.sum() < 3:
        out.warnings.append("3 m backward walk test: the feet are not seen")
        return out

    # First movement after standing still: the pelvis or a foot leaves its standing position.
    speed = np.linalg.norm(np.gradient(pelvis, t_s, axis=0), axis=1) / h
    still = ok & (speed < options.still_speed_bh_s)
    need = max(int(round(options.still_before_s * frame_rate(t_s))), 1)
    run, start_i = 0, None
    for i in range(n):
        run = run + 1 if still[i] else 0
        if run >= need:
            start_i = i
            break
    if start_i is None:
        out.warnings.append("3 m backward walk test: the recording must begin with the person "
                            "standing still on the start line")  # fmt: skip
        return out
    ref_p, ref_f = pelvis[start_i], pts[start_i]
    moved = None
    for i in range(start_i, n):
        if not ok[i]:
            continue
        d = max(np.linalg.norm(pelvis[i] - ref_p), np.linalg.norm(pts[i] - ref_f, axis=1).max())
        if d / h >= options.first_move_bh:
            moved = i
            break
    lifts = [e.t_s for e in events if e.type == "lift" and e.t_s >= t_s[start_i]]
    candidates = [t for t in ([t_s[moved]] if moved is not None else []) + lifts[:1]]
    if not candidates:
        out.warnings.append("3 m backward walk test: no movement after standing still")
        return out
    out.start_s = float(min(candidates))

    # Stop: the rear-most foot point (least progress) passes the 3 m line.
    prog = np.full((n, 4), np.nan)
    prog[ok] = floor_progress_m(scale, pts[ok].reshape(-1, 2)).reshape(-1, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without the feet stay NaN
        rear = np.nanmin(prog, axis=1)
    j = _first_reach(rear, TEST_DISTANCE_M, int(np.searchsorted(t_s, out.start_s, "right")))
    if j is None:
        out.warnings.append("3 m backward walk test: the rear-most foot never crossed the 3 m "
                            "line in view")  # fmt: skip
        return out
    out.stop_s = _crossing_s(rear, t_s, j, TEST_DISTANCE_M)
    out.time_s = out.stop_s - out.start_s
    _flag_foot_at_line(out, rear, t_s, j, options.line_margin_m)
    return out


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


def _flag_foot_at_line(out: TimedTest, rear: np.ndarray, t_s: np.ndarray, j: int,
                       margin_m: float) -> None:
    """When the line was crossed by the rear-most point coming to rest within ``margin_m`` past
    it (at row ``j``), which side of the line that foot rests on is within the landmarks'
    error: the time is the crossing as read, and ``time_if_short_s`` the time when the rear-most
    point is clearly past the line (the resting foot swinging on), with a warning."""
    beyond = TEST_DISTANCE_M + margin_m
    k = _first_reach(rear, beyond, j)
    # A point still short of the margin 0.3 s after the crossing is resting (a stance lasts
    # longer), not a swing slowing down past the line.
    if k is None or t_s[k] <= t_s[j] + 0.3:
        return
    out.time_if_short_s = _crossing_s(rear, t_s, k, beyond) - out.start_s
    out.warnings.append(
        f"3 m backward walk test: a foot came to rest within {100 * margin_m:.0f} cm past the 3 m "
        f"line at {out.stop_s:.2f} s, inside the landmarks' error; had it rested short of the "
        f"line, the test took {out.time_if_short_s:.2f} s, not {out.time_s:.2f} s")
