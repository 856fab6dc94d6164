"""The payment admin: actions go through the state machine; records are never deleted."""

from decimal import Decimal

import pytest

from payments.models import PaymentRecord, PaymentStatus
from payments.tests.factories import PaymentRecordFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/payments/paymentrecord/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_changelist_filters_and_change_form_load(admin_site):
    payment = PaymentRecordFactory()

    assert admin_site.get(CHANGELIST).status_code == 200
    assert admin_site.get(CHANGELIST + "?status__exact=PENDING&q=client").status_code == 200
    assert admin_site.get(f"{CHANGELIST}{payment.pk}/change/").status_code == 200


def test_mark_completed_moves_processing_rows_and_reports_the_skipped(admin_site):
    processing = PaymentRecordFactory(status=PaymentStatus.PROCESSING)
    pending = PaymentRecordFactory(status=PaymentStatus.PENDING, competition__title="Still pending")

    response = admin_site.post(
        CHANGELIST,
        {"action": "mark_completed", "_selected_action": [str(processing.pk), str(pending.pk)]},
        follow=True,
    )

    assert response.status_code == 200
    shown = messages_of(response)
    assert any("1 payment(s) marked COMPLETED" in m for m in shown)
    assert any("1 payment(s) skipped" in m and "Still pending" in m for m in shown)
    processing.refresh_from_db()
    pending.refresh_from_db()
    assert processing.status == PaymentStatus.COMPLETED
    assert processing.completed_at is not None
    assert (pending.status, pending.completed_at) == (PaymentStatus.PENDING, None)


def test_mark_failed_and_mark_processing_follow_the_state_machine(admin_site):
    pending = PaymentRecordFactory(status=PaymentStatus.PENDING)
    completed = PaymentRecordFactory(status=PaymentStatus.COMPLETED)

    admin_site.post(CHANGELIST, {"action": "mark_failed", "_selected_action": [str(pending.pk), str(completed.pk)]})
    pending.refresh_from_db()
    completed.refresh_from_db()
    assert (pending.status, completed.status) == (PaymentStatus.PENDING, PaymentStatus.COMPLETED)

    admin_site.post(CHANGELIST, {"action": "mark_processing", "_selected_action": [str(pending.pk)]})
    admin_site.post(CHANGELIST, {"action": "mark_failed", "_selected_action": [str(pending.pk)]})
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.FAILED


def test_payment_records_cannot_be_deleted_in_the_admin(admin_site):
    payment = PaymentRecordFactory()

    assert admin_site.get(f"{CHANGELIST}{payment.pk}/delete/").status_code == 403
    admin_site.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [str(payment.pk)], "post": "yes"})
    assert PaymentRecord.objects.filter(pk=payment.pk).exists()
    assert "delete_selected" not in admin_site.get(CHANGELIST).content.decode()


def test_payment_records_cannot_be_added_in_the_admin(admin_site):
    assert admin_site.get(CHANGELIST + "add/").status_code == 403


def test_fee_and_status_are_read_only_in_the_change_form(admin_site):
    payment = PaymentRecordFactory(amount=Decimal("1500.00"))

    response = admin_site.post(
        f"{CHANGELIST}{payment.pk}/change/",
        {
            "amount": "999.99",
            "currency": "USD",
            "status": "COMPLETED",
            "platform_fee": "0.00",
            "net_amount": "999.99",
            "transaction_reference": "",
            "notes": "corrected",
        },
    )

    assert response.status_code == 302, response.content
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert (payment.amount, payment.platform_fee, payment.net_amount) == (
        Decimal("999.99"),
        Decimal("100.00"),
        Decimal("899.99"),
    )
    assert payment.transaction_reference is None
