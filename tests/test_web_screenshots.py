"""Every page as a person sees it, at a phone's and a desktop's width, in headless Chromium:
screenshots (written to a temporary folder, named in the test's output), and the layout checked
on each: no boxes overlapping, nothing wider than the screen, every chart with a title and axis
labels, no console errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from service_support import REPO, SHARED_VIDEOS, serve, wait_for

from service.app import create_app
from service.core.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone": (360, 740), "desktop": (1280, 800)}
PATIENT = "P-SHOT"
VISIT_DATES = ("2025-01-10", "2025-02-14")

# Pairs of visible boxes that overlap, neither inside the other (skipping what is meant to stack:
# the live view's video, skeleton and alert, and what scrolls sideways in its own box).
OVERLAPS_JS = """() => {
  const picks = "label, button, input, select, progress, td, th, li, figure, p, h1, h2, h3, " +
    "video, canvas, table, summary, dt, dd, img, svg, figcaption";
  const skip = (e) => e.closest("#view, .scroll, svg") && !e.matches(".scroll, svg:not(svg svg)");
  const boxes = [...document.querySelectorAll(picks)].filter((e) => {
    const folded = e.closest("details:not([open])");
    if (skip(e) || e.closest("[hidden]") || (folded && !e.closest("summary"))) return false;
    const r = e.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== "hidden";
  });
  const out = [];
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    ": " + (e.textContent || "").trim().slice(0, 40);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.contains(b) || b.contains(a)) continue;
      const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 1 && h > 1) out.push(name(a) + " | " + name(b));
    }
  }
  return out;
}"""

# Charts without a title, without both axis labels, or with texts drawn over each other.
CHARTS_JS = """() => [...document.querySelectorAll("figure svg")]
  .filter((s) => !s.closest("[hidden]"))
  .filter((s) => {
    const texts = [...s.querySelectorAll("text")].map((t) => t.getBoundingClientRect());
    const clash = texts.some((p, i) => texts.slice(i + 1).some((q) =>
      Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1 &&
      Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1));
    return clash || !s.getAttribute("aria-label") || !s.querySelector("text.title") ||
      s.querySelectorAll("text.axis-label").length < 2;
  })
  .map((s) => s.id || s.getAttribute("aria-label") || "a chart")"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A server with one patient and two visits of one recording analysed; yields (url, ids)."""
    clip = SHARED_VIDEOS / "backward_walk_side_demo4.mp4"
    if not clip.is_file():
        clip = REPO / "sample_videos" / "backward_limp_side.mp4"
    root = tmp_path_factory.mktemp("pages")
    settings = Settings(data_dir=root / "data", local_workers=1, _env_file=None)
    with serve(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as client:
        client.post("/v1/patients", json={"id": PATIENT, "height_cm": 160}).raise_for_status()
        ids = []
        for date in VISIT_DATES:
            with clip.open("rb") as fh:
                answer = client.post(
                    "/v1/analyses",
                    files={"video": (clip.name, fh, "video/mp4")},
                    data={"patient_id": PATIENT, "visit_date": date, "height_cm": "160"},
                )
            answer.raise_for_status()
            ids.append(answer.json()["id"])
        for analysis_id in ids:
            wait_for(
                lambda a=analysis_id: (
                    client.get(f"/v1/analyses/{a}").json()["status"] in ("done", "failed")
                ),
                900,
                f"analysis {analysis_id}",
            )
            assert client.get(f"/v1/analyses/{analysis_id}").json()["status"] == "done"
        yield url, ids


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _pages(url: str, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """name -> (address, script to run once it has loaded)."""
    show = f"async () => showResult(await (await api('/v1/analyses/{ids[0]}')).json())"
    return {
        "upload": (url + "/", None),
        "upload-result": (url + "/", show),
        "clinic-patients": (url + "/clinic", None),
        "clinic-patient": (url + f"/clinic#patient={PATIENT}", None),
        "live": (url + "/live", None),
        "report": (url + f"/v1/analyses/{ids[0]}/report.html", None),
    }


READY = {
    "upload-result": "#comparison-box:not([hidden]) #comparison tbody tr",
    "clinic-patients": "#patients tbody tr",
    "clinic-patient": "#trends figure",
    "report": "table.metrics",
}


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize(
    "name",
    ["upload", "upload-result", "clinic-patients", "clinic-patient", "live", "report"],
)
def test_page_layout(site, shots: Path, browser, name: str, width: str) -> None:
    url, ids = site
    address, script = _pages(url, ids)[name]
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(address)
    page.wait_for_load_state("networkidle")
    if script:
        page.evaluate(script)
    if name in READY:
        page.wait_for_selector(READY[name], timeout=30_000)
    if name == "upload-result":
        page.wait_for_selector("#overlay[data-poster='1']", timeout=30_000)
    page.wait_for_load_state("networkidle")
    path = shots / f"{name}-{width}-{w}px.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    assert errors == [], errors
    assert page.evaluate(OVERLAPS_JS) == []
    assert page.evaluate(CHARTS_JS) == []
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than a {w}px screen"
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('.scroll')].filter((e) => !e.closest('[hidden]'))"
        ".filter((e) => e.scrollHeight > e.clientHeight + 1).map((e) => e.innerText.slice(0, 40))"
    )
    assert clipped == [], f"cut off at the bottom of a scrolling box: {clipped}"
    if name == "upload-result":
        _overlay_follows_the_steps(page)
    if name == "report":
        assert page.locator("img.plot").count() >= 2
        assert all(alt for alt in page.eval_on_selector_all("img.plot", "es => es.map(e => e.alt)"))


def _overlay_follows_the_steps(page) -> None:
    """The overlay has a poster; a step's row and the timeline under the video seek it."""
    assert page.get_attribute("#overlay", "poster").startswith("data:image/jpeg")
    row = page.locator("#steps-table tbody tr").nth(4)
    row.click()
    t = float(row.get_attribute("data-t"))
    page.wait_for_function(f"Math.abs(document.getElementById('overlay').currentTime - {t}) < 0.05")
    marks = page.locator("#overlay-timeline rect.contact")
    assert marks.count() >= 10 and page.locator("#overlay-timeline rect.lift").count() >= 10
    box = page.locator("#overlay-timeline").bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    page.wait_for_function("document.getElementById('overlay').currentTime < 0.2")
