"""Two admins moving the same PENDING payment at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection

from payments.models import PaymentStatus
from payments.tests.factories import PaymentRecordFactory


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_status_updates_exactly_one_succeeds(as_user, admin_user):
    from accounts.tests.factories import AdminFactory

    payment = PaymentRecordFactory(status=PaymentStatus.PENDING)
    apis = [as_user(admin_user), as_user(AdminFactory())]
    url = f"/api/payments/{payment.pk}/status/"
    barrier = threading.Barrier(2)
    responses = [None, None]

    def move(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = apis[index].post(url, {"status": "PROCESSING", "notes": f"admin {index}"}, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r.status_code for r in responses) == [200, 400]
    refused = next(r for r in responses if r.status_code == 400).json()
    assert refused["success"] is False
    assert "status" in refused["errors"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PROCESSING
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    assert payment.notes == f"admin {winner}"
