"""What the user tells the analysis: :class:`AnalysisOptions`."""

from __future__ import annotations

from dataclasses import dataclass, field

from vision.gait.direction import DirectionOptions
from vision.gait.events import EventOptions, check_detector
from vision.gait.posture import PostureOptions
from vision.gait.protocols import ProtocolOptions
from vision.gait.rhythm import RhythmOptions
from vision.gait.scale import FloorCalibration
from vision.gait.steps import StepOptions
from vision.gait.sway import StumbleOptions

PROTOCOLS = ("3mbwt",)


@dataclass(frozen=True)
class AnalysisOptions:
    """What the user tells the analysis.

    Attributes:
        height_cm: subject height, for metres when no floor calibration is given.
        calibration: floor points and their distance (see :class:`FloorCalibration`).
        protocol: None (free walk) or "3mbwt" (3 m backward walk test; needs ``calibration``).
        population: population preset for the assessment (kept with the result).
        event_detector: name in :data:`vision.gait.events.REGISTRY`; None chooses by view
            (:func:`vision.gait.events.default_detector`).
        event_cutoff_hz: low-pass cut-off of the landmarks used for events (after despiking).
        posture_cutoff_hz: low-pass cut-off for posture and sway.
        max_gap_s: pose gaps up to this long are interpolated.
        rhythm: how cadence is read from the trunk's sway in front and back views.
    """

    height_cm: float | None = None
    calibration: FloorCalibration | None = None
    protocol: str | None = None
    population: str = "general_adult"
    event_detector: str | None = None
    event_cutoff_hz: float = 12.0
    posture_cutoff_hz: float = 6.0
    max_gap_s: float = 0.25
    direction: DirectionOptions = field(default_factory=DirectionOptions)
    events: EventOptions | None = None
    steps: StepOptions = field(default_factory=StepOptions)
    posture: PostureOptions = field(default_factory=PostureOptions)
    protocol_options: ProtocolOptions = field(default_factory=ProtocolOptions)
    stumbles: StumbleOptions = field(default_factory=StumbleOptions)
    rhythm: RhythmOptions = field(default_factory=RhythmOptions)

    def validate(self) -> None:
        """Raise ``ValueError`` (or :class:`~vision.gait.scale.CalibrationError`) for options
        that cannot work."""
        if self.protocol is not None and self.protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {self.protocol!r}; known: {', '.join(PROTOCOLS)}")
        if self.event_detector is not None:
            check_detector(self.event_detector)
        if self.height_cm is not None and not 50.0 <= self.height_cm <= 250.0:
            raise ValueError(f"height_cm={self.height_cm} is outside 50-250 cm")
        if self.calibration is not None:
            self.calibration.validate()
