"""ProposalAdmin: lists, searches, shows files and revisions read-only, never hard-deletes."""

import pytest
from django.contrib.admin.sites import site
from django.utils import timezone

from proposals.models import Proposal


@pytest.fixture
def admin_client(client, admin_user):
    # A fresh last_seen keeps UpdateLastSeenMiddleware from writing: with session auth it gets
    # a SimpleLazyObject and `type(user).objects` fails (reported as a foundation bug).
    admin_user.last_seen = timezone.now()
    admin_user.save(update_fields=["last_seen"])
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
class TestProposalAdmin:
    def test_changelist_lists_and_searches(self, admin_client, proposal, attachment):
        response = admin_client.get("/admin/proposals/proposal/", {"q": "My approach", "status__exact": "SUBMITTED"})

        assert response.status_code == 200
        assert b"My approach" in response.content

    def test_change_page_shows_attachments_read_only(self, admin_client, proposal, attachment):
        response = admin_client.get(f"/admin/proposals/proposal/{proposal.pk}/change/")

        assert response.status_code == 200
        assert b"brief.pdf" in response.content
        # the private file path is never linked
        assert attachment.file.name.encode() not in response.content

    def test_no_hard_delete(self, admin_client, proposal, rf, admin_user):
        model_admin = site._registry[Proposal]
        request = rf.get("/admin/")
        request.user = admin_user

        assert model_admin.has_delete_permission(request, proposal) is False
        assert "delete_selected" not in model_admin.get_actions(request)
        response = admin_client.post(f"/admin/proposals/proposal/{proposal.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
        assert Proposal.objects.filter(pk=proposal.pk).exists()
