"""Money races with real threads on real commits: one outcome, the ledger balanced."""

import pytest

from accounts.tests.factories import AdminFactory
from payments.ledger import LedgerTransaction, TransactionKind
from payments.models import PaymentRecord, PaymentStatus
from payments.tests.factories import PaymentRecordFactory
from payments.tests.test_webhooks import _at_once

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_two_releases_at_once_send_one_transfer(as_user):
    payout = PaymentRecordFactory()
    admins = [as_user(AdminFactory()), as_user(AdminFactory())]
    url = f"/api/payments/{payout.pk}/status/"

    responses = _at_once([lambda i=i: admins[i].post(url, {"status": "PROCESSING"}, format="json") for i in range(2)])

    assert sorted(getattr(r, "status_code", r) for r in responses) == [200, 400]
    payout.refresh_from_db()
    assert payout.status == PaymentStatus.PROCESSING and payout.transfer_ref
    completed = [admins[i].post(url, {"status": "COMPLETED"}, format="json") for i in range(2)]
    assert sorted(r.status_code for r in completed) == [200, 400]
    assert LedgerTransaction.objects.filter(kind=TransactionKind.PAYOUT).count() == 1
    assert PaymentRecord.objects.get().status == PaymentStatus.COMPLETED
