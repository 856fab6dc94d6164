"""The competitions section of the API contract, over HTTP with real JWTs, on MySQL."""

from decimal import Decimal

import pytest

from accounts.tests.factories import ClientFactory
from competitions.models import Competition, CompetitionStatus
from competitions.tests.conftest import URL, create_payload, detail_url, error, in_days, iso, ok
from competitions.tests.factories import CompetitionFactory
from feedback.models import UserRating
from proposals.models import ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


# --- Create -------------------------------------------------------------------------------------


def test_client_creates_a_draft_competition(as_user, client_owner):
    data = ok(as_user(client_owner).post(URL, create_payload(), format="json"), 201)

    assert data["status"] == CompetitionStatus.DRAFT
    assert data["client"]["id"] == str(client_owner.pk)
    assert data["client"]["username"] == "alice"
    assert "email" not in data["client"]
    assert data["budget"] == "1500.00"
    assert data["currency"] == "EUR"
    assert data["tags"] == "html,css"
    assert data["published_at"] is None
    assert data["proposal_count"] == 0
    assert data["questions"] == []
    competition = Competition.objects.get(pk=data["id"])
    assert competition.client == client_owner
    assert competition.status == CompetitionStatus.DRAFT


def test_create_ignores_status_and_client_in_the_body(as_user, client_owner, other_client):
    body = create_payload(status="OPEN", client=str(other_client.pk))
    data = ok(as_user(client_owner).post(URL, body, format="json"), 201)

    competition = Competition.objects.get(pk=data["id"])
    assert competition.status == CompetitionStatus.DRAFT
    assert competition.client == client_owner


def test_currency_defaults_to_usd(as_user, client_owner):
    body = create_payload()
    del body["currency"]
    data = ok(as_user(client_owner).post(URL, body, format="json"), 201)
    assert data["currency"] == "USD"


def test_freelancer_cannot_create_a_competition(as_user, freelancer):
    error(as_user(freelancer).post(URL, create_payload(), format="json"), 403)
    assert not Competition.objects.exists()


def test_anonymous_cannot_create_a_competition(api_client):
    error(api_client.post(URL, create_payload(), format="json"), 401)
    assert not Competition.objects.exists()


def test_admin_cannot_create_a_competition(as_user, admin_user):
    error(as_user(admin_user).post(URL, create_payload(), format="json"), 403)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deadline": iso(in_days(-1)), "submission_deadline": iso(in_days(-2))}, "deadline"),
        ({"submission_deadline": iso(in_days(-1))}, "submission_deadline"),
        ({"submission_deadline": iso(in_days(40))}, "submission_deadline"),
        (
            {"submission_deadline": iso(in_days(30).replace(microsecond=0))} | {"deadline": "SAME"},
            "submission_deadline",
        ),
        ({"budget": "0"}, "budget"),
        ({"budget": "-10.00"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"max_proposals": 0}, "max_proposals"),
        ({"max_proposals": -3}, "max_proposals"),
        ({"currency": "usd"}, "currency"),
        ({"currency": "US"}, "currency"),
        ({"currency": "US1"}, "currency"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"category": ""}, "category"),
        ({"description": ""}, "description"),
    ],
)
def test_create_validation_error_names_the_field(as_user, client_owner, overrides, field):
    if overrides.get("deadline") == "SAME":  # submission deadline equal to the deadline
        overrides = {**overrides, "deadline": overrides["submission_deadline"]}
    errors = error(as_user(client_owner).post(URL, create_payload(**overrides), format="json"), 400)

    assert field in errors
    assert isinstance(errors[field], list) and errors[field]
    assert not Competition.objects.exists()


def test_create_validation_messages_are_human(as_user, client_owner):
    response = as_user(client_owner).post(
        URL, create_payload(submission_deadline=iso(in_days(31)), budget="0"), format="json"
    )
    errors = error(response, 400)
    assert errors["budget"] == ["The budget must be greater than zero."]
    response = as_user(client_owner).post(URL, create_payload(submission_deadline=iso(in_days(31))), format="json")
    errors = error(response, 400)
    assert errors["submission_deadline"] == ["The submission deadline must be before the deadline."]
    assert response.json()["message"] == "submission_deadline: The submission deadline must be before the deadline."


def test_missing_required_fields_are_each_reported(as_user, client_owner):
    errors = error(as_user(client_owner).post(URL, {}, format="json"), 400)
    for field in ("title", "description", "requirements", "budget", "deadline", "submission_deadline", "category"):
        assert field in errors


def test_max_proposals_may_be_empty_for_unlimited(as_user, client_owner):
    data = ok(as_user(client_owner).post(URL, create_payload(max_proposals=None), format="json"), 201)
    assert data["max_proposals"] is None


def test_emoji_title_round_trips_through_mysql(as_user, client_owner):
    title = "Logo for a café ☕ with rockets 🚀🎨 and 👩🏽‍💻"
    data = ok(as_user(client_owner).post(URL, create_payload(title=title, description="🍰 " * 10), format="json"), 201)
    assert data["title"] == title

    competition = Competition.objects.get(pk=data["id"])
    competition.refresh_from_db()
    assert competition.title == title
    fetched = ok(as_user(client_owner).get(detail_url(competition)))
    assert fetched["title"] == title
    assert fetched["description"].startswith("🍰")


# --- Public list --------------------------------------------------------------------------------


def _titles(data) -> list[str]:
    return [row["title"] for row in data["results"]]


def test_public_list_shows_open_competitions_only(api_client, client_owner):
    CompetitionFactory(client=client_owner, title="open one")
    for status in (CompetitionStatus.DRAFT, CompetitionStatus.REVIEW, CompetitionStatus.CLOSED):
        CompetitionFactory(client=client_owner, status=status, title=f"{status} one")

    data = ok(api_client.get(URL))

    assert data["count"] == 1
    assert _titles(data) == ["open one"]
    row = data["results"][0]
    assert set(row) == {
        "id",
        "title",
        "client_username",
        "budget",
        "currency",
        "deadline",
        "status",
        "category",
        "proposal_count",
        "is_open",
        "created_at",
    }
    assert row["client_username"] == "alice"
    assert row["is_open"] is True


@pytest.mark.parametrize("role", ["anonymous", "client_owner", "freelancer"])
def test_non_admins_always_get_open_even_when_asking_for_a_status(request, as_user, client_owner, role):
    CompetitionFactory(client=client_owner, title="open one")
    CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, title="draft one")
    user = None if role == "anonymous" else request.getfixturevalue(role)

    data = ok(as_user(user).get(URL, {"status": "DRAFT"}))

    assert _titles(data) == ["open one"]


def test_admin_may_filter_the_list_by_any_status(as_user, admin_user, client_owner):
    CompetitionFactory(client=client_owner, title="open one")
    CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, title="draft one")
    CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED, title="closed one")

    assert _titles(ok(as_user(admin_user).get(URL, {"status": "DRAFT"}))) == ["draft one"]
    assert _titles(ok(as_user(admin_user).get(URL, {"status": "CLOSED"}))) == ["closed one"]
    assert _titles(ok(as_user(admin_user).get(URL))) == ["open one"]


def test_list_proposal_count_excludes_withdrawn_proposals(api_client, open_competition):
    ProposalFactory.create_batch(2, competition=open_competition)
    ProposalFactory(competition=open_competition, status=ProposalStatus.WITHDRAWN)

    data = ok(api_client.get(URL))

    assert data["results"][0]["proposal_count"] == 2


def test_list_filters(api_client, client_owner):
    CompetitionFactory(
        client=client_owner, title="cheap web", category="web", budget=Decimal("100.00"), tags="html,css"
    )
    CompetitionFactory(
        client=client_owner,
        title="pricey design",
        category="Design",
        budget=Decimal("5000.00"),
        tags="figma,logo",
        submission_deadline=in_days(40),
        deadline=in_days(60),
    )

    assert _titles(ok(api_client.get(URL, {"category": "design"}))) == ["pricey design"]
    assert _titles(ok(api_client.get(URL, {"budget_min": "1000"}))) == ["pricey design"]
    assert _titles(ok(api_client.get(URL, {"budget_max": "100"}))) == ["cheap web"]
    assert _titles(ok(api_client.get(URL, {"deadline_before": iso(in_days(30))}))) == ["cheap web"]
    assert _titles(ok(api_client.get(URL, {"deadline_after": iso(in_days(30))}))) == ["pricey design"]
    assert _titles(ok(api_client.get(URL, {"deadline_after": in_days(30).date().isoformat()}))) == ["pricey design"]
    assert _titles(ok(api_client.get(URL, {"tags": "LOGO"}))) == ["pricey design"]
    assert _titles(ok(api_client.get(URL, {"tags": "css", "budget_max": "100"}))) == ["cheap web"]


def test_invalid_filter_value_is_a_400_not_a_500(api_client, open_competition):
    errors = error(api_client.get(URL, {"budget_min": "lots"}), 400)
    assert "budget_min" in errors


def test_ordering_by_budget_deadline_and_created_at(api_client, client_owner):
    a = CompetitionFactory(client=client_owner, title="a", budget=Decimal("300"), deadline=in_days(20))
    b = CompetitionFactory(client=client_owner, title="b", budget=Decimal("100"), deadline=in_days(30))
    c = CompetitionFactory(client=client_owner, title="c", budget=Decimal("200"), deadline=in_days(10))
    Competition.objects.filter(pk=a.pk).update(created_at=in_days(-3))
    Competition.objects.filter(pk=b.pk).update(created_at=in_days(-2))
    Competition.objects.filter(pk=c.pk).update(created_at=in_days(-1))

    assert _titles(ok(api_client.get(URL, {"ordering": "budget"}))) == ["b", "c", "a"]
    assert _titles(ok(api_client.get(URL, {"ordering": "-budget"}))) == ["a", "c", "b"]
    assert _titles(ok(api_client.get(URL, {"ordering": "deadline"}))) == ["c", "a", "b"]
    assert _titles(ok(api_client.get(URL, {"ordering": "created_at"}))) == ["a", "b", "c"]
    assert _titles(ok(api_client.get(URL))) == ["c", "b", "a"]  # newest first by default


@pytest.mark.parametrize("ordering", ["password", "client__password", "nonsense", "-", "budget;drop", ""])
def test_unknown_ordering_is_ignored(api_client, client_owner, ordering):
    CompetitionFactory(client=client_owner, title="one")
    CompetitionFactory(client=client_owner, title="two")

    data = ok(api_client.get(URL, {"ordering": ordering}))

    assert data["count"] == 2


def test_page_past_the_end_is_a_404(api_client, open_competition):
    error(api_client.get(URL, {"page": 5}), 404)


def test_list_query_count_does_not_grow_with_page_size(api_client, client_owner, django_assert_max_num_queries):
    for competition in CompetitionFactory.create_batch(30, client=ClientFactory()):
        ProposalFactory(competition=competition)
    CompetitionFactory.create_batch(5, client=client_owner)

    with django_assert_max_num_queries(3):
        small = ok(api_client.get(URL, {"page_size": 10}))
    with django_assert_max_num_queries(3):
        large = ok(api_client.get(URL, {"page_size": 100}))

    assert len(small["results"]) == 10
    assert len(large["results"]) == 35


def test_authenticated_list_query_count_is_bounded(as_user, freelancer, django_assert_max_num_queries):
    CompetitionFactory.create_batch(25)
    api = as_user(freelancer)
    with django_assert_max_num_queries(6):
        data = ok(api.get(URL, {"page_size": 25}))
    assert len(data["results"]) == 25


# --- mine/ and bookmarks/ -----------------------------------------------------------------------


def test_mine_lists_own_competitions_of_every_status(as_user, client_owner, other_client):
    for status in CompetitionStatus.values:
        CompetitionFactory(client=client_owner, status=status, title=f"mine {status}")
    CompetitionFactory(client=other_client, title="not mine")

    data = ok(as_user(client_owner).get(f"{URL}mine/"))
    assert sorted(_titles(data)) == sorted(f"mine {status}" for status in CompetitionStatus.values)

    data = ok(as_user(client_owner).get(f"{URL}mine/", {"status": "DRAFT"}))
    assert _titles(data) == ["mine DRAFT"]


def test_mine_is_for_clients_only(as_user, api_client, freelancer):
    error(as_user(freelancer).get(f"{URL}mine/"), 403)
    error(api_client.get(f"{URL}mine/"), 401)


def test_bookmark_toggle_and_bookmarks_list(as_user, freelancer, open_competition):
    api = as_user(freelancer)
    url = f"{detail_url(open_competition)}bookmark/"

    assert ok(api.post(url)) == {"bookmarked": True}
    assert open_competition.bookmarks.filter(user=freelancer).count() == 1
    data = ok(api.get(f"{URL}bookmarks/"))
    assert _titles(data) == ["Open contest"]

    assert ok(api.post(url)) == {"bookmarked": False}
    assert not open_competition.bookmarks.filter(user=freelancer).exists()
    assert ok(api.get(f"{URL}bookmarks/"))["count"] == 0


def test_bookmarks_are_per_user(as_user, freelancer, other_freelancer, open_competition):
    ok(as_user(freelancer).post(f"{detail_url(open_competition)}bookmark/"))
    assert ok(as_user(other_freelancer).get(f"{URL}bookmarks/"))["count"] == 0


def test_bookmarks_need_authentication(api_client, open_competition):
    error(api_client.post(f"{detail_url(open_competition)}bookmark/"), 401)
    error(api_client.get(f"{URL}bookmarks/"), 401)


# --- Detail and the visibility of drafts --------------------------------------------------------


def test_anyone_reads_an_open_competition(api_client, open_competition):
    UserRating.objects.create(user=open_competition.client, average_rating=Decimal("4.50"), total_reviews=2)
    data = ok(api_client.get(detail_url(open_competition)))

    assert data["id"] == str(open_competition.pk)
    assert data["client"] == {
        "id": str(open_competition.client.pk),
        "username": "alice",
        "first_name": open_competition.client.first_name,
        "last_name": open_competition.client.last_name,
        "profile_picture": None,
        "average_rating": "4.50",
    }
    for field in (
        "description",
        "requirements",
        "submission_deadline",
        "tags",
        "max_proposals",
        "allow_questions",
        "updated_at",
        "winner",
        "winning_proposal",
        "is_open",
        "proposal_count",
        "questions",
    ):
        assert field in data


def test_client_without_reviews_has_a_zero_rating(api_client, open_competition):
    assert ok(api_client.get(detail_url(open_competition)))["client"]["average_rating"] == "0.00"


def test_detail_lists_public_questions_only(api_client, as_user, open_competition, freelancer):
    from competitions.tests.factories import CompetitionQuestionFactory

    CompetitionQuestionFactory(competition=open_competition, question="public?", is_public=True)
    CompetitionQuestionFactory(competition=open_competition, question="private?", is_public=False, asked_by=freelancer)

    for user in (None, freelancer, open_competition.client):
        data = ok(as_user(user).get(detail_url(open_competition)))
        assert [q["question"] for q in data["questions"]] == ["public?"]


def test_detail_query_count_is_bounded(api_client, open_competition, django_assert_max_num_queries):
    from competitions.tests.factories import CompetitionQuestionFactory

    CompetitionQuestionFactory.create_batch(15, competition=open_competition)
    with django_assert_max_num_queries(3):
        ok(api_client.get(detail_url(open_competition)))


NESTED_GETS = ["", "questions/"]
NESTED_POSTS = [
    ("status/", {"status": "OPEN"}),
    ("questions/", {"question": "Hello?"}),
    ("bookmark/", {}),
    ("select-winner/", {"proposal_id": "7f7f7f7f-7f7f-4f7f-8f7f-7f7f7f7f7f7f"}),
]


@pytest.mark.parametrize("suffix", NESTED_GETS)
@pytest.mark.parametrize("role", ["anonymous", "other_client", "freelancer"])
def test_draft_is_a_404_for_anyone_but_owner_and_admin_on_every_get_url(
    request, as_user, draft_competition, role, suffix
):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    error(as_user(user).get(f"{detail_url(draft_competition)}{suffix}"), 404)


@pytest.mark.parametrize(("suffix", "body"), NESTED_POSTS)
@pytest.mark.parametrize("role", ["other_client", "freelancer"])
def test_draft_is_a_404_for_others_on_every_nested_post_url(request, as_user, draft_competition, role, suffix, body):
    user = request.getfixturevalue(role)
    error(as_user(user).post(f"{detail_url(draft_competition)}{suffix}", body, format="json"), 404)
    draft_competition.refresh_from_db()
    assert draft_competition.status == CompetitionStatus.DRAFT
    assert not draft_competition.bookmarks.exists()
    assert not draft_competition.questions.exists()


def test_draft_answer_url_is_a_404_for_other_clients(as_user, other_client, draft_competition):
    from competitions.tests.factories import CompetitionQuestionFactory

    question = CompetitionQuestionFactory(competition=draft_competition)
    url = f"{detail_url(draft_competition)}questions/{question.pk}/answer/"
    error(as_user(other_client).post(url, {"answer": "x"}, format="json"), 404)


@pytest.mark.parametrize("role", ["anonymous", "other_client", "freelancer"])
def test_draft_cannot_be_edited_or_deleted_by_someone_who_cannot_see_it(request, as_user, draft_competition, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    expected = 401 if user is None else 404
    api = as_user(user)
    error(api.patch(detail_url(draft_competition), {"title": "hijacked"}, format="json"), expected)
    error(api.delete(detail_url(draft_competition)), expected)
    draft_competition.refresh_from_db()
    assert draft_competition.title == "Secret draft"
    assert draft_competition.status == CompetitionStatus.DRAFT


@pytest.mark.parametrize("suffix", NESTED_GETS)
@pytest.mark.parametrize("role", ["client_owner", "admin_user"])
def test_owner_and_admin_see_the_draft_and_its_nested_urls(request, as_user, draft_competition, role, suffix):
    user = request.getfixturevalue(role)
    ok(as_user(user).get(f"{detail_url(draft_competition)}{suffix}"))


def test_a_draft_cancelled_before_publishing_stays_private(as_user, api_client, client_owner, draft_competition):
    ok(as_user(client_owner).delete(detail_url(draft_competition)))
    error(api_client.get(detail_url(draft_competition)), 404)
    assert ok(as_user(client_owner).get(detail_url(draft_competition)))["status"] == CompetitionStatus.CANCELLED


def test_a_published_then_cancelled_competition_stays_public(as_user, api_client, client_owner, open_competition):
    ok(as_user(client_owner).post(f"{detail_url(open_competition)}status/", {"status": "CANCELLED"}, format="json"))
    assert ok(api_client.get(detail_url(open_competition)))["status"] == CompetitionStatus.CANCELLED


def test_unknown_competition_is_a_404(api_client):
    error(api_client.get(f"{URL}7f7f7f7f-7f7f-4f7f-8f7f-7f7f7f7f7f7f/"), 404)
    error(api_client.get(f"{URL}not-a-uuid/"), 404)


# --- Update and delete --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [CompetitionStatus.DRAFT, CompetitionStatus.OPEN])
def test_owner_updates_while_draft_or_open(as_user, client_owner, status):
    # Not funded: once a funding starts the budget is frozen (tests in payments/tests/test_rules.py).
    competition = CompetitionFactory(client=client_owner, status=status, funded=False)
    data = ok(
        as_user(client_owner).patch(
            detail_url(competition), {"title": "New title 🚀", "budget": "2500.50"}, format="json"
        )
    )

    assert data["title"] == "New title 🚀"
    assert data["budget"] == "2500.50"
    competition.refresh_from_db()
    assert competition.title == "New title 🚀"
    assert competition.budget == Decimal("2500.50")
    assert competition.status == status


def test_put_replaces_the_updatable_fields(as_user, client_owner, open_competition):
    body = create_payload(title="Put title", category="design")
    del body["currency"]
    data = ok(as_user(client_owner).put(detail_url(open_competition), body, format="json"))
    assert data["title"] == "Put title"
    assert data["category"] == "design"


@pytest.mark.parametrize("status", [CompetitionStatus.REVIEW, CompetitionStatus.CLOSED, CompetitionStatus.CANCELLED])
def test_owner_cannot_update_after_open(as_user, client_owner, status):
    competition = CompetitionFactory(client=client_owner, status=status, title="frozen")
    errors = error(as_user(client_owner).patch(detail_url(competition), {"title": "changed"}, format="json"), 400)
    assert "status" in errors
    competition.refresh_from_db()
    assert competition.title == "frozen"


def test_update_cannot_change_status_or_currency(as_user, client_owner, draft_competition):
    ok(as_user(client_owner).patch(detail_url(draft_competition), {"status": "OPEN", "currency": "JPY"}, format="json"))
    draft_competition.refresh_from_db()
    assert draft_competition.status == CompetitionStatus.DRAFT
    assert draft_competition.currency == "USD"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"budget": "0"}, "budget"),
        ({"deadline": iso(in_days(-1))}, "deadline"),
        ({"submission_deadline": iso(in_days(-1))}, "submission_deadline"),
        ({"submission_deadline": iso(in_days(15))}, "submission_deadline"),  # after the stored deadline
        ({"deadline": iso(in_days(3))}, "submission_deadline"),  # before the stored submission deadline
        ({"max_proposals": 0}, "max_proposals"),
    ],
)
def test_update_validates_like_create(as_user, client_owner, open_competition, body, field):
    errors = error(as_user(client_owner).patch(detail_url(open_competition), body, format="json"), 400)
    assert field in errors


def test_max_proposals_cannot_drop_below_received_proposals(as_user, client_owner, open_competition):
    ProposalFactory.create_batch(3, competition=open_competition)
    errors = error(as_user(client_owner).patch(detail_url(open_competition), {"max_proposals": 2}, format="json"), 400)
    assert "max_proposals" in errors


@pytest.mark.parametrize("role", ["other_client", "freelancer", "admin_user"])
def test_only_the_owner_updates_a_visible_competition(request, as_user, open_competition, role):
    user = request.getfixturevalue(role)
    error(as_user(user).patch(detail_url(open_competition), {"title": "hijacked"}, format="json"), 403)
    error(as_user(user).delete(detail_url(open_competition)), 403)
    open_competition.refresh_from_db()
    assert open_competition.title == "Open contest"
    assert open_competition.status == CompetitionStatus.OPEN


def test_delete_cancels_a_draft_and_keeps_the_row(as_user, client_owner, draft_competition):
    response = as_user(client_owner).delete(detail_url(draft_competition))
    assert ok(response) is None
    draft_competition.refresh_from_db()
    assert draft_competition.status == CompetitionStatus.CANCELLED


@pytest.mark.parametrize("status", [CompetitionStatus.OPEN, CompetitionStatus.REVIEW, CompetitionStatus.CLOSED])
def test_delete_is_refused_unless_draft(as_user, client_owner, status):
    competition = CompetitionFactory(client=client_owner, status=status)
    error(as_user(client_owner).delete(detail_url(competition)), 400)
    competition.refresh_from_db()
    assert competition.status == status


def test_wrong_method_is_a_json_405(as_user, client_owner, open_competition):
    error(as_user(client_owner).put(f"{detail_url(open_competition)}status/", {}, format="json"), 405)


def test_ordering_by_an_equal_key_pages_without_duplicates(api_client, client_owner):
    CompetitionFactory.create_batch(12, client=client_owner, budget=Decimal("500.00"))

    first = ok(api_client.get(URL, {"ordering": "budget", "page_size": 5}))
    second = ok(api_client.get(URL, {"ordering": "budget", "page_size": 5, "page": 2}))
    third = ok(api_client.get(URL, {"ordering": "budget", "page_size": 5, "page": 3}))

    ids = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert len(ids) == len(set(ids)) == 12
