"""What every query-budget test checks of the pages it asks for.

A budget test (`<app>/tests/test_query_budgets.py`, marked `@pytest.mark.query_budget("ns:name")`)
builds ROWS rows for a list, spread over many distinct related objects so that an N+1 would show
(a per-row query costs 10 more queries on the first page and 100 more on the second), warms up,
then asks for page_size=10 and page_size=100 inside `django_assert_num_queries(N)` with the same
pinned N, and checks that both pages are full.

N counts every statement Django sends while the request runs: the JWT user lookup, the
paginator's COUNT, the page, prefetches, extra aggregates. The warm-up request (page_size=1)
takes the once-per-5-minutes `last_seen` UPDATE of UpdateLastSeenMiddleware and process-wide lazy
caches (the InnoDB stopword list of the search) out of the way, so the count is stable.
"""

PAGE_SIZES = (10, 100)
ROWS = 110  # more than the largest page, so page_size=100 is full


def page_data(response) -> dict:
    """The `data` of a successful envelope."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def warm_up(client, url: str, params: dict | None = None) -> None:
    page_data(client.get(url, {**(params or {}), "page_size": 1}))


def full_page(response, size: int) -> dict:
    """The page of a list answer, which must hold `size` distinct items."""
    page = page_data(response)
    assert len(page["results"]) == size, f"page_size={size} gave {len(page['results'])} items"
    assert len(ids(page["results"])) == size, "an item appears twice on the page"
    assert page["count"] >= size
    return page


def ids(results: list[dict]) -> set[str]:
    return {row["id"] for row in results}
