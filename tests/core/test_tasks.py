"""The scheduled jobs of core run through a real Celery worker (config/celery.py beat entries)."""

from __future__ import annotations

import pytest

from contracts.models import OsnsContract
from core.models import FeedFile, Organisation
from core.tasks import health_check, import_feed_inbox
from tests.contracts.esbd_rows import EMPLOYER_BIN, contract, write_feed

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def inbox_root(tmp_path, monkeypatch, settings):
    """FEED_INBOX_ROOT for this process and for the worker started after it."""
    monkeypatch.setenv("FEED_INBOX_ROOT", str(tmp_path))
    settings.FEED_INBOX_ROOT = tmp_path
    return tmp_path


def test_beat_schedule_names_these_tasks():
    from config.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["health-check"]["task"] == health_check.name == "core.tasks.health_check"
    assert schedule["feed-esbd-contracts"]["task"] == import_feed_inbox.name
    assert schedule["feed-esbd-contracts"]["args"] == ["esbd_contracts"]
    assert import_feed_inbox.acks_late and import_feed_inbox.reject_on_worker_lost


@pytest.mark.django_db(transaction=True)
def test_import_feed_inbox_loads_new_files_through_the_worker(inbox_root, celery_worker_process):
    inbox = inbox_root / "esbd_contracts"
    inbox.mkdir()
    write_feed(inbox, [contract(workers_count="5")], name="esbd_contracts_20250402.csv")
    write_feed(
        inbox,
        [contract(workers_count="4"), contract(contract_number="2", ends_on="bad")],
        name="esbd_contracts_20250401.csv",
    )

    result = import_feed_inbox.delay("esbd_contracts").get(timeout=120)

    assert [(f["file"], f["status"], f["loaded"], f["rejected"]) for f in result["files"]] == [
        ("esbd_contracts_20250401.csv", "loaded", 1, 1),
        ("esbd_contracts_20250402.csv", "loaded", 1, 0),
    ]
    assert list(
        OsnsContract.objects.order_by("version").values_list(
            "version", "workers_count", "is_current"
        )
    ) == [(1, 4, False), (2, 5, True)]
    assert Organisation.objects.filter(bin=EMPLOYER_BIN, kind="employer").exists()
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "esbd_contracts_20250401.csv",
        "esbd_contracts_20250402.csv",
    ]

    # A second run finds nothing new.
    again = import_feed_inbox.delay("esbd_contracts").get(timeout=60)
    assert again == {"feed": "esbd_contracts", "files": []}
    assert FeedFile.objects.filter(status="loaded").count() == 2


@pytest.mark.django_db(transaction=True)
def test_health_check_through_the_worker(celery_worker_process):
    result = health_check.delay().get(timeout=60)
    assert (result["status"], result["database"], result["broker"]) == ("ok", "ok", "ok")
    assert result["checked_at"]
