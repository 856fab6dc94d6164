"""Cron (every minute): OPEN competitions past their submission deadline move to REVIEW."""

from django.core.management.base import BaseCommand

from competitions.services import close_expired


class Command(BaseCommand):
    help = "Moves OPEN competitions whose submission deadline has passed to REVIEW and notifies participants."

    def handle(self, *args, **options) -> None:
        result = close_expired()
        self.stdout.write(
            f"Moved {result.competitions} competition(s) to REVIEW; sent {result.notifications} notification(s)."
        )
