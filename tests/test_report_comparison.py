"""Forward and backward walks side by side in the HTML/PDF report and the CLI summary."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from service.commands.summary import summary_text
from service.reports.comparison import NORMS_TITLE, comparison_view
from service.reports.model import TEST_NOT_REQUESTED
from service.reports.render import render_html, render_pdf
from tests.report_docs import visit_document
from vision.findings import message
from vision.gait.comparison import FORWARD_NORMS
from vision.result import Comparison, MeanSdCv, WalkMetrics, WalkRatios


def _walk(speed: float, length: float, cadence: float, steps: int) -> WalkMetrics:
    return WalkMetrics(
        step_count=steps,
        walking_s=4.0,
        cadence_spm=cadence,
        speed_mps=speed,
        step_length_m=MeanSdCv(mean=length, sd=0.05, cv_pct=8.0),
    )


def compared_document() -> dict:
    """A visit that walked forward (1.30 m/s) and then backward (0.78 m/s)."""
    doc = visit_document("2025-01-10", 0.78, None)
    doc["comparison"] = dataclasses.asdict(
        Comparison(
            forward=_walk(1.30, 0.66, 118.0, 8),
            backward=_walk(0.78, 0.42, 111.0, 10),
            backward_to_forward=WalkRatios(
                speed_ratio=0.6, step_length_ratio=0.636, cadence_ratio=0.941
            ),
            forward_norms=list(FORWARD_NORMS),
        )
    )
    return doc


def test_view_pairs_each_metric_with_its_ratio():
    view = comparison_view(compared_document())
    assert view is not None and view.reasons == []
    rows = {r.label: r for r in view.rows}
    assert (rows["Walking speed"].forward, rows["Walking speed"].backward) == (
        "1.30 m/s",
        "0.78 m/s",
    )
    assert rows["Walking speed"].ratio == "0.60"
    assert rows["Step length, mean"].ratio == "0.64"
    assert rows["Cadence"].ratio == "0.94"
    assert rows["Steps detected"].ratio == ""
    assert [n.source for n in view.norms] == [n.source for n in FORWARD_NORMS]


def test_no_comparison_block_gives_no_view():
    doc = visit_document("2025-01-10", 0.78, None)
    doc.pop("comparison", None)
    assert comparison_view(doc) is None
    assert "walks compared" not in summary_text(doc)


def test_html_report_shows_both_walks_and_labelled_forward_norms():
    html = render_html([compared_document()], {"id": "P-1"})
    assert "Forward and backward walks" in html
    assert "<td>Walking speed</td><td>1.30 m/s</td><td>0.78 m/s</td><td>0.60</td>" in html
    assert NORMS_TITLE in html and "Studenski et al., JAMA 2011" in html


def test_forward_only_report_says_it_is_not_a_backward_walk():
    doc = visit_document("2025-01-10", 1.2, None)
    doc["comparison"] = {
        "forward": compared_document()["comparison"]["forward"],
        "backward": None,
        "backward_to_forward": None,
        "reasons": {"backward": message("comparison.not_backward"), "backward_to_forward": "x"},
        "forward_norms": [],
    }
    html = render_html([doc])
    assert "Not compared: backward: no backward walking was seen: this recording is not a " in html
    assert "<td>Walking speed</td><td>1.30 m/s</td><td>not measured</td><td>-</td>" in html


def test_report_header_and_rows_say_what_a_reader_needs():
    doc = visit_document("2025-01-10", 0.78, None, patient_id="")
    html = render_html([doc], {"height_cm": 162.0})
    assert "Patient: not given" in html
    assert "height: 162 cm" in html and "height cm" not in html
    assert TEST_NOT_REQUESTED in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_pdf_report_shows_both_walks(tmp_path: Path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf([compared_document()], {"id": "P-1"}))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Forward and backward walks" in text
    assert "Forward-walking norms" in text and "Bohannon 2011" in text
    line = next(x for x in text.splitlines() if "Walking speed" in x and "0.60" in x)
    assert "1.30 m/s" in line and "0.78 m/s" in line


def test_cli_summary_prints_both_walks_and_ratios():
    text = summary_text(compared_document())
    assert "walks compared" in text
    speed = next(x for x in text.splitlines() if x.startswith("Walking speed"))
    assert speed.split() == ["Walking", "speed", "1.30", "m/s", "0.78", "m/s", "0.60"]
    assert "Forward-walking norms" in text


def test_same_date_recordings_are_one_point_and_no_trend():
    from service.reports.model import build_report

    one_day = [visit_document("2025-01-10", 0.42, None), visit_document("2025-01-10", 0.46, None)]
    assert build_report(one_day).trends == []
    assert 'id="trends"' not in render_html(one_day)
    docs = [*one_day, visit_document("2025-02-14", 0.60, None)]
    speed = {t.spec.path: t for t in build_report(docs).trends}[("speed_mps",)]
    assert speed.labels == ["2025-01-10", "2025-02-14"]
    assert speed.values == pytest.approx([0.44, 0.60])
    assert speed.ranges == [(0.42, 0.46), None]


def test_summary_shows_the_table_only_when_both_walks_were_measured():
    doc = compared_document()
    doc["comparison"]["forward"] = None
    doc["comparison"]["reasons"] = {"forward": "no forward walking was seen in this recording"}
    text = summary_text(doc)
    assert "walks compared" not in text
    assert "comparison: forward: no forward walking was seen" in text
