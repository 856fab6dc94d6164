"""Every README reference table matches the code: each row is a real endpoint in the URL conf and
in the OpenAPI schema, and each schema endpoint of an app has its row."""

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

SECTIONS = ("accounts", "competitions", "proposals", "feedback", "notifications", "payments")
ROW = re.compile(r"^\| (?P<methods>[A-Z, ]+) \| `(?P<url>/api/[^`]*)` \|")
PLACEHOLDER = re.compile(r"<[a-z_]+>|\{[a-z_]+\}")


def shape(path: str) -> str:
    """`/api/x/<id>/` and `/api/x/{pk}/` are the same endpoint: placeholder names may differ."""
    return PLACEHOLDER.sub("{}", path)


def section_text(section: str) -> str:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"### {section} — ")
    return readme[start : readme.index("\n### ", start + 1)]


def base_path(section: str) -> str:
    """The app's URL prefix, from its heading: "### accounts — `/api/auth/`"."""
    return re.match(r"### \S+ — `(/api/[^`]+)`", section_text(section))[1]


def reference_rows(section: str) -> list[tuple[str, str]]:
    rows = []
    for line in section_text(section).splitlines():
        match = ROW.match(line)
        if match:
            rows.extend((method.strip(), match["url"]) for method in match["methods"].split(","))
    return rows


@pytest.fixture(scope="module")
def schema_paths() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["paths"]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_reference_row_is_a_real_endpoint_in_the_schema(section, schema_paths):
    rows = reference_rows(section)
    assert rows, f"no reference table for {section}"
    for method, url in rows:
        concrete = re.sub(r"<[a-z_]+>", str(uuid.uuid4()), url)
        view_class = resolve(concrete).func.view_class
        assert hasattr(view_class, method.lower()), f"{method} {url} is not handled by {view_class.__name__}"
        in_schema = {m for path, ops in schema_paths.items() if shape(path) == shape(url) for m in ops}
        assert method.lower() in in_schema, f"{method} {url} is missing from the schema"


@pytest.mark.parametrize("section", SECTIONS)
def test_every_schema_endpoint_of_the_section_is_in_the_reference(section, schema_paths):
    documented = {(method, shape(url)) for method, url in reference_rows(section)}
    prefix = base_path(section)
    assert any(path.startswith(prefix) for path in schema_paths), f"nothing under {prefix} in the schema"
    for path, operations in schema_paths.items():
        if not path.startswith(prefix):
            continue
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                assert (method.upper(), shape(path)) in documented, f"{method.upper()} {path} is not in the README"
