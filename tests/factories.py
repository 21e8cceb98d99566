"""Synthetic people, schools and projects for tests. Nothing here is real."""
import factory
from django.contrib.auth import get_user_model

from research.models import Alliance, AllianceSchool, Measure, Membership, School, Theme
from research.models.choices import MeasureKind, Role, SchoolPhase


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw")


class AllianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alliance

    name = factory.Sequence(lambda n: f"Alliance {n}")
    slug = factory.Sequence(lambda n: f"alliance-{n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    urn = factory.Sequence(lambda n: f"{800000 + n}")
    phase = SchoolPhase.PRIMARY


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    alliance = factory.SubFactory(AllianceFactory)
    name = factory.Sequence(lambda n: f"Measure {n}")
    kind = MeasureKind.ATTAINMENT
    scale_min = 0
    scale_max = 100


def member_of(alliance, user=None, school=None, role=Role.MEMBER):
    """A user who teaches at `school` (a new one if not given) in `alliance`."""
    user = user or UserFactory()
    school = school or SchoolFactory()
    AllianceSchool.objects.get_or_create(alliance=alliance, school=school)
    Membership.objects.create(user=user, alliance=alliance, school=school, role=role)
    return user
