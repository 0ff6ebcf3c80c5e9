"""Population presets, protocols and the published cut-offs the assessment rests on.

Every threshold here carries its source. A threshold with no published source is marked
``design_choice=True`` and is reported as such in results and in docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Protocol = Literal["free_backward", "3mbwt", "forward"]
PROTOCOLS: tuple[str, ...] = ("free_backward", "3mbwt", "forward")
PROTOCOL_LABELS: dict[str, str] = {
    "free_backward": "free backward walk (self-coaching or practice)",
    "3mbwt": "3 m backward walk test (timed from the start line to the 3 m line)",
    "forward": "forward walk (comparison walk)",
}

SCREENING_STATEMENT = (
    "screening aid, not a diagnosis: no single walking measure predicts falls well "
    "(published AUCs 0.65-0.76), so discuss any flag with a clinician"
)
DESIGN_CHOICE = "design choice"

CARTER_2019 = "Carter et al., J Geriatr Phys Ther 2019 (community-dwelling older adults)"
CARTER_2020_PD = (
    "Carter et al., Top Geriatr Rehabil 2020, doi 10.1097/TGR.0000000000000272 "
    "(Parkinson's disease, AUC 0.70)"
)
POLO_FERRERO_2025 = (
    "Polo-Ferrero et al., J Funct Morphol Kinesiol 2025, doi 10.3390/jfmk10020154 "
    "(older adults; sensitivity 59.5 %, specificity 68.6 %, AUC 0.655)"
)
KAPAN_2025 = "Kapan et al., JAMDA 2025, doi 10.1016/j.jamda.2025.105580 (nursing homes)"
FRITZ_2013 = (
    "Fritz et al., Gait Posture 2013, doi 10.1016/j.gaitpost.2012.09.022 "
    "(all older fallers walked backward slower than 0.6 m/s)"
)
HAUSDORFF_2001 = (
    "Hausdorff et al., Arch Phys Med Rehabil 2001 (fallers 106 +- 30 ms, non-fallers 49 +- 4 ms; "
    "forward walking)"
)
STUDENSKI_2011 = "Studenski et al., JAMA 2011 (forward gait speed < 1.0 m/s)"


@dataclass(frozen=True)
class Test3mbwtCutoffs:
    """3 m backward walk test cut-offs in seconds.

    ``high_s``: at or above it, high risk. ``low_s``: at or below it, low risk, with the band
    between them moderate; ``None`` where the study gives one cut-off (below ``high_s``: low).
    """

    high_s: float
    low_s: float | None
    source: str
    design_choice: bool = False


@dataclass(frozen=True)
class PopulationPreset:
    """A population whose published cut-offs the fall-risk rules use."""

    name: str
    label: str
    test_3mbwt: Test3mbwtCutoffs
    note: str = ""


PRESETS: dict[str, PopulationPreset] = {
    p.name: p
    for p in (
        PopulationPreset(
            name="general_adult",
            label="adult practising backward walking (self-coaching)",
            test_3mbwt=Test3mbwtCutoffs(
                4.5,
                3.0,
                f"{DESIGN_CHOICE}: the cut-offs of {CARTER_2019} applied to adults of any age",
                design_choice=True,
            ),
            note="No backward-walking fall cut-offs are published for younger adults.",
        ),
        PopulationPreset(
            name="community_older_adults",
            label="community-dwelling older adults",
            test_3mbwt=Test3mbwtCutoffs(4.5, 3.0, CARTER_2019),
        ),
        PopulationPreset(
            name="older_adults",
            label="older adults (single cut-off)",
            test_3mbwt=Test3mbwtCutoffs(5.5, None, POLO_FERRERO_2025),
        ),
        PopulationPreset(
            name="nursing_home",
            label="nursing-home residents",
            test_3mbwt=Test3mbwtCutoffs(8.15, None, KAPAN_2025),
        ),
        PopulationPreset(
            name="parkinsons",
            label="people with Parkinson's disease",
            test_3mbwt=Test3mbwtCutoffs(4.2, None, CARTER_2020_PD),
        ),
    )
}
DEFAULT_PRESET = "general_adult"


@dataclass(frozen=True)
class IndicatorCutoffs:
    """Cut-offs of the secondary indicators, the same for every population.

    Speeds in m/s, times in ms, coverage as a fraction 0-1.
    """

    backward_speed_mps: float = 0.6  # below: fallers' range (Fritz 2013)
    forward_speed_mps: float = 1.0  # below: high risk of adverse outcomes (Studenski 2011)
    stride_time_sd_ms: float = 106.0  # at or above: the fallers' mean (Hausdorff 2001)
    min_strides_for_variability: int = 6  # fewer and stride-time SD means little (Hausdorff)
    min_steps: int = 4  # fewer than two strides carry no verdict (design choice)
    min_pose_coverage: float = 0.6  # design choice


def get_preset(name: str) -> PopulationPreset:
    """The preset called ``name``; ``ValueError`` listing the known ones otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise ValueError(f"unknown population preset {name!r}; known presets: {known}") from None


def check_protocol(name: str) -> str:
    """``name`` if it is a known protocol; ``ValueError`` listing the known ones otherwise."""
    if name not in PROTOCOLS:
        raise ValueError(f"unknown protocol {name!r}; known protocols: {', '.join(PROTOCOLS)}")
    return name


@dataclass(frozen=True)
class AssessOptions:
    """How to assess one analysis.

    ``population``: a key of :data:`PRESETS`. ``protocol``: what the walk was meant to be (one
    of :data:`PROTOCOLS`). ``prior_fall``: whether the person fell in the past year (``None``:
    not asked). ``max_cues``: most feedback cues returned.
    """

    population: str = DEFAULT_PRESET
    protocol: str | None = "free_backward"  # None, as the analysis says for a free walk: same
    prior_fall: bool | None = None
    max_cues: int = 4
    indicators: IndicatorCutoffs = IndicatorCutoffs()

    def __post_init__(self) -> None:
        protocol = "free_backward" if self.protocol is None else self.protocol
        object.__setattr__(self, "protocol", protocol)
        get_preset(self.population)
        check_protocol(protocol)
        if self.max_cues < 1:
            raise ValueError(f"max_cues must be at least 1, got {self.max_cues}")
