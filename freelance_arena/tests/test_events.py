"""Domain events: sent once, after the commit, never for a rolled-back change; a failing
receiver is logged and undoes nothing; the code keeps one door per status."""

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.dispatch import Signal

from competitions import events as competition_events
from competitions import services
from competitions.models import Competition, CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from freelance_arena.events import send, send_on_commit
from notifications.models import Notification, NotificationType
from proposals import events as proposal_events
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    def __init__(self, signal: Signal):
        self.calls: list[dict] = []
        signal.connect(self, dispatch_uid=f"recorder-{id(self)}")
        self.signal = signal

    def __call__(self, sender, **kwargs):
        self.calls.append(kwargs)

    def close(self):
        self.signal.disconnect(dispatch_uid=f"recorder-{id(self)}")


@pytest.fixture
def record():
    recorders = []

    def make(signal: Signal) -> Recorder:
        recorders.append(Recorder(signal))
        return recorders[-1]

    yield make
    for recorder in recorders:
        recorder.close()


def test_an_event_is_sent_after_the_commit_not_before(django_capture_on_commit_callbacks, client_owner, record):
    opened = record(competition_events.competition_opened)
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, funded=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.change_status(competition=draft, new_status=CompetitionStatus.OPEN, by=client_owner)
    assert opened.calls == []  # committed work only: nothing was sent inside the transaction
    for callback in callbacks:
        callback()
    assert [call["competition"].pk for call in opened.calls] == [draft.pk]


def test_a_rolled_back_change_sends_nothing(client_owner, record):
    opened = record(competition_events.competition_opened)
    draft = CompetitionFactory(client=client_owner, status=CompetitionStatus.DRAFT, funded=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.change_status(competition=draft, new_status=CompetitionStatus.OPEN, by=client_owner)
        raise RuntimeError("the request failed after the move")
    assert opened.calls == []
    assert Competition.objects.get(pk=draft.pk).status == CompetitionStatus.DRAFT


def test_each_move_sends_exactly_one_event(client_owner, freelancer, record):
    submitted = record(proposal_events.proposal_submitted)
    withdrawn = record(proposal_events.proposal_withdrawn)
    competition = CompetitionFactory(client=client_owner)
    from proposals import services as proposal_services

    proposal = proposal_services.submit_proposal(
        freelancer=freelancer,
        competition_id=competition.pk,
        data={"title": "Entry", "description": "Work", "proposed_budget": 100, "estimated_duration": 3},
    )
    proposal_services.withdraw_proposal(proposal=proposal, by=freelancer)
    assert [call["proposal"].pk for call in submitted.calls] == [proposal.pk]
    assert [call["proposal"].pk for call in withdrawn.calls] == [proposal.pk]


def test_a_failing_receiver_is_logged_and_the_others_still_run(caplog, record):
    event = Signal()
    ran = record(event)

    def broken(sender, **kwargs):
        raise ValueError("receiver bug")

    event.connect(broken, dispatch_uid="broken")
    event.connect(lambda sender, **kwargs: 3, dispatch_uid="counting", weak=False)
    delivery = send(event, Competition, value=1)
    assert ran.calls == [{"value": 1, "signal": event}]
    assert delivery.total() == 3
    assert "receiver bug" in caplog.text


def test_send_on_commit_outside_a_transaction_sends_at_once(record):
    event = Signal()
    ran = record(event)
    delivery = send_on_commit(event, Competition, value=2)
    assert delivery.sent and ran.calls == [{"value": 2, "signal": event}]


def test_a_factory_row_notifies_nobody_only_a_service_does(client_owner, freelancer):
    # Notifications follow domain events, not post_save: fixtures need no clean-up.
    competition = CompetitionFactory(client=client_owner)
    proposal = ProposalFactory(competition=competition, freelancer=freelancer)
    assert not Notification.objects.exists()
    services.change_status(competition=competition, new_status=CompetitionStatus.REVIEW, by=client_owner)
    assert not Notification.objects.exists()
    # With an active proposal the owner can no longer close without a winner (Part 2): the prize
    # is awarded, and its rest refunded.
    services.select_winner(competition=competition, proposal=proposal, by=client_owner)
    assert sorted(Notification.objects.values_list("notification_type", flat=True)) == [
        NotificationType.PRIZE_REFUNDED,
        NotificationType.PROPOSAL_ACCEPTED,
    ]


STATUS_ASSIGNMENT = re.compile(r"\.status\s*=[^=]|\bupdate\([^)]*\bstatus\s*=")
DOORS = {"competitions/services.py", "proposals/services.py", "payments/services.py", "originality/services.py"}


def test_only_the_services_set_a_status():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "bench/")) or "/tests/" in relative or "/migrations/" in relative:
            continue
        if relative in DOORS:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if STATUS_ASSIGNMENT.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
