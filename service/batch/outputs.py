"""What a batch leaves behind besides the result documents: the summary CSV and the reports."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from service.batch.scoring import RecordingOutcome
from service.reports.metrics import metric_value

SUMMARY_FILE = "summary.csv"
REPORTS_DIR = "reports"

# (column, dotted metric path); units are in the column names.
SUMMARY_METRICS: tuple[tuple[str, str], ...] = (
    ("walk_direction", "walk_direction"),
    ("step_count", "step_count"),
    ("speed_mps", "speed_mps"),
    ("cadence_spm", "cadence_spm"),
    ("step_length_mean_m", "step_length_m.mean"),
    ("step_length_cv_pct", "step_length_m.cv_pct"),
    ("step_length_asymmetry_pct", "step_length_asymmetry_pct"),
    ("stride_time_sd_ms", "stride_time_sd_ms"),
    ("double_support_pct", "double_support_pct"),
    ("trunk_flexion_mean_deg", "trunk_flexion_deg.mean"),
    ("trunk_flexion_max_deg", "trunk_flexion_deg.max"),
    ("trunk_lateral_lean_max_deg", "trunk_lateral_lean_deg.max"),
    ("sway_ml_m", "sway_ml_m"),
    ("test_3mbwt_s", "test_3mbwt_s"),
)
SUMMARY_COLUMNS: tuple[str, ...] = (
    "recording",
    "patient_id",
    "visit_date",
    "status",
    "reason",
    *(c for c, _ in SUMMARY_METRICS),
    "scale_method",
    "scale_uncertainty_pct",
    "fall_risk_level",
    "fall_risk_population",
    "score_overall",
    "warnings",
    "analysis_s",
    "result_json",
)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    return value


def summary_row(outcome: RecordingOutcome, out_dir: Path) -> dict[str, Any]:
    item = outcome.item
    row: dict[str, Any] = {
        "recording": item.source or str(item.video),
        "patient_id": item.patient_id or "",
        "visit_date": item.visit_date or "",
        "status": outcome.status,
        "reason": outcome.reason or "",
        "analysis_s": "" if outcome.analysis_s is None else round(outcome.analysis_s, 2),
    }
    doc = outcome.document
    if doc is None:
        return row
    for column, path in SUMMARY_METRICS:
        row[column] = _cell(metric_value(doc, path.split(".")))
    scale = doc.get("scale") or {}
    risk = doc.get("fall_risk") or {}
    row.update(
        scale_method=scale.get("method", ""),
        scale_uncertainty_pct=_cell(scale.get("uncertainty_pct")),
        fall_risk_level=risk.get("level", ""),
        fall_risk_population=risk.get("population", ""),
        score_overall=_cell((doc.get("scores") or {}).get("overall")),
        warnings="; ".join(str(w) for w in (doc.get("quality") or {}).get("warnings") or []),
        result_json=f"results/{item.recording_id}.json",
    )
    return row


def write_summary(outcomes: list[RecordingOutcome], out_dir: Path) -> Path:
    """One row per recording, in batch order; written whole each run (skipped ones included)."""
    path = Path(out_dir) / SUMMARY_FILE
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=SUMMARY_COLUMNS, restval="")
        writer.writeheader()
        for outcome in outcomes:
            writer.writerow(summary_row(outcome, out_dir))
    tmp.replace(path)
    return path


def patient_file_stem(patient_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", patient_id) or "patient"


def write_reports(outcomes: list[RecordingOutcome], out_dir: Path) -> list[Path]:
    """An HTML and a PDF report per patient, from every scored visit (date order; visits
    without a date keep batch order after the dated ones)."""
    from service.reports.render import render_html, render_pdf

    by_patient: dict[str, list[RecordingOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.document is not None:
            by_patient[outcome.item.patient_id or outcome.item.recording_id].append(outcome)
    folder = Path(out_dir) / REPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for patient_id, visits in sorted(by_patient.items()):
        visits.sort(key=lambda o: (o.item.visit_date is None, o.item.visit_date or ""))
        docs = [o.document for o in visits if o.document is not None]
        patient = {"id": patient_id}
        stem = folder / patient_file_stem(patient_id)
        stem.with_suffix(".html").write_text(render_html(docs, patient), encoding="utf-8")
        stem.with_suffix(".pdf").write_bytes(render_pdf(docs, patient))
        written += [stem.with_suffix(".html"), stem.with_suffix(".pdf")]
    return written
