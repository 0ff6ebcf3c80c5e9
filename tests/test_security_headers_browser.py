"""The pages and the HTML report under the service's real Content-Security-Policy, in headless
Chromium: their scripts run, their styles and images load, and the browser reports no
violation of the policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from service_support import serve

from service.app import create_app
from service.core.security_headers import CONTENT_SECURITY_POLICY
from service.core.settings import Settings
from service.reports.render import render_html
from tests.report_docs import three_visits

pytestmark = pytest.mark.browser

# Records every violation the page's own code or resources cause (init scripts run before the
# page's and are not subject to its policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture
def server(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None)
    with serve(create_app(settings)) as url:
        yield url


def _strict_page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(bypass_csp=False)
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    return page, errors


@pytest.mark.parametrize(
    ("path", "page_function"),
    [("/", "chosen"), ("/clinic", "showPatients"), ("/live", "socketUrl")],
)
def test_pages_work_under_the_policy(server: str, browser: Any, path: str, page_function: str):
    page, errors = _strict_page(browser)
    response = page.goto(server + path, wait_until="load")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    # The shared script and the page's own both ran.
    assert page.evaluate(f"[typeof apiKey, typeof {page_function}]") == ["function"] * 2
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("window.__cspViolations") == [] and errors == []
    page.close()


def test_report_renders_under_the_policy(browser: Any) -> None:
    html = render_html(three_visits(), {"id": "P-017"})
    page, errors = _strict_page(browser)
    page.route(
        "http://report.test/report.html",
        lambda route: route.fulfill(
            status=200,
            body=html,
            headers={
                "content-type": "text/html; charset=utf-8",
                "content-security-policy": CONTENT_SECURITY_POLICY,
            },
        ),
    )
    page.goto("http://report.test/report.html", wait_until="load")
    sizes = page.eval_on_selector_all("img.plot", "imgs => imgs.map(i => i.naturalWidth)")
    assert sizes and all(w > 400 for w in sizes)
    assert page.evaluate("window.__cspViolations") == [] and errors == []
    page.close()


@pytest.mark.parametrize(
    ("path", "rendered"),
    [("/docs", ".opblock"), ("/redoc", "[data-section-id^='operation/']")],
)
def test_docs_pages_render_under_their_policy(
    server: str, browser: Any, path: str, rendered: str
) -> None:
    page, errors = _strict_page(browser)
    response = page.goto(server + path, wait_until="load")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_selector(rendered, timeout=30_000)
    assert page.locator(rendered).count() >= 5
    # ReDoc's "powered by" logo is an image on its vendor's site: blocking it is intended.
    violations = page.evaluate("window.__cspViolations")
    assert [v for v in violations if not v.endswith("/redoc/logo-mini.svg")] == []
    assert [e for e in errors if "logo-mini.svg" not in e] == []
    page.close()
