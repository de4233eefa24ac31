"""Versions of a form (INTERFACES.md § Versions; reports.models, migration 0002)."""

from __future__ import annotations

import threading
from datetime import date

import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from reports.models import FormVersion
from reports.selectors import version_to_show
from reports.services import FormVersionConflict, form_finalise, form_generate

OCT = date(2025, 10, 1)
IN = date(2025, 10, 14)


def generate(form: str = "2-ozh", **kwargs) -> FormVersion:
    return form_generate(form=form, period=OCT, source="command", **kwargs).version


@pytest.fixture
def chief(make_user):
    return make_user("chief_inspector")


@pytest.mark.django_db
def test_each_generation_is_a_new_version_numbered_per_form_and_month(records):
    records.accident("75", occurred_on=IN)

    first, second = generate(), generate()
    other_form = generate("1-meizhm")
    other_month = form_generate(form="2-ozh", period=date(2025, 9, 1), source="command").version

    assert (first.number, second.number) == (1, 2)
    assert (other_form.number, other_month.number) == (1, 1)
    assert first.status == second.status == "draft"
    assert first.kind == second.kind == "regular"
    assert first.fingerprint == second.fingerprint  # same inputs


@pytest.mark.django_db
def test_fingerprint_changes_when_a_counted_record_changes(records):
    accident = records.accident("75", occurred_on=IN, outcomes=("light",))
    before = generate().fingerprint
    victim = accident.victims.get()
    victim.outcome = "severe"
    victim.save()

    assert generate().fingerprint != before


@pytest.mark.django_db
def test_only_if_changed_makes_nothing_when_inputs_are_the_same(records):
    records.accident("75", occurred_on=IN)
    first = form_generate(form="2-ozh", period=OCT, source="celery", only_if_changed=True)
    again = form_generate(form="2-ozh", period=OCT, source="celery", only_if_changed=True)
    records.accident("11", occurred_on=IN)
    changed = form_generate(form="2-ozh", period=OCT, source="celery", only_if_changed=True)

    assert first.created and not again.created and changed.created
    assert again.version.pk == first.version.pk
    assert changed.version.number == 2


@pytest.mark.django_db
def test_generating_needs_chief_inspector_or_ops(make_user, insurer_org):
    for user in (
        make_user("inspector", region="75"),
        make_user("insurer", organisation=insurer_org),
        make_user("mhi_operator"),
    ):
        with pytest.raises(PermissionDenied):
            generate(acting_user=user)
    assert generate(acting_user=make_user("ops")).generated_by.profile.role == "ops"
    assert FormVersion.objects.count() == 1


@pytest.mark.django_db
def test_future_month_cannot_be_generated():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        form_generate(form="2-ozh", period=date(2999, 1, 1), source="command")
    assert "period" in exc.value.message_dict


@pytest.mark.django_db
def test_only_a_chief_inspector_finalises(make_user, chief):
    version = generate()
    for user in (make_user("ops"), make_user("inspector", region="75"), None):
        with pytest.raises(PermissionDenied):
            form_finalise(version=version, acting_user=user)
    version.refresh_from_db()
    assert version.status == "draft" and version.finalised_by is None

    final = form_finalise(version=version, acting_user=chief)

    assert final.status == "final"
    assert final.finalised_by == chief and final.finalised_at is not None


@pytest.mark.django_db
def test_one_final_version_per_form_and_month(chief):
    v1, v2 = generate(), generate()
    form_finalise(version=v2, acting_user=chief)

    with pytest.raises(FormVersionConflict, match="Version 2 is already final"):
        form_finalise(version=v1, acting_user=chief)
    with pytest.raises(FormVersionConflict, match="already final"):
        form_finalise(version=v2, acting_user=chief)
    assert list(FormVersion.objects.filter(status="final").values_list("number", flat=True)) == [2]
    # The database refuses a second current final version too.
    v1.refresh_from_db()
    with pytest.raises(IntegrityError), transaction.atomic():
        FormVersion.objects.filter(pk=v1.pk).update(
            status="final", finalised_at="2025-11-01T00:00:00Z"
        )


@pytest.mark.django_db
def test_regeneration_after_finalisation_is_a_correction_with_a_cell_by_cell_diff(records, chief):
    records.accident("75", occurred_on=IN, outcomes=("light",))
    final = form_finalise(version=generate(), acting_user=chief)
    records.accident("75", occurred_on=IN, outcomes=("fatal", "light"))

    correction = generate()

    assert correction.kind == "correction" and correction.corrects == final
    assert correction.status == "draft"
    assert correction.diff == {
        "corrects_version": 1,
        "cells": [
            {"row": "750000000", "column": "2", "old": 1, "new": 2},
            {"row": "750000000", "column": "3", "old": 0, "new": 1},
            {"row": "750000000", "column": "4", "old": 1, "new": 3},
            {"row": "750000000", "column": "5", "old": 0, "new": 2},
            {"row": "750000000", "column": "6", "old": 1, "new": 2},
            {"row": "750000000", "column": "8", "old": 0, "new": 1},
            {"row": "total", "column": "2", "old": 1, "new": 2},
            {"row": "total", "column": "3", "old": 0, "new": 1},
            {"row": "total", "column": "4", "old": 1, "new": 3},
            {"row": "total", "column": "5", "old": 0, "new": 2},
            {"row": "total", "column": "6", "old": 1, "new": 2},
            {"row": "total", "column": "8", "old": 0, "new": 1},
        ],
    }
    # A GET still shows the final version until the correction is finalised.
    assert version_to_show(form="2-ozh", period=OCT) == final


@pytest.mark.django_db
def test_finalising_a_correction_supersedes_the_previous_final_which_stays_stored(records, chief):
    v1 = form_finalise(version=generate(), acting_user=chief)
    records.accident("75", occurred_on=IN)
    stale = generate()
    v3 = generate()

    form_finalise(version=v3, acting_user=chief)

    v1.refresh_from_db()
    assert v1.status == "final" and v1.superseded_by == v3 and v1.superseded_at is not None
    assert version_to_show(form="2-ozh", period=OCT) == v3
    # A correction of a version that is no longer the current final cannot be finalised.
    with pytest.raises(FormVersionConflict, match="Version 3 is already final"):
        form_finalise(version=stale, acting_user=chief)


@pytest.mark.django_db
def test_final_version_is_immutable_through_the_orm(chief):
    version = form_finalise(version=generate(), acting_user=chief)

    version.rows[0]["values"]["2"] = 99
    with pytest.raises(IntegrityError, match="final and cannot be changed|cannot be changed"):
        with transaction.atomic():
            version.save()
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
        version.delete()
    with pytest.raises(IntegrityError, match="final and cannot be changed"):
        with transaction.atomic():
            FormVersion.objects.filter(pk=version.pk).update(status="draft", finalised_at=None)


@pytest.mark.django_db
def test_final_version_is_immutable_through_raw_sql(chief):
    version = form_finalise(version=generate(), acting_user=chief)
    statements = [
        ("UPDATE reports_formversion SET rows = '[]'::jsonb WHERE id = %s", "cannot be changed"),
        ("UPDATE reports_formversion SET finalised_at = now() WHERE id = %s", "final"),
        ("UPDATE reports_formversion SET updated_at = now() WHERE id = %s", "final"),
        ("DELETE FROM reports_formversion WHERE id = %s", "cannot be deleted"),
    ]
    for sql, message in statements:
        with pytest.raises(IntegrityError, match=message), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [version.pk])

    stored = FormVersion.objects.get(pk=version.pk)
    assert stored.rows == version.rows and stored.status == "final"


@pytest.mark.django_db
def test_superseding_is_recorded_once_and_only_on_a_final_version(records, chief):
    v1 = form_finalise(version=generate(), acting_user=chief)
    records.accident("75", occurred_on=IN)
    v2 = form_finalise(version=generate(), acting_user=chief)
    v3 = generate()

    with pytest.raises(IntegrityError, match="superseded once|final"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_formversion SET superseded_by_id = %s WHERE id = %s",
                [v3.pk, v1.pk],
            )
    with pytest.raises(IntegrityError, match="draft form version"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_formversion SET superseded_by_id = %s, superseded_at = now() "
                "WHERE id = %s",
                [v2.pk, v3.pk],
            )


@pytest.mark.django_db
def test_draft_content_is_immutable_but_a_draft_may_be_deleted():
    draft = generate()

    with pytest.raises(IntegrityError, match="content"), transaction.atomic():
        FormVersion.objects.filter(pk=draft.pk).update(checks=[])

    draft.delete()
    assert not FormVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_generations_get_distinct_numbers(records):
    records.accident("75", occurred_on=IN)
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        try:
            barrier.wait()
            generate()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(FormVersion.objects.values_list("number", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_generating_finalising_and_superseding_are_in_the_history_with_the_acting_user(
    records, chief
):
    """Every change of record names its user: a version's life is in its history too."""
    # given a finalised version and a correction of it
    first = generate(acting_user=chief)
    form_finalise(version=first, acting_user=chief)
    records.accident(occurred_on=IN)
    correction = generate(acting_user=chief)

    # when the correction is finalised
    form_finalise(version=correction, acting_user=chief)

    # then each step is an event naming who did it
    events = pghistory.models.Events.objects.filter(pgh_model="reports.FormVersionEvent").order_by(
        "pgh_id"
    )
    steps = [(e.pgh_label, int(e.pgh_obj_id), e.pgh_context["acting_user"]) for e in events]
    assert steps == [
        ("generate", first.pk, chief.pk),
        ("finalise", first.pk, chief.pk),
        ("generate", correction.pk, chief.pk),
        ("supersede", first.pk, chief.pk),
        ("finalise", correction.pk, chief.pk),
    ]


@pytest.mark.django_db
def test_a_generation_by_the_monthly_job_is_in_the_history_without_a_user():
    version = form_generate(form="2-ozh", period=OCT, source="celery").version

    event = pghistory.models.Events.objects.get(
        pgh_model="reports.FormVersionEvent", pgh_obj_id=str(version.pk)
    )
    assert event.pgh_label == "generate"
    assert event.pgh_context["acting_user"] is None
