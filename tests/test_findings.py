"""Findings as data (vision.findings): one catalogue of words, every code documented and
every code one the analysis can give."""

from __future__ import annotations

from pathlib import Path

import pytest

from vision.capabilities import CAPABILITIES
from vision.findings import CATALOGUE, catalogue_markdown, finding, messages
from vision.gait.bounds import BOUNDED

ROOT = Path(__file__).resolve().parents[1]


def test_docs_list_every_code_as_the_catalogue_words_it():
    doc = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert doc == catalogue_markdown(), "regenerate docs/findings.md from catalogue_markdown()"
    for code in CATALOGUE:
        assert f"| `{code}` |" in doc


def test_every_code_is_one_the_analysis_can_give():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "vision").rglob("*.py"))
    quality = (ROOT / "vision" / "gait" / "quality.py").read_text(encoding="utf-8")
    from_table = {row.code(view) for row in CAPABILITIES for view in row.views}
    for code in CATALOGUE:
        kind, _, rest = code.partition(".")
        given = (
            f'"{code}"' in sources
            or code in from_table
            or (kind == "quality" and f'"{rest}"' in quality)
            or (kind == "bounds" and rest.removesuffix("_implausible") in BOUNDED)
        )
        assert given, f"{code} is in the catalogue but nothing gives it"


def test_every_capability_finding_is_in_the_catalogue():
    for row in CAPABILITIES:
        for view in row.views:
            assert row.code(view) in CATALOGUE, row.code(view)


def test_a_finding_carries_its_code_words_and_evidence():
    found = finding("events.airborne_lifts", n=3)
    assert found.code == "events.airborne_lifts" and found.severity == "warning"
    assert found.message.startswith("3 lifts were found while the other foot")
    assert found.to_dict() == {
        "code": "events.airborne_lifts",
        "severity": "warning",
        "message": found.message,
        "evidence": {"n": 3},
    }
    assert messages([found, finding("scale.none")])[1] == (
        "no scale: spatial metrics are in body heights and metres are null"
    )
    with pytest.raises(KeyError):
        finding("events.no_such_code")
    with pytest.raises(KeyError):
        finding("events.airborne_lifts")  # its words need the evidence


def test_codes_are_dotted_lower_case_and_severities_known():
    for code, (severity, text) in CATALOGUE.items():
        assert code == code.lower() and code.count(".") >= 1 and " " not in code
        assert severity in ("info", "warning") and text
        if code.startswith("view."):  # the view is in the code, and so in its words
            assert "{view}" not in text and code.split(".")[1] in text.replace("behind", "back")
