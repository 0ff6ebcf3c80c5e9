"""Cadence from the trunk's side-to-side sway: the stride's rhythm without the feet.

Walking moves the trunk over each stance foot in turn, so seen from the front or back the
midpoint of the hips and shoulders swings once to each side per stride (Perry and Burnfield:
the pelvis's lateral displacement is one cycle per stride). Its period is the stride time, and
cadence is two steps per period. The trunk is the pose model's steadiest part; the feet seen from
behind are its least steady (their depth follows the truth with a correlation of about 0.4 on
bench/accuracy.py's rendered back views), and on that bench's rendered front and back walks this
rhythm timed the walk better than the contacts did.

The period is the one of the sinusoid that, fitted together with a slow drift (a quadratic in
time: the walk's own path across the picture), best explains the sway over the walk. Fitting both
at once matters: a drift removed first takes part of a walk's few sway cycles with it and skews
the period (by up to 5% on the synthetic walks, where the joint fit is within 1.3%). Turning
points would do worse still: the first and last steps' weight shifts add some.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.gait.body import mid_hip, mid_shoulder
from vision.timeseries import frame_rate


@dataclass(frozen=True)
class RhythmOptions:
    """Attributes:
    trim_s: left out at each end of the walk, seconds (the first and last steps shift the
        weight further than a walking stride does).
    min_stride_s, max_stride_s: the stride times looked for, seconds (200 to 50 steps/min).
    min_strides: the trimmed walk must hold at least this many periods.
    min_explained: the sinusoid must explain at least this fraction of the drift-free sway's
        variance, else the sway has no rhythm to read.
    """

    trim_s: float = 0.5
    min_stride_s: float = 0.6
    max_stride_s: float = 2.4
    min_strides: float = 2.0
    min_explained: float = 0.3


@dataclass(frozen=True)
class SwayRhythm:
    """Attributes:
    stride_s: the sway's period, seconds per stride.
    cadence_spm: two steps per stride, steps per minute.
    explained: the fraction of the drift-free sway's variance the sinusoid explains (1: a pure
        sinusoid).
    """

    stride_s: float
    cadence_spm: float
    explained: float

    def steps_over(self, duration_s: float) -> float:
        """Steps a walk of ``duration_s`` seconds (first movement to last contact) holds at this
        cadence."""
        return duration_s * self.cadence_spm / 60.0


def lateral_sway(image: np.ndarray) -> np.ndarray:
    """(T,) image x of the trunk, pixels: the midpoint of the mid-hip and mid-shoulder of
    ``image`` (T, 33, >=2) pixels; NaN where not seen. (The period needs no scale.)"""
    xy = np.asarray(image, dtype=float)[:, :, :2]
    return 0.5 * (mid_hip(xy) + mid_shoulder(xy))[:, 0]


def sway_rhythm(image: np.ndarray, t_s: np.ndarray, walk_s: tuple[float, float],
                options: RhythmOptions = RhythmOptions()) -> SwayRhythm | None:
    """The stride period of the trunk's sway over the walk ``walk_s`` (start, end seconds), from
    ``image`` (T, 33, >=2) pixels at frame times ``t_s`` (T,). None when the walk is too short
    for ``options.min_strides`` periods or the sway is not periodic."""
    t = np.asarray(t_s, dtype=float)
    fps = frame_rate(t)
    rows = (t >= walk_s[0] + options.trim_s) & (t <= walk_s[1] - options.trim_s)
    x = lateral_sway(image)[rows]
    ok = np.isfinite(x)
    if ok.sum() < options.min_strides * options.min_stride_s * fps:
        return None
    n = np.arange(x.size, dtype=float)
    x = np.interp(n, n[ok], x[ok])
    u = (n - n.mean()) / n.size
    drift = np.stack([np.ones_like(u), u, u * u], axis=1)
    base = _residual(drift, x)
    if base <= 0:
        return None

    def unexplained(period: float) -> float:
        w = 2.0 * np.pi / period
        return _residual(np.column_stack([drift, np.sin(w * n), np.cos(w * n)]), x)

    lo = options.min_stride_s * fps
    hi = min(options.max_stride_s * fps, x.size / options.min_strides)
    if hi <= lo:
        return None
    # A quarter-frame grid, then a fiftieth of a frame around its best.
    coarse = np.arange(lo, hi, 0.25)
    k = int(np.argmin([unexplained(q) for q in coarse]))
    if k in (0, coarse.size - 1):
        # Best at an end of the range: a drift slower than any stride (a hand-held camera's
        # sway, say) or a jitter faster, not a walking rhythm.
        return None
    p = coarse[k]
    fine = np.arange(p - 0.25, p + 0.25, 0.02)
    errs = [unexplained(q) for q in fine]
    p = float(fine[int(np.argmin(errs))])
    explained = 1.0 - min(errs) / base
    if explained < options.min_explained:
        return None
    stride = p / fps
    return SwayRhythm(stride_s=stride, cadence_spm=120.0 / stride, explained=float(explained))


def _residual(design: np.ndarray, y: np.ndarray) -> float:
    """Sum of squared residuals of the least-squares fit of ``y`` (N,) on ``design`` (N, K)."""
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    return float(np.sum((y - design @ coef) ** 2))
