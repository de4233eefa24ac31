"""The admin is no second write path: rule-bearing records are read-only there."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_admin_shows_but_does_not_edit_contracts(client, make_user, story):
    contract = story.contract()
    client.force_login(make_user("admin"))
    page = client.get(f"/admin/insurance/voluntarycontract/{contract.pk}/change/")
    assert page.status_code == 200 and contract.number in page.content.decode()
    assert client.get("/admin/insurance/voluntarycontract/add/").status_code == 403
    posted = client.post(
        f"/admin/insurance/voluntarycontract/{contract.pk}/change/", {"number": "CHANGED"}
    )
    assert posted.status_code == 403
    contract.refresh_from_db()
    assert contract.number != "CHANGED"


def test_a_used_rules_set_cannot_be_edited(client, make_user, story):
    contract = story.contract()
    client.force_login(make_user("admin"))
    page = client.get(f"/admin/insurance/rulesset/{contract.rules_id}/change/")
    assert page.status_code == 200
    assert 'name="notice_working_days"' not in page.content.decode()


def test_every_admin_page_of_the_area_opens(client, make_user, story):
    from annuity.run import monthly_run

    story.claim(story.event(story.contract()))
    monthly_run(on=story.contract().concluded_on)
    client.force_login(make_user("admin"))
    for name in (
        "insurance/rulesset",
        "insurance/voluntarycontract",
        "insurance/insuredevent",
        "insurance/claim",
        "insurance/decision",
        "insurance/payout",
        "annuity/annuitycontract",
        "annuity/monthlyrun",
    ):
        assert client.get(f"/admin/{name}/").status_code == 200, name
