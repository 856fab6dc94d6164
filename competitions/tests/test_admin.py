"""The competitions admin: actions respect the state machine, nothing is hard-deleted."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages import get_messages
from django.urls import reverse

from competitions.admin import CompetitionAdmin
from competitions.models import Competition, CompetitionStatus
from competitions.tests.conftest import in_days
from competitions.tests.factories import CompetitionFactory, CompetitionQuestionFactory
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:competitions_competition_changelist")


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def _action(admin_browser, action: str, competitions) -> list[str]:
    response = admin_browser.post(
        CHANGELIST, {"action": action, "_selected_action": [str(c.pk) for c in competitions]}, follow=True
    )
    assert response.status_code == 200
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bulk_open_opens_drafts_and_skips_the_rest(admin_browser, client_owner):
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, funded=True)
    closed = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED, title="done")
    stale_draft = CompetitionFactory(
        client=client_owner,
        status=CompetitionStatus.DRAFT,
        submission_deadline=in_days(-1),
        deadline=in_days(1),
        funded=True,
    )

    messages = _action(admin_browser, "bulk_open", [draft, closed, stale_draft])

    draft.refresh_from_db()
    closed.refresh_from_db()
    stale_draft.refresh_from_db()
    assert draft.status == CompetitionStatus.OPEN
    assert draft.published_at is not None
    assert closed.status == CompetitionStatus.CLOSED  # a CLOSED competition never reopens
    assert stale_draft.status == CompetitionStatus.DRAFT
    assert any("1 competition(s) moved to OPEN" in m for m in messages)
    assert any("Skipped 2 competition(s)" in m and "done" in m for m in messages)


def test_bulk_cancel_cancels_draft_and_open_only(admin_browser, client_owner):
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, funded=True)
    opened = CompetitionFactory(client=client_owner, status=CompetitionStatus.OPEN)
    review = CompetitionFactory(client=client_owner, status=CompetitionStatus.REVIEW)

    messages = _action(admin_browser, "bulk_cancel", [draft, opened, review])

    assert Competition.objects.get(pk=draft.pk).status == CompetitionStatus.CANCELLED
    assert Competition.objects.get(pk=opened.pk).status == CompetitionStatus.CANCELLED
    assert Competition.objects.get(pk=review.pk).status == CompetitionStatus.REVIEW
    assert any("Skipped 1 competition(s)" in m for m in messages)


def test_changelist_counts_proposals_without_a_query_per_row(
    admin_browser, client_owner, django_assert_max_num_queries
):
    for competition in CompetitionFactory.create_batch(15, client=client_owner):
        ProposalFactory.create_batch(2, competition=competition)
    with django_assert_max_num_queries(12):
        response = admin_browser.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 15


def test_changelist_filters_and_search_work(admin_browser, client_owner):
    CompetitionFactory(client=client_owner, title="Needle in the haystack", category="design")
    assert admin_browser.get(CHANGELIST, {"q": "needle"}).context["cl"].result_count == 1
    assert admin_browser.get(CHANGELIST, {"status__exact": "OPEN", "category": "design"}).status_code == 200


def test_change_form_renders_with_questions_inline(admin_browser, open_competition):
    CompetitionQuestionFactory(competition=open_competition)
    response = admin_browser.get(reverse("admin:competitions_competition_change", args=[open_competition.pk]))
    assert response.status_code == 200


def test_competitions_cannot_be_deleted_in_the_admin(rf, admin_user, admin_browser, open_competition):
    request = rf.get("/")
    request.user = admin_user
    model_admin = CompetitionAdmin(Competition, site)
    assert model_admin.has_delete_permission(request, open_competition) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    response = admin_browser.post(reverse("admin:competitions_competition_delete", args=[open_competition.pk]))
    assert response.status_code == 403
    assert Competition.objects.filter(pk=open_competition.pk).exists()


def test_status_is_read_only_in_the_change_form(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    assert "status" in CompetitionAdmin(Competition, site).get_readonly_fields(request)


def test_question_and_bookmark_admins_render(admin_browser, open_competition):
    CompetitionQuestionFactory(competition=open_competition)
    assert admin_browser.get(reverse("admin:competitions_competitionquestion_changelist")).status_code == 200
    assert admin_browser.get(reverse("admin:competitions_competitionbookmark_changelist")).status_code == 200
