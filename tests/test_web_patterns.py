"""Input patterns the browser really checks: Chromium compiles a ``pattern`` with the v flag,
where an invalid expression is silently never applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_support import serve

from service.app import create_app
from service.core.settings import Settings

pytestmark = pytest.mark.browser

INVALID_JS = """() => [...document.querySelectorAll("input[pattern]")].filter((e) => {
  try { new RegExp(`^(?:${e.pattern})$`, "v"); return false; } catch { return true; }
}).map((e) => e.id)"""


@pytest.mark.parametrize(("path", "field"), [("/clinic", "#new-patient-id"), ("/live", "#patient")])
def test_patient_code_pattern_is_checked_in_the_browser(
    tmp_path: Path, browser, path: str, field: str
) -> None:
    settings = Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None)
    with serve(create_app(settings)) as url:
        page = browser.new_page()
        page.goto(url + path)
        assert page.evaluate(INVALID_JS) == []
        page.fill(field, "P-01.a_b")
        assert page.eval_on_selector(field, "e => e.checkValidity()") is True
        page.fill(field, "no spaces!")
        assert page.eval_on_selector(field, "e => e.validity.patternMismatch") is True
