"""Account services: token blacklisting, deactivation and the refresh rotation race."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import services
from accounts.tests.factories import FreelancerFactory


@pytest.mark.django_db
def test_blacklist_refresh_tokens_covers_every_live_token_once(freelancer, other_freelancer):
    services.issue_tokens(freelancer)
    services.issue_tokens(freelancer)
    services.issue_tokens(other_freelancer)
    services.issue_tokens(freelancer)
    aged = OutstandingToken.objects.filter(user=freelancer).order_by("created_at").first()
    OutstandingToken.objects.filter(pk=aged.pk).update(expires_at=timezone.now() - timedelta(days=1))

    assert services.blacklist_refresh_tokens(user=freelancer) == 2
    assert services.blacklist_refresh_tokens(user=freelancer) == 0  # idempotent
    assert BlacklistedToken.objects.filter(token__user=other_freelancer).count() == 0


@pytest.mark.django_db
def test_deactivate_user_keeps_the_row(freelancer):
    services.deactivate_user(user=freelancer)
    freelancer.refresh_from_db()
    assert freelancer.is_active is False


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_with_one_token_yield_one_new_pair():
    user = FreelancerFactory()
    refresh = services.issue_tokens(user)["refresh"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def use_token() -> None:
        try:
            barrier.wait(timeout=10)
            response = APIClient().post("/api/auth/token/refresh/", {"refresh": refresh}, REMOTE_ADDR="10.9.9.9")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=use_token) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 401]
    assert OutstandingToken.objects.filter(user=user).count() == 2  # the original and one rotation
