"""Calls the report renderers (:mod:`service.reports`) when they are installed."""

from __future__ import annotations

import importlib
from typing import Any


class ReportsUnavailable(Exception):
    """This installation has no report renderer."""


def render_report(
    kind: str, visits: list[dict[str, Any]], patient: dict[str, Any] | None
) -> str | bytes:
    """``kind`` "html" (str) or "pdf" (bytes) report of result documents, oldest visit first
    (one document for a single analysis; a patient's earlier visits before the latest)."""
    try:
        reports = importlib.import_module("service.reports")
    except ModuleNotFoundError as exc:
        if exc.name != "service.reports":
            raise
        raise ReportsUnavailable("reports are not available in this installation") from exc
    render = getattr(reports, f"render_{kind}", None)
    if render is None:
        raise ReportsUnavailable(f"{kind.upper()} reports are not available in this installation")
    return render(visits, patient=patient)
