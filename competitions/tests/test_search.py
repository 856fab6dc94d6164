"""`?search=` on the competition lists, backed by the FULLTEXT index on MySQL/MariaDB.

InnoDB applies FULLTEXT changes at commit, so these tests commit their rows
(`transaction=True`) as a real request would see them.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions.models import CompetitionStatus
from competitions.tests.conftest import URL, ok
from competitions.tests.factories import CompetitionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def titles(data) -> list[str]:
    return sorted(row["title"] for row in data["results"])


@pytest.fixture
def catalogue(client_owner):
    CompetitionFactory(client=client_owner, title="Mobile app", description="Flutter please")
    CompetitionFactory(client=client_owner, title="Website", description="A shop in Django")
    CompetitionFactory(client=client_owner, title="Developer portal", description="Docs for an API")
    CompetitionFactory(client=client_owner, title="Mobile game", description="Unity and C#")
    CompetitionFactory(client=client_owner, title="Mobile draft", description="hidden", status=CompetitionStatus.DRAFT)


def test_search_matches_title_and_description_case_insensitively(api_client, catalogue):
    assert titles(ok(api_client.get(URL, {"search": "MOBILE"}))) == ["Mobile app", "Mobile game"]
    assert titles(ok(api_client.get(URL, {"search": "django"}))) == ["Website"]


def test_search_matches_word_prefixes(api_client, catalogue):
    assert titles(ok(api_client.get(URL, {"search": "dev"}))) == ["Developer portal"]


def test_every_word_must_match(api_client, catalogue):
    assert titles(ok(api_client.get(URL, {"search": "mobile unity"}))) == ["Mobile game"]
    assert titles(ok(api_client.get(URL, {"search": "mobile django"}))) == []


def test_short_words_and_stopwords_still_filter(api_client, catalogue):
    # "C" is below the index's minimum word length, "for" and "an" are InnoDB stopwords.
    assert titles(ok(api_client.get(URL, {"search": "mobile c"}))) == ["Mobile game"]
    assert titles(ok(api_client.get(URL, {"search": "docs for an"}))) == ["Developer portal"]


def test_search_never_shows_drafts(api_client, catalogue):
    assert "Mobile draft" not in titles(ok(api_client.get(URL, {"search": "draft"})))


@pytest.mark.parametrize("term", ['+-*"()~<>@', "mobile*)(", "'; DROP TABLE x; --", "🎨", "a" * 300])
def test_boolean_operators_and_odd_input_are_plain_text_not_errors(api_client, catalogue, term):
    ok(api_client.get(URL, {"search": term}))


def test_search_uses_the_fulltext_index(api_client, catalogue):
    with CaptureQueriesContext(connection) as queries:
        ok(api_client.get(URL, {"search": "mobile"}))
    assert any("MATCH(" in q["sql"] and "AGAINST" in q["sql"] for q in queries.captured_queries)
    assert not any("LIKE" in q["sql"] for q in queries.captured_queries)


def test_mine_searches_the_same_way(as_user, client_owner, catalogue):
    data = ok(as_user(client_owner).get(f"{URL}mine/", {"search": "mobile"}))
    assert titles(data) == ["Mobile app", "Mobile draft", "Mobile game"]
