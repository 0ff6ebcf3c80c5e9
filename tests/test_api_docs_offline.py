"""The API documentation pages work on a closed network: every asset comes from this server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from service_support import serve

from service.app import create_app
from service.core.settings import Settings

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return create_app(Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None))


def _operation_count(spec: dict[str, Any]) -> int:
    return sum(1 for ops in spec["paths"].values() for method in ops if method in HTTP_METHODS)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(app: Any, page: str) -> None:
    with TestClient(app) as client:
        html = client.get(page).text
        sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        assert sources, f"{page} references no script or style"
        for source in sources:
            assert not urlsplit(source).netloc, f"{page} loads {source} from another host"
            response = client.get(source)
            assert response.status_code == 200, f"{source}: {response.status_code}"
            assert len(response.content) > 1000, f"{source} is nearly empty"


def _offline_page(browser: Any, base: str) -> tuple[Any, list[str]]:
    """A page whose requests to any host but ``base`` fail, as on a closed network; the list
    collects the refused requests a page needs (scripts, styles, fonts, data). ReDoc's
    "powered by" logo, a decoration, is an image from its vendor's site and is not counted."""
    page = browser.new_page()
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(base):
            r.continue_()
            return
        if r.request.resource_type != "image":
            outside.append(r.request.url)
        r.abort("internetdisconnected")

    page.route("**/*", route)
    return page, outside


@pytest.mark.browser
def test_swagger_ui_renders_every_operation_offline(app: Any, browser: Any) -> None:
    with serve(app) as base:
        page, outside = _offline_page(browser, base)
        page.goto(f"{base}/docs")
        spec = page.evaluate("() => fetch('/openapi.json').then(r => r.json())")
        expected = _operation_count(spec)
        page.wait_for_function(
            f"document.querySelectorAll('.opblock').length >= {expected}", timeout=30_000
        )
        assert page.locator(".opblock").count() == expected
        assert page.locator(".opblock-summary-path").first.inner_text().startswith("/")
        assert outside == [], f"requests to other hosts: {outside}"


@pytest.mark.browser
def test_redoc_renders_the_operations_offline(app: Any, browser: Any) -> None:
    with serve(app) as base:
        page, outside = _offline_page(browser, base)
        page.goto(f"{base}/redoc")
        page.wait_for_selector("[data-section-id^='operation/']", timeout=30_000)
        assert page.locator("[data-section-id^='operation/']").count() >= 5
        assert outside == [], f"requests to other hosts: {outside}"
