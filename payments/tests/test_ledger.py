"""The ledger cannot lie: balanced postings only, one per reference, append-only rows, and
check_ledger catches rows corrupted behind the ORM's back."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments import ledger
from payments.ledger import Account, LedgerEntry, LedgerImmutable, LedgerTransaction, Move, TransactionKind
from payments.tests.money import assert_ledger_ok

pytestmark = pytest.mark.django_db


def post_funding(competition, reference="ref-1", amount="100.00"):
    with transaction.atomic():
        return ledger.post(
            kind=TransactionKind.FUNDING,
            reference=reference,
            competition_id=competition.pk,
            moves=[Move(Account.CLIENT_FUNDS, Account.ESCROW, Decimal(amount), "USD", competition_id=competition.pk)],
        )


@pytest.fixture
def draft(client_owner):
    return CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT)


def test_a_posting_is_balanced_per_currency(draft):
    tx = post_funding(draft)
    assert sorted(e.amount for e in tx.entries.all()) == [Decimal("-100.00"), Decimal("100.00")]
    assert ledger.escrow_held(draft) == Decimal("100.00")


def test_the_same_reference_posts_once(draft):
    first = post_funding(draft)
    second = post_funding(draft, amount="999.00")
    assert first.pk == second.pk
    assert LedgerTransaction.objects.count() == 1 and LedgerEntry.objects.count() == 2


def test_negative_moves_are_refused(draft):
    with pytest.raises(ValueError), transaction.atomic():
        ledger.post(
            kind="FUNDING", reference="neg", moves=[Move(Account.CLIENT_FUNDS, Account.ESCROW, Decimal("-1"), "USD")]
        )


def test_rows_are_never_updated_or_deleted(draft):
    tx = post_funding(draft)
    entry = tx.entries.first()
    entry.amount = Decimal("1.00")
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        tx.delete()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(LedgerImmutable):
        LedgerTransaction.objects.all().delete()
    assert ledger.escrow_held(draft) == Decimal("100.00")


def test_the_admin_is_read_only(client, admin_user, draft):
    tx = post_funding(draft)
    client.force_login(admin_user)
    assert client.get("/admin/payments/ledgertransaction/").status_code == 200
    assert client.get(f"/admin/payments/ledgertransaction/{tx.pk}/change/").status_code == 200
    assert client.get("/admin/payments/ledgertransaction/add/").status_code == 403
    assert client.post(f"/admin/payments/ledgertransaction/{tx.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/payments/funding/?status__exact=SUCCEEDED").status_code == 200
    assert client.get("/admin/payments/payoutaccount/").status_code == 200
    assert client.get("/admin/payments/providerevent/").status_code == 200
    assert LedgerTransaction.objects.count() == 1


def run_check() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("check_ledger", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_check_ledger_passes_and_prints_totals(client_owner):
    CompetitionFactory(client=client_owner)  # funded by the factory
    out, _ = run_check()
    assert "escrow" in out and "1500.00" in out and "Ledger OK" in out


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_check_ledger_fails_on_an_unbalanced_transaction(client_owner):
    competition = CompetitionFactory(client=client_owner)
    entry = LedgerEntry.objects.filter(competition=competition, account=Account.ESCROW).get()
    _raw(f"UPDATE {LedgerEntry._meta.db_table} SET amount = %s WHERE id = %s", ["1400.00", entry.pk])

    with pytest.raises(CommandError):
        run_check()
    assert not ledger.audit().ok
    assert ledger.audit().unbalanced[0][2] == Decimal("-100.00")


def test_check_ledger_fails_on_a_negative_escrow(client_owner):
    competition = CompetitionFactory(client=client_owner)
    tx = LedgerTransaction.objects.get(competition=competition)
    table = LedgerEntry._meta.db_table
    # a balanced but impossible pair: escrow pays out more than it ever received
    _raw(
        f"INSERT INTO {table} (transaction_id, account, user_id, competition_id, amount, currency) "
        "VALUES (%s, %s, NULL, %s, %s, 'USD'), (%s, %s, NULL, %s, %s, 'USD')",
        [tx.pk.hex, "escrow", competition.pk.hex, "-2000.00", tx.pk.hex, "revenue", competition.pk.hex, "2000.00"],
    )
    result = ledger.audit()
    assert result.negative_escrow and not result.unbalanced
    with pytest.raises(CommandError):
        run_check()


def test_check_ledger_fails_when_a_settled_competition_still_holds_money(client_owner):
    competition = CompetitionFactory(client=client_owner)  # funded, 1500.00 in escrow
    _raw(f"UPDATE {competition._meta.db_table} SET status = 'CANCELLED' WHERE id = %s", [competition.pk.hex])

    with pytest.raises(CommandError):
        run_check()
    assert ledger.audit().settled_holding[0][2] == Decimal("1500.00")


def test_flows_leave_the_ledger_consistent(client_owner):
    CompetitionFactory.create_batch(3, client=client_owner)
    assert_ledger_ok()
