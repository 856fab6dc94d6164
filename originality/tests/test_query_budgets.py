"""Query budget of the admin's report list: the same queries for a full page of 10 and of 100
(what is counted: freelance_arena/testing/budgets.py)."""

import pytest
from django.urls import reverse

from freelance_arena.testing.budgets import ROWS, full_page, ids, warm_up
from freelance_arena.testing.bulk import make_competitions, make_proposals, make_users
from originality.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.mark.query_budget("originality:report-list")
def test_reports(cast, as_user, django_assert_num_queries):
    competition = make_competitions(1, [cast.alice])[0]
    proposals = make_proposals([(competition, f) for f in make_users(ROWS)])
    made = {
        str(report.pk)
        for report in Report.objects.bulk_create(
            Report(proposal=proposal, reported_by=cast.alice, reason=f"Copy {n}")
            for n, proposal in enumerate(proposals)
        )
    }
    Report.objects.create(proposal=proposals[0], reported_by=cast.alice, reason="old", status=ReportStatus.DISMISSED)
    client = as_user(cast.admin)
    url = reverse("originality:report-list")
    warm_up(client, url, {"status": "OPEN"})

    with django_assert_num_queries(3):
        ten = client.get(url, {"status": "OPEN", "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {"status": "OPEN", "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == ROWS
    assert ids(page["results"]) <= made
