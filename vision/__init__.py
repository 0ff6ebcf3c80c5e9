"""retrogait.vision: pixels to numbers for backward-walking gait analysis.

A library: functions take arrays and dataclasses and return dataclasses. Nothing here imports
``service``.
"""

__version__ = "0.1.0"
