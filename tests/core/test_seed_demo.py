"""seed_demo: every region, every role, every app's demo data; a second run changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from contracts.models import CoverageSnapshot, Notice, OsnsContract, ViolatorCase
from core.models import FeedFile, FeedRejection, Organisation, Place, Region, Role
from inspection.models import Accident, Inspection
from reports.models import FormVersion

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def inbox(settings, tmp_path):
    settings.FEED_INBOX_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_seed_demo_fills_every_region_and_role_and_is_idempotent(inbox, capsys):
    call_command("seed_demo", "--today", TODAY.isoformat())

    regions = set(Region.objects.values_list("code", flat=True))
    assert len(regions) == 20
    # The КАТО subset: the regions and the regional centres, through the app's demo_seeder.
    assert Place.objects.get(code="351010000").name_ru == "г.Караганда"
    employers = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER)
    assert set(employers.values_list("region_id", flat=True)) == regions
    assert set(Inspection.objects.values_list("region_id", flat=True)) == regions
    assert set(Accident.objects.values_list("region_id", flat=True)) == regions

    profiles = get_user_model().objects.filter(profile__isnull=False)
    assert set(profiles.values_list("profile__role", flat=True)) == set(Role.values)
    inspector_regions = profiles.filter(profile__role=Role.INSPECTOR)
    assert set(inspector_regions.values_list("profile__region_id", flat=True)) == regions

    files = list(
        FeedFile.objects.filter(feed="esbd_contracts").order_by("delivered_on", "file_name")
    )
    assert [f.status for f in files] == ["loaded", "loaded", "loaded"]
    assert files[0].rejected == 0 and files[1].rejected > 0 and files[1].flagged > 0
    rejected = FeedRejection.objects.filter(feed_file=files[1], kind="reject")
    assert rejected.count() >= files[1].rejected
    # The second delivery's readable broken rows (premium 0) load, flagged.
    added = OsnsContract.objects.filter(contract_number__endswith="-X")
    assert added.count() > 0
    assert all(c.premium_kzt == 0 and c.flags for c in added)
    assert OsnsContract.objects.filter(is_current=True).count() >= files[0].loaded + files[2].loaded
    assert sorted(p.name for p in (inbox / "esbd_contracts" / "processed").iterdir()) == [
        "esbd_contracts_20261116.csv",
        "esbd_contracts_20261123.csv",
        "esbd_contracts_20261123_2.csv",
    ]
    # Mandatory insurance: employment contracts in every region, cases, notices, coverage.
    employment = FeedFile.objects.get(feed="esutd_contracts")
    assert employment.status == "loaded" and employment.loaded > 1000
    cases = ViolatorCase.objects.exclude(state="resolved")
    assert set(cases.values_list("region_id", flat=True)) == regions
    assert Notice.objects.exists() and cases.filter(state="preventive_control").exists()
    assert CoverageSnapshot.objects.values("on").distinct().count() == 13
    assert OsnsContract.objects.filter(feed_file__isnull=True).exists()  # API corrections

    # Twelve months of both forms; all but the latest finalised.
    versions = FormVersion.objects.all()
    assert versions.count() == 24
    assert versions.filter(status="final").count() == 22
    assert set(versions.filter(status="draft").values_list("period", flat=True)) == {
        dt.date(2026, 10, 1)
    }

    counts = (Organisation.objects.count(), Inspection.objects.count(), versions.count())
    call_command("seed_demo", "--today", TODAY.isoformat())
    assert "already present" in capsys.readouterr().out
    assert counts == (Organisation.objects.count(), Inspection.objects.count(), versions.count())


@pytest.mark.django_db
def test_print_logins_lists_the_demo_users_and_tokens(inbox, capsys):
    call_command("seed_demo", "--today", TODAY.isoformat())
    capsys.readouterr()

    call_command("seed_demo", "--print-logins")
    out = capsys.readouterr().out

    for username in ("admin", "chief", "inspector.75", "ops", "mhi.operator", "insurer", "medical"):
        assert username in out
    from rest_framework.authtoken.models import Token

    assert Token.objects.get(user__username="insurer").key in out


@pytest.mark.django_db
def test_seed003_demo_forms_carry_the_full_header(inbox):
    call_command("seed_demo", "--today", TODAY.isoformat())

    header = FormVersion.objects.filter(status="draft").first().header
    regulator = Organisation.objects.get(kind=Organisation.Kind.REGULATOR)
    assert header["bin"] == regulator.bin and header["name"] == regulator.name
    assert all(header[field] for field in ("address", "phone", "email", "executor", "head"))
