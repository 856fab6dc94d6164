"""The API docs work without internet: every asset the pages load is served by the project."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

DOCS_PAGES = ["/api/docs/", "/api/redoc/"]


class _AssetCollector(HTMLParser):
    """The URLs a browser fetches for the page: scripts, stylesheets, icons, preconnects."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for attribute in ("src", "href"):
            if values.get(attribute) and tag in {"script", "link", "img", "iframe"}:
                self.urls.append(values[attribute])
        if tag == "redoc" and values.get("spec-url"):
            self.urls.append(values["spec-url"])


def _assets(html: str) -> list[str]:
    collector = _AssetCollector()
    collector.feed(html)
    return collector.urls


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_docs_page_and_every_asset_it_loads_answer_200_from_the_project(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()

    assets = _assets(html)
    assert any(url.endswith(".js") for url in assets), assets
    for url in assets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{page} loads {url} from outside the project"
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert body, url


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_docs_pages_name_no_cdn_or_remote_url(client, page):
    html = client.get(page).content.decode()
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s\"'<>]+", html)
    assert "@latest" not in html


def test_swagger_ui_reads_the_schema_of_this_server(client):
    html = client.get("/api/docs/").content.decode()
    assert '"/api/schema/"' in html or "'/api/schema/'" in html
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert client.get("/api/schema/").status_code == 200


def test_redoc_is_served_beside_swagger_ui(client):
    html = client.get("/api/redoc/").content.decode()
    assert "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    assert "/api/schema/" in html
    # Like the Swagger page, every other method answers JSON (never a template error).
    options = client.options("/api/redoc/")
    assert options.status_code == 200
    assert options["Content-Type"].startswith("application/json")
