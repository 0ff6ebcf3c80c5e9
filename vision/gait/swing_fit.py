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


@dataclass(frozen=True)
class SwingFit:
    """Lift and contact time (s) of one swing, and the fit's RMS residual (track units)."""

    lift_s: float
    contact_s: float
    rms: float


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
    t: np.ndarray, x: np.ndarray, level: float, guess_s: float, search_s: float = 0.2,
    step_s: float = 0.004, powers: tuple[float, ...] = ARRIVAL_POWERS,
) -> tuple[float, float]:
    """Time (s) a move leaves its resting ``level`` (an arrival seen backwards in time)."""
    tr, rms = fit_arrival(-t[::-1], -x[::-1], -level, -guess_s, search_s, step_s, powers)
    return -tr, rms


def fit_swing_ends(
    t: np.ndarray, x: np.ndarray, start_level: float, end_level: float, lift_guess_s: float,
    contact_guess_s: float, search_s: float = 0.2,
    powers: tuple[float, ...] = ARRIVAL_POWERS, lift_search_s: float | None = None,
) -> SwingFit:
    """Lift and contact of one swing, each from its own end of the movement (split at the
    swing's peak speed), so a brisk landing and a slow push-off are each fitted as they are."""
    ok = np.isfinite(x)
    t, x = t[ok], x[ok]
    v = np.gradient(x, t) * np.sign(end_level - start_level)
    inside = (t >= lift_guess_s) & (t <= contact_guess_s)
    peak = int(np.argmax(np.where(inside, v, -np.inf))) if inside.any() else len(t) // 2
    contact, rms_c = fit_arrival(t[peak:], x[peak:], end_level, contact_guess_s, search_s,
                                 powers=powers)  # fmt: skip
    lift, rms_l = fit_departure(t[: peak + 1], x[: peak + 1], start_level, lift_guess_s,
                                lift_search_s or search_s, powers=powers)  # fmt: skip
    return SwingFit(lift_s=lift, contact_s=contact, rms=max(rms_c, rms_l))
