"""Synthetic walkers with exact ground truth: kinematics, cameras, landmark noise, rendering."""

from vision.synthetic.params import Stumble, WalkParams
from vision.synthetic.truth import WalkTruth
from vision.synthetic.walker import simulate_walk

__all__ = ["Stumble", "WalkParams", "WalkTruth", "simulate_walk"]
