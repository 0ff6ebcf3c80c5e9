"""Cadence from the trunk's side-to-side sway: the stride's rhythm without the feet.

Walking moves the trunk over each stance foot in turn, so seen from the front or back the
midpoint of the hips and shoulders swings once to each side per stride (Perry and Burnfield:
the pelvis's lateral displacement is one cycle per stride). Its period is the stride time, and
cadence is two steps per period. The trunk is the pose model's steadiest part; the feet seen from
behind are its least steady (their depth is the model's guess along the line of sight), which is
why this rhythm is read there at all; bench/accuracy.py prints how its cadence compares with
the contacts' on front and back views (see :mod:`vision.gait.frontal_cadence` for the choice).

The period is the one of the sinusoid that, fitted together with a slow drift (a quadratic in
time: the walk's own path across the picture), best explains the sway over the walk. Fitting both
at once matters: a drift removed first takes part of a walk's few sway cycles with it and skews
the period, and the fewer cycles a walk holds, the more. Turning points would do worse still:
the first and last steps' weight shifts add some.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

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
    cadence_se_spm: standard error of ``cadence_spm`` as the person's cadence, steps per minute
        (see :func:`cadence_standard_error`); None when the walk holds fewer than three whole
        strides, too few to see how the strides vary.
    cadence_se_df: the degrees of freedom of ``cadence_se_spm`` (Welch-Satterthwaite: the
        strides' spread has two fewer than the whole strides read, the fit's part many), for a
        Student's t in place of the normal's 1.96 when the walk held only a few strides.
    """

    stride_s: float
    cadence_spm: float
    explained: float
    cadence_se_spm: float | None = None
    cadence_se_df: float | None = None

    def steps_over(self, duration_s: float) -> float:
        """Steps a walk of ``duration_s`` seconds (first movement to last contact) holds at this
        cadence."""
        return duration_s * self.cadence_spm / 60.0


def lateral_sway(xy: NDArray[np.floating]) -> np.ndarray:
    """(T,) image x of the trunk, pixels: the midpoint of the mid-hip and mid-shoulder of
    ``xy`` (T, 33, 2) landmark pixels; NaN where not seen. (The period needs no scale.)"""
    xy = np.asarray(xy, dtype=float)
    return 0.5 * (mid_hip(xy) + mid_shoulder(xy))[:, 0]


def sway_rhythm(
    xy: NDArray[np.floating],
    t_s: NDArray[np.float64],
    walk_s: tuple[float, float],
    options: RhythmOptions = RhythmOptions(),
) -> SwayRhythm | None:
    """The stride period of the trunk's sway over the walk ``walk_s`` (start, end seconds), from
    ``xy`` (T, 33, 2) landmark pixels at frame times ``t_s`` (T,) seconds. None when the walk is
    too short for ``options.min_strides`` periods or the sway is not periodic."""
    t = np.asarray(t_s, dtype=float)
    fps = frame_rate(t)
    rows = (t >= walk_s[0] + options.trim_s) & (t <= walk_s[1] - options.trim_s)
    x = lateral_sway(xy)[rows]
    ok = np.isfinite(x)
    if ok.sum() < options.min_strides * options.min_stride_s * fps:
        return None
    n = np.arange(x.size, dtype=float)
    x = np.interp(n, n[ok], x[ok])
    u = (n - n.mean()) / n.size
    drift = np.stack([np.ones_like(u), u, u * u], axis=1)
    base = float(np.sum(_residuals(drift, x) ** 2))
    if base <= 0:
        return None

    def unexplained(period: float) -> float:
        return float(np.sum(_residuals(_with_sinusoid(drift, period), x) ** 2))

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
    se = cadence_standard_error(x, drift, p, fps)
    return SwayRhythm(
        stride_s=stride,
        cadence_spm=120.0 / stride,
        explained=float(explained),
        cadence_se_spm=None if se is None else se[0],
        cadence_se_df=None if se is None else se[1],
    )


def cadence_standard_error(
    x: np.ndarray, drift: np.ndarray, period: float, fps: float
) -> tuple[float, float] | None:
    """Standard error (steps/min) of the cadence read from the sway ``x`` (N,), sampled at
    ``fps`` frames per second, at its best ``period`` (frames), and its degrees of freedom;
    ``drift`` (N, K) is the drift fitted with the sinusoid. None with fewer than three whole
    periods.

    Two parts, added in quadrature:

    * the fit's own precision: the curvature of the unexplained variance around its minimum
      (the period's variance is twice the residual variance over that curvature), the residual
      variance inflated by the residuals' lag-1 autocorrelation (neighbouring frames' errors are
      not independent);
    * the strides' own spread: the sinusoid's phase read over each whole period in turn gives
      each stride's duration; their SD over the square root of their number is how far another
      walk's mean stride would fall. The fit alone misses this: it reads the walk's own mean
      well, and a person's next walk differs by its strides' spread.

    Neither part is enough alone: the fit's part is too sure once the steps vary, and the
    strides' part is far too sure where two strides happen to be of equal length.
    bench/assess_repeatability.py prints, for front and back views, how the cadence's spread
    over repeated walks compares with this standard error (near 1: calibrated)."""
    n_periods = int(x.size // period)
    if n_periods < 3:
        return None
    n = np.arange(x.size, dtype=float)
    w = 2.0 * np.pi / period
    h = 0.01 * period
    res = _residuals(_with_sinusoid(drift, period), x)
    best = float(np.sum(res**2))
    above, below = (
        float(np.sum(_residuals(_with_sinusoid(drift, q), x) ** 2))
        for q in (period + h, period - h)
    )
    curvature = (above - 2.0 * best + below) / h**2
    if curvature <= 0:
        return None
    rho = float(np.clip(np.corrcoef(res[:-1], res[1:])[0, 1], 0.0, 0.99))
    n_params = drift.shape[1] + 3  # the drift, the sinusoid's two and its period
    var_fit = 2.0 * best / (x.size - n_params) / curvature * (1 + rho) / (1 - rho)
    # One whole period per window, centred in the walk; the phase of a fixed-frequency sinusoid
    # (with a local straight drift) in each.
    start = 0.5 * (x.size - n_periods * period)
    shifts = []
    for k in range(n_periods):
        a, b = int(round(start + k * period)), int(round(start + (k + 1) * period))
        m = n[a:b]
        local = np.column_stack([np.ones_like(m), m - m.mean(), np.sin(w * m), np.cos(w * m)])
        c = np.linalg.lstsq(local, x[a:b], rcond=None)[0]
        shifts.append(-np.arctan2(c[3], c[2]))
    strides = period + np.diff(np.unwrap(np.asarray(shifts))) / w
    var_strides = float(np.var(strides, ddof=1)) / strides.size
    # cadence = 120 fps / period: its slope against the period is 120 fps / period^2.
    se = 120.0 * fps / period**2 * float(np.sqrt(var_fit + var_strides))
    # The fit's part has hundreds of degrees of freedom: only the strides' part counts.
    df = (
        (var_fit + var_strides) ** 2 / (var_strides**2 / (strides.size - 1))
        if var_strides > 0
        else float("inf")
    )
    return se, float(df)


def _with_sinusoid(drift: np.ndarray, period: float) -> np.ndarray:
    """(N, K + 2) ``drift`` (N, K) with a sine and cosine of ``period`` samples beside it."""
    n = np.arange(len(drift), dtype=float)
    w = 2.0 * np.pi / period
    return np.column_stack([drift, np.sin(w * n), np.cos(w * n)])


def _residuals(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(N,) residuals of the least-squares fit of ``y`` (N,) on ``design`` (N, K)."""
    return y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
