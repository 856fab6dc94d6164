from decimal import Decimal

import factory

from accounts.tests.factories import FreelancerFactory
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionFactory
from payments.models import PaymentRecord


class PaymentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentRecord

    competition = factory.SubFactory(CompetitionFactory, status=CompetitionStatus.CLOSED)
    client = factory.LazyAttribute(lambda o: o.competition.client)
    freelancer = factory.SubFactory(FreelancerFactory)
    amount = Decimal("1000.00")
    currency = "USD"
