import factory

from accounts.models import Role, User

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.FREELANCER
    password = factory.django.Password(TEST_PASSWORD)


class ClientFactory(UserFactory):
    role = Role.CLIENT
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    username = factory.Sequence(lambda n: f"client{n}")


class FreelancerFactory(UserFactory):
    role = Role.FREELANCER
    email = factory.Sequence(lambda n: f"freelancer{n}@example.com")
    username = factory.Sequence(lambda n: f"freelancer{n}")
    skills = "python, django"


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True
    email = factory.Sequence(lambda n: f"admin{n}@example.com")
    username = factory.Sequence(lambda n: f"admin{n}")
