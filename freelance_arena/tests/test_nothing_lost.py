"""Nothing lost: no API or admin path hard-deletes a user, competition, proposal, review or
payment record. API DELETEs deactivate, cancel or withdraw; the admin cannot delete them."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD
from competitions.models import Competition, CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from feedback.models import Review, ReviewType
from feedback.tests.factories import ReviewFactory
from payments.models import PaymentRecord
from payments.tests.factories import PaymentRecordFactory
from proposals.models import Proposal, ProposalStatus
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

KEPT_MODELS = [User, Competition, Proposal, Review, PaymentRecord]

# Every DELETE of the API, and what it does instead of deleting. A new DELETE endpoint fails
# test_the_api_has_no_other_delete_endpoint until it is reviewed and listed here.
API_DELETES = {
    "/api/auth/profile/": "deactivates the caller",
    "/api/auth/users/{id}/": "deactivates the user (admin)",
    "/api/competitions/{id}/": "cancels a DRAFT",
    "/api/proposals/{id}/": "withdraws the proposal",
    "/api/proposals/{id}/attachments/{attachment_id}/": "removes a file of a SUBMITTED proposal (not a kept record)",
}


@pytest.fixture
def world(client_owner, freelancer, other_freelancer):
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)
    open_ = CompetitionFactory(client=client_owner)
    closed = CompetitionFactory(client=client_owner, status=CompetitionStatus.CLOSED, winner=freelancer)
    proposal = ProposalFactory(competition=open_, freelancer=freelancer)
    won = ProposalFactory(competition=closed, freelancer=freelancer, status=ProposalStatus.ACCEPTED, is_winner=True)
    review = ReviewFactory(
        competition=closed,
        reviewer=client_owner,
        reviewee=freelancer,
        review_type=ReviewType.CLIENT_TO_FREELANCER,
    )
    payment = PaymentRecordFactory(
        competition=closed, client=client_owner, freelancer=freelancer, amount=won.proposed_budget
    )
    return {
        "user": freelancer,
        "competition": draft,
        "open_competition": open_,
        "proposal": proposal,
        "review": review,
        "payment": payment,
    }


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count() for model in KEPT_MODELS}


# --- API ----------------------------------------------------------------------------------------


def test_the_api_has_no_other_delete_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    deletes = {path for path, operations in schema["paths"].items() if "delete" in operations}

    assert deletes == set(API_DELETES)


def test_every_api_delete_keeps_the_row(as_user, admin_user, client_owner, freelancer, other_freelancer, world):
    before = counts()

    responses = [
        as_user(client_owner).delete(f"/api/competitions/{world['competition'].pk}/"),
        as_user(freelancer).delete(f"/api/proposals/{world['proposal'].pk}/"),
        as_user(admin_user).delete(f"/api/auth/users/{other_freelancer.pk}/"),
        as_user(freelancer).delete("/api/auth/profile/", {"password": TEST_PASSWORD}, format="json"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200], [r.content for r in responses]
    assert all(r.json()["success"] is True and r.json()["data"] is None for r in responses)
    assert counts() == before
    world["competition"].refresh_from_db()
    world["proposal"].refresh_from_db()
    other_freelancer.refresh_from_db()
    freelancer.refresh_from_db()
    assert world["competition"].status == CompetitionStatus.CANCELLED
    assert world["proposal"].status == ProposalStatus.WITHDRAWN
    assert other_freelancer.is_active is False
    assert freelancer.is_active is False
    # the deactivated freelancer's work and money stay on record
    assert Proposal.objects.filter(freelancer=freelancer).count() == 2
    assert PaymentRecord.objects.filter(freelancer=freelancer).count() == 1
    assert Review.objects.filter(reviewee=freelancer).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/payments/{payment}/",
        "/api/payments/{payment}/status/",
        "/api/feedback/competitions/{competition}/reviews/",
    ],
)
def test_payments_and_reviews_have_no_delete_at_all(as_user, admin_user, world, url):
    before = counts()
    target = url.format(payment=world["payment"].pk, competition=world["review"].competition_id)

    response = as_user(admin_user).delete(target)

    assert response.status_code == 405
    assert response.json()["success"] is False
    assert counts() == before


# --- admin --------------------------------------------------------------------------------------


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def admin_url(obj, view: str) -> str:
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/{view}/"


@pytest.mark.parametrize("model", KEPT_MODELS, ids=lambda m: m.__name__)
def test_no_model_admin_may_delete_a_kept_record(admin_user, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = admin_user  # a superuser: every permission a user can hold

    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, model._base_manager.first()) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_no_admin_inline_may_delete_a_kept_record(admin_user):
    # An inline with can_delete would delete, say, proposals from a competition's change form.
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for parent_model, model_admin in admin.site._registry.items():
        for inline_class in model_admin.inlines:
            if inline_class.model in KEPT_MODELS:
                inline = inline_class(parent_model, admin.site)
                assert inline.has_delete_permission(request, None) is False, inline_class


@pytest.mark.parametrize("key", ["user", "open_competition", "proposal", "review", "payment"])
def test_the_admin_delete_view_and_bulk_action_are_refused(admin_browser, world, key):
    obj = world[key]
    before = counts()

    page = admin_browser.get(admin_url(obj, "delete"))
    posted = admin_browser.post(admin_url(obj, "delete"), {"post": "yes"})
    changelist = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/"
    bulk = admin_browser.post(
        changelist, {"action": "delete_selected", "_selected_action": [str(obj.pk)], "post": "yes"}
    )

    assert page.status_code == 403
    assert posted.status_code == 403
    assert bulk.status_code in (200, 302)  # "No action selected": the action does not exist
    assert counts() == before
    assert type(obj)._base_manager.filter(pk=obj.pk).exists()
    change = admin_browser.get(admin_url(obj, "change"))
    assert change.status_code == 200
    assert b"deletelink" not in change.content  # no "Delete" button on the change form


def test_a_user_with_payments_cannot_be_deleted_in_the_admin(admin_browser, world):
    client = world["payment"].client
    assert PaymentRecord.objects.filter(client=client).exists()

    response = admin_browser.post(admin_url(client, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=client.pk).exists()
    assert PaymentRecord.objects.filter(client=client).count() == 1
