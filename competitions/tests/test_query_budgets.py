"""Query budgets of the competition lists: a pinned number of SQL queries per request, the same
for a full page of 10 and a full page of 100 (what is counted: freelance_arena/testing/budgets.py).

The nested list of the detail (a competition's public questions) gets the same treatment with
10 and 100 questions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from competitions.models import Competition, CompetitionBookmark, CompetitionStatus
from freelance_arena.testing.budgets import PAGE_SIZES, ROWS, full_page, ids, page_data, warm_up
from freelance_arena.testing.bulk import make_competitions, make_proposals, make_questions, make_users
from proposals.models import ProposalStatus

pytestmark = pytest.mark.django_db

LIST = "competitions:list-create"


def open_market(cast, *, status: str = CompetitionStatus.OPEN, n: int = ROWS, **fields) -> list[Competition]:
    """`n` competitions of `n` distinct clients, each with two live proposals (charlie's and
    dana's) and a withdrawn one, plus drafts and closed competitions that lists must skip."""
    clients = make_users(n, Role.CLIENT)
    competitions = make_competitions(n, clients, status=status, **fields)
    quitter = make_users(1)[0]
    make_proposals([(c, cast.charlie) for c in competitions] + [(c, cast.dana) for c in competitions])
    make_proposals([(c, quitter) for c in competitions], status=ProposalStatus.WITHDRAWN)
    make_competitions(5, [cast.bob], status=CompetitionStatus.DRAFT)
    make_competitions(5, [cast.bob], status=CompetitionStatus.CANCELLED)
    if status != CompetitionStatus.CLOSED:
        make_competitions(5, [cast.bob], status=CompetitionStatus.CLOSED)
    return competitions


def check_public_cards(results: list[dict]) -> None:
    for row in results:
        assert row["status"] == CompetitionStatus.OPEN
        assert row["proposal_count"] == 2  # charlie's and dana's; the withdrawn one does not count
        assert row["is_open"] is True
        assert row["client_username"].startswith("budget")
    assert len({row["client_username"] for row in results}) == len(results)


# competitions:list-create (GET: the public list) -------------------------------------------------


@pytest.mark.query_budget(LIST)
@pytest.mark.parametrize(("viewer", "queries"), [("anonymous", 3), ("charlie", 4), ("alice", 4), ("admin", 4)])
def test_public_list(viewer, queries, cast, as_user, django_assert_num_queries):
    open_market(cast)
    client, url = as_user(cast[viewer]), reverse(LIST)
    warm_up(client, url)

    with django_assert_num_queries(queries):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(queries):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    check_public_cards(full_page(hundred, 100)["results"])


@pytest.mark.query_budget(LIST)
def test_public_list_admin_status_filter(cast, as_user, django_assert_num_queries):
    open_market(cast, status=CompetitionStatus.CLOSED)
    make_competitions(10, [cast.bob])  # OPEN: filtered out
    client, url, params = as_user(cast.admin), reverse(LIST), {"status": CompetitionStatus.CLOSED}
    warm_up(client, url, params)

    with django_assert_num_queries(4):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    results = full_page(hundred, 100)["results"]
    assert {row["status"] for row in results} == {CompetitionStatus.CLOSED}
    assert all(row["proposal_count"] == 2 for row in results)


@pytest.mark.query_budget(LIST)
def test_public_list_every_filter(cast, as_user, django_assert_num_queries):
    now = timezone.now()
    matching = {
        "category": "Design",
        "budget": lambda i: Decimal(500 + i * 3),
        "deadline": lambda i: now + timedelta(days=12, hours=i),
        "tags": "figma,ui",
    }
    open_market(cast, **matching)
    # One filter missed each.
    make_competitions(5, [cast.bob], **{**matching, "category": "web"})
    make_competitions(5, [cast.bob], **{**matching, "budget": Decimal("499.00")})
    make_competitions(5, [cast.bob], **{**matching, "budget": Decimal("901.00")})
    make_competitions(5, [cast.bob], **{**matching, "deadline": now + timedelta(days=8)})
    make_competitions(5, [cast.bob], **{**matching, "deadline": now + timedelta(days=30)})
    make_competitions(5, [cast.bob], **{**matching, "tags": "html"})
    params = {
        "category": "design",
        "budget_min": "500",
        "budget_max": "900",
        "deadline_after": (now + timedelta(days=10)).isoformat(),
        "deadline_before": (now + timedelta(days=20)).isoformat(),
        "tags": "figma",
    }
    client, url = as_user(None), reverse(LIST)
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert {row["category"] for row in page["results"]} == {"Design"}
    assert all(Decimal("500") <= Decimal(row["budget"]) <= Decimal("900") for row in page["results"])
    check_public_cards(page["results"])


@pytest.mark.query_budget(LIST)
def test_public_list_ordered_by_budget(cast, as_user, django_assert_num_queries):
    open_market(cast)
    client, url, params = as_user(None), reverse(LIST), {"ordering": "-budget"}
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    results = full_page(hundred, 100)["results"]
    budgets = [Decimal(row["budget"]) for row in results]
    assert budgets == sorted(budgets, reverse=True)
    check_public_cards(results)


@pytest.mark.query_budget(LIST)
def test_public_list_ordered_by_deadline(cast, as_user, django_assert_num_queries):
    open_market(cast)
    client, url, params = as_user(None), reverse(LIST), {"ordering": "deadline"}
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    results = full_page(hundred, 100)["results"]
    deadlines = [row["deadline"] for row in results]
    assert deadlines == sorted(deadlines)
    check_public_cards(results)


@pytest.mark.query_budget(LIST)
@pytest.mark.django_db(transaction=True)  # InnoDB FULLTEXT sees committed rows only
def test_public_list_search(cast, as_user, django_assert_num_queries):
    # "kubernetes" goes through the FULLTEXT index, "go" (too short for it) through LIKE.
    open_market(cast, title=lambda i: f"Kubernetes cluster {i}", description="Operators written in Go.")
    make_competitions(10, [cast.bob], title="Landing page", description="Written in Go.")
    make_competitions(10, [cast.bob], title="Kubernetes", description="Helm charts only.")
    client, url, params = as_user(None), reverse(LIST), {"search": "kubernetes go"}
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert all(row["title"].startswith("Kubernetes cluster") for row in page["results"])
    check_public_cards(page["results"])


# competitions:mine -----------------------------------------------------------------------------


def check_alice_cards(results: list[dict]) -> None:
    assert {row["client_username"] for row in results} == {"alice"}


@pytest.mark.query_budget("competitions:mine")
def test_my_competitions(cast, as_user, django_assert_num_queries):
    per_status = ROWS // len(CompetitionStatus.values) + 1
    for status in CompetitionStatus.values:
        competitions = make_competitions(per_status, [cast.alice], status=status)
        if status != CompetitionStatus.DRAFT:
            make_proposals([(c, cast.charlie) for c in competitions])
    make_competitions(10, [cast.bob])
    client, url = as_user(cast.alice), reverse("competitions:mine")
    warm_up(client, url)

    with django_assert_num_queries(4):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    results = full_page(hundred, 100)["results"]
    check_alice_cards(results)
    assert len({row["status"] for row in results}) > 1


@pytest.mark.query_budget("competitions:mine")
def test_my_competitions_status_and_ordering(cast, as_user, django_assert_num_queries):
    competitions = make_competitions(ROWS, [cast.alice])
    make_proposals([(c, cast.charlie) for c in competitions] + [(c, cast.dana) for c in competitions])
    make_competitions(20, [cast.alice], status=CompetitionStatus.CLOSED)
    client, url = as_user(cast.alice), reverse("competitions:mine")
    params = {"status": CompetitionStatus.OPEN, "ordering": "-budget"}
    warm_up(client, url, params)

    with django_assert_num_queries(4):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    results = full_page(hundred, 100)["results"]
    check_alice_cards(results)
    assert {row["status"] for row in results} == {CompetitionStatus.OPEN}
    assert all(row["proposal_count"] == 2 for row in results)
    budgets = [Decimal(row["budget"]) for row in results]
    assert budgets == sorted(budgets, reverse=True)


@pytest.mark.query_budget("competitions:mine")
@pytest.mark.django_db(transaction=True)  # InnoDB FULLTEXT sees committed rows only
def test_my_competitions_search(cast, as_user, django_assert_num_queries):
    make_competitions(ROWS, [cast.alice], title=lambda i: f"Kubernetes migration {i}")
    make_competitions(20, [cast.alice], title="Landing page")
    make_competitions(20, [cast.bob], title="Kubernetes migration")
    client, url, params = as_user(cast.alice), reverse("competitions:mine"), {"search": "kubernetes"}
    warm_up(client, url, params)

    with django_assert_num_queries(4):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    check_alice_cards(page["results"])
    assert all(row["title"].startswith("Kubernetes") for row in page["results"])


# competitions:bookmarks ------------------------------------------------------------------------


@pytest.mark.query_budget("competitions:bookmarks")
@pytest.mark.parametrize("bookmarker", ["charlie", "alice"])  # a freelancer's and a client's
def test_bookmarks(bookmarker, cast, as_user, django_assert_num_queries):
    user: User = cast[bookmarker]
    competitions = open_market(cast)
    CompetitionBookmark.objects.bulk_create(CompetitionBookmark(competition=c, user=user) for c in competitions)
    CompetitionBookmark.objects.bulk_create(
        CompetitionBookmark(competition=c, user=cast.bob) for c in competitions[:20]
    )
    bookmarked = {str(c.pk) for c in competitions}
    client, url = as_user(user), reverse("competitions:bookmarks")
    warm_up(client, url)

    with django_assert_num_queries(4):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= bookmarked
    check_public_cards(page["results"])


# competitions:questions ------------------------------------------------------------------------


def competition_with_questions(cast) -> tuple[Competition, set[str]]:
    """alice's competition: ROWS public questions of ROWS askers (half answered), ROWS private
    ones of charlie, 20 private ones of other freelancers."""
    competition = make_competitions(1, [cast.alice])[0]
    make_questions(competition, make_users(ROWS), is_public=True, answered_by=cast.alice)
    charlies = make_questions(competition, [cast.charlie] * ROWS, is_public=False, answered_by=cast.alice)
    make_questions(competition, make_users(20), is_public=False)
    make_questions(make_competitions(1, [cast.bob])[0], make_users(10), is_public=True)
    return competition, {str(q.pk) for q in charlies}


@pytest.mark.query_budget("competitions:questions")
def test_questions_anonymous(cast, as_user, django_assert_num_queries):
    competition, _ = competition_with_questions(cast)
    client, url = as_user(None), reverse("competitions:questions", kwargs={"pk": competition.pk})
    warm_up(client, url)

    with django_assert_num_queries(3):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert all(row["is_public"] and row["competition"] == str(competition.pk) for row in page["results"])
    assert len({row["asked_by_username"] for row in page["results"]}) == len(page["results"])


@pytest.mark.query_budget("competitions:questions")
def test_questions_of_the_asker(cast, as_user, django_assert_num_queries):
    competition, charlies = competition_with_questions(cast)
    client, url = as_user(cast.charlie), reverse("competitions:questions", kwargs={"pk": competition.pk})
    warm_up(client, url)

    with django_assert_num_queries(4):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == 2 * ROWS
    assert all(row["is_public"] or row["id"] in charlies for row in page["results"])


@pytest.mark.query_budget("competitions:questions")
def test_questions_of_the_owner(cast, as_user, django_assert_num_queries):
    competition, _ = competition_with_questions(cast)
    client, url = as_user(cast.alice), reverse("competitions:questions", kwargs={"pk": competition.pk})
    warm_up(client, url)

    with django_assert_num_queries(4):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == 2 * ROWS + 20
    assert all(row["competition"] == str(competition.pk) for row in page["results"])


@pytest.mark.query_budget("competitions:questions")
def test_questions_as_admin(cast, as_user, django_assert_num_queries):
    competition, _ = competition_with_questions(cast)
    client, url = as_user(cast.admin), reverse("competitions:questions", kwargs={"pk": competition.pk})
    warm_up(client, url)

    with django_assert_num_queries(4):
        ten = client.get(url, {"page_size": 10})
    with django_assert_num_queries(4):
        hundred = client.get(url, {"page_size": 100})

    full_page(ten, 10)
    assert full_page(hundred, 100)["count"] == 2 * ROWS + 20


# competitions:detail: its nested list of public questions ------------------------------------


@pytest.mark.parametrize(("viewer", "queries"), [("anonymous", 2), ("alice", 3)])  # anonymous, the owner
def test_detail_questions(viewer, queries, cast, as_user, django_assert_num_queries):
    """Two of alice's competitions with 10 and 100 public questions of distinct askers (and
    private ones the detail must leave out): the detail costs the same for both."""
    urls = {}
    for size in PAGE_SIZES:
        competition = make_competitions(1, [cast.alice])[0]
        make_questions(competition, make_users(size), is_public=True, answered_by=cast.alice)
        make_questions(competition, make_users(5), is_public=False)
        urls[size] = reverse("competitions:detail", kwargs={"pk": competition.pk})
    client = as_user(cast[viewer])
    for size, url in urls.items():
        page_data(client.get(url))  # warm-up

        with django_assert_num_queries(queries):
            response = client.get(url)

        questions = page_data(response)["questions"]
        assert len(questions) == size, f"questions: {len(questions)} instead of {size}"
        assert all(row["is_public"] for row in questions)
        assert len({row["asked_by_username"] for row in questions}) == len(questions)
