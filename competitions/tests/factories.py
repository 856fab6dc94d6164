from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import ClientFactory, FreelancerFactory
from competitions.models import Competition, CompetitionBookmark, CompetitionQuestion, CompetitionStatus

FUNDED_STATUSES = frozenset({CompetitionStatus.OPEN, CompetitionStatus.REVIEW, CompetitionStatus.CLOSED})


class CompetitionFactory(factory.django.DjangoModelFactory):
    """An OPEN, published competition by default; `status=DRAFT` gives an unpublished draft."""

    class Meta:
        model = Competition

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Competition {n}")
    description = "Build a landing page for our product."
    requirements = "Responsive, accessible, fast."
    budget = Decimal("1500.00")
    currency = "USD"
    submission_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    status = CompetitionStatus.OPEN
    category = "web"
    tags = "html,css"
    published_at = factory.LazyAttribute(lambda o: None if o.status == CompetitionStatus.DRAFT else timezone.now())

    @factory.post_generation
    def funded(obj, create, extracted, **kwargs):
        """Competitions past DRAFT had their prize paid into escrow (a succeeded funding and its
        ledger FUNDING), cancelled ones excepted; `funded=True/False` forces either way."""
        if not create:
            return
        wanted = extracted if extracted is not None else obj.status in FUNDED_STATUSES
        if wanted and obj.funded_at is None:
            from payments.tests.money import fund_competition

            fund_competition(obj)


class CompetitionQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetitionQuestion

    competition = factory.SubFactory(CompetitionFactory)
    asked_by = factory.SubFactory(FreelancerFactory)
    question = "Which browsers must be supported?"
    is_public = True


class CompetitionBookmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetitionBookmark

    competition = factory.SubFactory(CompetitionFactory)
    user = factory.SubFactory(FreelancerFactory)
