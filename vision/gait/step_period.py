"""The mean step time of a walk from its event times: a slope that weighs every event.

Used by :func:`vision.gait.steps.analyze_steps` for the cadence (see :func:`step_period_s`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vision.stats import outlier_limit

if TYPE_CHECKING:  # steps.py imports this module: its types are for annotations only
    from vision.gait.steps import StepOptions, StepRecord


def step_period_s(steady: list[StepRecord], lifts: list[float], options: StepOptions) -> float:
    """Mean step time (s): the least-squares slope of event time over step number, pooled over
    series that each keep their own offset: per bout, the steady steps' contacts (each counted
    with the contact that began it), and the ``lifts`` (s, time order) between them (one foot
    leaves the floor once per step). Each series is numbered by its own spacing (see
    :func:`_step_numbers`), so a missed event skips a number and an extra one leaves that series
    out. Events further from the line than ``options.outlier_k`` robust standard deviations (and
    ``options.outlier_floor_s``) are dropped and the slope taken again.

    The plain mean of the step times telescopes to (last contact - first contact) / n and so
    rests on two contact times; the slope weighs every event, and the lifts are as many again.
    Numbered among themselves, not against the contacts, the lifts stay in use where a contact
    is timed a quarter step late (past the next lift) or a contact is extra; and one such event,
    which pulls a slope over eight steps by several steps/min, is dropped. bench/accuracy.py
    prints the cadence error this leaves, per clip and view.
    """
    series: list[tuple[np.ndarray, np.ndarray]] = []
    for b in sorted({s.bout for s in steady}):
        own = [s for s in steady if s.bout == b]
        if len(own) < 2:
            continue
        t = np.asarray([own[0].t_contact_s - own[0].duration_s] + [s.t_contact_s for s in own])
        between = np.asarray([x for x in lifts if t[0] < x < t[-1]])
        for ts in (t, between):
            # The step from standing and the closing step are the worst timed: one of them
            # spaced off the rest leaves the others in use.
            for part in (ts, ts[1:], ts[:-1]):
                k = _step_numbers(part)
                if k is not None:
                    series.append((k, part))
                    break
    mean_step_s = float(np.mean([s.duration_s for s in steady]))
    if not series:
        return mean_step_s
    # Outliers are judged against a line they cannot pull: the median of the pairwise slopes (a
    # least-squares line leans toward an outlier and hides it). Each series sits at its mean
    # offset: a limp's long and short steps put the events at two offsets in turn, and a median
    # would pick one of them and call the other half outliers.
    robust = _median_slope(series)
    residuals = [ts - robust * k - np.mean(ts - robust * k) for k, ts in series]
    cut = outlier_limit(np.concatenate(residuals), options.outlier_k, options.outlier_floor_s)
    kept = [
        (k[np.abs(r) <= cut], ts[np.abs(r) <= cut])
        for (k, ts), r in zip(series, residuals, strict=True)
    ]
    refit = _pooled_slope(kept)
    return refit if refit is not None else mean_step_s


def _step_numbers(ts: np.ndarray) -> np.ndarray | None:
    """Step numbers (0, 1, ...) of successive event times ``ts`` (s) one step apart: a gap of
    0.6-1.6 times the median is the next step, 1.6-2.4 times skips one (an event missed); None
    for fewer than three events or any other gap (an extra event, or a pause)."""
    if len(ts) < 3:
        return None
    gaps = np.diff(ts)
    median = float(np.median(gaps))
    if not median > 0:
        return None
    ratio = gaps / median
    if ratio.min() < 0.6 or ratio.max() > 2.4:
        return None
    return np.concatenate([[0.0], np.cumsum(np.where(ratio < 1.6, 1.0, 2.0))])


def _median_slope(series: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Median over the series of the slopes (s per step) between every two of their events."""
    slopes = []
    for k, ts in series:
        i, j = np.triu_indices(len(ts), 1)
        slopes.append((ts[j] - ts[i]) / (k[j] - k[i]))
    return float(np.median(np.concatenate(slopes)))


def _pooled_slope(series: list[tuple[np.ndarray, np.ndarray]]) -> float | None:
    """Least-squares slope (s per step) of times over step numbers, ``(numbers, times)`` per
    series, one offset each; None when the times do not increase."""
    num = den = 0.0
    for k, ts in series:
        if len(ts) < 2:
            continue
        num += float(np.sum((k - k.mean()) * (ts - ts.mean())))
        den += float(np.sum((k - k.mean()) ** 2))
    return num / den if den > 0 and num > 0 else None
