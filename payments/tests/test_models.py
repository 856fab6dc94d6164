"""The platform fee and the payment state machine, declared on the model."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from payments.models import PAYMENT_TRANSITIONS, PaymentRecord, PaymentStatus, platform_fee_for
from payments.tests.factories import PaymentRecordFactory

ALLOWED = {
    (PaymentStatus.PENDING, PaymentStatus.PROCESSING),
    (PaymentStatus.PROCESSING, PaymentStatus.COMPLETED),
    (PaymentStatus.PROCESSING, PaymentStatus.FAILED),
    (PaymentStatus.FAILED, PaymentStatus.PROCESSING),  # Part 2: an admin retries a failed payout
}


@pytest.mark.parametrize(
    ("amount", "fee", "net"),
    [
        ("1500.00", "150.00", "1350.00"),
        ("999.99", "100.00", "899.99"),  # 99.999 rounds up
        ("0.05", "0.01", "0.04"),  # 0.005 rounds half up
        ("0.04", "0.00", "0.04"),  # 0.004 rounds down
        ("0.15", "0.02", "0.13"),  # 0.015: half-up, not banker's rounding (which would give 0.02 too)
        ("0.25", "0.03", "0.22"),  # 0.025: banker's rounding would give 0.02
        ("0.01", "0.00", "0.01"),
        ("9999999999.99", "1000000000.00", "8999999999.99"),  # the largest amount that fits
    ],
)
@pytest.mark.django_db
def test_fee_is_ten_percent_rounded_half_up_and_net_is_the_rest(amount, fee, net):
    payment = PaymentRecordFactory(amount=Decimal(amount))
    payment.refresh_from_db()

    assert payment.platform_fee == Decimal(fee)
    assert payment.net_amount == Decimal(net)
    assert payment.platform_fee + payment.net_amount == payment.amount
    assert platform_fee_for(Decimal(amount)) == Decimal(fee)


@pytest.mark.django_db
def test_fee_is_recomputed_when_the_amount_changes():
    payment = PaymentRecordFactory(amount=Decimal("1500.00"))

    payment.amount = Decimal("999.99")
    payment.save()
    payment.refresh_from_db()
    assert (payment.platform_fee, payment.net_amount) == (Decimal("100.00"), Decimal("899.99"))

    payment.amount = Decimal("0.05")
    payment.save(update_fields=["amount"])  # the fee fields are written along with the amount
    payment.refresh_from_db()
    assert (payment.platform_fee, payment.net_amount) == (Decimal("0.01"), Decimal("0.04"))


@pytest.mark.django_db
def test_database_refuses_a_net_amount_that_is_not_amount_minus_fee():
    payment = PaymentRecordFactory(amount=Decimal("100.00"))

    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRecord.objects.filter(pk=payment.pk).update(net_amount=Decimal("95.00"))


@pytest.mark.parametrize("current", list(PaymentStatus))
@pytest.mark.parametrize("target", list(PaymentStatus))
def test_transition_table(current, target):
    payment = PaymentRecord(status=current)

    assert payment.can_transition_to(target) is ((current, target) in ALLOWED)


def test_transition_table_is_declared_for_every_status():
    assert set(PAYMENT_TRANSITIONS) == set(PaymentStatus)
