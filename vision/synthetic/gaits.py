"""Walks that look like walking but are not ordinary steps: a slide and a shuffle.

A sliding walk (a moonwalk, skating) moves each foot along the floor without lifting it: no
clearance and no roll over the heel or toe. A shuffling walk takes short, low steps that still
leave the floor: a centimetre of clearance and a small roll (the gait of a cautious older
walker). The first must give no steps, the second all of them.
"""

from __future__ import annotations

from dataclasses import replace

from vision.synthetic.params import WalkParams


def sliding_walk(params: WalkParams | None = None) -> WalkParams:
    """``params`` (default: a walk of eight steps) with feet that slide instead of stepping."""
    return replace(
        params or WalkParams(n_steps=8),
        foot_clearance_m=0.0,
        toe_angle_at_contact_deg=0.0,
        heel_angle_at_contact_deg=0.0,
        lift_angle_deg=0.0,
    )


def shuffling_walk(params: WalkParams | None = None, step_length_m: float = 0.2) -> WalkParams:
    """``params`` (default: eight steps at 90 steps/min) as a shuffle: steps of
    ``step_length_m`` (0.15-0.25 m), 1 cm of clearance and half the usual roll."""
    base = params or WalkParams(n_steps=8, cadence_spm=90.0)
    return replace(
        base,
        step_length_m=step_length_m,
        foot_clearance_m=0.01,
        toe_angle_at_contact_deg=0.5 * base.toe_angle_at_contact_deg,
        heel_angle_at_contact_deg=0.5 * base.heel_angle_at_contact_deg,
        lift_angle_deg=0.5 * base.lift_angle_deg,
    )
