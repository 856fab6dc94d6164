"""The public list's page cache: served without the database, never staler than the last write."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions import list_cache, services
from competitions.models import CompetitionStatus
from competitions.tests.conftest import URL, in_days
from competitions.tests.factories import CompetitionFactory
from proposals.tests.factories import ProposalFactory
from proposals.tests.test_submit import body as proposal_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    # On by default only with REDIS_URL; the suite's locmem cache is one process, which is enough.
    settings.PUBLIC_LIST_CACHE_SECONDS = 30


def listed(api_client, path: str = URL) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["data"], len(queries.captured_queries)


def card(data: dict, competition) -> dict | None:
    return next((c for c in data["results"] if c["id"] == str(competition.pk)), None)


@pytest.fixture
def open_competition(client_owner):
    return CompetitionFactory(client=client_owner, title="Cached card")


def test_a_repeated_page_is_served_from_the_cache_without_the_database(api_client, open_competition):
    first, queries_first = listed(api_client)
    again, queries_again = listed(api_client)
    assert queries_first >= 2  # the count and the page
    assert queries_again == 0
    assert again == first
    assert card(again, open_competition)["title"] == "Cached card"


def test_each_query_string_and_host_is_its_own_page(api_client, client_owner):
    CompetitionFactory.create_batch(3, client=client_owner)
    one, _ = listed(api_client, f"{URL}?page_size=1")
    two, _ = listed(api_client, f"{URL}?page_size=2")
    assert len(one["results"]) == 1 and len(two["results"]) == 2
    # The next link is absolute: another host gets its own page, with its own links.
    other_host = api_client.get(f"{URL}?page_size=1", HTTP_HOST="127.0.0.1").json()["data"]
    assert one["next"].startswith("http://testserver/")
    assert other_host["next"].startswith("http://127.0.0.1/")


def test_a_competition_that_opens_appears_at_once(api_client, as_user, client_owner):
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, title="Brand new", funded=True)
    before, _ = listed(api_client)
    assert card(before, draft) is None
    response = as_user(client_owner).post(f"{URL}{draft.pk}/status/", {"status": "OPEN"}, format="json")
    assert response.status_code == 200, response.content
    after, queries = listed(api_client)
    assert queries >= 2
    assert card(after, draft)["title"] == "Brand new"


def test_an_edited_competition_shows_its_new_title_at_once(api_client, as_user, open_competition, client_owner):
    listed(api_client)
    response = as_user(client_owner).patch(f"{URL}{open_competition.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 200, response.content
    after, _ = listed(api_client)
    assert card(after, open_competition)["title"] == "Renamed"


def test_a_submitted_proposal_moves_the_count_at_once(api_client, as_user, open_competition, freelancer):
    before, _ = listed(api_client)
    assert card(before, open_competition)["proposal_count"] == 0
    response = as_user(freelancer).post("/api/proposals/", proposal_body(open_competition), format="json")
    assert response.status_code == 201, response.content
    after, _ = listed(api_client)
    assert card(after, open_competition)["proposal_count"] == 1


def test_a_withdrawn_proposal_moves_the_count_at_once(api_client, as_user, open_competition, freelancer):
    proposal = ProposalFactory(competition=open_competition, freelancer=freelancer)
    before, _ = listed(api_client)
    assert card(before, open_competition)["proposal_count"] == 1
    response = as_user(freelancer).delete(f"/api/proposals/{proposal.pk}/")
    assert response.status_code in (200, 204), response.content
    after, _ = listed(api_client)
    assert card(after, open_competition)["proposal_count"] == 0


def test_the_cron_close_removes_competitions_at_once(api_client, client_owner):
    # close_expired moves competitions with one bulk UPDATE, which no post_save announces.
    due = CompetitionFactory(client=client_owner, submission_deadline=in_days(-0.01), deadline=in_days(3))
    before, _ = listed(api_client)
    assert card(before, due) is not None
    services.close_expired()
    after, _ = listed(api_client)
    assert card(after, due) is None


def test_an_admin_status_filter_is_never_cached(api_client, as_user, admin_user, client_owner):
    closed = CompetitionFactory(client=client_owner, status=CompetitionStatus.CANCELLED)
    admin = as_user(admin_user)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = admin.get(f"{URL}?status=CANCELLED")
        assert response.status_code == 200
        assert [c["id"] for c in response.json()["data"]["results"]] == [str(closed.pk)]
        assert len(queries.captured_queries) >= 2
    # The same URL for anyone else is the public (OPEN) list, whatever the cache holds.
    public = api_client.get(f"{URL}?status=CANCELLED").json()["data"]
    assert public["results"] == []


def test_errors_are_not_cached(api_client, open_competition):
    for _ in range(2):
        response = api_client.get(f"{URL}?budget_min=lots")
        assert response.status_code == 400
        assert response.json()["success"] is False


def test_the_cache_can_be_turned_off(api_client, open_competition, settings):
    settings.PUBLIC_LIST_CACHE_SECONDS = 0
    listed(api_client)
    _, queries = listed(api_client)
    assert queries >= 2


def test_a_write_bumps_the_generation_now_and_again_at_commit(django_capture_on_commit_callbacks):
    # Now: readers stop using older pages at once. At commit: a page read from the database
    # between the write and the commit (the old rows) carries a generation that is gone.
    url = "http://testserver/api/competitions/"
    before = list_cache.lookup(url)
    list_cache.store(before, {"results": ["before the write"]})
    assert list_cache.lookup(url).data == {"results": ["before the write"]}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        list_cache.invalidate()
    during = list_cache.lookup(url)
    assert during.data is None
    list_cache.store(during, {"results": ["read before the commit"]})
    assert len(callbacks) == 1
    callbacks[0]()
    after = list_cache.lookup(url)
    assert after.data is None
    assert len({before.generation, during.generation, after.generation}) == 3


def test_a_lost_generation_never_revives_old_pages():
    url = "http://testserver/api/competitions/"
    list_cache.store(list_cache.lookup(url), {"results": ["stale"]})
    cache.delete(list_cache.GENERATION_KEY)  # evicted
    assert list_cache.lookup(url).data is None
