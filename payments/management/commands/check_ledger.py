"""`python manage.py check_ledger`: prints the ledger's totals; exits 1 if a transaction does
not balance, an escrow is negative, or a settled CLOSED/CANCELLED competition still holds money."""

from django.core.management.base import BaseCommand, CommandError

from payments.ledger import audit


class Command(BaseCommand):
    help = "Proves the ledger: balanced transactions, no negative escrow, settled competitions hold nothing."

    def handle(self, *args, **options) -> None:
        result = audit()
        for (account, currency), total in sorted(result.totals.items()):
            self.stdout.write(f"{account:<13} {currency} {total:>16}")
        for reference, currency, total in result.unbalanced:
            self.stderr.write(f"UNBALANCED transaction {reference}: {currency} entries sum to {total}")
        for competition, currency, held in result.negative_escrow:
            self.stderr.write(f"NEGATIVE escrow for competition {competition}: {currency} {held}")
        for competition, currency, held in result.settled_holding:
            self.stderr.write(f"SETTLED competition {competition} still holds {currency} {held}")
        problems = len(result.unbalanced) + len(result.negative_escrow) + len(result.settled_holding)
        if problems:
            raise CommandError(f"Ledger check failed: {problems} problem(s).")
        self.stdout.write(
            self.style.SUCCESS("Ledger OK: every transaction balances; no escrow is negative or stranded.")
        )
