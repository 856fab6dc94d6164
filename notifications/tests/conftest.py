"""Fixtures of the notifications tests."""

import pytest


@pytest.fixture
def admin_site(client, admin_user):
    """The Django test client logged in to /admin/ as the superuser."""
    client.force_login(admin_user)
    return client
