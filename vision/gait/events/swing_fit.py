"""Timing a foot's swing from its noisy position along the walking line.

A swing carries a foot from one resting place to the next. Where exactly it leaves and arrives
cannot be read off a speed threshold: the foot eases in and out, so a threshold fires while it
still glides (contacts early, lifts late) by about as much as the landmark noise. Fitting the
shape of the approach to rest (and of the departure from it) uses all the samples of that end of
the swing. The shape is a power law whose exponent is fitted too: a real heel strike stops
abruptly, a smooth (minimum-jerk) landing glides in; bench/accuracy.py measured both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.result import Event, Foot
from vision.timeseries import close_short_runs


@dataclass(frozen=True)
class SwingFit:
    """Lift and contact time (s) of one swing, the fit's RMS residual (track units), and whether
    the swing closes the walk (the foot comes to rest beside the other, not past it)."""

    lift_s: float
    contact_s: float
    rms: float
    closing: bool = False


ARRIVAL_POWERS = (1.0, 1.5, 2.0, 2.5, 3.0)


def fit_arrival(
    t: np.ndarray,
    x: np.ndarray,
    level: float,
    guess_s: float,
    search_s: float = 0.2,
    step_s: float = 0.004,
    powers: tuple[float, ...] = ARRIVAL_POWERS,
) -> tuple[float, float]:
    """Time (s) a decelerating approach reaches its resting ``level``, and the RMS residual.

    Model: ``x = level - A (tc - t)^p`` before ``tc``, ``level`` after, with ``A >= 0`` solved
    in closed form and ``p`` chosen among ``powers``: p = 1 is a foot that stops abruptly (a
    real heel strike), p = 3 one that glides in (the end of a minimum-jerk move). ``t``, ``x``
    should run from the swing's peak speed into the rest.
    """
    ok = np.isfinite(x)
    t, x = t[ok], x[ok]
    cands = np.arange(guess_s - search_s, guess_s + search_s + 1e-9, step_s)
    best = (np.inf, guess_s)
    for p in powers:
        r = np.clip(cands[:, None] - t[None, :], 0.0, None) ** p  # (C, N)
        gap = level - x  # >= 0 before arrival, ~0 after
        den = (r * r).sum(axis=1)
        amp = np.where(den > 0, (r * gap[None, :]).sum(axis=1) / np.where(den > 0, den, 1), 0)
        amp = np.clip(amp, 0.0, None)
        sse = ((gap[None, :] - amp[:, None] * r) ** 2).sum(axis=1)
        i = int(np.argmin(sse))
        if sse[i] < best[0]:
            best = (float(sse[i]), float(cands[i]))
    return best[1], float(np.sqrt(best[0] / max(len(t), 1)))


def fit_departure(
    t: np.ndarray,
    x: np.ndarray,
    level: float,
    guess_s: float,
    search_s: float = 0.2,
    step_s: float = 0.004,
    powers: tuple[float, ...] = ARRIVAL_POWERS,
) -> tuple[float, float]:
    """Time (s) a move leaves its resting ``level`` (an arrival seen backwards in time)."""
    tr, rms = fit_arrival(-t[::-1], -x[::-1], -level, -guess_s, search_s, step_s, powers)
    return -tr, rms


def fit_swing_ends(
    t: np.ndarray,
    x: np.ndarray,
    start_level: float,
    end_level: float,
    lift_guess_s: float,
    contact_guess_s: float,
    search_s: float = 0.2,
    powers: tuple[float, ...] = ARRIVAL_POWERS,
    lift_search_s: float | None = None,
) -> SwingFit:
    """Lift and contact of one swing, each from its own end of the movement (split at the
    swing's peak speed), so a brisk landing and a slow push-off are each fitted as they are."""
    ok = np.isfinite(x)
    t, x = t[ok], x[ok]
    v = np.gradient(x, t) * np.sign(end_level - start_level)
    inside = (t >= lift_guess_s) & (t <= contact_guess_s)
    peak = int(np.argmax(np.where(inside, v, -np.inf))) if inside.any() else len(t) // 2
    contact, rms_c = fit_arrival(
        t[peak:], x[peak:], end_level, contact_guess_s, search_s, powers=powers
    )
    lift, rms_l = fit_departure(
        t[: peak + 1],
        x[: peak + 1],
        start_level,
        lift_guess_s,
        lift_search_s or search_s,
        powers=powers,
    )
    return SwingFit(lift_s=lift, contact_s=contact, rms=max(rms_c, rms_l))


def same_swing(a: SwingFit, b: SwingFit, pair_s: float) -> bool:
    """Whether two point kinds' (heel's and toe's) swings are one swing of one foot.

    In walking only one foot is in the air at a time, so two swings whose airborne intervals
    [lift, contact] overlap for more than half the shorter one are the same swing, however far
    apart the two kinds' estimates of either end are (a slow, limping swing is timed loosely).
    Where an end is not seen, the other end's times (s) must agree within ``pair_s``.
    """
    ends = np.array([a.lift_s, a.contact_s, b.lift_s, b.contact_s])
    if np.isfinite(ends).all():
        shorter = min(a.contact_s - a.lift_s, b.contact_s - b.lift_s)
        if shorter > 0:
            overlap = min(a.contact_s, b.contact_s) - max(a.lift_s, b.lift_s)
            return bool(overlap > 0.5 * shorter)
    if np.isfinite([a.contact_s, b.contact_s]).all():
        return abs(a.contact_s - b.contact_s) <= pair_s
    return bool(np.isfinite([a.lift_s, b.lift_s]).all() and abs(a.lift_s - b.lift_s) <= pair_s)


def pair_swings(
    heel: list[SwingFit], toe: list[SwingFit], pair_s: float
) -> list[tuple[SwingFit | None, SwingFit | None]]:
    """(heel, toe) swing pairs of the same swing (see :func:`same_swing`), in time order; a
    swing seen by one kind only is paired with None."""
    out: list[tuple[SwingFit | None, SwingFit | None]] = []
    used: set[int] = set()
    for h in heel:
        cands = [j for j, f in enumerate(toe) if j not in used and same_swing(h, f, pair_s)]
        if not cands:
            out.append((h, None))
            continue
        j = cands[0]
        used.add(j)
        out.append((h, toe[j]))
    out += [(None, f) for j, f in enumerate(toe) if j not in used]
    return sorted(
        out, key=lambda p: min(np.nanmin([f.lift_s, f.contact_s]) for f in p if f is not None)
    )


def difference_noise(diff_s: np.ndarray) -> float:
    """Robust standard deviation (s) of per-swing differences between two kinds' estimates of
    one event (1.4826 x the median absolute deviation); NaN when none is known."""
    d = diff_s[np.isfinite(diff_s)]
    if d.size == 0:
        return float("nan")
    return 1.4826 * float(np.median(np.abs(d - np.median(d))))


def leading_kind(diff_s: np.ndarray, min_pairs: int = 3) -> int | None:
    """Which of two point kinds is consistently first, from per-swing differences ``diff_s``
    (second kind's time minus the first's, s; NaN where unknown): 0 or 1, or None when the
    median difference is within twice its standard error (the kinds move together, or too few
    swings to tell).

    A foot that lands on its toe lands toe first at every step; a difference that changes sign
    from swing to swing is timing noise, and picking the earlier estimate per swing would bias
    every event early by about that noise.
    """
    d = diff_s[np.isfinite(diff_s)]
    if d.size < min_pairs:
        return None
    med = float(np.median(d))
    # Standard error of a median: 1.25 sigma / sqrt(n).
    if abs(med) <= 2.0 * 1.2533 * difference_noise(d) / np.sqrt(d.size):
        return None
    return 1 if med < 0 else 0


def merge_kinds(
    times_s: tuple[float, float], kind: int | None, noise_s: float, earliest: bool
) -> float:
    """One event time (s) from two point kinds' estimates ``times_s`` (NaN: not seen).

    ``kind`` (see :func:`leading_kind`) is the walk's usual first (``earliest``) or last kind:
    its estimate is the event, unless the other kind's is earlier (later) by more than twice the
    walk's ``noise_s``, when that point really moved first (last) in this swing. With no usual
    kind, estimates within twice the noise measure one moment and are averaged, else the
    earliest (latest) is the foot's event.
    """
    a, b = times_s
    if not np.isfinite([a, b]).all():
        seen = [x for x in (a, b) if np.isfinite(x)]
        return seen[0] if seen else float("nan")
    extreme = min(a, b) if earliest else max(a, b)
    tol = 2.0 * noise_s if np.isfinite(noise_s) else 0.0
    if kind is None:
        return 0.5 * (a + b) if abs(a - b) <= tol else extreme
    chosen = times_s[kind]
    return extreme if abs(extreme - chosen) > tol else chosen


def moving_mask(
    v: np.ndarray, fps: float, fraction: float, min_speed: float, sign: float = 1.0
) -> np.ndarray:
    """(T,) where the track moves the ``sign`` way: its speed ``sign * v`` (track units per
    second) above ``fraction`` of the typical peak speed (95th percentile of ``|v|``) and never
    below ``min_speed`` (the noise floor); dips of up to 0.06 s inside a move are noise and
    closed."""
    peak = float(np.percentile(np.abs(v), 95)) if len(v) else 0.0
    moving = sign * v > max(fraction * peak, min_speed)
    return close_short_runs(moving, value=False, max_len=max(int(round(0.06 * fps)), 1))


def event_at(te: float, t_s: np.ndarray, frame_index: np.ndarray, foot: Foot, kind: str) -> Event:
    """The event of ``kind`` at time ``te`` (s), named for the first frame at or after it."""
    i = int(np.clip(np.searchsorted(t_s, te - 1e-9), 0, len(t_s) - 1))
    return Event(frame=int(frame_index[i]), t_s=round(float(te), 4), foot=foot, type=kind)  # type: ignore[arg-type]
