"""HEAD wherever GET is allowed, and a favicon, on the real app over a real socket."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from service_support import serve

from service.app import create_app
from service.core.settings import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("http")
    app = create_app(Settings(data_dir=root / "data", local_workers=0, _env_file=None))
    with serve(app) as url:
        yield url


@pytest.mark.parametrize(
    "path", ["/", "/clinic", "/live", "/healthz", "/static/upload.js", "/favicon.ico"]
)
def test_head_answers_like_get_without_a_body(server: str, path: str) -> None:
    get = httpx.get(server + path)
    head = httpx.head(server + path)
    assert get.status_code == 200 and head.status_code == 200, path
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("content-length") == get.headers.get("content-length")


def test_head_is_refused_where_get_is(server: str) -> None:
    assert httpx.get(server + "/v1/analyses/nope").status_code == 404
    assert httpx.head(server + "/v1/analyses/nope").status_code == 404


def test_favicon_is_an_svg_every_page_links(server: str) -> None:
    icon = httpx.get(server + "/favicon.ico")
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")
    web = Path(__file__).resolve().parents[1] / "service" / "web" / "static"
    for page in ("index.html", "clinic.html", "live.html"):
        assert '<link rel="icon" href="/favicon.ico"' in (web / page).read_text(), page
