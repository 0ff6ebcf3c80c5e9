"""Reports: content, null handling and plots, from hand-built result documents."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from service.reports.metrics import NOT_MEASURED
from service.reports.model import SCREENING_STATEMENT, build_report
from service.reports.plots import step_length_png, trend_png, trunk_angle_png
from service.reports.render import ReportError, frame_png, render_html, render_pdf
from tests.report_docs import three_visits, visit_document
from vision.result import AnalysisResult, PoseSummary, VideoSummary


def empty_document() -> dict:
    """What the analysis returns when nothing could be measured (every metric null)."""
    result = AnalysisResult(
        video=VideoSummary(fps=25.0, frame_count=40, duration_s=1.6, width=640, height=480),
        pose=PoseSummary(backend="mediapipe", model="full", frames_with_pose=0, coverage=0.0),
    )
    result.quality.warnings.append("no person found in the video: nothing could be measured")
    return result.to_dict()


def test_html_shows_metrics_units_methods_verdict_and_sources():
    html = render_html(three_visits(), {"id": "P-017", "name": "Ada Example", "born": 1948})
    assert "Ada Example" in html and "P-017" in html and "born: 1948" in html
    assert html.count(SCREENING_STATEMENT) == 2  # header and footer
    for n, date in enumerate(("2025-01-10", "2025-02-14", "2025-03-21"), start=1):
        assert f"Visit {n}, {date}" in html
    assert "0.42 m/s" in html and "6.10 s" in html and "100.0 steps/min" in html
    assert "Fall risk HIGH" in html and "Fall risk MODERATE" in html
    assert "community_older_adults" in html
    assert "Carter et al., J Geriatr Phys Ther 2019" in html
    assert "6.1 ± 0.033 s" in html  # rule value with its uncertainty and unit
    assert "floor calibration ±1.7 %" in html  # scale method behind a distance
    assert "1 frame = 0.033 s" in html  # timing resolution behind a time
    # 2 plots per visit (step length, trunk angle) + the 7 change metrics across visits.
    assert (
        len(re.findall(r'<img src="data:image/png;base64,[^"]+" alt="[^"]+" class="plot"', html))
        == 13
    )


def test_null_metric_says_not_measured_with_the_warning_why():
    docs = [visit_document("2025-01-10", None, None, level="undetermined", step_length_m=None)]
    html = render_html(docs)
    warning = "step length not measured: no floor calibration or subject height given"
    row = re.search(
        r"<td>Step length, mean</td>\s*<td class=\"not-measured\">(.*?)</td>", html, re.S
    )
    assert row is not None and NOT_MEASURED in row.group(1) and warning in row.group(1)
    assert "Fall risk undetermined" in html
    assert "no step was measured in metres" in html  # no step-length plot, and why
    assert 'id="trends"' not in html  # a single visit has no trend section


def test_all_null_document_renders_in_both_formats():
    doc = empty_document()
    html = render_html([doc])
    assert html.count(NOT_MEASURED) >= 14
    assert "no person found in the video" in html
    assert "the result holds no per-frame trunk angle series" in html
    pdf = render_pdf([doc])
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000


def test_patient_text_is_escaped_in_html():
    html = render_html([visit_document("2025-01-10", 0.5, 4.0)], {"name": "<script>x()</script>"})
    assert "<script>x()" not in html and "&lt;script&gt;x()" in html


def test_change_across_visits_uses_the_published_mdc_of_the_condition():
    report = build_report(three_visits(), {"condition": "multiple_sclerosis"})
    three_m = {t.spec.path: t for t in report.trends}[("test_3mbwt_s",)]
    assert three_m.values == [6.1, 5.2, 3.9]
    assert three_m.change.threshold == 1.69 and three_m.change.threshold_kind == "published MDC"
    assert three_m.change_text.startswith("-2.20 s first to last visit: real change (better)")
    assert "Söke" in three_m.change_text
    stroke = build_report(
        [visit_document("2025-01-10", 0.50, 5.0), visit_document("2025-02-01", 0.55, 4.2)],
        {"condition": "stroke"},
    )
    speed = {t.spec.path: t for t in stroke.trends}[("speed_mps",)]
    assert speed.change.verdict == "within measurement noise" and speed.change.threshold == 0.11
    general = {t.spec.path: t for t in build_report(three_visits()).trends}
    assert "design choice" in general[("test_3mbwt_s",)].change.threshold_kind
    with pytest.raises(ReportError, match="unknown condition"):
        render_html(three_visits(), {"condition": "flu"})


def test_plots_are_real_pngs_and_absent_when_there_is_nothing_to_draw():
    doc = visit_document("2025-01-10", 0.5, 4.0)
    for png in (step_length_png(doc), trunk_angle_png(doc)):
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width > 400 and image.height > 150
        pixels = np.asarray(image.convert("L"))
        assert pixels.std() > 10  # something is drawn, not a blank canvas
    assert step_length_png(empty_document()) is None
    assert trunk_angle_png(empty_document()) is None
    # From the front only the lean to the side is measured: it is drawn on its own.
    series = doc["extras"]["series"]
    front = {
        **doc,
        "extras": {
            **doc["extras"],
            "series": {**series, "trunk_flexion_deg": [None] * len(series["t_s"])},
        },
    }
    assert Image.open(io.BytesIO(trunk_angle_png(front))).format == "PNG"
    nothing = {
        **front,
        "extras": {
            **front["extras"],
            "series": {
                **front["extras"]["series"],
                "trunk_lateral_lean_deg": [None] * len(series["t_s"]),
            },
        },
    }
    assert trunk_angle_png(nothing) is None
    trend = build_report(three_visits()).trends[0]
    assert Image.open(io.BytesIO(trend_png(trend))).format == "PNG"


def test_frames_from_arrays_and_png_bytes_are_embedded():
    rgb = np.zeros((60, 80, 3), np.uint8)
    rgb[:, :40] = (255, 0, 0)
    png = frame_png(rgb)
    html = render_html([visit_document("2025-01-10", 0.5, 4.0)], frames=[rgb, png])
    assert html.count('alt="representative frame') == 2
    decoded = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert decoded.shape == (60, 80, 3) and tuple(decoded[0, 0]) == (255, 0, 0)


@pytest.mark.parametrize(
    "bad", [b"GIF89a....", np.zeros((10, 10, 3), np.float32), np.zeros((10, 10, 2), np.uint8)]
)
def test_bad_frames_are_rejected_clearly(bad):
    with pytest.raises(ReportError, match="frame"):
        render_html([visit_document("2025-01-10", 0.5, 4.0)], frames=[bad])


def test_bad_results_are_rejected_clearly():
    with pytest.raises(ReportError, match="at least one"):
        render_html([])
    with pytest.raises(ReportError, match="result 1 is not an analysis result"):
        render_pdf([{"video": {}}])
