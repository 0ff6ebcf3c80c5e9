"""What the analysis found out about its own evidence, as data.

A :class:`Finding` carries a stable code, a severity, the words a user reads and the evidence
they were filled from. The words live in one catalogue, :data:`vision.finding_texts.CATALOGUE`;
``quality.warnings`` in the result is the findings' messages, ``quality.findings`` the findings.

    >>> finding("scale.none").message
    'no scale: spatial metrics are in body heights and metres are null'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from vision.finding_texts import CATALOGUE, Severity

__all__ = [
    "CATALOGUE",
    "Finding",
    "Severity",
    "catalogue_markdown",
    "finding",
    "message",
    "messages",
]


@dataclass(frozen=True)
class Finding:
    """One thing the analysis tells the user about its evidence.

    Attributes:
        code: key of :data:`~vision.finding_texts.CATALOGUE` (e.g. ``events.airborne_lifts``).
        severity: ``info`` (how a metric was read) or ``warning`` (a metric is withheld, or
            may be off).
        message: the catalogue's words, filled with ``evidence``.
        evidence: the values the words were filled from (units in the names).
    """

    code: str
    severity: Severity
    message: str
    evidence: Mapping[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``{code, severity, message, evidence}``."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "evidence": dict(self.evidence),
        }


def message(code: str, **evidence: object) -> str:
    """The catalogue's words for ``code``, filled with ``evidence``."""
    return CATALOGUE[code][1].format(**evidence)


def finding(code: str, **evidence: object) -> Finding:
    """The :class:`Finding` of ``code`` with ``evidence`` (a ``KeyError`` for an unknown code)."""
    severity, _ = CATALOGUE[code]
    return Finding(code, severity, message(code, **evidence), MappingProxyType(dict(evidence)))


def messages(found: Iterable[Finding]) -> list[str]:
    """The findings' messages, in order (what ``quality.warnings`` holds)."""
    return [f.message for f in found]


def catalogue_markdown() -> str:
    """docs/findings.md: every code, its severity and its words (``{name}``: evidence)."""
    lines = [
        "# Findings",
        "",
        "Every finding the analysis reports in `quality.findings` (its message is also in",
        "`quality.warnings`), by code. `{name}` in a message is filled from the finding's",
        "`evidence`. The `comparison.*` codes are the words of `comparison.reasons`, why an",
        "entry of the forward/backward comparison is null. Generated from",
        "`vision/finding_texts.py`; a test keeps the two in step.",
        "",
        "| code | severity | message |",
        "|---|---|---|",
    ]
    for code, (severity, text) in sorted(CATALOGUE.items()):
        lines.append(f"| `{code}` | {severity} | {text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
