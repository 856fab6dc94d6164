"""Cron (every minute): remind bookmarkers of OPEN competitions closing within 24 hours."""

from django.core.management.base import BaseCommand

from competitions.services import remind_deadlines


class Command(BaseCommand):
    help = (
        "Sends COMPETITION_DEADLINE_APPROACHING to bookmarkers without a proposal, for OPEN competitions "
        "whose submission deadline is within 24 hours (once per user and competition)."
    )

    def handle(self, *args, **options) -> None:
        result = remind_deadlines()
        self.stdout.write(
            f"Found {result.competitions} competition(s) closing within 24 hours; "
            f"sent {result.notifications} reminder(s)."
        )
