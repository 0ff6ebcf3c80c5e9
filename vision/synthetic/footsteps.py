"""Footstep plan: where and when each foot is planted.

A walk is planned as a list of foot placements (alternating feet) with their contact and lift
times. The kinematics in :mod:`vision.synthetic.walker` move each foot rigidly between its
placements, so a planted foot cannot slide.

Positions are world metres (x along the walking line, y lateral, z up); a placement's ``heel_xy``
is the back of the sole of the planted foot; yaw is radians from +x (the way the foot points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from vision.result import Foot, other_foot
from vision.synthetic.params import WalkParams


@dataclass
class Placement:
    """One planted foot, from ``contact_s`` (-inf: standing from the start) to ``lift_s``."""

    foot: str
    heel_xy: np.ndarray  # (2,) metres
    yaw_rad: float
    contact_s: float
    kind: str  # "initial" | "initiation" | "steady" | "closing" | "turn"
    segment: int  # index into FootstepPlan.segments
    lift_s: float = math.inf


@dataclass
class FootstepPlan:
    placements: list[Placement]
    segments: list[dict] = field(default_factory=list)  # start_s, end_s, direction, ...
    start_s: float = 0.0  # first movement (first lift)
    end_s: float = 0.0  # end of the clip
    fall_s: float | None = None


def side_by_side(centre_xy: np.ndarray, yaw_rad: float, width_m: float, foot: str) -> np.ndarray:
    """Heel point (2,) of ``foot`` standing beside the other, heels level about ``centre_xy``."""
    left = np.array([-math.sin(yaw_rad), math.cos(yaw_rad)])
    return centre_xy + (0.5 if foot == "left" else -0.5) * width_m * left


def _step_factors(p: WalkParams, foot: str) -> tuple[float, float]:
    """(length, time) multipliers of a step landing on ``foot`` from the limp asymmetry."""
    if p.asymmetry == 0:
        return 1.0, 1.0
    # The sound foot's swing happens while the limp side carries the weight: short and quick.
    sign = 1.0 if foot == p.limp_side else -1.0
    return 1.0 + sign * p.asymmetry, 1.0 + sign * p.asymmetry


def stance_fractions(p: WalkParams) -> dict[str, float]:
    """Per-foot stance fraction of the stride; the limp side stands for less of it."""
    sf = p.stance_fraction
    limp = sf - p.asymmetry * (sf - 0.5)
    sound = sf + 0.5 * p.asymmetry * (1.0 - sf)
    return {p.limp_side: limp, other_foot(p.limp_side): sound}


@dataclass
class _PlanState:
    """A plan in the making: where each foot rests, which foot moves next, and the clock."""

    pos: dict[str, np.ndarray]  # heel point (2,) of each foot, metres
    yaw: dict[str, float]
    foot: Foot  # the foot that moves next
    t: float  # time of the latest contact, seconds
    placements: list[Placement]


def plan_footsteps(p: WalkParams, foot_length_m: float, first_roll_s: float = 0.0) -> FootstepPlan:
    """Placements and segments of the whole walk described by ``p``.

    The first movement is at ``p.stand_before_s``; the leading foot then rolls for
    ``first_roll_s`` before it leaves the floor.
    """
    p.validate()
    rng = np.random.default_rng(p.seed)
    st = p.step_time_s
    sf = stance_fractions(p)
    facing = 0.0 if p.facing_sign > 0 else math.pi
    travel = np.array([float(p.travel_sign), 0.0])
    centre = np.asarray(p.start_xy_m, float)
    t0 = p.stand_before_s
    # First contact: the leading foot's swing from standing lasts one nominal swing.
    state = _standing_start(
        p, centre, facing, t0 + first_roll_s + 2.0 * (1.0 - sf[p.lead_foot]) * st
    )
    segments: list[dict] = [{"start_s": 0.0, "end_s": t0, "direction": "standing"}]
    n_steps = _steps_per_walk(p, foot_length_m)
    n_walks = 2 if p.turning else 1
    for walk in range(n_walks):
        seg_start = t0 if walk == 0 else state.t
        _plan_straight_walk(p, rng, state, n_steps, centre, travel, len(segments), walk == 0)
        segments.append({"start_s": seg_start, "end_s": state.t, "direction": p.direction})
        if walk + 1 < n_walks:
            centre = _plan_turn(p, state, facing, len(segments))
            segments.append(
                {"start_s": segments[-1]["end_s"], "end_s": state.t, "direction": "turning"}
            )
            facing += math.pi
            travel = -travel
    placements = state.placements
    fall_s = None
    if p.stumble is not None and p.stumble.fall:
        fall_s = p.stumble.t_s
        placements, segments = _cut_at_fall(placements, segments, fall_s)
    # Stances end where the same foot's next stance begins.
    _assign_lifts(placements, t0 + first_roll_s, st, sf)
    end = max(pl.contact_s for pl in placements) + p.stand_after_s
    if fall_s is None:
        segments.append({"start_s": segments[-1]["end_s"], "end_s": end, "direction": "standing"})
    else:
        segments.append({"start_s": fall_s, "end_s": end, "direction": "fallen"})
    return FootstepPlan(placements, segments, t0, end, fall_s)


def _steps_per_walk(p: WalkParams, foot_length_m: float) -> int:
    """Full-length steps of each straight walk: ``p.n_steps``, or enough to cover
    ``p.distance_m``."""
    if p.distance_m:
        # The trailing foot must pass the distance too, so count the foot length in.
        return max(1, math.ceil((p.distance_m + foot_length_m) / p.step_length_m))
    return p.n_steps


def _standing_start(
    p: WalkParams, centre: np.ndarray, facing: float, first_contact_s: float
) -> _PlanState:
    """Both feet side by side about ``centre`` from the start, the leading foot to move first."""
    lead = p.lead_foot
    pos = {f: side_by_side(centre, facing, p.step_width_m, f) for f in ("left", "right")}
    placements = [
        Placement(lead, pos[lead], facing, -math.inf, "initial", 0),
        Placement(other_foot(lead), pos[other_foot(lead)], facing, -math.inf, "initial", 0),
    ]
    return _PlanState(pos, {"left": facing, "right": facing}, lead, first_contact_s, placements)


def _plan_straight_walk(
    p: WalkParams,
    rng: np.random.Generator,
    state: _PlanState,
    n_steps: int,
    line_origin: np.ndarray,
    travel: np.ndarray,
    seg_index: int,
    first: bool,
) -> None:
    """``n_steps`` steps along the walking line through ``line_origin``, then a closing step
    that brings the feet side by side; the first step of the first walk lands at ``state.t``."""
    st = p.step_time_s
    for k in range(n_steps + 1):
        foot = state.foot
        closing = k == n_steps
        length_f, time_f = _step_factors(p, foot)
        noise_l, noise_t = rng.standard_normal(2) * p.step_variability
        length = 0.0 if closing else p.step_length_m * length_f * (1.0 + noise_l)
        if k > 0 or not first:
            state.t += float(st * time_f * (1.0 + noise_t))
        other_along = float((state.pos[other_foot(foot)] - line_origin) @ travel)
        lateral = side_by_side(line_origin, state.yaw[foot], p.step_width_m, foot)
        heel = lateral + (other_along + length) * travel
        kind = "closing" if closing else ("initiation" if k == 0 else "steady")
        state.placements.append(
            Placement(foot, heel, state.yaw[foot], float(state.t), kind, seg_index)
        )
        state.pos[foot] = heel
        state.foot = other_foot(foot)


def _plan_turn(p: WalkParams, state: _PlanState, facing: float, seg_index: int) -> np.ndarray:
    """A 180-degree turn on the spot in four steps; returns the centre it turns about."""
    st = p.step_time_s
    centre = 0.5 * (state.pos["left"] + state.pos["right"])
    n_turn = 4
    for j in range(1, n_turn + 1):
        foot = state.foot
        state.t += st
        # Both feet must end turned by the full 180 degrees.
        new_yaw = facing + math.pi * min(1.0, j / (n_turn - 1))
        heel = side_by_side(centre, new_yaw, p.step_width_m, foot)
        state.placements.append(Placement(foot, heel, new_yaw, state.t, "turn", seg_index))
        state.pos[foot], state.yaw[foot] = heel, new_yaw
        state.foot = other_foot(foot)
    return centre


def _cut_at_fall(
    placements: list[Placement], segments: list[dict], fall_s: float
) -> tuple[list[Placement], list[dict]]:
    """The plan up to a fall at ``fall_s``: the step in progress lands, then walking stops."""
    keep = next(
        (i for i, pl in enumerate(placements) if pl.contact_s > fall_s), len(placements) - 1
    )
    placements = placements[: keep + 1]
    segments = [s for s in segments if s["start_s"] < fall_s]
    segments[-1]["end_s"] = min(segments[-1]["end_s"], fall_s)
    return placements, segments


def _assign_lifts(
    placements: list[Placement],
    start_s: float,
    step_time_s: float,
    stance_fraction: dict[str, float],
) -> None:
    """Set each stance's lift time from the same foot's next contact (in place)."""
    n = len(placements)
    for i, pl in enumerate(placements):
        if i + 2 >= n:
            pl.lift_s = math.inf
            continue
        if i == 0:
            pl.lift_s = start_s
            continue
        t_next = placements[i + 2].contact_s
        # The standing trailing foot behaves as if it had landed one step before the lead foot.
        t_contact = pl.contact_s if i > 1 else placements[2].contact_s - step_time_s
        lift = t_contact + stance_fraction[pl.foot] * (t_next - t_contact)
        lift = max(lift, placements[i + 1].contact_s + 0.02)  # keep some double support
        lift = min(lift, t_next - 0.12)  # and a swing long enough to move the foot
        pl.lift_s = float(lift)
