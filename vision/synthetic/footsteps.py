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

from vision.result import other_foot
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


def plan_footsteps(p: WalkParams, foot_length_m: float, first_roll_s: float = 0.0) -> FootstepPlan:
    """Placements and segments of the whole walk described by ``p``.

    The first movement is at ``p.stand_before_s``; the leading foot then rolls for
    ``first_roll_s`` before it leaves the floor.
    """
    p.validate()
    rng = np.random.default_rng(p.seed)
    st = p.step_time_s
    sf = stance_fractions(p)
    n_steps = p.n_steps
    if p.distance_m:
        # The trailing foot must pass the distance too, so count the foot length in.
        n_steps = max(1, math.ceil((p.distance_m + foot_length_m) / p.step_length_m))
    facing = 0.0 if p.facing_sign > 0 else math.pi
    travel = np.array([float(p.travel_sign), 0.0])
    centre = np.asarray(p.start_xy_m, float)
    lead = p.lead_foot
    pos = {f: side_by_side(centre, facing, p.step_width_m, f) for f in ("left", "right")}
    yaw = {"left": facing, "right": facing}
    placements = [
        Placement(lead, pos[lead], facing, -math.inf, "initial", 0),
        Placement(other_foot(lead), pos[other_foot(lead)], facing, -math.inf, "initial", 0),
    ]
    t0 = p.stand_before_s
    segments: list[dict] = [{"start_s": 0.0, "end_s": t0, "direction": "standing"}]
    # First contact: the leading foot's swing from standing lasts one nominal swing.
    t = t0 + first_roll_s + 2.0 * (1.0 - sf[lead]) * st
    foot = lead
    n_walks = 2 if p.turning else 1
    for walk in range(n_walks):
        seg_index = len(segments)
        seg_start = t0 if walk == 0 else t
        line_origin = centre.copy()
        for k in range(n_steps + 1):
            closing = k == n_steps
            length_f, time_f = _step_factors(p, foot)
            noise_l, noise_t = rng.standard_normal(2) * p.step_variability
            length = 0.0 if closing else p.step_length_m * length_f * (1.0 + noise_l)
            if k > 0 or walk > 0:
                t += float(st * time_f * (1.0 + noise_t))
            other_along = float((pos[other_foot(foot)] - line_origin) @ travel)
            lateral = side_by_side(line_origin, yaw[foot], p.step_width_m, foot)
            heel = lateral + (other_along + length) * travel
            kind = "closing" if closing else ("initiation" if k == 0 else "steady")
            placements.append(Placement(foot, heel, yaw[foot], float(t), kind, seg_index))
            pos[foot] = heel
            foot = other_foot(foot)
        direction = p.direction
        segments.append({"start_s": seg_start, "end_s": t, "direction": direction})
        if walk + 1 < n_walks:
            seg_index = len(segments)
            centre = 0.5 * (pos["left"] + pos["right"])
            n_turn = 4
            for j in range(1, n_turn + 1):
                t += st
                # Both feet must end turned by the full 180 degrees.
                new_yaw = facing + math.pi * min(1.0, j / (n_turn - 1))
                heel = side_by_side(centre, new_yaw, p.step_width_m, foot)
                placements.append(Placement(foot, heel, new_yaw, t, "turn", seg_index))
                pos[foot], yaw[foot] = heel, new_yaw
                foot = other_foot(foot)
            segments.append({"start_s": segments[-1]["end_s"], "end_s": t, "direction": "turning"})
            facing += math.pi
            travel = -travel
    # Stances end where the same foot's next stance begins.
    fall_s = None
    if p.stumble is not None and p.stumble.fall:
        fall_s = p.stumble.t_s
        keep = next(
            (i for i, pl in enumerate(placements) if pl.contact_s > fall_s), len(placements) - 1
        )
        placements = placements[: keep + 1]
        segments = [s for s in segments if s["start_s"] < fall_s]
        segments[-1]["end_s"] = min(segments[-1]["end_s"], fall_s)
    _assign_lifts(placements, t0 + first_roll_s, st, sf)
    end = max(pl.contact_s for pl in placements) + p.stand_after_s
    if fall_s is None:
        segments.append({"start_s": segments[-1]["end_s"], "end_s": end, "direction": "standing"})
    else:
        segments.append({"start_s": fall_s, "end_s": end, "direction": "fallen"})
    return FootstepPlan(placements, segments, t0, end, fall_s)


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
