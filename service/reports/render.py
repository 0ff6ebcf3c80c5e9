"""Physiotherapist reports: HTML and PDF rendered from the same result documents and plots.

``results`` are analysis result documents (``AnalysisResult.to_dict()``), one per visit in time
order; a single analysis is a list of one. ``patient`` is an optional mapping (``id``, ``name``
and any further details to print). ``frames`` are optional representative frames, already drawn
with the skeleton (``vision.overlay``): PNG bytes, or (H, W, 3) uint8 RGB / (H, W) uint8 arrays.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from PIL import Image

from service.reports.comparison import ComparisonView, comparison_view
from service.reports.model import TREND_NOTE, ReportView, VisitView, build_report
from service.reports.plots import step_length_png, trend_png, trunk_angle_png
from service.web import TEMPLATE_DIR

Frame = bytes | np.ndarray


class ReportError(ValueError):
    """The report cannot be built from the given input (message says why)."""


@dataclass
class ImageAsset:
    title: str
    png: bytes | None
    missing: str = ""  # why there is no image

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png or b"").decode("ascii")


@dataclass
class ReportAssets:
    visit_plots: list[list[ImageAsset]]
    trend_plots: list[ImageAsset]
    frames: list[ImageAsset]


def frame_png(frame: Frame) -> bytes:
    """PNG bytes of one frame (PNG bytes pass through after a format check)."""
    if isinstance(frame, bytes | bytearray):
        if not bytes(frame[:8]) == b"\x89PNG\r\n\x1a\n":
            raise ReportError("a frame given as bytes must be a PNG image")
        return bytes(frame)
    array = np.asarray(frame)
    if (
        array.dtype != np.uint8
        or array.ndim not in (2, 3)
        or (array.ndim == 3 and array.shape[2] not in (3, 4))
    ):
        raise ReportError(
            f"a frame array must be uint8 (H, W) or (H, W, 3|4) RGB; got {array.dtype} "
            f"{array.shape}"
        )
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def _visit_plots(visit: VisitView) -> list[ImageAsset]:
    scale_missing = "no step was measured in metres (" + visit.scale_text + ")"
    return [
        ImageAsset(
            f"{visit.title}: step length per step", step_length_png(visit.doc), scale_missing
        ),
        ImageAsset(
            f"{visit.title}: trunk angle over the walk",
            trunk_angle_png(visit.doc),
            "the result holds no per-frame trunk angle series",
        ),
    ]


def build_assets(report: ReportView, frames: Sequence[Frame] | None) -> ReportAssets:
    trend_plots = [
        ImageAsset(f"{t.spec.label} across visits", trend_png(t), "not measured at any visit")
        for t in report.trends
    ]
    frame_assets = [
        ImageAsset(f"representative frame {i + 1}", frame_png(f))
        for i, f in enumerate(frames or [])
    ]
    return ReportAssets([_visit_plots(v) for v in report.visits], trend_plots, frame_assets)


def _prepare(
    results: Sequence[dict[str, Any]],
    patient: dict[str, Any] | None,
    frames: Sequence[Frame] | None,
) -> tuple[ReportView, ReportAssets]:
    try:
        report = build_report(list(results), patient)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    return report, build_assets(report, frames)


def render_html(
    results: Sequence[dict[str, Any]],
    patient: dict[str, Any] | None = None,
    frames: Sequence[Frame] | None = None,
) -> str:
    """A self-contained HTML report (plots and frames embedded as data URIs)."""
    report, assets = _prepare(results, patient, frames)
    comparisons = [comparison_view(v.doc) for v in report.visits]
    return _html_template().render(
        report=report, assets=assets, trend_note=TREND_NOTE, comparisons=comparisons
    )


@functools.cache
def _html_template() -> Template:
    """The report template, parsed and compiled once per process (not on every request)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html")


# -- PDF ---------------------------------------------------------------------------------------

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_RISK_FILL = {
    "low": (230, 244, 234),
    "moderate": (255, 244, 224),
    "high": (253, 231, 231),
    "undetermined": (238, 238, 238),
}


class _ReportPDF(FPDF):
    def __init__(self, statement: str) -> None:
        super().__init__(format="A4")
        self._statement = statement
        # DejaVu (shipped with matplotlib) covers ±, °, ö and dashes that core PDF fonts lack.
        self.add_font("DejaVu", "", str(_FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=18)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("DejaVu", "", 6.5)
        self.set_text_color(110, 110, 110)
        self.multi_cell(0, 3, f"Page {self.page_no()}. Screening aid, not a diagnosis.", align="C")
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str, size: float = 13) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 9)


def _para(pdf: FPDF, text: str, size: float = 9, fill: tuple[int, int, int] | None = None) -> None:
    pdf.set_font("DejaVu", "", size)
    if fill is not None:
        pdf.set_fill_color(*fill)
    pdf.multi_cell(
        0,
        size * 0.5,
        text,
        fill=fill is not None,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        padding=1 if fill else 0,
    )
    pdf.ln(1)


def _table(
    pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        col_widths=tuple(widths),
        line_height=4,
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD", fill_color=(243, 243, 243)),
    ) as table:
        head = table.row()
        for cell in header:
            head.cell(cell)
        for values in rows:
            row = table.row()
            for cell in values:
                row.cell(cell)
    pdf.ln(2)


def _image(pdf: FPDF, asset: ImageAsset, width_mm: float = 150) -> None:
    if asset.png is None:
        _para(pdf, f"{asset.title}: {asset.missing}.", size=8)
        return
    with Image.open(io.BytesIO(asset.png)) as im:
        height_mm = width_mm * im.height / im.width
    if pdf.get_y() + height_mm > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.image(io.BytesIO(asset.png), x=pdf.l_margin, w=width_mm, alt_text=asset.title)
    pdf.ln(2)


def _pdf_visit(pdf: FPDF, visit: VisitView, plots: list[ImageAsset]) -> None:
    _heading(pdf, visit.title)
    details = []
    if visit.recording:
        details.append(f"Recording: {visit.recording}.")
    if visit.protocol:
        details.append(f"Protocol: {visit.protocol}.")
    details.append(f"Population preset: {visit.population}. Metric scale: {visit.scale_text}.")
    _para(pdf, " ".join(details), size=8)
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_fill_color(*_RISK_FILL.get(visit.risk_level, _RISK_FILL["undetermined"]))
    pdf.multi_cell(0, 6, visit.risk_text, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(1)
    if visit.reasons:
        _table(
            pdf,
            ("Rule", "Value", "Cut-off", "Outcome", "Source"),
            [(r.rule, r.value, r.cutoff, r.outcome, r.source) for r in visit.reasons],
            (55, 22, 18, 20, 65),
        )
    metric_rows = [
        (m.label, m.value_text if m.measured else f"{m.value_text}: {m.reason}", m.method)
        for m in visit.metrics
    ]
    _table(pdf, ("Metric", "Value", "Method"), metric_rows, (45, 55, 80))
    if visit.scores:
        _para(
            pdf,
            "Scores: "
            + "; ".join(f"{n} {t}" for n, t in visit.scores)
            + " (weights are design choices).",
            size=8,
        )
    comparison = comparison_view(visit.doc)
    if comparison is not None:
        _pdf_comparison(pdf, comparison)
    for asset in plots:
        _image(pdf, asset)
    if visit.feedback:
        _heading(pdf, "Coaching feedback", 10)
        for severity, message in visit.feedback:
            _para(pdf, f"[{severity}] {message}", size=8)
    if visit.warnings:
        _heading(pdf, "Quality warnings", 10)
        for warning in visit.warnings:
            _para(pdf, f"- {warning}", size=8)


def _pdf_comparison(pdf: FPDF, view: ComparisonView) -> None:
    _heading(pdf, "Forward and backward walks", 10)
    rows = [(r.label, r.forward, r.backward, r.ratio or "-") for r in view.rows]
    _table(pdf, ("Metric", "Forward", "Backward", "Ratio b/f"), rows, (50, 45, 45, 40))
    _para(pdf, view.ratio_note, size=8)
    for reason in view.reasons:
        _para(pdf, f"Not compared: {reason}.", size=8)
    if view.norms:
        _para(pdf, view.norms_title + ":", size=8)
        _table(
            pdf,
            ("Forward walking", "Speed", "Source"),
            [(n.label, n.speed, n.source) for n in view.norms],
            (90, 25, 65),
        )


def _pdf_change_table(pdf: FPDF, report: ReportView) -> None:
    # Per-visit columns only while they still fit the page width.
    labels = report.trends[0].labels if len(report.visits) <= 5 else []
    header = ["Metric", *labels, "Change"]
    rows = []
    for t in report.trends:
        values = [
            "not measured" if v is None else f"{v:.{t.spec.decimals}f}"
            for v in t.values[: len(labels)]
        ]
        rows.append([f"{t.spec.label} ({t.spec.unit})", *values, t.change_text])
    value_w = 20.0
    _table(pdf, header, rows, (42, *([value_w] * len(labels)), 138 - value_w * len(labels)))


def render_pdf(
    results: Sequence[dict[str, Any]],
    patient: dict[str, Any] | None = None,
    frames: Sequence[Frame] | None = None,
) -> bytes:
    """The same report as :func:`render_html`, as PDF bytes (A4)."""
    report, assets = _prepare(results, patient, frames)
    pdf = _ReportPDF(report.statement)
    pdf.set_title("Backward walking assessment")
    pdf.add_page()
    _heading(pdf, "Backward walking assessment", 16)
    who = report.patient_name or ""
    if report.patient_id:
        who += f" (id {report.patient_id})"
    lines = [f"Patient: {who.strip() or 'not given'}"]
    lines += [f"{k}: {v}" for k, v in report.patient_details]
    _para(pdf, "\n".join(lines), size=9)
    _para(pdf, report.statement, size=8.5, fill=(255, 248, 225))
    for visit, plots in zip(report.visits, assets.visit_plots, strict=True):
        if visit.index > 1:
            pdf.add_page()
        _pdf_visit(pdf, visit, plots)
    if report.trends:
        pdf.add_page()
        _heading(pdf, "Across visits")
        _para(
            pdf,
            f"Condition for published change thresholds: {report.condition}. " + TREND_NOTE,
            size=8,
        )
        for note in report.trend_notes:
            _para(pdf, f"Note: {note}.", size=8)
        _pdf_change_table(pdf, report)
        for asset in assets.trend_plots:
            if asset.png is not None:
                _image(pdf, asset, width_mm=140)
    if assets.frames:
        pdf.add_page()
        _heading(pdf, "Representative frames")
        for asset in assets.frames:
            _image(pdf, asset, width_mm=120)
    return bytes(pdf.output())
