"""Rules of the inspection and accident services (INTERFACES.md § Inspection; seed 003
forms 1-МЕИЖМ and 2-ӨЖ)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspection import services
from inspection.models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    Investigation,
    Referral,
    Victim,
    Violation,
)

from .conftest import (
    BAD_CHECK_DIGIT_BIN,
    PERSON_IIN,
    accident_body,
    inspection_body,
    service_kwargs,
    stored,
)

pytestmark = pytest.mark.django_db


def create_inspection(user, **overrides) -> Inspection:
    return services.inspection_create(
        acting_user=user, **service_kwargs(inspection_body(**overrides))
    )


def create_accident(user, **overrides) -> Accident:
    return services.accident_create(acting_user=user, **service_kwargs(accident_body(**overrides)))


def errors_of(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


# --- inspections --------------------------------------------------------------------


def test_inspection_create_stores_every_child_and_who_wrote_it(inspector):
    """INTERFACES.md § Inspection: POST inspections/ with all its child lists; ARCHITECTURE.md rule 2."""
    inspection = create_inspection(inspector)

    inspection.refresh_from_db()
    assert inspection.region_id == "75"
    assert inspection.created_by == inspector and inspection.updated_by == inspector
    assert [v.eliminated_on for v in inspection.violations.all()] == [
        None,
        datetime.date(2026, 3, 15),
    ]
    assert inspection.orders.get().number == "Н-17"
    assert inspection.fines.get().amount_kzt == Decimal("196600.00")
    assert inspection.suspensions.get().kind == "equipment"
    assert inspection.removals.get().workers == 3
    assert inspection.referrals.get().investigation_id is None
    assert inspection.criminalcases.get().persons_prosecuted is None


def test_inspection_history_records_the_acting_user(inspector):
    """ARCHITECTURE.md style rule 2: every change records who."""
    inspection = create_inspection(inspector)

    event = pghistory.models.Events.objects.filter(
        pgh_model="inspection.InspectionEvent", pgh_obj_id=str(inspection.pk)
    ).get()
    assert event.pgh_context["acting_user"] == inspector.pk


def test_region_must_be_the_inspectors_own(inspector):
    """INTERFACES.md § Inspection: region must be the inspector's own."""
    with pytest.raises(PermissionDenied):
        create_inspection(inspector, region="71")
    assert Inspection.objects.count() == 0


def test_chief_inspector_may_record_any_region(chief):
    """INTERFACES.md § Who uses what: chief inspector — all regions."""
    assert create_inspection(chief, region="71").region_id == "71"


def test_roles_outside_inspection_may_not_record(make_user, insurer_org):
    """INTERFACES.md § Who uses what: inspection records are the inspectors'."""
    insurer = make_user("insurer", organisation=insurer_org)
    with pytest.raises(PermissionDenied):
        create_inspection(insurer)
    assert not Inspection.objects.exists()


def test_unknown_region_is_a_field_error(chief):
    """reference/regions.csv: a region is one of the 20 КАТО regions."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(chief, region="98")
    assert list(errors_of(exc_info)) == ["region"]


def test_completed_on_not_before_started_on(inspector):
    """INTERFACES.md § Inspection: an inspection cannot end before it starts."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, completed_on="2026-03-01")
    assert list(errors_of(exc_info)) == ["completed_on"]


def test_inspection_without_completed_on_is_in_progress(inspector):
    """INTERFACES.md § Inspection: without completed_on it is in progress."""
    assert create_inspection(inspector, completed_on=None).completed_on is None


@pytest.mark.parametrize(
    ("key", "item", "field"),
    [
        ("violations", {"description": "x", "detected_on": "2026-03-01"}, "detected_on"),
        ("orders", {"number": "1", "issued_on": "2026-03-01"}, "issued_on"),
        ("fines", {"imposed_on": "2026-03-01", "amount_kzt": "1000"}, "imposed_on"),
        ("suspensions", {"kind": "facility", "suspended_on": "2026-03-01"}, "suspended_on"),
        ("removals", {"removed_on": "2026-03-01", "workers": 1}, "removed_on"),
        ("referrals", {"sent_on": "2026-03-01"}, "sent_on"),
        ("criminal_cases", {"opened_on": "2026-03-01"}, "opened_on"),
    ],
)
def test_child_dates_not_before_started_on(inspector, key, item, field):
    """INTERFACES.md § Inspection: nothing an inspection produced predates its start."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, **{key: [item]})
    errors = errors_of(exc_info)
    assert list(errors) == [f"{key}[0].{field}"]
    assert "2026-03-02" in errors[f"{key}[0].{field}"][0]


def test_violation_eliminated_on_not_before_detected_on(inspector):
    """1-МЕИЖМ columns 5 and 6: a violation is eliminated after it is detected."""
    violations = [
        {"description": "ok", "detected_on": "2026-03-03"},
        {"description": "bad", "detected_on": "2026-03-10", "eliminated_on": "2026-03-09"},
    ]
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, violations=violations)
    assert list(errors_of(exc_info)) == ["violations[1].eliminated_on"]


def test_order_due_on_not_before_issued_on(inspector):
    """1-МЕИЖМ column 7 (seed 003): an order is due after it is issued."""
    orders = [{"number": "1", "issued_on": "2026-03-10", "due_on": "2026-03-09"}]
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, orders=orders)
    assert list(errors_of(exc_info)) == ["orders[0].due_on"]


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_fine_amount_greater_than_zero(inspector, amount):
    """1-МЕИЖМ columns 8-9: a fine is an amount of tenge above zero."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, fines=[{"imposed_on": "2026-03-03", "amount_kzt": amount}])
    assert list(errors_of(exc_info)) == ["fines[0].amount_kzt"]


def test_removal_workers_at_least_one(inspector):
    """1-МЕИЖМ column 13 sums workers removed: a removal removes at least one."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, removals=[{"removed_on": "2026-03-03", "workers": 0}])
    assert list(errors_of(exc_info)) == ["removals[0].workers"]


def test_suspension_kind_in_the_list(inspector):
    """1-МЕИЖМ columns 10-12: equipment, facility or organisation."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, suspensions=[{"kind": "shop", "suspended_on": "2026-03-03"}])
    assert list(errors_of(exc_info)) == ["suspensions[0].kind"]


def test_exactly_one_subject_bin_or_iin(inspector):
    """INTERFACES.md § Inspection: subject_bin | subject_iin."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, subject_iin=PERSON_IIN)
    assert list(errors_of(exc_info)) == ["subject_iin"]

    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, subject_bin=None)
    assert list(errors_of(exc_info)) == ["subject_bin"]

    inspection = create_inspection(inspector, subject_bin="", subject_iin=PERSON_IIN)
    assert (inspection.subject_bin, inspection.subject_iin) == (None, PERSON_IIN)


def test_subject_bin_check_digit_valid(inspector):
    """reference/README.md: the 12th digit of a BIN is its check digit."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, subject_bin=BAD_CHECK_DIGIT_BIN)
    assert list(errors_of(exc_info)) == ["subject_bin"]


def test_criminal_case_prosecuted_on_not_before_opened_on(inspector):
    """1-МЕИЖМ columns 16-17 (seed 003): prosecution follows the opening of a case."""
    cases = [{"opened_on": "2026-03-10", "persons_prosecuted": 1, "prosecuted_on": "2026-03-09"}]
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, criminal_cases=cases)
    assert list(errors_of(exc_info)) == ["criminal_cases[0].prosecuted_on"]


def test_criminal_case_persons_prosecuted_and_prosecuted_on_together(inspector):
    """1-МЕИЖМ column 17 sums persons prosecuted by the date of prosecution."""
    cases = [
        {"opened_on": "2026-03-10", "persons_prosecuted": 2},
        {"opened_on": "2026-03-10", "prosecuted_on": "2026-03-20"},
    ]
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(inspector, criminal_cases=cases)
    assert sorted(errors_of(exc_info)) == [
        "criminal_cases[0].prosecuted_on",
        "criminal_cases[1].persons_prosecuted",
    ]


def test_all_errors_of_one_call_are_reported_together(inspector):
    """INTERFACES.md § REST API: a 400 names every field at fault."""
    with pytest.raises(ValidationError) as exc_info:
        create_inspection(
            inspector,
            completed_on="2026-03-01",
            fines=[{"imposed_on": "2026-03-03", "amount_kzt": "0"}],
            removals=[{"removed_on": "2026-03-03", "workers": 0}],
        )
    assert sorted(errors_of(exc_info)) == [
        "completed_on",
        "fines[0].amount_kzt",
        "removals[0].workers",
    ]


def test_failed_create_writes_nothing(inspector):
    """INTERFACES.md § Who uses what: a refused request changes nothing."""
    before = (Inspection.objects.count(), Violation.objects.count(), Fine.objects.count())
    with pytest.raises(ValidationError):
        create_inspection(inspector, removals=[{"removed_on": "2026-03-03", "workers": 0}])
    assert (Inspection.objects.count(), Violation.objects.count(), Fine.objects.count()) == before


def test_update_edits_listed_children_adds_new_and_deletes_missing(inspector, other_inspector):
    """INTERFACES.md § Inspection: PATCH corrects the record and its child lists."""
    inspection = create_inspection(inspector)
    first, second = inspection.violations.all()

    services.inspection_update(
        inspection=inspection,
        acting_user=inspector,
        violations=[
            {"id": second.pk, "eliminated_on": datetime.date(2026, 3, 16)},
            {"description": "New one", "detected_on": datetime.date(2026, 3, 5)},
        ],
    )

    rows = list(
        Violation.objects.filter(inspection=inspection).values_list(
            "id", "description", "eliminated_on"
        )
    )
    assert rows[0] == (second.pk, "No safety briefing log", datetime.date(2026, 3, 16))
    assert rows[1][1:] == ("New one", None)
    assert len(rows) == 2 and not Violation.objects.filter(pk=first.pk).exists()
    # Lists not given are left alone.
    assert inspection.fines.count() == 1 and inspection.orders.count() == 1


def test_update_rejects_a_child_id_of_another_inspection(inspector):
    """A correction edits only the record's own children."""
    one = create_inspection(inspector)
    other = create_inspection(inspector)
    foreign = other.violations.first()
    with pytest.raises(ValidationError) as exc_info:
        services.inspection_update(
            inspection=one, acting_user=inspector, violations=[{"id": foreign.pk}]
        )
    assert list(errors_of(exc_info)) == ["violations[0].id"]
    assert Violation.objects.filter(inspection=one).count() == 2


def test_update_moving_start_after_stored_children_is_rejected(inspector):
    """INTERFACES.md § Inspection: nothing an inspection produced predates its start."""
    inspection = create_inspection(inspector)
    with pytest.raises(ValidationError) as exc_info:
        services.inspection_update(
            inspection=inspection, acting_user=inspector, started_on=datetime.date(2026, 3, 4)
        )
    assert "violations[0].detected_on" in errors_of(exc_info)
    inspection.refresh_from_db()
    assert inspection.started_on == datetime.date(2026, 3, 2)


def test_update_of_another_regions_inspection_is_denied(inspector, other_inspector):
    """INTERFACES.md § Who uses what: inspectors edit their own region only."""
    # given an inspection of region 75
    inspection = create_inspection(inspector)
    before = stored(inspection)
    # when an inspector of region 71 corrects it, then it is refused and nothing changed
    with pytest.raises(PermissionDenied):
        services.inspection_update(
            inspection=inspection, acting_user=other_inspector, subject_name="x"
        )
    assert stored(inspection) == before


def test_update_cannot_move_an_inspection_to_another_region(inspector):
    """INTERFACES.md § Inspection: region must be the inspector's own."""
    # given an inspection of the inspector's region
    inspection = create_inspection(inspector)
    before = stored(inspection)
    # when the inspector moves it to region 71, then it is refused and nothing changed
    with pytest.raises(PermissionDenied):
        services.inspection_update(inspection=inspection, acting_user=inspector, region="71")
    assert stored(inspection) == before


def test_update_setting_iin_clears_bin(inspector):
    """INTERFACES.md § Inspection: subject_bin | subject_iin, never both."""
    inspection = create_inspection(inspector)
    services.inspection_update(inspection=inspection, acting_user=inspector, subject_iin=PERSON_IIN)
    inspection.refresh_from_db()
    assert (inspection.subject_bin, inspection.subject_iin) == (None, PERSON_IIN)


def test_update_records_updated_by(inspector, chief):
    """ARCHITECTURE.md rule 2: every change records who."""
    inspection = create_inspection(inspector)
    services.inspection_update(inspection=inspection, acting_user=chief, kind="special_order")
    inspection.refresh_from_db()
    assert inspection.created_by == inspector and inspection.updated_by == chief


# --- accidents ----------------------------------------------------------------------


def test_accident_create_derives_region_from_kato(inspector):
    """INTERFACES.md § Reports, 2-ӨЖ: the row is the region of the accident's kato."""
    accident = create_accident(inspector)
    accident.refresh_from_db()
    assert accident.region_id == "75"
    assert list(accident.victims.values_list("outcome", flat=True)) == ["severe", "light"]
    investigation = accident.investigation
    assert investigation.referrals.count() == 1
    assert investigation.criminalcases.get().persons_prosecuted == 2


def test_accident_kato_region_must_be_known(chief):
    """INTERFACES.md § Reports, 2-ӨЖ: the row is the region of the accident's kato."""
    with pytest.raises(ValidationError) as exc_info:
        create_accident(chief, kato="981110000")
    assert list(errors_of(exc_info)) == ["kato"]


def test_accident_region_must_be_the_inspectors_own(inspector):
    """INTERFACES.md § Who uses what: accidents of the inspector's own region."""
    with pytest.raises(PermissionDenied):
        create_accident(inspector, kato="711110000")
    assert Accident.objects.count() == 0


def test_chief_inspector_may_record_an_accident_in_any_region(chief):
    """INTERFACES.md § Who uses what: chief inspector — all regions."""
    accident = create_accident(
        chief, kato="711110000", investigation={"region": "71", "by_state_inspector": True}
    )
    assert accident.region_id == "71"


def test_accident_has_at_least_one_victim(inspector):
    """INTERFACES.md § Inspection: an accident has at least one victim."""
    with pytest.raises(ValidationError) as exc_info:
        create_accident(inspector, victims=[])
    assert list(errors_of(exc_info)) == ["victims"]


def test_victim_outcome_in_the_list(inspector):
    """2-ӨЖ columns 6-8: light or moderate, severe, fatal."""
    with pytest.raises(ValidationError) as exc_info:
        create_accident(inspector, victims=[{"full_name": "A", "outcome": "minor"}])
    assert list(errors_of(exc_info)) == ["victims[0].outcome"]


def test_victim_may_lack_an_iin_but_a_given_one_is_checked(inspector):
    """INTERFACES.md § Inspection: a victim may lack an IIN (a foreigner)."""
    accident = create_accident(inspector, victims=[{"full_name": "J. Doe", "outcome": "fatal"}])
    assert accident.victims.get().iin is None
    with pytest.raises(ValidationError) as exc_info:
        create_accident(inspector, victims=[{"iin": "123", "full_name": "A", "outcome": "fatal"}])
    assert list(errors_of(exc_info)) == ["victims[0].iin"]


def test_employer_bin_check_digit_valid(inspector):
    """reference/README.md: the 12th digit of a BIN is its check digit."""
    with pytest.raises(ValidationError) as exc_info:
        create_accident(inspector, employer_bin=BAD_CHECK_DIGIT_BIN)
    assert list(errors_of(exc_info)) == ["employer_bin"]


def test_investigation_completed_on_not_before_occurred_on(inspector):
    """1-МЕИЖМ column 14 (seed 003): an investigation completes after the accident."""
    investigation = {"region": "75", "by_state_inspector": True, "completed_on": "2026-03-04"}
    with pytest.raises(ValidationError) as exc_info:
        create_accident(inspector, investigation=investigation)
    assert list(errors_of(exc_info)) == ["investigation.completed_on"]


def test_investigation_criminal_case_prosecution_rules(inspector):
    """1-МЕИЖМ column 17: persons prosecuted on special-investigation materials."""
    investigation = {
        "region": "75",
        "by_state_inspector": True,
        "referrals": [{"sent_on": "2026-03-01"}],
        "criminal_cases": [
            {"opened_on": "2026-04-10", "persons_prosecuted": 1, "prosecuted_on": "2026-04-01"}
        ],
    }
    with pytest.raises(ValidationError) as exc_info:
        create_accident(inspector, investigation=investigation)
    assert sorted(errors_of(exc_info)) == [
        "investigation.criminal_cases[0].prosecuted_on",
        "investigation.referrals[0].sent_on",
    ]


def test_investigation_region_must_be_the_inspectors_own(inspector):
    """INTERFACES.md § Inspection: the investigation's region is the inspector's own."""
    with pytest.raises(PermissionDenied):
        create_accident(inspector, investigation={"region": "71", "by_state_inspector": True})
    assert Accident.objects.count() == 0 and Investigation.objects.count() == 0


def test_accident_without_investigation(inspector):
    """INTERFACES.md § Inspection: investigation? is optional."""
    body = accident_body()
    del body["investigation"]
    accident = services.accident_create(acting_user=inspector, **service_kwargs(body))
    assert not Investigation.objects.filter(accident=accident).exists()


def test_accident_update_replaces_victims_and_deletes_investigation(inspector):
    """INTERFACES.md § Inspection: PATCH accidents/{id}/ corrects victims and investigation."""
    accident = create_accident(inspector)
    severe, _light = accident.victims.all()

    services.accident_update(
        accident=accident,
        acting_user=inspector,
        victims=[{"id": severe.pk, "outcome": "fatal"}],
        investigation=None,
    )

    assert list(Victim.objects.filter(accident=accident).values_list("id", "outcome")) == [
        (severe.pk, "fatal")
    ]
    assert not Investigation.objects.filter(accident=accident).exists()
    assert Referral.objects.count() == 0 and CriminalCase.objects.count() == 0


def test_accident_update_edits_investigation_children(inspector):
    """INTERFACES.md § Inspection: the investigation's referrals and criminal cases."""
    accident = create_accident(inspector)
    referral = accident.investigation.referrals.get()

    services.accident_update(
        accident=accident,
        acting_user=inspector,
        investigation={
            "completed_on": datetime.date(2026, 3, 31),
            "referrals": [{"id": referral.pk}, {"sent_on": datetime.date(2026, 4, 2)}],
        },
    )

    investigation = Investigation.objects.get(accident=accident)
    assert investigation.completed_on == datetime.date(2026, 3, 31)
    assert investigation.region_id == "75"
    assert investigation.referrals.count() == 2
    assert investigation.criminalcases.count() == 1


def test_accident_update_cannot_remove_every_victim(inspector):
    """INTERFACES.md § Inspection: an accident has at least one victim."""
    accident = create_accident(inspector)
    with pytest.raises(ValidationError) as exc_info:
        services.accident_update(accident=accident, acting_user=inspector, victims=[])
    assert list(errors_of(exc_info)) == ["victims"]
    assert accident.victims.count() == 2


def test_accident_update_of_another_region_is_denied(inspector, other_inspector):
    """INTERFACES.md § Who uses what: inspectors edit their own region only."""
    # given an accident of region 75
    accident = create_accident(inspector)
    before = stored(accident)
    # when an inspector of region 71 corrects it, then it is refused and nothing changed
    with pytest.raises(PermissionDenied):
        services.accident_update(accident=accident, acting_user=other_inspector, description="x")
    assert stored(accident) == before


def test_failed_accident_create_writes_nothing(inspector):
    """INTERFACES.md § Who uses what: a refused request changes nothing."""
    before = (Accident.objects.count(), Victim.objects.count(), Investigation.objects.count())
    with pytest.raises(ValidationError):
        create_accident(
            inspector,
            victims=[
                {"full_name": "A", "outcome": "light"},
                {"full_name": "B", "outcome": "unknown"},
            ],
        )
    assert (
        Accident.objects.count(),
        Victim.objects.count(),
        Investigation.objects.count(),
    ) == before
