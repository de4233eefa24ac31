"""Hand-edited reference data keeps its history: who changed what and when (ARCHITECTURE.md rule 2)."""

from decimal import Decimal

import pghistory.models
import pytest
from django.urls import reverse

from core.models import MciRate, Region


@pytest.mark.django_db
def test_admin_edit_of_mci_is_recorded_with_the_acting_user(client, make_user):
    admin_user = make_user("admin")
    client.force_login(admin_user)
    url = reverse("admin:core_mcirate_change", args=[2026])

    response = client.post(url, {"year": 2026, "amount_kzt": "4400.00"})

    assert response.status_code == 302
    assert MciRate.objects.get(year=2026).amount_kzt == Decimal("4400.00")
    events = pghistory.models.Events.objects.references(MciRate.objects.get(year=2026))
    update = events.filter(pgh_label="update").get()
    assert Decimal(update.pgh_data["amount_kzt"]) == Decimal("4400.00")
    assert update.pgh_context["acting_user"] == admin_user.pk


@pytest.mark.django_db
def test_sql_update_of_a_region_is_recorded_too():
    # Triggers catch writes that bypass the ORM's save().
    Region.objects.filter(code="75").update(name_en="Almaty city")

    events = pghistory.models.Events.objects.references(Region.objects.get(code="75"))
    assert events.filter(pgh_label="update").count() == 1
