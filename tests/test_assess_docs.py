"""docs/scoring.md names every preset, rule, cue, score anchor and published threshold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vision.assess import CUES, PRESETS
from vision.assess.change import PUBLISHED
from vision.assess.cues import FORM_LIMITS
from vision.assess.presets import IndicatorCutoffs
from vision.assess.scores import ANCHORS

DOC = Path(__file__).resolve().parents[1] / "docs" / "scoring.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _num(x: float) -> str:
    return f"{x:g}"


def test_every_preset_and_its_cutoffs_are_documented(doc):
    for preset in PRESETS.values():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{preset.name}`"))
        assert f"{_num(preset.test_3mbwt.high_s)} s" in row
        if preset.test_3mbwt.design_choice:
            assert "design choice" in row


def test_every_cue_is_documented(doc):
    for code in CUES:
        assert f"`{code}`" in doc, code


def test_every_form_limit_is_documented(doc):
    for limit in FORM_LIMITS:
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{limit.code}`"))
        value = abs(limit.limit) * (100 if limit.unit == "fraction" else 1)
        assert _num(value) in row, (limit.code, value, row)


def test_every_score_anchor_is_documented(doc):
    rows = [line for line in doc.splitlines() if re.match(r"\| (posture|steps|balance) \|", line)]
    assert len(rows) == len(ANCHORS)
    for anchor, row in zip(ANCHORS, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == anchor.sub_score
        assert [float(c) for c in cells[2:5]] == [anchor.good, anchor.bad, anchor.weight], row


def test_every_published_change_threshold_is_documented(doc):
    for (metric, condition), published in PUBLISHED.items():
        assert f"{_num(published.threshold)}" in doc, (metric, condition)
        assert published.source.split(" (")[0].split(" et al.")[0] in doc


def test_indicator_cutoffs_are_documented(doc):
    cut = IndicatorCutoffs()
    assert f"below {cut.backward_speed_mps:.1f} m/s" in doc
    assert f"below {cut.forward_speed_mps:.1f} m/s" in doc
    assert f"at or above {_num(cut.stride_time_sd_ms)} ms" in doc
    assert f"at least {cut.min_strides_for_variability} strides" in doc
    assert f"at least {cut.min_steps} steps" in doc
    assert f"at least {cut.min_pose_coverage:.0%} of frames".replace("%", " %") in doc
