"""The README's reference tables for feedback, notifications and payments match the code."""

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

SECTIONS = ("feedback", "notifications", "payments")
ROW = re.compile(r"^\| (?P<methods>[A-Z, ]+) \| `(?P<url>/api/[^`]*)` \|")


def reference_rows(section: str) -> list[tuple[str, str]]:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"### {section} — ")
    end = readme.index("\n### ", start + 1)
    rows = []
    for line in readme[start:end].splitlines():
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
        schema_path = re.sub(r"<([a-z_]+)>", r"{\1}", url)
        assert method.lower() in schema_paths.get(schema_path, {}), f"{method} {url} is missing from the schema"


@pytest.mark.parametrize("section", SECTIONS)
def test_every_schema_endpoint_of_the_section_is_in_the_reference(section, schema_paths):
    documented = {(method, re.sub(r"<([a-z_]+)>", r"{\1}", url)) for method, url in reference_rows(section)}
    for path, operations in schema_paths.items():
        if not path.startswith(f"/api/{section}/"):
            continue
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                assert (method.upper(), path) in documented, f"{method.upper()} {path} is not in the README"
