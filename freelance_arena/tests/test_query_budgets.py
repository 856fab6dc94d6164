"""Guard of the query budgets (issue 7): every list endpoint of the API has one.

The budgets live beside each app's API tests (`<app>/tests/test_query_budgets.py`): each test
pins the SQL queries of a full page of 10 and of 100 with `django_assert_num_queries` and says
which endpoint it budgets with `@pytest.mark.query_budget("namespace:url-name")`
(freelance_arena/testing/budgets.py says what is counted).

`test_every_list_endpoint_has_a_budget` finds the list endpoints in the URL resolver (DRF list
views and GET handlers that paginate) and in the OpenAPI schema (GET answering a page or an
array), collects the `query_budget` marks of those modules, and fails when an endpoint has no
budget, or when a budget names an endpoint that is gone.
"""

import importlib
import inspect
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.mixins import ListModelMixin
from rest_framework.views import APIView

BUDGET_MODULES = "*/tests/test_query_budgets.py"  # under the project root, this guard's own aside


def budget_tests() -> dict[str, list[str]]:
    """Endpoint -> the budget tests (module::function) marked `query_budget(endpoint)`."""
    root = Path(settings.BASE_DIR)
    found: dict[str, list[str]] = {}
    for path in sorted(root.glob(BUDGET_MODULES)):
        module_name = ".".join(path.relative_to(root).with_suffix("").parts)
        if module_name == __name__:
            continue
        module = importlib.import_module(module_name)
        for name, test in vars(module).items():
            if not (name.startswith("test_") and callable(test)):
                continue
            for mark in getattr(test, "pytestmark", []):
                if mark.name == "query_budget":
                    assert "django_assert_num_queries" in inspect.signature(test).parameters, (
                        f"{module_name}::{name} is a query budget without django_assert_num_queries"
                    )
                    found.setdefault(mark.args[0], []).append(f"{module_name}::{name}")
    return found


def _url_patterns(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _url_patterns(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern), pattern


def _is_list_view(view_class: type) -> bool:
    """A DRF view whose GET answers a list: a ListModelMixin, or a GET handler that paginates."""
    if not issubclass(view_class, APIView) or not hasattr(view_class, "get"):
        return False
    if issubclass(view_class, ListModelMixin):
        return True
    source = inspect.getsource(view_class.get)
    return "paginate_queryset" in source or "many=True" in source


def list_endpoints_in_resolver() -> set[str]:
    found = set()
    for name, _route, pattern in _url_patterns(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if view_class is not None and _is_list_view(view_class):
            found.add(name)
    return found


def list_endpoints_in_schema() -> set[str]:
    """GET operations of /api/schema/ whose `data` is a page (`Paginated...`) or an array."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = set()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        body = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        data = body.get("properties", {}).get("data", {})
        if data.get("type") == "array" or data.get("$ref", "").split("/")[-1].startswith("Paginated"):
            concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
            found.add(resolve(concrete).view_name)
    return found


def test_every_list_endpoint_has_a_budget():
    budgeted = set(budget_tests())
    in_resolver = list_endpoints_in_resolver()
    in_schema = list_endpoints_in_schema()
    discovered = in_resolver | in_schema

    assert discovered - budgeted == set(), f"list endpoints without a query budget in {BUDGET_MODULES}"
    assert budgeted - discovered == set(), "budgets of endpoints that are no longer list endpoints"
    # The two ways of finding them agree, so neither one is quietly finding nothing.
    assert in_resolver == in_schema


def test_the_guard_recognizes_list_views_and_nothing_else():
    from competitions.views import CompetitionDetailView, CompetitionQuestionListCreateView
    from notifications.views import NotificationListView, UnreadCountView

    assert _is_list_view(NotificationListView)  # a ListAPIView
    assert _is_list_view(CompetitionQuestionListCreateView)  # a GenericAPIView whose get paginates
    assert not _is_list_view(CompetitionDetailView)
    assert not _is_list_view(UnreadCountView)


def test_the_guard_finds_the_budgets_of_each_app():
    found = budget_tests()
    apps = {test.split(".", 1)[0] for tests in found.values() for test in tests}

    assert apps == {"accounts", "competitions", "feedback", "notifications", "payments", "proposals", "originality"}
    assert "competitions.tests.test_query_budgets::test_public_list" in found["competitions:list-create"]
