"""Factories for users, taxonomy and cases. Tests build what they need; no fixtures files."""

import factory
import wagtail_factories
from django.contrib.auth.models import Group

from accounts.models import ClinicianProfile, Profession, RegistrationBody, User, Verification
from accounts.roles import CLINICIAN, EDITOR, MODERATOR
from cases.models import BodySystem, CaseIndexPage, CasePage, Condition, Specialty
from cases.models.choices import AgeBand, CaseMode, Certainty, Sex

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def finish(self, create, extracted, **kwargs):
        if create:
            self.save()


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Specialty {n}")


class BodySystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BodySystem
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Body system {n}")


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Condition {n}")
    synonyms = ""


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicianProfile

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Test Clinician {n}")
    display_name = factory.Sequence(lambda n: f"Dr T{n}")
    profession = Profession.DOCTOR
    country = "United Kingdom"
    registration_body = RegistrationBody.GMC
    registration_number = factory.Sequence(lambda n: f"{7000000 + n}")
    workplace = "A district general hospital"
    status = Verification.PENDING


def make_clinician(status=Verification.VERIFIED, **kwargs) -> User:
    profile = ProfileFactory(status=status, **kwargs)
    if status == Verification.VERIFIED:
        profile.user.groups.add(Group.objects.get(name=CLINICIAN))
    return profile.user


def make_editor(**kwargs) -> User:
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def make_moderator(**kwargs) -> User:
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=MODERATOR))
    return user


class CasePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CasePage

    title = factory.Sequence(lambda n: f"Case {n}: chest pain in a smoker")
    summary = "Central chest pain with ST elevation."
    history = "Two hours of **crushing** central chest pain."
    examination = "Sweaty, BP 100/60."
    imaging_findings = ""
    diagnosis = factory.SubFactory(ConditionFactory)
    certainty = Certainty.CERTAIN
    management_outcome = "Primary PCI; recovered."
    learning_points = "- Time is muscle."
    specialty = factory.SubFactory(SpecialtyFactory)
    age_band = AgeBand.A50_54
    sex = Sex.MALE
    case_mode = CaseMode.TEACHING
    live = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("parent") is None:
            kwargs["parent"] = CaseIndexPage.objects.get()
        return super()._create(model_class, *args, **kwargs)
