"""Reference data loaded by the data migration (reference/README.md, FEEDS.md КНП
table), its database constraints, and its administration with import/export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import tablib
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import Workbook

from core.admin import (
    DayOffTransferResource,
    MciRateResource,
    OkedCodeResource,
    OrganisationResource,
)
from core.models import (
    DayOffTransfer,
    KnpCode,
    MciRate,
    OkedCode,
    OkedSection,
    Organisation,
    Region,
    Role,
)
from core.validators import is_valid_iin_bin

DATA = settings.BASE_DIR / "core" / "data"


def _csv_rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _csv_upload(text: str, name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def admin_client_for_admin(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    return client


# --- What the migration loaded -----------------------------------------------


@pytest.mark.django_db
def test_twenty_kato_regions_loaded_in_kato_order_as_in_the_shipped_file():
    shipped = _csv_rows("regions.csv")
    regions = list(Region.objects.all())
    assert len(regions) == 20
    assert [r.code for r in regions] == [row["code"] for row in shipped]
    assert [r.kato for r in regions] == sorted(r.kato for r in regions)
    for region, row in zip(regions, shipped, strict=True):
        assert region.kato == row["kato"]
        assert region.kato.startswith(region.code)
        assert region.name_kk == row["name_kk"] and region.name_ru == row["name_ru"]
        assert region.name_en


@pytest.mark.django_db
def test_mci_2023_to_2026_loaded():
    rates = dict(MciRate.objects.values_list("year", "amount_kzt"))
    assert rates == {
        2023: Decimal("3450"),
        2024: Decimal("3692"),
        2025: Decimal("3932"),
        2026: Decimal("4325"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "cover_start"),
    [
        ("121", KnpCode.CoverStart.MONTH_START),
        ("122", KnpCode.CoverStart.MONTH_START),
        ("187", KnpCode.CoverStart.PAYMENT_DATE),
    ],
)
def test_knp_codes_giving_mhi_cover_and_when_it_starts(code, cover_start):
    knp = KnpCode.objects.get(code=code)
    assert knp.gives_cover is True
    assert knp.cover_start == cover_start


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["123", "124"])
def test_knp_penalty_interest_codes_give_no_cover(code):
    knp = KnpCode.objects.get(code=code)
    assert knp.gives_cover is False
    assert knp.cover_start == ""


@pytest.mark.django_db
def test_oked_codes_loaded_with_risk_classes_1_to_22():
    shipped = _csv_rows("oked_codes.csv")
    loaded = dict(OkedCode.objects.values_list("code", "risk_class"))
    assert loaded == {row["code"]: int(row["risk_class"]) for row in shipped}
    assert all(1 <= risk <= 22 for risk in loaded.values())
    assert OkedSection.objects.count() == len(_csv_rows("oked_sections.csv"))
    assert not OkedCode.objects.exclude(section__in=OkedSection.objects.all()).exists()


@pytest.mark.django_db
def test_database_rejects_oked_risk_class_23():
    code = OkedCode.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        OkedCode.objects.filter(pk=code.pk).update(risk_class=23)
    with pytest.raises(IntegrityError), transaction.atomic():
        OkedCode.objects.filter(pk=code.pk).update(risk_class=0)
    code.refresh_from_db()
    assert 1 <= code.risk_class <= 22


@pytest.mark.django_db
def test_model_validation_rejects_oked_risk_class_23():
    code = OkedCode.objects.first()
    code.risk_class = 23
    with pytest.raises(ValidationError) as exc:
        code.full_clean()
    assert "risk_class" in exc.value.message_dict


@pytest.mark.django_db
def test_database_rejects_knp_cover_start_without_cover():
    with pytest.raises(IntegrityError), transaction.atomic():
        KnpCode.objects.filter(code="123").update(cover_start=KnpCode.CoverStart.PAYMENT_DATE)


# --- Import and export through the resources ------------------------------------


@pytest.mark.django_db
def test_mci_csv_import_adds_2027_and_skips_unchanged_years():
    dataset = tablib.Dataset().load("year,amount_kzt\n2026,4325\n2027,4600\n", format="csv")
    result = MciRateResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 1
    assert result.totals["skip"] == 1
    assert MciRate.objects.get(year=2027).amount_kzt == Decimal("4600")
    assert MciRate.objects.get(year=2026).amount_kzt == Decimal("4325")
    assert MciRate.objects.count() == 5


@pytest.mark.django_db
def test_mci_csv_dry_run_writes_nothing():
    dataset = tablib.Dataset().load("year,amount_kzt\n2027,4600\n", format="csv")
    MciRateResource().import_data(dataset, dry_run=True)
    assert not MciRate.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_mci_import_refuses_a_non_positive_amount_and_writes_nothing():
    dataset = tablib.Dataset().load("year,amount_kzt\n2027,4600\n2028,0\n", format="csv")
    result = MciRateResource().import_data(
        dataset, dry_run=False, raise_errors=False, rollback_on_validation_errors=True
    )
    assert result.has_errors() or result.has_validation_errors()
    assert not MciRate.objects.filter(year__in=[2027, 2028]).exists()


@pytest.mark.django_db
def test_oked_import_refuses_risk_class_23_and_writes_nothing():
    dataset = tablib.Dataset().load(
        "code,section,risk_class,name_kk,name_ru,name_en\n"
        "99001,S,3,Сынақ,Тест,Test\n"
        "99002,S,23,Сынақ,Тест,Test\n",
        format="csv",
    )
    result = OkedCodeResource().import_data(
        dataset, dry_run=False, raise_errors=False, rollback_on_validation_errors=True
    )
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert "risk_class" in invalid.error_dict
    assert not OkedCode.objects.filter(code__in=["99001", "99002"]).exists()


@pytest.mark.django_db
def test_xlsx_import_restores_leading_zeros_a_spreadsheet_drops():
    # A code typed as a number in a spreadsheet (01110 -> 1110) keeps its width.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "section", "risk_class", "name_kk", "name_ru", "name_en"])
    sheet.append([1110, "A", 12, "Дәнді", "Зерновые", "Cereals"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    dataset = tablib.Dataset().load(buffer.getvalue(), format="xlsx")
    result = OkedCodeResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert result.totals["update"] == 1
    assert OkedCode.objects.get(code="01110").risk_class == 12
    assert not OkedCode.objects.filter(code="1110").exists()


@pytest.mark.django_db
def test_organisation_import_matches_on_bin_and_validates_it():
    assert is_valid_iin_bin("050340000128") and not is_valid_iin_bin("050340000129")
    dataset = tablib.Dataset().load(
        "bin,name,kind,region,kato,oked,address,phone,email\n"
        "050340000128,Demo Life,insurer,75,,,,,\n",
        format="csv",
    )
    result = OrganisationResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert result.totals["new"] == 1
    org = Organisation.objects.get(bin="050340000128")
    assert org.region_id == "75" and org.kind == Organisation.Kind.INSURER
    bad = tablib.Dataset().load(
        "bin,name,kind,region,kato,oked,address,phone,email\n"
        "050340000129,Bad check digit,employer,,,,,,\n",
        format="csv",
    )
    result = OrganisationResource().import_data(
        bad, dry_run=False, raise_errors=False, rollback_on_validation_errors=True
    )
    assert "bin" in result.invalid_rows[0].error_dict
    assert not Organisation.objects.filter(bin="050340000129").exists()


@pytest.mark.django_db
def test_day_off_transfer_import_matches_on_date():
    DayOffTransfer.objects.create(date="2026-05-08", kind=DayOffTransfer.Kind.WORKING_DAY)
    dataset = tablib.Dataset().load(
        "date,kind,basis\n2026-05-08,day_off,Decree 1\n2026-05-16,working_day,Decree 1\n",
        format="csv",
    )
    result = DayOffTransferResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert (result.totals["update"], result.totals["new"]) == (1, 1)
    assert dict(DayOffTransfer.objects.values_list("date__day", "kind")) == {
        8: "day_off",
        16: "working_day",
    }


@pytest.mark.django_db
def test_mci_export_lists_every_year():
    exported = MciRateResource().export().csv
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {(r["year"], Decimal(r["amount_kzt"])) for r in rows} == {
        ("2026", Decimal("4325")),
        ("2025", Decimal("3932")),
        ("2024", Decimal("3692")),
        ("2023", Decimal("3450")),
    }


# --- The admin ---------------------------------------------------------------


@pytest.mark.django_db
def test_admin_imports_mci_csv_updating_2027(admin_client_for_admin):
    client = admin_client_for_admin
    MciRate.objects.create(year=2027, amount_kzt=Decimal("4500"))
    response = client.post(
        reverse("admin:core_mcirate_import"),
        {"format": "0", "import_file": _csv_upload("year,amount_kzt\n2027,4600\n")},
    )
    assert response.status_code == 200
    assert response.context["result"].totals["update"] == 1
    confirm = response.context["confirm_form"]
    assert MciRate.objects.get(year=2027).amount_kzt == Decimal("4500")  # dry run only

    response = client.post(
        reverse("admin:core_mcirate_process_import"),
        {name: confirm.initial.get(name, "") for name in confirm.fields},
    )
    assert response.status_code == 302
    assert MciRate.objects.get(year=2027).amount_kzt == Decimal("4600")
    assert LogEntry.objects.filter(object_id="2027").exists()


@pytest.mark.django_db
def test_admin_import_with_an_invalid_row_offers_no_confirmation(admin_client_for_admin):
    response = admin_client_for_admin.post(
        reverse("admin:core_mcirate_import"),
        {"format": "0", "import_file": _csv_upload("year,amount_kzt\n2027,4600\n2028,-1\n")},
    )
    assert response.status_code == 200
    assert response.context["result"].has_validation_errors()
    assert "confirm_form" not in response.context
    assert not MciRate.objects.filter(year__in=[2027, 2028]).exists()


@pytest.mark.django_db
def test_admin_import_offers_csv_and_xlsx_only(admin_client_for_admin):
    response = admin_client_for_admin.get(reverse("admin:core_mcirate_import"))
    assert response.status_code == 200
    choices = response.context["form"].fields["format"].choices
    assert [label.lower() for value, label in choices if value != ""] == ["csv", "xlsx"]


@pytest.mark.django_db
def test_admin_export_csv(admin_client_for_admin):
    response = admin_client_for_admin.post(
        reverse("admin:core_region_export"),
        {"format": "0", **{f"regionresource_{f}": "on" for f in ("code", "kato", "name_ru")}},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == [r["code"] for r in _csv_rows("regions.csv")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["region", "oked section", "oked code", "mci rate", "knp code", "day off transfer"]
)
def test_admin_changelists_open(admin_client_for_admin, model):
    name = model.replace(" ", "")
    response = admin_client_for_admin.get(reverse(f"admin:core_{name}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == response.context["cl"].model.objects.count()


@pytest.mark.django_db
def test_admin_oked_codes_filter_by_section_and_risk_class(admin_client_for_admin):
    sample = OkedCode.objects.first()
    response = admin_client_for_admin.get(
        reverse("admin:core_okedcode_changelist"),
        {"section__code__exact": sample.section_id, "risk_class": sample.risk_class},
    )
    assert response.status_code == 200
    shown = {c.code for c in response.context["cl"].result_list}
    expected = set(
        OkedCode.objects.filter(
            section_id=sample.section_id, risk_class=sample.risk_class
        ).values_list("code", flat=True)
    )
    assert shown == expected and sample.code in shown


@pytest.mark.django_db
def test_admin_organisations_searched_by_bin_and_name_filtered_by_kind_and_region(
    admin_client_for_admin,
):
    Organisation.objects.create(bin="050340000128", name="Demo Life", kind="insurer")
    Organisation.objects.create(
        bin="071240001238", name="Department Almaty", kind="department", region_id="75"
    )
    url = reverse("admin:core_organisation_changelist")
    by_bin = admin_client_for_admin.get(url, {"q": "050340000128"}).context["cl"].result_list
    assert [o.name for o in by_bin] == ["Demo Life"]
    by_name = admin_client_for_admin.get(url, {"q": "almaty"}).context["cl"].result_list
    assert [o.bin for o in by_name] == ["071240001238"]
    by_kind = admin_client_for_admin.get(url, {"kind__exact": "insurer"}).context["cl"]
    assert [o.bin for o in by_kind.result_list] == ["050340000128"]
    by_region = admin_client_for_admin.get(url, {"region__code__exact": "75"}).context["cl"]
    assert [o.bin for o in by_region.result_list] == ["071240001238"]


@pytest.mark.django_db
def test_admin_user_list_shows_role_and_edits_profile_inline(
    admin_client_for_admin, make_user, django_user_model
):
    inspector = make_user(Role.INSPECTOR, region="75", username="insp-almaty")
    changelist = admin_client_for_admin.get(reverse("admin:auth_user_changelist"))
    assert changelist.status_code == 200
    assert "insp-almaty" in changelist.content.decode()
    assert str(Role.INSPECTOR.label) in changelist.content.decode()
    filtered = admin_client_for_admin.get(
        reverse("admin:auth_user_changelist"), {"profile__role__exact": "inspector"}
    )
    assert [u.username for u in filtered.context["cl"].result_list] == ["insp-almaty"]

    change = admin_client_for_admin.get(reverse("admin:auth_user_change", args=[inspector.pk]))
    assert change.status_code == 200
    formset = change.context["inline_admin_formsets"][0].formset
    assert formset.model.__name__ == "UserProfile"
    assert formset.forms[0].instance.role == Role.INSPECTOR


@pytest.mark.django_db
def test_admin_import_needs_add_and_change_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_mcirate"))
    client.force_login(staff)
    assert client.get(reverse("admin:core_mcirate_changelist")).status_code == 200
    assert client.get(reverse("admin:core_mcirate_import")).status_code == 403
    response = client.post(
        reverse("admin:core_mcirate_import"),
        {"format": "0", "import_file": _csv_upload("year,amount_kzt\n2027,4600\n")},
    )
    assert response.status_code == 403
    assert not MciRate.objects.filter(year=2027).exists()
    export = client.post(
        reverse("admin:core_mcirate_export"),
        {"format": "0", "mcirateresource_year": "on", "mcirateresource_amount_kzt": "on"},
    )
    assert export.status_code == 200
    assert "2026,4325" in export.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_admin_day_off_transfers_show_what_the_package_says(admin_client_for_admin):
    DayOffTransfer.objects.create(date="2026-07-04", kind=DayOffTransfer.Kind.WORKING_DAY)
    DayOffTransfer.objects.create(date="2026-07-07", kind=DayOffTransfer.Kind.DAY_OFF)
    response = admin_client_for_admin.get(reverse("admin:core_dayofftransfer_changelist"))
    assert response.status_code == 200
    cl = response.context["cl"]
    said = {row.date.isoformat(): cl.model_admin.package_says(row) for row in cl.result_list}
    # Saturday 4 July 2026 is a day off and Tuesday 7 July a working day without the rows.
    assert said == {
        "2026-07-04": DayOffTransfer.Kind.DAY_OFF.label,
        "2026-07-07": DayOffTransfer.Kind.WORKING_DAY.label,
    }
