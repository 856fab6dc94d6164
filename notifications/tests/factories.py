import factory

from accounts.tests.factories import UserFactory
from notifications.models import Notification, NotificationType


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    notification_type = NotificationType.PROPOSAL_RECEIVED
    params = factory.LazyAttribute(lambda o: {"text": [o.title, o.message]})

    class Params:
        # Finished text, as hand-made rows carry it (messages.render reads params["text"]).
        title = factory.Sequence(lambda n: f"Notification {n}")
        message = "Something happened."
