"""From a subject's :class:`~vision.sequence.PoseSequence` to an :class:`AnalysisResult`: walk
segments, gait events, steps, spatiotemporal metrics, posture, sway, scale and findings.

The analysis is a sequence of named stages (:mod:`vision.stages`); what each view measures is
the table in :mod:`vision.capabilities`, and what the user is told is
:mod:`vision.findings`. Scores, feedback and fall risk are left at their defaults;
:mod:`vision.assess` fills them.

    >>> result = analyze_sequence(seq, AnalysisOptions(height_cm=165))  # doctest: +SKIP
"""

from __future__ import annotations

from vision.findings import finding
from vision.result import AnalysisResult
from vision.sequence import PoseSequence
from vision.stages.assemble import Stages, assemble_result, summary_result
from vision.stages.body import measure_sway, read_posture, time_protocol
from vision.stages.options import PROTOCOLS, AnalysisOptions
from vision.stages.prepare import prepare_landmarks, too_short
from vision.stages.scale import conditions_of, measure_scale
from vision.stages.steps import count_steps, settle_cadence
from vision.stages.walk import find_direction, find_events, settle_walk, split_main_walk

__all__ = ["PROTOCOLS", "AnalysisOptions", "analyze_sequence"]


def analyze_sequence(seq: PoseSequence, options: AnalysisOptions | None = None) -> AnalysisResult:
    """Gait analysis of one subject's landmarks (raw or smoothed; gaps are filled here).

    Raises:
        ValueError: invalid options (see :meth:`AnalysisOptions.validate`).
    """
    opts = options or AnalysisOptions()
    opts.validate()
    if too_short(seq):
        return summary_result(seq, opts, (finding("pose.too_short"),))
    prep = prepare_landmarks(seq, opts)
    seen = find_direction(prep, opts)
    feet = find_events(prep, seen, opts)
    direction = settle_walk(seen, feet, prep.t_s, opts)
    scale = measure_scale(prep, direction, opts)
    conditions = conditions_of(prep, direction, feet, scale.model)
    main = split_main_walk(feet.events, direction)
    steps = count_steps(feet, direction, main, scale.model, conditions, prep.t_s, opts)
    cadence = settle_cadence(prep, direction, main, steps, feet, opts)
    posture = read_posture(prep, direction, main, conditions, opts)
    sway = measure_sway(prep, direction, main, posture, scale.model, opts)
    test = time_protocol(prep, feet, main, scale.model, opts)
    stages = Stages(
        prep, direction, feet, scale, main, steps, cadence, posture, sway, test, conditions
    )
    return assemble_result(seq, opts, stages)
