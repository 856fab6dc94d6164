"""Property: random sequences of fund / confirm / open / enter / withdraw / cancel / close /
award / release / complete / connect never leave a transaction unbalanced, an escrow negative,
or a finished competition holding money (check_ledger's audit after every step)."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import APIException

from accounts.tests.factories import AdminFactory, ClientFactory, FreelancerFactory
from competitions import services as competitions
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments import escrow, ledger, payouts, webhooks
from payments.models import Funding, FundingStatus, PaymentRecord, PaymentStatus
from payments.services import update_payment_status
from proposals import services as proposals
from proposals.models import Proposal

pytestmark = pytest.mark.django_db

STEPS = st.lists(
    st.sampled_from(
        [
            "fund",
            "succeed",
            "fail",
            "open",
            "enter",
            "withdraw",
            "review",
            "cancel",
            "close",
            "award",
            "release",
            "complete",
            "connect",
            "replay",
        ]
    ),
    min_size=1,
    max_size=14,
)


class World:
    def __init__(self, budget: Decimal, bid: Decimal) -> None:
        self.owner = ClientFactory(email_verified=True)
        self.freelancers = [FreelancerFactory(email_verified=True) for _ in range(2)]
        self.admin = AdminFactory()
        self.competition = CompetitionFactory(client=self.owner, status=CompetitionStatus.DRAFT, budget=budget)
        self.bid = bid
        self.events = 0

    def fresh(self):
        self.competition.refresh_from_db()
        return self.competition

    def step(self, name: str) -> None:
        c = self.fresh()
        funding = Funding.objects.filter(competition=c).order_by("-created_at").first()
        if name == "fund":
            escrow.start_funding(competition=c, by=self.owner)
        elif name in ("succeed", "fail", "replay") and funding is not None:
            kind = {"succeed": "payment_intent.succeeded", "fail": "payment_intent.payment_failed"}.get(name)
            self.events += name != "replay"
            event_id = f"evt_{self.events}"
            kind = kind or "payment_intent.succeeded"
            webhooks.process_event(
                provider="dummy", event={"id": event_id, "type": kind, "data": {"object": {"id": funding.provider_ref}}}
            )
        elif name in ("open", "review", "cancel", "close"):
            target = {"open": "OPEN", "review": "REVIEW", "cancel": "CANCELLED", "close": "CLOSED"}[name]
            competitions.change_status(competition=c, new_status=target, by=self.owner)
        elif name == "enter":
            freelancer = next(
                (f for f in self.freelancers if not Proposal.objects.filter(competition=c, freelancer=f).exists()), None
            )
            if freelancer is not None:
                data = {"title": "t", "description": "d", "proposed_budget": self.bid, "estimated_duration": 2}
                proposals.submit_proposal(freelancer=freelancer, competition_id=c.pk, data=data)
        elif name == "withdraw":
            proposal = Proposal.objects.filter(competition=c).active().first()
            if proposal is not None:
                proposals.withdraw_proposal(proposal=proposal, by=proposal.freelancer)
        elif name == "award":
            proposal = Proposal.objects.filter(competition=c).active().first()
            if proposal is not None:
                competitions.select_winner(competition=c, proposal=proposal, by=self.owner)
        elif name in ("release", "complete"):
            payout = PaymentRecord.objects.filter(competition=c).first()
            if payout is not None:
                target = PaymentStatus.PROCESSING if name == "release" else PaymentStatus.COMPLETED
                update_payment_status(payment_id=payout.pk, new_status=target, by=self.admin)
        elif name == "connect":
            payouts.get_or_create_account(user=self.freelancers[0])


def check(world: World) -> None:
    result = ledger.audit()
    assert result.ok, (result.unbalanced, result.negative_escrow, result.settled_holding)
    c = world.fresh()
    held = ledger.escrow_held(c)
    assert held >= 0
    if c.status in (CompetitionStatus.CANCELLED, CompetitionStatus.CLOSED):
        assert held == 0
    if c.status in (CompetitionStatus.OPEN, CompetitionStatus.REVIEW):
        assert held == c.budget  # an open competition's prize is in escrow, whole
    succeeded = Funding.objects.filter(competition=c, status=FundingStatus.SUCCEEDED).count()
    assert succeeded <= 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=STEPS,
    budget=st.decimals(min_value=Decimal("1.00"), max_value=Decimal("50000.00"), places=2),
    share=st.integers(min_value=1, max_value=100),
)
def test_random_money_sequences_keep_the_ledger_consistent(db, steps, budget, share):
    bid = max(Decimal("0.01"), (budget * share / 100).quantize(Decimal("0.01")))
    with transaction.atomic():
        world = World(budget, bid)
        for name in steps:
            try:
                with transaction.atomic():
                    world.step(name)
            except APIException:
                pass  # a refused step (a 400/403/404 in the API) must change nothing
            check(world)
        transaction.set_rollback(True)
