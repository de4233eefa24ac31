"""Factories for every app's tests (factory_boy), and the one IIN/BIN builder.

    iin_bin("0101400", 7)          -> a BIN with a valid check digit
    UserFactory(role="inspector", region="75")
    CategoryPeriodFactory(iin=iin, category="R13", assigned_on=date(2026, 1, 1))
    InspectionFactory(region_id="71", completed_on=date(2025, 10, 3))
    AccidentFactory(occurred_on=date(2025, 10, 5), outcomes=("fatal", "light"))

Factories write with the ORM, for tests that need records as they are stored
(counting rules, pages); tests of the write rules go through the services.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from core.models import Organisation, Region, UserProfile
from core.validators import check_digit
from inspection import models as records
from mhi_registry import models as mhi

PASSWORD = "Str0ng-pass-phrase"


def iin_bin(digits: str, serial: int = 0) -> str:
    """A 12-digit IIN or BIN with a valid check digit.

    Eleven ``digits`` get their check digit (they must have one). Fewer are
    followed by ``serial``, zero-padded to eleven digits; where those have no
    check digit, the next serial is taken.
    """
    if len(digits) == 11:
        digit = check_digit(digits)
        assert digit is not None, f"{digits} has no check digit"
        return digits + str(digit)
    n = serial
    while True:
        first = digits + str(n).zfill(11 - len(digits))
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
        n += 1


def bad_check_digit(number: str) -> str:
    """The same eleven digits with a wrong twelfth."""
    return number[:11] + str((int(number[11]) + 1) % 10)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("bin",)

    bin = factory.Sequence(lambda n: iin_bin("0101400", n))
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.EMPLOYER


class UserProfileFactory(DjangoModelFactory):
    """A user's role and scope; the user joins the role's group."""

    class Meta:
        model = UserProfile
        skip_postgeneration_save = True

    role = "inspector"
    region = None
    organisation = None

    @factory.post_generation
    def group(profile, create, extracted, **kwargs):
        if create:
            profile.user.groups.add(Group.objects.get(name=profile.role))


def _region(code: str | None) -> Region | None:
    return Region.objects.get(code=code) if code else None


class UserFactory(DjangoModelFactory):
    """A user with a role, bound to a region (its code) or an organisation."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    class Params:
        role = "inspector"
        region = None
        organisation = None

    username = factory.LazyAttributeSequence(lambda o, n: f"{o.role}{n}")
    password = factory.django.Password(PASSWORD)
    is_superuser = factory.LazyAttribute(lambda o: o.role == "admin")
    is_staff = factory.LazyAttribute(lambda o: o.role == "admin")
    profile = factory.RelatedFactory(
        UserProfileFactory,
        factory_related_name="user",
        role=factory.SelfAttribute("..role"),
        region=factory.LazyAttribute(lambda o: _region(o.factory_parent.region)),
        organisation=factory.SelfAttribute("..organisation"),
    )


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = records.Inspection

    region_id = "75"
    subject_bin = factory.Sequence(lambda n: iin_bin("0101400", n))
    kind = records.InspectionKind.UNSCHEDULED
    started_on = date(2025, 9, 1)
    completed_on = None


class ViolationFactory(DjangoModelFactory):
    class Meta:
        model = records.Violation

    inspection = factory.SubFactory(InspectionFactory)
    description = "v"
    detected_on = factory.SelfAttribute("inspection.started_on")
    eliminated_on = None


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = records.InspectionOrder

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: f"N-{n}")
    issued_on = factory.SelfAttribute("inspection.started_on")


class FineFactory(DjangoModelFactory):
    class Meta:
        model = records.Fine

    inspection = factory.SubFactory(InspectionFactory)
    imposed_on = factory.SelfAttribute("inspection.started_on")
    amount_kzt = Decimal("100000.00")


class SuspensionFactory(DjangoModelFactory):
    class Meta:
        model = records.Suspension

    inspection = factory.SubFactory(InspectionFactory)
    kind = records.SuspensionKind.EQUIPMENT
    suspended_on = factory.SelfAttribute("inspection.started_on")


class RemovalFactory(DjangoModelFactory):
    class Meta:
        model = records.Removal

    inspection = factory.SubFactory(InspectionFactory)
    removed_on = factory.SelfAttribute("inspection.started_on")
    workers = 1


class AccidentFactory(DjangoModelFactory):
    """An accident with one victim per outcome in ``outcomes``."""

    class Meta:
        model = records.Accident
        skip_postgeneration_save = True

    region_id = "75"
    kato = factory.LazyAttribute(lambda o: f"{o.region_id}0000000")
    occurred_on = date(2025, 9, 1)
    employer_bin = factory.Sequence(lambda n: iin_bin("0101400", n))
    description = "a"

    @factory.post_generation
    def outcomes(accident, create, extracted, **kwargs):
        if create:
            for i, outcome in enumerate(extracted or ("light",)):
                VictimFactory(accident=accident, full_name=f"Victim {i}", outcome=outcome)


class VictimFactory(DjangoModelFactory):
    class Meta:
        model = records.Victim

    accident = factory.SubFactory(AccidentFactory)
    full_name = factory.Sequence(lambda n: f"Victim {n}")
    outcome = records.VictimOutcome.LIGHT


class InvestigationFactory(DjangoModelFactory):
    class Meta:
        model = records.Investigation

    accident = factory.SubFactory(AccidentFactory)
    region_id = factory.SelfAttribute("accident.region_id")
    by_state_inspector = True
    completed_on = None


class ReferralFactory(DjangoModelFactory):
    """Belongs to the inspection or the investigation given (exactly one)."""

    class Meta:
        model = records.Referral

    sent_on = date(2025, 9, 1)


class CriminalCaseFactory(DjangoModelFactory):
    """Belongs to the inspection or the investigation given (exactly one)."""

    class Meta:
        model = records.CriminalCase

    opened_on = date(2025, 9, 1)
    persons_prosecuted = None
    prosecuted_on = None


class CategoryPeriodFactory(DjangoModelFactory):
    """A category period as its feed stores it: a first version, delivered the day
    after it began unless given."""

    class Meta:
        model = mhi.CategoryPeriod

    last_name = "Асанов"
    category = "R13"
    assigned_on = date(2026, 1, 1)
    assigned_source = "GP"
    delivered_on = factory.LazyAttribute(lambda period: period.assigned_on + timedelta(days=1))
    version = 1
