"""Parameters of a synthetic walk (the knobs of :func:`vision.synthetic.walker.simulate_walk`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WalkDirection = Literal["backward", "forward"]


@dataclass(frozen=True)
class Stumble:
    """A sudden drop of the hips at ``t_s`` seconds.

    ``fall=False``: the hips drop by ``drop_m`` metres within ~0.15 s and recover within ~0.6 s
    while walking goes on. ``fall=True``: the step in progress lands, walking stops and the hips
    sink to ``fall_hip_height_fraction`` of body height (sitting on the floor).
    """

    t_s: float
    drop_m: float = 0.12
    fall: bool = False
    fall_hip_height_fraction: float = 0.12


@dataclass(frozen=True)
class WalkParams:
    """A walk along the x axis of the world (metres, seconds, degrees).

    ``direction`` is where the person travels relative to where they face: "backward" means they
    face opposite to ``travel_sign`` (+1: travel toward +x, -1: toward -x). Step length is the
    distance along the walking line between the two feet at a contact. ``n_steps`` counts the
    full-length steps of each straight walk; a closing step (feet side by side, length 0) follows.
    ``distance_m``, when set, replaces ``n_steps`` by enough steps to cover it.

    ``asymmetry`` a (limp) makes the steps of the sound foot (landing while the ``limp_side`` foot
    carries the weight) a times shorter in length and time and the limp side's steps a times
    longer, so step-length asymmetry abs(L-R)/mean = 2a; the limp side's stance is also shorter.
    ``step_variability`` is the coefficient of variation (fraction) of step length and step time.
    ``lateral_lean_deg`` is positive toward the person's right. ``sway_ml_m`` is the peak-to-peak
    mediolateral excursion of the mid-hip across the walking line. ``turning`` adds a 180-degree
    turn on the spot after the walk and a walk back in the same mode.
    """

    body_height_m: float = 1.70
    step_length_m: float = 0.40
    cadence_spm: float = 100.0
    step_width_m: float = 0.14
    stance_fraction: float = 0.63
    trunk_flexion_deg: float = 4.0
    lateral_lean_deg: float = 0.0
    sway_ml_m: float = 0.03
    arm_swing_deg: float = 24.0
    foot_clearance_m: float = 0.04
    vertical_bounce_m: float = 0.025
    pelvis_rotation_deg: float = 8.0
    step_variability: float = 0.0
    asymmetry: float = 0.0
    limp_side: Literal["left", "right"] = "right"
    stumble: Stumble | None = None
    stand_before_s: float = 1.0
    stand_after_s: float = 1.0
    direction: WalkDirection = "backward"
    n_steps: int = 6
    distance_m: float | None = None
    turning: bool = False
    travel_sign: int = 1
    start_xy_m: tuple[float, float] = (0.0, 0.0)
    lead_foot: Literal["left", "right"] = "right"
    toe_angle_at_contact_deg: float = 20.0  # backward: toe-down pitch at contact
    heel_angle_at_contact_deg: float = 15.0  # forward: toe-up pitch at heel strike
    lift_angle_deg: float = 30.0  # forward: heel-up pitch at toe-off; backward: toe-up x 0.5
    seed: int = 0

    def validate(self) -> None:
        """Raise ``ValueError`` for parameters no walk can have."""
        checks = [
            (self.body_height_m > 0.8 and self.body_height_m < 2.5, "body_height_m in (0.8, 2.5)"),
            (self.step_length_m >= 0.05, "step_length_m >= 0.05"),
            (10.0 <= self.cadence_spm <= 220.0, "cadence_spm in [10, 220]"),
            (0.5 < self.stance_fraction < 0.9, "stance_fraction in (0.5, 0.9)"),
            (0.0 <= self.asymmetry < 0.5, "asymmetry in [0, 0.5)"),
            (0.0 <= self.step_variability < 0.3, "step_variability in [0, 0.3)"),
            (self.direction in ("backward", "forward"), "direction backward|forward"),
            (self.travel_sign in (1, -1), "travel_sign +1|-1"),
            (self.n_steps >= 1 or self.distance_m, "n_steps >= 1"),
            (self.stand_before_s >= 0 and self.stand_after_s >= 0, "standing times >= 0"),
            (self.lead_foot in ("left", "right"), "lead_foot left|right"),
            (self.limp_side in ("left", "right"), "limp_side left|right"),
        ]
        for ok, what in checks:
            if not ok:
                raise ValueError(f"invalid walk parameters: need {what}")

    @property
    def step_time_s(self) -> float:
        return 60.0 / self.cadence_spm

    @property
    def facing_sign(self) -> int:
        """+1 when the person faces +x."""
        return self.travel_sign if self.direction == "forward" else -self.travel_sign
