"""update_payment_status: the state machine, completed_at, references, who may call it."""

import pytest
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from payments.models import PaymentStatus
from payments.services import update_payment_status
from payments.tests.factories import PaymentRecordFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (PaymentStatus.PENDING, PaymentStatus.PROCESSING),
        (PaymentStatus.PROCESSING, PaymentStatus.COMPLETED),
        (PaymentStatus.PROCESSING, PaymentStatus.FAILED),
    ],
)
def test_allowed_transitions(admin_user, start, target):
    payment = PaymentRecordFactory(status=start)

    result = update_payment_status(payment_id=payment.pk, new_status=target, by=admin_user)

    payment.refresh_from_db()
    assert result.status == payment.status == target
    assert (payment.completed_at is not None) is (target == PaymentStatus.COMPLETED)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (PaymentStatus.PENDING, PaymentStatus.COMPLETED),
        (PaymentStatus.PENDING, PaymentStatus.FAILED),
        (PaymentStatus.PENDING, PaymentStatus.PENDING),
        (PaymentStatus.PROCESSING, PaymentStatus.PENDING),
        (PaymentStatus.COMPLETED, PaymentStatus.FAILED),
        (PaymentStatus.COMPLETED, PaymentStatus.REFUNDED),
    ],
)
def test_refused_transitions_change_nothing(admin_user, start, target):
    payment = PaymentRecordFactory(status=start)

    with pytest.raises(ValidationError) as refused:
        update_payment_status(payment_id=payment.pk, new_status=target, by=admin_user, notes="x")

    assert "status" in refused.value.detail
    payment.refresh_from_db()
    assert (payment.status, payment.notes, payment.completed_at) == (start, "", None)


def test_completed_sets_completed_at_now(admin_user):
    payment = PaymentRecordFactory(status=PaymentStatus.PROCESSING)
    before = timezone.now()

    update_payment_status(payment_id=payment.pk, new_status=PaymentStatus.COMPLETED, by=admin_user)

    payment.refresh_from_db()
    assert before <= payment.completed_at <= timezone.now()


def test_notes_and_reference_are_stored(admin_user):
    payment = PaymentRecordFactory()

    update_payment_status(
        payment_id=payment.pk,
        new_status=PaymentStatus.PROCESSING,
        by=admin_user,
        notes="Wire sent",
        transaction_reference="  TX-1  ",
    )

    payment.refresh_from_db()
    assert (payment.notes, payment.transaction_reference) == ("Wire sent", "TX-1")


def test_blank_reference_is_not_stored_and_never_collides(admin_user):
    first, second = PaymentRecordFactory(), PaymentRecordFactory()

    for payment in (first, second):
        update_payment_status(
            payment_id=payment.pk, new_status=PaymentStatus.PROCESSING, by=admin_user, transaction_reference=""
        )
        payment.refresh_from_db()
        assert payment.transaction_reference is None


def test_duplicate_reference_is_a_validation_error(admin_user):
    PaymentRecordFactory(transaction_reference="TX-9")
    payment = PaymentRecordFactory()

    with pytest.raises(ValidationError) as refused:
        update_payment_status(
            payment_id=payment.pk, new_status=PaymentStatus.PROCESSING, by=admin_user, transaction_reference="TX-9"
        )

    assert "transaction_reference" in refused.value.detail
    payment.refresh_from_db()
    assert (payment.status, payment.transaction_reference) == (PaymentStatus.PENDING, None)


def test_only_admins_may_change_a_status(client_owner):
    payment = PaymentRecordFactory(competition__client=client_owner)

    with pytest.raises(PermissionDenied):
        update_payment_status(payment_id=payment.pk, new_status=PaymentStatus.PROCESSING, by=client_owner)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_unknown_payment_is_not_found(admin_user):
    import uuid

    with pytest.raises(NotFound):
        update_payment_status(payment_id=uuid.uuid4(), new_status=PaymentStatus.PROCESSING, by=admin_user)
